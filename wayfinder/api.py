"""The JSON API: one Ninja instance, its OpenAPI document at /api/openapi.json.

Domain apps add routers here (the HSDS directory API is mounted at /api/hsds/).
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Wayfinder API",
    version="1.0.0",
    description="Open Referral HSDS 3.0 directory API and Wayfinder integration endpoints.",
    urls_namespace="api",
    docs_url=None,
)

# HSDS 3.0 directory API (wayfinder/directory/api.py): api.add_router("/hsds/", router) plus its 400/404 handlers.
from wayfinder.directory.api import install as _install_hsds  # noqa: E402

_install_hsds(api)

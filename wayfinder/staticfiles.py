"""collectstatic without the static files no page uses.

Django Ninja ships Swagger UI and ReDoc (24 MB of the 34 MB collected); the API
serves no documentation pages (``docs_url=None``), so they are neither collected
nor compressed: a faster deploy, and nothing served that nobody reviewed.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "ninja"]

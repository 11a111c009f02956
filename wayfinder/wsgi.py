"""WSGI entry point (gunicorn wayfinder.wsgi).

gunicorn runs no system checks, so the links between apps are verified here: a
server whose required extension-point providers are missing refuses to start
instead of serving pages without a product rule (docs/architecture.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wayfinder.settings")
application = get_wsgi_application()

from wayfinder.lib.extension_points import verify  # noqa: E402 - needs the apps loaded above

verify()

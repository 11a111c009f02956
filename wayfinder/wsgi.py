"""WSGI entry point (gunicorn wayfinder.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wayfinder.settings")
application = get_wsgi_application()

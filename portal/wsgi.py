"""The portal's WSGI application (gunicorn ``portal.wsgi:application``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# The search's word tables, built now rather than in a visitor's first Cyrillic search
from portal.search import load_tables  # noqa: E402 - after Django's set-up

load_tables()

# The time zones' city names in each language (the CLDR's data), read now rather than while the
# first visitor of a form with a time zone waits
from portal.timezones import load_names  # noqa: E402 - after Django's set-up

load_names()

# Django's modules, settings and apps are loaded: the objects they made live as long as the
# worker. Frozen, the collector's full passes skip them (135,000 objects: a pass cost 66 ms,
# 0.25 ms a search page on average), as Python's documentation advises for a pre-forked
# server's workers.
gc.freeze()

"""The WSGI application, as gunicorn (or any WSGI server) loads it in each worker process."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emassess.settings")

application = get_wsgi_application()

# Load every view (and what it imports) now rather than on the first request, then take all that
# is loaded out of the garbage collector's sight: it lives as long as the process, and Python's
# full collections would otherwise walk its 90,000 objects every time, 30 ms on a quiet machine
# and 100 ms on a busy one, during some unlucky request. Garbage made later is still collected.
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
gc.collect()
gc.freeze()

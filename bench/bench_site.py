"""Settings for bench/pages.py only: the real site, routed through bench/bench_urls.py.

Never used in production: `bench/pages.py` puts bench/ on gunicorn's path and names this
module as DJANGO_SETTINGS_MODULE.
"""

from __future__ import annotations

from iamlab.settings import *  # noqa: F403 - the real settings, with one change below

ROOT_URLCONF = "bench_urls"

"""gunicorn's settings for IAM Lab (read by `bin/lab classroom`, and by any gunicorn started
in this directory). Each can be overridden on the command line."""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One worker per core, plus one for the moments a worker waits (the database, Graphviz).
# gunicorn's usual advice, two per core plus one, suits workers that mostly wait; these
# mostly compute, and extra workers only share the cores and each warm their own caches.
# bench/load.py, 100 connections on step pages, 2 cores: 5 workers 207 step pages a second
# (p99 613 ms), 3 workers 240-305 (p99 433-509 ms).
workers = int(os.environ.get("WORKERS") or multiprocessing.cpu_count() + 1)
# Read request lines of any length: the app refuses an over-long address itself, with a
# page a student can read (iamlab/core/middleware.py), instead of gunicorn's bare 400.
limit_request_line = 0
accesslog = "-"
wsgi_app = "iamlab.wsgi:application"

"""gunicorn's settings for IAM Lab (read by `bin/lab classroom`, and by any gunicorn started
in this directory). Each can be overridden on the command line."""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One sync worker per core, plus one. gunicorn's usual advice (two per core, plus one) is
# for workers that mostly wait; IAM Lab's mostly compute, and on 2 cores 5 workers answered
# step pages more slowly than 3, on SQLite and on PostgreSQL alike (docs/performance.md).
workers = int(os.environ.get("WORKERS") or multiprocessing.cpu_count() + 1)
# Read request lines of any length: the app refuses an over-long address itself, with a
# page a student can read (iamlab/core/middleware.py), instead of gunicorn's bare 400.
limit_request_line = 0
accesslog = "-"
wsgi_app = "iamlab.wsgi:application"

"""gunicorn's settings for the benches: none beyond the command line's (no access log)."""

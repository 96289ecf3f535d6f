"""Real servers for the serving tests: gunicorn processes over one prepared SQLite database.

Each server is the classroom set-up (`gunicorn.conf.py`, DEBUG off, collected static
files, the database cache) bound to 127.0.0.1 on a free port, and is stopped (by its own
process id) when the test ends.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.serving.servers import IAM_ROLES, PROJECT, Server, free_port, manage


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Prepare one database (migrated, iam-roles loaded) and the static files, once."""
    home = tmp_path_factory.mktemp("serving")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "CACHE_URL": "db://",
        "STATIC_ROOT": str(home / "static"),
        # Plain HTTP on 127.0.0.1: cookies must not be marked Secure, or none come back.
        "SECURE_COOKIES": "0",
        "WORKERS": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "loadscenario", str(IAM_ROLES))
    manage(env, "collectstatic", "--no-input", "-v", "0")
    return env


@pytest.fixture(scope="session")
def start_server(server_env: dict[str, str]) -> Iterator[Callable[[], Server]]:
    """Start gunicorn servers on demand; every one is stopped after the run."""
    started: list[Server] = []

    def start() -> Server:
        port = free_port()
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=PROJECT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        server = Server(f"http://127.0.0.1:{port}", process)
        started.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return server
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not listen on port {port} within 30 s")

    yield start
    for server in started:  # each by its own process id
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def two_servers(start_server: Callable[[], Server]) -> tuple[Server, Server]:
    """Two gunicorn servers over the same database, shared by the serving tests."""
    return start_server(), start_server()

"""What the benches that serve the app through gunicorn share: the server and its CPU time.

bench/pages.py and bench/load.py both start gunicorn on a free port of 127.0.0.1 with the
settings of bench/bench_site.py (the real site plus the bare view of bench/bench_urls.py),
DEBUG off, and read the workers' CPU time from /proc.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BARE = "/bench/bare/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (after pid and name)
    return total / os.sysconf("SC_CLK_TCK")


def bench_environment(scratch: Path, cache_url: str, database_url: str = "") -> dict[str, str]:
    """Return the environment the bench and its gunicorn share, and make it this process's.

    The database is a SQLite file in `scratch` unless `database_url` names another.
    """
    environment = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{scratch}/bench.sqlite3",
        "CACHE_URL": cache_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(scratch / "static"),
        "DJANGO_SETTINGS_MODULE": "bench_site",
        "PYTHONPATH": f"{ROOT}:{BENCH}",
    }
    os.environ.update(environment)
    return environment


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", BARE)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 seconds")


@contextmanager
def gunicorn(environment: dict[str, str], workers: int | None) -> Iterator[tuple[int, list[int]]]:
    """Serve the app on a free port of 127.0.0.1 while the block runs; yield port and pids.

    gunicorn reads gunicorn.conf.py (in ROOT) as `bin/lab classroom` does; `workers`
    overrides the number it chooses for the machine. The access log is not written.
    """
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        os.devnull,
        "--log-level",
        "warning",
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        wait_until_up(port)
        yield port, worker_pids(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

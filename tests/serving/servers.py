"""Real gunicorn servers for the serving tests, and a small browser that keeps cookies."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


IAM_ROLES = PROJECT / "fixtures" / "scenarios" / "iam-roles.json"


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run manage.py with the servers' settings; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]


class Browser:
    """A minimal browser: one cookie jar, any number of servers, no redirects followed."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict[str, str]) -> Response:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": url}))

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, answer.read().decode(), dict(answer.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), dict(error.headers))

    def sign_in(self, server: str, username: str, password: str) -> Response:
        page = self.get(f"{server}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert token is not None
        return self.post(
            f"{server}/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        )

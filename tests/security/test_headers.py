"""Every HTML page carries a strict Content-Security-Policy and the other security
headers; a production configuration passes Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.security.surface import PAGES, Page

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    """Read a Content-Security-Policy header into directive -> sources."""
    pairs = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: sources for name, sources in pairs}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url)
def test_every_page_carries_the_strict_policy_and_the_other_headers(
    client: Client, hostile: None, instructor: object, page: Page
) -> None:
    if page.staff:
        client.force_login(instructor)

    response = client.get(page.url)

    assert response.status_code == page.status
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_svg_download_keeps_its_own_stricter_policy(client: Client, hostile: None) -> None:
    response = client.get("/diagrams/scenarios/hostile/trust.svg")

    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def production_environment(tmp_path: Path) -> dict[str, str]:
    """The settings README's "Serving a classroom" documents for a deployment behind TLS."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "iamlab.example.edu",
        "CSRF_TRUSTED_ORIGINS": "https://iamlab.example.edu",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "BEHIND_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }


def test_the_documented_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_without_tls_settings_the_deployment_checks_name_what_is_missing(tmp_path: Path) -> None:
    environment = production_environment(tmp_path)
    for name in ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"]:
        del environment[name]

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "(security.W004)" in result.stderr
    assert "(security.W008)" in result.stderr

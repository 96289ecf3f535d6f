"""No redirect leaves the site: `next` after signing in, up or out, however it is written."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.security.surface import PASSWORD

pytestmark = pytest.mark.django_db

# Targets off the site, as the view reads them (a query string or a form decoded once).
# Each is refused, so the learner lands on the home page.
OFF_SITE = [
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://EVIL.EXAMPLE/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example/",
    "\t//evil.example/",
    "\n//evil.example/",
    " //evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "https://testserver@evil.example/",
    "http://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://evil.example/",
]
# The same as they travel in an address: percent-encoded once, which Django decodes.
ENCODED = [quote(target, safe="") for target in OFF_SITE[:8]] + [
    "%2F%2F%65vil.example",  # an encoded letter as well
    "https%3A%2F%2Fevil%2Eexample%2F",
]
# Encoded twice: Django decodes once and keeps what is left, a path on this site.
TWICE = ["https%253A%252F%252Fevil.example%252F", "%252F%252Fevil.example"]


def destination(location: str, page: str) -> tuple[str, str]:
    """Return the scheme and host a browser goes to after this Location, read from `page`.

    Browsers drop leading and trailing control characters and spaces, ignore tabs and
    line breaks inside, and read a backslash as a slash (WHATWG URL standard).
    """
    cleaned = location.strip("".join(chr(code) for code in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    parts = urlsplit(urljoin(f"http://testserver{page}", cleaned))
    return parts.scheme, parts.netloc


@pytest.fixture
def learner(db: None) -> object:
    return get_user_model().objects.create_user("learner", password=PASSWORD)


def sign_in(client: Client, where: str, next_field: str | None, query: str = "") -> object:
    data = {"username": "learner", "password": PASSWORD}
    if where == "/accounts/signup/":
        data = {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}
    if where == "/admin/login/":
        data = {"username": "instructor", "password": PASSWORD}
    if next_field is not None:
        data["next"] = next_field
    return client.post(f"{where}{'?' + query if query else ''}", data)


WHERE = ["/accounts/login/", "/accounts/signup/", "/admin/login/"]


@pytest.mark.parametrize("target", OFF_SITE)
@pytest.mark.parametrize("where", WHERE)
def test_signing_in_with_next_in_the_form_lands_on_the_home_page(
    client: Client, learner: object, instructor: object, where: str, target: str
) -> None:
    response = sign_in(client, where, target)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("query", ENCODED)
@pytest.mark.parametrize("where", WHERE)
def test_signing_in_with_an_encoded_next_in_the_address_lands_on_the_home_page(
    client: Client, learner: object, instructor: object, where: str, query: str
) -> None:
    response = sign_in(client, where, None, f"next={query}")

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("query", TWICE)
@pytest.mark.parametrize("where", WHERE)
def test_a_next_encoded_twice_stays_a_path_on_this_site(
    client: Client, learner: object, instructor: object, where: str, query: str
) -> None:
    response = sign_in(client, where, None, f"next={query}")

    assert response.status_code == 302
    assert response["Location"] == query.replace("%25", "%")
    assert destination(response["Location"], where) == ("http", "testserver")


@pytest.mark.parametrize("target", [*OFF_SITE, *TWICE])
@pytest.mark.parametrize("where", ["/accounts/login/", "/accounts/signup/"])
def test_a_signed_in_visitor_sent_to_sign_in_again_stays_on_the_site(
    learner: object, where: str, target: str
) -> None:
    client = Client()
    client.force_login(learner)

    response = client.get(where, {"next": target})

    assert response.status_code == 302
    assert destination(response["Location"], where) == ("http", "testserver")
    if target in OFF_SITE:
        assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
@pytest.mark.parametrize("where", ["/accounts/login/", "/accounts/signup/", "/admin/login/"])
def test_the_sign_in_page_does_not_carry_an_off_site_next_into_its_form(
    client: Client, where: str, target: str
) -> None:
    response = client.get(where, {"next": target})

    assert response.status_code == 200
    body = response.content.decode()
    fields = re.findall(r'<input type="hidden" name="next" value="([^"]*)"', body)
    # Django's login pages leave the field empty; the sign-up page fills in the home page.
    assert fields == [{"/accounts/signup/": "/"}.get(where, "")]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_never_redirects_off_the_site(
    client: Client, learner: object, target: str
) -> None:
    client.force_login(learner)

    in_form = client.post("/accounts/logout/", {"next": target})
    client.force_login(learner)
    in_address = client.post(f"/accounts/logout/?next={quote(target, safe='')}")

    assert (in_form.status_code, in_form["Location"]) == (302, "/")
    assert (in_address.status_code, in_address["Location"]) == (302, "/")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("where", WHERE)
def test_a_next_on_this_site_is_followed(
    client: Client, learner: object, instructor: object, where: str
) -> None:
    # The control: the tests above would pass for a site that ignored `next` altogether.
    response = sign_in(client, where, "/lessons/?from=sign-in")

    assert response.status_code == 302
    assert response["Location"] == "/lessons/?from=sign-in"

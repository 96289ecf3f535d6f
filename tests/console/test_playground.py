"""The policy playground: decisions and explanations from the engine, validation messages with
line and JSON path, loading a scenario's entity, share links, tables, and hostile input."""

from __future__ import annotations

import base64
import html
import json
import re
import zlib

import pytest
from django.test import Client

from iamlab.console.playground import MAX_SHARE_BYTES, decode_state, encode_state
from iamlab.scenarios.models import Scenario
from tests.cast import ALICE, PUBLISHER

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def verdict(content: str) -> str:
    match = re.search(r'id="playground-verdict">.*?<p>(.*?)</p>', content, re.S)
    assert match, "no verdict"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def field_error(content: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{name}-error">(.*?)</p>', content, re.S)
    assert match, f"no error on {name}"
    return html.unescape(match.group(1))


def ask(client: Client, **fields: str) -> str:
    data = {
        "principal": ALICE,
        "actions": "s3:GetObject",
        "resources": "arn:aws:s3:::b/k",
        **fields,
    }
    return client.post("/playground/", data).content.decode()


def test_blank_playground_offers_a_first_case(client: Client, db: None) -> None:
    content = client.get("/playground/").content.decode()
    assert (
        '<input type="text" name="principal" value="arn:aws:iam::111122223333:user/alice"'
        in content
    )
    assert 'data-context-key="iam:PassedToService"' in content
    assert 'data-context-key="sts:ExternalId"' in content
    assert 'data-context-key="aws:MultiFactorAuthPresent"' in content


def test_decision_explanation_and_diagram(client: Client, db: None) -> None:
    content = ask(
        client,
        identity=policy(
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        ),
    )

    assert verdict(content) == f"Allowed: {ALICE} asking for s3:GetObject on arn:aws:s3:::b/k."
    assert '<tr class="statement-matched">\n                <td>0 (Read) — decided</td>' in content
    assert 'role="img"' in content
    assert "How the decision on s3:GetObject was reached" in content


def test_explicit_deny_in_an_scp_is_named(client: Client, db: None) -> None:
    content = ask(
        client,
        identity=policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        scp=policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}),
    )
    assert verdict(content) == (
        f"Explicitly denied: {ALICE} asking for s3:GetObject on arn:aws:s3:::b/k "
        "(denied by the service control policy)."
    )


def test_context_keys_reach_the_engine(client: Client, db: None) -> None:
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "ExampleCorp-7Hq2x"}},
        }
    )
    fields = {
        "principal": "arn:aws:iam::444455556666:user/invoice-app",
        "actions": "sts:AssumeRole",
        "resources": PUBLISHER,
        "identity": policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
        "resource": trust,
    }
    assert verdict(ask(client, **fields)).startswith("Implicitly denied:")
    allowed = ask(client, **fields, context="sts:ExternalId = ExampleCorp-7Hq2x")
    assert verdict(allowed).startswith("Allowed:")


def test_several_actions_and_resources_give_a_table(client: Client, db: None) -> None:
    content = ask(
        client,
        actions="s3:GetObject\ns3:PutObject",
        resources="arn:aws:s3:::b/k\narn:aws:s3:::other/k",
        identity=policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ),
    )
    rows = re.findall(
        r"<tr><td><code>(.*?)</code></td><td><code>(.*?)</code></td>"
        r"\s*<td class=\"[^\"]+\">(\w+)</td>",
        content,
    )
    assert rows == [
        ("s3:GetObject", "arn:aws:s3:::b/k", "Allowed"),
        ("s3:GetObject", "arn:aws:s3:::other/k", "ImplicitlyDenied"),
        ("s3:PutObject", "arn:aws:s3:::b/k", "ImplicitlyDenied"),
        ("s3:PutObject", "arn:aws:s3:::other/k", "ImplicitlyDenied"),
    ]


def test_json_syntax_error_names_its_line(client: Client, db: None) -> None:
    content = ask(
        client,
        identity=(
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'
        ),
    )
    assert field_error(content, "identity") == (
        "Line 4: The identity-based policy text is not valid JSON: Expecting property name "
        "enclosed in double quotes at line 4, column 24."
    )


def test_policy_error_names_line_and_json_path(client: Client, db: None) -> None:
    text = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"nocolon": "x"}},
        },
    )
    response = client.post(
        "/playground/",
        {"principal": ALICE, "actions": "s3:GetObject", "resources": "*", "identity": text},
    )

    assert response.status_code == 400
    error = field_error(response.content.decode(), "identity")
    assert error.startswith(
        "Line 15, at Statement[1].Condition.StringEquals.nocolon: Condition key"
    )
    assert text.splitlines()[14].strip() == '"nocolon": "x"'


def test_error_in_the_second_policy_of_a_list_counts_from_the_list(
    client: Client, db: None
) -> None:
    good = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    }
    bad = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"},
    }
    text = json.dumps([good, bad], indent=1)
    content = ask(client, identity=text)
    assert field_error(content, "identity").startswith(
        "Line 13, at [1].Statement.Effect: Effect must"
    )
    assert text.splitlines()[12].strip() == '"Effect": "Maybe",'


def test_engine_request_errors_are_sentences_on_their_field(client: Client, db: None) -> None:
    content = ask(client, principal="bob")
    assert field_error(content, "principal").startswith(
        'The principal "bob" must be an IAM or STS principal ARN'
    )
    assert "InvalidSimulation" not in content


def test_errors_are_linked_to_their_fields(client: Client, db: None) -> None:
    content = ask(client, actions="s3 get", identity="{")
    for reference in re.findall(r'aria-describedby="([^"]*)"', content):
        for element_id in reference.split():
            assert f'id="{element_id}"' in content, element_id
    textarea = re.search(r'<textarea name="identity"[^>]*>', content).group(0)
    assert 'aria-describedby="id_identity-error id_identity-help"' in textarea


def test_htmx_gets_the_playground_fragment(client: Client, db: None) -> None:
    response = client.post(
        "/playground/",
        {"principal": ALICE, "actions": "s3:GetObject", "resources": "*", "identity": "{"},
        **HX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="playground">')
    assert "<html" not in content


def test_load_a_users_policies_from_a_scenario(client: Client, iam_roles: Scenario) -> None:
    page = client.get("/playground/", {"scenario": "iam-roles"}).content.decode()
    assert f'<option value="trust:{PUBLISHER}">ReportPublisher&#x27;s trust policy</option>' in page

    content = client.get(
        "/playground/", {"scenario": "iam-roles", "entity": f"user:{ALICE}"}
    ).content.decode()
    assert '"Sid": "AssumeReportPublisher"' in html.unescape(
        content
    ) or "AssumeReportPublisher" in html.unescape(content)
    assert f'value="{ALICE}"' in content


def test_load_a_trust_policy_and_evaluate_it(client: Client, iam_roles: Scenario) -> None:
    content = client.get(
        "/playground/", {"scenario": "iam-roles", "entity": f"trust:{PUBLISHER}"}
    ).content.decode()
    assert verdict(content) == f"Allowed: {ALICE} asking for sts:AssumeRole on {PUBLISHER}."


def test_a_trust_policy_starts_from_the_principal_it_names(
    client: Client, iam_roles: Scenario
) -> None:
    lambda_admin = "arn:aws:iam::111122223333:role/service-role/lambda-admin-role"
    github = "arn:aws:iam::111122223333:role/GitHubActionsDeploy"
    provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"

    service = client.get(
        "/playground/", {"scenario": "iam-roles", "entity": f"trust:{lambda_admin}"}
    )
    federated = client.get("/playground/", {"scenario": "iam-roles", "entity": f"trust:{github}"})

    assert verdict(service.content.decode()) == (
        f"Allowed: lambda.amazonaws.com asking for sts:AssumeRole on {lambda_admin}."
    )
    # The token's claims are missing until the learner adds them as context keys.
    assert verdict(federated.content.decode()) == (
        f"Implicitly denied: {provider} asking for sts:AssumeRoleWithWebIdentity on {github} "
        "(denied by the role trust policy)."
    )


def test_unknown_entity_or_scenario_says_so(client: Client, iam_roles: Scenario) -> None:
    content = client.get(
        "/playground/", {"scenario": "iam-roles", "entity": "user:<b>x"}
    ).content.decode()
    assert "That entity is not in this scenario." in content
    content = client.get("/playground/", {"scenario": "<svg>"}).content.decode()
    assert "There is no scenario “&lt;svg&gt;”; pick one from the list." in content


def test_share_link_opens_the_same_case(client: Client, db: None) -> None:
    content = ask(client, identity=policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}))
    link = html.unescape(
        re.search(r'id="share-url" type="text" readonly value="([^"]+)"', content).group(1)
    )
    assert link.startswith("http://testserver/playground/?s=")
    assert len(link) < 3100

    shared = client.get(link.removeprefix("http://testserver")).content.decode()
    assert verdict(shared) == verdict(content)
    assert verdict(shared).startswith("Explicitly denied:")


def test_share_links_are_validated_on_load(client: Client, db: None) -> None:
    cases = {
        "!!!": "The shared link is damaged: it holds characters a share link never has.",
        "abc": "The shared link is damaged: it does not decode.",
        "A" * 3001: "The shared link is 3,001 characters long; at most 3,000 are allowed.",
    }
    for value, message in cases.items():
        content = client.get("/playground/", {"s": value}).content.decode()
        assert message in html.unescape(content)
    foreign = base64.urlsafe_b64encode(zlib.compress(b'{"evil": "x"}')).decode().rstrip("=")
    assert "The shared link holds fields the playground does not have." in html.unescape(
        client.get("/playground/", {"s": foreign}).content.decode()
    )


def test_share_link_that_unpacks_to_megabytes_is_refused(db: None) -> None:
    raw = json.dumps({"identity": "a" * 2_000_000}).encode()
    encoded = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    assert len(encoded) < 3000
    with pytest.raises(ValueError, match=f"unpacks to more than {MAX_SHARE_BYTES:,} bytes"):
        decode_state(encoded)


def test_share_link_of_a_hundred_thousand_statements_is_refused_by_length(
    client: Client, db: None
) -> None:
    statements = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}] * 100_000
    raw = json.dumps({"identity": json.dumps({"Statement": statements})}).encode()
    encoded = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    content = html.unescape(client.get("/playground/", {"s": encoded}).content.decode())
    assert (
        f"The shared link is {len(encoded):,} characters long; at most 3,000 are allowed."
        in content
    )


def test_encode_and_decode_are_inverse(db: None) -> None:
    state = {
        "principal": ALICE,
        "identity": policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    }
    assert decode_state(encode_state(state) or "") == state


# --- hostile input --------------------------------------------------------------------------


def test_a_megabyte_policy_is_refused_before_parsing(client: Client, db: None) -> None:
    text = (
        '{"Statement": ['
        + ",".join(['{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'] * 18_000)
        + "]}"
    )
    assert len(text) > 1_000_000
    content = ask(client, identity=text)
    assert field_error(content, "identity") == (
        f"The identity-based policy text is {len(text):,} characters long; "
        "at most 20,000 are allowed."
    )


def test_a_policy_nested_ten_thousand_deep_is_refused(client: Client, db: None) -> None:
    content = ask(client, resource="[" * 10_000 + "]" * 10_000)
    assert field_error(content, "resource") == (
        "The resource-based or trust policy text is nested more than 40 levels deep; "
        "a policy needs a few."
    )


def test_a_hundred_thousand_statement_policy_is_refused_with_a_clear_page(
    client: Client, db: None
) -> None:
    text = (
        '{"Statement": ['
        + ",".join(['{"Effect":"Deny","Action":"a:b","Resource":"*"}'] * 100_000)
        + "]}"
    )
    response = client.post(
        "/playground/",
        {"principal": ALICE, "actions": "s3:GetObject", "resources": "*", "identity": text},
    )

    assert response.status_code == 400
    assert "larger than this site accepts" in response.content.decode()


def test_a_pathological_wildcard_is_decided_quickly(client: Client, db: None) -> None:
    resource = "arn:aws:s3:::" + "*a" * 500 + "b"
    content = ask(
        client,
        resources="arn:aws:s3:::" + "a" * 3000,
        identity=policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}),
    )
    assert verdict(content).startswith("Implicitly denied:")


def test_html_and_svg_in_every_field_are_escaped(client: Client, db: None) -> None:
    markup = '<script>alert(1)</script><svg onload="alert(2)">'
    data = {
        name: markup
        for name in (
            "principal",
            "actions",
            "resources",
            "resource_account",
            "context",
            "identity",
            "resource",
            "boundary",
            "session",
            "scp",
            "rcp",
        )
    }
    content = client.post("/playground/", data).content.decode()
    assert "<script>alert" not in content and "<svg onload" not in content
    assert content.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6


def test_control_characters_are_refused_with_a_message(client: Client, db: None) -> None:
    content = ask(client, principal=ALICE + "\x1b[31m", resources="arn:aws:s3:::b/\x07k")
    assert field_error(content, "principal") == (
        "The principal must be one ARN or name, without spaces or control characters."
    )
    assert field_error(content, "resources").startswith(
        "The resource “arn:aws:s3:::b/\x07k” holds spaces or control characters"
    )

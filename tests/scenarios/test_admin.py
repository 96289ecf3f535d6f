"""The admin: staff browse scenarios; policies show as formatted JSON and are validated on save."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import User as Staff
from django.test import Client, RequestFactory

from iamlab.scenarios.admin import RoleAdmin
from iamlab.scenarios.models import ManagedPolicy, Role, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(Staff.objects.create_superuser("instructor", "i@example.com", "pw"))
    return client


def test_a_policy_is_shown_as_formatted_json(staff_client: Client, iam_roles: Scenario) -> None:
    policy = ManagedPolicy.objects.get(name="ReportsPublish")

    response = staff_client.get(f"/admin/scenarios/managedpolicy/{policy.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<textarea name="document" cols="90" rows="14" class="policy-json" spellcheck="false" '
        'required aria-describedby="id_document_helptext" id="id_document">\n'
        "{\n  &quot;Version&quot;: &quot;2012-10-17&quot;,\n"
        "  &quot;Statement&quot;: [\n    {\n      &quot;Sid&quot;: &quot;ListReports&quot;,"
    ) in html


def test_every_scenario_model_has_an_admin_page(staff_client: Client, iam_roles: Scenario) -> None:
    for name in [
        "scenario",
        "account",
        "managedpolicy",
        "group",
        "user",
        "role",
        "identityprovider",
        "bucket",
        "lambdafunction",
        "workspace",
    ]:
        assert staff_client.get(f"/admin/scenarios/{name}/").status_code == 200, name
        if name != "workspace":
            assert staff_client.get(f"/admin/scenarios/{name}/add/").status_code == 200, name


def test_an_invalid_trust_policy_is_refused_on_save(iam_roles: Scenario) -> None:
    role = Role.objects.get(name="ReportPublisher")
    request = RequestFactory().get("/")
    request.user = Staff.objects.create_superuser("instructor", "i@example.com", "pw")
    form_class = RoleAdmin(Role, admin.site).get_form(request, role)
    data = {
        "account": role.account_id,
        "name": role.name,
        "path": "/",
        "description": "",
        "trust_policy": json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}],
            }
        ),
        "max_session_duration": "3600",
        "tags": "{}",
        "aws_managed_policy_arns": "[]",
    }

    form = form_class(data=data, instance=role)

    assert not form.is_valid()
    assert form.errors["trust_policy"] == [
        "MalformedPolicyDocument at Statement[0].Principal: Missing required field Principal: "
        "a role trust policy must say who it applies to, for example "
        '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}.'
    ]
    role.refresh_from_db()
    assert role.trust_policy["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:user/alice"
    }


def test_saving_warns_about_problems_only_the_world_sees(
    staff_client: Client, iam_roles: Scenario
) -> None:
    policy = ManagedPolicy.objects.get(name="ReportsPublish")
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}],
    }
    # A valid policy saved; then alice disappears from the world, so the trust policy of
    # ReportPublisher names a user that does not exist.
    from iamlab.scenarios.models import User

    User.objects.filter(name="alice").update(name="alice2")

    response = staff_client.post(
        f"/admin/scenarios/managedpolicy/{policy.pk}/change/",
        {
            "account": policy.account_id,
            "name": policy.name,
            "path": "/",
            "description": policy.description,
            "document": json.dumps(document),
        },
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0] == (
        'The scenario has a problem: scenarios.role ["iam-roles", "111122223333", '
        '"ReportPublisher"], field trust_policy at Statement[0].Principal: Invalid principal in '
        'policy: "AWS":"arn:aws:iam::111122223333:user/alice" (no such user in the world).'
    )
    policy.refresh_from_db()
    assert policy.document == document


def test_choices_are_limited_to_the_scenario_being_edited(
    staff_client: Client, iam_roles: Scenario
) -> None:
    from iamlab.scenarios.loading import load_fixtures
    from tests.cast import FIXTURES

    assert load_fixtures([FIXTURES / "role-chaining.json"]).problems == []
    role = Role.objects.get(name="ReportPublisher")

    response = staff_client.get(f"/admin/scenarios/role/{role.pk}/change/")

    choices = response.context["adminform"].form.fields["managed_policies"].queryset
    assert sorted(choices.values_list("name", flat=True)) == [
        "ReportsPublish",
        "ReportsReadOnly",
    ]


def test_every_object_of_the_story_opens_in_the_admin(
    staff_client: Client, iam_roles: Scenario
) -> None:
    from iamlab.scenarios.models import scenario_content

    opened = 0
    for row in scenario_content(iam_roles):
        if type(row) not in admin.site._registry:
            continue  # edited inline on its user, group, role or bucket
        url = f"/admin/scenarios/{row._meta.model_name}/{row.pk}/change/"
        assert staff_client.get(url).status_code == 200, url
        opened += 1

    assert opened == 15

"""A scenario's world spec is cached per content version; any content change makes a new one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import (
    AccessKey,
    Account,
    Group,
    InlinePolicy,
    ManagedPolicy,
    Role,
    S3Object,
    Scenario,
    User,
)
from tests.cast import IAM_ROLES

pytestmark = pytest.mark.django_db


def version(scenario: Scenario) -> str:
    return Scenario.objects.values_list("content_version", flat=True).get(pk=scenario.pk)


def test_a_cached_world_is_built_without_reading_the_rows(
    iam_roles: Scenario, django_assert_num_queries: Callable[..., object]
) -> None:
    iam_roles.world()  # the first request builds the spec and caches it

    with django_assert_num_queries(0):  # type: ignore[attr-defined]
        world = iam_roles.world()

    assert world.to_spec() == iam_roles.to_world().to_spec()


def tag_alice(scenario: Scenario) -> None:
    alice = User.objects.get(account__scenario=scenario, name="alice")
    alice.tags = {"team": "reports"}
    alice.save()


def delete_a_key(scenario: Scenario) -> None:
    AccessKey.objects.filter(user__account__scenario=scenario).first().delete()


def unlink_a_policy(scenario: Scenario) -> None:
    role = Role.objects.filter(account__scenario=scenario).exclude(managed_policies=None)[0]
    role.managed_policies.clear()


def add_a_member(scenario: Scenario) -> None:
    account = Account.objects.get(scenario=scenario)
    group = Group.objects.create(account=account, name="Readers")
    group.members.add(User.objects.get(account=account, name="alice"))


def edit_an_inline_policy(scenario: Scenario) -> None:
    policy = InlinePolicy.objects.filter(role__account__scenario=scenario).first()
    policy.save()


def delete_an_object(scenario: Scenario) -> None:
    S3Object.objects.filter(bucket__account__scenario=scenario).first().delete()


def save_the_scenario(scenario: Scenario) -> None:
    scenario.title = "Renamed"
    scenario.save()


def reload_the_fixture(scenario: Scenario) -> None:
    assert load_fixtures([IAM_ROLES]).problems == []


def edit_a_managed_policy(scenario: Scenario) -> None:
    ManagedPolicy.objects.filter(account__scenario=scenario).first().save()


@pytest.mark.parametrize(
    "change",
    [
        tag_alice,
        delete_a_key,
        unlink_a_policy,
        add_a_member,
        edit_an_inline_policy,
        delete_an_object,
        save_the_scenario,
        reload_the_fixture,
        edit_a_managed_policy,
    ],
)
def test_any_content_change_makes_a_new_version(
    iam_roles: Scenario, change: Callable[[Scenario], None]
) -> None:
    before = version(iam_roles)

    change(iam_roles)

    assert version(iam_roles) != before


def test_the_world_shows_a_change_made_after_it_was_cached(iam_roles: Scenario) -> None:
    iam_roles.world()

    tag_alice(iam_roles)
    scenario = Scenario.objects.get(pk=iam_roles.pk)

    alice = scenario.world().accounts["111122223333"].users["alice"]
    assert alice.tags == {"team": "reports"}


def test_the_version_is_not_part_of_a_dumped_fixture(iam_roles: Scenario) -> None:
    from iamlab.scenarios.loading import dump_scenario

    assert "content_version" not in dump_scenario(iam_roles)

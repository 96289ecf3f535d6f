"""The scenarios app's test cast: the built-in iam-roles scenario, and small fixture files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import CONTENT_MODELS, Scenario, Workspace, WorkspaceEntry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
IAM_ROLES = FIXTURES / "iam-roles.json"
ACCOUNT = "111122223333"

WriteFixture = Callable[..., Path]


@pytest.fixture
def iam_roles(db: None) -> Scenario:
    """Load the built-in iam-roles scenario through the instructor's loader."""
    result = load_fixtures([IAM_ROLES])
    assert result.problems == []
    return Scenario.objects.get(slug="iam-roles")


def statement(**fields: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [fields]}


def small_scenario(slug: str = "tiny") -> list[dict[str, Any]]:
    """Return a complete, valid small fixture: one account, alice, one role she may assume."""
    account = [slug, ACCOUNT]
    return [
        {
            "model": "scenarios.scenario",
            "fields": {
                "slug": slug,
                "title": "A tiny world",
                "summary": "alice and one role.",
                "difficulty": "introductory",
                "start_time": "2026-01-05T09:00:00Z",
            },
        },
        {"model": "scenarios.account", "fields": {"scenario": [slug], "account_id": ACCOUNT}},
        {
            "model": "scenarios.managedpolicy",
            "fields": {
                "account": account,
                "name": "ReadReports",
                "document": statement(
                    Effect="Allow", Action="s3:GetObject", Resource="arn:aws:s3:::tiny-reports/*"
                ),
            },
        },
        {
            "model": "scenarios.user",
            "fields": {
                "account": account,
                "name": "alice",
                "managed_policies": [[slug, ACCOUNT, "ReadReports"]],
            },
        },
        {
            "model": "scenarios.accesskey",
            "fields": {
                "user": [slug, ACCOUNT, "alice"],
                "access_key_id": "AKIAEXAMPLETINY00001",
                "secret_access_key": "tinySecretKeyExample00000000000000000000",
            },
        },
        {
            "model": "scenarios.role",
            "fields": {
                "account": account,
                "name": "Publisher",
                "trust_policy": statement(
                    Effect="Allow",
                    Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
                    Action="sts:AssumeRole",
                ),
                "managed_policies": [[slug, ACCOUNT, "ReadReports"]],
            },
        },
        {"model": "scenarios.bucket", "fields": {"account": account, "name": "tiny-reports"}},
        {
            "model": "scenarios.s3object",
            "fields": {
                "bucket": [slug, ACCOUNT, "tiny-reports"],
                "key": "q1.csv",
                "body": "Q1,100\n",
            },
        },
    ]


@pytest.fixture
def write_fixture(tmp_path: Path) -> WriteFixture:
    """Write a fixture file (a list of objects, or raw text) and return its path."""

    def write(content: list[dict[str, Any]] | str, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def row_counts() -> dict[str, int]:
    """Count the rows of every scenario model, to show that a failed load changed nothing."""
    models = [*CONTENT_MODELS, Workspace, WorkspaceEntry]
    return {model._meta.label_lower: model._default_manager.count() for model in models}

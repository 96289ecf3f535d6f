"""Whatever an instructor's fixture holds, loading it either works or reports problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Scenario
from tests.cast import row_counts, small_scenario

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_changed_value_loads_or_is_reported_without_a_trace(
    tmp_path: Path, data: st.DataObject
) -> None:
    fixture = copy.deepcopy(small_scenario())
    target = data.draw(st.integers(min_value=0, max_value=len(fixture) - 1), label="object")
    fields = fixture[target]["fields"]
    name = data.draw(st.sampled_from([*fields, "extra"]), label="field")
    fields[name] = data.draw(json_values, label="value")
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    before = row_counts()

    result = load_fixtures([path])

    if result.problems:
        assert row_counts() == before
        assert all(problem.message for problem in result.problems)
    else:
        assert Scenario.objects.get(slug="tiny").validate() == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_object_replaced_by_any_json_is_reported_without_a_trace(
    tmp_path: Path, data: st.DataObject
) -> None:
    fixture: list[object] = copy.deepcopy(small_scenario())
    position = data.draw(st.integers(min_value=0, max_value=len(fixture)), label="position")
    stranger = data.draw(
        json_values
        | st.fixed_dictionaries(
            {"model": st.sampled_from(["scenarios.role", "x"]), "fields": json_values}
        ),
        label="object",
    )
    fixture[position : position + 1] = [stranger]
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    before = row_counts()

    result = load_fixtures([path])

    assert result.problems != []
    assert row_counts() == before

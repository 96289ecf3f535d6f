"""Wildcard, action, resource and principal matching, with property tests against a reference."""

from __future__ import annotations

from functools import cache
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.engine import simulate
from iamlab.engine.wildcard import compile_pattern, compile_segments
from tests.cast import ACCOUNT, ALICE, OBJECT, ROLE, SESSION, allow, deny, policy, simulation

ALPHABET = "ab*?:/"
TEXT_ALPHABET = "ab:/*?"


def reference_match(pattern: str, text: str) -> bool:
    """Decide a glob by the textbook dynamic programme (exponential-free, obviously right)."""

    @cache
    def match(p: int, t: int) -> bool:
        if p == len(pattern):
            return t == len(text)
        if pattern[p] == "*":
            return match(p + 1, t) or (t < len(text) and match(p, t + 1))
        if t == len(text):
            return False
        return (pattern[p] == "?" or pattern[p] == text[t]) and match(p + 1, t + 1)

    return match(0, 0)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=8), st.text(alphabet=TEXT_ALPHABET, max_size=10))
def test_matching_agrees_with_reference(pattern: str, text: str) -> None:
    assert compile_pattern(pattern).match(text) == reference_match(pattern, text)


@given(st.text(alphabet="abcXYZ:/-_.", max_size=20), st.text(alphabet="abcXYZ:/-_.", max_size=20))
def test_pattern_without_wildcards_matches_only_itself(pattern: str, text: str) -> None:
    assert compile_pattern(pattern).match(text) == (pattern == text)


@given(st.text(max_size=30))
def test_star_matches_everything(text: str) -> None:
    assert compile_pattern("*").match(text)


@given(st.text(alphabet="abAB", max_size=10))
def test_ignore_case_matches_any_casing(text: str) -> None:
    assert compile_pattern(text.upper(), ignore_case=True).match(text.lower())


def test_literal_segments_do_not_act_as_wildcards() -> None:
    pattern = compile_segments([("folder/", True), ("*", False), ("/x?", True)])
    assert pattern.match("folder/*/xy")
    assert not pattern.match("folder/abc/xy")


def test_pathological_pattern_is_decided() -> None:
    pattern = compile_pattern("*a" * 50 + "b")
    assert not pattern.match("a" * 10_000)
    assert compile_pattern("*a" * 50).match("a" * 10_000)


def test_question_mark_needs_exactly_one_character() -> None:
    assert compile_pattern("s3:Get?bject").match("s3:GetObject")
    assert not compile_pattern("s3:Get?bject").match("s3:Getbject")


def test_resource_star_crosses_colons() -> None:
    # IAM-FACTS 8.6: the engine lets `*` in Resource cross `:` (like StringLike).
    document = simulation(
        ALICE,
        "dynamodb:GetItem",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Books",
        identity_policies=[policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:*"))],
    )
    assert simulate(document)["decision"] == "Allowed"


def test_arn_like_does_not_cross_colons() -> None:
    document = simulation(
        ALICE,
        "s3:GetObject",
        OBJECT,
        {"aws:SourceArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:reporter"},
        identity_policies=[
            policy(
                allow(
                    "s3:GetObject",
                    "*",
                    Condition={"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*"}},
                )
            )
        ],
    )
    assert simulate(document)["decision"] == "ImplicitlyDenied"
    per_component = {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:*:function:*"}}
    document["identity_policies"] = [policy(allow("s3:GetObject", "*", Condition=per_component))]
    assert simulate(document)["decision"] == "Allowed"


def test_role_arn_in_policy_matches_its_sessions_with_path() -> None:
    role_with_path = f"arn:aws:iam::{ACCOUNT}:role/team/ReportReader"
    bucket_policy = policy(allow("s3:GetObject", "*", Principal={"AWS": role_with_path}))
    with_hint = simulation(
        SESSION,
        "s3:GetObject",
        OBJECT,
        {"aws:PrincipalArn": role_with_path},
        resource_policy=bucket_policy,
    )
    assert simulate(with_hint)["decision"] == "Allowed"
    other_path = simulation(
        SESSION, "s3:GetObject", OBJECT, {"aws:PrincipalArn": ROLE}, resource_policy=bucket_policy
    )
    assert simulate(other_path)["decision"] == "ImplicitlyDenied"
    # Without aws:PrincipalArn the session ARN hides the path: account and name decide.
    no_hint = simulation(SESSION, "s3:GetObject", OBJECT, resource_policy=bucket_policy)
    assert simulate(no_hint)["decision"] == "Allowed"


def test_principal_user_name_is_case_sensitive() -> None:
    bucket_policy = policy(
        allow("s3:GetObject", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/Alice"})
    )
    assert (
        simulate(simulation(ALICE, "s3:GetObject", OBJECT, resource_policy=bucket_policy))[
            "decision"
        ]
        == "ImplicitlyDenied"
    )


def test_principal_explanation_names_the_matching_value() -> None:
    bucket_policy = policy(
        allow("s3:GetObject", "*", Principal={"AWS": ["arn:aws:iam::444455556666:root", ALICE]})
    )
    result = simulate(simulation(ALICE, "s3:GetObject", OBJECT, resource_policy=bucket_policy))
    statement = result["explanation"]["policies"][0]["statements"][0]
    assert statement["principal"] == {"element": "Principal", "matched": True, "matched_by": ALICE}


ACTIONS = st.sampled_from(["s3:GetObject", "s3:PutObject", "iam:CreateUser", "sts:AssumeRole"])
PATTERNS = st.sampled_from(["*", "s3:*", "s3:Get*", "iam:*", "sts:AssumeRole", "ec2:*"])
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::example-reports/*", "arn:aws:s3:::other/*", ROLE])


@st.composite
def statements(draw: st.DrawFn, effect: str) -> dict:
    return {"Effect": effect, "Action": draw(PATTERNS), "Resource": draw(RESOURCES)}


@settings(max_examples=80, deadline=None)
@given(
    action=ACTIONS,
    identity=st.lists(statements("Allow"), min_size=0, max_size=3),
    extra_deny=statements("Deny"),
    placement=st.sampled_from(
        ["identity_policies", "permission_boundary", "session_policy", "scps"]
    ),
)
def test_adding_a_deny_never_allows(
    action: str, identity: list, extra_deny: dict, placement: str
) -> None:
    base = simulation(SESSION, action, OBJECT if action.startswith("s3") else ROLE)
    if identity:
        base["identity_policies"] = [policy(*identity)]
    before = simulate(base)["decision"]
    with_deny = dict(base)
    deny_policy = policy(extra_deny)
    if placement == "identity_policies":
        with_deny["identity_policies"] = [*base.get("identity_policies", []), deny_policy]
    elif placement == "scps":
        with_deny["scps"] = [[policy(allow()), deny_policy]]
    else:
        with_deny[placement] = policy(allow(), extra_deny)
    after = simulate(with_deny)["decision"]
    if before != "Allowed":
        assert after != "Allowed"
    # And a matching deny statement always wins.
    always = dict(base)
    always["identity_policies"] = [*base.get("identity_policies", []), policy(deny("*", "*"))]
    assert simulate(always)["decision"] == "ExplicitlyDenied"


def test_canonical_user_principal() -> None:
    canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    bucket_policy = policy(allow("s3:GetObject", "*", Principal={"CanonicalUser": canonical}))
    assert (
        simulate(simulation(canonical, "s3:GetObject", OBJECT, resource_policy=bucket_policy))[
            "decision"
        ]
        == "Allowed"
    )
    other = "0" * 64
    assert (
        simulate(simulation(other, "s3:GetObject", OBJECT, resource_policy=bucket_policy))[
            "decision"
        ]
        == "ImplicitlyDenied"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab*?", max_size=10), st.text(alphabet="ab", max_size=12))
def test_bit_parallel_search_agrees_with_reference(pattern: str, text: str) -> None:
    # Force the Shift-And search that long `?`-heavy patterns use on long resources.
    with mock.patch("iamlab.engine.wildcard._NAIVE_BUDGET", 0):
        compiled = compile_segments([(pattern, True), ("", True)])
        assert compiled.match(text) == reference_match(pattern, text)


def test_question_mark_heavy_pattern_stays_fast_enough_to_decide() -> None:
    # 2,500 `a?` pieces against 20,000 characters: decided, not hung (no timing assertion).
    pattern = compile_pattern("*" + "a?" * 2500 + "b*")
    assert not pattern.match("a" * 20_000)
    assert compile_pattern("*" + "a?" * 2500 + "*").match("a" * 20_000)

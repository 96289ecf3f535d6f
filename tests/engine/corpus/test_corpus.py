"""Run the documented-outcome corpus through `python -m iamlab.engine simulate`.

Each JSON file beside this module is a list of cases taken from the AWS IAM User Guide (see
README.md). All documents of one file go to the command line in one subprocess, so the
whole corpus costs a few process starts, not one per case.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

CORPUS_DIR = Path(__file__).resolve().parent
REPO_ROOT = CORPUS_DIR.parents[2]
CORPUS_FILES = sorted(path.name for path in CORPUS_DIR.glob("*.json"))

DECISIONS = {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"}
ERROR_CODES = {"MalformedPolicyDocument", "InvalidSimulation"}
# AWS's wording for the policy type named in an AccessDenied message (docs/contracts.md 1).
POLICY_TYPES = {
    "resource control policy",
    "service control policy",
    "resource-based policy",
    "role trust policy",
    "identity-based policy",
    "permissions boundary",
    "session policy",
    "VPC endpoint policy",
}
CASE_KEYS = {
    "name",
    "source",
    "document",
    "document_json",
    "expected",
    "choice",
    "known_engine_bug",
}
SOURCE_PATTERN = re.compile(
    r"^(doc_source/[\w.-]+\.md|LIVE:[\w./-]+\.html|IAM-FACTS [\d.]+[^:]*"
    r"|issue 3|docs/contracts\.md 1[^:]*): \S"
)
REQUEST_FIELDS = ("principal", "action", "resource")
# A hung engine must fail the run, not stall it; this is a guard, not a speed requirement.
SUBPROCESS_TIMEOUT_SECONDS = 600


@functools.cache
def load_cases(file_name: str) -> tuple[dict[str, Any], ...]:
    """Read the cases of one corpus file."""
    return tuple(json.loads((CORPUS_DIR / file_name).read_text(encoding="utf-8")))


def document_text(case: dict[str, Any]) -> str:
    """Return the JSON text of a case's document.

    `document_json` carries raw text for what a parsed `document` cannot hold, such as a key
    given twice in one object.
    """
    return case["document_json"] if "document_json" in case else json.dumps(case["document"])


def run_cli(texts: list[str], *, explain: bool) -> subprocess.CompletedProcess[str]:
    """Run `python -m iamlab.engine simulate FILE` on a JSON array of document texts."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "documents.json"
        path.write_text("[" + ",\n".join(texts) + "]", encoding="utf-8")
        command = [sys.executable, "-m", "iamlab.engine", "simulate", str(path)]
        if explain:
            command.append("--explain")
        return subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT_SECONDS,
            check=False,
        )


def parse_results(process: subprocess.CompletedProcess[str], count: int) -> list[Any] | None:
    """Return the printed result array when it has one result per document, else None."""
    try:
        results = json.loads(process.stdout)
    except json.JSONDecodeError:
        return None
    if not isinstance(results, list) or len(results) != count:
        return None
    return results


@functools.cache
def file_run(file_name: str, explain: bool) -> tuple[int, tuple[Any, ...]]:
    """Return the exit status and the per-document results for one corpus file.

    When the batch does not produce one result per document (a crash, say), each document
    is run alone so that only the cases that break the engine fail.
    """
    texts = [document_text(case) for case in load_cases(file_name)]
    process = run_cli(texts, explain=explain)
    results = parse_results(process, len(texts))
    if results is not None:
        return process.returncode, tuple(results)
    isolated: list[Any] = []
    for text in texts:
        single = run_cli([text], explain=explain)
        parsed = parse_results(single, 1)
        if parsed is None:
            isolated.append(
                {
                    "__no_result__": f"exit status {single.returncode}",
                    "stdout": single.stdout[-2000:],
                    "stderr": single.stderr[-2000:],
                }
            )
        else:
            isolated.append(parsed[0])
    return process.returncode, tuple(isolated)


def case_params() -> list[Any]:
    """Build one pytest parameter per case; a choice is named as one, a known bug marked."""
    params = []
    for file_name in CORPUS_FILES:
        for index, case in enumerate(load_cases(file_name)):
            marks = []
            if "known_engine_bug" in case:
                marks.append(pytest.mark.xfail(strict=True, reason=case["known_engine_bug"]))
            # Where the documentation leaves the outcome open (IAM-FACTS 8), the case holds
            # the engine's documented choice (docs/engine.md) and is asserted like any
            # other; its id says it is a choice, so a failure reads as "the choice changed".
            label = f"choice: {case['name']}" if case.get("choice") else case["name"]
            case_id = f"{file_name}::{label}"
            params.append(pytest.param(file_name, index, marks=marks, id=case_id))
    return params


def describe(case: dict[str, Any], result: Any) -> str:
    """Say which case failed, what the documentation expects and what the engine said."""
    shown = json.dumps(result)[:1500]
    return f"{case['name']} ({case['source']}): expected {case['expected']}, engine gave {shown}"


def path_matches(expected: dict[str, Any], path: Any) -> bool:
    """Compare an error path with the expected one: a string, a list of accepted ones, a prefix."""
    if not isinstance(path, str):
        return False
    if "path_prefix" in expected:
        return path.startswith(expected["path_prefix"])
    accepted = expected["path"]
    return path in accepted if isinstance(accepted, list) else path == accepted


@pytest.mark.parametrize(("file_name", "index"), case_params())
def test_documented_outcome(file_name: str, index: int) -> None:
    """The engine gives the outcome the AWS documentation gives."""
    case = load_cases(file_name)[index]
    _, results = file_run(file_name, True)
    result = results[index]
    expected = case["expected"]
    assert isinstance(result, dict), describe(case, result)
    if "error" in expected:
        error = result.get("error")
        assert isinstance(error, dict), describe(case, result)
        assert error.get("code") == expected["error"]["code"], describe(case, result)
        assert path_matches(expected["error"], error.get("path")), describe(case, result)
        message = error.get("message")
        assert isinstance(message, str) and message.strip(), describe(case, result)
        return
    assert result.get("decision") == expected["decision"], describe(case, result)
    if "denied_by" in expected:
        explanation = result.get("explanation")
        denied_by = explanation.get("denied_by") if isinstance(explanation, dict) else None
        assert isinstance(denied_by, dict), describe(case, result)
        for key, value in expected["denied_by"].items():
            assert denied_by.get(key) == value, describe(case, {"denied_by": denied_by})


@pytest.mark.parametrize("file_name", CORPUS_FILES)
def test_exit_status_says_whether_any_document_was_invalid(file_name: str) -> None:
    """Exit status is 0 when every document was evaluated and 1 when any was invalid."""
    status, results = file_run(file_name, True)
    any_invalid = any(isinstance(result, dict) and "error" in result for result in results)
    assert status == (1 if any_invalid else 0)


STEP_NAMES = {
    "deny_evaluation",
    "rcp",
    "scp",
    "resource_policy",
    "trust_policy",
    "identity_policy",
    "permission_boundary",
    "session_policy",
    "endpoint_policy",
    "root_user",
}
STEP_RESULTS = {"Allow", "Deny", "NoMatch", "NotApplicable", "Skipped"}
# Where in the simulation document each policy type lives.
POLICY_FIELDS = {
    "identity-based policy": "identity_policies",
    "resource-based policy": "resource_policy",
    "role trust policy": "resource_policy",
    "permissions boundary": "permission_boundary",
    "session policy": "session_policy",
    "service control policy": "scps",
    "resource control policy": "rcps",
    "VPC endpoint policy": "endpoint_policy",
}
# The account of an IAM or STS principal; an identity provider's account is no caller's account.
CALLER_ACCOUNT = re.compile(
    r"^arn:[\w-]+:(?:iam::(\d{12}):(?:root$|user/|role/)"
    r"|sts::(\d{12}):(?:assumed-role|federated-user)/)"
)


def explanation_problems(case: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """List where an explanation departs from docs/contracts.md section 1."""
    name = case["name"]
    explanation = result.get("explanation")
    if not isinstance(explanation, dict):
        return [f"{name}: no explanation object"]
    problems = []
    decision = result["decision"]
    denied_by = explanation.get("denied_by")
    if decision == "Allowed" and denied_by is not None:
        problems.append(f"{name}: Allowed but denied_by={denied_by}")
    if decision != "Allowed" and not (
        isinstance(denied_by, dict)
        and denied_by.get("policy_type") in POLICY_TYPES
        and isinstance(denied_by.get("explicit"), bool)
    ):
        problems.append(f"{name}: {decision} with denied_by={denied_by}")
    request = case["document"]["request"]
    shown = explanation.get("request")
    if not isinstance(shown, dict) or any(
        shown.get(field) != request[field] for field in REQUEST_FIELDS
    ):
        problems.append(f"{name}: explanation.request {shown}")
    else:
        caller = CALLER_ACCOUNT.match(request["principal"])
        if caller and "resource_account" in request:
            same = (caller.group(1) or caller.group(2)) == request["resource_account"]
            if shown.get("same_account") is not same:
                problems.append(f"{name}: same_account {shown.get('same_account')}, not {same}")
    steps = explanation.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append(f"{name}: steps {steps}")
    else:
        for step in steps:
            ok = (
                isinstance(step, dict)
                and step.get("step") in STEP_NAMES
                and step.get("result") in STEP_RESULTS
                and isinstance(step.get("present"), bool)
                and (step.get("policy_type") is None or step.get("policy_type") in POLICY_TYPES)
                and isinstance(step.get("note"), str)
                and step["note"].strip() != ""
            )
            if not ok:
                problems.append(f"{name}: step {step}")
    deciding = explanation.get("deciding_statements")
    if not isinstance(deciding, list) or not all(
        isinstance(item, dict) and isinstance(item.get("path"), str) for item in deciding
    ):
        problems.append(f"{name}: deciding_statements {deciding}")
    else:
        effects = {item.get("effect") for item in deciding}
        if decision == "ExplicitlyDenied" and effects != {"Deny"}:
            problems.append(f"{name}: explicit deny decided by {effects}")
        if decision != "ExplicitlyDenied" and "Deny" in effects:
            problems.append(f"{name}: {decision} decided by a Deny statement")
        expected_by = case["expected"].get("denied_by", {})
        field = POLICY_FIELDS.get(expected_by.get("policy_type", ""))
        explicit = expected_by.get("explicit") and decision == "ExplicitlyDenied"
        if explicit and field and not any(item["path"].startswith(field) for item in deciding):
            problems.append(f"{name}: no deciding Deny statement in {field}: {deciding}")
    policies = explanation.get("policies")
    if not isinstance(policies, list):
        problems.append(f"{name}: policies {policies}")
    else:
        for policy in policies:
            problems.extend(f"{name}: {problem}" for problem in policy_record_problems(policy))
    return problems


ELEMENT_NAMES = {
    "action": {"Action", "NotAction"},
    "resource": {"Resource", "NotResource"},
    "principal": {"Principal", "NotPrincipal"},
}


def policy_record_problems(policy: Any) -> list[str]:
    """Check one explanation.policies entry: shape, and each statement's verdict adding up."""
    if not (
        isinstance(policy, dict)
        and isinstance(policy.get("path"), str)
        and policy.get("policy_type") in POLICY_TYPES
        and isinstance(policy.get("statements"), list)
    ):
        return [f"policy record {str(policy)[:200]}"]
    problems = []
    for position, statement in enumerate(policy["statements"]):
        where = f"{policy['path']} statement {position}"
        if not isinstance(statement, dict) or statement.get("effect") not in ("Allow", "Deny"):
            problems.append(f"{where}: {str(statement)[:200]}")
            continue
        verdicts = []
        for part, names in ELEMENT_NAMES.items():
            record = statement.get(part)
            if record is None and part != "action":
                continue
            if not (
                isinstance(record, dict)
                and record.get("element") in names
                and isinstance(record.get("matched"), bool)
            ):
                problems.append(f"{where}: {part} {record}")
                continue
            verdicts.append(record["matched"])
        conditions = statement.get("conditions")
        if not isinstance(conditions, list) or not all(
            isinstance(item, dict)
            and isinstance(item.get("operator"), str)
            and isinstance(item.get("key"), str)
            and isinstance(item.get("policy_values"), list)
            and isinstance(item.get("matched"), bool)
            for item in conditions
        ):
            problems.append(f"{where}: conditions {conditions}")
            continue
        verdicts.extend(item["matched"] for item in conditions)
        if statement.get("matched") is not all(verdicts):
            problems.append(f"{where}: matched={statement.get('matched')} but parts {verdicts}")
    return problems


@pytest.mark.parametrize("file_name", CORPUS_FILES)
def test_explanation_follows_the_contract(file_name: str) -> None:
    """With --explain every decision carries the explanation that docs/contracts.md fixes."""
    _, results = file_run(file_name, True)
    problems = []
    for case, result in zip(load_cases(file_name), results, strict=True):
        if isinstance(result, dict) and result.get("decision") in DECISIONS:
            problems.extend(explanation_problems(case, result))
    assert problems == []


@pytest.mark.parametrize("file_name", CORPUS_FILES)
def test_results_without_explain_match_and_omit_the_explanation(file_name: str) -> None:
    """Without --explain the decisions and errors are the same, and no explanation is printed."""
    _, explained = file_run(file_name, True)
    _, plain = file_run(file_name, False)
    problems = []
    for case, with_explain, without in zip(load_cases(file_name), explained, plain, strict=True):
        if not isinstance(without, dict) or "explanation" in without:
            problems.append(f"{case['name']}: {json.dumps(without)[:300]}")
            continue
        if not isinstance(with_explain, dict):
            continue  # test_documented_outcome reports that case
        same_decision = without.get("decision") == with_explain.get("decision")
        if not same_decision or without.get("error") != with_explain.get("error"):
            problems.append(f"{case['name']}: differs with and without --explain")
    assert problems == []


def test_usage_error_exits_with_status_2() -> None:
    """A command line without a subcommand is a usage error."""
    process = subprocess.run(
        [sys.executable, "-m", "iamlab.engine"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    assert process.returncode == 2


def test_standard_input_is_read_with_a_dash() -> None:
    """`-` reads one document from standard input and prints a one-element array."""
    case = load_cases("evaluation_same_account.json")[0]
    process = subprocess.run(
        [sys.executable, "-m", "iamlab.engine", "simulate", "-"],
        cwd=REPO_ROOT,
        input=document_text(case),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    assert process.returncode == 0
    results = json.loads(process.stdout)
    assert [result["decision"] for result in results] == [case["expected"]["decision"]]
    assert "explanation" not in results[0]


def test_several_files_give_one_array_in_order() -> None:
    """Several FILE arguments, each one document or an array, give one array in order."""
    cases = load_cases("evaluation_same_account.json")
    allowed = next(case for case in cases if case["expected"].get("decision") == "Allowed")
    denied = next(case for case in cases if case["expected"].get("decision") == "ExplicitlyDenied")
    with tempfile.TemporaryDirectory() as folder:
        single = Path(folder) / "one.json"
        single.write_text(document_text(denied), encoding="utf-8")
        array = Path(folder) / "two.json"
        array.write_text(f"[{document_text(allowed)}, {document_text(denied)}]", encoding="utf-8")
        process = subprocess.run(
            [sys.executable, "-m", "iamlab.engine", "simulate", str(single), str(array)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT_SECONDS,
            check=False,
        )
    assert process.returncode == 0
    decisions = [result["decision"] for result in json.loads(process.stdout)]
    assert decisions == ["ExplicitlyDenied", "Allowed", "ExplicitlyDenied"]


def case_problems(case: dict[str, Any]) -> list[str]:
    """List what is wrong with the shape of one corpus case."""
    name = case.get("name", "<no name>")
    problems = []
    if set(case) - CASE_KEYS or not {"name", "source", "document", "expected"} <= set(case):
        problems.append(f"{name}: keys {sorted(case)}")
    if not SOURCE_PATTERN.match(case.get("source", "")):
        problems.append(f"{name}: source {case.get('source')!r}")
    expected = case.get("expected", {})
    if "error" in expected:
        error = expected["error"]
        one_path = ("path" in error) != ("path_prefix" in error)
        if set(expected) != {"error"} or error.get("code") not in ERROR_CODES or not one_path:
            problems.append(f"{name}: expected {expected}")
    else:
        if expected.get("decision") not in DECISIONS or set(expected) - {"decision", "denied_by"}:
            problems.append(f"{name}: expected {expected}")
        denied_by = expected.get("denied_by", {})
        if denied_by and (
            expected["decision"] == "Allowed"
            or set(denied_by) - {"policy_type", "explicit"}
            or denied_by.get("policy_type", "identity-based policy") not in POLICY_TYPES
        ):
            problems.append(f"{name}: denied_by {denied_by}")
        request = case.get("document", {}).get("request", {})
        if not all(isinstance(request.get(field), str) for field in REQUEST_FIELDS):
            problems.append(f"{name}: request {request}")
    if "document_json" in case and json.loads(case["document_json"]) != case.get("document"):
        problems.append(f"{name}: document_json does not parse to document")
    if "known_engine_bug" in case and not str(case["known_engine_bug"]).strip():
        problems.append(f"{name}: empty known_engine_bug")
    if "choice" in case and case["choice"] is not True:
        problems.append(f"{name}: choice must be true")
    return problems


@pytest.mark.parametrize("file_name", CORPUS_FILES)
def test_corpus_file_is_well_formed(file_name: str) -> None:
    """Every case has a documentation source, a document and exactly one expectation."""
    problems = [problem for case in load_cases(file_name) for problem in case_problems(case)]
    assert problems == []


def test_case_names_are_unique_across_the_corpus() -> None:
    """Case names identify cases in reports, so no two are the same."""
    names = [case["name"] for file_name in CORPUS_FILES for case in load_cases(file_name)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert duplicates == []

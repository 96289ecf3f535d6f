"""The command line: exit statuses, output shape, standard input, arrays of documents."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from iamlab.engine.cli import main
from tests.cast import ALICE, OBJECT, allow, policy, simulation

REPO = Path(__file__).resolve().parents[2]
ALLOWED_DOC = simulation(
    ALICE, "s3:GetObject", OBJECT, identity_policies=[policy(allow("s3:GetObject", "*"))]
)
DENIED_DOC = simulation(
    ALICE, "s3:PutObject", OBJECT, identity_policies=[policy(allow("s3:GetObject", "*"))]
)
INVALID_DOC = {"request": {"principal": ALICE, "action": "s3:GetObject"}}


def run(argv: list[str], stdin_text: str = "") -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin_text), stdout=out)
    return status, out.getvalue()


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def test_one_result_per_document_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, "a.json", ALLOWED_DOC)
    second = write(tmp_path, "b.json", [DENIED_DOC, ALLOWED_DOC])
    status, output = run(["simulate", first, second])
    assert status == 0
    assert json.loads(output) == [
        {"decision": "Allowed"},
        {"decision": "ImplicitlyDenied"},
        {"decision": "Allowed"},
    ]


def test_explain_includes_explanations(tmp_path: Path) -> None:
    status, output = run(["simulate", write(tmp_path, "a.json", DENIED_DOC), "--explain"])
    assert status == 0
    [result] = json.loads(output)
    assert result["decision"] == "ImplicitlyDenied"
    assert result["explanation"]["denied_by"] == {
        "policy_type": "identity-based policy",
        "explicit": False,
        "message_says_explicit": False,
    }


def test_standard_input() -> None:
    status, output = run(["simulate", "-"], json.dumps([ALLOWED_DOC, DENIED_DOC]))
    assert status == 0
    assert [r["decision"] for r in json.loads(output)] == ["Allowed", "ImplicitlyDenied"]


def test_invalid_document_gives_exit_1_and_an_error_result(tmp_path: Path) -> None:
    status, output = run(["simulate", write(tmp_path, "a.json", [ALLOWED_DOC, INVALID_DOC])])
    assert status == 1
    results = json.loads(output)
    assert results[0] == {"decision": "Allowed"}
    assert results[1] == {
        "error": {
            "code": "InvalidSimulation",
            "path": "request.resource",
            "message": "request.resource is required, for example "
            '"arn:aws:s3:::example-bucket/report.csv" or "*".',
        }
    }


def test_bad_json_is_an_invalid_document() -> None:
    status, output = run(["simulate", "-"], '{"request": ')
    assert status == 1
    [result] = json.loads(output)
    assert result["error"]["code"] == "InvalidSimulation"
    assert result["error"]["message"].startswith(
        "standard input is not valid JSON: Expecting value"
    )


def test_duplicate_keys_are_reported_with_their_path() -> None:
    text = (
        f'{{"request": {{"principal": "{ALICE}", "action": "s3:GetObject", "resource": "*"}},'
        ' "identity_policies": [{"Statement": [{"Effect": "Allow", "Effect": "Deny",'
        ' "Action": "*", "Resource": "*"}]}]}'
    )
    status, output = run(["simulate", "-"], text)
    assert status == 1
    assert json.loads(output) == [
        {
            "error": {
                "code": "MalformedPolicyDocument",
                "path": "identity_policies[0].Statement[0].Effect",
                "message": 'Duplicate key "Effect": a JSON object may name each key only once.',
            }
        }
    ]


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    status, output = run(["simulate", "-"], "[" * 100_000 + "]" * 100_000)
    assert status == 1
    assert (
        json.loads(output)[0]["error"]["message"] == "standard input is nested too deeply to read."
    )


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run([])[0] == 2
    assert run(["simulate"])[0] == 2
    assert run(["decide", "x.json"])[0] == 2
    assert run(["simulate", "-", "-"])[0] == 2
    assert run(["simulate", str(tmp_path / "missing.json")])[0] == 2


def test_module_entry_point_runs(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", DENIED_DOC)
    process = subprocess.run(
        [sys.executable, "-m", "iamlab.engine", "simulate", path],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0
    assert json.loads(process.stdout) == [{"decision": "ImplicitlyDenied"}]

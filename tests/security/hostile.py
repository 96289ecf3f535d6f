"""Hostile payloads, and a valid scenario with one in every text an instructor can write."""

from __future__ import annotations

from tests.cast import ACCOUNT, small_scenario
from tests.security.surface import LESSON, SLUG

# Each payload is harmless only if it is escaped: as HTML it would run a script or add
# markup, inside an attribute it would break out of the quotes.
PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
]


SCRIPT, BREAKOUT, SVG_ONLOAD, JS_URL = PAYLOADS


def hostile_fixture() -> list[dict[str, object]]:
    """Return a valid scenario with a payload in every text an instructor can write."""
    fixture = small_scenario(SLUG)
    by_model = {item["model"]: item["fields"] for item in fixture}
    by_model["scenarios.scenario"]["title"] = f"Hostile {SCRIPT}"
    by_model["scenarios.scenario"]["summary"] = f"{BREAKOUT} {SVG_ONLOAD}"
    by_model["scenarios.managedpolicy"]["description"] = SCRIPT
    policy = by_model["scenarios.managedpolicy"]["document"]
    policy["Statement"][0]["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": BREAKOUT}}
    # alice may add roles, so one learner's world can hold something another's must not show
    # (tests/security/test_idor.py).
    policy["Statement"].append({"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "*"})
    role = by_model["scenarios.role"]
    role["description"] = f"{SVG_ONLOAD} {JS_URL}"
    role["trust_policy"]["Statement"][0]["Condition"] = {
        "StringLike": {"aws:PrincipalTag/team": SCRIPT}
    }
    by_model["scenarios.s3object"]["key"] = f"{BREAKOUT}.csv"
    by_model["scenarios.s3object"]["body"] = SCRIPT
    fixture.append(
        {
            "model": "scenarios.identityprovider",
            "fields": {
                "account": [SLUG, ACCOUNT],
                "type": "saml",
                "name": "HostileIdP",
                "issuer": f"https://idp.example.com/{SCRIPT}",
            },
        }
    )
    return fixture


def hostile_lesson() -> list[dict[str, object]]:
    """Return a valid lesson over the hostile scenario, a payload in every text it shows."""
    step = {"lesson": [LESSON], "hints": [SCRIPT, BREAKOUT]}
    return [
        {
            "model": "lessons.lesson",
            "fields": {
                "slug": LESSON,
                "title": f"Hostile lesson {SCRIPT}",
                "summary": f"{BREAKOUT} {SVG_ONLOAD}",
                "scenario": [SLUG],
            },
        },
        {
            "model": "lessons.step",
            "fields": {
                **step,
                "number": 1,
                "title": SVG_ONLOAD,
                "narrative": f"{SCRIPT} {BREAKOUT} [link]({JS_URL}) `{SCRIPT}`",
                "action": {"kind": "console", "placeholder": BREAKOUT},
                "goal": {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}},
                "solution": {"lines": [f"aws sts get-caller-identity --profile alice # {SCRIPT}"]},
            },
        },
        {
            "model": "lessons.step",
            "fields": {
                **step,
                "number": 2,
                "title": SCRIPT,
                "narrative": BREAKOUT,
                "action": {
                    "kind": "predict",
                    "line": f"aws sts get-caller-identity --profile alice # {SCRIPT}",
                    "question": BREAKOUT,
                },
                "goal": {"prediction": "made"},
                "solution": {"decision": "Allowed"},
            },
        },
    ]

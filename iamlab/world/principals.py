"""Find principals in a trust policy that do not exist ("Invalid principal in policy")."""

from __future__ import annotations

import json
import re
from typing import Protocol

_ACCOUNT = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws:iam::(\d{12}):(user|role|oidc-provider|saml-provider)/(.+)")
_ROOT_ARN = re.compile(r"arn:aws:iam::\d{12}:root")
_SESSION_ARN = re.compile(r"arn:aws:sts::(\d{12}):assumed-role/([^/]+)/(.+)")
_FEDERATED_USER_ARN = re.compile(r"arn:aws:sts::\d{12}:federated-user/.+")


class PrincipalLookup(Protocol):
    def principal_exists(self, arn: str) -> bool: ...

    def role_exists(self, account_id: str, name: str) -> bool: ...

    def account_exists(self, account_id: str) -> bool: ...


def invalid_principals(document: dict, lookup: PrincipalLookup) -> list[tuple[str, str, str]]:
    """Return (JSON path, AWS's message, what is missing) for each principal not in the world.

    Account ids, root ARNs and service principals are not checked: AWS accepts any
    existing account and any service, and the world cannot see beyond itself. For the same
    reason a user, role or role session of an account the world does not model is taken as
    a principal that exists there (AWS accepts it when it exists); only the world's own
    accounts are checked.
    """
    problems: list[tuple[str, str, str]] = []
    statements = document.get("Statement")
    if isinstance(statements, dict):
        indexed = [("Statement", statements)]
    elif isinstance(statements, list):
        indexed = [(f"Statement[{index}]", item) for index, item in enumerate(statements)]
    else:
        return problems
    for statement_path, statement in indexed:
        if not isinstance(statement, dict):
            continue
        for element in ("Principal", "NotPrincipal"):
            principal = statement.get(element)
            if not isinstance(principal, dict):
                continue
            for kind in ("AWS", "Federated"):
                values = principal.get(kind)
                if isinstance(values, str):
                    values = [values]
                if not isinstance(values, list):
                    continue
                for value in values:
                    if isinstance(value, str) and not _exists(kind, value, lookup):
                        problems.append(
                            (
                                f"{statement_path}.{element}",
                                f"Invalid principal in policy: {json.dumps(kind)}:"
                                f"{json.dumps(value)}",
                                f"no such {_kind_name(value)} in the world",
                            )
                        )
    return problems


def _exists(kind: str, value: str, lookup: PrincipalLookup) -> bool:
    if value == "*" or _ACCOUNT.fullmatch(value) or _ROOT_ARN.fullmatch(value):
        return True
    if _FEDERATED_USER_ARN.fullmatch(value):
        return True
    session = _SESSION_ARN.fullmatch(value)
    if session:
        if not lookup.account_exists(session.group(1)):
            return True
        return lookup.role_exists(session.group(1), session.group(2))
    entity = _IAM_ARN.fullmatch(value)
    if entity:
        if entity.group(2) in {"user", "role"} and not lookup.account_exists(entity.group(1)):
            return True
        return lookup.principal_exists(value)
    # Web identity providers by name (accounts.google.com, cognito-identity.amazonaws.com).
    return kind == "Federated" and not value.startswith("arn:")


def _kind_name(value: str) -> str:
    match = _IAM_ARN.fullmatch(value)
    if match:
        return {
            "user": "user",
            "role": "role",
            "oidc-provider": "OIDC provider",
            "saml-provider": "SAML provider",
        }[match.group(2)]
    if _SESSION_ARN.fullmatch(value):
        return "role"
    return "principal"

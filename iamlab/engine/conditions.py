"""Condition operators: parsing a Condition block and testing it against a request context.

Every operator is one row of `OPERATORS`: how to read a policy value, how to read a request
value, and how to compare them. The rules for missing keys, negation, `...IfExists` and the
`ForAllValues:` / `ForAnyValue:` set operators are shared by all rows (IAM-FACTS 3).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from iamlab.engine.errors import EngineInputError, describe_type, join_path
from iamlab.engine.variables import Template, parse_template, resolve, segments_text
from iamlab.engine.wildcard import Segment, WildcardPattern, compile_segments

Context = Mapping[str, Sequence[str]]
MAX_VALUES_PER_KEY = 500
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


def _text(segments: list[Segment]) -> str:
    return segments_text(segments)


def _parse_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not number.is_finite():
        raise ValueError("is not a finite number")
    return number


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> float:
    """Read a W3C ISO-8601 date or epoch seconds as a UTC timestamp."""
    candidate = text.strip()
    if not candidate:
        raise ValueError("is empty")
    try:
        return float(_parse_decimal(candidate))
    except ValueError:
        pass
    if _YEAR_MONTH.fullmatch(candidate):
        # The W3C profile of ISO 8601 that AWS names allows a bare year and month (YYYY-MM);
        # a bare year (YYYY) cannot be told from epoch seconds, which win.
        candidate += "-01"
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise ValueError(
            'is not a date: use ISO 8601 ("2026-01-05T09:00:00Z") or epoch seconds'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _parse_bool(text: str) -> str:
    lowered = text.strip().lower()
    if lowered not in {"true", "false"}:
        raise ValueError('must be "true" or "false"')
    return lowered


def _parse_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64") from None


# An IP range as integers, (version, network, prefix length, mask), so that a containment test
# is two integer operations instead of the ipaddress module's object comparisons.
IpRange = tuple[int, int, int, int]


def _ip_range(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> IpRange:
    return (
        network.version,
        int(network.network_address),
        network.prefixlen,
        int(network.netmask),
    )


def _parse_network(text: str) -> IpRange:
    try:
        return _ip_range(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        raise ValueError(
            'is not an IP address or CIDR block (for example "203.0.113.0/24" or "2001:db8::/32")'
        ) from None


@lru_cache(maxsize=4096)
def _request_ip(text: str) -> IpRange | None:
    try:
        return _ip_range(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        return None


def _ip_in(policy_range: object, request_range: object) -> bool:
    """Say whether the request address (or block) lies inside the policy's block."""
    if request_range is None:
        return False
    version, network, prefix, mask = policy_range  # type: ignore[misc]
    request_version, address, request_prefix, _ = request_range  # type: ignore[misc]
    return request_version == version and request_prefix >= prefix and address & mask == network


def _split_segments(segments: list[Segment], parts: int) -> list[list[Segment]]:
    """Split resolved segments at colons into at most `parts` components."""
    components: list[list[Segment]] = [[]]
    for text, wildcards in segments:
        pieces = text.split(":")
        for index, piece in enumerate(pieces):
            if index > 0:
                if len(components) < parts:
                    components.append([])
                else:
                    components[-1].append((":", False))
            if piece:
                components[-1].append((piece, wildcards))
    return components


ArnPattern = tuple[WildcardPattern, ...] | None  # None: the value is not an ARN, matches nothing


def _arn_pattern(segments: list[Segment]) -> ArnPattern:
    """Compile an ARN pattern matched component by component, so `*` never crosses `:`."""
    if _text(segments) == "*":
        return tuple(compile_segments([("*", True)]) for _ in range(6))
    components = _split_segments(segments, 6)
    if len(components) != 6:
        return None
    return tuple(compile_segments(component) for component in components)


def _arn_components(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    return parts if len(parts) == 6 else None


def _arn_test(pattern: object, request: object) -> bool:
    if pattern is None or request is None:
        return False
    assert isinstance(pattern, tuple) and isinstance(request, list)
    return all(p.match(r) for p, r in zip(pattern, request, strict=True))


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One condition operator: how to read values and compare them."""

    family: str
    negated: bool
    variables: bool  # policy variables are substituted in this operator's values
    prepare: Callable[[list[Segment]], object]  # policy value -> comparand (ValueError if bad)
    convert: Callable[[str], object]  # request value -> comparand (None: cannot match)
    test: Callable[[object, object], bool]
    # `test` is plain equality of strings: a membership test (`in`, at C speed) does the same.
    equality: bool = False


def _string(negated: bool, fold: bool) -> OperatorSpec:
    if fold:
        return OperatorSpec(
            "String",
            negated,
            True,
            lambda s: _text(s).casefold(),
            str.casefold,
            lambda p, r: p == r,
            equality=True,
        )
    return OperatorSpec("String", negated, True, _text, str, lambda p, r: p == r, equality=True)


def _like(negated: bool) -> OperatorSpec:
    return OperatorSpec(
        "String",
        negated,
        True,
        compile_segments,
        str,
        lambda p, r: p.match(r),  # type: ignore[attr-defined]
    )


def _ordered(family: str, parse: Callable[[str], object], compare: Callable, negated: bool = False):
    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError:
            return None

    return OperatorSpec(
        family,
        negated,
        False,
        lambda s: parse(_text(s)),
        convert,
        lambda p, r: r is not None and compare(r, p),
    )


def _eq(a: object, b: object) -> bool:
    return a == b


def _lt(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a < b


def _le(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a <= b


def _gt(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a > b


def _ge(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a >= b


def _bool_prepare(segments: list[Segment]) -> str:
    # A value that came from a policy variable is compared as it is; a literal must be a boolean.
    if all(not wildcards for _, wildcards in segments):
        return _text(segments).strip().lower()
    return _parse_bool(_text(segments))


@lru_cache(maxsize=1024)
def _binary_convert(text: str) -> bytes | None:
    try:
        return _parse_base64(text)
    except ValueError:
        return None


_ARN_SPEC = {
    "prepare": _arn_pattern,
    "convert": _arn_components,
    "test": _arn_test,
}

OPERATORS: dict[str, OperatorSpec] = {
    "StringEquals": _string(False, False),
    "StringNotEquals": _string(True, False),
    "StringEqualsIgnoreCase": _string(False, True),
    "StringNotEqualsIgnoreCase": _string(True, True),
    "StringLike": _like(False),
    "StringNotLike": _like(True),
    "NumericEquals": _ordered("Numeric", _parse_decimal, _eq),
    "NumericNotEquals": _ordered("Numeric", _parse_decimal, _eq, negated=True),
    "NumericLessThan": _ordered("Numeric", _parse_decimal, _lt),
    "NumericLessThanEquals": _ordered("Numeric", _parse_decimal, _le),
    "NumericGreaterThan": _ordered("Numeric", _parse_decimal, _gt),
    "NumericGreaterThanEquals": _ordered("Numeric", _parse_decimal, _ge),
    "DateEquals": _ordered("Date", _parse_date, _eq),
    "DateNotEquals": _ordered("Date", _parse_date, _eq, negated=True),
    "DateLessThan": _ordered("Date", _parse_date, _lt),
    "DateLessThanEquals": _ordered("Date", _parse_date, _le),
    "DateGreaterThan": _ordered("Date", _parse_date, _gt),
    "DateGreaterThanEquals": _ordered("Date", _parse_date, _ge),
    # IAM-FACTS 8.2: the operators page allows policy variables with Bool, the variables page
    # does not. The engine follows the operators page (the newer, more specific text).
    "Bool": OperatorSpec(
        "Bool", False, True, _bool_prepare, lambda t: t.strip().lower(), _eq, equality=True
    ),
    "BinaryEquals": OperatorSpec(
        "Binary", False, False, lambda s: _parse_base64(_text(s)), _binary_convert, _eq
    ),
    "IpAddress": OperatorSpec(
        "IpAddress",
        False,
        False,
        lambda s: _parse_network(_text(s)),
        _request_ip,
        _ip_in,
    ),
    "NotIpAddress": OperatorSpec(
        "IpAddress",
        True,
        False,
        lambda s: _parse_network(_text(s)),
        _request_ip,
        _ip_in,
    ),
    # ArnEquals and ArnLike behave the same (IAM-FACTS 3): per-component wildcard matching.
    "ArnEquals": OperatorSpec("Arn", False, True, **_ARN_SPEC),
    "ArnLike": OperatorSpec("Arn", False, True, **_ARN_SPEC),
    "ArnNotEquals": OperatorSpec("Arn", True, True, **_ARN_SPEC),
    "ArnNotLike": OperatorSpec("Arn", True, True, **_ARN_SPEC),
}

SET_QUALIFIERS = ("ForAllValues:", "ForAnyValue:")


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One operator-key pair of a Condition block with its policy values."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    key: str  # as written
    key_lower: str
    values: tuple[str, ...]
    spec: OperatorSpec | None  # None for Null
    qualifier: str | None  # "ForAllValues" | "ForAnyValue" | None
    if_exists: bool
    comparands: tuple[object, ...]  # prepared policy values; a Template where variables remain
    static: bool  # no Template among the comparands: nothing to resolve per request


# How one clause fared against a request, as the explanation shows it (docs/contracts.md 1):
# {"operator", "key", "policy_values", "request_values", "matched"}. Evaluation makes it directly,
# so each clause of each request is recorded once, in the shape it is handed out.
ClauseRecord = dict[str, object]


def _clause_record(
    clause: ConditionClause, matched: bool, request_values: Sequence[str] | None
) -> ClauseRecord:
    return {
        "operator": clause.operator,
        "key": clause.key,
        "policy_values": list(clause.values),
        "request_values": list(request_values) if request_values is not None else None,
        "matched": matched,
    }


def _operator_parts(operator: str) -> tuple[str | None, str, bool]:
    """Split an operator into (set qualifier, base operator, IfExists)."""
    qualifier = None
    base = operator
    for prefix in SET_QUALIFIERS:
        if base.startswith(prefix):
            qualifier = prefix[:-1]
            base = base[len(prefix) :]
            break
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    return qualifier, base, if_exists


def _value_text(value: object, path: str) -> str:
    """Read one condition value; JSON numbers and booleans are accepted as their text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    raise EngineInputError(
        path, f"A condition value must be a string, number or boolean, not {describe_type(value)}."
    )


def _known_operator_hint(base: str) -> str:
    for name in OPERATORS:
        if name.lower() == base.lower():
            return f' Operator names are case-sensitive: did you mean "{name}"?'
    return ""


def parse_condition_block(
    block: object, path: str, variables_enabled: bool
) -> list[ConditionClause]:
    """Validate a Condition element and compile it into clauses (AND across all of them)."""
    if not isinstance(block, dict):
        raise EngineInputError(
            path,
            f"Condition must be an object of operators, like "
            f'{{"StringEquals": {{"aws:username": "alice"}}}}, not {describe_type(block)}.',
        )
    clauses: list[ConditionClause] = []
    for operator, keys in block.items():
        operator_path = join_path(path, operator)
        qualifier, base, if_exists = _operator_parts(operator)
        if base == "Null":
            spec = None
            if if_exists:
                raise EngineInputError(operator_path, "Null cannot be combined with IfExists.")
            if qualifier is not None:
                raise EngineInputError(
                    operator_path,
                    f"Null cannot be combined with {qualifier}:; it already tests whether the "
                    "key is present.",
                )
        else:
            spec = OPERATORS.get(base)
            if spec is None:
                raise EngineInputError(
                    operator_path,
                    f'Unknown condition operator "{operator}". Use one of the String, Numeric, '
                    "Date, Bool, BinaryEquals, IpAddress, Arn or Null operators, optionally "
                    "with IfExists or a ForAllValues:/ForAnyValue: prefix."
                    + _known_operator_hint(base),
                )
        if not isinstance(keys, dict) or not keys:
            raise EngineInputError(
                operator_path,
                f'"{operator}" must map condition keys to values, like '
                f'{{"aws:SourceIp": "203.0.113.0/24"}}.',
            )
        for key, raw_values in keys.items():
            key_path = join_path(operator_path, key)
            prefix, colon, name = key.partition(":")
            if not colon or not prefix or not name:
                raise EngineInputError(
                    key_path,
                    f'Condition key "{key}" must be prefixed by a service, like "aws:SourceIp" '
                    'or "s3:prefix".',
                )
            if len(key) > 256:
                raise EngineInputError(key_path, "A condition key name is at most 256 characters.")
            value_list = raw_values if isinstance(raw_values, list) else [raw_values]
            if not value_list:
                raise EngineInputError(key_path, "A condition key needs at least one value.")
            if len(value_list) > MAX_VALUES_PER_KEY:
                raise EngineInputError(
                    key_path, f"A condition key takes at most {MAX_VALUES_PER_KEY} values."
                )
            texts: list[str] = []
            comparands: list[object] = []
            for index, raw in enumerate(value_list):
                value_path = f"{key_path}[{index}]" if isinstance(raw_values, list) else key_path
                text = _value_text(raw, value_path)
                texts.append(text)
                if spec is None:
                    if text.lower() not in {"true", "false"}:
                        raise EngineInputError(
                            value_path,
                            f'Null takes "true" (the key is absent) or "false" (the key is '
                            f'present), not "{text}".',
                        )
                    comparands.append(text.lower() == "true")
                    continue
                template = parse_template(text) if (variables_enabled and spec.variables) else None
                if template is not None:
                    comparands.append(template)
                    continue
                try:
                    comparands.append(spec.prepare([(text, True)]))
                except ValueError as problem:
                    raise EngineInputError(
                        value_path, f'The value "{text}" for {operator} {problem}.'
                    ) from None
            clauses.append(
                ConditionClause(
                    operator=operator,
                    key=key,
                    key_lower=key.lower(),
                    values=tuple(texts),
                    spec=spec,
                    qualifier=qualifier,
                    if_exists=if_exists,
                    comparands=tuple(comparands),
                    static=not any(isinstance(c, Template) for c in comparands),
                )
            )
    return clauses


def _resolved_comparands(clause: ConditionClause, context: Context) -> list[object]:
    """Return the comparands with variables substituted; unresolved ones are dropped."""
    spec = clause.spec
    assert spec is not None
    comparands: list[object] = []
    for comparand in clause.comparands:
        if isinstance(comparand, Template):
            segments = resolve(comparand, context)
            if segments is None:
                continue  # an unresolved variable has no value, so it matches nothing
            try:
                comparands.append(spec.prepare(segments))
            except ValueError:
                continue
        else:
            comparands.append(comparand)
    return comparands


def evaluate_clause(clause: ConditionClause, context: Context) -> ClauseRecord:
    """Test one clause against the request context; return its explanation record."""
    values = context.get(clause.key_lower)
    present = values is not None and len(values) > 0
    request_values = values
    if clause.spec is None:  # Null
        # An empty string is a null value (IAM-FACTS 3): Null "true" matches it too.
        not_null = present and any(values)  # type: ignore[arg-type]
        matched = any(wants_absent != not_null for wants_absent in clause.comparands)
        return _clause_record(clause, matched, request_values)
    spec = clause.spec
    if present and clause.qualifier is not None and not any(values):  # type: ignore[arg-type]
        # Key values that resolve to an empty data set, such as an empty string, count as no
        # values for the set operators (reference_policies_multi-value-conditions).
        present = False
    if not present:
        if clause.qualifier == "ForAllValues":
            matched = True  # vacuously true for a missing or empty key (IAM-FACTS 3)
        elif clause.qualifier == "ForAnyValue":
            matched = clause.if_exists
        else:
            matched = clause.if_exists or spec.negated
        return _clause_record(clause, matched, request_values)
    assert values is not None
    comparands = clause.comparands if clause.static else _resolved_comparands(clause, context)
    convert, test = spec.convert, spec.test
    if clause.qualifier is None:
        # Without a set qualifier a multivalued key matches when any of its values does; a
        # negated operator matches when none does (documented choice, docs/engine.md). The
        # first request value that matches settles it.
        hit = False
        equality = spec.equality
        for value in values:
            converted = convert(value)
            if converted is None:
                continue
            if equality:
                hit = converted in comparands
            else:
                for comparand in comparands:
                    if test(comparand, converted):
                        hit = True
                        break
            if hit:
                break
        return _clause_record(clause, hit != spec.negated, request_values)
    # For each request value: does any policy value match it? (OR across policy values)
    hits = []
    for value in values:
        converted = convert(value)
        hit = False
        if converted is not None:
            for comparand in comparands:
                if test(comparand, converted):
                    hit = True
                    break
        hits.append(hit)
    if clause.qualifier == "ForAllValues":
        # Every request value must satisfy the operator; for a negated one, match no policy value.
        matched = not any(hits) if spec.negated else all(hits)
    else:
        # Some request value must satisfy the operator; for a negated one, miss every policy value.
        matched = not all(hits) if spec.negated else any(hits)
    return _clause_record(clause, matched, request_values)


def satisfying_value(operator: str, policy_value: str) -> str | None:
    """Return a request value that satisfies `operator` against one policy value, or None.

    For pages that ask "what would the request need?" (the trust graph's conditional
    arrows): a value that makes the condition true, when adding one value can. Negated
    operators and policy variables cannot be satisfied that way, and get None.
    """
    _qualifier, base, _if_exists = _operator_parts(operator)
    if "${" in policy_value:
        return None  # a policy variable: its value depends on the caller
    if base == "Null":
        return "present" if policy_value == "false" else None
    spec = OPERATORS.get(base)
    if spec is None or spec.negated:
        return None
    if base in ("StringLike", "ArnLike"):
        return policy_value.replace("*", "").replace("?", "x")
    if spec.family == "IpAddress":
        try:
            return str(ipaddress.ip_network(policy_value, strict=False).network_address)
        except ValueError:
            return None
    if base.endswith(("LessThan", "GreaterThan")):
        step = -1 if base.endswith("LessThan") else 1
        return _one_step(spec.family, policy_value, step)
    return policy_value  # an equality, or an ordering that includes equality


def _one_step(family: str, policy_value: str, step: int) -> str | None:
    """Return a number or date one unit (one second) past the policy value, towards `step`."""
    if family == "Numeric":
        try:
            return str(Decimal(policy_value) + step)
        except InvalidOperation:
            return None
    try:
        moment = datetime.fromisoformat(policy_value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment + timedelta(seconds=step)).isoformat().replace("+00:00", "Z")

"""A small, safe subset of JMESPath for `--query`, written for this console.

Supported: `a.b`, `"quoted name"`, `a[0]`, `a[-1]`, `a[*].b`, `a[].b` (flatten), `a.*`,
`a[?b=='x'].c` (with ==, !=, <, <=, >, >= and `&&`/`||`), `[a, b]`, `{X: a, Y: b}`,
`@`, `` `literal` `` and `'raw string'`, and `expr | expr`. Projections behave as in
JMESPath: the rest of the expression applies to each element and nulls are dropped.
The parser is a recursive-descent scanner with a length and nesting limit; nothing the
student types is compiled into a regular expression or evaluated as code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_QUERY_CHARS = 1_000
MAX_NESTING = 20


class QueryError(Exception):
    """A --query expression that does not parse; `column` is where."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class Step:
    """One link of a chain: a field, an index, a projection, a filter or a multiselect."""

    # field, index, project, flatten, values, filter, mlist, mhash, pipe, current or literal
    kind: str
    name: str = ""
    index: int = 0
    condition: Any = None
    items: list[Any] = field(default_factory=list)  # chains, or (key, chain) pairs
    literal: Any = None


Chain = list[Step]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def fail(self, message: str) -> QueryError:
        return QueryError(message, self.pos)

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def peek(self, ahead: str = "") -> bool:
        self.skip()
        return self.text.startswith(ahead, self.pos) if ahead else self.pos < len(self.text)

    def expect(self, token: str) -> None:
        if not self.peek(token):
            raise self.fail(f"Expecting: {token!r}")
        self.pos += len(token)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"nested more than {MAX_NESTING} levels deep")

    def pipeline(self) -> list[Chain]:
        chains = [self.chain()]
        while self.peek("|") and not self.peek("||"):
            self.pos += 1
            chains.append(self.chain())
        return chains

    def chain(self) -> Chain:
        self.enter()
        steps = self.primary()
        while True:
            if self.peek("."):
                self.pos += 1
                steps.extend(self.after_dot())
            elif self.peek("["):
                steps.append(self.bracket())
            else:
                break
        self.depth -= 1
        return steps

    def identifier(self) -> str | None:
        self.skip()
        if self.peek('"'):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                raise self.fail("unterminated quoted identifier")
            name = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return name
        start = self.pos
        while self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] == "_"
        ):
            self.pos += 1
        if start == self.pos or self.text[start].isdigit():
            self.pos = start
            return None
        return self.text[start : self.pos]

    def primary(self) -> Chain:
        if self.peek("@"):
            self.pos += 1
            return [Step("current")]
        if self.peek("*"):
            self.pos += 1
            return [Step("values")]
        if self.peek("["):
            return [self.bracket()]
        if self.peek("{"):
            return [self.multiselect_hash()]
        if self.peek("`") or self.peek("'"):
            return [Step("literal", literal=self.literal())]
        name = self.identifier()
        if name is None:
            raise self.fail("Expecting an identifier, [, {, @ or a literal")
        return [Step("field", name=name)]

    def after_dot(self) -> Chain:
        if self.peek("*"):
            self.pos += 1
            return [Step("values")]
        if self.peek("["):
            self.pos += 1
            return [Step("mlist", items=self.comma_chains("]"))]
        if self.peek("{"):
            return [self.multiselect_hash()]
        name = self.identifier()
        if name is None:
            raise self.fail("Expecting an identifier, *, [ or { after '.'")
        return [Step("field", name=name)]

    def bracket(self) -> Step:
        self.expect("[")
        if self.peek("]"):
            self.pos += 1
            return Step("flatten")
        if self.peek("*"):
            self.pos += 1
            self.expect("]")
            return Step("project")
        if self.peek("?"):
            self.pos += 1
            condition = self.condition()
            self.expect("]")
            return Step("filter", condition=condition)
        self.skip()
        start = self.pos
        if self.peek("-"):
            self.pos += 1
        while self.pos < len(self.text) and self.text[self.pos].isdigit():
            self.pos += 1
        number = self.text[start : self.pos]
        if number and number != "-":
            if len(number) > 9:
                raise self.fail("index too large")
            self.expect("]")
            return Step("index", index=int(number))
        self.pos = start
        return Step("mlist", items=self.comma_chains("]"))

    def comma_chains(self, closing: str) -> list[Chain]:
        chains = [self.pipeline_as_chain()]
        while self.peek(","):
            self.pos += 1
            chains.append(self.pipeline_as_chain())
        self.expect(closing)
        return chains

    def pipeline_as_chain(self) -> Chain:
        pipeline = self.pipeline()
        if len(pipeline) == 1:
            return pipeline[0]
        return [Step("pipe", items=pipeline)]

    def multiselect_hash(self) -> Step:
        self.expect("{")
        pairs: list[tuple[str, Chain]] = []
        while True:
            key = self.identifier()
            if key is None:
                raise self.fail("Expecting a key name in {...}")
            self.expect(":")
            pairs.append((key, self.pipeline_as_chain()))
            if self.peek(","):
                self.pos += 1
                continue
            self.expect("}")
            return Step("mhash", items=pairs)

    def literal(self) -> Any:
        quote = self.text[self.pos]
        end = self.text.find(quote, self.pos + 1)
        if end < 0:
            raise self.fail(f"unterminated literal, expecting {quote}")
        body = self.text[self.pos + 1 : end]
        self.pos = end + 1
        if quote == "'":
            return body
        try:
            return json.loads(body)
        except ValueError:
            # JMESPath accepts a bare word in backticks as a string.
            return body.strip()

    def condition(self) -> Any:
        left = self.and_condition()
        while self.peek("||"):
            self.pos += 2
            left = ("or", left, self.and_condition())
        return left

    def and_condition(self) -> Any:
        left = self.comparison()
        while self.peek("&&"):
            self.pos += 2
            left = ("and", left, self.comparison())
        return left

    def comparison(self) -> Any:
        negate = False
        if self.peek("!") and not self.peek("!="):
            self.pos += 1
            negate = True
        if self.peek("("):
            self.pos += 1
            inner = self.condition()
            self.expect(")")
            return ("not", inner) if negate else inner
        left = self.chain()
        for operator in ("==", "!=", "<=", ">=", "<", ">"):
            if self.peek(operator):
                self.pos += len(operator)
                node: Any = ("cmp", operator, left, self.chain())
                return ("not", node) if negate else node
        node = ("truthy", left)
        return ("not", node) if negate else node


def parse_query(text: str) -> list[Chain]:
    """Parse a --query expression; raise QueryError with the column on failure."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the expression is longer than {MAX_QUERY_CHARS} characters", 0)
    parser = _Parser(text)
    pipeline = parser.pipeline()
    if parser.peek():
        raise parser.fail(f"Unexpected token: {parser.text[parser.pos]!r}")
    return pipeline


def search(pipeline: list[Chain], data: Any) -> Any:
    """Evaluate a parsed expression against `data`."""
    for chain in pipeline:
        data = _run(chain, 0, data)
    return data


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", [], {})


def _run(chain: Chain, start: int, value: Any, stop: int | None = None) -> Any:
    end = len(chain) if stop is None else stop
    for position in range(start, end):
        step = chain[position]
        kind = step.kind
        if kind == "current":
            continue
        if kind == "literal":
            value = step.literal
        elif kind == "field":
            value = value.get(step.name) if isinstance(value, dict) else None
        elif kind == "index":
            if not isinstance(value, list):
                return None
            index = step.index
            value = value[index] if -len(value) <= index < len(value) else None
        elif kind == "pipe":
            value = search(step.items, value)
        elif kind == "mlist":
            if value is None:
                return None
            value = [_run(item, 0, value) for item in step.items]
        elif kind == "mhash":
            if value is None:
                return None
            value = {key: _run(item, 0, value) for key, item in step.items}
        elif kind in {"project", "flatten", "values", "filter"}:
            if kind == "values":
                if not isinstance(value, dict):
                    return None
                elements = list(value.values())
            elif not isinstance(value, list):
                return None
            elif kind == "flatten":
                elements = []
                for element in value:
                    if isinstance(element, list):
                        elements.extend(element)
                    else:
                        elements.append(element)
            elif kind == "filter":
                elements = [element for element in value if _check(step.condition, element)]
            else:
                elements = value
            # A projection applies the steps up to the next flatten to each element; the
            # flatten then works on the collected results, as in JMESPath.
            next_flatten = next(
                (index for index in range(position + 1, end) if chain[index].kind == "flatten"),
                end,
            )
            results = [_run(chain, position + 1, element, next_flatten) for element in elements]
            collected = [result for result in results if result is not None]
            if next_flatten == end:
                return collected
            return _run(chain, next_flatten, collected, end)
        if value is None:
            return None
    return value


def _check(condition: Any, element: Any) -> bool:
    kind = condition[0]
    if kind == "or":
        return _check(condition[1], element) or _check(condition[2], element)
    if kind == "and":
        return _check(condition[1], element) and _check(condition[2], element)
    if kind == "not":
        return not _check(condition[1], element)
    if kind == "truthy":
        return _truthy(_run(condition[1], 0, element))
    _, operator, left_chain, right_chain = condition
    left = _run(left_chain, 0, element)
    right = _run(right_chain, 0, element)
    if operator == "==":
        return bool(left == right)
    if operator == "!=":
        return bool(left != right)
    numbers = (int, float)
    if (
        not (isinstance(left, numbers) and isinstance(right, numbers))
        or isinstance(left, bool)
        or isinstance(right, bool)
    ):
        return False
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right

"""Linear-time wildcard matching for `*` and `?` (actions, resources, Like operators)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# A pattern is built from segments: text in which `*` and `?` are wildcards, or text in which
# they are literal (what a policy variable such as `${*}` or `${aws:username}` resolved to).
Segment = tuple[str, bool]  # (text, wildcards_active)


# Above this many character comparisons, a chunk with `?` gaps is searched bit-parallel
# instead of by trying each candidate position (which costs positions x literal runs).
_NAIVE_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A run of the pattern between two stars: literal pieces at fixed offsets, `?` in the gaps."""

    length: int
    runs: tuple[tuple[int, str], ...]

    def matches_at(self, text: str, position: int) -> bool:
        """Say whether the chunk matches `text` starting exactly at `position`."""
        if position < 0 or position + self.length > len(text):
            return False
        return all(text.startswith(run, position + offset) for offset, run in self.runs)

    def find(self, text: str, start: int, end: int) -> int:
        """Return the leftmost position >= start where the chunk fits before `end`, or -1."""
        last_start = end - self.length
        if last_start < start:
            return -1
        if not self.runs:
            return start
        if len(self.runs) > 1 and (last_start - start + 1) * len(self.runs) > _NAIVE_BUDGET:
            return self._find_bit_parallel(text, start, end)
        # Anchor on the longest literal run so str.find (C speed) does the scanning.
        offset, run = max(self.runs, key=lambda item: len(item[1]))
        position = start
        while position <= last_start:
            found = text.find(run, position + offset, end - (self.length - offset - len(run)))
            if found < 0:
                return -1
            candidate = found - offset
            if self.matches_at(text, candidate):
                return candidate
            position = candidate + 1
        return -1

    def _find_bit_parallel(self, text: str, start: int, end: int) -> int:
        """Find the chunk with the Shift-And method: one pass over the text, whatever the chunk.

        Bit i of `state` says that the chunk's first i+1 positions match the text ending at
        the current character; `?` positions accept any character.
        """
        # Per character, the bits of the chunk positions holding it; every position not in a
        # literal run is a `?` and accepts any character. Built here, as this path is rare.
        masks: dict[str, int] = {}
        literal = 0
        for offset, run in self.runs:
            for index, character in enumerate(run, start=offset):
                masks[character] = masks.get(character, 0) | (1 << index)
                literal |= 1 << index
        any_mask = ((1 << self.length) - 1) & ~literal
        accept = 1 << (self.length - 1)
        state = 0
        for index in range(start, end):
            state = ((state << 1) | 1) & (masks.get(text[index], 0) | any_mask)
            if state & accept:
                return index - self.length + 1
        return -1


@dataclass(frozen=True, slots=True)
class WildcardPattern:
    """A compiled glob; `match` runs in time linear in the text for realistic patterns.

    The pattern is split at its stars into fixed-length chunks. The first chunk is anchored at
    the start, the last at the end, and each middle chunk is placed at its leftmost possible
    position: leftmost placement is always optimal for globs, so nothing is ever revisited
    (no backtracking), and the scanning is done by `str.find`.
    """

    chunks: tuple[_Chunk, ...]
    has_star: bool
    ignore_case: bool
    is_everything: bool
    exact: str | None  # the pattern has no wildcards: plain comparison
    prefix: str | None  # the pattern is literal text and one trailing `*`

    def match(self, text: str) -> bool:
        """Say whether `text` matches the whole pattern."""
        if self.is_everything:
            return True
        if self.ignore_case:
            text = text.lower()
        if self.exact is not None:
            return text == self.exact
        if self.prefix is not None:
            return text.startswith(self.prefix)
        chunks = self.chunks
        if not self.has_star:
            only = chunks[0]
            return only.length == len(text) and only.matches_at(text, 0)
        first, last = chunks[0], chunks[-1]
        if first.length + last.length > len(text):
            return False
        if not first.matches_at(text, 0):
            return False
        end = len(text) - last.length
        if not last.matches_at(text, end):
            return False
        position = first.length
        for chunk in chunks[1:-1]:
            found = chunk.find(text, position, end)
            if found < 0:
                return False
            position = found + chunk.length
        return True


def _chunk_from_items(items: list[str | None]) -> _Chunk:
    """Build a chunk from characters (str) and `?` wildcards (None)."""
    runs: list[tuple[int, str]] = []
    current: list[str] = []
    run_start = 0
    for index, item in enumerate(items):
        if item is None:
            if current:
                runs.append((run_start, "".join(current)))
                current = []
        else:
            if not current:
                run_start = index
            current.append(item)
    if current:
        runs.append((run_start, "".join(current)))
    return _Chunk(length=len(items), runs=tuple(runs))


def compile_segments(segments: Iterable[Segment], ignore_case: bool = False) -> WildcardPattern:
    """Compile segments into a pattern; wildcards count only in segments that allow them."""
    return _compile(tuple(segments), ignore_case)


@lru_cache(maxsize=4096)
def _compile(segments: tuple[Segment, ...], ignore_case: bool) -> WildcardPattern:
    """Compile a pattern; cached because resolved variables recompile on every request."""
    chunks: list[_Chunk] = []
    items: list[str | None] = []
    has_star = False
    for text, wildcards_active in segments:
        if ignore_case:
            text = text.lower()
        if not wildcards_active:
            items.extend(text)
            continue
        for character in text:
            if character == "*":
                chunks.append(_chunk_from_items(items))
                items = []
                has_star = True
            elif character == "?":
                items.append(None)
            else:
                items.append(character)
    chunks.append(_chunk_from_items(items))
    is_everything = has_star and all(chunk.length == 0 for chunk in chunks)
    first = chunks[0]
    first_is_literal = sum(len(run) for _, run in first.runs) == first.length
    first_text = "".join(run for _, run in first.runs)
    exact = first_text if not has_star and first_is_literal else None
    prefix = None
    if len(chunks) == 2 and chunks[1].length == 0 and first_is_literal and not is_everything:
        prefix = first_text
    return WildcardPattern(
        chunks=tuple(chunks),
        has_star=has_star,
        ignore_case=ignore_case,
        is_everything=is_everything,
        exact=exact,
        prefix=prefix,
    )


def compile_pattern(pattern: str, ignore_case: bool = False) -> WildcardPattern:
    """Compile a glob in which every `*` and `?` is a wildcard."""
    return compile_segments([(pattern, True)], ignore_case=ignore_case)

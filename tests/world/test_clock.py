"""The world clock: simulated time that moves only when told."""

from __future__ import annotations

import pytest

from iamlab.world import World


def test_clock_moves_only_when_told(world: World) -> None:
    start = world.now()
    assert start.isoformat() == "2026-01-05T09:00:00+00:00"
    assert world.now() == start
    world.advance(90)
    assert world.now().isoformat() == "2026-01-05T09:01:30+00:00"


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (-1, "The clock only moves forward: seconds must be 0 or more"),
        (1.5, "advance() takes a whole number of seconds"),
        (10**12, "The clock moves at most 316224000 seconds at once"),
    ],
)
def test_clock_rejects_bad_moves(world: World, seconds: object, message: str) -> None:
    with pytest.raises(
        ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"
    ):
        world.advance(seconds)  # type: ignore[arg-type]
    assert world.now().isoformat() == "2026-01-05T09:00:00+00:00"

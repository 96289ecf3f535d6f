"""What the browser tests of every folder share: screenshots at a laptop's and a phone's width.

Screenshots are artifacts for a person to look at, saved under test-results/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cast import REPOSITORY

ARTIFACTS = REPOSITORY / "test-results"
LAPTOP = 1280
PHONE = {"width": 390, "height": 844}


def save_screenshot(tab: Any, name: str) -> Path:
    """Save a full-page screenshot of a tab as test-results/NAME.png (NAME may hold a folder)."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(path), full_page=True)
    return path


def both_widths(tab: Any, name: str, height: int = 800) -> None:
    """Save NAME-1280 and NAME-390, then leave the tab at 1280 pixels wide and `height` high."""
    tab.set_viewport_size({"width": LAPTOP, "height": height})
    save_screenshot(tab, f"{name}-{LAPTOP}")
    tab.set_viewport_size(PHONE)
    save_screenshot(tab, f"{name}-{PHONE['width']}")
    tab.set_viewport_size({"width": LAPTOP, "height": height})

"""Run the engine's command line: `python -m iamlab.engine simulate FILE...`."""

from __future__ import annotations

import sys

from iamlab.engine.cli import main

sys.exit(main())

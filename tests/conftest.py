"""Import ganbook before anything imports torch, so that the CPU code path is pinned."""

import sys
from pathlib import Path

import ganbook  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # notebooks.py

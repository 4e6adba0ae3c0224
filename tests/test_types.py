"""The type checker passes on the three packages, as CI runs it.

mypy reads its settings from pyproject.toml ([tool.mypy]): Python 3.11, and which third-party modules ship no
type information. A type error (a value that may be None used as a str, a wrong argument) fails this test
with mypy's report in the assertion message.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("knowledge", "ingest", "bot")


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (pip install -e '.[dev]')")
def test_mypy_finds_no_type_errors() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", *PACKAGES],
        cwd=ROOT,  # where mypy finds pyproject.toml
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert checked.returncode == 0, f"mypy {' '.join(PACKAGES)} failed:\n{checked.stdout}{checked.stderr}"

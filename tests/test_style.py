"""The code base is ruff clean and ruff formatted, as CI checks it (settings in pyproject.toml [tool.ruff])."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")

needs_ruff = pytest.mark.skipif(RUFF is None, reason="ruff is not installed (pip install -e '.[dev]')")


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    assert RUFF is not None
    return subprocess.run([RUFF, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@needs_ruff
def test_ruff_finds_no_lint_errors() -> None:
    checked = ruff("check", "--no-cache", ".")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@needs_ruff
def test_every_file_is_formatted() -> None:
    checked = ruff("format", "--check", "--no-cache", ".")
    assert checked.returncode == 0, "run `ruff format .`:\n" + checked.stdout + checked.stderr


@needs_ruff
def test_an_unformatted_file_is_reported(tmp_path: Path) -> None:
    """The check is real: a badly formatted file under the same settings fails it."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.py").write_text("x = {  'a':1 }\n", encoding="utf-8")
    checked = subprocess.run(
        [str(RUFF), "format", "--check", "--no-cache", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert checked.returncode == 1 and "bad.py" in checked.stdout

"""The layer contracts of DEVELOPERS.md ("Architecture"), checked by import-linter on the real code.

The contracts live in pyproject.toml ([tool.importlinter]): knowledge/ imports neither bot/ nor ingest/, ingest/
never imports bot/, and the modules of knowledge/, like those of the regulation parser, import each other
without cycles (TYPE_CHECKING imports count too). A broken contract names the import that breaks it in the
assertion message.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` of the venv running the tests, on the project at `project`, which reads the contracts
    from the project's configuration (.importlinter, else pyproject.toml)."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    return subprocess.run(
        [*command, "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [contract["name"] for contract in config["tool"]["importlinter"]["contracts"]]


@pytest.fixture(scope="module")
def report() -> subprocess.CompletedProcess[str]:
    return lint_imports(ROOT)


def test_the_layer_contracts_are_configured() -> None:
    names = contract_names()
    assert "knowledge imports neither bot nor ingest" in names
    assert "ingest does not import bot" in names
    assert "knowledge modules import each other without cycles" in names
    assert "regulation parser modules import each other without cycles" in names


@pytest.mark.parametrize("name", contract_names())
def test_contract_is_kept(report: subprocess.CompletedProcess[str], name: str) -> None:
    assert f"{name} KEPT" in report.stdout, report.stdout + report.stderr


def test_every_contract_passes(report: subprocess.CompletedProcess[str]) -> None:
    assert report.returncode == 0, report.stdout + report.stderr


def test_a_forbidden_import_breaks_the_contracts(tmp_path: Path) -> None:
    """The project's layer contracts on a three-module project where knowledge imports bot: the check says so."""
    imports = {"bot": "ingest", "ingest": "knowledge", "knowledge": "bot"}
    for package, imported in imports.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(f"import {imported}\n", encoding="utf-8")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = ["[importlinter]", *ini_entry("root_packages", settings["root_packages"])]
    for contract in settings["contracts"]:
        if contract["type"] in ("forbidden", "layers") and "containers" not in contract:  # others name modules it lacks
            lines.append(f"[importlinter:contract:{contract['id']}]")
            for key, value in contract.items():
                if key != "id":
                    lines.extend(ini_entry(key, value))
    (tmp_path / ".importlinter").write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "knowledge imports neither bot nor ingest BROKEN" in result.stdout, result.stdout + result.stderr
    assert "bot above ingest above knowledge BROKEN" in result.stdout


def ini_entry(key: str, value: str | list[str]) -> list[str]:
    """One option of import-linter's INI form: a list is one value per indented line."""
    if isinstance(value, list):
        return [f"{key} =", *(f"    {item}" for item in value)]
    return [f"{key} = {value}"]

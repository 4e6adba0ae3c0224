"""`python -m knowledge health`: the container's health check, against what the configuration names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from services import free_port

ROOT = Path(__file__).resolve().parent.parent


def health(tmp_path: Path, **env: str) -> tuple[int, dict]:
    variables = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(tmp_path / "data"), **env}
    run = subprocess.run(
        [sys.executable, "-m", "knowledge", "health", "--timeout", "20"],
        capture_output=True, text=True, cwd=ROOT, env=variables, timeout=120,
    )  # fmt: skip
    return run.returncode, json.loads(run.stdout)


def test_the_embedded_defaults_are_healthy_once_the_database_is_made(tmp_path: Path) -> None:
    code, report = health(tmp_path)
    assert code == 1 and not report["checks"]["database"]["ok"]  # nothing opened it yet: no schema
    assert report["checks"]["vectors"]["ok"] and report["checks"]["embeddings"]["ok"]

    from knowledge.config import Settings
    from knowledge.index.store import KnowledgeStore

    KnowledgeStore(Settings(data_dir=tmp_path / "data", _env_file=None))  # what the bot does at start
    code, report = health(tmp_path)
    assert code == 0 and report["status"] == "ok", report
    assert report["checks"]["embeddings"]["detail"].startswith("local:multilingual-e5-small, 384")


def test_an_unreachable_service_makes_it_unhealthy_and_says_which(tmp_path: Path) -> None:
    silent = free_port()
    code, report = health(
        tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(silent), EMBEDDING_PROVIDER="openai",
        EMBEDDING_BASE_URL=f"http://127.0.0.1:{silent}/v1", DATABASE_URL="postgresql+psycopg://sinergi:rahasia@127.0.0.1:1/sinergi",
    )  # fmt: skip
    assert code == 1 and report["status"] == "unavailable"
    assert not any(check["ok"] for check in report["checks"].values())
    assert "rahasia" not in json.dumps(report)  # the password in DATABASE_URL is not repeated

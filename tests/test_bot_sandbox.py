"""The README's newcomer path: `python -m bot` with no token ingests the sample corpus and answers in the
terminal (stdin is not a TTY here, so it reads lines and ends at EOF)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot_harness import ROOT

from bot.sandbox.terminal import Style, render_text


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "WEBHOOK_", "CHROMA_"))}
    env.update({"DATA_DIR": str(data_dir), "EMBEDDING_PROVIDER": "local", "PYTHONUNBUFFERED": "1"})
    env.pop("DATABASE_URL", None)
    return env


def test_newcomer_asks_in_the_terminal_sandbox(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="Apa yang dimaksud dengan dekonsentrasi?\n#1\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no developer .env applies
        env=_clean_env(tmp_path / "data"),
        timeout=240,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert "memasukkan dokumen contoh" in out and "Selesai:" in out
    assert "otomatis terdaftar sebagai admin" in out
    assert "Sinergi sedang mengetik" in out
    answer, _, after_click = out.partition("Anda › #1")
    assert "SUMBER:" in answer and re.search(r"^\[1\] \S.+", answer, re.MULTILINE), out  # a cited answer
    assert re.search(r"\[1\] Teks lengkap \[1\]", answer) and "👍" in answer
    assert "[Sinergi]" in after_click, out  # pressing the button showed the full passage
    assert out.rstrip().endswith("Sampai jumpa.")
    assert "Traceback" not in result.stderr


def test_help_documents_modes_and_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0
    for word in ("--sandbox", "--webhook", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "WEBHOOK_SECRET", "ADMIN_IDS"):
        assert word in result.stdout


def test_terminal_renders_entities_readably() -> None:
    message = {
        "text": "Sumber: lihat situs 👍 ini",
        "entities": [
            {"type": "bold", "offset": 0, "length": 7},
            {"type": "text_link", "offset": 14, "length": 5, "url": "https://jdih.example.go.id/"},
            {"type": "bold", "offset": 23, "length": 3},  # after an emoji: UTF-16 offsets
        ],
    }
    assert render_text(message, Style(ansi=False)) == "SUMBER: lihat situs (https://jdih.example.go.id/) 👍 INI"
    assert render_text(message, Style(ansi=True)).startswith("\x1b[1mSumber:\x1b[0m")

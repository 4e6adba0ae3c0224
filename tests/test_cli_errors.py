"""The command lines as an operator meets them (issue 15): every error is one line with an exit code that says
what kind it is (2 for usage and configuration), no traceback without -v, a closed pipe ends quietly, and
`knowledge followups` shows the status the bot shows ("terlambat N hari"), in the real processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from knowledge.migrate import init_db
from knowledge.model import FollowUp
from knowledge.operations.followups import actor_ref, add_followup, sync_document_followups, update_followup

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "DATABASE_URL", "CHROMA_HOST", "CUTI_BERSAMA")


def cli(tmp_path: Path, *args: str, data_dir: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m ...` in a folder without .env, on its own DATA_DIR."""
    environment = {k: v for k, v in os.environ.items() if k not in SECRETS}
    environment.update({"DATA_DIR": str(data_dir or tmp_path / "data"), "EMBEDDING_PROVIDER": "local", **env})
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_missing_batch_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = cli(tmp_path, "knowledge", "ask", "--batch", "/nonexistent.jsonl")
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result) == "error: file /nonexistent.jsonl not found"
    evaluated = cli(tmp_path, "knowledge", "eval", "/nonexistent.jsonl")
    assert evaluated.returncode == 2 and "/nonexistent.jsonl not found" in one_line(evaluated)


def test_a_bad_line_in_a_batch_stops_before_anything_is_answered(tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"question": "Apa yang dimaksud dengan dekonsentrasi?"}\n{"question": tidak}\n')
    result = cli(tmp_path, "knowledge", "ask", "--batch", str(batch), "--json")
    assert result.returncode == 2 and result.stdout == ""  # line 1 was not answered either
    expected = rf"error: {re.escape(str(batch))} line 2: not JSON \(.+\); nothing was answered"
    assert re.fullmatch(expected, one_line(result))


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    for args in (("knowledge",), ("knowledge", "ask"), ("knowledge", "followups", "--status", "kacau")):
        result = cli(tmp_path, *args)
        assert result.returncode == 2, args
        one_line(result)
    assert "unknown status 'kacau'" in one_line(cli(tmp_path, "knowledge", "followups", "--status", "kacau"))
    ingest = cli(tmp_path, "ingest", "not/exist")
    assert ingest.returncode == 2
    assert one_line(ingest) == "Kesalahan: berkas atau folder tidak ditemukan: not/exist; tidak ada yang dimasukkan."
    bad_setting = cli(tmp_path, "knowledge", "followups", CUTI_BERSAMA="kemarin")
    assert bad_setting.returncode == 2 and "CUTI_BERSAMA" in one_line(bad_setting)
    assert "exit status" in cli(tmp_path, "ingest", "--help").stdout


def test_an_unwritable_data_dir_is_a_configuration_error_everywhere(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where DATA_DIR's parent should be")
    data_dir = blocker / "data"
    said = {}
    for args in (("knowledge", "followups"), ("ingest", str(ROOT / "sample")), ("bot", "--sandbox")):
        result = cli(tmp_path, *args, data_dir=data_dir)
        assert result.returncode == 2, (args, result.stderr)
        said[args[0]] = one_line(result)
        assert str(data_dir) in said[args[0]]
    assert said["ingest"].startswith("Kesalahan: DATA_DIR") and "tidak dapat dibuat atau ditulis" in said["ingest"]


def test_an_internal_error_is_one_line_and_the_traceback_needs_v(tmp_path: Path) -> None:
    broken = {"DATABASE_URL": "nosuchdriver://nowhere"}
    result = cli(tmp_path, "knowledge", "followups", **broken)
    assert result.returncode == 4 and "run again with -v" in one_line(result)
    verbose = cli(tmp_path, "knowledge", "-v", "followups", **broken)
    assert verbose.returncode == 4 and "Traceback" in verbose.stderr


@pytest.fixture
def followups_dir(tmp_path: Path) -> Path:
    """A DATA_DIR holding follow-ups long past due (2024), one finished, one added by hand."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sessions = init_db(f"sqlite:///{(data_dir / 'sinergi.db').resolve()}")
    label = "Notulen Rakor Contoh 6 Februari 2024, bagian Tindak Lanjut butir {}"
    items = [
        FollowUp(text=f"Menyusun laporan nomor {n}", units=["Bappeda Prov. Jabar"], due=date(2024, 2, 13),
                 passage_label=label.format(n), section="Tindak Lanjut", item=str(n))
        for n in range(1, 11)
    ]  # fmt: skip
    items.append(
        FollowUp(text="Mengirim notulen", units=["Sekretariat Rakor"], due=date(2024, 2, 13), status="selesai",
                 passage_label=label.format(11), section="Tindak Lanjut", item="11")
    )  # fmt: skip
    with sessions.begin() as session:
        sync_document_followups(
            session, source="/data/notulen.md", doc="Notulen Rakor Contoh", items=items, passage_ids={},
            meeting_date=date(2024, 2, 6),
        )  # fmt: skip
    manual = add_followup(sessions, text="Menyiapkan rapat lanjutan", units=["Biro Umum"], actor="user:1 Dewi")
    update_followup(sessions, manual.id, actor_ref(1, "Dewi"), status="berjalan")
    return data_dir


def test_followups_shows_the_computed_status_and_never_none(tmp_path: Path, followups_dir: Path) -> None:
    result = cli(tmp_path, "knowledge", "followups", data_dir=followups_dir)
    assert result.returncode == 0, result.stderr
    late = (date.today() - date(2024, 2, 13)).days
    assert f"[terlambat {late} hari] 13 Februari 2024 — Bappeda Prov. Jabar" in result.stdout
    assert "[baru]" not in result.stdout and "2024-02-13" not in result.stdout
    assert "Sumber: None" not in result.stdout and "Sumber: dicatat oleh sekretariat" in result.stdout
    finished = next(block for block in result.stdout.split("#") if "Mengirim notulen" in block)
    assert "[selesai]" in finished and "terlambat" not in finished

    only_late = cli(tmp_path, "knowledge", "followups", "--status", "terlambat", data_dir=followups_dir)
    assert only_late.stdout.count("[terlambat") == 10 and "Mengirim notulen" not in only_late.stdout

    as_json = json.loads(cli(tmp_path, "knowledge", "followups", "--json", data_dir=followups_dir).stdout)
    first = next(i for i in as_json if i["text"] == "Menyusun laporan nomor 1")
    assert (first["status"], first["computed_status"], first["days_late"]) == ("baru", "terlambat", late)
    done = next(i for i in as_json if i["text"] == "Mengirim notulen")
    assert (done["status"], done["computed_status"], done["days_late"]) == ("selesai", "selesai", None)


def test_a_closed_pipe_ends_quietly(tmp_path: Path, followups_dir: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in SECRETS}
    environment["DATA_DIR"] = str(followups_dir)
    result = subprocess.run(
        f"{sys.executable} -m knowledge followups | head -3", shell=True, cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""  # no BrokenPipeError, no "Exception ignored"


def test_the_ingest_report_speaks_indonesian_only(tmp_path: Path) -> None:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "notulen.md").write_text(
        "# Notulen Rapat Koordinasi Pelaporan\n\n- Hari/Tanggal: Selasa, 6 Februari 2024\n- Tempat: Bandung\n\n"
        "## Tindak Lanjut\n\n1. Bappeda Provinsi agar menyampaikan laporan paling lambat 15 April 2024.\n",
        encoding="utf-8",
    )
    (folder / "besar.txt").write_text("Laporan panjang. " * 200, encoding="utf-8")  # over MAX_FILE_MB below
    (folder / "rusak.pdf").write_bytes(bytes(range(128, 256)) * 8)
    result = cli(tmp_path, "ingest", str(folder), MAX_FILE_MB="0.002")
    assert result.returncode == 1, result.stderr  # some files failed
    out = result.stdout
    assert re.search(r"^BARU +\S+notulen\.md → Notulen Rakor Pelaporan 6 Februari 2024", out, re.M)
    assert re.search(r"^GAGAL +\S+besar\.txt: Berkas besar\.txt terlalu besar \(3,3 KB\); batasnya 2 KB\.$", out, re.M)
    assert 'Berkas PDF "rusak.pdf" rusak atau tidak lengkap' in out and "tidak didukung" not in out
    assert re.search(r"\(\d+,\d detik\)\.$", out.strip())  # "2,7 detik", as the bot writes it
    for english in ("ADDED", "UPDATED", "file too large", "file not found", "corrupt"):
        assert english not in out

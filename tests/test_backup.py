"""`python -m knowledge db backup` / `restore`: one archive carries a deployment's database and vectors to
another database (SQLite or PostgreSQL) and answers the same questions there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from answer_corpus import write_corpus
from sqlalchemy import func, select

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.db import FollowUpRow, UserRow
from knowledge.index.store import KnowledgeStore
from knowledge.operations.followups import list_followups
from knowledge.operations.users import UserStore
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Siapa yang membiayai Penugasan Daerah?",
    "Kapan rencana Pelimpahan Wilayah disampaikan kepada gubernur?",
]


def settings_for(data_dir: Path, db_url: str) -> Settings:
    return Settings(data_dir=data_dir, database_url=db_url, primary_document="CONTOH 5/2023", _env_file=None)


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.db_url, "PRIMARY_DOCUMENT": settings.primary_document,
    }  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def answers(settings: Settings) -> list[tuple[str, list[str]]]:
    assistant = Assistant(KnowledgeStore(settings), settings)
    return [(a.answer, [c.label for c in a.citations]) for a in map(assistant.ask, QUESTIONS)]


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    """A deployment on the embedded defaults with documents, a user and follow-ups, and its backup."""
    root = tmp_path_factory.mktemp("origin")
    settings = settings_for(root / "data", f"sqlite:///{root / 'data' / 'sinergi.db'}")
    store = KnowledgeStore(settings)
    assert not Pipeline(store).run([write_corpus(root / "docs")]).failed
    UserStore(store.sessions, invite_codes=["KODE"]).register(7_000_000_001, "Budi", "Bappeda Prov. Jabar", "KODE")
    archive = root / "cadangan.zip"
    run = cli(settings, "db", "backup", str(archive))
    assert run.returncode == 0, run.stderr
    assert "vectors" in run.stdout and str(archive) in run.stdout
    return settings, archive


def test_a_backup_restores_into_another_database_and_answers_the_same(
    origin: tuple[Settings, Path], db_url: str, tmp_path: Path
) -> None:
    source, archive = origin
    target = settings_for(tmp_path / "data", db_url)

    run = cli(target, "db", "restore", str(archive))

    assert run.returncode == 0, run.stderr
    assert answers(target) == answers(source)
    restored = KnowledgeStore(target)
    assert [d.doc for d in restored.documents()] == [d.doc for d in KnowledgeStore(source).documents()]
    assert restored.vectors.count() == KnowledgeStore(source).vectors.count() > 0
    with restored.sessions() as session:
        assert session.scalar(select(func.count()).select_from(UserRow)) == 1
        before = session.scalar(select(func.count()).select_from(FollowUpRow))
    assert before and len(list_followups(restored.sessions)) == len(list_followups(KnowledgeStore(source).sessions))

    # The restored deployment carries on: new rows get fresh ids (PostgreSQL's sequences follow the restored ids).
    more = tmp_path / "more"
    more.mkdir()
    (more / "notulen-kedua.md").write_text(SECOND_MINUTES, encoding="utf-8")
    report = Pipeline(restored).run([more])
    assert not report.failed and report.summary()["added"] == 1
    with restored.sessions() as session:
        assert session.scalar(select(func.count()).select_from(FollowUpRow)) == before + 1


def test_restore_refuses_a_database_that_holds_data_unless_forced(origin: tuple[Settings, Path], tmp_path: Path):
    source, archive = origin
    target = settings_for(tmp_path / "data", f"sqlite:///{tmp_path / 'sinergi.db'}")
    assert cli(target, "db", "restore", str(archive)).returncode == 0

    again = cli(target, "db", "restore", str(archive))
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "--force" in again.stderr and "Traceback" not in again.stderr

    forced = cli(target, "db", "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert answers(target) == answers(source)


def test_a_file_that_is_not_a_backup_is_refused_in_one_line(tmp_path: Path) -> None:
    target = settings_for(tmp_path / "data", f"sqlite:///{tmp_path / 'sinergi.db'}")
    not_zip = tmp_path / "catatan.zip"
    not_zip.write_text("bukan arsip")
    other_zip = tmp_path / "lain.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("manifest.json", '{"format": "lain"}')
    for path in (not_zip, other_zip, tmp_path / "tidak-ada.zip"):
        run = cli(target, "db", "restore", str(path))
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert str(path) in run.stderr


SECOND_MINUTES = """\
# NOTULEN RAPAT KOORDINASI PELAPORAN
Hari/Tanggal: Kamis, 14 Maret 2024
Tempat: Ruang Rapat Ditjen Bina Adwil, Jakarta

## Tindak Lanjut
| No | Kegiatan | Penanggung Jawab | Batas Waktu |
|---|---|---|---|
| 1 | Menyusun jadwal pelaporan triwulan | Biro Pemerintahan | 30 April 2024 |
"""

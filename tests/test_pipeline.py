"""Incremental ingestion as an admin sees it: add, change, remove, bad files, and the CLI summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.corpus import Corpus
from knowledge.index.store import KnowledgeStore
from knowledge.operations.followups import list_followups

ROOT = Path(__file__).resolve().parent.parent

OLD_REGULATION = """\
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 8 TAHUN 2011
TENTANG PELAPORAN KEGIATAN DAERAH

BAB I
KETENTUAN UMUM

Pasal 1
Laporan kegiatan daerah disampaikan setiap semester kepada menteri.

Pasal 2
(1) Laporan disusun oleh kepala dinas.
(2) Laporan sebagaimana dimaksud pada ayat (1) ditandatangani oleh kepala daerah.
"""

NEW_REGULATION = """\
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 9 TAHUN 2023
TENTANG PELAPORAN ELEKTRONIK KEGIATAN DAERAH

BAB I
KETENTUAN UMUM

Pasal 1
Laporan kegiatan daerah disampaikan melalui sistem pelaporan elektronik paling lambat tanggal 10 setiap bulan.

Pasal 2
(1) Laporan disusun oleh perangkat daerah yang membidangi perencanaan.
(2) Laporan sebagaimana dimaksud pada ayat (1) diverifikasi oleh inspektorat daerah.
(3) Hasil verifikasi disampaikan kepada gubernur.

BAB II
KETENTUAN PENUTUP

Pasal 3
Pada saat Peraturan Contoh ini mulai berlaku, Peraturan Contoh Nomor 8 Tahun 2011 tentang Pelaporan Kegiatan
Daerah dicabut dan dinyatakan tidak berlaku.

Pasal 4
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""

MINUTES = """\
# Notulen Rapat Koordinasi Pelaporan Daerah

Hari/Tanggal: Senin, 4 Maret 2024
Tempat: Kantor Gubernur, Semarang
Pimpinan Rapat: Kepala Biro Pemerintahan

## Tindak Lanjut

| No | Tindak Lanjut | Penanggung Jawab | Batas Waktu | Status |
|---|---|---|---|---|
| 1 | Menyusun format laporan elektronik | Bappeda Prov. Jateng | 31 Maret 2024 | baru |
| 2 | Melatih operator kabupaten/kota | Biro Pemerintahan | akhir Triwulan II 2024 | berjalan |
"""


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url, _env_file=None)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "contoh-2011-8.md").write_text(OLD_REGULATION)
    (folder / "notulen-semarang.md").write_text(MINUTES)
    return folder


def ingest(settings: Settings, *paths: Path, **options) -> dict:
    return Pipeline(KnowledgeStore(settings)).run(list(paths), **options).summary()


def test_first_run_adds_every_document_and_a_second_run_changes_nothing(settings, docs):
    first = ingest(settings, docs)
    assert (first["added"], first["unchanged"], first["failed"]) == (2, 0, [])
    assert first["documents"] == 2
    assert first["followups"] == 2

    second = ingest(settings, docs)
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, 2)
    assert {k: second[k] for k in ("documents", "passages", "followups")} == {
        k: first[k] for k in ("documents", "passages", "followups")
    }


def test_passages_carry_exact_citations(settings, docs):
    ingest(settings, docs)
    corpus = Corpus.load(KnowledgeStore(settings))
    labels = {r.label for r in corpus.records}
    assert "CONTOH 8/2011 Pasal 2 ayat (2)" in labels
    assert any(label.startswith("Notulen Rakor") or "Notulen" in label for label in labels)
    ayat = next(r for r in corpus.records if r.label == "CONTOH 8/2011 Pasal 2 ayat (2)")
    assert "ditandatangani oleh kepala daerah" in ayat.text
    assert "(1) Laporan disusun oleh kepala dinas." in ayat.parent_text  # the whole Pasal for display


def test_a_new_regulation_marks_the_one_it_revokes(settings, docs):
    ingest(settings, docs)
    (docs / "contoh-2023-9.md").write_text(NEW_REGULATION)
    report = Pipeline(KnowledgeStore(settings)).run([docs])
    assert [(c.doc, c.new, c.revoked_by) for c in report.status_changes] == [
        ("CONTOH 8/2011", "dicabut", "CONTOH 9/2023")
    ]
    store = KnowledgeStore(settings)
    old = next(r for r in Corpus.load(store).records if r.doc == "CONTOH 8/2011")
    # The passage names the revoking article, the document row the revoking regulation.
    assert (old.status, old.revoked_by) == ("dicabut", "CONTOH 9/2023 Pasal 3")
    # the vector store's metadata follows too
    metadatas = store.vectors._collection.get(where={"doc": "CONTOH 8/2011"}, include=["metadatas"])["metadatas"]
    assert metadatas and {m["status"] for m in metadatas} == {"dicabut"}


def test_a_changed_file_replaces_all_its_passages(settings, docs):
    ingest(settings, docs)
    store = KnowledgeStore(settings)
    before = {r.id for r in Corpus.load(store).records if r.doc == "CONTOH 8/2011"}

    (docs / "contoh-2011-8.md").write_text(OLD_REGULATION.replace("setiap semester", "setiap triwulan"))
    summary = ingest(settings, docs)

    assert (summary["updated"], summary["unchanged"]) == (1, 1)
    corpus = Corpus.load(KnowledgeStore(settings))
    texts = [r.text for r in corpus.records if r.doc == "CONTOH 8/2011"]
    assert any("setiap triwulan" in t for t in texts)
    assert not any("setiap semester" in t for t in texts)
    assert not before & {r.id for r in corpus.records}
    # no vector of the old version is left behind
    assert store.vectors.all_passage_ids() == {r.id for r in corpus.records}


def test_re_ingesting_changed_minutes_keeps_the_status_officials_recorded(settings, docs):
    ingest(settings, docs)
    store = KnowledgeStore(settings)
    from knowledge.db import FollowUpHistoryRow, FollowUpRow

    with store.sessions.begin() as session:
        row = session.query(FollowUpRow).filter(FollowUpRow.text.like("Menyusun format%")).one()
        row.status = "selesai"
        row.history.append(FollowUpHistoryRow(actor="user:42", change="status: baru -> selesai"))

    (docs / "notulen-semarang.md").write_text(MINUTES.replace("31 Maret 2024", "15 April 2024"))
    summary = ingest(settings, docs)
    assert summary["updated"] == 1 and summary["followups"] == 2

    rows = {r.text: r for r in list_followups(store.sessions)}
    kept = rows["Menyusun format laporan elektronik"]
    assert kept.status == "selesai"
    assert kept.due.isoformat() == "2024-04-15"


def test_prune_removes_documents_whose_file_is_gone(settings, docs):
    ingest(settings, docs)
    (docs / "notulen-semarang.md").unlink()

    without_prune = ingest(settings, docs)
    assert without_prune["documents"] == 2

    pruned = ingest(settings, docs, prune=True)
    assert (pruned["removed"], pruned["documents"], pruned["followups"]) == (1, 1, 0)
    store = KnowledgeStore(settings)
    assert store.vectors.all_passage_ids() == {r.id for r in Corpus.load(store).records}


def test_bad_files_are_reported_and_the_rest_is_ingested(settings, docs):
    (docs / "kosong.txt").write_text("   \n")
    (docs / "gambar.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (docs / "rusak.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (docs / "palsu.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    big = settings.model_copy(update={"max_file_mb": 0.001})
    (docs / "besar.txt").write_text("Pasal 1\n" + "kata " * 400)

    summary = ingest(big, docs)

    failed = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    assert set(failed) == {"kosong.txt", "gambar.pdf", "rusak.pdf", "palsu.docx", "besar.txt"}
    assert all(failed.values())
    assert summary["added"] == 2  # the good regulation and the minutes still went in


def test_cli_prints_one_json_summary_and_exit_status_reports_failures(settings, docs, tmp_path):
    env = {"DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "ingest", str(docs), "--json"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert ok.returncode == 0, ok.stderr
    summary = json.loads(ok.stdout)
    assert set(summary) == {
        "added",
        "updated",
        "unchanged",
        "removed",
        "failed",
        "skipped",
        "documents",
        "passages",
        "followups",
        "seconds",
    }
    assert summary["added"] == 2

    (docs / "rusak.pdf").write_bytes(b"%PDF-1.4 broken")
    failed = subprocess.run(
        [sys.executable, "-m", "ingest", str(docs), "--json"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert failed.returncode == 1
    summary = json.loads(failed.stdout)
    assert summary["unchanged"] == 2
    assert [Path(f["path"]).name for f in summary["failed"]] == ["rusak.pdf"]


def test_help_explains_the_command():
    result = subprocess.run([sys.executable, "-m", "ingest", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert "--prune" in result.stdout and "--json" in result.stdout


def test_two_copies_of_one_file_are_indexed_once_and_stay_unchanged(settings, docs):
    (docs / "salinan-contoh-2011-8.md").write_text(OLD_REGULATION)
    first = ingest(settings, docs)
    assert (first["added"], first["unchanged"], first["documents"], first["failed"]) == (2, 1, 2, [])
    second = ingest(settings, docs)
    assert (second["unchanged"], second["updated"], second["documents"]) == (3, 0, 2)


def test_two_different_files_claiming_one_document_do_not_replace_each_other(settings, docs):
    (docs / "versi-lain-2011-8.md").write_text(OLD_REGULATION.replace("setiap semester", "setiap tahun"))
    first = ingest(settings, docs)
    assert [Path(f["path"]).name for f in first["failed"]] == ["versi-lain-2011-8.md"]
    assert "CONTOH 8/2011 is already ingested" in first["failed"][0]["error"]
    second = ingest(settings, docs)
    assert second["unchanged"] == 2 and second["updated"] == 0 and len(second["failed"]) == 1

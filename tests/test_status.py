"""Legal status learned from every regulation read, indexed or status-only: whole and partial revocations,
amendments that replace, insert or delete articles, and what answers, look-ups and /status say about them.
The regulations are fictional ("Peraturan Contoh"), written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.parsers.regulation import parse_regulation
from ingest.parsers.status_sources import read_status_sources
from ingest.pipeline import Pipeline
from ingest.readers.files import Page
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.model import AMENDED, DELETED, IMPLEMENTING_KEPT, INSERTED, REVOKED, REVOKED_IN_PART
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parent.parent

# The regulation officials read (indexed), and an older one it does not itself revoke.
BASE = """\
PERATURAN CONTOH
NOMOR 3 TAHUN 2020
TENTANG PELAPORAN KEGIATAN LAPANGAN

Pasal 1
Unit pelaksana mencatat setiap kegiatan lapangan dalam buku kegiatan.

Pasal 2
(1) Unit pelaksana menyampaikan laporan kegiatan lapangan kepada gubernur setiap bulan.
(2) Laporan sebagaimana dimaksud pada ayat (1) memuat rincian biaya perjalanan.

Pasal 3
Laporan tahunan disampaikan kepada menteri paling lambat tanggal 31 Maret.

Pasal 4
Unit pelaksana menyimpan bukti pengeluaran selama lima tahun.

Pasal 5
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""
OLD = """\
PERATURAN CONTOH
NOMOR 1 TAHUN 2015
TENTANG PERJALANAN DINAS LAPANGAN

Pasal 1
Perjalanan dinas lapangan dibiayai dari anggaran unit pelaksana.

Pasal 2
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""

# Status-only sources: regulations nobody searches that change the two above.
AMENDING = """\
PERATURAN CONTOH
NOMOR 7 TAHUN 2022
TENTANG PERUBAHAN ATAS PERATURAN CONTOH NOMOR 3 TAHUN 2020 TENTANG PELAPORAN KEGIATAN LAPANGAN

Pasal I
Beberapa ketentuan dalam Peraturan Contoh Nomor 3 Tahun 2020 tentang Pelaporan Kegiatan Lapangan diubah sebagai \
berikut:
1. Ketentuan Pasal 3 diubah sehingga berbunyi sebagai berikut:
Pasal 3
Laporan tahunan disampaikan kepada menteri paling lambat tanggal 28 Februari melalui aplikasi pelaporan.
2. Di antara Pasal 3 dan Pasal 4 disisipkan 1 (satu) pasal, yakni Pasal 3A sehingga berbunyi sebagai berikut:
Pasal 3A
Menteri menerbitkan rekapitulasi laporan tahunan paling lambat tanggal 30 April.
3. Pasal 4 dihapus.

Pasal II
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""
REVOKING = """\
PERATURAN CONTOH
NOMOR 9 TAHUN 2024
TENTANG PERJALANAN DINAS DAN PELAPORAN KEUANGAN

Pasal 1
Perjalanan dinas dibiayai dari anggaran kementerian.

Pasal 2
Pada saat Peraturan Contoh ini mulai berlaku:
a. Peraturan Contoh Nomor 1 Tahun 2015 tentang Perjalanan Dinas Lapangan (Lembaran Contoh Tahun 2015 Nomor 3); dan
b. Pasal 2 ayat (2) Peraturan Contoh Nomor 3 Tahun 2020 tentang Pelaporan Kegiatan Lapangan,
dicabut dan dinyatakan tidak berlaku.

Pasal 3
Pada saat Peraturan Contoh ini mulai berlaku, semua peraturan yang merupakan peraturan pelaksanaan dari Peraturan \
Contoh Nomor 1 Tahun 2015 tentang Perjalanan Dinas Lapangan dinyatakan masih tetap berlaku sepanjang tidak \
bertentangan dengan Peraturan Contoh ini.

Pasal 4
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""


def parse(text: str, name: str):
    return parse_regulation([Page(None, text)], name)


def edges(text: str, name: str = "x.md") -> set[tuple]:
    return {(e.kind, e.target, e.pasal, e.detail, e.source_article) for e in parse(text, name).status_edges}


# --- reading the clauses ----------------------------------------------------------------------------------


def test_an_amending_regulation_replaces_inserts_and_deletes_articles():
    doc = parse(AMENDING, "contoh-2022-7.md")
    found = {(e.kind, e.pasal, e.source_article) for e in doc.status_edges}
    assert found == {
        (AMENDED, None, "CONTOH 7/2022 Pasal I"),  # the regulation as a whole
        (AMENDED, "3", "CONTOH 7/2022 Pasal I angka 1"),
        (INSERTED, "3A", "CONTOH 7/2022 Pasal I angka 2"),
        (DELETED, "4", "CONTOH 7/2022 Pasal I angka 3"),
    }
    assert {e.target for e in doc.status_edges} == {"CONTOH 3/2020"}
    replaced = next(e for e in doc.status_edges if e.pasal == "3")
    assert "28 Februari melalui aplikasi pelaporan" in replaced.text
    assert doc.revokes == []  # amending is not revoking


def test_whole_and_partial_revocations_and_implementing_rules_kept():
    assert edges(REVOKING, "contoh-2024-9.md") == {
        (REVOKED, "CONTOH 1/2015", None, None, "CONTOH 9/2024 Pasal 2"),
        (REVOKED_IN_PART, "CONTOH 3/2020", "2", "ayat (2)", "CONTOH 9/2024 Pasal 2"),
        (IMPLEMENTING_KEPT, "CONTOH 1/2015", None, None, "CONTOH 9/2024 Pasal 3"),
    }


def test_an_omnibus_law_that_amended_a_revoked_one_is_not_revoked_with_it():
    text = """PERATURAN PEMERINTAH NOMOR 90 TAHUN 2031 TENTANG UJI
Pasal 1
Pada saat Peraturan Pemerintah ini mulai berlaku, Peraturan Pemerintah Nomor 11 Tahun 2001 tentang Uji Pertama \
sebagaimana telah beberapa kali diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023 tentang Cipta Kerja, \
dicabut dan dinyatakan tidak berlaku.
"""
    assert {(k, t) for k, t, *_ in edges(text)} == {(REVOKED, "PP 11/2001")}


def test_a_clause_whose_head_the_ocr_lost_is_recovered_from_the_amendment_it_names():
    # The words "Peraturan Pemerintah Nomor 19 Tahun 2010 tentang Tata Cara ..." fell out of the scan; the
    # amendment's title still says which regulation it amended.
    text = """PERATURAN PEMERINTAH NOMOR 33 TAHUN 2031 TENTANG UJI
Pasal 10
Keuangan Gubernur sebagai Wakil Pemerintah di Wilayah Provinsi (Lembaran Negara Tahun 2010 Nomor 25) sebagaimana \
telah diubah dengan Peraturan Pemerintah Nomor 23 Tahun 2011 tentang Perubahan atas Peraturan Pemerintah Nomor 19 \
Tahun 2Ol0 tentang Tata Cara Pelaksanaan Tugas (Lembaran Negara Tahun 2011 Nomor 44) dicabut dan dinyatakan \
tidak berlaku.
"""
    assert {(k, t) for k, t, *_ in edges(text)} == {(REVOKED, "PP 23/2011"), (REVOKED, "PP 19/2010")}


def test_a_list_introduced_as_provisions_of_laws_revokes_them_only_in_part():
    text = """UNDANG-UNDANG NOMOR 44 TAHUN 2031 TENTANG UJI
Pasal 9
Pada saat Undang-Undang ini mulai berlaku, ketentuan-ketentuan dalam:
a. Undang-Undang Nomor 12 Tahun 2003 tentang Pemilihan Umum; dan
b. Undang-Undang Nomor 32 Tahun 2004 tentang Pemerintahan Daerah,
yang berkaitan dengan penyelenggara pemilihan umum, dicabut dan dinyatakan tidak berlaku.
"""
    assert {(k, t) for k, t, *_ in edges(text)} == {(REVOKED_IN_PART, "UU 12/2003"), (REVOKED_IN_PART, "UU 32/2004")}


def test_an_unreadable_revocation_clause_is_reported_with_its_text():
    text = """PERATURAN PEMERINTAH NOMOR 5 TAHUN 2031 TENTANG UJI
Pasal 7
Pada saat Peraturan Pemerintah ini mulai berlaku, Peraturan Pemerintah Nomor tentang Uji (Lembaran Negara Tahun \
2009 Nomor 1) dicabut dan dinyatakan tidak berlaku.
"""
    doc = parse(text, "uji.md")
    assert doc.status_edges == []
    assert any("revocation clause without a readable regulation" in w and "Pasal 7" in w for w in doc.warnings)


# --- the store, answers and /status -------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path, db_url):
    """BASE and OLD indexed; the amending and revoking regulations read as status-only sources."""
    indexed, archive = tmp_path / "indexed", tmp_path / "archive"
    indexed.mkdir()
    archive.mkdir()
    (indexed / "contoh-2020-3.md").write_text(BASE, encoding="utf-8")
    (indexed / "contoh-2015-1.md").write_text(OLD, encoding="utf-8")
    (archive / "contoh-2022-7.md").write_text(AMENDING, encoding="utf-8")
    (archive / "contoh-2024-9.md").write_text(REVOKING, encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "data", database_url=db_url, primary_document="CONTOH 3/2020", _env_file=None
    )
    store = KnowledgeStore(settings)
    assert not Pipeline(store).run([indexed]).failed
    return store, settings, archive


def labels(answer) -> list[str]:
    return [r.label for r in answer.citations]


def test_status_only_sources_change_what_answers_say(env):
    store, settings, archive = env
    report = read_status_sources(store, [archive])
    assert (report.read, report.skipped) == (2, [])
    changes = [(c.doc, c.new, c.revoked_by) for c in report.status_changes]
    assert changes == [("CONTOH 1/2015", "dicabut", "CONTOH 9/2024")]
    assistant = Assistant(store, settings)

    # A revoked regulation: the warning names the revoking regulation and its article.
    old = assistant.ask("Pasal 1 CONTOH 1/2015")
    assert old.notices == ["Perhatian: CONTOH 1/2015 sudah dicabut oleh CONTOH 9/2024 Pasal 2 dan tidak berlaku lagi."]

    # An amended article: the wording in force first, citing both; the original one button away.
    amended = assistant.ask("Pasal 3 CONTOH 3/2020")
    assert labels(amended) == [
        "CONTOH 3/2020 Pasal 3 sebagaimana diubah dengan CONTOH 7/2022 Pasal I angka 1",
        "CONTOH 3/2020 Pasal 3",
    ]
    assert amended.answer.index("28 Februari") < amended.answer.index("31 Maret")
    assert "(bunyi sebelum diubah)" in amended.answer
    assert amended.notices == ["Perhatian: CONTOH 3/2020 Pasal 3 telah diubah dengan CONTOH 7/2022 Pasal I angka 1."]
    data = amended.to_json()["citations"]
    assert data[1]["status"] == "diubah" and data[1]["amended_by"] == "CONTOH 7/2022 Pasal I angka 1"

    # A question finds the original text but is answered with the text in force.
    question = assistant.ask("Paling lambat kapan laporan tahunan disampaikan kepada menteri?")
    assert labels(question)[0].startswith("CONTOH 3/2020 Pasal 3 sebagaimana diubah")
    assert "28 Februari" in question.answer

    # An inserted article exists now; a deleted one says so; a revoked ayat says so and the rest stands.
    assert "30 April" in assistant.ask("Pasal 3A CONTOH 3/2020").answer
    deleted = assistant.ask("Pasal 4 CONTOH 3/2020")
    assert deleted.notices == ["Perhatian: CONTOH 3/2020 Pasal 4 sudah dihapus oleh CONTOH 7/2022 Pasal I angka 3."]
    ayat = assistant.ask("Pasal 2 ayat (2) CONTOH 3/2020")
    assert ayat.citations[0].status == "dicabut" and ayat.citations[0].revoked_by == "CONTOH 9/2024 Pasal 2"
    assert assistant.ask("Pasal 2 ayat (1) CONTOH 3/2020").citations[0].status == "berlaku"
    assert store.document_named("CONTOH 3/2020").status == "berlaku"  # in force, as amended


def test_status_command_lists_changes_article_by_article(env):
    store, settings, archive = env
    read_status_sources(store, [archive])
    run = subprocess.run(
        [sys.executable, "-m", "knowledge", "status", "Peraturan Contoh Nomor 3 Tahun 2020", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": settings.db_url,
            "PRIMARY_DOCUMENT": "CONTOH 3/2020",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["doc"], data["status"], data["indexed"]) == ("CONTOH 3/2020", "berlaku", True)
    kinds = {(c["kind"], c["pasal"], c["by_article"]) for c in data["changes"]}
    assert ("disisipkan", "3A", "CONTOH 7/2022 Pasal I angka 2") in kinds
    assert ("dicabut_sebagian", "2", "CONTOH 9/2024 Pasal 2") in kinds
    assert all(c["origin"].endswith((".md",)) and c["clause"] for c in data["changes"])

    report = Assistant(store, settings).regulation_status("CONTOH 1/2015")
    assert report.summary() == "CONTOH 1/2015 sudah dicabut oleh CONTOH 9/2024 Pasal 2."
    kept = "Peraturan pelaksanaannya dinyatakan tetap berlaku (sepanjang tidak bertentangan) oleh CONTOH 9/2024 Pasal 3"
    assert kept + "." in report.lines()


def test_status_only_reading_is_incremental_and_prunes(env):
    store, settings, archive = env
    read_status_sources(store, [archive])
    again = read_status_sources(store, [archive])
    assert (again.read, again.unchanged, again.status_changes) == (0, 2, [])
    (archive / "contoh-2024-9.md").unlink()
    pruned = read_status_sources(store, [archive], prune=True)
    assert pruned.removed == 1
    assert [(c.doc, c.new) for c in pruned.status_changes] == [("CONTOH 1/2015", "berlaku")]


def test_a_revoking_regulation_ingested_after_the_one_it_revokes(env):
    store, settings, _archive = env
    later = env[2].parent / "later"
    later.mkdir()
    (later / "contoh-2024-9.md").write_text(REVOKING, encoding="utf-8")
    report = Pipeline(store).run([later])
    assert [(c.doc, c.new) for c in report.status_changes] == [("CONTOH 1/2015", "dicabut")]
    assistant = Assistant(store, settings)
    assert assistant.ask("Pasal 2 ayat (2) CONTOH 3/2020").citations[0].status == "dicabut"
    # Removing the revoking regulation puts the other back in force.
    Pipeline(store).remove(str((later / "contoh-2024-9.md").resolve()))
    assert [(c.doc, c.new) for c in store.refresh_statuses()] == [("CONTOH 1/2015", "berlaku")]


def test_a_store_from_before_the_status_graph_reads_the_clauses_of_unchanged_documents(env):
    store, settings, _archive = env
    later = env[2].parent / "later"
    later.mkdir()
    (later / "contoh-2024-9.md").write_text(REVOKING, encoding="utf-8")
    Pipeline(store).run([later])
    # As an older release left it: the revoking document indexed, its clauses never stored.
    source = str((later / "contoh-2024-9.md").resolve())
    store.write_document_status(source, [])
    with store.sessions.begin() as session:
        from knowledge.db import DocumentRow

        row = session.query(DocumentRow).filter_by(source=source).one()
        row.info = {k: v for k, v in row.info.items() if k != "status_read"}
    assert Assistant(store, settings).ask("Pasal 2 ayat (2) CONTOH 3/2020").citations[0].status == "berlaku"

    report = Pipeline(store).run([later])
    assert [f.action for f in report.files] == ["unchanged"] and report.files[0].status_read
    assert Assistant(store, settings).ask("Pasal 2 ayat (2) CONTOH 3/2020").citations[0].status == "dicabut"

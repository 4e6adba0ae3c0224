"""Issue 12, the ingest side: a bound on the work one file may cause, symbolic links that lead out of the
ingest folder, and text that is not valid UTF-8 — each as the operator (CLI) and the admin (upload) see it.

Embeddings come from the fake OpenAI-compatible server on loopback (fast, deterministic); the store, the
pipeline, the CLI and the folders are real.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from fakes.openai_server import FakeOpenAI
from test_uploads import kb_settings

from bot.views.upload_report import render_upload
from ingest.__main__ import print_human
from ingest.parsers.status_sources import read_status_sources
from ingest.pipeline import IngestReport, Pipeline
from ingest.uploads import Progress, ingest_upload
from knowledge.config import Settings
from knowledge.index.corpus import Corpus
from knowledge.index.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Asia/Jakarta")

REGULATION = """\
PERATURAN CONTOH
NOMOR 5 TAHUN 2020
TENTANG
PELAPORAN LATIHAN

Pasal 1
Laporan latihan disampaikan setiap triwulan kepada gubernur.

Pasal 2
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""

# A regulation kept outside the ingest folder that revokes the one inside: read, it would change a status.
OUTSIDE_REGULATION = """\
PERATURAN CONTOH
NOMOR 6 TAHUN 2021
TENTANG
PELAPORAN BARU

Pasal 1
Pada saat Peraturan Contoh ini mulai berlaku, Peraturan Contoh Nomor 5 Tahun 2020 tentang Pelaporan Latihan
dicabut dan dinyatakan tidak berlaku.
"""

SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"

GUIDE = """\
# Pedoman Pengisian Formulir

Formulir diisi oleh operator dinas setiap akhir bulan.
"""


def run(settings: Settings, *paths: Path, **options: object) -> IngestReport:
    return Pipeline(KnowledgeStore(settings)).run(list(paths), **options)


def by_name(report: IngestReport) -> dict[str, object]:
    return {Path(f.path).name: f for f in report.files}


def many_sections_docx(sections: int) -> bytes:
    """A plain guideline whose every section is a passage: tiny on disk, a great deal of work to embed."""
    document = docx.Document()
    document.add_heading("Himpunan Catatan Latihan", level=1)
    for number in range(1, sections + 1):
        document.add_heading(f"Topik latihan {number}", level=2)
        document.add_paragraph(f"Uraian singkat topik latihan nomor {number} bagi operator dinas.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def long_definitions(count: int) -> str:
    """A regulation whose Pasal 1 is one long passage: indexed as many windows, each of them embedded."""
    lines = "\n".join(
        f"{n}. Istilah latihan nomor {n} adalah pengertian yang dipakai dalam pelaporan kegiatan daerah."
        for n in range(1, count + 1)
    )
    return REGULATION.replace(
        "Pasal 1\nLaporan latihan disampaikan setiap triwulan kepada gubernur.",
        f"Pasal 1\nDalam Peraturan Contoh ini yang dimaksud dengan:\n{lines}",
    )


# ------------------------------------------------------------------------------------ work per file


def test_a_file_over_the_passage_limit_is_refused_with_its_figures_and_the_batch_goes_on(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "himpunan.docx").write_bytes(many_sections_docx(1200))
    (folder / "contoh-2020-5.md").write_text(REGULATION)
    settings = kb_settings(tmp_path, embeddings, max_passages_per_file=1000)

    report = run(settings, folder)

    refused = by_name(report)["himpunan.docx"]
    assert refused.action == "failed"
    assert "1200 passages, limit 1000 (MAX_PASSAGES_PER_FILE)" in refused.error
    assert "terpecah menjadi 1.200 bagian, batasnya 1.000 bagian per berkas" in refused.pesan
    assert by_name(report)["contoh-2020-5.md"].action == "added"
    # Nothing of the refused file was written: not its document, not one passage, not one vector.
    store = KnowledgeStore(settings)
    assert [d.doc for d in store.documents()] == ["CONTOH 5/2020"]
    records = Corpus.load(store).records
    assert not any("Topik latihan" in r.text for r in records)
    assert store.vectors.all_passage_ids() == {r.id for r in records}


def test_a_file_over_the_unit_limit_is_refused_before_embedding(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "definisi.md").write_text(long_definitions(200))  # three passages, Pasal 1 about 20,000 chars
    settings = kb_settings(tmp_path, embeddings, max_units_per_file=10)

    report = run(settings, folder)

    [refused] = report.failed
    units = int(re.search(r"menghasilkan (\d+) potongan teks untuk diindeks, batasnya 10 potongan", refused.pesan)[1])
    assert units > 10
    assert f"needs {units} embedding units, limit 10 (MAX_UNITS_PER_FILE)" in refused.error
    assert not embeddings.requests  # refused before a single embedding was asked for
    assert KnowledgeStore(settings).documents() == []

    # The same file under the default limits goes in: the limits leave room for real regulations.
    assert not run(kb_settings(tmp_path, embeddings), folder).failed


def test_an_upload_over_the_limit_is_refused_with_its_figures_in_indonesian(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = KnowledgeStore(kb_settings(tmp_path, embeddings, max_passages_per_file=50))

    report = ingest_upload(store, store.settings, many_sections_docx(80), "Himpunan Catatan.docx", Progress())

    assert report.action == "failed"
    assert report.pesan.startswith('Berkas "Himpunan Catatan.docx" terpecah menjadi 80 bagian, batasnya 50 bagian')
    reply = render_upload(report, ZONE)
    assert "tidak dimasukkan" in reply and "80 bagian, batasnya 50" in reply and "MAX_PASSAGES_PER_FILE" in reply
    assert store.documents() == []
    assert not [p for p in store.settings.docs_dir.iterdir()]  # no file kept, not even a temporary one


# ------------------------------------------------------------------------------------ symbolic links


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """An ingest folder holding a regulation, links that lead outside it and links that stay inside."""
    outside = tmp_path / "luar"
    (outside / "arsip").mkdir(parents=True)
    (outside / "passwd").write_text(SECRET)
    (outside / "arsip" / "contoh-2021-6.md").write_text(OUTSIDE_REGULATION)
    folder = tmp_path / "dokumen"
    (folder / ".sumber").mkdir(parents=True)
    (folder / "contoh-2020-5.md").write_text(REGULATION)
    (folder / ".sumber" / "pedoman.md").write_text(GUIDE)
    os.symlink(outside / "passwd", folder / "passwd.txt")
    os.symlink(outside / "arsip", folder / "arsip")
    os.symlink(folder / ".sumber" / "pedoman.md", folder / "pedoman.md")  # inside: fine
    os.symlink("contoh-2020-5.md", folder / "salinan.md")  # inside, the same file again
    return folder


def test_links_leading_outside_the_folder_are_skipped_with_a_warning(
    tmp_path: Path, embeddings: FakeOpenAI, linked: Path
) -> None:
    settings = kb_settings(tmp_path, embeddings)

    report = run(settings, linked)

    files = by_name(report)
    assert {name: f.action for name, f in files.items()} == {
        "arsip": "skipped",
        "contoh-2020-5.md": "added",
        "passwd.txt": "skipped",
        "pedoman.md": "added",
    }
    outside = (tmp_path / "luar").resolve()
    assert files["passwd.txt"].warnings == [f"skipped: symbolic link to {outside / 'passwd'}, outside the folder"]
    assert files["arsip"].warnings == [f"skipped: folder link to {outside / 'arsip'}, outside the folder"]
    assert not report.failed
    store = KnowledgeStore(settings)
    assert sorted(d.doc for d in store.documents()) == ["CONTOH 5/2020", "Pedoman Pengisian Formulir"]
    assert not any("root:x" in r.text for r in Corpus.load(store).records)
    assert [d.status for d in store.documents() if d.doc == "CONTOH 5/2020"] == ["berlaku"]  # arsip not read

    summary = report.summary()
    assert summary["skipped"] == [
        {"path": str(linked / "arsip"), "reason": files["arsip"].warnings[0]},
        {"path": str(linked / "passwd.txt"), "reason": files["passwd.txt"].warnings[0]},
    ]


def test_the_cli_prints_skipped_links_and_lists_them_in_json(
    tmp_path: Path, embeddings: FakeOpenAI, linked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = kb_settings(tmp_path, embeddings)
    env = {
        "DATA_DIR": str(settings.data_dir),
        "EMBEDDING_PROVIDER": "openai",
        "EMBEDDING_BASE_URL": embeddings.base_url,
        "EMBEDDING_API_KEY": "uji",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ingest", str(linked), "--json"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr  # a skipped link is a warning, not a failure
    summary = json.loads(result.stdout)
    assert [Path(s["path"]).name for s in summary["skipped"]] == ["arsip", "passwd.txt"]
    assert all("outside the folder" in s["reason"] for s in summary["skipped"])
    assert summary["added"] == 2 and summary["failed"] == []

    print_human(run(settings, linked))
    printed = capsys.readouterr().out
    assert f"DILEWATI   {linked / 'passwd.txt'}\n           ! Dilewati: tautan simbolik ke" in printed
    assert "0 gagal, 2 dilewati" in printed


def test_status_only_does_not_read_through_links_leading_outside(
    tmp_path: Path, embeddings: FakeOpenAI, linked: Path
) -> None:
    store = KnowledgeStore(kb_settings(tmp_path, embeddings))

    report = read_status_sources(store, [linked])

    skipped = {Path(path).name for path, _ in report.skipped}
    assert {"arsip", "passwd.txt"} <= skipped
    assert report.read == 1  # CONTOH 5/2020 only; the revoking regulation behind the folder link is unread
    assert list(store.status_sources()) == [str((linked / "contoh-2020-5.md").resolve())]


def test_prune_removes_a_document_read_through_a_link_that_now_leads_outside(
    tmp_path: Path, embeddings: FakeOpenAI, linked: Path
) -> None:
    settings = kb_settings(tmp_path, embeddings)
    # Named on the command line, a link is read (the operator chose it): the store now holds the target, as
    # stores ingested before links were checked do.
    assert run(settings, linked / "passwd.txt").count("added") == 1
    outside = str((tmp_path / "luar" / "passwd").resolve())
    assert KnowledgeStore(settings).document_for_source(outside) is not None

    kept = run(settings, linked)
    warnings = by_name(kept)["passwd.txt"].warnings
    assert warnings[1].endswith("was ingested through this link earlier; --prune removes it")
    assert KnowledgeStore(settings).document_for_source(outside) is not None  # not without --prune

    pruned = run(settings, linked, prune=True)

    assert [f.path for f in pruned.files if f.action == "removed"] == [outside]
    store = KnowledgeStore(settings)
    assert store.document_for_source(outside) is None
    assert not any("root:x" in r.text for r in Corpus.load(store).records)
    assert sorted(d.doc for d in store.documents()) == ["CONTOH 5/2020", "Pedoman Pengisian Formulir"]


# ------------------------------------------------------------------------------------ text encodings


def test_a_stray_byte_is_reported_on_the_file_and_in_the_upload_reply(
    tmp_path: Path, embeddings: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dokumen"
    folder.mkdir()
    damaged = GUIDE.replace("operator dinas", "operator \u201cdinas\u201d").encode().replace(b"akhir", b"ak\xffhir")
    (folder / "pedoman.md").write_bytes(damaged)
    settings = kb_settings(tmp_path, embeddings)

    report = run(settings, folder)

    [outcome] = report.files
    assert outcome.action == "added"
    assert outcome.warnings[0] == "text is not valid UTF-8: read as UTF-8 with 1 replaced character (U+FFFD)"
    print_human(report)
    assert "! Teks tidak sepenuhnya UTF-8 yang sah: dibaca sebagai UTF-8; 1 karakter yang rusak diganti" in (
        capsys.readouterr().out
    )
    text = "\n".join(r.text for r in Corpus.load(KnowledgeStore(settings)).records)
    assert "operator \u201cdinas\u201d setiap ak\ufffdhir bulan" in text

    store = KnowledgeStore(kb_settings(tmp_path / "bot", embeddings))
    cp1252 = GUIDE.replace("operator dinas", "operator \u201cdinas\u201d di Pidi\u00eb").encode("cp1252")
    upload = ingest_upload(store, store.settings, cp1252, "pedoman.txt", Progress())
    assert upload.action == "added"
    reply = render_upload(upload, ZONE)
    assert "Teks tidak berenkode UTF-8: dibaca sebagai cp1252 (terdeteksi otomatis)" in reply
    assert "operator \u201cdinas\u201d di Pidi\u00eb" in "\n".join(r.text for r in Corpus.load(store).records)

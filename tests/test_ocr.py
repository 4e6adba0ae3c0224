"""Scanned documents and photos: pages of our own text rendered as images (tests/scanpages.py), read by the real
OCR engine (RapidOCR, offline), parsed, stored and answered; the bot's photo flow through the sandbox.

OCR costs seconds per page, so every page image is read once per test run: the tests share one OCR cache
folder, and the bot test sends the very JPEGs that the scanned-PDF test read.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from bot_harness import Corpus, async_test, bot_env, buttons, offline_settings
from fakes.openai_server import FakeOpenAI
from pdfgen import pdf_bytes
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from scanpages import jpeg, jpeg_pdf, minutes_pages, photo_page, regulation_pages, scanned
from sqlalchemy import select
from test_uploads import kb_settings, make_store

from ingest.pipeline import Pipeline
from ingest.readers.files import ReadError, read_bytes
from ingest.readers.layout import page_lines
from ingest.readers.scan import PageScan, ScanError, ScanOptions, TesseractEngine, TextBox, scan_options
from knowledge.db import FollowUpRow
from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant

MINUTES_DOC = "Notulen Rakortek Pelaporan Dekonsentrasi 7 Maret 2024"


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="module")
def minutes_jpegs() -> list[bytes]:
    return [jpeg(image) for image in scanned(minutes_pages())]


@pytest.fixture(scope="module")
def regulation_jpegs() -> list[bytes]:
    return [jpeg(image) for image in scanned(regulation_pages())]


def followups(store: KnowledgeStore, doc: str) -> dict[str, tuple[list[str], date | None]]:
    with store.sessions() as session:
        rows = session.scalars(select(FollowUpRow).where(FollowUpRow.doc == doc)).all()
        return {row.text: (list(row.units), row.due) for row in rows}


def test_scanned_pdfs_and_a_photo_become_followups_and_cited_articles(
    tmp_path: Path, embeddings: FakeOpenAI, ocr_cache: Path, minutes_jpegs: list[bytes], regulation_jpegs: list[bytes]
) -> None:
    folder = tmp_path / "pindaian"
    folder.mkdir()
    (folder / "notulen-rakortek.pdf").write_bytes(jpeg_pdf(minutes_jpegs))
    (folder / "contoh-5-2024-pindai.pdf").write_bytes(jpeg_pdf(regulation_jpegs))
    (folder / "foto-rekomendasi.jpg").write_bytes(jpeg(scanned([photo_page()])[0]))
    store = KnowledgeStore(kb_settings(tmp_path, embeddings, ocr_cache_dir=ocr_cache))
    pages: list[tuple[int, int]] = []

    report = Pipeline(store, on_page=lambda done, total: pages.append((done, total))).run([folder])

    assert not report.failed, [f.error for f in report.failed]
    assert (2, 2) in pages and (1, 1) in pages  # progress after every scanned page
    assert any("OCR: 2 of 2 pages read from scans" in w for f in report.files for w in f.warnings)

    # The minutes' ruled follow-up table on a tilted, speckled page 2 feeds the follow-up store.
    assert followups(store, MINUTES_DOC) == {
        "Mengaktifkan akun sistem pelaporan untuk seluruh kabupaten/kota": (
            ["Bappeda Provinsi Jawa Tengah"],
            date(2024, 3, 22),
        ),
        "Menyampaikan laporan realisasi triwulan I": (["Bappeda Kabupaten Semarang"], date(2024, 4, 15)),
        "Menyusun panduan pengisian laporan elektronik": (
            ["Biro Pemerintahan Sekretariat Daerah Provinsi Jawa Tengah"],
            date(2024, 4, 30),
        ),
    }
    # The photographed recommendation list: its items, units and deadlines.
    [photo] = [f for f in report.files if f.path.endswith(".jpg")]
    recommendations = followups(store, photo.doc or "")
    assert sorted((units, due) for units, due in recommendations.values()) == [
        (["Bappeda Kabupaten Kendal"], date(2024, 4, 5)),
        (["Inspektorat Provinsi Jawa Tengah"], date(2024, 5, 30)),
    ]

    # The regulation keeps its Pasal/ayat structure and the page each passage is printed on.
    passages = {p.label: p for p in store.live_passages() if p.doc == "CONTOH 5/2024"}
    assert [(label, p.page) for label, p in passages.items()] == [
        ("CONTOH 5/2024 Pasal 1 ayat (1)", 1),
        ("CONTOH 5/2024 Pasal 1 ayat (2)", 1),
        ("CONTOH 5/2024 Pasal 2", 1),
        ("CONTOH 5/2024 Pasal 3 ayat (1)", 2),
        ("CONTOH 5/2024 Pasal 3 ayat (2)", 2),
        ("CONTOH 5/2024 Pasal 3 ayat (3)", 2),
        ("CONTOH 5/2024 Pasal 4", 2),
    ]
    assert "teguran tertulis" in passages["CONTOH 5/2024 Pasal 3 ayat (3)"].text
    assert all(0.8 < (p.ocr_confidence or 0) <= 1 for p in passages.values())

    # Answers cite the page, and say so when the quoted scan was read with less confidence than required.
    question = "Kapan batas waktu menyampaikan laporan realisasi triwulan I Kabupaten Semarang?"
    answer = Assistant(store, store.settings).ask(question)
    cited = answer.citations[0]
    assert cited.doc == MINUTES_DOC and cited.cited_label.endswith(", hal. 2")
    assert not any("hasil pindai" in notice for notice in answer.notices)  # read at ~0.98, above 0.9
    strict = kb_settings(tmp_path, embeddings, ocr_cache_dir=ocr_cache, ocr_notice_below=1.0)
    doubtful = Assistant(KnowledgeStore(strict), strict).ask(question)
    assert any("teks hasil pindai, periksa naskah aslinya" in notice for notice in doubtful.notices)


def test_a_mixed_pdf_keeps_its_text_layer_and_reads_the_scanned_page(
    ocr_cache: Path, regulation_jpegs: list[bytes]
) -> None:
    typed = PdfReader(
        io.BytesIO(
            pdf_bytes(
                [
                    "PERATURAN CONTOH\nNOMOR 5 TAHUN 2024\nTENTANG\nPELAPORAN\n\nPasal 1\n"
                    "Teks halaman pertama dari lapisan teks."
                ]
            )
        )
    )
    scan = PdfReader(io.BytesIO(jpeg_pdf(regulation_jpegs[1:])))
    writer = PdfWriter()
    writer.add_page(typed.pages[0])
    writer.add_page(scan.pages[0])
    out = io.BytesIO()
    writer.write(out)

    raw = read_bytes(out.getvalue(), "campuran.pdf", scan=ScanOptions(cache_dir=ocr_cache))

    first, second = raw.pages
    assert first.text.endswith("Teks halaman pertama dari lapisan teks.") and first.confidence is None
    assert second.scanned and "Pasal 3" in second.text and "teguran tertulis" in second.text
    assert raw.warnings == ["OCR: 1 of 2 pages read from scans, mean confidence " + raw.warnings[0].rsplit(" ", 1)[1]]


def test_scans_over_the_limits_are_refused_with_their_figures(tmp_path: Path, minutes_jpegs: list[bytes]) -> None:
    pdf = jpeg_pdf(minutes_jpegs)
    with pytest.raises(ReadError) as pages:
        read_bytes(pdf, "notulen.pdf", scan=ScanOptions(max_pages=1, cache_dir=None))
    assert pages.value.pesan.startswith('PDF "notulen.pdf" berisi 2 halaman hasil pindaian; batas OCR 1 halaman')
    assert "OCR_MAX_PAGES" in pages.value.pesan

    line = Image.new("L", (700, 90), 255)
    ImageDraw.Draw(line).text((20, 30), "Rapat dibuka pukul 09.00", fill=0)
    with pytest.raises(ReadError) as slow:
        read_bytes(jpeg(line), "foto.jpg", scan=ScanOptions(seconds_per_page=0.01, cache_dir=None))
    assert "batasnya 0,01 detik per halaman (pengaturan OCR_SECONDS_PER_PAGE)" in slow.value.pesan
    assert slow.value.pesan.startswith('Halaman 1 dari "foto.jpg" memerlukan ')

    # OCR switched off (OCR_ENGINE=none): a scan is refused as before, with the reason.
    assert scan_options(offline_settings(tmp_path, ocr_engine="none")) is None
    with pytest.raises(ReadError) as refused:
        read_bytes(pdf, "notulen.pdf", scan=scan_options(offline_settings(tmp_path, ocr_engine="none")))
    assert "hasil pindaian tanpa lapisan teks" in refused.value.pesan


@async_test
async def test_admin_photo_album_is_read_shown_confirmed_and_answerable(
    tmp_path: Path, ocr_cache: Path, minutes_jpegs: list[bytes]
) -> None:
    with FakeOpenAI() as embeddings:
        overrides = {"ocr_cache_dir": ocr_cache, "ocr_notice_below": 1.0}
        store = await asyncio.to_thread(make_store, tmp_path, embeddings, **overrides)
        settings = {"documents_dir": store.settings.docs_dir, "upload_progress_seconds": 0.05, **overrides}
        async with bot_env(Corpus(store, store.settings.data_dir), tmp_path, **settings) as env:
            for data in minutes_jpegs:  # an album: two photos, delivered as two messages
                await env.server.send_photo(env.admin, data, media_group_id="album-1")
            progress, preview = await env.server.wait_for_messages(env.admin, 2, timeout=40)
            shown = env.server.message(env.admin, progress["message_id"]) or {}
            assert "Teks dari 2 foto selesai dibaca" in shown["text"]
            assert "Dikenali sebagai notulen rapat" in preview["text"] and "3 butir tindak lanjut" in preview["text"]
            assert "Bappeda Kabupaten Semarang" in preview["text"] and "Halaman 2" in preview["text"]
            assert buttons(preview) == ["📥 Benar, masukkan", "Batal"]
            assert not store.document_named(MINUTES_DOC)  # nothing is ingested before the admin confirms

            taken, _, report = await env.press(env.admin, preview, 0, expect=3, timeout=40)
            assert "sedang dimasukkan" in taken["text"]
            assert "Dokumen baru ditambahkan" in report["text"] and "Tindak lanjut: 3 baru" in report["text"]
            stored = [p.name for p in store.settings.docs_dir.iterdir() if not p.name.startswith(".")]
            assert len(stored) == 1 and stored[0].startswith("foto-") and stored[0].endswith(".pdf")

            question = "Kapan batas waktu laporan realisasi triwulan I Kabupaten Semarang?"
            [answer] = await env.send(env.member(), question)
            assert "15 April 2024" in answer["text"]
            assert f"{MINUTES_DOC}, bagian Tindak Lanjut butir 2, hal. 2" in answer["text"]
            assert "teks hasil pindai, periksa naskah aslinya" in answer["text"]


def test_tesseract_without_the_system_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ScanError) as missing:
        TesseractEngine()
    assert "apt-get install tesseract-ocr tesseract-ocr-ind" in missing.value.message
    assert "apt-get install tesseract-ocr tesseract-ocr-ind" in missing.value.pesan


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="optional engine: tesseract-ocr is not installed")
def test_tesseract_engine_reads_a_tilted_page_into_the_same_layout(
    tmp_path: Path, regulation_jpegs: list[bytes]
) -> None:
    raw = read_bytes(regulation_jpegs[1], "pasal-3.jpg", scan=ScanOptions(engine="tesseract", cache_dir=tmp_path))

    lines = raw.pages[0].text.splitlines()
    assert lines[0] == "Pasal 3" and "Pasal 4" in lines
    assert any(line.startswith("(3) Gubernur yang tidak menyampaikan laporan") for line in lines)


def test_a_photo_taken_upside_down_or_sideways_is_read_the_right_way_up(ocr_cache: Path) -> None:
    page = scanned([photo_page()])[0].crop((0, 60, 1240, 520))  # the title and the first recommendation
    for turn in (180, 90):
        raw = read_bytes(jpeg(page.rotate(turn, expand=True)), "foto.jpg", scan=ScanOptions(cache_dir=ocr_cache))

        lines = raw.pages[0].text.splitlines()
        assert lines[0] == "REKOMENDASI RAPAT EVALUASI PELAPORAN", turn
        assert "Bappeda Kabupaten Kendal agar melengkapi" in raw.pages[0].text, turn


def box(text: str, x0: float, y0: float, x1: float, height: float = 30) -> TextBox:
    return TextBox(text, 0.95, x0, y0, x1, y0 + height)


def test_layout_reads_label_colon_value_lines_and_joins_wrapped_table_cells() -> None:
    page = PageScan(
        [
            box(": Kamis, 7 Maret 2024", 400, 102, 700),  # a little lower than its label: still the same line
            box("Hari/Tanggal", 100, 100, 300),
            box("No", 100, 200, 140),
            box("Tindak Lanjut", 200, 200, 420),
            box("PIC", 700, 200, 760),
            box("Batas Waktu", 900, 200, 1080),
            box("1", 100, 250, 120),
            box("Menyusun laporan realisasi", 200, 250, 600),
            box("Bappeda Kab. Kendal", 700, 250, 880),
            box("5 April 2024", 900, 250, 1060),
            box("anggaran tahun 2023", 200, 290, 500),  # the second line of the cell above
            box("2", 100, 340, 120),
            box("Memverifikasi data", 200, 340, 480),
            box("Inspektorat", 700, 340, 850),
            box("30 Mei 2024", 900, 340, 1050),
            box("Demikian notulen ini dibuat untuk dilaksanakan sebagaimana mestinya.", 100, 420, 1100),
        ],
        1240,
        1754,
    )

    assert [line.text for line in page_lines(page)] == [
        "Hari/Tanggal: Kamis, 7 Maret 2024",
        "",
        "| No | Tindak Lanjut | PIC | Batas Waktu |",
        "| --- | --- | --- | --- |",
        "| 1 | Menyusun laporan realisasi anggaran tahun 2023 | Bappeda Kab. Kendal | 5 April 2024 |",
        "| 2 | Memverifikasi data | Inspektorat | 30 Mei 2024 |",
        "",
        "Demikian notulen ini dibuat untuk dilaksanakan sebagaimana mestinya.",
    ]

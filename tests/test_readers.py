"""Readers: each format read the way a user expects, and every bad file refused with a clear message."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pdfgen import make_pdf, pdf_bytes
from pypdf import PdfWriter

from ingest.readers.files import (
    SUPPORTED_EXTENSIONS,
    ReadError,
    detect_kind,
    read_bytes,
    read_file,
)

MIB = 1024 * 1024


def refused(data: bytes, filename: str, **limits: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, filename, **limits)
    return caught.value


def encrypted_pdf(user_password: str, owner_password: str | None = None, algorithm: str = "RC4-128") -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(["Pasal 1 rahasia negara"])))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def simple_docx(text: str = "Isi dokumen") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    return docx_bytes(document)


def zip_with(members: dict[str, bytes | int]) -> bytes:
    """A ZIP whose int-valued members are that many zero bytes (streamed, so tests stay light)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(content // MIB):
                    member.write(bytes(MIB))
    return out.getvalue()


DOCX_SKELETON = {
    "[Content_Types].xml": b"<Types/>",
    "word/document.xml": b"<w:document/>",
}


# ----------------------------------------------------------------------------- PDF


def test_pdf_keeps_page_numbers_and_text(tmp_path: Path) -> None:
    path = make_pdf(
        ["PERATURAN PEMERINTAH\nNomor 19 Tahun 2022", "", "Pasal 7 ayat (5) \\ huruf b"], tmp_path / "pp.pdf"
    )

    raw = read_file(path)

    assert raw.kind == "pdf"
    assert [page.number for page in raw.pages] == [1, 2, 3]
    assert raw.pages[0].text == "PERATURAN PEMERINTAH\nNomor 19 Tahun 2022"
    assert raw.pages[1].text == ""
    assert raw.pages[2].text == "Pasal 7 ayat (5) \\ huruf b"
    assert raw.path == path


def test_pdf_named_docx_is_read_as_pdf(tmp_path: Path) -> None:
    path = make_pdf(["Notulen rapat koordinasi"], tmp_path / "notulen.docx")

    raw = read_file(path)

    assert raw.kind == "pdf"
    assert raw.text == "Notulen rapat koordinasi"


def test_password_protected_pdf_is_refused() -> None:
    error = refused(encrypted_pdf("rahasia"), "terkunci.pdf")

    assert error.pesan == 'Berkas PDF "terkunci.pdf" dilindungi kata sandi; kirim versi tanpa kata sandi.'
    assert "password" in error.message


def test_pdf_with_only_an_owner_password_is_read() -> None:
    raw = read_bytes(encrypted_pdf("", owner_password="pemilik"), "dibatasi.pdf")

    assert raw.pages[0].text == "Pasal 1 rahasia negara"


def test_copy_protected_aes_pdf_is_read() -> None:
    # JDIH downloads are often AES-encrypted with only an owner password, to block copying.
    raw = read_bytes(encrypted_pdf("", owner_password="pemilik", algorithm="AES-256"), "dibatasi-aes.pdf")

    assert raw.pages[0].text == "Pasal 1 rahasia negara"


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.9])
def test_truncated_pdf_is_refused_as_corrupt(cut: float) -> None:
    data = pdf_bytes(["Pasal 1", "Pasal 2", "Pasal 3"])

    error = refused(data[: int(len(data) * cut)], "potong.pdf")

    assert error.pesan.startswith('Berkas PDF "potong.pdf" rusak atau tidak lengkap')


def test_pdf_header_with_garbage_body_is_refused_as_corrupt() -> None:
    error = refused(b"%PDF-1.7\n" + bytes(range(256)) * 20, "sampah.pdf")

    assert "rusak" in error.pesan


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_pdf_with_broken_xref_is_read_and_pypdf_noise_stays_at_debug() -> None:
    data = pdf_bytes(["Pasal 1", "Pasal 2"])
    broken = re.sub(rb"startxref\n(\d+)", lambda m: b"startxref\n%d" % (int(m.group(1)) - 30), data)
    # What the application's own log setup (handlers on the root logger) would see.
    root, seen = logging.getLogger(), _Collect()
    old_level = root.level
    root.addHandler(seen)
    root.setLevel(logging.DEBUG)
    try:
        raw = read_bytes(broken, "xref.pdf")
    finally:
        root.removeHandler(seen)
        root.setLevel(old_level)

    assert [page.text for page in raw.pages] == ["Pasal 1", "Pasal 2"]
    assert not [r for r in seen.records if r.levelno >= logging.WARNING]
    assert any("startxref" in r.getMessage() for r in seen.records if r.levelno == logging.DEBUG)


def test_scanned_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    path = make_pdf(["", "", ""], tmp_path / "pindaian.pdf")

    with pytest.raises(ReadError) as caught:
        read_file(path)

    assert caught.value.pesan == (
        'PDF "pindaian.pdf" adalah hasil pindaian tanpa lapisan teks; jalankan OCR terlebih dahulu.'
    )
    assert "OCR" in caught.value.message


def test_pdf_over_page_limit_is_refused(tmp_path: Path) -> None:
    path = make_pdf(["satu", "dua", "tiga"], tmp_path / "tebal.pdf")

    with pytest.raises(ReadError) as caught:
        read_file(path, max_pages=2)

    assert caught.value.pesan == 'PDF "tebal.pdf" berisi 3 halaman; batasnya 2 halaman.'
    assert len(read_file(path, max_pages=3).pages) == 3


# ----------------------------------------------------------------------------- DOCX


def test_docx_keeps_body_order_headings_lists_and_tables() -> None:
    document = docx.Document()
    document.add_heading("Notulen Rapat", 0)
    document.add_heading("Pembukaan", 1)
    document.add_paragraph("Rapat dibuka pukul 09.00.")
    document.add_paragraph("Membaca doa", style="List Number")
    document.add_paragraph("Sambutan ketua", style="List Number")
    document.add_paragraph("Peserta lengkap", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    for col, header in enumerate(["Unit", "Rekomendasi", "Status"]):
        table.cell(0, col).text = header
    table.cell(1, 0).text = "Biro Umum | Keuangan"
    table.cell(1, 1).text = "Lengkapi laporan\ntriwulan"
    table.cell(1, 2).text = "Selesai"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Seluruh unit"
    table.cell(2, 2).text = "Proses"
    document.add_paragraph("Rapat ditutup.")
    document.styles.add_style("Judul 2", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Tindak Lanjut", style="Judul 2")

    raw = read_bytes(docx_bytes(document), "notulen.docx")

    assert raw.kind == "docx"
    assert [page.number for page in raw.pages] == [None]
    assert raw.text.splitlines() == [
        "# Notulen Rapat",
        "# Pembukaan",
        "Rapat dibuka pukul 09.00.",
        "1. Membaca doa",
        "2. Sambutan ketua",
        "- Peserta lengkap",
        "",
        "| Unit | Rekomendasi | Status |",
        "| --- | --- | --- |",
        "| Biro Umum \\| Keuangan | Lengkapi laporan triwulan | Selesai |",
        "| Seluruh unit |  | Proses |",
        "",
        "Rapat ditutup.",
        "## Tindak Lanjut",
    ]


def test_docx_heading_levels() -> None:
    document = docx.Document()
    for level in (1, 2, 3):
        document.add_heading(f"Tingkat {level}", level)

    raw = read_bytes(docx_bytes(document), "judul.docx")

    assert raw.text.splitlines() == ["# Tingkat 1", "## Tingkat 2", "### Tingkat 3"]


def test_docx_list_numbers_follow_the_numbering_definition() -> None:
    # Regulations number ayat as "(1)" and huruf as "a."; losing those breaks citations.
    document = docx.Document()
    document.part.numbering_part.element.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%1)"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2."/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    document.part.numbering_part.element.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    document.add_paragraph("Pasal 7")
    for text, level in [
        ("Ayat satu.", 0),
        ("Ayat dua meliputi:", 0),
        ("huruf a;", 1),
        ("huruf b.", 1),
        ("Ayat tiga.", 0),
    ]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    raw = read_bytes(docx_bytes(document), "pasal.docx")

    assert raw.text.splitlines() == [
        "Pasal 7",
        "(1) Ayat satu.",
        "(2) Ayat dua meliputi:",
        "  a. huruf a;",
        "  b. huruf b.",
        "(3) Ayat tiga.",
    ]


def test_docx_named_pdf_is_read_as_docx() -> None:
    raw = read_bytes(simple_docx("Surat edaran"), "surat.pdf")

    assert raw.kind == "docx"
    assert raw.text == "Surat edaran"


def test_docx_zip_bomb_is_refused_before_opening() -> None:
    bomb = zip_with({**DOCX_SKELETON, "word/media/image1.png": 60 * MIB})
    assert len(bomb) < MIB  # small on the wire, huge when opened

    error = refused(bomb, "bom.docx")

    assert error.pesan == (
        'Berkas DOCX "bom.docx" tidak wajar (isinya membengkak saat dibuka) dan ditolak demi keamanan.'
    )
    assert "zip bomb" in error.message


def test_docx_with_an_absurdly_compressed_member_is_refused() -> None:
    # Under the total limit, but a 5 MB member squeezed ~1000x is no real document part.
    error = refused(zip_with({**DOCX_SKELETON, "word/document2.xml": 5 * MIB}), "rasio.docx")

    assert "ditolak demi keamanan" in error.pesan


def test_broken_docx_zip_is_refused_as_corrupt() -> None:
    data = simple_docx()

    error = refused(data[: len(data) // 2], "rusak.docx")

    assert error.pesan.startswith('Berkas DOCX "rusak.docx" rusak atau tidak lengkap')


def test_docx_with_unreadable_document_xml_is_refused_as_corrupt() -> None:
    error = refused(zip_with({**DOCX_SKELETON, "word/document.xml": b"<not xml"}), "aneh.docx")

    assert "rusak" in error.pesan


def test_legacy_word_doc_is_refused() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    error = refused(ole, "lama.doc")

    assert error.message.startswith("unsupported file type")
    assert error.pesan == (
        'Jenis berkas "lama.doc" tidak didukung (dokumen Word/Office lama (.doc); '
        "simpan ulang sebagai DOCX atau PDF). Kirim PDF, DOCX, MD, atau TXT."
    )


def test_other_zip_files_are_unsupported() -> None:
    xlsx = zip_with({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})

    assert "lembar kerja Excel" in refused(xlsx, "anggaran.docx").pesan
    assert "arsip ZIP" in refused(zip_with({"a.txt": b"isi"}), "arsip.zip").pesan


# ----------------------------------------------------------------------------- Markdown and text


def test_markdown_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "panduan.md"
    path.write_text("Panduan singkat\r\n\r\n* langkah satu\r\n", encoding="utf-8")

    raw = read_file(path)

    assert raw.kind == "md"
    assert raw.pages[0].number is None
    assert raw.text == "Panduan singkat\n\n* langkah satu"


def test_markdown_or_text_by_content_when_extension_says_nothing() -> None:
    assert detect_kind(b"# Rekomendasi\n\nIsi", "catatan") == "md"
    assert detect_kind(b"| a | b |\n|---|---|\n| 1 | 2 |\n", "tabel.txt") == "md"
    assert detect_kind(b"Catatan biasa.\n#tagar bukan judul", "catatan.txt") == "txt"


def test_utf8_text_with_bom() -> None:
    raw = read_bytes("\ufeffDaftar hadir: Bapak Ané\n".encode(), "hadir.txt")

    assert raw.kind == "txt"
    assert raw.text == "Daftar hadir: Bapak Ané"


def test_cp1252_text_is_decoded() -> None:
    text = "Anggaran Rp 5.000 \u2013 \u201cdekonsentrasi\u201d di Kabupaten Pidië\r\n"

    raw = read_bytes(text.encode("cp1252"), "lama.txt")

    assert raw.text == "Anggaran Rp 5.000 \u2013 \u201cdekonsentrasi\u201d di Kabupaten Pidië"
    assert raw.warnings == ["text is not UTF-8: read as cp1252 (detected), 0 replaced characters"]


def test_latin1_text_is_detected_and_reported() -> None:
    # charset-normalizer ranks cp1250 first for these bytes, which would read "naďve" and "Seńor".
    text = "Rapat koordinasi yang naïve di Pidië; catatan dari Bapak Müller, Café Señor.\n"

    raw = read_bytes(text.encode("latin-1"), "catatan.txt")

    assert raw.text == text.strip()
    assert raw.warnings == ["text is not UTF-8: read as cp1252 (detected), 0 replaced characters"]


def test_utf8_with_one_stray_byte_stays_utf8_with_one_replaced_character() -> None:
    data = "Yang dimaksud dengan \u201cdekonsentrasi\u201d adalah pelimpahan \u2026 wewenang.\n".encode()
    data = data.replace(b"pelimpahan", b"pelimpahan\xff")

    raw = read_bytes(data, "definisi.txt")

    assert raw.text == "Yang dimaksud dengan \u201cdekonsentrasi\u201d adalah pelimpahan\ufffd \u2026 wewenang."
    assert raw.warnings == ["text is not valid UTF-8: read as UTF-8 with 1 replaced character (U+FFFD)"]


def test_valid_utf8_reads_without_a_warning() -> None:
    raw = read_bytes("Kutipan \u201cresmi\u201d dengan tanda \ufffd yang memang ada.\n".encode(), "a.txt")

    assert raw.warnings == []


def test_utf16_text_with_bom_is_decoded() -> None:
    raw = read_bytes("Notepad menyimpan ini sebagai Unicode".encode("utf-16"), "catatan.txt")

    assert raw.text == "Notepad menyimpan ini sebagai Unicode"


def test_text_is_normalised_lightly() -> None:
    data = "Pasal\u00a07\x07 caf\u0065\u0301\r\nayat\u200b (1)\rbaris\tdengan tab".encode()

    raw = read_bytes(data, "norma.txt")

    assert raw.text == "Pasal 7 caf\u00e9\nayat (1)\nbaris\tdengan tab"


# ----------------------------------------------------------------------------- detection and limits


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == frozenset(
        {".pdf", ".docx", ".md", ".markdown", ".txt", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
    )


def test_detection_is_by_content() -> None:
    assert detect_kind(pdf_bytes(["x"]), "a.txt") == "pdf"
    assert detect_kind(simple_docx(), "a.pdf") == "docx"
    assert detect_kind(b"teks biasa", "a.docx") == "txt"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "gambar PNG"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "gambar JPEG"),
        (b"GIF89a" + bytes(100), "gambar GIF"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "program"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "program"),
        (b"{\\rtf1\\ansi Halo}", "dokumen RTF"),
    ],
)
def test_unsupported_content_is_refused_whatever_the_name(data: bytes, what: str) -> None:
    error = refused(data, "dokumen.pdf")

    assert error.message.startswith("unsupported file type")
    assert what in error.pesan
    assert error.pesan.startswith('Jenis berkas "dokumen.pdf" tidak didukung')
    with pytest.raises(ReadError):
        detect_kind(data, "dokumen.pdf")


@pytest.mark.parametrize(
    "data", [b"teks\x00dengan NUL", bytes(range(128, 256)) * 40 + bytes(range(1, 32)) * 4], ids=["nul", "noise"]
)
def test_binary_data_named_pdf_is_a_damaged_pdf_not_an_unsupported_type(data: bytes) -> None:
    damaged = refused(data, "dokumen.pdf")
    assert damaged.pesan.startswith('Berkas PDF "dokumen.pdf" rusak atau tidak lengkap')
    assert "tidak didukung" not in damaged.pesan
    other = refused(data, "dokumen.bin")  # under any other name it is still what it is: binary data
    assert other.pesan.startswith('Jenis berkas "dokumen.bin" tidak didukung (data biner)')


def test_png_named_pdf_gives_the_user_the_supported_list() -> None:
    error = refused(b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.pdf")

    assert error.pesan == ('Jenis berkas "scan.pdf" tidak didukung (gambar PNG). Kirim PDF, DOCX, MD, atau TXT.')


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n  ", "\ufeff\n".encode()])
def test_empty_files_are_refused(data: bytes) -> None:
    assert refused(data, "kosong.txt").pesan == 'Berkas "kosong.txt" kosong.'


def test_empty_file_on_disk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kosong.md"
    path.write_bytes(b"")

    with pytest.raises(ReadError) as caught:
        read_file(path)

    assert caught.value.message.startswith("empty")


def test_too_big_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "besar.pdf"
    with path.open("wb") as handle:  # sparse: refusing it must not need reading 25 MB
        handle.truncate(int(25.3 * MIB))

    with pytest.raises(ReadError) as caught:
        read_file(path, max_bytes=20 * MIB)

    assert caught.value.pesan == 'Berkas "besar.pdf" terlalu besar (25,3 MB); batasnya 20 MB.'


def test_too_big_upload_is_refused() -> None:
    error = refused(b"x" * 3000, "unggahan.txt", max_bytes=2048)

    assert error.pesan == 'Berkas "unggahan.txt" terlalu besar (2,9 KB); batasnya 2 KB.'
    assert read_bytes(b"x" * 2048, "pas.txt", max_bytes=2048).text == "x" * 2048


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as caught:
        read_file(tmp_path / "hilang.pdf")

    assert caught.value.pesan == 'Berkas "hilang.pdf" tidak ditemukan.'

from datetime import date
from pathlib import Path

import docx
import pytest

from ingest.parsers.minutes import MAX_PASSAGE_CHARS, looks_like_minutes, parse_minutes
from ingest.readers.files import Page, read_file
from knowledge.model import NOTULEN, REKOMENDASI, Document, FollowUp

FIXTURES = Path(__file__).parent / "fixtures" / "notulen"
SAMPLE = Path(__file__).parent.parent / "sample" / "notulen"


def parse_text(text: str, source: str = "rapat.txt") -> Document:
    return parse_minutes([Page(None, text)], source, "hash")


def parse_path(path: Path) -> Document:
    raw = read_file(path)
    return parse_minutes(raw.pages, str(path), "hash")


def by_label(document: Document) -> dict[str, FollowUp]:
    return {f"{f.section} {f.item}": f for f in document.followups}


def warnings_about(document: Document, label_part: str) -> list[str]:
    return [w for w in document.warnings if label_part in w]


# ---- DOCX with a follow-up table --------------------------------------------------------------


def write_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("NOTULEN RAPAT KOORDINASI DEKONSENTRASI DAN TUGAS PEMBANTUAN", level=1)
    document.add_paragraph("Hari/Tanggal: Selasa, 6 Februari 2024")
    document.add_paragraph("Tempat: Hotel Asmira, Bandung")
    document.add_paragraph("Pimpinan Rapat: Direktur Pembinaan Pemerintahan Daerah")
    document.add_paragraph("Peserta:")
    for participant in ("Bappeda Prov. Jabar", "Biro Pemerintahan Setda Prov. Jabar"):
        document.add_paragraph(participant, style="List Bullet")
    document.add_heading("Pembahasan", level=2)
    document.add_paragraph("Peserta membahas pelaporan pelaksanaan Dekonsentrasi melalui sistem elektronik.")
    document.add_heading("Tindak Lanjut", level=2)
    rows = [
        ("No", "Rekomendasi", "Penanggung Jawab", "Batas Waktu", "Status"),
        ("1", "Menyusun laporan triwulanan", "Bappeda Prov. Jabar", "akhir Triwulan I 2024", "Berjalan"),
        ("2", "Mengirim notulen kepada peserta", "Sekretariat Rakor (Sdr. Budi Santoso)", "minggu depan", "Selesai"),
        ("3", "Menyusun evaluasi bersama", "Kemendagri dan Kemenkeu", "Segera", "Dibatalkan"),
        ("4", "Menyiapkan rapat lanjutan\ndi Jakarta", "", "15/04/2024", "Terlambat"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(path)
    return path


@pytest.fixture
def docx_minutes(tmp_path: Path) -> Document:
    return parse_path(write_docx(tmp_path / "notulen-rakor.docx"))


def test_docx_meeting_metadata(docx_minutes: Document) -> None:
    assert docx_minutes.doc == "Notulen Rakor Dekonsentrasi 6 Februari 2024"
    assert docx_minutes.title == "Notulen Rapat Koordinasi Dekonsentrasi dan Tugas Pembantuan"
    assert docx_minutes.doc_type == NOTULEN
    meeting = docx_minutes.meeting
    assert meeting is not None
    assert meeting.date == date(2024, 2, 6)
    assert meeting.place == "Hotel Asmira, Bandung"
    assert meeting.chair == "Direktur Pembinaan Pemerintahan Daerah"
    assert meeting.participants == ["Bappeda Prov. Jabar", "Biro Pemerintahan Setda Prov. Jabar"]


def test_docx_table_rows_become_follow_ups(docx_minutes: Document) -> None:
    items = by_label(docx_minutes)
    assert list(items) == ["Tindak Lanjut 1", "Tindak Lanjut 2", "Tindak Lanjut 3", "Tindak Lanjut 4"]

    first = items["Tindak Lanjut 1"]
    assert first.text == "Menyusun laporan triwulanan"
    assert first.units == ["Bappeda Provinsi Jawa Barat"]
    assert (first.due, first.due_text, first.status) == (date(2024, 3, 31), "akhir Triwulan I 2024", "berjalan")
    assert first.passage_label == "Notulen Rakor Dekonsentrasi 6 Februari 2024, bagian Tindak Lanjut butir 1"

    second = items["Tindak Lanjut 2"]
    assert second.units == ["Sekretariat Rakor"]
    assert second.officials == ["Budi Santoso"]
    assert (second.due, second.status) == (date(2024, 2, 13), "selesai")

    third = items["Tindak Lanjut 3"]
    assert third.units == ["Kementerian Dalam Negeri", "Kementerian Keuangan"]
    assert (third.due, third.due_text, third.status) == (None, "Segera", "dibatalkan")

    fourth = items["Tindak Lanjut 4"]
    assert fourth.text == "Menyiapkan rapat lanjutan di Jakarta"
    assert (fourth.units, fourth.due, fourth.status) == ([], date(2024, 4, 15), "terlambat")


def test_docx_problems_are_warned_not_dropped(docx_minutes: Document) -> None:
    assert warnings_about(docx_minutes, "butir 3: no deadline")
    assert warnings_about(docx_minutes, "butir 4: no responsible unit")
    assert len(docx_minutes.warnings) == 2


def test_docx_passages_are_citable(docx_minutes: Document) -> None:
    labels = [p.label for p in docx_minutes.passages]
    assert "Notulen Rakor Dekonsentrasi 6 Februari 2024, bagian Pembahasan" in labels
    row = next(p for p in docx_minutes.passages if p.item == "2")
    assert row.section == "Tindak Lanjut"
    assert "Sekretariat Rakor (Sdr. Budi Santoso)" in row.text
    assert "minggu depan" in row.text
    assert {p.doc for p in docx_minutes.passages} == {docx_minutes.doc}
    assert {f.passage_label for f in docx_minutes.followups} <= set(labels)


# ---- key–value tables ---------------------------------------------------------------------------

IDENTITY = [
    ("Hari/Tanggal", "Kamis, 14 Maret 2024"),
    ("Waktu", "09.00 – 12.30 WIB"),
    ("Tempat", "Aula Kantor Gubernur, Mataram"),
    ("Pimpinan Rapat", "Kepala Biro Pemerintahan Setda Prov. NTB"),
    ("Notulis", "Subbagian Tata Usaha"),
]
IDENTITY_LINES = "\n".join(f"{key}: {value}" for key, value in IDENTITY)


def add_table(document: docx.document.Document, rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def write_identity_docx(path: Path, header: tuple[str, str] | None) -> Path:
    """Minutes opening with a Word key–value table, as offices write them: often with no header row."""
    document = docx.Document()
    document.add_paragraph("NOTULEN RAPAT KOORDINASI PELAPORAN TUGAS PEMBANTUAN")
    add_table(document, ([header] if header else []) + IDENTITY)
    document.add_heading("Pembahasan", level=2)
    document.add_paragraph("Peserta membahas keterlambatan laporan triwulan.")
    document.add_heading("Tindak Lanjut", level=2)
    add_table(
        document,
        [
            ("No", "Tindak Lanjut", "Penanggung Jawab", "Batas Waktu"),
            ("1", "Menyusun rekap laporan triwulan", "Bappeda Prov. NTB", "31 Mei 2024"),
        ],
    )
    document.save(path)
    return path


def header_passage(document: Document) -> str:
    return next(p for p in document.passages if p.section is None).text


@pytest.mark.parametrize("header", [None, ("", "")], ids=["no-header-row", "empty-header-row"])
def test_docx_key_value_table_is_quoted_as_key_value_lines(tmp_path: Path, header: tuple[str, str] | None) -> None:
    document = parse_path(write_identity_docx(tmp_path / "notulen.docx", header))

    assert header_passage(document) == f"NOTULEN RAPAT KOORDINASI PELAPORAN TUGAS PEMBANTUAN\n\n{IDENTITY_LINES}"
    full_text = next(p for p in document.passages if p.section is None).parent_text
    assert IDENTITY_LINES in full_text and "|" not in full_text
    meeting = document.meeting
    assert meeting is not None
    assert (meeting.date, meeting.place) == (date(2024, 3, 14), "Aula Kantor Gubernur, Mataram")
    assert meeting.chair == "Kepala Biro Pemerintahan Setda Prov. NTB"
    assert [(f.item, f.text, f.units, f.due) for f in document.followups] == [
        ("1", "Menyusun rekap laporan triwulan", ["Bappeda Provinsi Nusa Tenggara Barat"], date(2024, 5, 31))
    ]
    assert document.warnings == []


def test_markdown_key_value_table_with_a_generic_header() -> None:
    document = parse_text(
        "# Notulen Rapat Evaluasi Pelaporan Dekonsentrasi\n\n"
        "| Keterangan | Isi |\n|---|---|\n"
        "| Hari/Tanggal | Rabu, 10 April 2024 |\n"
        "| Tempat | Ruang Rapat Bappeda Prov. Jateng, Semarang |\n"
        "| Penyelenggara | Subdirektorat Dekonsentrasi |\n"
        "| Pimpinan Rapat | Kepala Bappeda Prov. Jateng |\n\n"
        "## Tindak Lanjut\n\n"
        "| No | Tindak Lanjut | PIC | Batas Waktu |\n|---|---|---|---|\n"
        "| 1 | Mengirim rekap realisasi | Bappeda Prov. Jateng | 30 April 2024 |\n",
        "notulen-evaluasi.md",
    )
    # The header row is not data, and the row that is no meeting metadata stays in its place.
    assert header_passage(document) == (
        "Notulen Rapat Evaluasi Pelaporan Dekonsentrasi\n\n"
        "Hari/Tanggal: Rabu, 10 April 2024\n"
        "Tempat: Ruang Rapat Bappeda Prov. Jateng, Semarang\n"
        "Penyelenggara: Subdirektorat Dekonsentrasi\n"
        "Pimpinan Rapat: Kepala Bappeda Prov. Jateng"
    )
    assert not any("Keterangan" in p.text for p in document.passages)
    meeting = document.meeting
    assert meeting is not None
    assert (meeting.date, meeting.place) == (date(2024, 4, 10), "Ruang Rapat Bappeda Prov. Jateng, Semarang")
    assert meeting.chair == "Kepala Bappeda Prov. Jateng"
    assert [(f.item, f.units, f.due) for f in document.followups] == [
        ("1", ["Bappeda Provinsi Jawa Tengah"], date(2024, 4, 30))
    ]


def test_key_value_cells_keep_their_line_breaks_and_layout_columns() -> None:
    document = parse_text(
        "Notulen Rapat Pembahasan Pedoman Pelaporan\n\n"
        "| Hari/Tanggal | : | Senin, 6 Mei 2024 |\n|---|---|---|\n"
        "| Tempat | : | Ruang Rapat Lantai 2<br>Kantor Bappeda Prov. Sulsel, Makassar |\n"
        "| Peserta | : | 1. Bappeda Prov. Sulsel<br>2. Biro Pemerintahan Setda Prov. Sulsel |\n"
    )
    assert header_passage(document) == (
        "Notulen Rapat Pembahasan Pedoman Pelaporan\n\n"
        "Hari/Tanggal: Senin, 6 Mei 2024\n"
        "Tempat: Ruang Rapat Lantai 2\n"
        "  Kantor Bappeda Prov. Sulsel, Makassar\n"
        "Peserta: 1. Bappeda Prov. Sulsel\n"
        "  2. Biro Pemerintahan Setda Prov. Sulsel"
    )
    meeting = document.meeting
    assert meeting is not None
    assert meeting.date == date(2024, 5, 6)
    assert meeting.place == "Ruang Rapat Lantai 2, Kantor Bappeda Prov. Sulsel, Makassar"
    assert meeting.participants == ["Bappeda Prov. Sulsel", "Biro Pemerintahan Setda Prov. Sulsel"]


def test_two_column_tables_of_other_kinds_keep_their_columns() -> None:
    document = parse_text(
        "# Notulen Rapat Koordinasi Pelaporan\nTanggal: 6 Februari 2024\n\n## Pembahasan\n\n"
        "| Nama | Jabatan |\n|---|---|\n| Budi Santoso | Kepala Bidang Pemerintahan |\n\n"
        "| Tanggal | Kegiatan |\n|---|---|\n| Senin, 12 Februari 2024 | Rapat persiapan |\n"
    )
    passage = next(p for p in document.passages if p.section == "Pembahasan")
    assert passage.text == (
        "Nama: Budi Santoso; Jabatan: Kepala Bidang Pemerintahan\n\n"
        "Tanggal: Senin, 12 Februari 2024; Kegiatan: Rapat persiapan"
    )


# ---- Markdown numbered list ---------------------------------------------------------------------


@pytest.fixture
def markdown_minutes() -> Document:
    return parse_path(FIXTURES / "notulen-rakortek-pelaporan.md")


def test_markdown_metadata_and_name(markdown_minutes: Document) -> None:
    assert markdown_minutes.doc == "Notulen Rakortek Pelaporan Dekonsentrasi 14 Maret 2024"
    assert markdown_minutes.title == "Notulen Rapat Koordinasi Teknis Pelaporan Dekonsentrasi"
    meeting = markdown_minutes.meeting
    assert meeting is not None
    assert meeting.date == date(2024, 3, 14)
    assert meeting.chair == "Kepala Subdirektorat Dekonsentrasi"
    assert meeting.participants == ["Bappeda Prov. Jateng", "Bappeda Prov. Sulsel", "Biro Pemerintahan Setda Prov. NTB"]


def test_markdown_list_items(markdown_minutes: Document) -> None:
    items = by_label(markdown_minutes)
    assert list(items) == ["Rekomendasi 1", "Rekomendasi 2", "Rekomendasi 3"]

    # The unit is the addressee of "... agar ..." when there is no PIC field.
    assert items["Rekomendasi 1"].units == ["Bappeda Provinsi Jawa Tengah"]
    assert items["Rekomendasi 1"].due == date(2024, 3, 22)

    nested = items["Rekomendasi 2"]
    assert nested.text == "Menyusun format laporan triwulanan yang seragam."
    assert nested.units == ["Subdirektorat Dekonsentrasi", "Bappeda Provinsi Sulawesi Selatan"]
    assert (nested.due, nested.due_text, nested.status) == (date(2024, 4, 30), "akhir bulan depan", "berjalan")

    assert items["Rekomendasi 3"].units == ["Biro Pemerintahan Sekretariat Daerah Provinsi Nusa Tenggara Barat"]
    assert items["Rekomendasi 3"].due == date(2024, 6, 30)
    assert markdown_minutes.warnings == []


def test_markdown_item_passage_keeps_its_fields(markdown_minutes: Document) -> None:
    passage = next(p for p in markdown_minutes.passages if p.item == "2")
    assert passage.label == "Notulen Rakortek Pelaporan Dekonsentrasi 14 Maret 2024, bagian Rekomendasi butir 2"
    assert "PIC: Subdit Dekonsentrasi; Bappeda Prov. Sulsel" in passage.text
    assert "Menyusun format laporan" in passage.parent_text


# ---- plain text "Tindak lanjut:" -----------------------------------------------------------------


@pytest.fixture
def text_minutes() -> Document:
    return parse_path(FIXTURES / "risalah-pedoman-pelaporan.txt")


def test_plain_text_follow_ups(text_minutes: Document) -> None:
    assert text_minutes.doc_type == NOTULEN
    assert text_minutes.meeting is not None and text_minutes.meeting.date == date(2024, 2, 6)
    items = by_label(text_minutes)
    assert list(items) == [f"Tindak Lanjut {n}" for n in range(1, 6)]

    inline = items["Tindak Lanjut 1"]
    assert inline.text == "Menyempurnakan draf pedoman pelaporan"
    assert inline.units == ["Bidang Pemerintahan Bappeda Provinsi Jawa Barat"]
    assert inline.due == date(2024, 3, 31)

    following_lines = items["Tindak Lanjut 2"]
    assert following_lines.units == ["Sekretariat Bappeda Provinsi Jawa Barat"]
    assert following_lines.officials == ["Budi Santoso"]
    assert (following_lines.due, following_lines.due_text) == (date(2024, 2, 13), "minggu depan")

    # 5 working days after Tuesday 6 Feb, Isra Mikraj (8 Feb) and election day (14 Feb) being holidays.
    assert items["Tindak Lanjut 4"].due == date(2024, 2, 15)
    done = items["Tindak Lanjut 5"]
    assert (done.units, done.status) == (["Bappeda Provinsi Jawa Barat"], "selesai")


def test_plain_text_item_without_date_is_kept_with_its_words(text_minutes: Document) -> None:
    undated = by_label(text_minutes)["Tindak Lanjut 3"]
    assert undated.due is None
    assert undated.due_text == "menunggu jadwal rapat berikutnya"
    assert warnings_about(text_minutes, "butir 3: no deadline ('menunggu jadwal rapat berikutnya'")


def test_plain_text_item_without_unit_is_kept(text_minutes: Document) -> None:
    orphan = by_label(text_minutes)["Tindak Lanjut 4"]
    assert orphan.units == []
    assert orphan.text.startswith("Menyebarluaskan hasil rapat")
    assert warnings_about(text_minutes, "butir 4: no responsible unit")


# ---- sample corpus ------------------------------------------------------------------------------


def test_sample_notulen() -> None:
    document = parse_path(SAMPLE / "notulen-rakor-bandung-2024-02-06.md")
    assert document.doc == "Notulen Rakor Dekonsentrasi 6 Februari 2024"
    assert document.meeting is not None and document.meeting.place == "Hotel Asmira, Bandung"
    sections = {p.section for p in document.passages}
    assert {"Pembukaan", "Pembahasan", "Kesimpulan", "Rekomendasi", "Tindak Lanjut"} <= sections
    items = by_label(document)
    assert [k for k in items if k.startswith("Rekomendasi")] == [f"Rekomendasi {n}" for n in range(1, 7)]
    assert [k for k in items if k.startswith("Tindak")] == [f"Tindak Lanjut {n}" for n in range(1, 6)]
    assert items["Rekomendasi 1"].due == date(2024, 11, 30)
    assert items["Rekomendasi 3"].due == date(2024, 3, 31)
    assert items["Rekomendasi 6"].due == date(2024, 2, 15)  # 5 working days (holidays 8 and 14 Feb skipped)
    assert items["Tindak Lanjut 1"].due == date(2024, 2, 13)
    assert items["Tindak Lanjut 3"].units == [
        "Bappeda Provinsi Jawa Barat",
        "Biro Pemerintahan Sekretariat Daerah Provinsi Jawa Barat",
    ]
    assert [items[f"Tindak Lanjut {n}"].status for n in range(1, 6)] == [
        "selesai", "berjalan", "baru", "baru", "baru",
    ]  # fmt: skip
    assert all(f.units and f.due for f in document.followups)
    assert document.warnings == []


def test_sample_recommendation_list() -> None:
    document = parse_path(SAMPLE / "rekomendasi-rakor-bandung-2024.txt")
    assert document.doc == "Rekomendasi Rakor Dekonsentrasi 6 Februari 2024"
    assert document.doc_type == REKOMENDASI
    assert document.meeting is not None and document.meeting.place == "Hotel Asmira, Bandung"
    items = by_label(document)
    assert list(items) == ["Rekomendasi 1", "Rekomendasi 2", "Rekomendasi 3"] + [
        f"Tindak Lanjut {n}" for n in range(1, 5)
    ]
    assert items["Tindak Lanjut 1"].due == date(2024, 2, 13)
    assert items["Tindak Lanjut 2"].due == date(2024, 3, 31)
    assert items["Tindak Lanjut 3"].units == ["Bappeda Provinsi Jawa Barat", "Bappeda Provinsi Jawa Tengah"]
    assert (items["Tindak Lanjut 4"].due, items["Tindak Lanjut 4"].status) == (date(2024, 3, 31), "berjalan")
    assert all(f.units and f.due for f in document.followups)
    assert document.warnings == []


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*")), ids=lambda p: p.name)
def test_sample_files_stay_small(path: Path) -> None:
    assert path.stat().st_size < 6 * 1024


# ---- odd input ----------------------------------------------------------------------------------


def test_relative_deadline_without_meeting_date_is_kept() -> None:
    document = parse_text("Tindak lanjut:\n1. Mengirim bahan rapat. PIC: Bappeda Jabar. Batas waktu: minggu depan\n")
    follow_up = document.followups[0]
    assert (follow_up.due, follow_up.due_text, follow_up.units) == (None, "minggu depan", ["Bappeda Jawa Barat"])
    assert any("no meeting date" in w for w in document.warnings)
    assert any("butir 1: no deadline" in w for w in document.warnings)


def test_bare_recommendation_list_without_section_heading() -> None:
    document = parse_text(
        "DAFTAR REKOMENDASI RAPAT KOORDINASI DEKONSENTRASI\nTanggal: 6 Februari 2024\n\n"
        "1. Bappeda Provinsi agar menyampaikan laporan paling lambat 15 April 2024.\n"
        "2. Kemendagri agar menerbitkan panduan pada akhir Triwulan I 2024.\n"
    )
    assert document.doc == "Rekomendasi Rakor Dekonsentrasi 6 Februari 2024"
    assert [(f.section, f.item, f.units[0], f.due) for f in document.followups] == [
        ("Rekomendasi", "1", "Bappeda Provinsi", date(2024, 4, 15)),
        ("Rekomendasi", "2", "Kementerian Dalam Negeri", date(2024, 3, 31)),
    ]


def test_unknown_status_is_reported() -> None:
    document = parse_text(
        "Notulen Rapat Evaluasi\nTanggal: 6 Februari 2024\n\nTindak Lanjut\n"
        "| No | Kegiatan | PIC | Batas Waktu | Status |\n|---|---|---|---|---|\n"
        "| 1 | Rekap laporan | Bappeda Jabar | 31 Maret 2024 | menunggu arahan |\n"
    )
    assert document.followups[0].status == "baru"
    assert any("unknown status 'menunggu arahan'" in w for w in document.warnings)


def test_long_prose_is_split_into_paragraph_passages() -> None:
    sentence = "Peserta membahas pelaksanaan Dekonsentrasi di daerah dan kendala pelaporannya. "
    paragraphs = "\n\n".join(sentence * 8 for _ in range(5))
    document = parse_text(f"Notulen Rapat Koordinasi Pelaporan\nTanggal: 6 Februari 2024\n\nPembahasan\n{paragraphs}\n")
    prose = [p for p in document.passages if p.section == "Pembahasan"]
    assert len(prose) >= 3
    assert all(len(p.text) <= MAX_PASSAGE_CHARS and p.item is None for p in prose)
    assert sum(p.text.count("Peserta membahas") for p in prose) == 40
    assert prose[0].label == "Notulen Rakor Pelaporan 6 Februari 2024, bagian Pembahasan"


REGULATION = """PERATURAN PEMERINTAH REPUBLIK INDONESIA
NOMOR 19 TAHUN 2022
TENTANG DEKONSENTRASI DAN TUGAS PEMBANTUAN
Menimbang: a. bahwa ...
Mengingat: 1. Pasal 5 ayat (2) Undang-Undang Dasar
MEMUTUSKAN:
Pasal 1
Dalam Peraturan Pemerintah ini yang dimaksud dengan rekomendasi dan tindak lanjut ...
Pasal 2
Ayat ...
"""


@pytest.mark.parametrize(
    "text", [REGULATION, "Resep nasi goreng\nBahan: nasi, bawang, kecap.\nCara membuat: tumis bawang.", ""]
)
def test_documents_that_are_not_minutes_are_refused(text: str) -> None:
    assert not looks_like_minutes(text)
    with pytest.raises(ValueError):
        parse_text(text)


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "notulen-rakortek-pelaporan.md", FIXTURES / "risalah-pedoman-pelaporan.txt"] + sorted(SAMPLE.glob("*")),
    ids=lambda p: p.name,
)
def test_minutes_are_recognised(path: Path) -> None:
    assert looks_like_minutes(path.read_text(encoding="utf-8"))


def test_agenda_table_is_not_a_follow_up_table() -> None:
    document = parse_text(
        "# Notulen Rapat Koordinasi Dekonsentrasi\nTanggal: 6 Februari 2024\n\n## Agenda\n"
        "| Waktu | Acara | Narasumber |\n|---|---|---|\n| 09.00 | Pembukaan | Direktur |\n"
    )
    assert document.followups == []
    agenda = next(p for p in document.passages if p.section == "Agenda")
    assert agenda.text == "Waktu: 09.00; Acara: Pembukaan; Narasumber: Direktur"


def test_a_guide_that_mentions_notula_in_a_sentence_is_not_minutes() -> None:
    text = (
        "# Panduan Rapat Koordinasi Wilayah\n\n"
        "Notula dan foto kegiatan diunggah ke sistem informasi paling lambat tiga hari setelah acara.\n\n"
        "Peserta membawa laptop dan bahan paparan.\n"
    )
    assert not looks_like_minutes(text)


# ---- a long title in capitals, its date in a table below (issue 15) -----------------------------------


def write_evaluation_docx(path: Path) -> Path:
    """Fictional minutes shaped like an evaluation meeting's: the title names the period, the date is in the
    key-value table under it."""
    document = docx.Document()
    document.add_paragraph("NOTULEN RAPAT EVALUASI PELAKSANAAN DEKONSENTRASI KEPADA GWPP TRIWULAN I TAHUN 2024")
    table = document.add_table(rows=3, cols=2)
    for row, (key, value) in zip(
        table.rows,
        [("Hari/Tanggal", "Kamis, 14 Maret 2024"), ("Tempat", "Ruang Rapat Lantai 3, Jakarta"),
         ("Pimpinan Rapat", "Direktur Pembinaan Pemerintahan Daerah")],
        strict=True,
    ):  # fmt: skip
        row.cells[0].text, row.cells[1].text = key, value
    document.add_paragraph("Tindak lanjut:")
    document.add_paragraph("1. Bappeda Provinsi agar menyampaikan laporan realisasi paling lambat 15 April 2024.")
    document.save(str(path))
    return path


def test_a_long_title_keeps_its_period_and_does_not_end_on_kepada(tmp_path: Path) -> None:
    document = parse_path(write_evaluation_docx(tmp_path / "notulen-evaluasi.docx"))
    assert document.meeting is not None and document.meeting.date == date(2024, 3, 14)
    assert document.title == "Notulen Rapat Evaluasi Pelaksanaan Dekonsentrasi kepada GWPP Triwulan I Tahun 2024"
    # Before: "Notulen Rapat Evaluasi Pelaksanaan Dekonsentrasi Kepada 14 Maret 2024".
    assert document.doc == "Notulen Rapat Evaluasi Pelaksanaan Dekonsentrasi kepada GWPP Triwulan I 2024, 14 Maret 2024"
    assert document.followups[0].passage_label.startswith(document.doc)

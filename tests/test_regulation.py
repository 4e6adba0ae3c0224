"""The regulation parser: right citation labels, the right text under the right ayat, no invented articles.

Fixtures are fictional regulations written for these tests: a clean one with headings on their own lines,
the same regulation as noisy OCR output, an amending regulation, a file without identity header and minutes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.parsers.ocr import PAGE_BREAK, ocr_digits, repair_text
from ingest.parsers.regulation import classify_jenis, looks_like_regulation, parse_regulation
from ingest.readers.files import Page
from knowledge.model import BATANG_TUBUH, PENJELASAN, PENJELASAN_UMUM, Document, Passage

FIXTURES = Path(__file__).parent / "fixtures" / "regulasi"
SAMPLE = Path(__file__).parent.parent / "sample" / "regulasi"

# Every (pasal, ayat) of the batang tubuh of the fixture "Peraturan Contoh 3/2023", in document order.
ARSIP_BODY = [
    ("1", None),
    ("2", "1"),
    ("2", "2"),
    ("2", "3"),
    ("3", None),
    ("4", "1"),
    ("4", "2"),
    ("4", "3"),
    ("5", None),
    ("5A", None),
    ("6", "1"),
    ("6", "2"),
    ("7", "1"),
    ("7", "2"),
    ("7", "3"),
    ("7", "4"),
    ("8", None),
    ("9", "1"),
    ("9", "2"),
    ("10", None),
    ("11", None),
    ("12", None),
]


def parse_file(path: Path, pages: list[Page] | None = None) -> Document:
    return parse_regulation(pages or [Page(None, path.read_text(encoding="utf-8"))], str(path), "hash")


def body_keys(doc: Document) -> list[tuple[str | None, str | None]]:
    return [(p.pasal, p.ayat) for p in doc.passages if p.part == BATANG_TUBUH]


def passage(doc: Document, label: str) -> Passage:
    found = [p for p in doc.passages if p.label == label]
    assert len(found) == 1, f"{label}: {[p.label for p in doc.passages]}"
    return found[0]


def flat(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


@pytest.fixture(scope="module")
def clean() -> Document:
    return parse_file(FIXTURES / "contoh_arsip_bersih.md")


@pytest.fixture(scope="module")
def noisy() -> Document:
    return parse_file(FIXTURES / "contoh_arsip_ocr.md")


# --- identity -------------------------------------------------------------------------------------------


def test_identity_of_a_clean_regulation(clean: Document) -> None:
    assert (clean.doc, clean.doc_type, clean.jenis, clean.nomor, clean.tahun) == (
        "CONTOH 3/2023",
        "CONTOH",
        "Peraturan Contoh",
        "3",
        2023,
    )
    assert clean.title == "Pengelolaan Arsip Kegiatan Dekonsentrasi (Teks Uji)"
    assert clean.warnings == []
    assert all(p.doc == "CONTOH 3/2023" and p.content_hash == "hash" for p in clean.passages)


def test_identity_survives_a_garbled_ocr_header(noisy: Document) -> None:
    # "REPUBUK INDONESIA PERATURAN CONTOH REPUBLIK NOMOR 3 TAHUN 2O23 ..." with the title cut short.
    assert noisy.doc == "CONTOH 3/2023"
    assert noisy.title == "Pengelolaan Arsip Kegiatan Dekonsentrasi (Teks Uji)"


@pytest.mark.parametrize(
    ("phrase", "abbreviation"),
    [
        ("PERATURAN PEMERINTAH REPUBLIK INDONESIA", "PP"),
        ("UNDANG-UNDANG", "UU"),
        ("UNDANG UNDANG REPUBLIK INDONESIA", "UU"),
        ("PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG", "PERPU"),
        ("PERATURAN PRESIDEN", "PERPRES"),
        ("PERATURAN MENTERI DALAM NEGERI REPUBLIK INDONESIA", "PERMENDAGRI"),
        ("Peraturan Menteri Keuangan", "PMK"),
        ("PERATURAN MENTERI PERTANIAN", "PERMEN"),
        ("PERATURAN DAERAH PROVINSI JAWA TENGAH", "PERDA"),
        ("PERATURAN GUBERNUR", "PERGUB"),
        ("KEPUTUSAN PRESIDEN", "KEPPRES"),
        ("INSTRUKSI PRESIDEN", "INPRES"),
        ("PERATURAN CONTOH", "CONTOH"),
    ],
)
def test_kinds_of_regulation_get_their_usual_abbreviation(phrase: str, abbreviation: str) -> None:
    kind = classify_jenis(phrase)
    assert kind is not None and kind[0] == abbreviation


def test_identity_of_a_minister_regulation_and_a_pmk() -> None:
    text = "PERATURAN MENTERI KEUANGAN REPUBLIK INDONESIA NOMOR 148/PMK.07/2012 TENTANG TATA CARA CONTOH\n"
    text += "Pasal 1\nKetentuan uji.\nPasal 2\nKetentuan uji lainnya.\n"
    doc = parse_regulation([Page(None, text)], "pmk.md")
    assert (doc.doc, doc.jenis, doc.title) == ("PMK 148/2012", "Peraturan Menteri Keuangan", "Tata Cara Contoh")
    permen = text.replace("KEUANGAN", "PERTANIAN").replace("148/PMK.07/2012", "3 TAHUN 2020")
    doc = parse_regulation([Page(None, permen)], "permen.md")
    assert (doc.doc, doc.jenis) == ("PERMEN 3/2020", "Peraturan Menteri Pertanian")


def test_file_name_gives_the_identity_when_the_text_has_none() -> None:
    doc = parse_file(FIXTURES / "pp-2019-77.md")
    assert (doc.doc, doc.doc_type, doc.jenis) == ("PP 77/2019", "PP", "Peraturan Pemerintah")
    assert any("file name" in w for w in doc.warnings)
    assert body_keys(doc) == [("1", None), ("2", "1"), ("2", "2"), ("3", None)]


def test_file_name_contradicting_the_text_is_reported_and_the_text_wins(tmp_path: Path) -> None:
    path = tmp_path / "contoh-2022-9.md"
    path.write_text((FIXTURES / "contoh_arsip_bersih.md").read_text(encoding="utf-8"), encoding="utf-8")
    doc = parse_file(path)
    assert doc.doc == "CONTOH 3/2023"
    assert any("CONTOH 9/2022" in w for w in doc.warnings)


def test_non_regulation_text_is_refused_with_a_clear_message() -> None:
    text = (FIXTURES / "notulen_rapat.md").read_text(encoding="utf-8")
    assert not looks_like_regulation(text)
    with pytest.raises(ValueError, match="not a parsable regulation"):
        parse_regulation([Page(None, text)], "notulen_rapat.md")


def test_looks_like_regulation_accepts_regulations_with_or_without_header() -> None:
    for name in ("contoh_arsip_bersih.md", "contoh_arsip_ocr.md", "contoh_perubahan.md", "pp-2019-77.md"):
        assert looks_like_regulation((FIXTURES / name).read_text(encoding="utf-8")), name


# --- structure ------------------------------------------------------------------------------------------


def test_every_article_and_ayat_is_found_and_nothing_is_invented(clean: Document) -> None:
    assert body_keys(clean) == ARSIP_BODY
    # "sebagaimana dimaksud dalam Pasal 3" and "dalam\nPasal 2 ayat (1)" are references, not articles.
    assert "Pasal 3 disimpan" in passage(clean, "CONTOH 3/2023 Pasal 4 ayat (2)").text
    assert "Pasal 2 ayat (1) berlaku juga" in passage(clean, "CONTOH 3/2023 Pasal 4 ayat (3)").text


def test_ayat_text_sits_under_its_own_label(clean: Document) -> None:
    ayat = passage(clean, "CONTOH 3/2023 Pasal 7 ayat (2)")
    assert ayat.text.startswith("(2) Laporan sebagaimana dimaksud pada ayat (1) disampaikan kepada gubernur")
    assert "15 Juli dan 15 Januari" in ayat.text
    assert "ringkasan laporan" not in ayat.text  # that is ayat (3)
    assert passage(clean, "CONTOH 3/2023 Pasal 5A").text == "Arsip elektronik disimpan pada dua media yang terpisah."


def test_lists_stay_inside_their_ayat_one_item_per_line(clean: Document) -> None:
    ayat = passage(clean, "CONTOH 3/2023 Pasal 2 ayat (2)")
    assert ayat.text.splitlines() == [
        "(2) Arsip Kegiatan sebagaimana dimaksud pada ayat (1) terdiri atas:",
        "a. surat penugasan;",
        "b. laporan pelaksanaan; dan",
        "c. bukti pembayaran.",
    ]
    definitions = passage(clean, "CONTOH 3/2023 Pasal 1").text.splitlines()
    assert definitions[0] == "Dalam Peraturan Contoh ini yang dimaksud dengan:"
    assert [line[:3] for line in definitions[1:]] == ["1. ", "2. ", "3. "]


def test_each_passage_carries_the_whole_article_and_its_headings(clean: Document) -> None:
    ayat = passage(clean, "CONTOH 3/2023 Pasal 4 ayat (2)")
    assert ayat.parent_text.splitlines()[0] == "Pasal 4"
    assert "(1) Arsip Kegiatan disimpan di ruang arsip yang terkunci." in ayat.parent_text
    assert "(3) Ketentuan sebagaimana dimaksud" in ayat.parent_text
    assert (ayat.bab, ayat.bagian, ayat.paragraf) == (
        "BAB II PENGELOLAAN ARSIP",
        "Bagian Kedua Penyimpanan Arsip",
        "Paragraf 1 Penyimpanan Fisik",
    )
    assert passage(clean, "CONTOH 3/2023 Pasal 5A").paragraf == "Paragraf 2 Penyimpanan Elektronik"
    first = passage(clean, "CONTOH 3/2023 Pasal 1")
    assert (first.bab, first.bagian, first.paragraf) == ("BAB I KETENTUAN UMUM", None, None)
    closing = passage(clean, "CONTOH 3/2023 Pasal 12")
    assert closing.bab == "BAB IV KETENTUAN PENUTUP"
    assert closing.text == "Peraturan Contoh ini mulai berlaku pada tanggal diundangkan."  # no signature block


def test_passages_are_in_document_order_with_stable_ids(clean: Document) -> None:
    assert [p.order for p in clean.passages] == list(range(len(clean.passages)))
    parts = [p.part for p in clean.passages]
    assert parts.index(PENJELASAN_UMUM) > max(i for i, part in enumerate(parts) if part == BATANG_TUBUH)
    assert len({p.id for p in clean.passages}) == len(clean.passages)


# --- penjelasan -----------------------------------------------------------------------------------------


def test_penjelasan_umum_and_article_explanations_are_linked(clean: Document) -> None:
    umum = [p for p in clean.passages if p.part == PENJELASAN_UMUM]
    assert len(umum) == 1 and umum[0].label == "Penjelasan Umum CONTOH 3/2023"
    assert umum[0].text.startswith("Arsip kegiatan menjadi bukti") and (umum[0].pasal, umum[0].ayat) == (None, None)
    ayat = passage(clean, "Penjelasan CONTOH 3/2023 Pasal 2 ayat (2)")
    assert (ayat.part, ayat.pasal, ayat.ayat) == (PENJELASAN, "2", "2")
    assert '"surat penugasan" adalah surat dari pemberi tugas' in ayat.text
    assert re.findall(r"^Huruf [a-c]", ayat.text, re.M) == ["Huruf a", "Huruf b", "Huruf c"]  # one per line
    assert passage(clean, "Penjelasan CONTOH 3/2023 Pasal 4").text.startswith('Yang dimaksud dengan "ruang arsip')
    assert passage(clean, "Penjelasan CONTOH 3/2023 Pasal 5A").text == "Cukup jelas."
    assert passage(clean, "Penjelasan CONTOH 3/2023 Pasal 12").text == "Cukup jelas."


def test_long_penjelasan_umum_is_split_into_paragraph_sized_passages() -> None:
    text = (FIXTURES / "contoh_arsip_bersih.md").read_text(encoding="utf-8")
    paragraph = "Kalimat uji penjelasan umum yang cukup panjang untuk mengisi ruang. " * 12
    long_umum = "I. UMUM\n" + "\n".join(f"Paragraf {i}. {paragraph}" for i in range(6))
    doc = parse_regulation([Page(None, text.replace("I. UMUM", long_umum, 1))], "x.md")
    umum = [p for p in doc.passages if p.part == PENJELASAN_UMUM]
    assert len(umum) >= 3
    assert all(len(p.text) <= 1500 for p in umum)
    assert "Arsip kegiatan menjadi bukti" in umum[-1].text  # nothing lost at the end


# --- OCR noise ------------------------------------------------------------------------------------------


def test_noisy_ocr_gives_the_same_articles_and_text_as_the_clean_print(clean: Document, noisy: Document) -> None:
    assert body_keys(noisy) == ARSIP_BODY  # "PaseJ 5", "Pasal 1 1" -> 11, "(21" / "l2l" / "(l)" / "(41"
    clean_text = {p.label: flat(p.text) for p in clean.passages}
    noisy_text = {p.label: flat(p.text) for p in noisy.passages}
    assert noisy_text == clean_text
    for mine, theirs in zip(clean.passages, noisy.passages, strict=True):
        assert (mine.bab, mine.bagian, mine.paragraf) == (theirs.bab, theirs.bagian, theirs.paragraf), mine.label


def test_explained_items_of_a_collapsed_penjelasan_get_their_own_lines(noisy: Document) -> None:
    ayat = passage(noisy, "Penjelasan CONTOH 3/2023 Pasal 2 ayat (2)")
    assert re.findall(r"^Huruf [a-c]", ayat.text, re.M) == ["Huruf a", "Huruf b", "Huruf c"]


def test_ocr_repairs_are_reported_in_english(noisy: Document) -> None:
    [report] = [w for w in noisy.warnings if w.startswith("OCR repaired")]
    assert int(re.search(r"(\d+) fixes", report).group(1)) >= 20


def test_collapsed_cukup_jelas_runs_are_split_into_their_articles(noisy: Document) -> None:
    # "Pasal Pasal Pasal Pasal Pasal PasaI Pasal 6 Cukup jelas. 7 Cukup jelas. ... t0 ... 1l ... t2 Cukup jelas."
    explained = [p.pasal for p in noisy.passages if p.part == PENJELASAN]
    assert explained == ["1", "2", "2", "2", "3", "4", "5", "5A", "6", "7", "8", "9", "10", "11", "12"]
    assert all(p.text == "Cukup jelas." for p in noisy.passages if p.part == PENJELASAN and p.pasal in ("10", "12"))


def test_page_headers_catchwords_and_carets_do_not_reach_the_text(noisy: Document) -> None:
    everything = "\n".join(p.text + p.parent_text for p in noisy.passages)
    for junk in ("PRESIDEN REPUBLIK", "-3-", "www.", "^", "Pasal 9...", "TAMBAHAN LEMBARAN"):
        assert junk not in everything


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("T\\rgas Tlrgas Thgas Ttrgas T\\: gas T\\.rgas T[rgas", "Tugas Tugas Tugas Tugas Tugas Tugas Tugas"),
        ("Tahun 2O2O dan 2Ol4 serta l94S", "Tahun 2020 dan 2014 serta 1945"),
        ("padatanggal 9Mei2022", "pada tanggal 9 Mei 2022"),
        ("ayat (l) dan l7l serta (2\\ lalu ayat (21 dan", "ayat (1) dan (7) serta (2) lalu ayat (2) dan"),
        ("^Keputusan ^Gubernur", "Keputusan Gubernur"),
        ("PaseJ 24 dan PasaI 5 dan PasaL22", "Pasal 24 dan Pasal 5 dan Pasal 22"),
        ("akhir kalimat. PRESIDEN REPUBLIK INDONESIA -7- Awal", "akhir kalimat. Awal"),
        ("Huruf b... - 4 - Huruf b Cukup jelas", "Huruf b Cukup jelas"),
    ],
)
def test_ocr_repairs(noisy: str, clean: str) -> None:
    repaired, fixes = repair_text(noisy)
    assert " ".join(repaired.split()) == clean
    assert fixes > 0


def test_ocr_repairs_leave_clean_text_alone() -> None:
    text = "Pasal 21 ayat (2) Tahun 2020: Tugas Pembantuan (1) dan (21) serta PRESIDEN REPUBLIK INDONESIA, ttd."
    assert repair_text(text) == (text, 0)
    assert (ocr_digits("t2"), ocr_digits("T7"), ocr_digits("2O"), ocr_digits("ab")) == ("12", "17", "20", None)


def test_ocr_repairs_keep_page_breaks() -> None:
    text = "akhir halaman sebagaimana...\f\nPRESIDEN REPUBLIK INDONESIA -2-\nsebagaimana dimaksud T\\rgas"
    repaired, _ = repair_text(text)
    assert repaired.count(PAGE_BREAK) == 1
    assert " ".join(repaired.replace(PAGE_BREAK, " ").split()) == "akhir halaman sebagaimana dimaksud Tugas"


def test_roman_looking_first_article_of_an_ordinary_regulation_is_pasal_1() -> None:
    # OCR reads "Pasal 1 (1)" as "Pasal I (U"; without "Pasal II" and amendment words it is not Pasal I.
    text = (
        "PERATURAN CONTOH NOMOR 6 TAHUN 2023 TENTANG UJI NOMOR PASAL\n"
        "Pasal I (U Dalam melaksanakan tugas, kepala dinas dibantu sekretaris. (21 Sekretaris sebagaimana "
        "dimaksud pada ayat (1) diangkat oleh kepala daerah. Pasal 2 Peraturan Contoh ini mulai berlaku."
    )
    doc = parse_regulation([Page(None, text)], "uji.md")
    assert body_keys(doc) == [("1", "1"), ("1", "2"), ("2", None)]
    assert passage(doc, "CONTOH 6/2023 Pasal 1 ayat (2)").text.startswith("(2) Sekretaris sebagaimana")


def test_empty_input_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_regulation([], "kosong.md")
    with pytest.raises(ValueError):
        parse_regulation([Page(1, ""), Page(2, "   ")], "kosong.pdf")


# --- pages ----------------------------------------------------------------------------------------------


def test_pdf_pages_give_each_passage_the_page_where_it_starts() -> None:
    lines = (FIXTURES / "contoh_arsip_bersih.md").read_text(encoding="utf-8").splitlines()
    cut1 = lines.index("Pasal 4")
    cut2 = lines.index("BAB III")
    pages = [
        Page(1, "\n".join(lines[:cut1] + ["Pasal 4..."])),  # the printed catchword of the next page
        Page(2, "\n".join(["PRESIDEN REPUBLIK INDONESIA -2-"] + lines[cut1:cut2])),
        Page(3, "\n".join(lines[cut2:])),
    ]
    doc = parse_file(FIXTURES / "contoh_arsip_bersih.md", pages)
    assert body_keys(doc) == ARSIP_BODY
    assert passage(doc, "CONTOH 3/2023 Pasal 3").page == 1
    assert passage(doc, "CONTOH 3/2023 Pasal 4 ayat (1)").page == 2
    assert passage(doc, "CONTOH 3/2023 Pasal 6 ayat (2)").page == 2
    assert passage(doc, "CONTOH 3/2023 Pasal 7 ayat (1)").page == 3
    assert passage(doc, "Penjelasan CONTOH 3/2023 Pasal 12").page == 3


# --- revocation -----------------------------------------------------------------------------------------


def test_whole_revocations_only(clean: Document, noisy: Document) -> None:
    # Pasal 11 revokes CONTOH 8/2015; Pasal 10 revokes one article of CONTOH 9/2016 (partial), Pasal 6 revokes a
    # permit, and the Menimbang only says CONTOH 8/2015 "perlu dicabut".
    assert clean.revokes == ["CONTOH 8/2015"]
    assert noisy.revokes == ["CONTOH 8/2015"]  # "Tahun 2O15" in the OCR


def test_revocation_clause_with_a_list_of_regulations() -> None:
    text = """PERATURAN PEMERINTAH NOMOR 91 TAHUN 2031 TENTANG UJI PENCABUTAN
Pasal 1
Ketentuan uji.
Pasal 2
Pada saat Peraturan Pemerintah ini mulai berlaku:
a. Peraturan Pemerintah Nomor 11 Tahun 2001 tentang Uji Pertama (Lembaran Negara Tahun 2001 Nomor 5);
b. Peraturan Pemerintah Nomor 12 Tahun 2002 tentang Uji Kedua sebagaimana telah diubah dengan Peraturan
Pemerintah Nomor 13 Tahun 2003 tentang Perubahan atas Peraturan Pemerintah Nomor 12 Tahun 2002; dan
c. Pasal 4 Undang-Undang Nomor 14 Tahun 2004 tentang Uji Ketiga,
dicabut dan dinyatakan tidak berlaku.
"""
    doc = parse_regulation([Page(None, text)], "uji.md")
    # PP 13/2003 is the amendment of PP 12/2002: revoking "PP 12/2002 as amended by PP 13/2003" ends both.
    assert doc.revokes == ["PP 11/2001", "PP 12/2002", "PP 13/2003"]
    # "Pasal 4 Undang-Undang ..." revokes one article, not the law.
    partial = [(e.target, e.pasal) for e in doc.status_edges if e.kind == "dicabut_sebagian"]
    assert partial == [("UU 14/2004", "4")]
    assert all(e.source_article == "PP 91/2031 Pasal 2" for e in doc.status_edges)


# --- amending regulations -------------------------------------------------------------------------------


def test_amending_regulation_keeps_roman_articles_and_nested_text() -> None:
    doc = parse_file(FIXTURES / "contoh_perubahan.md")
    assert doc.doc == "CONTOH 4/2023"
    assert {p.pasal for p in doc.passages} == {"I", "II"}  # nested "Pasal 3", "Pasal 7", "Pasal 9A" stay inside
    items = [p.text for p in doc.passages if p.pasal == "I"]
    assert items[1].startswith("1. Ketentuan Pasal 3 diubah") and "setiap akhir minggu" in items[1]
    assert "(2) Laporan sebagaimana dimaksud pada ayat (1)" in items[2]
    assert items[3].startswith("3. Di antara Pasal 9 dan Pasal 10") and "Pasal 9A" in items[3]
    assert passage(doc, "CONTOH 4/2023 Pasal II").text == "Peraturan Contoh ini mulai berlaku pada tanggal diundangkan."
    assert doc.revokes == []


# --- sample corpus --------------------------------------------------------------------------------------


def test_sample_regulation_parses_perfectly() -> None:
    doc = parse_file(SAMPLE / "contoh-1-2024.md")
    assert (doc.doc, doc.title, doc.warnings) == (
        "CONTOH 1/2024",
        "Pedoman Dekonsentrasi dan Tugas Pembantuan (Teks Latihan)",
        [],
    )
    assert body_keys(doc) == [
        ("1", None),
        ("2", None),
        ("3", "1"),
        ("3", "2"),
        ("3", "3"),
        ("4", "1"),
        ("4", "2"),
        ("5", "1"),
        ("5", "2"),
        ("5", "3"),
        ("6", None),
        ("7", "1"),
        ("7", "2"),
        ("7", "3"),
        ("8", "1"),
        ("8", "2"),
        ("9", "1"),
        ("9", "2"),
        ("10", None),
        ("11", None),
    ]
    definitions = passage(doc, "CONTOH 1/2024 Pasal 1").text
    assert (
        "2. Dekonsentrasi adalah pelimpahan sebagian urusan pemerintahan dari Pemerintah Pusat kepada gubernur"
        in definitions
    )
    assert "3. Tugas Pembantuan adalah penugasan" in definitions
    assert "GWPP" in definitions
    assert "paling lambat bulan Oktober" in passage(doc, "CONTOH 1/2024 Pasal 3 ayat (1)").text
    assert doc.revokes == ["CONTOH 2/2010"]
    assert [p.label for p in doc.passages if p.part == PENJELASAN_UMUM] == ["Penjelasan Umum CONTOH 1/2024"]
    assert passage(doc, "Penjelasan CONTOH 1/2024 Pasal 3 ayat (1)").text.startswith('Yang dimaksud dengan "rencana')
    assert [p.pasal for p in doc.passages if p.part == PENJELASAN and p.text == "Cukup jelas."] == [
        "1",
        "2",
        "3",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
    ]


def test_sample_old_regulation_parses_perfectly() -> None:
    doc = parse_file(SAMPLE / "contoh-2-2010.md")
    assert (doc.doc, doc.title, doc.warnings, doc.revokes) == (
        "CONTOH 2/2010",
        "Tata Cara Dekonsentrasi (Teks Latihan)",
        [],
        [],
    )
    assert body_keys(doc) == [
        ("1", None),
        ("2", "1"),
        ("2", "2"),
        ("3", None),
        ("4", "1"),
        ("4", "2"),
        ("5", None),
        ("6", None),
    ]
    assert not [p for p in doc.passages if p.part != BATANG_TUBUH]


def test_an_old_all_capitals_document_is_parsed_without_backtracking_for_minutes() -> None:
    # Old regulations run capitalised words into the articles; the orphan-heading check used to try every
    # way of splitting such words at their capitals (a file of 2 KB took minutes).
    shouting = " ".join(f"MAHKAMAH-{n} TENTARA AGUNG/{n}" for n in range(40))
    text = (
        "PERATURAN PEMERINTAH NOMOR 38 TAHUN 1948 TENTANG PERUBAHAN ACARA PIDANA\n"
        f"Pasal 1.\n(1) Dalam pasal 8 perkataan: {shouting} diganti dengan perkataan baru.\n"
        f"Pasal 2.\nPeraturan ini mulai berlaku pada hari diumumkan; {shouting} dihapuskan.\n"
    )
    doc = parse_regulation([Page(None, text)], "pp-1948-38.md")
    assert doc.doc == "PP 38/1948"
    assert [p.pasal for p in doc.passages if p.part == BATANG_TUBUH][:2] == ["1", "2"]

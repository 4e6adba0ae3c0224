from datetime import date

import pytest

from knowledge.operations.dates import find_due_date, format_indonesian_date, parse_indonesian_date

MEETING = date(2024, 2, 6)  # Selasa, 6 Februari 2024


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31 Maret 2024", date(2024, 3, 31)),
        ("31 Mar 2024", date(2024, 3, 31)),
        ("31/03/2024", date(2024, 3, 31)),
        ("31-03-2024", date(2024, 3, 31)),
        ("2024-03-31", date(2024, 3, 31)),
        ("Selasa, 6 Februari 2024", date(2024, 2, 6)),
        ("6 Pebruari 2024", date(2024, 2, 6)),
        ("17 Agt 2024", date(2024, 8, 17)),
        ("1 Sept 2024", date(2024, 9, 1)),
        ("Nopember 2024", date(2024, 11, 30)),
        ("12 Des 2024", date(2024, 12, 12)),
        ("paling lambat 31 Maret 2024", date(2024, 3, 31)),
        ("selambat-lambatnya tanggal 15 April 2024", date(2024, 4, 15)),
        ("sebelum 15 April 2024", date(2024, 4, 15)),
        ("akhir Maret 2024", date(2024, 3, 31)),
        ("April 2024", date(2024, 4, 30)),
        ("awal April 2024", date(2024, 4, 1)),
        ("Triwulan I 2024", date(2024, 3, 31)),
        ("akhir Triwulan I 2024", date(2024, 3, 31)),
        ("TW I 2024", date(2024, 3, 31)),
        ("TW II 2024", date(2024, 6, 30)),
        ("triwulan pertama 2024", date(2024, 3, 31)),
        ("Triwulan III Tahun 2024", date(2024, 9, 30)),
        ("Triwulan IV 2024", date(2024, 12, 31)),
        ("Semester I 2024", date(2024, 6, 30)),
        ("semester kedua 2024", date(2024, 12, 31)),
        ("akhir tahun 2024", date(2024, 12, 31)),
    ],
)
def test_absolute_dates_need_no_reference(text: str, expected: date) -> None:
    assert parse_indonesian_date(text) == expected
    assert parse_indonesian_date(text, MEETING) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("minggu depan", date(2024, 2, 13)),
        ("pekan depan", date(2024, 2, 13)),
        ("dua minggu lagi", date(2024, 2, 20)),
        ("2 minggu", date(2024, 2, 20)),
        ("besok", date(2024, 2, 7)),
        # Working days skip Isra Mikraj (Thu 8 Feb) and election day (Wed 14 Feb): Wed, Fri, Mon, Tue, Thu.
        ("5 hari kerja", date(2024, 2, 15)),
        ("14 (empat belas) hari kerja", date(2024, 2, 28)),
        ("akhir bulan ini", date(2024, 2, 29)),
        ("akhir bulan depan", date(2024, 3, 31)),
        ("akhir tahun", date(2024, 12, 31)),
        ("kuartal 1", date(2024, 3, 31)),
        ("akhir Maret", date(2024, 3, 31)),
        ("31 Januari", date(2025, 1, 31)),  # already past at the meeting: next year's
    ],
)
def test_relative_dates_resolve_against_the_meeting(text: str, expected: date) -> None:
    assert parse_indonesian_date(text, MEETING) == expected
    assert parse_indonesian_date(text) is None


@pytest.mark.parametrize(
    "text", ["", "segera", "31 Februari 2024", "PP Nomor 19 Tahun 2022", "rapat berikutnya", "x" * 10_000]
)
def test_unreadable_text_gives_none(text: str) -> None:
    assert parse_indonesian_date(text, MEETING) is None


def test_due_date_prefers_the_date_after_a_deadline_cue() -> None:
    text = "Menindaklanjuti rapat 6 Februari 2024, laporan disampaikan paling lambat tanggal 31 Maret 2024."
    assert find_due_date(text, MEETING) == (date(2024, 3, 31), "paling lambat tanggal 31 Maret 2024")


def test_due_date_without_cue_is_the_last_date() -> None:
    text = "Laporan Triwulan I 2024 disampaikan 15 April 2024"
    assert find_due_date(text, MEETING) == (date(2024, 4, 15), "15 April 2024")


def test_due_words_are_kept_when_they_name_no_date() -> None:
    assert find_due_date("Bahan dikirim sebelum rapat berikutnya", MEETING) == (None, "sebelum rapat berikutnya")
    assert find_due_date("Dilaksanakan segera", MEETING) == (None, "segera")
    assert find_due_date("paling lambat minggu depan") == (None, "paling lambat minggu depan")
    assert find_due_date("Tidak ada catatan tambahan", MEETING) == (None, None)


def test_regulation_numbers_are_not_deadlines() -> None:
    assert find_due_date("sesuai PP Nomor 19 Tahun 2022 dan Permendagri 7/2023", MEETING) == (None, None)


def test_recurring_phrases_have_no_single_due_date() -> None:
    assert find_due_date("Laporan disampaikan setiap 3 bulan", MEETING) == (None, "setiap 3 bulan")


def test_format() -> None:
    assert format_indonesian_date(date(2024, 3, 31)) == "31 Maret 2024"
    assert format_indonesian_date(date(2024, 2, 6)) == "6 Februari 2024"


@pytest.mark.parametrize("text", ["besok lusa", "tenggat besok lusa", "minggu depan besok", "lusa besok"])
def test_phrases_the_parser_does_not_know_are_reported_not_guessed(text: str) -> None:
    assert parse_indonesian_date(text, MEETING) is None
    due, words = find_due_date(f"Laporan disampaikan {text}", MEETING)
    assert due is None and words is not None and text.split()[-1] in words  # kept, to be shown as written


def test_known_neighbours_still_read() -> None:
    assert parse_indonesian_date("lusa", MEETING) == date(2024, 2, 8)
    assert parse_indonesian_date("besok, 7 Februari 2024", MEETING) == date(2024, 2, 7)  # a comma between


def test_dates_are_written_by_the_locale_library() -> None:
    from knowledge.formats import format_long_date, format_number, format_seconds, iso_dates_to_text

    assert format_long_date(date(2024, 4, 10)) == "Rabu, 10 April 2024"
    assert format_seconds(2.66) == "2,7 detik" and format_seconds(0.06) == "0,1 detik"
    assert format_number(12345) == "12.345"
    assert iso_dates_to_text("due: 2024-03-31 -> 2026-12-30") == "due: 31 Maret 2024 -> 30 Desember 2026"

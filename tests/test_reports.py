"""The secretariat's report (issue 17): the workbook read back with openpyxl (sheets, headers, the rows of a
fixture meeting with an overdue and an undated item, real dates, text that stays text), the chart decoded
as an image of the expected size with the categories' colours on it, the filters, and the command line."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image

from knowledge.config import get_settings
from knowledge.db import DocumentRow
from knowledge.migrate import init_db
from knowledge.model import FollowUp
from knowledge.operations.announcements import EVERYONE, AnnouncementStore, Audience, Content, Outcome
from knowledge.operations.charts import COLOURS, chart_size
from knowledge.operations.followups import (
    DIBATALKAN,
    SELESAI,
    actor_ref,
    add_followup,
    list_followups,
    sync_document_followups,
    update_followup,
)
from knowledge.operations.report_files import build_report
from knowledge.operations.reports import LATE, UNDATED, FilterError, ReportFilters, parse_filters
from knowledge.operations.users import SEKRETARIAT, UserStore

TODAY = date(2024, 4, 8)  # a Monday
WIB = ZoneInfo("Asia/Jakarta")
BANDUNG_SOURCE = "/data/dokumen/notulen-rakor-bandung.md"
BANDUNG_DOC = "Notulen Rakor Bandung 6 Februari 2024"
BANDUNG_TITLE = "Rapat Koordinasi Dekonsentrasi Provinsi Jawa Barat"
SEMARANG_SOURCE = "/data/dokumen/notulen-evaluasi-semarang.md"
SEMARANG_DOC = "Notulen Evaluasi Semarang 10 November 2023"

OVERDUE = "Menyampaikan laporan realisasi triwulan I"
UNDATED_TEXT = "Menyusun jadwal rapat lanjutan"
RUNNING = "Membuka akun sistem pelaporan untuk kabupaten/kota"
DONE_TEXT = "Mengirim notulen kepada seluruh peserta"
CANCELLED_TEXT = "Menyiapkan kunjungan lapangan"
SEMARANG_TEXT = "Memutakhirkan data GWPP"
FORMULA_TEXT = '=HYPERLINK("http://contoh.invalid","klik")'

ITEM_HEADERS = [
    "No.", "Rapat", "Tanggal rapat", "Tindak lanjut", "Unit", "Pejabat", "Tenggat", "Tenggat tertulis",
    "Status tercatat", "Status terkini", "Hari terlambat", "Kelompok", "Perubahan terakhir",
    "Isi perubahan terakhir", "Catatan bukti", "Sumber",
]  # fmt: skip


def item(number: int, text: str, units: list[str], due: date | None, doc: str = BANDUNG_DOC, **fields) -> FollowUp:
    label = f"{doc}, bagian Tindak Lanjut butir {number}"
    return FollowUp(text=text, units=units, due=due, passage_label=label, section="Tindak Lanjut",
                    item=str(number), **fields)  # fmt: skip


def meeting_document(source: str, doc: str, title: str, held: date, place: str) -> DocumentRow:
    """A minutes document as ingestion records it (the report names meetings from it)."""
    meeting = {"title": title, "date": held.isoformat(), "place": place, "chair": None, "participants": []}
    return DocumentRow(source=source, doc=doc, title=title, doc_type="notulen", content_hash="0" * 64,
                       info={"meeting": meeting})  # fmt: skip


def seed_report(sessions, users: UserStore, *, announcement: bool = True, people: bool = True) -> dict[str, int]:
    """Two meetings' follow-ups (one overdue, one undated, one done with evidence, one cancelled), an item the
    secretariat typed, three registered users (unless told not to: a running bot would remind them, and they
    have no chat), an announcement half delivered to them (likewise) and feedback: a 👎 with a comment and a 👍."""
    with sessions.begin() as session:
        session.add(meeting_document(BANDUNG_SOURCE, BANDUNG_DOC, BANDUNG_TITLE, date(2024, 2, 6), "Bandung"))
        session.add(meeting_document(SEMARANG_SOURCE, SEMARANG_DOC, "Rapat Evaluasi GWPP Jawa Tengah",
                                     date(2023, 11, 10), "Semarang"))  # fmt: skip
    with sessions.begin() as session:
        sync_document_followups(
            session, source=BANDUNG_SOURCE, doc=BANDUNG_DOC, passage_ids={}, meeting_date=date(2024, 2, 6),
            items=[
                item(1, OVERDUE, ["Bappeda Prov. Jabar"], date(2024, 3, 1), officials=["Sdr. Budi Santoso"]),
                item(2, UNDATED_TEXT, ["Biro Pemerintahan Setda Prov. Jabar"], None,
                     due_text="menunggu arahan pimpinan"),
                item(3, RUNNING, ["Bappeda Jabar", "Biro Pemerintahan Setda Prov. Jabar"], date(2024, 5, 31)),
                item(4, DONE_TEXT, ["Bappeda Provinsi Jawa Barat"], date(2024, 2, 20)),
                item(5, CANCELLED_TEXT, ["Bappeda Prov. Jabar"], date(2024, 3, 15)),
            ],
        )  # fmt: skip
        sync_document_followups(
            session, source=SEMARANG_SOURCE, doc=SEMARANG_DOC, passage_ids={}, meeting_date=date(2023, 11, 10),
            items=[item(1, SEMARANG_TEXT, ["Bappeda Jateng"], date(2023, 12, 31), doc=SEMARANG_DOC)],
        )  # fmt: skip
    ids = {row.text: row.id for row in list_followups(sessions)}
    budi = actor_ref(501, "Budi Santoso")
    note = "Notulen terkirim lewat surel [bukti: tanda-terima.pdf, file_id AgADBAADx1]"
    update_followup(sessions, ids[DONE_TEXT], budi, note=note, status=SELESAI)
    update_followup(sessions, ids[CANCELLED_TEXT], actor_ref(502, "Dewi Sekretariat"), status=DIBATALKAN)
    ids[FORMULA_TEXT] = add_followup(
        sessions, text=FORMULA_TEXT, units=["Inspektorat Daerah"], due=date(2024, 4, 30),
        actor=actor_ref(502, "Dewi Sekretariat"),
    ).id  # fmt: skip

    if people:
        users.bootstrap_admins([500])
        officials = ((501, "Budi Santoso", "Bappeda Jawa Barat"), (503, "Siti Aminah", "Bappeda Jateng"))
        for user_id, name, unit in officials:
            users.register(user_id, name, unit)
            users.approve(user_id, by=500)
        users.register(502, "Dewi Sekretariat", "Sekretariat Rakor")
        users.set_role(502, SEKRETARIAT, by=500)
    if announcement and people:
        _announce(sessions)
    _feedback(users)
    return ids


def _announce(sessions) -> None:
    announcements = AnnouncementStore(sessions)
    announcements.create(
        created_by=502, created_by_name="Dewi Sekretariat",
        content=Content("text", text_html="Rapat evaluasi diundur.", summary="Rapat evaluasi diundur ke 20 April"),
        audience=Audience(EVERYONE), audience_label="semua pengguna", mandatory=False,
    )  # fmt: skip
    deliveries = {d.user_id: d for d in announcements.claim(10)}
    announcements.finish(
        [
            Outcome(deliveries[501].id, "sent", message_id=77),
            Outcome(deliveries[503].id, "blocked", error="Forbidden: bot was blocked by the user", user_id=503),
        ]
    )


def _feedback(users: UserStore) -> None:
    citations = [{"label": "PP 19/2022 Pasal 7 ayat (5)"}, {"label": "PP 19/2022 Pasal 8"}]
    for user_id, rating, question in ((501, -1, "Siapa yang menetapkan GWPP?"), (503, 1, "Apa itu dekonsentrasi?")):
        answer_id = users.save_answer(
            chat_id=user_id, user_id=user_id, question=question, answer="Menurut PP 19/2022 ...", mode="extractive",
            abstained=False, citations=citations, notices=[],
        )  # fmt: skip
        stored = users.get_answer(answer_id)
        assert stored is not None
        feedback = users.record_feedback(stored, user_id, user_id, rating)
        if rating < 0:
            users.await_comment(user_id, user_id, feedback.id, None)
            users.store_comment(user_id, user_id, "Pasal yang dikutip kurang tepat, seharusnya Pasal 9.")


@pytest.fixture()
def seeded(tmp_path: Path):
    sessions = init_db(f"sqlite:///{tmp_path / 'sinergi.db'}")
    users = UserStore(sessions)
    ids = seed_report(sessions, users)
    return sessions, ids


def rows_of(sheet) -> list[dict[str, object]]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_workbook_holds_the_meetings_items_with_computed_status_and_real_dates(seeded) -> None:
    sessions, ids = seeded
    files = build_report(sessions, ReportFilters(meeting="Bandung"), today=TODAY, zone=WIB)
    book = load_workbook(io.BytesIO(files.workbook))
    assert book.sheetnames == ["Tindak Lanjut", "Rekap per Unit", "Pengumuman", "Umpan Balik Negatif", "Keterangan"]

    sheet = book["Tindak Lanjut"]
    assert [c.value for c in sheet[1]] == ITEM_HEADERS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P6"
    rows = {row["Tindak lanjut"]: row for row in rows_of(sheet)}
    assert set(rows) == {OVERDUE, UNDATED_TEXT, RUNNING, DONE_TEXT, CANCELLED_TEXT}  # not Semarang's, not typed

    late = rows[OVERDUE]
    assert late["No."] == ids[OVERDUE]
    assert late["Rapat"] == f"{BANDUNG_TITLE}, 6 Februari 2024"
    assert late["Tanggal rapat"] == datetime(2024, 2, 6) and late["Tenggat"] == datetime(2024, 3, 1)
    assert (late["Status tercatat"], late["Status terkini"], late["Hari terlambat"]) == ("baru", "terlambat", 38)
    assert late["Kelompok"] == "terlambat" and late["Pejabat"] == "Sdr. Budi Santoso"
    assert late["Sumber"] == f"{BANDUNG_DOC}, bagian Tindak Lanjut butir 1"
    due_cell = next(c for c in sheet["G"] if c.value == datetime(2024, 3, 1))
    assert due_cell.is_date and due_cell.number_format == "DD/MM/YYYY"

    undated = rows[UNDATED_TEXT]
    assert undated["Tenggat"] is None and undated["Tenggat tertulis"] == "menunggu arahan pimpinan"
    assert [undated[k] for k in ("Status terkini", "Hari terlambat", "Kelompok")] == ["baru", None, "tanpa tenggat"]

    running = rows[RUNNING]
    assert running["Unit"] == "Bappeda Jabar\nBiro Pemerintahan Setda Prov. Jabar"
    assert (running["Status terkini"], running["Kelompok"]) == ("baru", "dalam proses")

    done = rows[DONE_TEXT]
    assert (done["Status tercatat"], done["Status terkini"], done["Hari terlambat"]) == ("selesai", "selesai", None)
    assert done["Catatan bukti"] == "Notulen terkirim lewat surel [bukti: tanda-terima.pdf]"  # no Telegram file id
    assert isinstance(done["Perubahan terakhir"], datetime)
    assert done["Isi perubahan terakhir"] == "status: baru → selesai (Budi Santoso)"
    assert rows[CANCELLED_TEXT]["Kelompok"] == "dibatalkan"

    units = book["Rekap per Unit"]
    assert [c.value for c in units[1]] == [
        "Unit", "Selesai", "Dalam proses", "Terlambat", "Tanpa tenggat", "Dibatalkan", "Jumlah",
    ]  # fmt: skip
    counts = {row[0]: row[1:] for row in units.iter_rows(min_row=2, values_only=True) if row[0]}
    # Three spellings of the Bappeda are one unit; the item of two units counts for both.
    assert counts["Bappeda Provinsi Jawa Barat"] == (1, 1, 1, 0, 1, 4)
    assert counts["Biro Pemerintahan Sekretariat Daerah Provinsi Jawa Barat"] == (0, 1, 0, 1, 0, 2)
    assert counts["Jumlah butir tindak lanjut"] == (None, None, None, None, None, 5)

    [announcement] = rows_of(book["Pengumuman"])
    assert announcement["Ringkasan"] == "Rapat evaluasi diundur ke 20 April"
    delivery = [announcement[k] for k in ("Jumlah penerima", "Terkirim", "Memblokir bot", "Gagal", "Menunggu")]
    assert delivery == [4, 1, 1, 0, 2]  # the admin's and the secretariat's copies are still queued
    assert announcement["Status"] == "sedang dikirim" and isinstance(announcement["Dibuat"], datetime)

    [feedback] = rows_of(book["Umpan Balik Negatif"])  # the 👍 is not listed
    assert [c.value for c in book["Umpan Balik Negatif"][1]] == [
        "No.", "Tanggal", "Pengguna", "Pertanyaan", "Bagian yang dikutip", "Komentar", "Jawaban",
    ]  # fmt: skip
    assert feedback["Pertanyaan"] == "Siapa yang menetapkan GWPP?"
    assert feedback["Bagian yang dikutip"] == "PP 19/2022 Pasal 7 ayat (5)\nPP 19/2022 Pasal 8"
    assert feedback["Komentar"] == "Pasal yang dikutip kurang tepat, seharusnya Pasal 9."
    assert feedback["Pengguna"] == "Budi Santoso (Bappeda Jawa Barat)"


def test_text_typed_by_users_stays_text_and_control_characters_do_not_break_the_file(seeded) -> None:
    sessions, ids = seeded
    update_followup(sessions, ids[RUNNING], actor_ref(502, "Dewi"), text="Membuka akun\x07 sistem pelaporan")
    book = load_workbook(io.BytesIO(build_report(sessions, today=TODAY, zone=WIB).workbook))
    cells = {c.value: c for c in book["Tindak Lanjut"]["D"]}
    assert cells[FORMULA_TEXT].data_type == "s"  # a formula would run in the reader's Excel
    assert "Membuka akun sistem pelaporan" in cells
    rows = {row["Tindak lanjut"]: row for row in rows_of(book["Tindak Lanjut"])}
    assert rows[FORMULA_TEXT]["Rapat"] == "(dicatat oleh sekretariat)"
    assert rows[SEMARANG_TEXT]["Hari terlambat"] == 99  # 31 December 2023 to 8 April 2024


def test_chart_is_a_png_of_the_expected_size_showing_late_and_undated_items(seeded) -> None:
    sessions, _ = seeded
    files = build_report(sessions, ReportFilters(meeting="Bandung"), today=TODAY, zone=WIB)
    assert files.chart.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(files.chart))
    image.load()  # decodes every row: a truncated or corrupt file fails here
    # Two bars (the Bappeda; the Biro), a line for the filter; 1080 pixels wide for a phone.
    assert image.format == "PNG" and image.size == chart_size(2, filtered=True) == (1080, 556)
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1_000_000)}
    for category in (LATE, UNDATED):
        assert tuple(int(COLOURS[category][i : i + 2], 16) for i in (1, 3, 5)) in colours

    everything = build_report(sessions, today=TODAY, zone=WIB)
    assert Image.open(io.BytesIO(everything.chart)).size == chart_size(4) == (1080, 740)


def test_filters_are_read_and_bad_ones_are_named() -> None:
    assert parse_filters("") == ReportFilters()
    assert parse_filters("rapat Bandung unit Bappeda Jabar sejak 2024-01-01") == ReportFilters(
        meeting="Bandung", unit="Bappeda Jabar", since=date(2024, 1, 1)
    )
    assert parse_filters("sejak 1 Januari 2024").since == date(2024, 1, 1)
    assert parse_filters("SEJAK 15/02/2024").since == date(2024, 2, 15)
    assert parse_filters("sejak Maret 2024").since == date(2024, 3, 1)
    for text, kind, value in (
        ("bulan Maret", "unknown", "bulan Maret"),
        ("unit", "empty", "unit"),
        ("sejak kemarin", "date", "kemarin"),
        ("sejak 2024-02-30", "date", "2024-02-30"),
    ):
        with pytest.raises(FilterError) as caught:
            parse_filters(text)
        assert (caught.value.kind, caught.value.value) == (kind, value)


def test_since_and_unit_filters_narrow_items_announcements_and_counts(seeded) -> None:
    sessions, _ = seeded
    since = build_report(sessions, ReportFilters(since=date(2024, 1, 1)), today=TODAY, zone=WIB).data
    texts = {line.text for line in since.items}
    assert SEMARANG_TEXT not in texts and OVERDUE in texts and FORMULA_TEXT in texts
    unit = build_report(sessions, ReportFilters(unit="Biro Pemerintahan Setda Jabar"), today=TODAY, zone=WIB).data
    assert {line.text for line in unit.items} == {UNDATED_TEXT, RUNNING}
    assert [u.unit for u in unit.units] == ["Biro Pemerintahan Sekretariat Daerah Provinsi Jawa Barat"]
    later = build_report(sessions, ReportFilters(since=date(2999, 1, 1)), today=TODAY, zone=WIB).data
    assert (later.items, later.announcements, later.feedback) == ([], [], [])  # all recorded before then
    assert since.announcements and since.feedback


def test_cli_writes_the_workbook_and_the_chart(
    seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from knowledge.__main__ import main

    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'sinergi.db'}")
    get_settings.cache_clear()
    try:
        workbook, chart = tmp_path / "laporan.xlsx", tmp_path / "grafik.png"
        assert main(["report", "--xlsx", str(workbook), "--chart", str(chart), "--rapat", "Semarang"]) == 0
        assert "1 follow-up items" in capsys.readouterr().out
        [row] = rows_of(load_workbook(workbook)["Tindak Lanjut"])
        assert row["Tindak lanjut"] == SEMARANG_TEXT
        assert Image.open(chart).size == chart_size(1, filtered=True)

        assert main(["report", "--xlsx", str(workbook), "--sejak", "kemarin"]) == 2
        assert capsys.readouterr().err.strip().count("\n") == 0  # one line
        assert main(["report", "--xlsx", str(tmp_path / "tidak-ada" / "x.xlsx")]) == 2
        assert "does not exist" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()

"""The follow-up workbook (.xlsx, openpyxl) the secretariat hands to its leadership.

Sheets, headers in Indonesian: the items (autofilter, frozen header row), counts per unit and category,
announcements with their delivery figures, the 👎 answers, and a short sheet saying what the report covers.
Dates are real Excel dates (sortable and filterable), shown day/month/year as Indonesian offices write them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from knowledge.operations.announcements import AnnouncementStatus, DeliveryStatus
from knowledge.operations.dates import format_indonesian_date
from knowledge.operations.reports import CATEGORIES, ReportData, UnitCount

SHEET_ITEMS = "Tindak Lanjut"
SHEET_UNITS = "Rekap per Unit"
SHEET_ANNOUNCEMENTS = "Pengumuman"
SHEET_FEEDBACK = "Umpan Balik Negatif"
SHEET_ABOUT = "Keterangan"
SHEETS = (SHEET_ITEMS, SHEET_UNITS, SHEET_ANNOUNCEMENTS, SHEET_FEEDBACK, SHEET_ABOUT)

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_CELL = 32_000  # Excel refuses more than 32,767 characters in a cell
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

ANNOUNCEMENT_STATUS: dict[str, str] = {
    AnnouncementStatus.SCHEDULED: "dijadwalkan",
    AnnouncementStatus.SENDING: "sedang dikirim",
    AnnouncementStatus.DONE: "selesai",
    AnnouncementStatus.CANCELLED: "dibatalkan",
}
# Delivery statuses -> columns; CLAIMED ("sending") is still on its way, like PENDING.
DELIVERY_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Terkirim", (DeliveryStatus.SENT,)),
    ("Gagal", (DeliveryStatus.FAILED,)),
    ("Memblokir bot", (DeliveryStatus.BLOCKED,)),
    ("Tidak pasti", (DeliveryStatus.UNKNOWN,)),
    ("Menunggu", (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)),
    ("Dibatalkan", (DeliveryStatus.DROPPED,)),
)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: float
    number_format: str | None = None
    wrap: bool = False


ITEM_COLUMNS = (
    Column("No.", lambda i: i.id, 7),
    Column("Rapat", lambda i: i.meeting, 34, wrap=True),
    Column("Tanggal rapat", lambda i: i.meeting_date, 13, DATE_FORMAT),
    Column("Tindak lanjut", lambda i: i.text, 60, wrap=True),
    Column("Unit", lambda i: "\n".join(i.units), 34, wrap=True),
    Column("Pejabat", lambda i: "\n".join(i.officials), 26, wrap=True),
    Column("Tenggat", lambda i: i.due, 12, DATE_FORMAT),
    Column("Tenggat tertulis", lambda i: i.due_text, 22, wrap=True),
    Column("Status tercatat", lambda i: i.recorded, 15),
    Column("Status terkini", lambda i: i.computed, 15),
    Column("Hari terlambat", lambda i: i.days_overdue, 10),
    Column("Kelompok", lambda i: i.category, 15),
    Column("Perubahan terakhir", lambda i: i.last_change_at, 17, DATETIME_FORMAT),
    Column("Isi perubahan terakhir", lambda i: i.last_change, 40, wrap=True),
    Column("Catatan bukti", lambda i: i.evidence, 40, wrap=True),
    Column("Sumber", lambda i: i.source, 40, wrap=True),
)
ITEM_HEADERS = tuple(c.header for c in ITEM_COLUMNS)

UNIT_HEADERS = ("Unit", "Selesai", "Dalam proses", "Terlambat", "Tanpa tenggat", "Dibatalkan", "Jumlah")
UNITS_TOTAL = "Jumlah butir tindak lanjut"


def _deliveries_in(statuses: tuple[str, ...]) -> Callable[[Any], Any]:
    """The value of one delivery column: how many of an announcement's deliveries are in `statuses`."""
    return lambda a: sum(a.deliveries[x] for x in statuses)


ANNOUNCEMENT_COLUMNS = (
    Column("No.", lambda a: a.id, 7),
    Column("Dibuat", lambda a: a.created_at, 17, DATETIME_FORMAT),
    Column("Pengirim", lambda a: a.author, 24, wrap=True),
    Column("Ringkasan", lambda a: a.summary, 50, wrap=True),
    Column("Penerima sasaran", lambda a: a.audience, 30, wrap=True),
    Column("Wajib", lambda a: "ya" if a.mandatory else "tidak", 8),
    Column("Status", lambda a: ANNOUNCEMENT_STATUS.get(a.status, a.status), 15),
    Column("Dijadwalkan", lambda a: a.scheduled_at, 17, DATETIME_FORMAT),
    Column("Selesai dikirim", lambda a: a.finished_at, 17, DATETIME_FORMAT),
    Column("Jumlah penerima", lambda a: sum(a.deliveries.values()), 10),
    *(Column(name, _deliveries_in(statuses), 10) for name, statuses in DELIVERY_COLUMNS),
)
ANNOUNCEMENT_HEADERS = tuple(c.header for c in ANNOUNCEMENT_COLUMNS)

FEEDBACK_COLUMNS = (
    Column("No.", lambda f: f.id, 7),
    Column("Tanggal", lambda f: f.at, 17, DATETIME_FORMAT),
    Column("Pengguna", lambda f: f.user, 28, wrap=True),
    Column("Pertanyaan", lambda f: f.question, 50, wrap=True),
    Column("Bagian yang dikutip", lambda f: "\n".join(f.citations), 40, wrap=True),
    Column("Komentar", lambda f: f.comment or "", 40, wrap=True),
    Column("Jawaban", lambda f: f.answer, 60, wrap=True),
)
FEEDBACK_HEADERS = tuple(c.header for c in FEEDBACK_COLUMNS)


def workbook_bytes(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    build_workbook(data).save(buffer)
    return buffer.getvalue()


def build_workbook(data: ReportData) -> Workbook:
    book = Workbook()
    items = book.active
    assert items is not None
    items.title = SHEET_ITEMS
    _table(items, ITEM_COLUMNS, data.items)
    _units(book.create_sheet(SHEET_UNITS), data.units, len(data.items))
    _table(book.create_sheet(SHEET_ANNOUNCEMENTS), ANNOUNCEMENT_COLUMNS, data.announcements)
    _table(book.create_sheet(SHEET_FEEDBACK), FEEDBACK_COLUMNS, data.feedback)
    _about(book.create_sheet(SHEET_ABOUT), data)
    return book


def cell_value(value: Any) -> Any:
    """What a cell may hold: text without the control characters XML forbids, clipped to Excel's limit."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    cell = sheet.cell(row=row, column=column, value=cell_value(value))
    if isinstance(value, str) and value.startswith("="):
        # Text typed by users ("=HYPERLINK(...)") must stay text: openpyxl would store it as a formula.
        cell.data_type = "s"
    return cell


def _header(sheet: Worksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    for number, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _put(sheet, 1, number, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling


def _table(sheet: Worksheet, columns: Sequence[Column], records: Sequence[Any]) -> None:
    _header(sheet, [c.header for c in columns], [c.width for c in columns])
    for row_number, record in enumerate(records, start=2):
        for number, column in enumerate(columns, start=1):
            cell = _put(sheet, row_number, number, column.value(record))
            if column.number_format:
                cell.number_format = column.number_format
            cell.alignment = WRAP if column.wrap else TOP
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(records) + 1}"


def _units(sheet: Worksheet, units: Sequence[UnitCount], items: int) -> None:
    _header(sheet, UNIT_HEADERS, [40, *([12] * (len(UNIT_HEADERS) - 1))])
    for row_number, unit in enumerate(units, start=2):
        values = [unit.unit, *(unit.counts[c] for c in CATEGORIES), unit.total]
        for number, value in enumerate(values, start=1):
            _put(sheet, row_number, number, value)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(UNIT_HEADERS))}{len(units) + 1}"
    # Below the filtered range: an item of two units counts in both rows, so the column sums overstate it.
    total_row = len(units) + 3
    _put(sheet, total_row, 1, UNITS_TOTAL).font = TOTAL_FONT
    _put(sheet, total_row, len(UNIT_HEADERS), items).font = TOTAL_FONT
    _put(sheet, total_row + 1, 1, "Butir dengan beberapa unit dihitung pada setiap unitnya.")


def _about(sheet: Worksheet, data: ReportData) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    totals = data.category_totals
    rows: list[tuple[str, Any]] = [
        ("Laporan tindak lanjut Sinergi", format_indonesian_date(data.today)),
        ("Dibuat", data.generated_at),
        ("Saringan", ", ".join(data.filters.labels()) or "tanpa saringan (semua tindak lanjut)"),
        ("Jumlah tindak lanjut", len(data.items)),
        *((f"— {c}", totals[c]) for c in CATEGORIES),
        ("Status terkini", "status tercatat, kecuali butir yang belum selesai dan sudah lewat tenggat: terlambat"),
        ("Hari terlambat", "hari sejak tenggat untuk butir berstatus terkini terlambat"),
        ("Kelompok", "selesai; dalam proses (bertenggat, belum lewat); terlambat; tanpa tenggat; dibatalkan"),
        ("Pengumuman", "semua pengumuman" + (" yang dibuat sejak tanggal saringan" if data.filters.since else "")),
        ("Umpan balik negatif", "jawaban yang diberi 👎, terbaru lebih dahulu"),
    ]
    for number, (label, value) in enumerate(rows, start=1):
        _put(sheet, number, 1, label).font = TOTAL_FONT
        cell = _put(sheet, number, 2, value)
        cell.alignment = Alignment(wrap_text=True, horizontal="left")
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT

"""The report as files: the workbook (openpyxl) and the chart (matplotlib) drawn from `reports.ReportData`.

Kept apart from `reports` because the writers read the report's data types from there; matplotlib and
openpyxl are imported when a file is made, since they take a while to load and /umpanbalik needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from knowledge.operations.reports import ReportData, ReportFilters, collect_report


@dataclass(frozen=True)
class ReportFiles:
    data: ReportData
    workbook: bytes
    chart: bytes


def build_report(
    sessions: sessionmaker[Session],
    filters: ReportFilters | None = None,
    *,
    today: date,
    zone: ZoneInfo,
    now: datetime | None = None,
) -> ReportFiles:
    """The data, the workbook and the chart (CPU work: callers on an event loop run it in a thread)."""
    # Imported here (and in chart_of): matplotlib and openpyxl take a while to load; /umpanbalik needs neither.
    from knowledge.operations.workbook import workbook_bytes

    data = collect_report(sessions, filters, today=today, zone=zone, now=now)
    return ReportFiles(data, workbook_bytes(data), chart_of(data))


def build_chart(
    sessions: sessionmaker[Session], filters: ReportFilters | None = None, *, today: date, zone: ZoneInfo
) -> bytes:
    """The report's chart alone (the weekly digest carries it above its text)."""
    return chart_of(collect_report(sessions, filters, today=today, zone=zone))


def chart_of(data: ReportData) -> bytes:
    from knowledge.operations.charts import progress_chart

    return progress_chart(data.units, data.today, data.filters.labels(), data.category_totals)

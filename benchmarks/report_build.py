"""Time to build the secretariat's report (a benchmark, not a test).

    python benchmarks/report_build.py [--items 2000] [--units 40] [--repeat 3] [--out FOLDER]

Writes N follow-up items (from 20 meetings, spread over the units, one in five with a second unit; a mix of
done, running, overdue, undated and cancelled items, each with a few history entries), 50 announcements with
delivery rows and 300 feedback rows into a fresh SQLite database, then builds the report as /laporan does
(`knowledge.reports.build_report`: read everything, write the workbook, draw the chart) --repeat times.
Prints, for the best and the median run, the total and its parts (reading the store, the workbook, the chart),
the sizes of the two files and the chart's dimensions. The first run also pays for importing openpyxl and
matplotlib, which is printed separately. --out keeps the last run's files for a look.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import (
    AnnouncementDeliveryRow,
    AnnouncementRow,
    DocumentRow,
    FeedbackRow,
    FollowUpHistoryRow,
    FollowUpRow,
    UserRow,
    init_db,
)
from knowledge.operations.reports import collect_report, report_filenames

TODAY = date(2024, 4, 8)
ZONE = ZoneInfo("Asia/Jakarta")
STATUSES = ["baru"] * 4 + ["berjalan"] * 3 + ["selesai"] * 3 + ["dibatalkan"]
PROVINCES = ["Jawa Barat", "Jawa Tengah", "Jawa Timur", "Banten", "Bali", "Aceh", "Riau", "Lampung"]


def unit_names(count: int) -> list[str]:
    heads = [
        "Bappeda Provinsi",
        "Biro Pemerintahan Setda Provinsi",
        "Inspektorat Provinsi",
        "BPKAD Provinsi",
        "Dinas Kependudukan dan Pencatatan Sipil Provinsi",
    ]
    return [f"{heads[n % len(heads)]} {PROVINCES[n // len(heads) % len(PROVINCES)]}" for n in range(count)]


def seed(sessions: sessionmaker[Session], items: int, units: int) -> None:
    rng = random.Random(17)
    names = unit_names(units)
    stamp = datetime(2024, 3, 1, 2, 0)
    with sessions.begin() as session:
        for meeting in range(20):
            held = date(2023, 6, 1) + timedelta(days=15 * meeting)
            info = {
                "meeting": {
                    "title": f"Rapat Koordinasi Dekonsentrasi ke-{meeting + 1}",
                    "date": held.isoformat(),
                    "place": rng.choice(PROVINCES),
                    "chair": None,
                    "participants": [],
                }
            }
            session.add(
                DocumentRow(
                    source=f"/data/notulen-{meeting}.md",
                    doc=f"Notulen Rakor {meeting + 1}",
                    title=f"Notulen Rakor {meeting + 1}",
                    doc_type="notulen",
                    content_hash="0" * 64,
                    info=info,
                )
            )
        for number in range(items):
            meeting = number % 20
            held = date(2023, 6, 1) + timedelta(days=15 * meeting)
            status = rng.choice(STATUSES)
            due = None if rng.random() < 0.15 else held + timedelta(days=rng.randint(14, 400))
            item_units = [names[rng.randrange(units)]] + ([names[rng.randrange(units)]] if rng.random() < 0.2 else [])
            row = FollowUpRow(
                key=f"bench-{number}",
                document_source=f"/data/notulen-{meeting}.md",
                doc=f"Notulen Rakor {meeting + 1}",
                passage_label=f"Notulen Rakor {meeting + 1}, bagian Tindak Lanjut butir {number % 30 + 1}",
                meeting_date=held,
                text=f"Menindaklanjuti rekomendasi nomor {number} tentang pelaporan dekonsentrasi "
                "dan tugas pembantuan beserta data pendukungnya",
                units=item_units,
                officials=["Sdr. Budi Santoso"] if number % 3 == 0 else [],
                due=due,
                due_text=None if due else "menunggu arahan pimpinan",
                status=status,
            )
            row.history.append(FollowUpHistoryRow(actor="ingest", change="dibuat dari dokumen", at=stamp))
            if status != "baru":
                row.history.append(
                    FollowUpHistoryRow(
                        actor="user:42 Budi Santoso",
                        change=f"status: baru -> {status}",
                        note="Sudah dikirim [bukti: ba.pdf, file_id AgAD]",
                        at=stamp,
                    )
                )
            session.add(row)
        for user in range(300):
            session.add(UserRow(id=1000 + user, name=f"Pejabat {user}", unit=names[user % units], status="approved"))
        for number in range(50):
            announcement = AnnouncementRow(
                created_by=1000,
                created_by_name="Dewi Sekretariat",
                kind="text",
                summary=f"Pengumuman {number}",
                audience={"type": "all"},
                audience_label="semua pengguna",
                status="done",
                created_at=stamp,
            )
            session.add(announcement)
            session.flush()
            for user in range(60):
                status = "sent" if user % 20 else rng.choice(["failed", "blocked", "unknown"])
                session.add(
                    AnnouncementDeliveryRow(
                        announcement_id=announcement.id, chat_id=1000 + user, user_id=1000 + user, status=status
                    )
                )
        for number in range(300):
            session.add(
                FeedbackRow(
                    answer_id=f"a{number}",
                    user_id=1000 + number % 300,
                    chat_id=1000,
                    rating=-1,
                    question=f"Pertanyaan {number} tentang pasal dekonsentrasi?",
                    answer="Jawaban ...",
                    citations=["PP 19/2022 Pasal 7 ayat (5)"],
                    comment="Kurang tepat." if number % 2 else None,
                )
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="keep the last run's workbook and chart in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        sessions = init_db(f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        seed(sessions, args.items, args.units)
        print(f"seeded {args.items} items, 50 announcements, 300 feedback in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        from knowledge.operations.charts import chart_lines, chart_rows, chart_size, progress_chart
        from knowledge.operations.workbook import workbook_bytes

        print(f"importing openpyxl and matplotlib: {time.perf_counter() - started:.2f} s (once per process)")
        runs: list[tuple[float, float, float]] = []
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            data = collect_report(sessions, today=TODAY, zone=ZONE)
            t1 = time.perf_counter()
            workbook = workbook_bytes(data)
            t2 = time.perf_counter()
            chart = progress_chart(data.units, TODAY, data.filters.labels(), data.category_totals)
            t3 = time.perf_counter()
            runs.append((t1 - t0, t2 - t1, t3 - t2))
        totals = [sum(r) for r in runs]
        for name, run in (("best", runs[totals.index(min(totals))]), ("median", _median_run(runs, totals))):
            read, book, draw = run
            print(f"{name:>6}: {sum(run):.2f} s = read {read:.2f} s + workbook {book:.2f} s + chart {draw:.2f} s")
        width, height = chart_size(chart_lines(data.units))
        bars, rest = chart_rows(data.units)
        print(
            f"workbook {len(workbook) / 1024:.0f} KB ({len(data.items)} item rows, {len(data.units)} unit rows); "
            f"chart {len(chart) / 1024:.0f} KB, {width}x{height} px, {len(bars)} bars"
            + (f" and a line for {rest.unit}" if rest else "")
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            workbook_name, chart_name = report_filenames(TODAY)
            (args.out / workbook_name).write_bytes(workbook)
            (args.out / chart_name).write_bytes(chart)
            print(f"written to {args.out}")
    return 0


def _median_run(runs: list[tuple[float, float, float]], totals: list[float]) -> tuple[float, float, float]:
    return runs[totals.index(statistics.median_low(totals))]


if __name__ == "__main__":
    sys.exit(main())

"""`python -m knowledge` — ask questions, score a question set, list follow-ups, from the command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.cli import (
    EXIT_CODES_HELP,
    CliError,
    OneLineParser,
    check_data_dir,
    read_jsonl,
    run,
    settings_or_error,
    verbose_requested,
)
from knowledge.config import get_settings
from knowledge.logs import setup_logging
from knowledge.model import FOLLOWUP_STATUSES

if TYPE_CHECKING:
    from knowledge.search.evaluation import EvalScores

DESCRIPTION = """\
Sinergi's knowledge base from the command line. Answers come from the documents ingested with
`python -m ingest`; with OPENAI_API_KEY or OPENAI_BASE_URL set they are written by that model, otherwise the
relevant passages are quoted verbatim."""

EVAL_HELP = """\
Score one or more question sets (JSON lines). Each line holds "id", "answerable" and either "question" or
"turns" (a conversation: the turns are asked in order in one chat of their own, only the last answer is
scored, and the chat's context is cleared afterwards), and "gold": a list of {"doc","pasal","ayat"?,"part"?}
(an article) or {"text"} (a passage containing that snippet, case and whitespace ignored); any entry matches.
Prints, per file and for all files together: hit@1, hit@5 and MRR@10 on answerable questions; ayat-level hit@5
on those with article gold (text gold names no ayat); the refusal rate on unanswerable questions and the
false-refusal rate on answerable ones; fabricated citations; wrong-regulation answers (the question names
"Pasal N" of one regulation and the answer cites Pasal N of a regulation the question does not name); how
close the answers' confidence comes to the answer threshold (answerable: lowest and 10th percentile;
unanswerable: highest and 90th percentile; how many lie within 0.05); latency percentiles, and the start-up
time to the first answer. --misses lists the missed questions and those whose confidence is on the wrong
side of the threshold."""


REPORT_HELP = """\
Write the secretariat's follow-up report, as /laporan sends it in Telegram. The workbook has the sheets
"Tindak Lanjut" (every item: meeting, item, units, officials, due date, recorded and computed status, days
overdue, last change, evidence note, source; with filters and a frozen header row), "Rekap per Unit" (items
per unit and group: selesai, dalam proses, terlambat, tanpa tenggat, dibatalkan), "Pengumuman" (announcements
with their delivery figures), "Umpan Balik Negatif" (answers marked 👎: question, cited passages, comment) and
"Keterangan". The chart (PNG, 1080 pixels wide) shows items per unit by group, titled with today's date.
Filters combine; --sejak also limits announcements and feedback to that period. Exit status: 0 written,
2 bad arguments (e.g. an unreadable date) or a file that cannot be written."""


DB_HELP = """\
The SQL store's schema is migrated with Alembic: every process brings the database to this release's revision
when it opens it (the bot at start), under the writer lock; `upgrade` does it by hand and `current` shows where
it stands. `backup FILE` writes every table and every vector into one zip archive while holding the writer lock
(ingests wait; the bot keeps answering); `restore FILE` loads one into an empty database and vector store
(SQLite or PostgreSQL, embedded Chroma or a server: any combination), migrates it to this release and rebuilds
the keyword index. Uploaded files (DOCUMENTS_DIR) are not in the archive: copy that folder yourself."""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m knowledge", description=DESCRIPTION, epilog=EXIT_CODES_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer a question (or a batch of them)")
    ask.add_argument("question", nargs="?", help="the question, in Bahasa Indonesia")
    ask.add_argument("--batch", type=Path, metavar="FILE.jsonl", help='answer every {"question"} line')
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line for --batch)")

    evaluate = commands.add_parser("eval", help="score question sets", description=EVAL_HELP)
    evaluate.add_argument("files", type=Path, nargs="+", metavar="FILE.jsonl", help="question sets to score")
    evaluate.add_argument(
        "--json", action="store_true", help='print {"sets": {name: scores}, "all": scores, ...} as JSON'
    )
    evaluate.add_argument(
        "--misses", action="store_true", help="list missed questions and confidences on the wrong side"
    )

    status = commands.add_parser(
        "status",
        help="what revoked or amended a regulation, article by article",
        description="What revoked or amended a regulation, article by article, with the clause and the file each "
        "statement was read from (indexed documents and `python -m ingest --status-only` sources).",
    )
    status.add_argument("regulation", help='e.g. "UU 33/2004", "PP 19 Tahun 2022", "UU Pemda"')
    status.add_argument("--json", action="store_true", help="print JSON")

    followups = commands.add_parser(
        "followups",
        help="list follow-up items (tindak lanjut)",
        description="List follow-up items with their computed status: an open item past its due date is "
        '"terlambat N hari" whatever was recorded, as the bot shows it (dates in Asia/Jakarta or TIMEZONE). '
        '--json gives both: "status" (recorded), "computed_status" and "days_late".',
    )
    followups.add_argument("--json", action="store_true", help="print a JSON list")
    followups.add_argument(
        "--status", action="append", metavar="STATUS",
        help="only items whose computed status is this (repeatable): " + ", ".join(FOLLOWUP_STATUSES),
    )  # fmt: skip
    followups.add_argument("--unit", help="only items of this unit (abbreviations are understood)")

    report = commands.add_parser(
        "report", help="write the follow-up report: workbook (.xlsx) and chart (.png)", description=REPORT_HELP
    )
    report.add_argument("--xlsx", type=Path, required=True, metavar="FILE.xlsx", help="where to write the workbook")
    report.add_argument("--chart", type=Path, metavar="FILE.png", help="also draw the chart of items per unit")
    report.add_argument("--rapat", metavar="NAMA", help="only items of this meeting (every word must name it)")
    report.add_argument("--unit", metavar="NAMA", help="only items of this unit (abbreviations are understood)")
    report.add_argument("--sejak", metavar="YYYY-MM-DD", help="only meetings held on or after this day")

    database = commands.add_parser("db", help="schema migrations, backup and restore", description=DB_HELP)
    actions = database.add_subparsers(dest="action", required=True)
    actions.add_parser("current", help="show the database's schema revision and whether an upgrade is due")
    actions.add_parser("upgrade", help="bring the database schema to this release's revision")
    backup = actions.add_parser("backup", help="write every table and every vector to one archive")
    backup.add_argument("file", type=Path, metavar="FILE", help="the archive to write (a zip file)")
    restore = actions.add_parser("restore", help="load an archive made by `db backup` (run with the bot stopped)")
    restore.add_argument("file", type=Path, metavar="FILE", help="the archive to read")
    restore.add_argument("--force", action="store_true", help="replace what the database and vector store hold")

    health = commands.add_parser(
        "health", help="check that the database, vector store and embeddings answer (exit 0 or 1)",
        description="Check the database (and its schema revision), the vector store and the embeddings, print "
        "a JSON report and exit 0 when all three answer, 1 otherwise: the container's HEALTHCHECK.",
    )  # fmt: skip
    health.add_argument("--timeout", type=float, default=5.0, help="seconds each check may take (default 5)")
    return parser


def _assistant():
    from knowledge.index.store import KnowledgeStore
    from knowledge.search.answer import Assistant

    settings = get_settings()
    return Assistant(KnowledgeStore(settings), settings)


def render_text(answer: Any) -> str:
    lines = [answer.answer]
    for notice in answer.notices:
        lines.append(f"\n⚠ {notice}")
    if answer.citations and answer.mode != "lookup":
        lines.append("\nSumber:")
        lines.extend(f"[{n}] {r.cited_label}" for n, r in enumerate(answer.citations, start=1))
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.batch):
        raise CliError("give either a QUESTION or --batch FILE.jsonl")
    # The whole batch is read and checked first: a bad line stops the run before anything is answered.
    items = read_jsonl(args.batch, required="question") if args.batch else []
    assistant = _assistant()
    if args.question:
        answer = assistant.ask(args.question)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render_text(answer))
        return 0
    for number, item in enumerate(items, start=1):
        answer = assistant.ask(item["question"])
        answer.id = item.get("id", str(number))
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"## {answer.id}: {item['question']}\n{render_text(answer)}\n", flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.search.evaluation import answer_item, load_items, question_of, report_lines, score

    sets: dict[str, list[dict[str, Any]]] = {}
    for path, name in zip(args.files, _set_names(args.files), strict=True):
        read_jsonl(path)  # a missing file or a line that is not JSON: one line naming it
        try:
            sets[name] = load_items(path)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    everything = [item for items in sets.values() for item in items]
    started = time.perf_counter()
    assistant = _assistant()
    if everything:
        assistant.ask(question_of(everything[0]))
    startup_ms = (time.perf_counter() - started) * 1000
    # The first answer above paid for loading models and indexes (reported as start-up); every question,
    # the first included, is timed again warm so the percentiles describe steady-state answering.
    results = {
        name: [answer_item(assistant, item, number) for number, item in enumerate(items, start=1)]
        for name, items in sets.items()
    }
    article_exists = assistant.retriever.corpus.has_article
    per_set = {name: score(sets[name], results[name], article_exists) for name in sets}
    # Scored over the pooled questions (not averaged per set), so a large set weighs as much as it holds.
    overall = score(everything, [r for name in sets for r in results[name]], article_exists)
    if args.json:
        data = {
            "sets": {name: _scores_json(s, args.misses) for name, s in per_set.items()},
            # Misses are listed under their set only.
            "all": _scores_json(overall, False),
            "startup_to_first_answer_ms": round(startup_ms, 1),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for name, scores in per_set.items():
        print(f"== {name} ({_count(scores.questions)}) ==")
        for line in report_lines(scores, args.misses):
            print(line)
        print()
    print(f"== all sets ({_count(overall.questions)}) ==")
    for line in report_lines(overall):
        print(line)
    print(f"start-up to first answer {startup_ms:.0f} ms")
    return 0


def _count(questions: int) -> str:
    return f"{questions} question" + ("" if questions == 1 else "s")


def _set_names(paths: list[Path]) -> list[str]:
    """A set is named by its file's stem, or by the path as given where two files share a stem."""
    stems = [p.stem for p in paths]
    return [p.stem if stems.count(p.stem) == 1 else str(p) for p in paths]


def _scores_json(scores: EvalScores, with_misses: bool) -> dict[str, Any]:
    data = scores.to_json()
    if not with_misses:
        data.pop("misses")
        data.pop("wrong_side")
    return data


def cmd_status(args: argparse.Namespace) -> int:
    report = _assistant().regulation_status(args.regulation)
    if report is None:
        raise CliError(f'no regulation recognised in {args.regulation!r} (write it like "UU 33/2004")')
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(report.summary())
    for line in report.lines():
        print(f"- {line}")
    if not report.indexed:
        print(f"(Teks {report.doc} sendiri tidak ada dalam basis pengetahuan.)")
    return 0


def cmd_followups(args: argparse.Namespace) -> int:
    from knowledge.formats import format_date
    from knowledge.index.store import KnowledgeStore
    from knowledge.operations.followups import followup_dict, list_followups, source_text, status_text

    unknown = [status for status in args.status or [] if status not in FOLLOWUP_STATUSES]
    if unknown:
        raise CliError(f"unknown status {unknown[0]!r} (choose from {', '.join(FOLLOWUP_STATUSES)})")
    settings = get_settings()
    today = datetime.now(_zone(settings.timezone)).date()  # "late" as the bot computes it, in the same zone
    rows = list_followups(KnowledgeStore(settings).sessions, statuses=args.status, unit=args.unit, today=today)
    if args.json:
        print(json.dumps([followup_dict(r, today) for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Tidak ada tindak lanjut yang cocok.")
    for row in rows:
        due = format_date(row.due) if row.due else "tanpa tenggat"
        units = ", ".join(row.units or []) or "unit belum ditentukan"
        print(f"#{row.id} [{status_text(row, today)}] {due} — {units}\n    {row.text}\n    Sumber: {source_text(row)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from knowledge.index.store import KnowledgeStore
    from knowledge.operations.report_files import build_report
    from knowledge.operations.reports import FilterError, ReportFilters, parse_since

    try:
        since = parse_since(args.sejak) if args.sejak is not None else None
    except FilterError:
        print(f"error: --sejak {args.sejak!r} is not a date (write it like 2024-01-01)", file=sys.stderr)
        return 2
    for path in (args.xlsx, args.chart):
        if path is not None and not path.parent.is_dir():
            print(f"error: cannot write {path}: folder {path.parent} does not exist", file=sys.stderr)
            return 2
    settings = get_settings()
    filters = ReportFilters(meeting=_blank_none(args.rapat), unit=_blank_none(args.unit), since=since)
    zone = _zone(settings.timezone)
    today = datetime.now(zone).date()
    files = build_report(KnowledgeStore(settings).sessions, filters, today=today, zone=zone)
    try:
        args.xlsx.write_bytes(files.workbook)
        if args.chart is not None:
            args.chart.write_bytes(files.chart)
    except OSError as error:
        print(f"error: cannot write the report: {error.strerror or error} ({error.filename})", file=sys.stderr)
        return 2
    data = files.data
    written = f"{args.xlsx}" + (f" and {args.chart}" if args.chart is not None else "")
    print(
        f"{len(data.items)} follow-up items, {len(data.announcements)} announcements, "
        f"{len(data.feedback)} negative feedback -> {written}"
    )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from knowledge import migrate
    from knowledge.db import make_engine
    from knowledge.index.backup import BackupError, backup, restore

    settings = get_settings()
    try:
        if args.action in ("current", "upgrade"):
            engine = make_engine(settings.db_url)
            try:
                return _db_current(engine) if args.action == "current" else _db_upgrade(engine, settings)
            finally:
                engine.dispose()
        if args.action == "backup":
            done = backup(settings, args.file)
            print(
                f"{done.rows} rows of {len(done.tables)} tables and {done.vectors} vectors (schema revision "
                f"{done.revision}) -> {done.path} ({args.file.stat().st_size / 1e6:.1f} MB, {done.seconds:.1f} s)"
            )
            return 0
        done = restore(settings, args.file, force=args.force)
    except migrate.UnknownRevision as error:
        raise CliError(str(error)) from None
    except BackupError as error:
        raise CliError(str(error)) from None
    print(
        f"restored {done.rows} rows and {done.vectors} vectors from {done.path} (made at schema revision "
        f"{done.revision}, now {migrate.head()}) in {done.seconds:.1f} s"
    )
    return 0


def _db_current(engine: Any) -> int:
    from knowledge import migrate

    with engine.connect() as connection:
        revision = migrate.current(connection)
    due = migrate.needs_upgrade(engine)  # raises UnknownRevision for a newer release's database
    if revision is None:
        state = "no schema revision recorded (a new database, or one from before migrations)"
    else:
        state = f"revision {revision}" + (" (head)" if revision == migrate.head() else "")
    print(state + (f"; upgrade due to {migrate.head()}: run `python -m knowledge db upgrade`" if due else ""))
    return 0


def _db_upgrade(engine: Any, settings: Any) -> int:
    from knowledge import migrate
    from knowledge.index.writer import exclusive_writer

    with engine.connect() as connection:
        before = migrate.current(connection)

    def lock() -> Any:
        return exclusive_writer(
            settings.data_dir,
            "database upgrade",
            wait=settings.writer_wait_seconds,
            on_wait=lambda holder: print(f"waiting: {holder}", file=sys.stderr),
        )

    applied = migrate.upgrade(engine, lock=lock)
    if not applied:
        print(f"already at revision {migrate.head()} (head)")
    else:
        print(f"upgraded: {' -> '.join([before or '(no revision)', *applied])}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from knowledge.health import check_health

    health = check_health(get_settings(), timeout=args.timeout)
    print(json.dumps(health.to_json(), indent=2, ensure_ascii=False))
    return 0 if health.ok else 1


def _blank_none(text: str | None) -> str | None:
    """An option given as "" or spaces filters nothing."""
    return " ".join(text.split()) or None if text else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Jakarta")


def main(argv: list[str] | None = None) -> int:
    """Every error is one line with its exit status (knowledge/cli.py); -v adds tracebacks."""
    return run(
        lambda: _main(argv), verbose=verbose_requested(argv), prefix="error: ",
        internal="internal error ({error}); run again with -v for details.", interrupted="interrupted.",
    )  # fmt: skip


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.INFO if args.verbose else logging.WARNING)
    settings = settings_or_error(get_settings, indonesian=False)
    check_data_dir(settings.data_dir, indonesian=False)
    handler = {
        "ask": cmd_ask, "eval": cmd_eval, "status": cmd_status, "followups": cmd_followups, "report": cmd_report,
        "db": cmd_db, "health": cmd_health,
    }[args.command]  # fmt: skip
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

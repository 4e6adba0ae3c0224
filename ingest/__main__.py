"""`python -m ingest PATH... [--prune] [--rebuild] [--status-only] [--json]` — add documents to Sinergi's
knowledge store, or read regulations for their status clauses only."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ingest.pipeline import IngestReport, Pipeline
from ingest.status_sources import read_status_sources
from knowledge.config import get_settings
from knowledge.logs import setup_logging
from knowledge.store import EmbeddingModelMismatch, KnowledgeStore
from knowledge.writer import WriterBusy

DESCRIPTION = """\
Ingest regulations (PDF, DOCX, MD, TXT), meeting minutes and recommendation lists into the knowledge store
under DATA_DIR. Files are recognised by their content. Unchanged files are skipped; a changed file replaces
its previous version; a file that cannot be read is reported and the rest are still ingested. Symbolic links
below a folder that lead outside it are skipped and reported (files named on the command line are read as
named).
With --status-only, regulations are read only for what they say about others (revoked, amended, articles
replaced, inserted or deleted): nothing is indexed, and thousands of files take a few minutes.
Only one process writes to DATA_DIR at a time: a second run waits for the first (WRITER_WAIT_SECONDS).
Exit status: 0 when every file was ingested, 1 when some failed, 2 on a configuration error, 3 when another
writer kept DATA_DIR busy for longer than WRITER_WAIT_SECONDS (nothing was changed)."""

EXIT_BUSY = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=DESCRIPTION)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to ingest")
    parser.add_argument(
        "--prune", action="store_true", help="remove documents whose file is no longer in the given folders"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the index and ingest everything again (needed after changing the embedding model)",
    )
    parser.add_argument(
        "--status-only",
        action="store_true",
        help="read regulations only for the status of others (revocations, amendments); index nothing",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary object on stdout")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    return parser


def terminal_progress(number: int, total: int, path: Path) -> None:
    width = 30
    filled = int(width * number / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {number}/{total} {path.name[:40]:<40}")
    sys.stderr.flush()
    if number == total:
        sys.stderr.write("\n")


def print_human(report: IngestReport) -> None:
    for f in report.files:
        if f.action == "unchanged":
            continue
        if f.action == "failed":
            print(f"GAGAL    {f.path}: {f.error}")
            continue
        if f.action == "skipped":
            print(f"DILEWATI {f.path}")
            for warning in f.warnings:
                print(f"         ! {warning}")
            continue
        line = f"{f.action.upper():<8} {f.path}"
        if f.doc:
            line += f" -> {f.doc} ({f.passages} bagian)"
        print(line)
        for warning in f.warnings:
            print(f"         ! {warning}")
    for change in report.status_changes:
        by = f" oleh {change.revoked_by}" if change.revoked_by else ""
        print(f"STATUS   {change.doc}: {change.old} -> {change.new}{by}")
    s = report.summary()
    print(
        f"\n{s['added']} baru, {s['updated']} diperbarui, {s['unchanged']} tidak berubah, "
        f"{s['removed']} dihapus, {len(s['failed'])} gagal, {len(s['skipped'])} dilewati. "
        f"Total: {s['documents']} dokumen, {s['passages']} bagian, {s['followups']} tindak lanjut "
        f"({s['seconds']:.1f} detik)."
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.INFO if args.verbose else logging.WARNING)
    settings = get_settings()
    store = KnowledgeStore(settings)
    progress = terminal_progress if sys.stderr.isatty() and not args.verbose else None
    try:
        if args.status_only:
            return status_only(store, args, progress)
        report = Pipeline(store).run(
            args.paths, prune=args.prune, rebuild=args.rebuild, progress=progress, on_wait=waiting
        )
    except EmbeddingModelMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except WriterBusy as busy:
        print(f"error: DATA_DIR is being written by {busy.holder}; nothing was changed. Try again later "
              "or raise WRITER_WAIT_SECONDS.", file=sys.stderr)
        return EXIT_BUSY
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        print_human(report)
    return 1 if report.failed else 0


def waiting(holder: str) -> None:
    print(f"waiting: DATA_DIR is being written by {holder}; this run starts when it finishes…", file=sys.stderr)


def status_only(store: KnowledgeStore, args: argparse.Namespace, progress) -> int:
    report = read_status_sources(store, args.paths, prune=args.prune, progress=progress, on_wait=waiting)
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
        return 0
    for path, why in report.skipped:
        print(f"DILEWATI {path}: {why}")
    for warning in report.warnings:
        print(f"         ! {warning}")
    for change in report.status_changes:
        by = f" oleh {change.revoked_by}" if change.revoked_by else ""
        print(f"STATUS   {change.doc}: {change.old} -> {change.new}{by}")
    print(
        f"\n{report.read} dibaca, {report.unchanged} tidak berubah, {len(report.skipped)} dilewati, "
        f"{report.removed} dihapus; {report.edges} keterangan status ({report.seconds:.1f} detik)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

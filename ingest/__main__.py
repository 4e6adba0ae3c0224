"""`python -m ingest PATH... [--prune] [--rebuild] [--status-only] [--json]` — add documents to Sinergi's
knowledge store, or read regulations for their status clauses only."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ingest.messages import ACTIONS
from ingest.notices import in_indonesian
from ingest.parsers.status_sources import read_status_sources
from ingest.pipeline import FileAction, IngestReport, Pipeline
from knowledge.cli import (
    EXIT_BUSY,
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    OneLineParser,
    check_data_dir,
    run,
    settings_or_error,
    verbose_requested,
)
from knowledge.config import get_settings
from knowledge.formats import format_seconds
from knowledge.index.store import EmbeddingModelMismatch, KnowledgeStore
from knowledge.index.writer import WriterBusy
from knowledge.logs import setup_logging

DESCRIPTION = """\
Ingest regulations (PDF, DOCX, MD, TXT), meeting minutes and recommendation lists into the knowledge store
under DATA_DIR. Files are recognised by their content. Scanned PDF pages and images (JPEG, PNG, TIFF, WEBP:
photos of pages) are read by OCR, page by page (OCR_ENGINE, OCR_MAX_PAGES, OCR_SECONDS_PER_PAGE); a PDF
that has a text layer on some pages keeps it there. Unchanged files are skipped; a changed file replaces
its previous version; a file that cannot be read is reported and the rest are still ingested. Symbolic links
below a folder that lead outside it are skipped and reported (files named on the command line are read as
named).
With --status-only, regulations are read only for what they say about others (revoked, amended, articles
replaced, inserted or deleted): nothing is indexed, and thousands of files take a few minutes.
Only one process writes to DATA_DIR at a time: a second run waits for the first (WRITER_WAIT_SECONDS).
Exit status: 0 when every file was ingested, 1 when some failed, 2 on a usage or configuration error (a
path that does not exist, an invalid setting, a DATA_DIR that cannot be written, an index built with another
embedding model), 3 when another writer kept DATA_DIR busy for longer than WRITER_WAIT_SECONDS (nothing was
changed), 4 on an internal error (-v shows the traceback). The report and the errors are in Indonesian; --json
keeps English keys and messages for scripts."""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m ingest", description=DESCRIPTION, epilog=EXIT_CODES_HELP, indonesian=True)
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


class TerminalProgress:
    """A progress bar on stderr: files done of all, the current file and, while OCR reads a scan, its pages."""

    def __init__(self) -> None:
        self._file: tuple[int, int, Path] | None = None

    def file(self, number: int, total: int, path: Path) -> None:
        self._file = (number, total, path)
        self._draw("")

    def page(self, done: int, total: int) -> None:
        self._draw(f"OCR hal. {done}/{total}")

    def finish(self) -> None:
        if self._file is not None:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def _draw(self, pages: str) -> None:
        if self._file is None:
            return
        number, total, path = self._file
        width = 30
        filled = int(width * number / max(total, 1))
        bar = f"[{'#' * filled}{'.' * (width - filled)}]"
        sys.stderr.write(f"\r{bar} {number}/{total} {path.name[:40]:<40} {pages:<18}")
        sys.stderr.flush()


def print_human(report: IngestReport) -> None:
    for f in report.files:
        if f.action == FileAction.UNCHANGED:
            continue
        label = f"{ACTIONS.get(f.action, f.action.upper()):<10}"
        if f.action == FileAction.FAILED:
            print(f"{label} {f.path}: {f.pesan or f.error}")
            continue
        if f.action == FileAction.SKIPPED:
            print(f"{label} {f.path}")
            for warning in f.warnings:
                print(f"           ! {in_indonesian(warning)}")
            continue
        line = f"{label} {f.path}"
        if f.doc:
            line += f" → {f.doc} ({f.passages} bagian)"
        print(line)
        for warning in f.warnings:
            print(f"           ! {in_indonesian(warning)}")
    for change in report.status_changes:
        by = f" oleh {change.revoked_by}" if change.revoked_by else ""
        print(f"{'STATUS':<10} {change.doc}: {change.old} → {change.new}{by}")
    s = report.summary()
    print(
        f"\n{s['added']} baru, {s['updated']} diperbarui, {s['unchanged']} tidak berubah, "
        f"{s['removed']} dihapus, {len(s['failed'])} gagal, {len(s['skipped'])} dilewati. "
        f"Total: {s['documents']} dokumen, {s['passages']} bagian, {s['followups']} tindak lanjut "
        f"({format_seconds(report.seconds)})."
    )


def main(argv: list[str] | None = None) -> int:
    """Every error is one line in Indonesian with its exit status (knowledge/cli.py); -v adds tracebacks."""
    return run(
        lambda: _main(argv), verbose=verbose_requested(argv), prefix="Kesalahan: ",
        internal="kesalahan internal ({error}); jalankan ulang dengan -v untuk rinciannya.",
        interrupted="dihentikan oleh pengguna; berkas yang sudah selesai tetap tersimpan.",
    )  # fmt: skip


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.INFO if args.verbose else logging.WARNING)
    missing = [str(path) for path in args.paths if not path.exists() and not path.is_symlink()]
    if missing:
        raise CliError(f"berkas atau folder tidak ditemukan: {', '.join(missing)}; tidak ada yang dimasukkan.")
    settings = settings_or_error(get_settings, indonesian=True)
    check_data_dir(settings.data_dir, indonesian=True)
    store = KnowledgeStore(settings)
    bar = TerminalProgress() if sys.stderr.isatty() and not args.verbose else None
    progress = bar.file if bar else None
    try:
        if args.status_only:
            return status_only(store, args, progress)
        report = Pipeline(store, on_page=bar.page if bar else None).run(
            args.paths, prune=args.prune, rebuild=args.rebuild, progress=progress, on_wait=waiting
        )
    except EmbeddingModelMismatch:
        raise CliError(
            "indeks dibangun dengan model embedding lain daripada yang diatur (EMBEDDING_*); jalankan "
            "`python -m ingest --rebuild PATH` untuk membangunnya ulang, atau kembalikan pengaturannya."
        ) from None
    except WriterBusy as busy:
        raise CliError(
            f"DATA_DIR sedang ditulis oleh {busy.holder}; tidak ada yang diubah. Coba lagi nanti atau naikkan "
            "WRITER_WAIT_SECONDS.", EXIT_BUSY,
        ) from None  # fmt: skip
    finally:
        if bar:
            bar.finish()
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        print_human(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def waiting(holder: str) -> None:
    print(f"Menunggu: DATA_DIR sedang ditulis oleh {holder}; proses ini mulai setelah itu selesai…", file=sys.stderr)


def status_only(store: KnowledgeStore, args: argparse.Namespace, progress) -> int:
    report = read_status_sources(store, args.paths, prune=args.prune, progress=progress, on_wait=waiting)
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
        return 0
    for path, why in report.skipped:
        why = "bukan peraturan" if why == "not a regulation" else in_indonesian(why)
        print(f"{ACTIONS[FileAction.SKIPPED]:<10} {path}: {why}")
    for warning in report.warnings:
        print(f"           ! {in_indonesian(warning)}")
    for change in report.status_changes:
        by = f" oleh {change.revoked_by}" if change.revoked_by else ""
        print(f"{'STATUS':<10} {change.doc}: {change.old} → {change.new}{by}")
    print(
        f"\n{report.read} dibaca, {report.unchanged} tidak berubah, {len(report.skipped)} dilewati, "
        f"{report.removed} dihapus; {report.edges} keterangan status ({format_seconds(report.seconds)})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

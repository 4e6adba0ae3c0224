"""The incremental ingestion pipeline: files -> parsed documents -> the knowledge store.

Each file is its own unit of work: unchanged files (same content hash) cost a hash, a file that fails is
reported and leaves the store as it was, and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ingest.errors import ErrorCode
from ingest.notices import Notice, NoticeCode
from ingest.parsers.generic import parse_generic
from ingest.parsers.minutes import looks_like_minutes, parse_minutes
from ingest.parsers.regulation import looks_like_regulation, parse_regulation
from ingest.readers.confidence import stamp_confidence
from ingest.readers.files import RawText, ReadError, read_bytes
from ingest.readers.scan import scan_options
from knowledge.config import Settings
from knowledge.index.store import STATUS_READ, KnowledgeStore, StatusChange, WriteResult
from knowledge.index.vectors import index_units
from knowledge.model import Document, content_hash
from knowledge.operations.followups import SyncResult, count_followups, sync_document_followups

log = logging.getLogger(__name__)

Progress = Callable[[int, int, Path], None]
PageProgress = Callable[[int, int], None]  # scanned pages read by OCR so far, of the file's scanned pages


class DuplicateDocument(ValueError):
    def __init__(self, doc: str, other: str) -> None:
        super().__init__(f"{doc} is already ingested from {other}; keep one of the two files")
        self.doc = doc
        self.other = other


class FileAction(StrEnum):
    """What ingesting did with one file (the upload report uses ADDED, UPDATED, UNCHANGED and FAILED)."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    FAILED = "failed"
    SKIPPED = "skipped"  # a link leading out of the folder


@dataclass
class FileOutcome:
    path: str
    action: FileAction
    doc: str | None = None
    title: str | None = None
    doc_type: str | None = None
    passages: int = 0
    passages_added: int = 0
    passages_removed: int = 0
    followups_added: int = 0
    followups_changed: int = 0
    followups_removed: int = 0
    replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # English, for logs and scripts
    pesan: str | None = None  # Indonesian, for users
    status_read: bool = False  # unchanged, but its status clauses were read for the first time


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    documents: int = 0
    passages: int = 0
    followups: int = 0
    seconds: float = 0.0

    def count(self, action: FileAction) -> int:
        return sum(1 for f in self.files if f.action == action)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.action == FileAction.FAILED]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [f for f in self.files if f.action == FileAction.SKIPPED]

    def summary(self) -> dict:
        """The `python -m ingest --json` object."""
        return {
            "added": self.count(FileAction.ADDED),
            "updated": self.count(FileAction.UPDATED),
            "unchanged": self.count(FileAction.UNCHANGED),
            "removed": self.count(FileAction.REMOVED),
            "failed": [{"path": f.path, "error": f.error} for f in self.failed],
            "skipped": [{"path": f.path, "reason": "; ".join(f.warnings)} for f in self.skipped],
            "documents": self.documents,
            "passages": self.passages,
            "followups": self.followups,
            "seconds": round(self.seconds, 3),
        }


class OutsideLink(type(Path())):  # type: ignore[misc]
    """A symbolic link below an ingest folder whose real location is outside it (`passwd.txt -> /etc/passwd`).

    `collect_files` lists it, rather than dropping it, so that the report names it: the pipeline reports it as
    skipped and never reads it, and `read_limited` refuses it for any other caller.
    """

    target: Path  # where the link really leads
    is_folder: bool  # a folder link: nothing below it was looked at


def collect_files(paths: Iterable[Path], *, quiet: bool = False) -> list[Path]:
    """Every regular, non-hidden file under the given folders, and the files given by name (type is decided
    later, by content), each real file once.

    Nothing below a folder leads out of it: a file or folder symlink whose real location is outside the folder
    comes back as an `OutsideLink` (reported, never read). Folder symlinks are never followed: one leading
    inside adds nothing that the walk does not find where it really is, and it may loop. A file given by name
    is taken as given, symlink or not: the operator named it (a shell glob such as `FOLDER/*` names every
    entry, so a warning is logged when one of them leads outside every given folder).
    """
    paths = [Path(p) for p in paths]
    roots = [p.resolve() for p in paths if p.is_dir()]
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(_walk(path))
        else:
            found = [path]
            near = [*roots, path.absolute().parent.resolve()]
            if path.is_symlink() and not quiet and not any(_inside(path.resolve(), root) for root in near):
                log.warning("%s is a symbolic link to %s; read because it was named", path, path.resolve())
        for file in found:
            key = file.absolute() if isinstance(file, OutsideLink) else file.resolve()
            if key not in seen:  # the same real file through a link, or a file named and in a folder
                seen.add(key)
                files.append(file)
    return files


def _walk(folder: Path) -> Iterator[Path]:
    root = folder.resolve()
    for current, folders, names in os.walk(folder):  # followlinks=False: folder links are only listed
        here = Path(current)
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in folders:
            link = here / name
            if link.is_symlink() and not _inside(link.resolve(), root):
                yield _outside_link(link, is_folder=True)
        for name in names:
            file = here / name
            if name.startswith(".") or not file.is_file():  # hidden, a broken link, a pipe or a device
                continue
            if file.is_symlink() and not _inside(file.resolve(), root):
                yield _outside_link(file, is_folder=False)
            else:
                yield file


def _inside(real: Path, root: Path) -> bool:
    return real == root or real.is_relative_to(root)


def _outside_link(path: Path, *, is_folder: bool) -> OutsideLink:
    link = OutsideLink(path)
    link.target = path.resolve()
    link.is_folder = is_folder
    return link


def check_workload(document: Document, settings: Settings, name: str) -> None:
    """Refuse a file that would hold the single writer for hours (a 14 MB DOCX can split into 54,000 passages):
    checked after parsing and before embedding, so nothing of it is written."""
    passages = len(document.passages)
    if passages > settings.max_passages_per_file:
        raise ReadError(ErrorCode.TOO_MANY_PASSAGES, name=name, passages=passages, limit=settings.max_passages_per_file)
    # Long passages are indexed as several windows: the embedding work is in units, not passages.
    units = sum(len(index_units(passage)) for passage in document.passages)
    if units > settings.max_units_per_file:
        raise ReadError(ErrorCode.TOO_MANY_UNITS, name=name, units=units, limit=settings.max_units_per_file)


def parse_document(raw: RawText, source: str, digest: str) -> Document:
    """Pick the parser by what the text is, not by where it came from; passages read from a scan carry the OCR
    confidence of their text."""
    text = raw.text
    if looks_like_minutes(text):
        document = parse_minutes(raw.pages, source, digest)
    elif looks_like_regulation(text):
        document = parse_regulation(raw.pages, source, digest)
    else:
        document = parse_generic(raw.pages, source, digest)
    stamp_confidence(document, raw.pages)
    return document


class Pipeline:
    def __init__(self, store: KnowledgeStore, on_page: PageProgress | None = None) -> None:
        self.store = store
        self.settings = store.settings
        self.on_page = on_page  # told after each scanned page is read by OCR (a file can take minutes)

    def run(
        self,
        paths: list[Path],
        *,
        prune: bool = False,
        rebuild: bool = False,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Ingest files and folders under the one-writer lock of DATA_DIR (`on_wait` hears who holds it when
        another writer is at work; WriterBusy when it does not finish in time)."""
        with self.store.writing("ingest", on_wait=on_wait):
            return self._run(paths, prune=prune, rebuild=rebuild, progress=progress)

    def _run(self, paths: list[Path], *, prune: bool, rebuild: bool, progress: Progress | None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        if rebuild:
            self.store.reset()
        orphans = self.store.collect_garbage()
        if orphans:
            log.info("removed %d orphaned vectors left by an interrupted run", orphans)
        self.store.check_embedding_model()

        files = collect_files(paths)
        batch = {str(p.resolve()) for p in files}
        for number, path in enumerate(files, start=1):
            if progress:
                progress(number, len(files), path)
            report.files.append(self.ingest_file(path, batch=batch))
        if prune:
            report.files.extend(self._prune(paths, {str(p.resolve()) for p in files}))

        report.status_changes = self.store.refresh_statuses()
        written = (FileAction.ADDED, FileAction.UPDATED, FileAction.REMOVED)
        changed = any(f.action in written or f.status_read for f in report.files)
        if changed or report.status_changes:
            self.store.rebuild_bm25()
        else:
            self.store.load_bm25()  # repairs a BM25 index left stale by a crash
        self._totals(report)
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(self, path: Path, data: bytes | None = None, batch: set[str] | None = None) -> FileOutcome:
        """Ingest one file. `batch` holds the other files of this run: a document they already provide is
        not taken over by a second file, so two copies in one folder cannot replace each other forever."""
        if isinstance(path, OutsideLink):
            return self._outside(path)
        source = str(Path(path).resolve())
        outcome = FileOutcome(path=str(path), action=FileAction.FAILED)
        try:
            data = data if data is not None else read_limited(path, self.settings.max_file_bytes)
            digest = content_hash(data)
            existing = self.store.document_for_source(source)
            if existing is None:
                existing = self.store.document_with_hash(digest)
                if existing is not None:
                    outcome.warnings.append(Notice(NoticeCode.SAME_CONTENT, source=existing.source))
            if existing is not None and existing.content_hash == digest:
                if existing.source == source and not (existing.info or {}).get(STATUS_READ):
                    self._read_status(data, path, source, digest)
                    outcome.status_read = True
                outcome.action = FileAction.UNCHANGED
                outcome.doc, outcome.title, outcome.doc_type = existing.doc, existing.title, existing.doc_type
                outcome.passages = existing.passage_count
                return outcome
            raw = read_bytes(
                data,
                Path(path).name,
                self.settings.max_file_bytes,
                self.settings.max_pages,
                scan_options(self.settings, self.on_page),
            )
            document = parse_document(raw, source, digest)
            check_workload(document, self.settings, Path(path).name)
            holder = self.store.document_named(document.doc)
            if holder is not None and holder.source != source and holder.source in (batch or set()):
                raise DuplicateDocument(document.doc, holder.source)
            embedded = self.store.embed(document.passages)
            written = self.store.write_document(document, embedded, sync=sync_document_followups)
        except ReadError as exc:
            outcome.error, outcome.pesan = exc.message, exc.pesan
            log.warning("failed to read %s: %s", path, exc.message)
            return outcome
        except DuplicateDocument as exc:
            outcome.error = str(exc)
            outcome.pesan = (
                f"Berkas {Path(path).name} memuat {exc.doc}, yang sudah dimasukkan dari berkas "
                f"{Path(exc.other).name}. Simpan salah satu saja."
            )
            log.warning("skipped %s: %s", path, exc)
            return outcome
        except ValueError as exc:
            outcome.error = str(exc)
            outcome.pesan = f"Berkas {Path(path).name} tidak dapat diurai: isinya tidak dikenali."
            log.warning("failed to parse %s: %s", path, exc)
            return outcome
        except Exception as exc:  # one broken file must not stop the batch
            log.exception("failed to ingest %s", path)
            outcome.error = f"{type(exc).__name__}: {exc}"
            outcome.pesan = f"Berkas {Path(path).name} gagal diproses karena kesalahan internal."
            return outcome
        outcome.action = FileAction.UPDATED if written.replaced else FileAction.ADDED
        outcome.doc, outcome.title, outcome.doc_type = document.doc, document.title, document.doc_type
        outcome.passages = len(document.passages)
        outcome.passages_added = written.passages_added
        outcome.passages_removed = written.passages_removed
        synced = _synced(written)
        outcome.followups_added = synced.added
        outcome.followups_changed = synced.changed
        outcome.followups_removed = synced.removed
        outcome.replaced = [s for s in written.replaced if s != source]
        outcome.warnings = [*raw.warnings, *document.warnings]
        return outcome

    def _outside(self, link: OutsideLink) -> FileOutcome:
        what = "folder link" if link.is_folder else "symbolic link"
        outcome = FileOutcome(path=str(link), action=FileAction.SKIPPED)
        code = NoticeCode.FOLDER_LINK_OUTSIDE if link.is_folder else NoticeCode.FILE_LINK_OUTSIDE
        outcome.warnings.append(Notice(code, target=str(link.target)))
        log.warning("skipped %s: %s to %s, outside the folder", link, what, link.target)
        # Ingested through this link before links were checked: say so, --prune removes it.
        held = None if link.is_folder else self.store.document_for_source(str(link.target))
        if held is not None:
            outcome.warnings.append(Notice(NoticeCode.LINKED_EARLIER, doc=held.doc))
        return outcome

    def _read_status(self, data: bytes, path: Path, source: str, digest: str) -> None:
        """An unchanged document from before the status graph: read its clauses, keep its index."""
        raw = read_bytes(
            data,
            Path(path).name,
            self.settings.max_file_bytes,
            self.settings.max_pages,
            scan_options(self.settings, self.on_page),
        )
        document = parse_document(raw, source, digest)
        self.store.write_document_status(source, document.status_edges)

    def remove(self, source: str) -> FileOutcome:
        written = self.store.remove_document(source, sync=sync_document_followups)
        return FileOutcome(
            path=source,
            action=FileAction.REMOVED,
            passages_removed=written.passages_removed,
            followups_removed=_synced(written).removed,
        )

    def _prune(self, paths: list[Path], seen: set[str]) -> list[FileOutcome]:
        """Remove documents whose file is gone from the given folders, and those that an earlier run read
        through a link now skipped (their source is the link's real target, outside every folder)."""
        roots = [str(Path(p).resolve()) for p in paths if Path(p).is_dir()]
        files = collect_files(paths, quiet=True)  # run() has listed them once already
        linked = {str(f.target) for f in files if isinstance(f, OutsideLink) and not f.is_folder}
        present = {str(f.resolve()) for f in files if not isinstance(f, OutsideLink)}
        outcomes = []
        for row in self.store.documents():
            inside = any(row.source.startswith(root.rstrip("/") + "/") for root in roots)
            if (inside and row.source not in seen) or (row.source in linked and row.source not in present):
                outcome = self.remove(row.source)
                outcome.doc, outcome.title = row.doc, row.title
                outcomes.append(outcome)
        return outcomes

    def _totals(self, report: IngestReport) -> None:
        documents = self.store.documents()
        report.documents = len(documents)
        report.passages = sum(d.passage_count for d in documents)
        report.followups = count_followups(self.store.sessions)


def read_limited(path: Path, max_bytes: int) -> bytes:
    if isinstance(path, OutsideLink):  # collect_files lists these only to report them
        raise ReadError(ErrorCode.LISTED_LINK_OUTSIDE, name=path.name, target=str(path.target))
    path = Path(path)
    if not path.exists():
        raise ReadError(ErrorCode.LISTED_FILE_MISSING, name=path.name)
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(ErrorCode.LISTED_FILE_TOO_LARGE, name=path.name, size=size, limit=max_bytes)
    return path.read_bytes()


def _synced(written: WriteResult) -> SyncResult:
    """What the follow-up sync did for the document written or removed."""
    return written.synced if isinstance(written.synced, SyncResult) else SyncResult()

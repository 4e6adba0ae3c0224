"""Documents that admins send to the bot: safe names in the documents folder, checks before ingesting, one
incremental ingest, and a report of what changed (bot/views/upload_report.py words it for the admin).

A file is checked (type by content, size, pages, parsable) before anything is written. It is then written
under a hidden temporary name, ingested under its final name, and moved into place only when the ingest
succeeded: a failed or interrupted upload leaves neither the knowledge base nor the folder changed (hidden
files are skipped by `python -m ingest FOLDER`). Replaced files are kept in a hidden `.versi-lama` folder.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from ingest.notices import in_indonesian
from ingest.pipeline import FileAction, FileOutcome, Pipeline, check_workload, parse_document
from ingest.readers.files import IMAGE_KINDS, RawText, ReadError, read_bytes
from ingest.readers.scan import scan_options
from knowledge.config import Settings
from knowledge.db import AnswerRow, DocumentRow, PassageRow, utcnow
from knowledge.index.store import EmbeddingModelMismatch, KnowledgeStore, StatusChange
from knowledge.index.writer import WriterBusy
from knowledge.model import DICABUT, Passage, content_hash

log = logging.getLogger(__name__)

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what the Bot API lets a bot download (getFile)
NOTICE_DAYS = 30  # officials who asked about a changed article this recently are told
TEMP_PREFIX = ".upload-"
ARCHIVE_DIR = ".versi-lama"
EXTENSIONS = {
    "pdf": ".pdf",
    "docx": ".docx",
    "md": ".md",
    "txt": ".txt",
    "jpeg": ".jpg",
    "png": ".png",
    "tiff": ".tif",
    "webp": ".webp",
}  # images are read by OCR
_IMAGE_EXTENSIONS = {"jpeg": (".jpg", ".jpeg"), "tiff": (".tif", ".tiff")}
# Markdown and plain text are one family: a .txt with headings is read as Markdown and is not mislabelled.
TEXT_EXTENSIONS = {".md": ".md", ".markdown": ".md", ".txt": ".txt", ".text": ".txt"}
KIND_NAMES = {
    "pdf": "PDF",
    "docx": "DOCX",
    "md": "Markdown",
    "txt": "teks",
    "jpeg": "gambar JPEG",
    "png": "gambar PNG",
    "tiff": "gambar TIFF",
    "webp": "gambar WEBP",
}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
MAX_LISTED = 8


# --- progress -------------------------------------------------------------------------------------------


class Progress:
    """Stages of one job, written by the worker thread and read by the bot, which edits a message with them."""

    def __init__(self, title: str = "") -> None:
        self.title = title
        self._done: list[str] = []
        self._now = ""
        self._lock = threading.Lock()

    def done(self, stage: str) -> None:
        with self._lock:
            self._done.append(stage)
            self._now = ""

    def now(self, stage: str) -> None:
        with self._lock:
            self._now = stage

    def text(self) -> str:
        with self._lock:
            lines = [self.title] if self.title else []
            lines += [f"✓ {stage}" for stage in self._done]
            if self._now:
                lines.append(f"… {self._now}")
            return "\n".join(lines)


class _ObservedStore:
    """The store as the pipeline sees it, reporting the split and the embedding as they happen."""

    def __init__(self, store: KnowledgeStore, progress: Progress) -> None:
        self._store = store
        self._progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def embed(self, passages: list[Passage]) -> Any:
        self._progress.done(f"dipecah menjadi {len(passages)} bagian")
        self._progress.now("embedding…")
        embedded = self._store.embed(passages, lambda n, total: self._progress.now(f"embedding {n}/{total}"))
        self._progress.done(f"embedding {len(embedded.ids)}/{len(embedded.ids)}")
        self._progress.now("menyimpan…")
        return embedded


# --- names ----------------------------------------------------------------------------------------------


def safe_filename(name: str | None, kind: str) -> str:
    """A plain, lower-case file name with the extension of what the file really is.

    Only the last path component survives (no "../", no absolute paths, no backslashes), accents become
    ASCII, anything else becomes "-", and a name cannot start with a dot (hidden files are never ingested).
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode().lstrip(".")
    stem, extension = (base.rsplit(".", 1)[0], Path(base).suffix.lower()) if "." in base else (base, "")
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:80].strip("-")
    if not stem:
        stem = "dokumen"
    if stem in _RESERVED:  # Windows device names, should the folder ever be shared with such a system
        stem = f"dokumen-{stem}"
    if kind in ("md", "txt") and extension in TEXT_EXTENSIONS:
        return stem + TEXT_EXTENSIONS[extension]
    return stem + EXTENSIONS.get(kind, ".txt")


def mislabelled(name: str, kind: str) -> bool:
    """The name promises another type than the content is (a DOCX called .pdf); no extension is no promise."""
    extension = Path(name).suffix.lower()
    if not extension:
        return False
    if kind in _IMAGE_EXTENSIONS:
        return extension not in _IMAGE_EXTENSIONS[kind]
    return extension not in (TEXT_EXTENSIONS if kind in ("md", "txt") else (EXTENSIONS[kind],))


def display_name(name: str | None) -> str:
    """The file name as the admin sent it, without any path, for messages."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "berkas tanpa nama"


# --- reports --------------------------------------------------------------------------------------------


@dataclass
class Version:
    """A document version the upload replaces (or the one a removal removes)."""

    doc: str
    title: str
    source: str
    ingested_at: datetime
    passage_count: int
    inside_folder: bool


@dataclass
class PassageDiff:
    added: list[str] = field(default_factory=list)  # citation labels
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    # (doc, pasal) of every changed or removed regulation passage, and labels of other changed passages:
    # what earlier answers may have cited.
    articles: set[tuple[str, str]] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class UploadReport:
    filename: str
    action: FileAction = FileAction.FAILED  # ADDED, UPDATED, UNCHANGED or FAILED
    stored: str | None = None  # the file name in the documents folder
    doc: str | None = None
    title: str | None = None
    doc_type: str | None = None
    kind: str | None = None
    pages: int | None = None
    passages: int = 0
    previous: list[Version] = field(default_factory=list)
    diff: PassageDiff = field(default_factory=PassageDiff)
    followups_added: int = 0
    followups_changed: int = 0
    followups_removed: int = 0
    status_changes: list[StatusChange] = field(default_factory=list)
    revoked_by: str | None = None  # the upload itself is revoked by a document already present
    warnings: list[str] = field(default_factory=list)
    pesan: str | None = None  # why it failed, for the admin
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.action != FileAction.FAILED

    def fail(self, pesan: str) -> UploadReport:
        self.action, self.pesan = FileAction.FAILED, pesan
        return self


@dataclass
class RemovalReport:
    doc: str
    title: str
    stored: str
    passages_removed: int = 0
    followups_removed: int = 0
    file_deleted: bool = False
    inside_folder: bool = True
    status_changes: list[StatusChange] = field(default_factory=list)


# --- uploading ------------------------------------------------------------------------------------------


def ingest_upload(
    store: KnowledgeStore,
    settings: Settings,
    data: bytes,
    filename: str | None,
    progress: Progress | None = None,
    *,
    refuse: Callable[[str, str], str | None] | None = None,
) -> UploadReport:
    """Check, store and ingest one uploaded file. Runs in a worker thread; one upload at a time per store.

    `refuse(doc_type, identity)`, asked once the file is recognised and before anything is written, may give
    the reason (for the uploader) why this kind of document is not theirs to add; the upload then fails."""
    started = time.perf_counter()
    progress = progress or Progress()
    report = UploadReport(display_name(filename))
    try:
        # One writer per DATA_DIR: an ingest from the command line (or another upload) finishes first.
        with store.writing("upload", on_wait=lambda who: progress.now(f"menunggu {who} selesai…")):
            _ingest(store, settings, data, report, progress, refuse)
    except WriterBusy as busy:
        report.fail(f"Basis pengetahuan sedang diperbarui oleh {busy.holder}. Silakan kirim ulang nanti.")
    finally:
        report.seconds = time.perf_counter() - started
    log.info(
        "upload %s: %s as %s (%s), %d passages, %.1f s",
        report.filename,
        report.action,
        report.stored,
        report.doc,
        report.passages,
        report.seconds,
    )
    return report


def _ingest(
    store: KnowledgeStore,
    settings: Settings,
    data: bytes,
    report: UploadReport,
    progress: Progress,
    refuse: Callable[[str, str], str | None] | None = None,
) -> None:
    folder = settings.docs_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    raw = _read(store, settings, data, report, progress)
    if raw is None or _already_there(store, content_hash(data), report):
        return
    safe = safe_filename(report.filename, raw.kind)
    try:
        parsed = parse_document(raw, str(folder / safe), content_hash(data))
    except ValueError as exc:
        log.info("upload %s not parsable: %s", report.filename, exc)
        report.fail(f"Berkas {report.filename} tidak dapat diurai: isinya tidak dikenali.")
        return
    refusal = refuse(parsed.doc_type, document_identity(parsed.doc, parsed.title)) if refuse else None
    if refusal:
        log.info("upload %s refused: a %s is not for this uploader to add", report.filename, parsed.doc_type)
        report.doc, report.title, report.doc_type = parsed.doc, parsed.title, parsed.doc_type
        report.fail(refusal)
        return
    try:
        # The pipeline checks this too; checking here spares writing the file and parsing it a second time.
        check_workload(parsed, settings, report.filename)
    except ReadError as exc:
        log.info("upload %s refused: %s", report.filename, exc.message)
        report.fail(exc.pesan)
        return
    progress.done(f"dikenali sebagai {document_identity(parsed.doc, parsed.title)}")
    if mislabelled(report.filename, raw.kind):
        report.warnings.append(
            f"Nama berkas berakhiran {Path(report.filename).suffix}, tetapi isinya {KIND_NAMES[raw.kind]}; "
            f"berkas disimpan sebagai {safe}."
        )

    target = _choose_target(store, folder, safe, parsed.doc)
    previous, old_passages = _snapshot(store, folder, target, parsed.doc)
    outcome = _write_version(store, folder, target, data, previous, progress)
    if outcome.action not in (FileAction.ADDED, FileAction.UPDATED):
        report.fail(outcome.pesan or f"Berkas {report.filename} gagal diproses.")
        return

    progress.now("memperbarui status dan indeks kata kunci…")
    report.status_changes = store.refresh_statuses()
    store.rebuild_bm25()
    progress.done("status dan indeks kata kunci diperbarui")
    row = store.document_for_source(str(target))
    report.revoked_by = row.revoked_by if row is not None and row.status == DICABUT else None
    _describe(report, outcome, target, previous, diff_passages(parsed.doc, old_passages, parsed.passages))


def _read(
    store: KnowledgeStore, settings: Settings, data: bytes, report: UploadReport, progress: Progress
) -> RawText | None:
    """The file's text, once it has passed every check (type by content, size, pages), else None."""
    try:
        store.check_embedding_model()
    except EmbeddingModelMismatch as exc:
        log.warning("upload refused: %s", exc)
        report.fail(
            "Indeks pencarian dibuat dengan model embedding yang berbeda dari konfigurasi saat ini. "
            "Jalankan /reindex terlebih dahulu, lalu kirim ulang berkasnya."
        )
        return None
    progress.now("membaca…")
    try:
        scan = scan_options(settings, lambda done, total: progress.now(f"OCR halaman {done}/{total}"))
        raw = read_bytes(data, report.filename, settings.max_file_bytes, settings.max_pages, scan)
    except ReadError as exc:
        log.info("upload %s refused: %s", report.filename, exc.message)
        report.fail(exc.pesan)
        return None
    report.kind = raw.kind
    report.pages = len(raw.pages) if raw.kind == "pdf" or raw.kind in IMAGE_KINDS else None
    progress.done(_read_stage(raw))
    return raw


def _already_there(store: KnowledgeStore, digest: str, report: UploadReport) -> bool:
    """The very same content is in the knowledge base already (under any name): nothing to do."""
    with store.sessions() as session:
        same = session.scalars(select(DocumentRow).where(DocumentRow.content_hash == digest)).first()
    if same is None:
        return False
    report.action = FileAction.UNCHANGED
    report.doc, report.title, report.doc_type = same.doc, same.title, same.doc_type
    report.stored, report.passages = Path(same.source).name, same.passage_count
    return True


def _write_version(
    store: KnowledgeStore, folder: Path, target: Path, data: bytes, previous: list[Version], progress: Progress
) -> FileOutcome:
    """Ingest under the final name from a hidden copy, moved into place only once the ingest succeeded."""
    temp = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{target.name}"
    _write(temp, data)
    try:
        outcome = Pipeline(cast(KnowledgeStore, _ObservedStore(store, progress))).ingest_file(target, data)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if outcome.action not in (FileAction.ADDED, FileAction.UPDATED):
        temp.unlink(missing_ok=True)
        return outcome
    progress.done("disimpan")
    _put_in_place(folder, temp, target, previous)
    return outcome


def _describe(
    report: UploadReport, outcome: FileOutcome, target: Path, previous: list[Version], diff: PassageDiff
) -> None:
    report.action = FileAction.UPDATED if previous else FileAction.ADDED
    report.stored = target.name
    report.doc, report.title, report.doc_type = outcome.doc, outcome.title, outcome.doc_type
    report.passages = outcome.passages
    report.previous = previous
    report.diff = diff
    report.followups_added = outcome.followups_added
    report.followups_changed = outcome.followups_changed
    report.followups_removed = outcome.followups_removed
    for warning in outcome.warnings:
        log.info("%s: %s", target.name, warning)
    outside = next((v for v in previous if not v.inside_folder), None)
    if outside is not None:
        report.warnings.append(
            f"Versi sebelumnya berasal dari berkas di luar folder unggahan ({Path(outside.source).name}). "
            "Jika folder itu dimasukkan ulang dengan python -m ingest, versi lama itu dapat kembali; "
            "pindahkan atau hapus berkas lama tersebut di server."
        )
    # Ours first: the parsers' list can be long and the reply shows only the first few.
    report.warnings += [in_indonesian(w) for w in outcome.warnings]


def _read_stage(raw: RawText) -> str:
    scanned = f", {raw.scanned_pages} dengan OCR" if raw.scanned_pages else ""
    if raw.kind == "pdf":
        return f"dibaca (PDF, {len(raw.pages)} halaman{scanned})"
    if raw.kind in IMAGE_KINDS:
        return f"dibaca ({KIND_NAMES[raw.kind]}{scanned})"
    return f"dibaca ({KIND_NAMES[raw.kind]})"


def _choose_target(store: KnowledgeStore, folder: Path, safe: str, doc: str) -> Path:
    """The same name again is a new version of the same document; a name held by anything else is kept."""
    stem, extension = safe.rsplit(".", 1)
    number = 1
    while True:
        path = folder / (safe if number == 1 else f"{stem}-{number}.{extension}")
        row = store.document_for_source(str(path))
        if row is not None and row.doc == doc:
            return path
        if row is None and not path.exists():
            return path
        number += 1


def _snapshot(
    store: KnowledgeStore, folder: Path, target: Path, doc: str
) -> tuple[list[Version], list[tuple[str, str | None, str]]]:
    """The versions the write will replace (same file or same document) and their passages, before it."""
    with store.sessions() as session:
        rows = session.scalars(
            select(DocumentRow).where(or_(DocumentRow.source == str(target), DocumentRow.doc == doc))
        ).all()
        versions = [
            Version(r.doc, r.title, r.source, r.ingested_at, r.passage_count, Path(r.source).parent == folder)
            for r in rows
        ]
        passages = session.execute(
            select(PassageRow.label, PassageRow.pasal, PassageRow.text)
            .where(PassageRow.document_id.in_([r.id for r in rows]))
            .order_by(PassageRow.document_id, PassageRow.position)
        ).all()
    return versions, [(p.label, p.pasal, p.text) for p in passages]


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _put_in_place(folder: Path, temp: Path, target: Path, previous: list[Version]) -> None:
    """Move the new file to its name; files of replaced versions go to the archive, not back into ingests."""
    archive = folder / ARCHIVE_DIR
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    superseded = {Path(v.source) for v in previous if v.inside_folder} | ({target} if target.exists() else set())
    for path in superseded:
        if path.exists():
            archive.mkdir(exist_ok=True)
            os.replace(path, archive / f"{stamp}-{path.name}")
    os.replace(temp, target)


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of an upload that crashed (uploads run one at a time, so none is in use)."""
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        log.info("removing %s left by an interrupted upload", path.name)
        path.unlink(missing_ok=True)


def diff_passages(doc: str, old: list[tuple[str, str | None, str]], new: list[Passage]) -> PassageDiff:
    """Compare by citation label (ids change with every version; labels say what a reader cites)."""
    before: dict[str, list[str]] = {}
    pasal_of: dict[str, str | None] = {}
    for label, pasal, text in old:
        before.setdefault(label, []).append(text)
        pasal_of[label] = pasal
    after: dict[str, list[str]] = {}
    for passage in new:
        after.setdefault(passage.label, []).append(passage.text)
        pasal_of.setdefault(passage.label, passage.pasal)
    diff = PassageDiff()
    if not before:
        return diff
    for label, texts in after.items():
        if label not in before:
            diff.added.append(label)
        elif before[label] != texts:
            diff.changed.append(label)
        else:
            diff.unchanged += 1
    diff.removed = [label for label in before if label not in after]
    for label in diff.changed + diff.removed:
        pasal = pasal_of.get(label)
        if pasal:
            diff.articles.add((doc, pasal))
        diff.labels.add(label)
    return diff


# --- removing -------------------------------------------------------------------------------------------


def find_documents(store: KnowledgeStore, name: str) -> list[DocumentRow]:
    """Documents matching a short name ("PP 7/2008") or a file name, exactly; else those containing it."""
    key = _squash(name)
    if not key:
        return []
    rows = store.documents()
    exact = [r for r in rows if key in (_squash(r.doc), _squash(Path(r.source).name), _squash(Path(r.source).stem))]
    if exact:
        return exact
    return [r for r in rows if any(key in _squash(v) for v in (r.doc, Path(r.source).name, r.title))]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


def remove_document(store: KnowledgeStore, settings: Settings, source: str) -> RemovalReport | None:
    """Remove one document and its stored file (only files in the documents folder are deleted)."""
    with store.writing("hapus dokumen"):
        return _remove_document(store, settings, source)


def _remove_document(store: KnowledgeStore, settings: Settings, source: str) -> RemovalReport | None:
    row = store.document_for_source(source)
    if row is None:
        return None
    folder = settings.docs_dir.resolve()
    path = Path(source)
    report = RemovalReport(row.doc, row.title, path.name, inside_folder=path.parent == folder)
    outcome = Pipeline(store).remove(source)
    report.passages_removed = outcome.passages_removed
    report.followups_removed = outcome.followups_removed
    if report.inside_folder and path.exists():
        path.unlink()
        report.file_deleted = True
    report.status_changes = store.refresh_statuses()
    store.rebuild_bm25()
    log.info("removed %s (%s): %d passages", row.doc, source, report.passages_removed)
    return report


# --- who asked about what changed -----------------------------------------------------------------------


@dataclass
class Asker:
    user_id: int
    articles: list[str]  # short labels: "Pasal 2 ayat (1)"
    question: str  # the most recent of their questions about them


def askers_of_changes(
    sessions: sessionmaker[Session], report: UploadReport, *, exclude: int | None = None, now: datetime | None = None
) -> list[Asker]:
    """Users whose answers in the last NOTICE_DAYS cited a passage this upload changed or removed."""
    diff = report.diff
    if report.action != FileAction.UPDATED or not (diff.articles or diff.labels):
        return []
    since = (now or utcnow()) - timedelta(days=NOTICE_DAYS)
    with sessions() as session:
        rows = session.execute(
            select(AnswerRow.user_id, AnswerRow.question, AnswerRow.citations)
            .where(AnswerRow.created_at >= since, AnswerRow.user_id.is_not(None))
            .order_by(AnswerRow.created_at.desc())
        ).all()
    found: dict[int, Asker] = {}
    for user_id, question, citations in rows:
        if user_id == exclude:
            continue
        for cited in citations or []:
            if not _affected(cited, diff):
                continue
            asker = found.setdefault(user_id, Asker(user_id, [], question))
            label = short_label(str(cited.get("label") or ""), str(cited.get("doc") or ""))
            if label not in asker.articles:
                asker.articles.append(label)
    return list(found.values())


def _affected(cited: dict[str, Any], diff: PassageDiff) -> bool:
    doc, pasal = cited.get("doc"), cited.get("pasal")
    if doc and pasal and (doc, pasal) in diff.articles:
        return True
    return cited.get("label") in diff.labels


# --- rendering ------------------------------------------------------------------------------------------


def document_identity(doc: str, title: str) -> str:
    return f"{doc} — {title}" if title and title != doc else doc


def short_label(label: str, doc: str) -> str:
    """ "CONTOH 9/2024 Pasal 2 ayat (1)" -> "Pasal 2 ayat (1)"; "Notulen X, bagian Y" -> "bagian Y"."""
    if doc and doc in label:
        shorter = label.replace(doc, "", 1).replace("  ", " ").strip(" ,")
        return shorter or label
    return label

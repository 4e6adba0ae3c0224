"""Backups of everything the product knows: every SQL table and every vector, in one zip archive that restores
into SQLite or PostgreSQL, the embedded Chroma or a Chroma server, alike.

The archive holds `manifest.json` (format, schema revision, row and vector counts), `tables/NAME.jsonl` (one
JSON object per row) and `vectors/` (ids, metadata and texts as JSON lines, the vectors as one `.npy`). The BM25
index is not in it: it is derived from the passages and rebuilt on restore. Uploaded files (DOCUMENTS_DIR) are
not in it either: they are the operator's to copy (README, "Deploying").

A restore rebuilds the schema at the backup's revision, loads the rows, then migrates to this release's head,
so an archive of an older release restores into a newer one.
"""

from __future__ import annotations

import io
import json
import logging
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Date, DateTime, Integer, MetaData, func, select, text
from sqlalchemy.engine import Connection

from knowledge.config import Settings
from knowledge.db import Base, make_engine
from knowledge.index.embeddings import embedder_name
from knowledge.index.store import VECTOR_COLLECTION, KnowledgeStore
from knowledge.index.vectors import VectorIndex
from knowledge.index.writer import exclusive_writer
from knowledge.migrate import VERSION_TABLE, current, head, revisions, upgrade

log = logging.getLogger(__name__)

FORMAT = "sinergi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTOR_IDS = "vectors/units.jsonl"
VECTOR_ARRAY = "vectors/embeddings.npy"
INSERT_CHUNK = 1000


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do, in one line."""


@dataclass
class BackupSummary:
    path: Path
    revision: str
    tables: dict[str, int] = field(default_factory=dict)
    vectors: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a backup")


def _wait_message(holder: str) -> None:
    log.warning("Waiting for %s to finish before the backup or restore", holder)


# --- backup -------------------------------------------------------------------------------------------------


def backup(settings: Settings, path: Path) -> BackupSummary:
    """Write the archive to `path` (through a temporary file: a failed backup leaves no half archive). The
    writer lock is held, so no ingest changes the SQL rows or the vectors half-way through."""
    started = time.perf_counter()
    store = KnowledgeStore(settings)
    partial = path.with_name(path.name + ".part")
    with store.writing("backup", on_wait=_wait_message):
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                with store.sessions() as session:
                    connection = session.connection()
                    revision = current(connection) or head()
                    tables = {t.name: _write_table(archive, connection, t) for t in Base.metadata.sorted_tables}
                vectors = _write_vectors(archive, store.vectors.export())
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "revision": revision,
                    "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "tables": tables,
                    "vectors": vectors,
                    "vector_collection": store.vectors.name,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupSummary(path, revision, tables, vectors, time.perf_counter() - started)


def _write_table(archive: zipfile.ZipFile, connection: Connection, table: Any) -> int:
    count = 0
    with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        ordered = select(table).order_by(*table.primary_key.columns)
        for row in connection.execution_options(yield_per=INSERT_CHUNK).execute(ordered).mappings():
            out.write(json.dumps(dict(row), default=_plain, ensure_ascii=False) + "\n")
            count += 1
        out.flush()
        out.detach()
    return count


def _write_vectors(archive: zipfile.ZipFile, pages: Iterator[dict[str, Any]]) -> int:
    matrices: list[np.ndarray] = []
    with archive.open(VECTOR_IDS, "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        for page in pages:
            for unit_id, metadata, document in zip(page["ids"], page["metadatas"], page["documents"], strict=True):
                out.write(json.dumps({"id": unit_id, "metadata": metadata, "text": document}, ensure_ascii=False))
                out.write("\n")
            matrices.append(np.asarray(page["embeddings"], dtype=np.float32))
        out.flush()
        out.detach()
    vectors = np.concatenate(matrices) if matrices else np.zeros((0, 0), dtype=np.float32)
    with archive.open(VECTOR_ARRAY, "w", force_zip64=True) as raw:
        np.save(raw, vectors, allow_pickle=False)
    return int(vectors.shape[0])


# --- restore ------------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a Sinergi backup ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Sinergi backup")
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("revision") not in revisions():
        raise BackupError(
            f"{path} was made by a newer release (schema revision {manifest.get('revision')!r}, this release "
            f"knows up to {head()!r}): restore it with that release"
        )
    return manifest


def restore(settings: Settings, path: Path, *, force: bool = False) -> BackupSummary:
    """Load the archive into the configured database and vector store. They must be empty unless `force`, which
    replaces what they hold. Run with the bot stopped: the writer lock keeps ingests out, not readers."""
    started = time.perf_counter()
    manifest = read_manifest(path)
    revision = manifest["revision"]
    engine = make_engine(settings.db_url)
    try:
        with (
            exclusive_writer(settings.data_dir, "restore", wait=settings.writer_wait_seconds, on_wait=_wait_message),
            zipfile.ZipFile(path) as archive,
        ):
            _clear_database(engine, force=force, path=path)
            upgrade(engine, revision)  # the schema the backup was made with
            with engine.begin() as connection:
                tables = _load_tables(archive, connection)
            upgrade(engine)  # then this release's migrations
            vectors = _load_vectors(settings, archive, engine, manifest)
    finally:
        engine.dispose()
    _rebuild_keyword_index(settings)
    return BackupSummary(path, revision, tables, vectors, time.perf_counter() - started)


def _clear_database(engine: Any, *, force: bool, path: Path) -> None:
    with engine.begin() as connection:
        existing = MetaData()
        existing.reflect(connection)
        ours = [t for t in existing.sorted_tables if t.name in Base.metadata.tables or t.name == VERSION_TABLE]
        rows = sum(
            connection.scalar(select(func.count()).select_from(t)) or 0
            for t in ours
            if t.name not in (VERSION_TABLE, "meta")
        )
        if rows and not force:
            raise BackupError(
                f"the database already holds {rows} rows: restore {path} into an empty database, or add --force "
                "to replace everything it holds"
            )
        for table in reversed(ours):
            table.drop(connection)


def _load_tables(archive: zipfile.ZipFile, connection: Connection) -> dict[str, int]:
    schema = MetaData()
    schema.reflect(connection)
    counts: dict[str, int] = {}
    for table in schema.sorted_tables:
        name = f"tables/{table.name}.jsonl"
        if table.name == VERSION_TABLE or name not in archive.namelist():
            continue
        converters = {c.name: _converter(c.type) for c in table.columns}
        batch: list[dict[str, Any]] = []
        counts[table.name] = 0
        with archive.open(name) as raw:
            for line in io.TextIOWrapper(raw, encoding="utf-8"):
                row = json.loads(line)
                batch.append({k: converters[k](v) if k in converters else v for k, v in row.items()})
                if len(batch) == INSERT_CHUNK:
                    connection.execute(table.insert(), batch)
                    counts[table.name] += len(batch)
                    batch = []
        if batch:
            connection.execute(table.insert(), batch)
            counts[table.name] += len(batch)
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, schema)
    return counts


def _converter(kind: Any) -> Any:
    if isinstance(kind, DateTime):
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, Date):
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    return lambda v: v


def _reset_sequences(connection: Connection, schema: MetaData) -> None:
    """Rows came with their ids: PostgreSQL's id sequences must continue after them, or the next insert
    collides with a restored row."""
    for table in schema.sorted_tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column.name}
            )
            if sequence:
                following = f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1'
                connection.execute(text(f"SELECT setval(:sequence, {following}, false)"), {"sequence": sequence})


def _load_vectors(settings: Settings, archive: zipfile.ZipFile, engine: Any, manifest: dict[str, Any]) -> int:
    with engine.connect() as connection:
        name = connection.scalar(text("SELECT value FROM meta WHERE key = :key"), {"key": VECTOR_COLLECTION})
    index = VectorIndex(settings, name or settings.chroma_collection)
    index.drop()  # whatever was there belonged to the database just replaced
    index = VectorIndex(settings, index.name)
    units = [json.loads(line) for line in io.TextIOWrapper(archive.open(VECTOR_IDS), encoding="utf-8")]
    with archive.open(VECTOR_ARRAY) as raw:
        vectors = np.load(io.BytesIO(raw.read()), allow_pickle=False)
    if len(units) != manifest.get("vectors", len(units)) or len(units) != len(vectors):
        raise BackupError("the archive's vectors do not match their ids: the file is damaged")
    index.restore([u["id"] for u in units], vectors, [u["metadata"] for u in units], [u["text"] for u in units])
    return len(units)


def _rebuild_keyword_index(settings: Settings) -> None:
    store = KnowledgeStore(settings)
    store.rebuild_bm25()
    model = store.get_meta("embedding_model")
    wanted = embedder_name(settings)
    if model and model != wanted:
        log.warning(
            "The restored vectors were made by %s but %s is configured: questions need the same model. Set the "
            "EMBEDDING_* variables back, or re-embed with /reindex or `python -m ingest --rebuild FOLDER`.",
            model, wanted,
        )  # fmt: skip

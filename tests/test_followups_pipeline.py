"""Follow-ups from ingested minutes to the people who act on them: items with no readable date or no unit are
kept and flagged to the secretariat, questions about follow-ups are answered from the store with citations to
the minutes, and `python -m knowledge followups --json` keeps its shape."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from bot_harness import Corpus, async_test, bot_env, buttons
from test_followup_screens import all_pages, press_edit
from test_reminders_bot import Clock

from bot.jobs.reminders import run_reminders, set_clock
from ingest.pipeline import IngestReport, Pipeline
from knowledge.config import Settings, get_settings
from knowledge.index.corpus import Corpus as Snapshot
from knowledge.index.store import KnowledgeStore
from knowledge.operations.followups import list_followups
from knowledge.operations.users import SEKRETARIAT
from knowledge.search.followup_questions import answer_followup_question, followup_answer

TESTS = Path(__file__).resolve().parent
MINUTES = [
    TESTS / "fixtures" / "notulen" / "risalah-pedoman-pelaporan.txt",  # one undated item, one without a unit
    TESTS.parent / "sample" / "notulen" / "notulen-rakor-bandung-2024-02-06.md",
    TESTS.parent / "sample" / "notulen" / "rekomendasi-rakor-bandung-2024.txt",
]


@dataclass
class Ingested:
    root: Path
    database_url: str  # bot_env opens the database ingestion wrote, as in a deployment
    store: KnowledgeStore
    report: IngestReport


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ingested(bot_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Ingested:
    root = tmp_path_factory.mktemp("followups-pipeline")
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'bot.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    folder = root / "dokumen"
    folder.mkdir()
    for path in MINUTES:
        shutil.copy(path, folder / path.name)
    settings = Settings(_env_file=None, data_dir=root / "data", database_url=url)
    store = KnowledgeStore(settings, embedder=bot_corpus.store.embedder)  # the session's model, loaded once
    report = Pipeline(store).run([folder])
    assert not report.failed
    return Ingested(root, url, store, report)


def test_an_undated_item_and_one_without_unit_are_kept_and_reported(ingested: Ingested) -> None:
    rows = {r.text: r for r in list_followups(ingested.store.sessions)}
    undated = rows["Mengumpulkan data realisasi dari Bappeda Kota Bandung dan Bappeda Kab. Bandung"]
    assert (undated.due, undated.due_text) == (None, "menunggu jadwal rapat berikutnya")
    orphan = next(r for t, r in rows.items() if t.startswith("Menyebarluaskan hasil rapat"))
    assert orphan.units == [] and orphan.due is not None
    [outcome] = [f for f in ingested.report.files if f.path.endswith("risalah-pedoman-pelaporan.txt")]
    assert any("no deadline" in w for w in outcome.warnings)
    assert any("no responsible unit" in w for w in outcome.warnings)


@async_test
async def test_the_secretariat_is_shown_undated_and_unassigned_items(bot_corpus: Corpus, ingested: Ingested) -> None:
    async with bot_env(bot_corpus, ingested.root, reminder_check_minutes=0, database_url=ingested.database_url) as env:
        clock = Clock()
        clock.at(2, 12, 9, 0)  # Monday 12 February 2024
        set_clock(env.app, clock)
        env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        rows = {r.text: r for r in list_followups(ingested.store.sessions)}
        undated = rows["Mengumpulkan data realisasi dari Bappeda Kota Bandung dan Bappeda Kab. Bandung"]
        [listing] = await env.send(sekre, "/tindaklanjut")  # one message: items, then what needs attention
        attention = listing["text"][listing["text"].index("Perlu perhatian sekretariat") :]
        assert f"1 tanpa tenggat (#{undated.id})" in attention and "Unit tanpa pengguna terdaftar:" in attention
        assert "Mengumpulkan data realisasi" not in attention  # counted and numbered, not repeated

        screen = await press_edit(env, sekre, listing, "📭 Tanpa tenggat (1)")
        assert "Mengumpulkan data realisasi" in screen["text"]
        assert "tanpa tenggat (“menunggu jadwal rapat berikutnya”)" in screen["text"]
        back = await press_edit(env, sekre, screen, "Terbuka")  # the open items again, with what needs attention
        unassigned = next(b for b in buttons(back) if b.startswith("👤 Tanpa pengguna"))
        pages = await all_pages(env, sekre, await press_edit(env, sekre, back, unassigned))
        assert "Menyebarluaskan hasil rapat" in pages and "unit belum ditentukan" in pages
        assert "Kementerian/Lembaga" in pages  # a unit nobody registered for: reported

        [meeting] = await env.send(sekre, "/tindaklanjut rapat pedoman")
        assert "Menyempurnakan draf pedoman" in meeting["text"] and "Rakor" not in meeting["text"]

        await run_reminders(env.app)  # Monday: the weekly digest flags them too, in one message
        # One message (after the chart photo; the Sekretariat Rakor's own reminder comes apart).
        [digest] = [m for m in env.server.read_messages(sekre) if "Ringkasan mingguan" in m.get("text", "")]
        assert "tanpa tenggat 1" in digest["text"]
        assert f"1 tanpa tenggat (#{undated.id})" in digest["text"] and "📋 Daftar lengkap" in buttons(digest)


def test_questions_about_follow_ups_are_answered_from_the_store_with_citations(ingested: Ingested) -> None:
    sessions, snapshot = ingested.store.sessions, Snapshot.load(ingested.store)
    today = date(2024, 2, 7)
    question = "apa saja tindak lanjut rakor Bandung yang belum selesai?"
    rows = answer_followup_question(question, sessions, snapshot, today)
    assert rows and all(r.doc and "Rakor" in r.doc for r in rows)  # not the other meeting in Bandung
    assert all(r.status not in ("selesai", "dibatalkan") for r in rows)
    assert "Mengirim bahan paparan dan daftar hadir kepada peserta" not in {r.text for r in rows}  # done

    answer = followup_answer(question, sessions, snapshot, today)
    assert answer is not None and answer.text.startswith(f"Ditemukan {len(rows)} tindak lanjut")
    assert answer.passage_ids and all(pid in snapshot.by_id for pid in answer.passage_ids)
    first = snapshot.by_id[answer.passage_ids[0]]
    assert first.label == rows[0].passage_label and answer.text.split("\n")[1].endswith("[1]")

    late = answer_followup_question("tindak lanjut Bappeda Jabar yang terlambat", sessions, snapshot, date(2024, 4, 1))
    assert late and all("Bappeda" in " ".join(r.units) for r in late)
    assert all(r.due and r.due < date(2024, 4, 1) for r in late)

    assert answer_followup_question("Apa yang dimaksud dengan dekonsentrasi?", sessions, snapshot) is None
    assert answer_followup_question("Bagaimana tindak lanjut menurut Pasal 9 PP 19/2022?", sessions, snapshot) is None


def test_followups_cli_json_shape(ingested: Ingested, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from knowledge.__main__ import main

    monkeypatch.chdir(ingested.root)  # no developer .env
    monkeypatch.setenv("DATA_DIR", str(ingested.root / "data"))
    monkeypatch.setenv("DATABASE_URL", ingested.database_url)
    get_settings.cache_clear()
    try:
        assert main(["followups", "--json", "--unit", "Bappeda Prov. Jabar", "--status", "selesai"]) == 0
    finally:
        get_settings.cache_clear()
    items = json.loads(capsys.readouterr().out)
    keys = {"id", "text", "units", "due", "status", "computed_status", "days_late", "source"}
    assert items and all(set(i) == keys for i in items)  # recorded and computed status side by side
    assert all(i["computed_status"] == "selesai" and set(i["source"]) == {"doc", "label"} for i in items)
    assert any(i["text"].startswith("Memperbarui daftar kontak PIC daerah") and i["due"] is None for i in items)
    assert all(isinstance(i["id"], int) and isinstance(i["units"], list) for i in items)

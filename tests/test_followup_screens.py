"""Follow-up lists that fit a phone (issue 15), through the real Application and the embedded Bot API server:
one message per screen, paged with ◀ ▶ and filtered by status and unit in place; the weekly digest in one
message with counts per unit and the late items; the same item from the minutes and the recommendation list
merged on ingest, or offered as "mungkin duplikat" with a merge button; a generic "Bappeda Provinsi" reaching
the Bappeda of the meeting's province."""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from bot_harness import JSON, BotEnv, Corpus, async_test, bot_env, buttons
from test_reminders_bot import Clock, item, seed

from bot.jobs.reminders import run_reminders, set_clock
from ingest.pipeline import IngestReport, Pipeline
from knowledge.config import Settings
from knowledge.db import FollowUpDuplicateRow, FollowUpRow
from knowledge.index.store import KnowledgeStore
from knowledge.operations.followups import get_followup, list_followups
from knowledge.operations.users import SEKRETARIAT

SAMPLE = Path(__file__).resolve().parents[1] / "sample" / "notulen"


async def press_edit(env: BotEnv, user, message: JSON, button: str | int) -> JSON:
    """Press a button that changes the message it sits under; returns that message as edited."""
    chat = message["chat"]["id"]
    last = max((call.seq for call in env.server.calls()), default=0)
    await env.server.click(user, message, button)
    await env.server.wait_for_call("editMessageText", chat=chat, after=last)
    edited = env.server.message(chat, message["message_id"])
    assert edited is not None
    return edited


async def all_pages(env: BotEnv, user, message: JSON) -> str:
    """The text of every page of a list screen, pressing ▶ through it (from whichever page it shows now)."""
    message = env.server.message(message["chat"]["id"], message["message_id"]) or message
    found = re.search(r"halaman \d+ dari (\d+)", message["text"])
    texts = [message["text"]]
    for _ in range(int(found[1]) - 1 if found else 0):
        message = await press_edit(env, user, message, "▶")
        texts.append(message["text"])
    return "\n".join(texts)


def _many(count: int, unit: str, due: date, start: int = 1):
    return [item(start + n, f"Tindak lanjut nomor {start + n} tentang pelaporan", [unit], due) for n in range(count)]


@async_test
async def test_lists_are_one_message_per_screen_with_paging_and_filters(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        set_clock(env.app, Clock())  # Monday 8 April 2024
        budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        seed(
            env,
            *_many(12, "Bappeda Prov. Jabar", date(2024, 3, 29)),  # late
            *_many(9, "Bappeda Jateng", date(2024, 5, 31), start=13),
        )

        [listing] = await env.send(sekre, "/tindaklanjut")
        await env.settle()
        assert env.server.read_messages(sekre) == []  # 21 items, one message
        assert "Tindak lanjut terbuka (21)" in listing["text"] and "halaman 1 dari 3" in listing["text"]
        assert len(listing["text"]) < 4096 and listing["text"].count("\n#") <= 8
        assert buttons(listing)[:3] == ["◀", "1/3", "▶"]
        attention = listing["text"][listing["text"].index("Perlu perhatian sekretariat") :]
        assert "12 terlambat" in attention and "#1 ·" not in attention  # counted, not repeated

        page2 = await press_edit(env, sekre, listing, "▶")  # the same message, edited
        assert "halaman 2 dari 3" in page2["text"] and page2["message_id"] == listing["message_id"]
        assert env.server.read_messages(sekre) == []
        everything = await all_pages(env, sekre, listing)
        assert all(f"#{n} ·" in everything for n in range(1, 22))

        late = await press_edit(env, sekre, page2, "Terlambat")
        assert "Tindak lanjut terlambat (12)" in late["text"] and "• Terlambat" in buttons(late)
        assert "Bappeda Jateng" not in late["text"]

        chooser = await press_edit(env, sekre, late, "🏢 Per unit")
        assert "Pilih unit" in chooser["text"]
        assert buttons(chooser)[:2] == ["Bappeda Provinsi Jawa Barat (12)", "Bappeda Jawa Tengah (9)"]
        jateng = await press_edit(env, sekre, chooser, "Bappeda Jawa Tengah (9)")
        assert "(9)" in jateng["text"] and "Saringan: unit Bappeda Jawa Tengah" in jateng["text"]
        assert "Bappeda Prov. Jabar" not in jateng["text"] and "🏢 Bappeda Jawa Tengah" in buttons(jateng)

        # An official's screen: their own items, paged, each with its three buttons.
        [own] = await env.send(budi, "/tindaklanjut")
        await env.settle()
        assert env.server.read_messages(budi) == []
        assert "Tindak lanjut Anda yang belum selesai (12)" in own["text"] and "halaman 1 dari 3" in own["text"]
        assert "✅ Selesai #1" in buttons(own) and "Bappeda Jateng" not in own["text"]
        second = await press_edit(env, budi, own, "▶")
        assert "✅ Selesai #6" in buttons(second) and "✅ Selesai #1" not in buttons(second)
        query = await env.server.click(budi, own, data="tlv:x:0")  # the secretariat's lists are not for officials
        assert "hanya untuk sekretariat" in (await env.server.wait_for_callback_answer(query))["text"]

        # A phrase the date parser does not know is reported, not read as "besok".
        [unread] = await env.send(sekre, "/tindaklanjut ubah 1 tenggat besok lusa")
        assert "“besok lusa” belum dapat dibaca" in unread["text"]
        assert get_followup(env.users.sessions, 1).due == date(2024, 3, 29)  # type: ignore[union-attr]


@async_test
async def test_the_weekly_digest_is_one_message_with_counts_per_unit(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        clock = Clock()
        set_clock(env.app, clock)
        env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        seed(
            env,
            *_many(30, "Bappeda Prov. Jabar", date(2024, 3, 29)),
            *_many(20, "Biro Pemerintahan Setda Prov. Jabar", date(2024, 4, 1), start=31),
            *_many(5, "Bappeda Jateng", date(2024, 6, 28), start=51),
        )
        await run_reminders(env.app)  # Monday 8 April 08:05: the digest's day
        [digest] = [m for m in env.server.read_messages(sekre) if "text" in m]  # a chart photo may come first
        text = digest["text"]
        assert "Ringkasan mingguan tindak lanjut" in text and "Senin, 8 April 2024" in text
        assert "Terbuka 55 · terlambat 50" in text
        assert "• Bappeda Provinsi Jawa Barat: 30 / 30" in text and "• Bappeda Jawa Tengah: 5 / 0" in text
        assert "Terlambat (50)" in text and "… dan 40 lainnya" in text and len(text) < 4096
        assert "Unit tanpa pengguna terdaftar: Biro Pemerintahan" in text
        assert buttons(digest) == ["📋 Daftar lengkap", "⏰ Terlambat (50)"]

        full = await press_edit(env, sekre, digest, "⏰ Terlambat (50)")  # the full list, in the digest's place
        assert "Tindak lanjut terlambat (50)" in full["text"] and "halaman 1 dari 7" in full["text"]


@dataclass
class Ingested:
    root: Path
    store: KnowledgeStore
    report: IngestReport


@pytest.fixture(scope="module")
def ingested(bot_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    """The sample minutes and the recommendation list of the same meeting (Bandung, 6 February 2024)."""
    root = tmp_path_factory.mktemp("duplicates")
    folder = root / "dokumen"
    folder.mkdir()
    for name in ("notulen-rakor-bandung-2024-02-06.md", "rekomendasi-rakor-bandung-2024.txt"):
        shutil.copy(SAMPLE / name, folder / name)
    settings = Settings(_env_file=None, data_dir=root / "data", database_url=f"sqlite:///{root / 'bot.db'}")
    store = KnowledgeStore(settings, embedder=bot_corpus.store.embedder)
    report = Pipeline(store).run([folder])
    assert not report.failed
    return Ingested(root, store, report)


def fresh_copy(ingested: Ingested, tmp_path: Path) -> Path:
    """The ingested database copied for one bot test (tmp_path/bot.db, as bot_env opens it), so that users and
    decisions of one test never meet another's."""
    source, target = sqlite3.connect(ingested.root / "bot.db"), sqlite3.connect(tmp_path / "bot.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return tmp_path


def _by_text(sessions, include_merged: bool = False) -> dict[str, list[FollowUpRow]]:
    found: dict[str, list[FollowUpRow]] = {}
    for row in list_followups(sessions, include_merged=include_merged):
        found.setdefault(row.text.rstrip("."), []).append(row)
    return found


def test_the_same_item_in_minutes_and_recommendation_list_is_merged_on_ingest(ingested: Ingested) -> None:
    sessions = ingested.store.sessions
    listed = _by_text(sessions)
    everything = _by_text(sessions, include_merged=True)
    # Same words, unit and due date in both documents: one item listed, the other kept but merged into it.
    guide = "Menyusun draf panduan pengisian sistem pelaporan elektronik"
    assert len(everything[guide]) == 2 and len(listed[guide]) == 1
    kept, merged = everything[guide]
    assert merged.merged_into_id == kept.id
    assert f"digabung ke #{kept.id}" in get_followup(sessions, merged.id).history[-1].change  # type: ignore[union-attr]
    assert any(f"#{merged.id} digabung ke sini" in h.change for h in get_followup(sessions, kept.id).history)  # type: ignore[union-attr]
    # A few words more ("laporan pelaksanaan Dekonsentrasi Triwulan I" / "laporan Triwulan I"): still the same.
    reports = [t for t in everything if t.startswith("Bappeda Provinsi agar menyampaikan laporan")]
    assert len(reports) == 2 and sum(t in listed for t in reports) == 1
    # Same words but other units and another due date: both stay, offered as a possible duplicate.
    accounts = listed["Membuka akun sistem pelaporan untuk Bappeda kabupaten/kota"]
    assert len(accounts) == 2 and {tuple(a.units) for a in accounts} == {
        ("Bappeda Provinsi Jawa Barat", "Biro Pemerintahan Sekretariat Daerah Provinsi Jawa Barat"),
        ("Bappeda Provinsi Jawa Barat", "Bappeda Provinsi Jawa Tengah"),
    }
    with sessions() as session:
        pairs = {(p.item_id, p.other_id) for p in session.query(FollowUpDuplicateRow)}
    assert (accounts[1].id, accounts[0].id) in pairs or (accounts[0].id, accounts[1].id) in pairs
    assert ingested.report.followups == len(list_followups(sessions))  # the totals count what is listed


@async_test
async def test_the_secretariat_merges_a_possible_duplicate_with_a_button(
    bot_corpus: Corpus, ingested: Ingested, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, fresh_copy(ingested, tmp_path), reminder_check_minutes=0) as env:
        clock = Clock()
        clock.at(2, 12, 9, 0)
        set_clock(env.app, clock)
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        accounts = _by_text(env.users.sessions)["Membuka akun sistem pelaporan untuk Bappeda kabupaten/kota"]
        older, newer = sorted(accounts, key=lambda r: r.id)
        [listing] = await env.send(sekre, "/tindaklanjut")
        assert "pasang mungkin duplikat" in listing["text"]
        offer_button = next(b for b in buttons(listing) if b.startswith("🔁 Mungkin duplikat"))
        screen = await press_edit(env, sekre, listing, offer_button)
        while f"Gabungkan #{newer.id} ke #{older.id}" not in "".join(buttons(screen)):
            screen = await press_edit(env, sekre, screen, "▶")
        assert "Kemiripan uraian: 100%" in screen["text"] and "Berbeda: unit dan tenggat" in screen["text"]
        after = await press_edit(env, sekre, screen, f"🔗 Gabungkan #{newer.id} ke #{older.id}")
        assert f"Gabungkan #{newer.id}" not in "".join(buttons(after))
        kept = get_followup(env.users.sessions, older.id)
        gone = get_followup(env.users.sessions, newer.id)
        assert kept is not None and gone is not None and gone.merged_into_id == older.id
        assert "Bappeda Provinsi Jawa Tengah" in kept.units  # nobody loses their reminder
        assert kept.history[-1].actor == f"user:{sekre.id} Dewi Sekretariat"
        assert newer.id not in {r.id for r in list_followups(env.users.sessions)}


@async_test
async def test_a_generic_unit_reaches_the_official_of_the_meetings_province(
    bot_corpus: Corpus, ingested: Ingested, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, fresh_copy(ingested, tmp_path), reminder_check_minutes=0) as env:
        clock = Clock()
        clock.at(4, 2, 9, 0)  # Tuesday 2 April 2024: H-7 (working days, Idul Fitri skipped) of 15 April
        set_clock(env.app, clock)
        jabar = env.member("Budi Santoso", unit="Bappeda Prov. Jabar")
        jateng = env.member("Siti Aminah", unit="Bappeda Jateng")
        generic = next(r for r in list_followups(env.users.sessions) if r.units == ["Bappeda Provinsi"])
        assert generic.region == "Jawa Barat"  # the meeting was held in Bandung
        [own] = await env.send(jabar, "/tindaklanjut")
        assert f"#{generic.id} ·" in own["text"] and f"✅ Selesai #{generic.id}" in buttons(own)
        [other] = await env.send(jateng, "/tindaklanjut")
        assert f"#{generic.id} ·" not in other["text"]
        await run_reminders(env.app)
        [reminder] = env.server.read_messages(jabar)
        assert f"✅ Selesai #{generic.id}" in buttons(reminder)
        assert all(f"#{generic.id}" not in m["text"] for m in env.server.read_messages(jateng))

"""Reminders through the real Application and the embedded Bot API server, with a clock the test moves:
the right days, the right people, one grouped message each, exactly once across a restart, nothing for done
items, and the secretariat's weekly digest."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot_harness import JSON, BotEnv, Corpus, async_test, bot_env, buttons

from bot.context import BotContext
from bot.jobs.reminders import JOB_NAME, run_reminders, set_clock
from knowledge.db import FollowUpReminderRow
from knowledge.model import FollowUp
from knowledge.operations.followups import SELESAI, actor_ref, list_followups, sync_document_followups, update_followup
from knowledge.operations.users import SEKRETARIAT

WIB = ZoneInfo("Asia/Jakarta")
DOC = "Notulen Rakor Dekonsentrasi 6 Februari 2024"


class Clock:
    """Wall time in Jakarta, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2024, 4, 8, 8, 5, tzinfo=WIB)

    def __call__(self) -> datetime:
        return self.now

    def at(self, month: int, day: int, hour: int = 8, minute: int = 5) -> None:
        self.now = datetime(2024, month, day, hour, minute, tzinfo=WIB)


def item(number: int, text: str, units: list[str], due: date | None, **fields) -> FollowUp:
    label = f"{DOC}, bagian Tindak Lanjut butir {number}"
    return FollowUp(text=text, units=units, due=due, passage_label=label, section="Tindak Lanjut",
                    item=str(number), **fields)  # fmt: skip


def seed(env: BotEnv, *items: FollowUp) -> dict[str, int]:
    """Items as ingestion stores them (in a deployment the users' and the knowledge store's database are one)."""
    with env.users.sessions.begin() as session:
        sync_document_followups(
            session, source="/data/notulen-rakor.md", doc=DOC, items=list(items), passage_ids={},
            meeting_date=date(2024, 2, 6),
        )  # fmt: skip
    return {row.text: row.id for row in list_followups(env.users.sessions)}


async def run(env: BotEnv, clock: Clock, month: int, day: int, hour: int = 8, minute: int = 5) -> None:
    clock.at(month, day, hour, minute)
    await run_reminders(env.app)


def ids_in(message: JSON) -> list[str]:
    return [b.split("#")[1] for b in buttons(message) if b.startswith("✅")]


@async_test
async def test_reminders_go_out_on_the_right_days_grouped_and_exactly_once(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        clock = Clock()
        set_clock(env.app, clock)
        budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
        siti = env.member("Siti Aminah", unit="Bappeda Jateng")
        rina = env.member("Rina Wulandari", unit="Inspektorat Daerah")
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        ids = seed(
            env,
            item(1, "Menyusun laporan triwulanan", ["Bappeda Prov. Jabar"], date(2024, 4, 15)),
            item(2, "Membuka akun sistem pelaporan", ["Bappeda Jabar", "Biro Pemerintahan Setda Prov. Jabar"],
                 date(2024, 4, 15)),
            item(3, "Menyampaikan data realisasi", ["Bappeda Provinsi Jawa Tengah"], date(2024, 4, 15)),
            item(4, "Mengirim notulen kepada peserta", ["Bappeda Prov. Jabar"], date(2024, 4, 15), status=SELESAI),
            item(5, "Menyiapkan evaluasi bersama", ["Kementerian Keuangan"], date(2024, 5, 10),
                 officials=["Sdri. Rina Wulandari"]),
        )  # fmt: skip
        laporan, akun, realisasi = (str(ids[t]) for t in (
            "Menyusun laporan triwulanan", "Membuka akun sistem pelaporan", "Menyampaikan data realisasi"))  # fmt: skip

        await run(env, clock, 4, 7, 10)  # Sunday
        await run(env, clock, 4, 8, 7, 30)  # Monday, before office hours
        await run(env, clock, 4, 8, 19, 0)  # Monday evening: never at night
        assert all(env.server.read_messages(u) == [] for u in (budi, siti, rina, sekre))

        await run(env, clock, 4, 8)  # Monday 08:05, H-7
        [budi_msg] = env.server.read_messages(budi)
        assert ids_in(budi_msg) == [laporan, akun]  # one message, both items, not the finished one
        assert "Pengingat tindak lanjut" in budi_msg["text"] and "Budi Santoso" in budi_msg["text"]
        assert "Senin, 15 April 2024 (7 hari lagi)" in budi_msg["text"]
        assert f"Sumber: {DOC}, bagian Tindak Lanjut butir 1" in budi_msg["text"]
        assert buttons(budi_msg)[:3] == [f"✅ Selesai #{laporan}", f"📅 Minta perpanjangan #{laporan}",
                                         f"⚠️ Ada kendala #{laporan}"]  # fmt: skip
        [siti_msg] = env.server.read_messages(siti)
        assert ids_in(siti_msg) == [realisasi]
        assert env.server.read_messages(rina) == []  # her item is due in May
        chart, digest = env.server.read_messages(sekre)  # Monday: the weekly digest, the report's chart above it
        assert chart["photo"][-1]["width"] == 1080  # the chart itself is checked in test_reports_bot.py
        assert "Ringkasan mingguan" in digest["text"] and "Biro Pemerintahan" in digest["text"]

        await run(env, clock, 4, 8, 11)  # the same day again: nothing twice
        await env.restart()  # a new process on the same database
        set_clock(env.app, clock)
        await run(env, clock, 4, 9)
        await env.settle()
        assert all(env.server.read_messages(u) == [] for u in (budi, siti, rina, sekre))

        update_followup(env.users.sessions, int(laporan), actor_ref(budi.id, "Budi Santoso"), status=SELESAI)
        await run(env, clock, 4, 12)  # Friday: H-1 (Sunday moved to Friday) and H-3 in one reminder
        [friday] = env.server.read_messages(budi)
        assert ids_in(friday) == [akun] and "(3 hari lagi)" in friday["text"]  # the finished item is gone
        assert ids_in(env.server.read_messages(siti)[0]) == [realisasi]
        assert env.server.read_messages(sekre) == []  # one digest a week

        await run(env, clock, 4, 13, 9)  # Saturday
        assert env.server.read_messages(budi) == []
        await run(env, clock, 4, 15)  # the due day
        [due_day] = env.server.read_messages(budi)
        assert ids_in(due_day) == [akun] and "(hari ini)" in due_day["text"]
        await run(env, clock, 4, 22)  # overdue: weekly
        [late] = env.server.read_messages(budi)
        assert "(terlambat 7 hari)" in late["text"] and f"#{akun} · terlambat" in late["text"]
        await run(env, clock, 5, 3)  # Friday 3 May: H-7 of Rina's item, as its named official
        assert ids_in(env.server.read_messages(rina)[0]) == [str(ids["Menyiapkan evaluasi bersama"])]
        # The run on 29 April (H+14) was missed: it is caught up once, not skipped and not doubled.
        [caught_up] = env.server.read_messages(budi)
        assert ids_in(caught_up) == [akun] and "(terlambat 18 hari)" in caught_up["text"]

        with env.users.sessions() as session:
            rows = session.query(FollowUpReminderRow).all()
        assert {r.status for r in rows} == {"sent"} and len(rows) == 12


@async_test
async def test_job_is_scheduled_and_a_blocked_user_does_not_stop_the_others(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        [job] = env.app.job_queue.get_jobs_by_name(JOB_NAME)  # type: ignore[union-attr]
        clock = Clock()
        set_clock(env.app, clock)
        budi = env.member("Budi Santoso", unit="Bappeda Jawa Barat")
        away = env.member("Agus Salim", unit="Bappeda Jawa Barat")
        env.server.block(away)
        env.expected_failures.append(("sendMessage", "blocked"))
        seed(env, item(1, "Menyusun laporan triwulanan", ["Bappeda Prov. Jabar"], date(2024, 4, 15)))
        await job.callback(BotContext(env.app))  # the job's own callback, with the context PTB would give it
        [reminder] = env.server.read_messages(budi)
        assert "Menyusun laporan triwulanan" in reminder["text"]
        with env.users.sessions() as session:
            outcome = {r.user_id: r.status for r in session.query(FollowUpReminderRow)}
        assert outcome == {budi.id: "sent", away.id: "failed"}  # refused once: not retried every 15 minutes
        await run_reminders(env.app)
        assert env.server.read_messages(budi) == []


@async_test
async def test_reminders_skip_holidays_and_cuti_bersama(bot_corpus: Corpus, tmp_path: Path) -> None:
    # Natal (25 December 2024, a public holiday) and a cuti bersama day set in .env (24 December).
    settings = {"reminder_check_minutes": 0, "reminder_days": [3, 0], "cuti_bersama": "2024-12-24"}
    async with bot_env(bot_corpus, tmp_path, **settings) as env:
        clock = Clock()
        set_clock(env.app, clock)
        budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
        seed(env, item(1, "Menyampaikan laporan akhir tahun", ["Bappeda Prov. Jabar"], date(2024, 12, 25)))

        await run(env, clock, 12, 17)  # Tuesday: H-3 counts working days back from Monday 23, the eve: Wednesday
        assert env.server.read_messages(budi) == []
        await run(env, clock, 12, 18)
        [h3] = env.server.read_messages(budi)
        assert "Rabu, 25 Desember 2024 (7 hari lagi)" in h3["text"]
        await run(env, clock, 12, 23)  # the due date is a holiday and the day before is cuti bersama: Monday
        [eve] = env.server.read_messages(budi)
        assert "(2 hari lagi)" in eve["text"]
        await run(env, clock, 12, 24)  # cuti bersama: nothing goes out
        await run(env, clock, 12, 25)  # Natal: nothing goes out
        assert env.server.read_messages(budi) == []
        with env.users.sessions() as session:
            slots = [r.slot for r in session.query(FollowUpReminderRow).order_by(FollowUpReminderRow.id)]
        assert slots == ["H-3", "H"]

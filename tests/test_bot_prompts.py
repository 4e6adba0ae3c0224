"""A prompt the bot waits on never eats a question (issue 15): after 👍/👎, after a reminder button, during the
guided add, the next message is the prompt's answer only when it replies to it or is clearly not a question;
a question is answered and the prompt dropped with a one-line notice. And /pasal look-ups are not counted
toward the questions-per-minute limit."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bot_harness import Corpus, async_test, bot_env, text_of
from test_reminders_bot import Clock, item, seed

from bot.jobs.reminders import run_reminders, set_clock
from knowledge.operations.followups import get_followup, list_followups
from knowledge.operations.users import SEKRETARIAT

QUESTION = "Bagaimana pendanaan tugas pembantuan?"


async def an_official_reminded(env: Any) -> tuple[int, int, int, dict[str, Any]]:
    """On Monday 8 April 2024 an official of Bappeda Jabar gets the reminder of an item due on the 15th; the
    secretariat is there to be told. Returns (official, secretariat, item id, the reminder message)."""
    set_clock(env.app, Clock())
    budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
    sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
    ids = seed(env, item(1, "Membuka akun sistem pelaporan", ["Bappeda Prov. Jabar"], date(2024, 4, 15)))
    await run_reminders(env.app)
    [reminder] = env.server.read_messages(budi)
    return budi, sekre, ids["Membuka akun sistem pelaporan"], reminder


@async_test
async def test_a_question_after_a_rating_is_answered_and_the_comment_dropped(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "/pasal 7 ayat 1")
        [invite] = await env.press(budi, answer, "👎")
        assert "komentar" in invite["text"]

        notice, reply = await env.send(budi, QUESTION, expect=2)
        assert notice["text"].count("\n") == 0 and "dijawab sebagai pertanyaan" in notice["text"]
        assert "komentar" in notice["text"] and "tidak dicatat" in notice["text"]
        assert "Pendanaan Tugas Pembantuan dibebankan" in reply["text"] and "Sumber:" in reply["text"]
        [feedback] = env.users.feedback()
        assert feedback.rating == -1 and feedback.comment is None

        # A bare topic, without a question mark, is a search too when the documents speak of it.
        [invite] = await env.press(budi, reply, "👍")
        notice, topic = await env.send(budi, "dana dekonsentrasi", expect=2)
        assert "dijawab sebagai pertanyaan" in notice["text"] and "Sumber:" in topic["text"]

        # A remark is the comment, as before.
        await env.press(budi, topic, "👎")
        [saved] = await env.send(budi, "kurang lengkap, tenggat laporannya tidak disebut")
        assert "Komentar Anda sudah kami simpan" in saved["text"]
        assert env.users.feedback()[-1].comment == "kurang lengkap, tenggat laporannya tidak disebut"


@async_test
async def test_a_reply_to_the_invitation_is_the_comment_even_when_it_asks(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "/pasal 7 ayat 1")
        [invite] = await env.press(budi, answer, "👎")
        await env.server.send_text(budi, "Kenapa tenggat laporan akhir tahun tidak disebut?", reply_to=invite)
        [saved] = await env.server.wait_for_messages(budi)
        assert "Komentar Anda sudah kami simpan" in saved["text"]
        assert env.users.feedback()[0].comment == "Kenapa tenggat laporan akhir tahun tidak disebut?"
        await env.settle()
        assert env.server.read_messages(budi) == []  # and nothing was answered as a question


@async_test
async def test_a_question_after_a_reminder_button_is_answered_and_the_item_left_open(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0, digest_weekday=7) as env:
        budi, sekre, akun, reminder = await an_official_reminded(env)

        await env.press(budi, reminder, f"✅ Selesai #{akun}")
        notice, reply = await env.send(budi, QUESTION, expect=2)
        assert f"tindak lanjut #{akun} dibatalkan" in notice["text"] and "\n" not in notice["text"]
        assert "Pendanaan Tugas Pembantuan dibebankan" in reply["text"]
        row = get_followup(env.users.sessions, akun)
        assert row is not None and row.status == "baru"  # the question was not taken as the note

        # A reply to the prompt is its answer, whatever it says; the item is done and the secretariat told.
        [prompt] = await env.press(budi, reminder, f"✅ Selesai #{akun}")
        await env.server.send_text(budi, "Sudah dibuka; apakah perlu berita acara?", reply_to=prompt)
        [thanks] = await env.server.wait_for_messages(budi)
        assert f"#{akun} dicatat selesai" in thanks["text"]
        [told] = await env.server.wait_for_messages(sekre)
        assert "apakah perlu berita acara?" in told["text"]

        # The extension date prompt: a date is its answer, a question is answered instead.
        ids = seed(env, item(2, "Menyusun laporan triwulanan", ["Bappeda Jabar"], date(2024, 4, 15)))
        laporan = ids["Menyusun laporan triwulanan"]
        await run_reminders(env.app)
        [second] = env.server.read_messages(budi)
        await env.press(budi, second, f"📅 Minta perpanjangan #{laporan}")
        notice, _ = await env.send(budi, "Apakah dekonsentrasi dibiayai APBN?", expect=2)
        assert f"#{laporan} dibatalkan" in notice["text"]
        await env.press(budi, second, f"📅 Minta perpanjangan #{laporan}")
        [sent] = await env.send(budi, "30 April 2024")
        assert "sudah diteruskan kepada sekretariat" in sent["text"]


@async_test
async def test_a_waiting_prompt_survives_a_restart(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0, digest_weekday=7) as env:
        budi, sekre, akun, reminder = await an_official_reminded(env)
        await env.press(budi, reminder, f"📅 Minta perpanjangan #{akun}")
        await env.send(sekre, "/tindaklanjut tambah")
        [units] = await env.send(sekre, "Menyusun laporan pendanaan triwulan I")
        assert "penanggung jawab" in units["text"]

        await env.restart()  # a new process on the same database: both dialogues go on where they were
        set_clock(env.app, Clock())
        [due] = await env.send(sekre, "Bappeda Jawa Barat")
        assert "bila belum ada tenggat" in due["text"]
        [sent] = await env.send(budi, "30 April 2024")
        assert "sudah diteruskan kepada sekretariat" in sent["text"]


@async_test
async def test_a_question_during_the_guided_add_ends_it(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        await env.send(sekre, "/tindaklanjut tambah")
        [units] = await env.send(sekre, "Menyusun laporan pendanaan tugas pembantuan triwulan I")
        assert "penanggung jawab" in units["text"]
        notice, reply = await env.send(sekre, QUESTION, expect=2)
        assert "pencatatan tindak lanjut baru dihentikan" in notice["text"]
        assert "Sumber:" in reply["text"]
        assert list_followups(env.users.sessions) == []


@async_test
async def test_article_look_ups_do_not_count_toward_the_limit(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, rate_limit=2) as env:
        budi = env.member()
        for _ in range(4):
            [reply] = await env.send(budi, "/pasal 2")
            assert "Sumber:" in reply["text"]
        for question in ("Kapan laporan akhir tahun disampaikan?", "Kapan rencana kegiatan disampaikan?"):
            [reply] = await env.send(budi, question)
            assert "Sumber:" in reply["text"]
        [refused] = await env.send(budi, "Apa yang dimaksud dengan dekonsentrasi?")
        assert "2 pertanyaan dalam satu menit" in refused["text"]
        [lookup] = await env.send(budi, "/pasal 7 ayat 1")  # still shown while questions wait
        assert "Sumber:" in text_of([lookup])

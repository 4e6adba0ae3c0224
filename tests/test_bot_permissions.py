"""Rights are read at every step, through the real Application and the embedded Bot API server: a secretariat
member demoted or deactivated in the middle of /umumkan or /tindaklanjut tambah creates and sends nothing; a
scheduled announcement whose author lost the right is withdrawn, not sent; and the buttons under an answer
work only for whoever may see that answer, however their callback data was made."""

from __future__ import annotations

from pathlib import Path

from bot_harness import JSON, BotEnv, Corpus, async_test, bot_env, buttons
from sqlalchemy import update
from test_announcements import FAST, click, compose, received, store

from bot.sandbox import FakeUser
from knowledge.db import AnnouncementRow, utcnow
from knowledge.operations.announcements import CANCELLED
from knowledge.operations.followups import list_followups
from knowledge.operations.users import SEKRETARIAT


def callback_data(message: JSON, label: str) -> str:
    markup = message.get("reply_markup") or {}
    return next(b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"] == label)


def answer_id(message: JSON) -> str:
    return callback_data(message, "👍").split(":")[1]


async def as_admin(env: BotEnv, command: str, target: FakeUser) -> None:
    """The admin runs /peran or /nonaktifkan; the target is told (that message is read here)."""
    [done] = await env.send(env.admin, command)
    assert str(target.id) in done["text"], done["text"]
    await env.server.wait_for_messages(target)


async def press_refused(env: BotEnv, user: FakeUser, panel: JSON, button: str, because: str) -> None:
    """The press gets an alert saying why, and the panel ends up saying nothing was sent, without buttons."""
    query = await env.server.click(user, panel, button)
    alert = await env.server.wait_for_callback_answer(query)
    assert because in (alert["text"] or "") and alert["show_alert"], alert

    def closed() -> bool:
        current = env.server.message(user, panel["message_id"]) or {}
        return "tidak ada yang dikirim" in current.get("text", "") and not buttons(current)

    await env.server.wait_for(closed, what="panel closed")


@async_test
async def test_announcement_drafts_end_when_the_author_loses_the_right(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        siti = env.member("Siti", role=SEKRETARIAT, unit="Sekretariat")
        rina = env.member("Rina", role=SEKRETARIAT, unit="Sekretariat")
        dewi = env.member("Dewi", role=SEKRETARIAT, unit="Sekretariat")
        budi = env.member("Budi")
        everyone = "ann:all"  # the button "Semua pengguna (N)", whatever N is at the time

        # Demoted to pejabat between /umumkan and choosing the audience.
        panel = await compose(env, siti, "Rapat diundur ke Kamis.")
        await as_admin(env, f"/peran {siti.id} pejabat", siti)
        await press_refused(env, siti, panel, everyone, "bukan sekretariat atau admin")
        [answer] = await env.send(siti, "Pasal 3 ayat 1")  # the draft is gone: text is a question again
        assert "Sumber:" in answer["text"]

        # Deactivated between the confirmation panel and "Kirim".
        panel = await compose(env, rina, "Bahan rapat sudah tersedia.")
        panel = await click(env, rina, panel, everyone, "Jumlah penerima")
        await as_admin(env, f"/nonaktifkan {rina.id}", rina)
        await press_refused(env, rina, panel, "✅ Kirim", "dinonaktifkan")

        # Demoted while the bot waits for the send time (a message step, not a button).
        panel = await compose(env, dewi, "Jadwal rapat berikutnya.")
        panel = await click(env, dewi, panel, everyone, "Jumlah penerima")
        await env.server.click(dewi, panel, "🕒 Jadwalkan")
        await env.server.wait_for_messages(dewi)
        await as_admin(env, f"/peran {dewi.id} pejabat", dewi)
        [ended] = await env.send(dewi, "besok 08:00")
        assert "bukan sekretariat atau admin" in ended["text"] and "tidak ada yang dikirim" in ended["text"]
        assert buttons(env.server.message(dewi, panel["message_id"]) or {}) == []  # the old panel is closed too

        await env.settle()
        assert store(env).recent() == []  # nothing was created, so nothing could be sent
        for text in ("Rapat diundur ke Kamis.", "Bahan rapat sudah tersedia.", "Jadwal rapat berikutnya."):
            assert received(env, budi, text) == []


@async_test
async def test_a_scheduled_announcement_is_withdrawn_when_its_author_was_deactivated(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        siti = env.member("Siti Aminah", role=SEKRETARIAT, unit="Sekretariat")
        budi = env.member("Budi")
        panel = await compose(env, siti, "Pengingat rapat besok pagi.")
        panel = await click(env, siti, panel, "Semua pengguna (3)", "Jumlah penerima")
        await env.server.click(siti, panel, "🕒 Jadwalkan")
        await env.server.wait_for_messages(siti)
        [panel] = await env.send(siti, "besok 08:00")
        panel = await click(env, siti, panel, "✅ Kirim", "dijadwalkan")
        [announcement] = store(env).recent()

        await as_admin(env, f"/nonaktifkan {siti.id}", siti)
        with env.users.sessions.begin() as session:  # its time comes
            session.execute(
                update(AnnouncementRow).where(AnnouncementRow.id == announcement.id).values(scheduled_at=utcnow())
            )

        [author_told] = await env.server.wait_for_messages(siti, timeout=20)
        assert f"Pengumuman #{announcement.id}" in author_told["text"]
        assert (
            "dibatalkan dan tidak dikirim" in author_told["text"]
            and "akun Sinergi Anda sudah tidak aktif" in (author_told["text"])
        )
        [admin_told] = await env.server.wait_for_messages(env.admin)
        assert "dibatalkan otomatis" in admin_told["text"] and "Siti Aminah" in admin_told["text"]
        assert "Pengingat rapat besok pagi." in admin_told["text"] and "/umumkan" in admin_told["text"]

        withdrawn = store(env).get(announcement.id)
        assert withdrawn is not None and withdrawn.status == CANCELLED
        assert store(env).deliveries(announcement.id) == []
        shown = env.server.message(siti, panel["message_id"]) or {}
        assert "telah dibatalkan" in shown.get("text", "") and not buttons(shown)  # no cancel button left
        await env.settle()
        for user in (budi, env.admin):
            assert received(env, user, "📢") == []  # the announcement itself (its header) reached nobody
        assert received(env, siti, "Laporan pengumuman") == []  # told once, not also with a report

        [listing] = await env.send(env.admin, "/pengumuman")
        assert "dibatalkan otomatis (akun pembuatnya sudah tidak aktif)" in listing["text"]


@async_test
async def test_adding_a_follow_up_ends_when_the_secretariat_member_is_demoted(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        dewi = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        before = len(list_followups(env.users.sessions))
        await env.send(dewi, "/tindaklanjut tambah")
        await env.send(dewi, "Menyusun rekap kendala SIPD")
        await env.send(dewi, "Bappeda Prov. Jabar")
        [ask_officials] = await env.send(dewi, "30 April 2024")
        assert "pejabat" in ask_officials["text"].lower()

        await as_admin(env, f"/peran {dewi.id} pejabat", dewi)
        [ended] = await env.send(dewi, "Budi Santoso")  # the last step, the one that would save the item
        assert "bukan sekretariat atau admin" in ended["text"] and "tidak ada yang disimpan" in ended["text"]
        assert len(list_followups(env.users.sessions)) == before

        [answer] = await env.send(dewi, "Pasal 3 ayat 1")  # the prompt is gone: text is a question again
        assert "Sumber:" in answer["text"]
        [refused] = await env.send(dewi, "/tindaklanjut tambah")
        assert "hanya dapat digunakan oleh sekretariat" in refused["text"]


@async_test
async def test_answer_buttons_with_another_users_answer_id_reveal_and_store_nothing(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member("Budi")
        [admins] = await env.send(env.admin, "/pasal 9 ayat 1")
        assert "Pasal terkait" in buttons(admins)
        other = answer_id(admins)
        [own] = await env.send(budi, "/pasal 3 ayat 1")

        # Budi presses a button of his own answer, with the admin's answer id put into its data.
        for data in (f"src:{other}:1", f"rel:{other}", f"fb:{other}:down", f"fb:{other}:up"):
            query = await env.server.click(budi, own, data=data)
            alert = await env.server.wait_for_callback_answer(query)
            assert "Tombol ini bukan untuk Anda" in (alert["text"] or "") and alert["show_alert"], data
        await env.settle()
        assert env.server.read_messages(budi) == []  # no passage, no related articles, no comment invitation
        assert env.users.feedback() == []

        # His own buttons work as before.
        [full] = await env.press(budi, own, "Teks lengkap [1]")
        assert full["text"].startswith("CONTOH 1/2024 Pasal 3")
        await env.press(budi, own, "👎")
        [feedback] = env.users.feedback()
        assert (feedback.answer_id, feedback.user_id) == (answer_id(own), budi.id)

        # The secretariat may open anyone's answer.
        dewi = env.member("Dewi", role=SEKRETARIAT, unit="Sekretariat")
        [hers] = await env.send(dewi, "/pasal 2")
        await env.server.click(dewi, hers, data=f"src:{answer_id(own)}:1")
        [passage] = await env.server.wait_for_messages(dewi)
        assert passage["text"].startswith("CONTOH 1/2024 Pasal 3")


@async_test
async def test_an_answer_in_a_group_is_open_to_that_group_only(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi, rina = env.member("Budi"), env.member("Rina", unit="Bappeda Jawa Tengah")
        group = env.server.add_group("Rakor Dekon Jabar", [budi, rina], admins=[env.admin])
        await env.send(env.admin, "/izinkan_grup", chat=group)
        [answer] = await env.send(budi, "/tanya Pasal 3 ayat 1", chat=group)

        # Everyone in the group saw the answer: its sources are open to them.
        [full] = await env.press(rina, answer, "Teks lengkap [1]")
        assert full["chat"]["id"] == group.id and full["text"].startswith("CONTOH 1/2024 Pasal 3")

        # The same answer id from Rina's private chat is not the group's business any more.
        [own] = await env.send(rina, "/pasal 2")
        query = await env.server.click(rina, own, data=f"src:{answer_id(answer)}:1")
        alert = await env.server.wait_for_callback_answer(query)
        assert "Tombol ini bukan untuk Anda" in (alert["text"] or "")
        await env.settle()
        assert env.server.read_messages(rina) == []

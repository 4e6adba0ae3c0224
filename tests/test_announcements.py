"""Announcements end to end: /umumkan through the embedded Bot API server, delivery exactly once (also with
flood control, blocked users, server errors and a restart half-way), /pengumuman, /berhenti and /langganan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from bot_harness import INVITE_CODE, JSON, TOKEN, BotEnv, Corpus, async_test, bot_env, buttons
from sqlalchemy import update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.jobs.sender import classify
from bot.sandbox import FakeUser
from knowledge.db import AnnouncementRow, utcnow
from knowledge.operations.announcements import EVERYONE, AnnouncementStore, Audience, Content, Delivery
from knowledge.operations.users import SEKRETARIAT

FAST = {"announce_rate_per_second": 1000, "announce_per_chat_interval": 0, "announce_progress_seconds": 0.2}


def store(env: BotEnv) -> AnnouncementStore:
    return AnnouncementStore(env.users.sessions)


def received(env: BotEnv, chat: FakeUser | int, marker: str) -> list[JSON]:
    """The bot's messages in a chat whose text or caption contains marker."""
    return [m for m in env.server.sent_messages(chat) if marker in (m.get("text") or m.get("caption") or "")]


async def click(env: BotEnv, user: FakeUser, message: JSON, button: str, until: str) -> JSON:
    """Press a button of a message that the bot then edits; returns the message once it shows `until`."""
    chat, message_id = message["chat"]["id"], message["message_id"]
    await env.server.click(user, message, button)

    def shown() -> bool:
        current = env.server.message(chat, message_id)
        return current is not None and until in current.get("text", "")

    await env.server.wait_for(shown, timeout=20, what=f"panel showing {until!r}")
    current = env.server.message(chat, message_id)
    assert current is not None
    return current


async def compose(env: BotEnv, author: FakeUser, text: str) -> JSON:
    """/umumkan with the text; returns the panel after checking the preview."""
    await env.server.send_text(author, f"/umumkan {text}")
    preview, note, panel = await env.server.wait_for_messages(author, 3)
    assert preview["text"].startswith("📢 Pengumuman") and text in preview["text"]
    assert "Di atas adalah pratinjau" in note["text"]
    return panel


async def report_of(env: BotEnv, chat: FakeUser, number: int, *, nth: int = 1, timeout: float = 20) -> JSON:
    """Wait for the nth report of announcement #number in chat (the author may be a recipient too)."""
    title = f"Laporan pengumuman #{number}"
    await env.server.wait_for(lambda: len(received(env, chat, title)) >= nth, timeout=timeout, what=title)
    env.server.read_messages(chat)  # what came before the report is read too
    return received(env, chat, title)[nth - 1]


def add_members(env: BotEnv, count: int, unit: str = "Bappeda Provinsi Jawa Barat") -> list[FakeUser]:
    members = []
    for number in range(count):
        user = env.server.add_user(f"Pejabat {number}")
        env.users.register(user.id, f"Pejabat {number}", unit, INVITE_CODE)  # a valid code approves at once
        members.append(user)
    return members


@async_test
async def test_secretariat_announces_to_chosen_units_with_preview_and_report(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        siti = env.member("Siti Aminah", role=SEKRETARIAT, unit="Sekretariat Ditjen Bina Adwil")
        budi = env.member("Budi", unit="Bappeda Prov. Jabar")
        rina = env.member("Rina", unit="BAPPEDA PROVINSI JAWA BARAT")
        tono = env.member("Tono", unit="Dinas PUPR Kab. Bandung")
        waiting = env.server.add_user("Calon")
        env.users.register(waiting.id, "Calon Pengguna", "Bappeda Jawa Barat")  # pending: never a recipient

        [refused] = await env.send(budi, "/umumkan Halo")
        assert "hanya dapat digunakan oleh sekretariat atau admin" in refused["text"]

        [ask] = await env.send(siti, "/umumkan")
        assert "Kirim isi pengumuman" in ask["text"]
        text = "Rapat koordinasi dekonsentrasi diundur ke Kamis, 14 Maret 2024 pukul 09.00 WIB."
        await env.server.send_text(siti, text)
        preview, _note, panel = await env.server.wait_for_messages(siti, 3)
        assert text in preview["text"] and "/berhenti" in preview["text"]
        assert "Semua pengguna (5)" in buttons(panel)  # admin, Siti, Budi, Rina, Tono

        panel = await click(env, siti, panel, "Per unit kerja", "Pilih unit kerja")
        assert "Bappeda Provinsi Jawa Barat (2)" in buttons(panel)  # two spellings, one unit
        panel = await click(env, siti, panel, "Bappeda Provinsi Jawa Barat (2)", "Pilih unit kerja")
        await env.server.wait_for(
            lambda: (
                "✅ Bappeda Provinsi Jawa Barat (2)" in buttons(env.server.message(siti, panel["message_id"]) or {})
            ),
            what="unit ticked",
        )
        panel = await click(env, siti, panel, "Lanjut ➡️", "Jumlah penerima")
        assert "Jumlah penerima: 2" in panel["text"] and "Waktu kirim: segera" in panel["text"]
        assert "⚠️ Jadikan wajib" not in buttons(panel)  # only admins make announcements mandatory

        await env.server.click(siti, panel, "✅ Kirim")
        report = await report_of(env, siti, 1)
        assert "Laporan pengumuman #1" in report["text"] and "Terkirim: 2" in report["text"]
        assert "Gagal" not in report["text"] and "Tidak pasti" not in report["text"]
        final = env.server.message(siti, panel["message_id"])
        assert final is not None and "selesai" in final["text"] and not buttons(final)

        for user in (budi, rina):
            [got] = received(env, user, text)
            assert got["text"].startswith("📢 Pengumuman")
        for user in (tono, waiting, env.admin):
            assert received(env, user, text) == []

        [listing] = await env.send(siti, "/pengumuman")
        assert "#1" in listing["text"] and "selesai" in listing["text"] and "terkirim 2 dari 2" in listing["text"]
        [full] = await env.send(siti, "/pengumuman 1")
        assert "Laporan pengumuman #1" in full["text"] and "Terkirim: 2" in full["text"]

        # The allowed groups, and only those.
        allowed = env.server.add_group("Rakor Dekon Jabar", [budi, tono])
        other = env.server.add_group("Grup Lain", [rina])
        env.users.set_group_allowed(allowed.id, allowed.title or "", True, by=env.admin.id)
        panel = await compose(env, siti, "Bahan rapat sudah tersedia.")
        panel = await click(env, siti, panel, "Grup yang diizinkan (1)", "Jumlah penerima: 1")
        await env.server.click(siti, panel, "✅ Kirim")
        report = await report_of(env, siti, 2)
        assert "Terkirim: 1" in report["text"]
        assert len(received(env, allowed.id, "Bahan rapat sudah tersedia.")) == 1
        assert received(env, other.id, "Bahan rapat sudah tersedia.") == []


@async_test
async def test_documents_and_photos_are_copied_to_a_role(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        siti = env.member("Siti", role=SEKRETARIAT, unit="Sekretariat")
        budi, rina = env.member("Budi"), env.member("Rina")

        await env.send(siti, "/umumkan")
        await env.server.send_document(siti, b"%PDF-1.4 undangan", filename="undangan.pdf", caption="Undangan rakor")
        preview, _note, panel = await env.server.wait_for_messages(siti, 3)
        assert preview["document"]["file_name"] == "undangan.pdf" and "Undangan rakor" in preview["caption"]
        panel = await click(env, siti, panel, "Per peran", "Pilih peran")
        panel = await click(env, siti, panel, "pejabat (2)", "Jumlah penerima")
        assert "peran pejabat" in panel["text"]
        await env.server.click(siti, panel, "✅ Kirim")
        report = await report_of(env, siti, 1)
        assert "Terkirim: 2" in report["text"]
        for user in (budi, rina):
            [copy] = received(env, user, "Undangan rakor")
            assert copy["document"]["file_name"] == "undangan.pdf" and copy["caption"].startswith("📢 Pengumuman")

        # A photo sent earlier, announced by replying /umumkan to it.
        photo = await env.server.send_photo(siti, caption="Foto kegiatan rakor")
        await env.server.wait_for_messages(siti, 1)  # Sinergi says it cannot read pictures
        await env.server.send_text(siti, "/umumkan", reply_to=photo)
        preview, _note, panel = await env.server.wait_for_messages(siti, 3)
        assert "photo" in preview and "Foto kegiatan rakor" in preview["caption"]
        panel = await click(env, siti, panel, "Semua pengguna (4)", "Jumlah penerima")
        await env.server.click(siti, panel, "✅ Kirim")
        report = await report_of(env, siti, 2)
        assert "Laporan pengumuman #2" in report["text"] and "Terkirim: 4" in report["text"]
        for user in (budi, rina, env.admin):
            [copy] = received(env, user, "Foto kegiatan rakor")
            assert "photo" in copy


@async_test
async def test_unsubscribed_and_blocked_users_get_only_mandatory_announcements(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        budi, rina, tono = env.member("Budi"), env.member("Rina"), env.member("Tono")
        [stopped] = await env.send(rina, "/berhenti")
        assert "tidak akan lagi menerima pengumuman biasa" in stopped["text"]
        [again] = await env.send(rina, "/berhenti")
        assert "sudah berhenti" in again["text"]
        env.server.block(tono)  # Telegram tells the bot (my_chat_member)
        await env.server.wait_for(lambda: store(env).opt_out_reason(tono.id) == "blocked", what="block noticed")

        panel = await compose(env, env.admin, "Pemberitahuan biasa.")
        panel = await click(env, env.admin, panel, "Semua pengguna (4)", "Jumlah penerima")
        assert "Jumlah penerima: 2" in panel["text"] and "2 pengguna tidak akan menerima" in panel["text"]
        await env.server.click(env.admin, panel, "✅ Kirim")
        report = await report_of(env, env.admin, 1)
        assert "Terkirim: 2" in report["text"]
        assert received(env, rina, "Pemberitahuan biasa.") == [] and received(env, tono, "Pemberitahuan biasa.") == []

        panel = await compose(env, env.admin, "Pemberitahuan wajib.")
        panel = await click(env, env.admin, panel, "Semua pengguna (4)", "Jumlah penerima")
        panel = await click(env, env.admin, panel, "⚠️ Jadikan wajib", "Sifat: wajib")
        assert "Jumlah penerima: 4" in panel["text"]
        await env.server.click(env.admin, panel, "✅ Kirim")
        report = await report_of(env, env.admin, 2)
        # Tono still blocks the bot: the report says so, by name.
        assert "Terkirim: 3" in report["text"] and "Memblokir bot" in report["text"] and "Tono" in report["text"]
        [mandatory] = received(env, rina, "Pemberitahuan wajib.")
        assert mandatory["text"].startswith("📢 Pengumuman wajib") and "/berhenti" not in mandatory["text"]
        assert received(env, budi, "Pemberitahuan wajib.")

        env.server.read_messages(rina)
        [back] = await env.send(rina, "/langganan")
        assert "kembali menerima pengumuman" in back["text"]
        env.server.unblock(tono)
        await env.server.wait_for(lambda: store(env).opt_out_reason(tono.id) is None, what="unblock noticed")
        panel = await compose(env, env.admin, "Pemberitahuan ketiga.")
        panel = await click(env, env.admin, panel, "Semua pengguna (4)", "Jumlah penerima")
        assert "Jumlah penerima: 4" in panel["text"]
        await env.server.click(env.admin, panel, "❌ Batal")
        await env.server.wait_for(
            lambda: "dibatalkan" in (env.server.message(env.admin, panel["message_id"]) or {}).get("text", ""),
            what="draft cancelled",
        )
        env.expected_failures.append(("sendMessage", "blocked"))


@async_test
async def test_scheduled_announcements_wait_for_their_time_and_can_be_cancelled(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        siti = env.member("Siti", role=SEKRETARIAT, unit="Sekretariat")
        budi = env.member("Budi")
        await env.send(siti, "/umumkan")
        [aborted] = await env.send(siti, "/batal")
        assert "Pengumuman dibatalkan" in aborted["text"]
        [answer] = await env.send(siti, "Pasal 3 ayat 1")  # after /batal, text is a question again
        assert "Sumber:" in answer["text"]
        panels = []
        for text in ("Pengumuman terjadwal pertama.", "Pengumuman terjadwal kedua."):
            panel = await compose(env, siti, text)
            panel = await click(env, siti, panel, "Semua pengguna (3)", "Jumlah penerima")
            await env.server.click(siti, panel, "🕒 Jadwalkan")
            [ask] = await env.server.wait_for_messages(siti, 1)
            assert "besok 08:00" in ask["text"]
            [bad] = await env.send(siti, "kapan-kapan")
            assert "Waktu tidak dikenali" in bad["text"]
            [panel] = await env.send(siti, "besok 08:00")
            assert "pukul 08.00 WIB" in panel["text"] and "Kirim segera" in buttons(panel)
            panel = await click(env, siti, panel, "✅ Kirim", "dijadwalkan")
            panels.append(panel)

        [listing] = await env.send(siti, "/pengumuman")
        assert listing["text"].count("dijadwalkan") == 2 and "⏹ Batalkan #1" in buttons(listing)
        await env.server.click(siti, listing, "⏹ Batalkan #1")
        await env.server.wait_for(
            lambda: "telah dibatalkan" in (env.server.message(siti, panels[0]["message_id"]) or {}).get("text", ""),
            what="schedule cancelled",
        )

        # Time passes for the second one: the sender starts it by itself.
        with env.users.sessions.begin() as session:
            session.execute(update(AnnouncementRow).where(AnnouncementRow.id == 2).values(scheduled_at=utcnow()))
        report = await report_of(env, siti, 2, timeout=20)
        assert "Laporan pengumuman #2" in report["text"] and "Terkirim: 3" in report["text"]
        assert len(received(env, budi, "Pengumuman terjadwal kedua.")) == 1
        assert received(env, budi, "Pengumuman terjadwal pertama.") == []


@async_test
async def test_a_thousand_recipients_get_exactly_one_copy_through_faults_and_a_restart(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, announce_concurrency=16, **FAST) as env:
        members = add_members(env, 1000)
        ghosts = [900_000_001, 900_000_002]  # registered, but Telegram does not know these chats
        for ghost in ghosts:
            env.users.register(ghost, "Akun Hilang", "Bappeda Provinsi Jawa Barat", INVITE_CODE)
        blockers = members[5::100]  # ten users who blocked the bot without the bot hearing of it
        env.expected_failures += [
            ("sendMessage", "blocked"),
            ("sendMessage", "Too Many Requests"),
            ("sendMessage", "Internal Server Error"),
            ("sendMessage", "chat not found"),
        ]
        marker = "Rapat pleno dekonsentrasi"
        panel = await compose(env, env.admin, f"{marker} dimulai pukul 09.00 WIB.")
        panel = await click(env, env.admin, panel, "Semua pengguna (1.003)", "Jumlah penerima")
        assert "Jumlah penerima: 1.003" in panel["text"]

        already = len(env.server.sent_messages())  # the author's preview contains the marker too

        def copies() -> list[JSON]:
            return [m for m in env.server.sent_messages()[already:] if marker in (m.get("text") or "")]

        def delivered() -> int:
            return len(copies())

        for user in blockers:
            env.server.inject_fault(403, "Forbidden: bot was blocked by the user", method="sendMessage", chat=user)
        env.server.inject_flood(retry_after=1, times=3)  # more than PTB's own two retries absorb
        env.server.inject_fault(500, "Internal Server Error", method="sendMessage", times=2)
        await env.server.click(env.admin, panel, "✅ Kirim")
        await env.server.wait_for(lambda: delivered() >= 400, timeout=30, what="half of the announcement sent")
        await env.running.aclose()  # stop the bot half-way ...
        half = delivered()
        assert 400 <= half < 991
        env.app = env.build()  # ... and start a new one on the same database
        await env.start()

        report = await report_of(env, env.admin, 1, timeout=40)
        text = report["text"]
        assert "Terkirim: 991" in text  # 1,003 - 10 blocked - 2 unknown chats
        assert "Memblokir bot atau tidak dapat dihubungi: 10" in text
        assert "Gagal: 2" in text and "chat tidak ditemukan: 2" in text
        assert "Tidak pasti" not in text

        per_chat: Counter[Any] = Counter(m["chat"]["id"] for m in copies())
        assert max(per_chat.values()) == 1  # nobody got a second copy
        assert sum(per_chat.values()) == 991
        blocked_ids = {u.id for u in blockers}
        assert {u.id for u in [*members, env.admin]} - set(per_chat) == blocked_ids
        # What the server logged as delivered is exactly what the database says.
        rows = store(env).deliveries(1)
        assert {chat for chat, status in rows if status == "sent"} == set(per_chat)
        assert all(store(env).opt_out_reason(u.id) == "blocked" for u in blockers)
        assert env.server.errors("sendMessage")  # the faults did happen


@async_test
async def test_requests_in_flight_at_a_crash_are_reported_as_unknown_and_resent_only_on_request(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path, **FAST) as env:
        members = add_members(env, 20)
        await env.running.aclose()  # the bot is down while we play the crashed process
        marker = "Pengumuman sebelum gangguan."
        announcements = store(env)
        announcement = announcements.create(
            created_by=env.admin.id,
            created_by_name="Admin",
            content=Content("text", text_html=marker),
            audience=Audience(EVERYONE),
            audience_label="semua pengguna aktif",
            mandatory=False,
        )
        in_flight = announcements.claim(3)  # "sending" was committed, then the process died mid-request ...
        async with Bot(TOKEN, base_url=env.server.base_url) as bot:
            await bot.send_message(in_flight[0].chat_id, marker)  # ... after Telegram got one of the three
        env.app = env.build()
        await env.start()

        report = await report_of(env, env.admin, announcement.id)
        assert "Terkirim: 18" in report["text"] and "Tidak pasti: 3" in report["text"]
        per_chat = Counter(m["chat"]["id"] for m in env.server.sent_messages() if m.get("text") == marker)
        assert max(per_chat.values()) == 1  # nothing was sent twice
        assert {d.chat_id for d in in_flight[1:]}.isdisjoint(per_chat)  # the doubt is reported, not guessed

        # The secretariat chooses to send to the unknown ones again (a second copy is possible: it said so).
        await env.server.click(env.admin, report, "Kirim ulang ke 3 penerima tidak pasti")
        report = await report_of(env, env.admin, announcement.id, nth=2)
        assert "Terkirim: 21" in report["text"] and "Tidak pasti" not in report["text"]
        per_chat = Counter(m["chat"]["id"] for m in env.server.sent_messages() if m.get("text") == marker)
        assert all(per_chat[u.id] >= 1 for u in members)
        assert per_chat[in_flight[0].chat_id] == 2 and sum(per_chat.values()) == 22


@async_test
async def test_cancelling_while_sending_stops_the_rest_and_progress_is_edited_sparingly(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    settings = {"announce_rate_per_second": 20, "announce_per_chat_interval": 0, "announce_progress_seconds": 0.5}
    async with bot_env(bot_corpus, tmp_path, **settings) as env:
        add_members(env, 60)
        marker = "Pengumuman yang dibatalkan."
        panel = await compose(env, env.admin, marker)
        panel = await click(env, env.admin, panel, "Semua pengguna (61)", "Jumlah penerima")
        start = len(env.server.sent_messages())
        panel = await click(env, env.admin, panel, "✅ Kirim", "sedang dikirim")

        def sent() -> int:
            return sum(1 for m in env.server.sent_messages()[start:] if marker in (m.get("text") or ""))

        await env.server.wait_for(lambda: sent() >= 25, timeout=20, what="some copies sent")
        await env.server.click(env.admin, panel, "⏹ Batalkan pengiriman")
        report = await report_of(env, env.admin, 1)
        after = sent()
        assert 25 <= after < 61
        assert f"Terkirim: {after}" in report["text"]
        assert f"Tidak dikirim karena dibatalkan: {61 - after}" in report["text"]
        final = env.server.message(env.admin, panel["message_id"])
        assert final is not None and "dibatalkan" in final["text"]
        await env.settle()
        assert sent() == after  # nothing after the cancellation

        edits = [
            c.time
            for c in env.server.calls("editMessageText", chat=env.admin)
            if c.ok and "sedang dikirim" in (c.params.get("text") or "")
        ]
        assert len(edits) >= 2  # it did show progress, 61 messages at 20/s take about 3 s
        assert all(later - earlier >= 0.45 for earlier, later in zip(edits[1:], edits[2:], strict=False))


def test_only_answers_that_prove_nothing_was_sent_are_retried() -> None:
    row = Delivery(1, 1, 42, 42, 0)

    def caused(error: TelegramError, cause: Exception) -> TelegramError:
        error.__cause__ = cause
        return error

    cases = [
        (RetryAfter(3), "retry"),
        (Forbidden("Forbidden: bot was blocked by the user"), "blocked"),
        (BadRequest("Bad Request: chat not found"), "failed"),
        (NetworkError("Bad Gateway"), "retry"),  # Telegram answered: it did not send
        (caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), "retry"),
        (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("busy")), "retry"),
        (caused(TimedOut(), httpx.ReadTimeout("slow")), "unknown"),  # it may have arrived
        (caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone")), "unknown"),
    ]
    for error, status in cases:
        assert classify(row, error).status == status, error
    assert classify(row, RetryAfter(3)).retry_after == 3

"""The sandbox's own commands, through the sandbox as `python -m bot` assembles it (bot/sandbox/session.py) with
the terminal writing to a buffer: demo users of every role with chats of their own (/sebagai), local files
sent as documents (/kirim), the clock (/waktu), buttons of the last message that has some (/tekan), /bantuan
listing them, and the staff not rate-limited there."""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bot_harness import Corpus, async_test, bot_env, buttons, offline_settings
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.clock import parse_time_change
from bot.sandbox.demo import CAST, DEMO_BASE
from bot.sandbox.session import open_sandbox, sandbox_settings
from bot.sandbox.terminal import Terminal
from knowledge.index.store import KnowledgeStore
from knowledge.operations.followups import list_followups
from knowledge.operations.units import same_unit
from knowledge.operations.users import ADMIN, APPROVED, PEJABAT, SEKRETARIAT
from knowledge.search.answer import Assistant

WIB = ZoneInfo("Asia/Jakarta")
MINUTES = """\
# Notulen Rapat Koordinasi Pelaporan Latihan

- **Hari/Tanggal:** Senin, 1 April 2024
- **Tempat:** Ruang Rapat Sekretariat, Bandung
- **Pimpinan Rapat:** Kepala Sekretariat Rakor

## A. Pembahasan

Peserta membahas pembukaan akun sistem pelaporan elektronik bagi kabupaten dan kota.

## B. Tindak Lanjut

| No | Tindak Lanjut | Penanggung Jawab | Batas Waktu | Status |
|---|---|---|---|---|
| 1 | Membuka akun sistem pelaporan untuk seluruh kabupaten/kota | Bappeda Prov. Jabar | 24/04/2024 | Baru |
"""
REGULATION = """\
PERATURAN CONTOH
NOMOR 9 TAHUN 2024
TENTANG
ARSIP LATIHAN SEKRETARIAT

Pasal 1
Arsip latihan sekretariat disimpan paling singkat 5 (lima) tahun.
"""


class Session:
    """The sandbox's terminal and what it has written so far."""

    def __init__(self, terminal: Terminal, out: io.StringIO) -> None:
        self.terminal = terminal
        self.out = out
        self.seen = 0

    async def type(self, line: str) -> str:
        """Type a line; returns what the terminal wrote since the previous line."""
        await self.terminal.handle(line)
        return self.since()

    def since(self) -> str:
        text = self.out.getvalue()[self.seen :]
        self.seen = len(self.out.getvalue())
        return text


@contextlib.asynccontextmanager
async def sandbox(corpus: Corpus, data: Path, **overrides: object) -> AsyncIterator[Session]:
    """The sandbox on a copy of the test corpus (its own users table), as `python -m bot` opens it."""
    if not data.exists():
        shutil.copytree(corpus.data_dir, data)
    settings = sandbox_settings(offline_settings(data, reminder_check_minutes=0, **overrides))
    assistant = Assistant(KnowledgeStore(settings), settings)
    out = io.StringIO()
    async with open_sandbox(settings, assistant, out=out) as terminal:
        session = Session(terminal, out)
        session.since()  # the banner
        yield session


@async_test
async def test_demo_users_of_every_role_each_in_their_own_chat(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        users = s.terminal.cast.users  # type: ignore[union-attr]
        roles = {user.name: (user.role, user.unit, user.status) for user in users.list_users()}
        assert roles["Pengguna Sandbox"][0] == ADMIN
        assert roles["Sari Wulandari"] == (SEKRETARIAT, "Sekretariat Rakor", APPROVED)
        assert roles["Dewi Lestari"] == (PEJABAT, "Bappeda Prov. Jabar", APPROVED)
        assert "Tamu Sandbox" not in roles  # a stranger: not registered
        assert all(user.id > DEMO_BASE for user in users.list_users())  # never a real Telegram id

        roster = await s.type("/sebagai")
        assert "▶ Pengguna Sandbox — admin" in roster and "Dewi Lestari — pejabat, Bappeda Prov. Jabar" in roster

        # The stranger registers; the request lands in the admin's chat, announced while the stranger plays.
        assert "Anda sekarang: Tamu Sandbox — belum terdaftar" in await s.type("/sebagai tamu")
        assert "hanya melayani pengguna yang sudah terdaftar" in await s.type("Apa itu dekonsentrasi?")
        await s.type("/daftar")
        await s.type("Tamu Sandbox")
        await s.type("Bappeda Kota Bogor")
        sent = await s.type("/lewati")
        assert "diteruskan kepada admin" in sent
        assert "[Pesan baru untuk Pengguna Sandbox (admin) — /sebagai admin untuk membacanya]" in sent
        assert "permintaan pendaftaran baru" not in sent.lower()  # not in the stranger's chat

        shown = await s.type("/sebagai admin")
        assert "1 pesan masuk" in shown and "PERMINTAAN PENDAFTARAN BARU" in shown and "Bappeda Kota Bogor" in shown
        approved = await s.type("/tekan 1")
        assert "→ ✅ Setujui" in approved and "Pesan baru untuk Tamu Sandbox" in approved
        assert "Pendaftaran Anda disetujui" in await s.type("/sebagai tamu")

        # An official of another unit is created on demand.
        switched = await s.type("/sebagai pejabat Bappeda Kota Cimahi")
        assert "Anda sekarang: Pejabat Bappeda Kota Cimahi — pejabat, Bappeda Kota Cimahi" in switched
        assert "Tidak ada pengguna contoh “kepala dinas”" in await s.type("/sebagai kepala dinas")

    # A restart keeps them all, with what the admin decided.
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        roster = await s.type("/sebagai")
        assert "Tamu Sandbox — pejabat, Bappeda Kota Bogor" in roster
        assert "Pejabat Bappeda Kota Cimahi — pejabat, Bappeda Kota Cimahi" in roster
        assert roster.count("Sari Wulandari") == 1


@async_test
async def test_bantuan_lists_the_sandbox_commands_only_in_the_sandbox(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        for who in ("admin", "pejabat", "tamu"):
            await s.type(f"/sebagai {who}")
            shown = await s.type("/bantuan")
            assert "PERINTAH SANDBOX" in shown  # bold shows as capitals in a pipe
            for command in ("/sebagai", "/kirim", "/waktu", "/tekan"):
                assert command in shown
    (tmp_path / "telegram").mkdir()
    async with bot_env(bot_corpus, tmp_path / "telegram") as env:
        [help_] = await env.send(env.admin, "/bantuan")
        assert "sandbox" not in help_["text"].lower() and "/sebagai" not in help_["text"]


@async_test
async def test_tekan_presses_the_last_message_that_has_buttons(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        server, admin = s.terminal.server, s.terminal.user
        assert "Belum ada pesan bertombol" in await s.type("/tekan 1")
        await s.type("/pasal 7 ayat 1")
        [answer] = [m for m in server.sent_messages(admin) if buttons(m)]
        thumbs_up = buttons(answer).index("👍") + 1

        # The full text comes without buttons; the next press still means the answer's buttons.
        full = await s.type("/tekan 1")
        assert "→ Teks lengkap [1]" in full and "(tombol pada pesan sebelumnya" not in full
        pressed = await s.type(f"/tekan {thumbs_up}")
        assert "(tombol pada pesan sebelumnya: “[1] CONTOH 1/2024 PASAL 7 AYAT (1)" in pressed and "→ 👍" in pressed
        assert "komentar" in pressed
        assert [f.rating for f in s.terminal.cast.users.feedback()] == [1]  # type: ignore[union-attr]
        assert "tanpa komentar" in await s.type("/lewati")

        # Two answers with buttons; the older one is edited and keeps some: /tekan still means the newer one.
        await s.type("/pasal 2")
        older, newer = [m for m in server.sent_messages(admin) if buttons(m)][-2:]
        bot = s.terminal.application.bot
        first_row = [
            InlineKeyboardButton(b["text"], callback_data=b["callback_data"])
            for b in older["reply_markup"]["inline_keyboard"][0]
        ]
        kept = InlineKeyboardMarkup([first_row])
        await bot.edit_message_reply_markup(admin.id, older["message_id"], reply_markup=kept)
        pressed = await s.type("#1")
        assert "→ Teks lengkap [1]" in pressed and "CONTOH 1/2024 PASAL 2" in pressed
        # The newer one loses its buttons: the older one is now the last message that has some.
        await bot.edit_message_reply_markup(admin.id, newer["message_id"], reply_markup=None)
        pressed = await s.type("/tekan 1")
        assert "(tombol pada pesan sebelumnya" in pressed and "CONTOH 1/2024 PASAL 7" in pressed
        # None has buttons any more: nothing is pressed (a keyboard that is gone is not remembered).
        await bot.edit_message_reply_markup(admin.id, older["message_id"], reply_markup=None)
        assert "Belum ada pesan bertombol" in await s.type("/tekan 1")
        await s.type("/pasal 7 ayat 1")
        assert "Tidak ada tombol nomor 9" in await s.type("/tekan 9")
        assert "Tulis nomor tombolnya" in await s.type("/tekan")


@async_test
async def test_kirim_sends_a_local_file_and_the_secretariat_adds_minutes(bot_corpus: Corpus, tmp_path: Path) -> None:
    minutes, regulation = tmp_path / "notulen-rapat-latihan.md", tmp_path / "peraturan contoh 9.md"
    minutes.write_text(MINUTES, encoding="utf-8")
    regulation.write_text(REGULATION, encoding="utf-8")
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        server = s.terminal.server
        assert "tidak dapat dibaca" in await s.type(f"/kirim {tmp_path / 'tidak-ada.md'}")
        assert "adalah folder" in await s.type(f"/kirim {tmp_path}")

        sari = s.terminal.cast.people[CAST[1].id]  # type: ignore[union-attr]
        await s.type("/sebagai sekretariat")
        sent = await s.type(f"/kirim {minutes} /ingest")
        assert "[berkas terkirim: notulen-rapat-latihan.md" in sent
        await server.wait_for_call("sendMessage", chat=sari, predicate=lambda c: "Dokumen baru" in c.params["text"])
        await s.terminal.wait_for_bot()
        assert "DOKUMEN BARU DITAMBAHKAN" in s.since()
        [row] = list_followups(s.terminal.cast.users.sessions)  # type: ignore[union-attr]
        assert [same_unit(unit, "Bappeda Prov. Jabar") for unit in row.units] == [True]
        assert row.due is not None and row.due.isoformat() == "2024-04-24"

        # Answers about follow-ups read the sandbox's clock too.
        question = "Apa saja tindak lanjut rapat koordinasi pelaporan latihan yang belum selesai?"
        await s.type("/waktu 2024-04-10 09:00")
        assert "status: baru" in await s.type(question)
        await s.type("/waktu 2024-04-26 09:00")
        assert "status: terlambat" in await s.type(question)

        # A regulation is the admins' to add; a path with spaces is quoted.
        await s.type(f'/kirim "{regulation}" /ingest')
        await server.wait_for_call("sendMessage", chat=sari, predicate=lambda c: "tidak dimasukkan" in c.params["text"])
        await s.terminal.wait_for_bot()
        refused = s.since()
        assert "CONTOH 9/2024" in refused and "hanya dapat dimasukkan oleh admin" in refused

        # An official's file is not taken for the knowledge base.
        await s.type("/sebagai pejabat")
        assert "notulen-rapat-latihan.md" in await s.type(f"/kirim {minutes} /ingest")
        await server.wait_until_idle()
        assert "DOKUMEN BARU" not in s.since()


@async_test
async def test_staff_are_not_rate_limited_in_the_sandbox(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with sandbox(bot_corpus, tmp_path / "data", rate_limit_per_minute=1) as s:
        question = "Kapan laporan akhir tahun disampaikan?"
        for who in ("admin", "sekretariat"):
            await s.type(f"/sebagai {who}")
            for _ in range(3):
                assert "SUMBER:" in await s.type(question)
        await s.type("/sebagai pejabat")
        assert "SUMBER:" in await s.type(question)
        assert "1 pertanyaan dalam satu menit" in await s.type(question)


@async_test
async def test_waktu_moves_the_clock_the_bot_reads(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with sandbox(bot_corpus, tmp_path / "data") as s:
        clock = s.terminal.clock
        assert clock is not None
        assert "(sama dengan jam komputer)" in await s.type("/waktu")
        moved = await s.type("/waktu 2024-03-28 09:00")
        assert "Kamis, 28 Maret 2024 pukul 09.00 WIB" in moved and "lebih mundur dari jam komputer" in moved
        assert "(tidak ada pengingat yang jatuh tempo)" in moved
        later = await s.type("/waktu +2d")
        assert "Sabtu, 30 Maret 2024 pukul 09.00" in later and "di luar jam kirim pengingat" in later
        assert "Tulis perubahan jamnya" in await s.type("/waktu besok pagi")
        assert "(sama dengan jam komputer)" in await s.type("/waktu reset")
        assert abs(clock() - datetime.now(UTC)) < timedelta(minutes=1)


NOW = datetime(2024, 3, 28, 9, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3h", NOW + timedelta(hours=3)),
        ("+2d", NOW + timedelta(days=2)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("+1w", NOW + timedelta(weeks=1)),
        ("-1d", NOW - timedelta(days=1)),
        ("+2 hari", NOW + timedelta(days=2)),
        ("+3 jam", NOW + timedelta(hours=3)),
        ("2024-04-15 13:30", datetime(2024, 4, 15, 13, 30, tzinfo=WIB)),
        ("2024-04-15", datetime(2024, 4, 15, 8, 0, tzinfo=WIB)),  # the day, when reminders start
        ("16.45", datetime(2024, 3, 28, 16, 45, tzinfo=WIB)),  # today
    ],
)
def test_waktu_arguments(text: str, expected: datetime) -> None:
    assert parse_time_change(text, NOW, time(8, 0), WIB) == expected


@pytest.mark.parametrize("text", ["", "besok", "+3", "3h", "2024-02-30", "25:00", "+2 tahun"])
def test_waktu_arguments_that_cannot_be_read(text: str) -> None:
    assert parse_time_change(text, NOW, time(8, 0), WIB) is None

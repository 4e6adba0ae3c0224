"""The terminal plays Telegram users against the embedded Bot API server: it types what you type and shows
what the bot sends, as a chat app would (formatting, inline buttons numbered so they can be pressed).

Besides chatting it has the sandbox's own commands (they never reach the bot): /sebagai plays another demo
user in their own chat, /kirim sends a local file as a document, /waktu moves the clock the follow-up
reminders read and sends what has come due, /tekan N presses a button.

Works without a TTY too: lines are read from stdin and the session ends at EOF, which makes it scriptable.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from telegram.ext import Application

from bot.jobs.reminders import local_now, run_reminders, zone
from bot.sandbox.clock import SandboxClock, parse_time_change
from bot.sandbox.demo import DemoCast
from bot.sandbox.models import JSON, BotCall, FakeUser
from bot.sandbox.server import BotApiServer
from bot.services import services_of
from bot.views.followups import long_date
from bot.views.upload_report import human_size
from knowledge.operations.reminders import parse_clock

PROMPT = "Anda › "
EXIT_COMMANDS = ("/keluar", "/exit", "/quit")
PRESS_COMMANDS = ("/tekan", "/klik")
_PRESS = re.compile(r"^(?:#|/klik\s+|/tekan\s+)(\d{1,3})$", re.IGNORECASE)
_SHOWN = ("sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage")
_EDITED = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")
MAX_FILE_BYTES = 2 * 1024**3  # what Telegram accepts from a user
SANDBOX_ONLY = "Perintah ini hanya tersedia di sandbox `python -m bot`."
CLOCK_USAGE = (
    "Tulis perubahan jamnya, misalnya /waktu +3h (tiga jam), /waktu +2d (dua hari), /waktu 2024-03-28 08:00, "
    "atau /waktu reset (kembali ke jam komputer)."
)
OUTSIDE_HOURS = "(di luar jam kirim pengingat, hari kerja pukul {start}–{end}: belum ada yang dikirim)"


@dataclass
class Style:
    """ANSI styles on a terminal; in a pipe bold becomes UPPER CASE and the rest stays plain."""

    ansi: bool

    def apply(self, text: str, kinds: set[str]) -> str:
        if not kinds:
            return text
        if not self.ansi:
            return text.upper() if "bold" in kinds else text
        codes = [code for kind, code in _ANSI.items() if kind in kinds]
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.ansi else text


_ANSI = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    "strikethrough": "9",
    "code": "36",
    "pre": "36",
    "text_link": "4",
    "spoiler": "7",
}


def render_text(message: JSON, style: Style) -> str:
    """A message's text with its entities (UTF-16 offsets, as Telegram sends them) shown readably."""
    text = message.get("text") or message.get("caption") or ""
    entities = message.get("entities") or message.get("caption_entities") or []
    units = text.encode("utf-16-le")
    size = len(units) // 2
    points = sorted({0, size, *(e["offset"] for e in entities), *(e["offset"] + e["length"] for e in entities)})
    out: list[str] = []
    for start, end in zip(points, points[1:], strict=False):
        segment = units[start * 2 : end * 2].decode("utf-16-le", "replace")
        kinds = {e["type"] for e in entities if e["offset"] <= start and e["offset"] + e["length"] >= end}
        out.append(style.apply(segment, kinds))
        for entity in entities:  # keep links visible: "teks (https://...)"
            if entity["type"] == "text_link" and entity["offset"] + entity["length"] == end:
                out.append(f" ({entity['url']})")
    return "".join(out)


def keyboard_rows(message: JSON) -> list[list[JSON]]:
    markup = message.get("reply_markup") or {}
    return [row for row in markup.get("inline_keyboard", []) if row]


class LineReader:
    """stdin in a daemon thread (a blocked read must not keep the process alive), one line per request."""

    def __init__(self, interactive: bool, stdin: TextIO) -> None:
        self.interactive = interactive
        self.stdin = stdin
        self.loop = asyncio.get_running_loop()
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()
        self.wanted = threading.Event()
        if interactive:
            try:
                import readline  # noqa: F401 - gives input() line editing and history
            except ImportError:  # not on every platform
                pass
        threading.Thread(target=self._read, name="sandbox-stdin", daemon=True).start()

    async def next(self) -> str | None:
        self.wanted.set()
        return await self.lines.get()

    def _read(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                line: str | None = input(PROMPT) if self.interactive else self.stdin.readline() or None
            except (EOFError, KeyboardInterrupt):
                line = None
            self.loop.call_soon_threadsafe(self.lines.put_nowait, line)
            if line is None:
                return


class Terminal:
    """One chat window at a time: the chat of the demo user being played (`/sebagai` switches, and what the
    others received meanwhile is shown when it is their turn)."""

    def __init__(
        self,
        server: BotApiServer,
        application: Application,
        user: FakeUser,
        *,
        out: TextIO = sys.stdout,
        interactive: bool = False,
        ansi: bool = False,
        cast: DemoCast | None = None,
        clock: SandboxClock | None = None,
    ) -> None:
        self.server = server
        self.application = application
        self.user = user
        self.out = out
        self.interactive = interactive
        self.style = Style(ansi)
        self.cast = cast
        self.clock = clock
        self.cursor = len(server.events)
        self.unread: dict[int, list[BotCall]] = {}  # what the bot sent the demo users not being played
        self.typing_shown = False
        self.hint_shown = False

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def run(self, stdin: TextIO = sys.stdin) -> None:
        reader = LineReader(self.interactive, stdin)
        watcher = asyncio.create_task(self._watch())
        try:
            while True:
                line = await reader.next()
                if line is None:
                    break
                line = line.strip()
                if not line:
                    continue
                if line.lower() in EXIT_COMMANDS:
                    break
                if not self.interactive:
                    self.write(self.style.dim(f"{PROMPT}{line}"))
                await self.handle(line)
        finally:
            watcher.cancel()

    def finish(self) -> None:
        """Once the bot has stopped (it first finishes what it was doing, e.g. an upload): the rest of what it
        sent, then goodbye."""
        self._drain()
        self.write("Sampai jumpa.")

    async def handle(self, line: str) -> None:
        """One line typed by the user: a sandbox command, or a message to the bot."""
        command, _, rest = line.partition(" ")
        press = _PRESS.match(line)
        if press or command.lower() in PRESS_COMMANDS:
            await self.press(int(press.group(1)) if press else None)
            return
        sandbox_command = {"/sebagai": self.switch, "/kirim": self.send_file, "/waktu": self.move_clock}
        action = sandbox_command.get(command.lower())
        if action is not None:
            await action(rest.strip())
            return
        await self.server.send_text(self.user, line)
        await self.wait_for_bot()

    # --- sandbox commands ---------------------------------------------------------------------------------

    async def press(self, number: int | None) -> None:
        """`/tekan N`: button N of the last message in this chat that has buttons (as it is now, after edits)."""
        if number is None:
            self.write("Tulis nomor tombolnya, misalnya /tekan 1.")
            return
        target, latest = self._last_with_buttons()
        if target is None:
            self.write("Belum ada pesan bertombol di chat ini.")
            return
        buttons = [button for row in keyboard_rows(target) for button in row]
        if not 1 <= number <= len(buttons):
            self.write(f"Tidak ada tombol nomor {number}: pesan terakhir yang bertombol punya {len(buttons)} tombol.")
            return
        if latest is not None and latest["message_id"] != target["message_id"]:
            preview = _preview(render_text(target, Style(ansi=False)))
            self.write(self.style.dim(f"(tombol pada pesan sebelumnya: \u201c{preview}\u201d)"))
        self.write(self.style.dim(f"→ {buttons[number - 1]['text']}"))
        try:
            await self.server.click(self.user, target, number - 1)
        except ValueError as error:  # a link button, or the keyboard changed meanwhile
            self.write(f"Tombol itu tidak dapat ditekan ({error}).")
            return
        await self.wait_for_bot()

    async def switch(self, query: str) -> None:
        """`/sebagai NAMA_ATAU_PERAN`: play another demo user, in their own chat."""
        if self.cast is None:
            self.write(SANDBOX_ONLY)
            return
        if not query:
            self.write(self.cast.roster(self.user))
            return
        found = await asyncio.to_thread(self.cast.choose, query)
        if isinstance(found, str):
            self.write(found)
            return
        self.user = found
        header = f"— Anda sekarang: {self.cast.describe(found)} —"
        self.write(self.style.apply(header, {"bold"}) if self.style.ansi else header)
        waiting = self.unread.pop(found.id, [])
        if waiting:
            self.write(self.style.dim(f"({len(waiting)} pesan masuk selama Anda memainkan pengguna lain)"))
        for call in waiting:
            self._display(call)
        self.write()

    async def send_file(self, arguments: str) -> None:
        """`/kirim PATH [keterangan]`: a file from this computer, sent as a document."""
        try:
            words = shlex.split(arguments)
        except ValueError:  # an unbalanced quote: take the words as they are
            words = arguments.split()
        if not words:
            self.write("Tulis path berkasnya, misalnya /kirim notulen.md /ingest")
            return
        path = Path(words[0]).expanduser()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.write(f"Berkas {path} lebih besar dari 2 GB, batas Telegram untuk berkas yang dikirim pengguna.")
                return
            data = path.read_bytes()
        except IsADirectoryError:
            self.write(f"{path} adalah folder; kirim berkasnya satu per satu.")
            return
        except OSError as error:
            self.write(f"Berkas {path} tidak dapat dibaca: {error.strerror or error}.")
            return
        caption = " ".join(words[1:]) or None
        await self.server.send_document(self.user, data, filename=path.name, caption=caption)
        self.write(self.style.dim(f"[berkas terkirim: {path.name}, {human_size(len(data))}]"))
        await self.wait_for_bot()

    async def move_clock(self, argument: str) -> None:
        """`/waktu +3h | +2d | 2024-03-28 08:00`: move the sandbox's clock, then send what has come due."""
        if self.clock is None:
            self.write(SANDBOX_ONLY)
            return
        settings = services_of(self.application).settings
        place = zone(settings.timezone)
        now = local_now(self.application)
        if not argument:
            self.write(f"Jam sandbox: {_moment(now)}{_offset(self.clock)}")
            return
        if argument.lower() in ("reset", "sekarang"):
            self.clock.reset()
        else:
            start = parse_clock(settings.reminder_time, time(8, 0))
            target = parse_time_change(argument, now, start, place)
            if target is None:
                self.write(CLOCK_USAGE)
                return
            self.clock.set(target)
        self.write(f"Jam sandbox sekarang: {_moment(local_now(self.application))}{_offset(self.clock)}")
        report = await run_reminders(self.application)
        await self.wait_for_bot()
        if report.skipped:
            opens, closes = (hour.replace(":", ".") for hour in (settings.reminder_time, settings.reminder_until))
            self.write(self.style.dim(OUTSIDE_HOURS.format(start=opens, end=closes)))
        elif not (report.messages or report.digests or report.failed):
            self.write(self.style.dim("(tidak ada pengingat yang jatuh tempo)"))

    # --- showing what the bot does -----------------------------------------------------------------------

    async def wait_for_bot(self) -> None:
        """Until the bot has fetched and fully handled what we sent (then everything it sent is shown)."""
        await self.server.wait_for(lambda: not self.server.pending_updates, timeout=None, what="updates fetched")
        await self.application.update_queue.join()
        self._drain()

    async def _watch(self) -> None:
        """Show the bot's calls as they happen ("typing…" while it works, then the messages)."""
        while True:
            await self.server.wait_for(lambda: len(self.server.events) > self.cursor, timeout=None, what="bot call")
            self._drain()

    def _drain(self) -> None:
        while self.cursor < len(self.server.events):
            call = self.server.events[self.cursor]
            self.cursor += 1
            self._show(call)

    def _show(self, call: BotCall) -> None:
        if str(call.chat_id) == str(self.user.id) or call.method == "answerCallbackQuery":
            self._display(call)
            return
        other = self._demo_user(call.chat_id)
        if other is None or not call.ok or call.method not in (*_SHOWN, *_EDITED):
            return
        waiting = self.unread.setdefault(other.id, [])
        waiting.append(call)
        if len(waiting) == 1 and self.cast is not None:
            name, switch = f"{other.first_name} ({self.cast.labels.get(other.id, '')})", self.cast.label(other)
            self.write(self.style.dim(f"[Pesan baru untuk {name} — /sebagai {switch} untuk membacanya]"))

    def _display(self, call: BotCall) -> None:
        if not call.ok:
            self.write(self.style.dim(f"[Bot API menolak {call.method}: {call.error_code} {call.description}]"))
            return
        if call.method == "sendChatAction":
            if not self.typing_shown:
                self.write(self.style.dim("Sinergi sedang mengetik…"))
                self.typing_shown = True
        elif call.method in _SHOWN and isinstance(call.result, dict):
            self._message(call.result, edited=False)
        elif call.method in _EDITED and isinstance(call.result, dict):
            self._message(call.result, edited=True)
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            kind = "Peringatan" if str(call.params.get("show_alert")).lower() in ("true", "1") else "Notifikasi"
            self.write(self.style.dim(f"[{kind}] {call.params['text']}"))

    def _message(self, message: JSON, *, edited: bool) -> None:
        self.typing_shown = False
        title = "Sinergi (pesan diperbarui)" if edited else "Sinergi"
        self.write(self.style.apply(title, {"bold"}) if self.style.ansi else f"[{title}]")
        body = render_text(message, self.style)
        if message.get("document"):
            body = f"[berkas: {message['document'].get('file_name', 'tanpa nama')}] {body}".rstrip()
        self.write(body)
        rows = keyboard_rows(message)
        if rows:
            number, lines = 0, []
            for row in rows:
                labels = []
                for button in row:
                    number += 1
                    labels.append(f"[{number}] {button['text']}")
                lines.append("  ".join(labels))
            self.write(self.style.dim("Tombol: ") + ("\n        ".join(lines)))
            if not self.hint_shown:
                self.write(self.style.dim("(tekan tombol dengan /tekan NOMOR atau #NOMOR, misalnya /tekan 1)"))
                self.hint_shown = True
        self.write()

    def _last_with_buttons(self) -> tuple[JSON | None, JSON | None]:
        """The newest bot message in this chat that has buttons now, and the newest bot message of all."""
        chat = self.server.chat(self.user)
        mine = [m for m in chat.messages.values() if m.get("from", {}).get("id") == self.server.bot.id]
        with_buttons = [m for m in mine if keyboard_rows(m)]
        newest = max(mine, key=lambda m: m["message_id"], default=None)
        return max(with_buttons, key=lambda m: m["message_id"], default=None), newest

    def _demo_user(self, chat_id: int | str | None) -> FakeUser | None:
        if self.cast is None or chat_id is None:
            return None
        try:
            return self.cast.people.get(int(chat_id))
        except ValueError:
            return None


def _preview(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _moment(local: datetime) -> str:
    return f"{long_date(local.date())} pukul {local:%H.%M} {local.tzname()}"


def _offset(clock: SandboxClock) -> str:
    """How far the sandbox's clock is from the computer's: " (2 hari 3 jam lebih maju dari jam komputer)"."""
    minutes = round(clock.offset.total_seconds() / 60)
    if minutes == 0:
        return " (sama dengan jam komputer)"
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (minutes, "menit")) if n]
    direction = "lebih maju dari" if clock.offset > timedelta(0) else "lebih mundur dari"
    return f" ({' '.join(parts)} {direction} jam komputer; /waktu reset untuk kembali)"


def banner(server: BotApiServer, user: FakeUser) -> str:
    return "\n".join(
        [
            "Sinergi — mode sandbox (tanpa Telegram, tanpa internet)",
            f"Bot berjalan pada server Bot API lokal {server.url}.",
            f"Anda masuk sebagai \u201c{user.first_name}\u201d dan otomatis terdaftar sebagai admin.",
            "Ketik pertanyaan lalu tekan Enter, misalnya: Apa yang dimaksud dengan dekonsentrasi?",
            "Tekan tombol dengan nomornya (/tekan 2 atau #2). Perintah: /bantuan, /sumber, /pasal 3 ayat 1.",
            "Peran lain: /sebagai sekretariat, /sebagai pejabat, /sebagai tamu. Berkas: /kirim PATH. Jam: /waktu +2d.",
            "Keluar: /keluar (atau Ctrl+D).",
            "",
        ]
    )

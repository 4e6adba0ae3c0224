"""The terminal plays a Telegram user against the embedded Bot API server: it types what you type and shows
what the bot sends, as a chat app would (formatting, inline buttons numbered so they can be pressed).

Works without a TTY too: lines are read from stdin and the session ends at EOF, which makes it scriptable.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from dataclasses import dataclass
from typing import TextIO

from telegram.ext import Application

from bot.sandbox.models import JSON, BotCall, FakeUser
from bot.sandbox.server import BotApiServer

# Beyond Telegram's id range (user ids have at most 52 significant bits), so the sandbox admin that lands in
# the database can never be a real person if the same database later serves the real bot.
SANDBOX_USER_ID = 2**52 + 1
PROMPT = "Anda › "
EXIT_COMMANDS = ("/keluar", "/exit", "/quit")
_PRESS = re.compile(r"^(?:#|/klik\s+)(\d{1,2})$")
_SHOWN = ("sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage")
_EDITED = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")


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


_ANSI = {"bold": "1", "italic": "3", "underline": "4", "strikethrough": "9", "code": "36", "pre": "36",
         "text_link": "4", "spoiler": "7"}


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
    def __init__(
        self,
        server: BotApiServer,
        application: Application,
        user: FakeUser,
        *,
        out: TextIO = sys.stdout,
        interactive: bool = False,
        ansi: bool = False,
    ) -> None:
        self.server = server
        self.application = application
        self.user = user
        self.out = out
        self.interactive = interactive
        self.style = Style(ansi)
        self.cursor = len(server.events)
        self.buttons: list[tuple[JSON, tuple[int, int]]] = []  # numbered buttons of the latest keyboard
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
                await self._handle(line)
        finally:
            watcher.cancel()
        self.write("Sampai jumpa.")

    async def _handle(self, line: str) -> None:
        press = _PRESS.match(line)
        if press:
            number = int(press.group(1))
            if not 1 <= number <= len(self.buttons):
                self.write(f"Tidak ada tombol nomor {number}.")
                return
            message, (row, column) = self.buttons[number - 1]
            try:
                await self.server.click(self.user, message, (row, column))
            except ValueError as error:  # the message was deleted or its keyboard replaced
                self.write(f"Tombol itu tidak dapat ditekan lagi ({error}).")
                return
        else:
            await self.server.send_text(self.user, line)
        await self.wait_for_bot()

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
        if str(call.chat_id) != str(self.user.id) and call.method != "answerCallbackQuery":
            return
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
            self.buttons = []
            lines = []
            for r, row in enumerate(rows):
                labels = []
                for c, button in enumerate(row):
                    self.buttons.append((message, (r, c)))
                    labels.append(f"[{len(self.buttons)}] {button['text']}")
                lines.append("  ".join(labels))
            self.write(self.style.dim("Tombol: ") + ("\n        ".join(lines)))
            if not self.hint_shown:
                self.write(self.style.dim("(tekan tombol dengan mengetik #nomor, misalnya #1)"))
                self.hint_shown = True
        self.write()


def banner(server: BotApiServer, user: FakeUser) -> str:
    return "\n".join(
        [
            "Sinergi — mode sandbox (tanpa Telegram, tanpa internet)",
            f"Bot berjalan pada server Bot API lokal {server.url}.",
            f"Anda masuk sebagai \u201c{user.first_name}\u201d dan otomatis terdaftar sebagai admin.",
            "Ketik pertanyaan lalu tekan Enter, misalnya: Apa yang dimaksud dengan dekonsentrasi?",
            "Tekan tombol dengan nomornya (#2 atau /klik 2). Perintah: /bantuan, /sumber, /pasal 3 ayat 1.",
            "Keluar: /keluar (atau Ctrl+D).",
            "",
        ]
    )

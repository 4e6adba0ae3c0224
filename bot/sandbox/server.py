"""An embedded Telegram Bot API server on loopback, and the control API tests and the sandbox drive it with.

The bot (an unmodified python-telegram-bot Application) talks HTTP to this server exactly as it would to
api.telegram.org; the control API plays the users: they write messages, send files and press buttons, and test
code waits for what the bot answers.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

from aiohttp import web

from bot.sandbox import content as ct
from bot.sandbox import media
from bot.sandbox.entities import detect_entities
from bot.sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError, Fault, bad_request, flood
from bot.sandbox.limits import RateLimit
from bot.sandbox.methods import BotApi, BotApiConfig, CallbackQuery
from bot.sandbox.models import (
    ADMINISTRATOR,
    CREATOR,
    JSON,
    KICKED,
    LEFT,
    MEMBER,
    PRESENT,
    BotCall,
    FakeChat,
    FakeUser,
)
from bot.sandbox.params import Params, Upload
from bot.sandbox.updates import Webhook, WebhookDeliverer
from bot.sandbox.world import World

logger = logging.getLogger(__name__)

MAX_UPLOAD = 50 * 1024 * 1024 + 64 * 1024  # Telegram accepts 50 MB uploads from bots, plus form overhead
_SERVICE_KEYS = ("new_chat_members", "left_chat_member", "group_chat_created", "migrate_to_chat_id")

ChatRef = FakeChat | FakeUser | int
P = ParamSpec("P")
R = TypeVar("R")


def _on_server_loop(
    func: Callable[Concatenate[BotApiServer, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[BotApiServer, P], Coroutine[Any, Any, R]]:
    """Let a coroutine of the control API be awaited from another event loop (e.g. a UI thread)."""

    @functools.wraps(func)
    async def wrapper(self: BotApiServer, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._in_server_loop():
            return await func(self, *args, **kwargs)
        future = asyncio.run_coroutine_threadsafe(func(self, *args, **kwargs), self._require_loop())
        return await asyncio.wrap_future(future)

    return wrapper


def _sync_on_server_loop(
    func: Callable[Concatenate[BotApiServer, P], R],
) -> Callable[Concatenate[BotApiServer, P], R]:
    """Run a state-changing control method on the server's loop, blocking briefly when called from elsewhere."""

    @functools.wraps(func)
    def wrapper(self: BotApiServer, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._in_server_loop():
            return func(self, *args, **kwargs)

        async def run() -> R:
            return func(self, *args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self._require_loop()).result()

    return wrapper


class BotApiServer:
    """A fake Telegram: a real HTTP Bot API on 127.0.0.1 plus users and chats controlled from Python.

    Point PTB at it with ``ApplicationBuilder().token(server.token).base_url(server.base_url)
    .base_file_url(server.base_file_url)``. All state lives on the event loop that called :meth:`start`.
    """

    def __init__(
        self,
        token: str = "123456:SANDBOX",
        *,
        bot_username: str = "sinergi_bot",
        bot_name: str = "Sinergi",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
        privacy_mode: bool = True,
        callback_timeout: float = 15.0,
        rate_limit: RateLimit | None = None,
        webhook_retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0),
    ) -> None:
        """
        strict_html: also reject a bare "&" in HTML (Telegram keeps it literally; False reproduces that).
        privacy_mode: in groups, deliver only commands, mentions of the bot, replies to it and service
            messages, like Telegram's default for bots that are not admins.
        rate_limit: answer 429 when Telegram's flood limits would be exceeded (None = unlimited).
        """
        self.token = token
        self.host = host
        self._requested_port = port
        self.world = World(token, bot_username, bot_name)
        self._deliverer = WebhookDeliverer(self.world.queue, self.world.signal, webhook_retry_delays)
        config = BotApiConfig(strict_html, privacy_mode, callback_timeout, rate_limit)
        self.api = BotApi(self.world, self._deliverer, config)
        self.events: list[BotCall] = []
        self._faults: list[Fault] = []
        self._read_cursors: dict[int, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ================================================================== lifecycle

    async def start(self) -> BotApiServer:
        if self._runner is not None:
            raise RuntimeError("BotApiServer is already running")
        self.api.closing = False
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A short shutdown timeout: long polls are woken on stop, and nothing else runs long. Handler
        # cancellation ends a long poll as soon as its client hangs up (PTB does when the updater stops).
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        logger.info("Sandbox Bot API listening on %s", self.url)
        return self

    async def stop(self) -> None:
        self.api.closing = True
        self.world.signal.notify()
        await self._deliverer.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotApiServer.start() has not been awaited yet")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: PTB appends the token, giving ``/bot<token>/<method>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot(self) -> FakeUser:
        return self.world.bot

    def _in_server_loop(self) -> bool:
        if self._loop is None or not self._loop.is_running():
            return True
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return threading.get_ident() == self._loop_thread

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("BotApiServer.start() has not been awaited yet")
        return self._loop

    # ================================================================== HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"]
        if path.startswith("file/bot"):
            return self._serve_file(path[len("file/bot") :])
        if not path.startswith("bot"):
            return _json_error(NOT_FOUND)
        token, _, method = path[len("bot") :].partition("/")
        if token != self.token:
            return _json_error(UNAUTHORIZED)
        if not method or "/" in method:
            return _json_error(NOT_FOUND)
        return await self._call(method, request)

    def _serve_file(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        stored = self.world.file_by_path(file_path) if token == self.token else None
        if stored is None:
            return _json_error(NOT_FOUND)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _call(self, method: str, request: web.Request) -> web.StreamResponse:
        entry = self.api.handlers.get(method.lower())
        try:
            params = await _read_params(request)
        except ApiError as error:
            return _json_error(error)
        if entry is None:
            self._record(method, params, NOT_FOUND)
            return _json_error(NOT_FOUND)
        name, handler = entry
        try:
            fault = next((f for f in self._faults if f.matches(name, params.get("chat_id"))), None)
            if fault is not None:
                raise fault.fire()
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            if _client_present(request, name):
                self._record(name, params, error)
            return _json_error(error)
        except Exception as error:  # a sandbox bug: answer like Telegram's 500 and keep it in the log
            logger.exception("Sandbox failed on %s", name)
            failure = ApiError(500, f"Internal Server Error: sandbox error {error!r}")
            self._record(name, params, failure)
            return _json_error(failure)
        if _client_present(request, name):
            self._record(name, params, result)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: Params, outcome: Any) -> None:
        """Log the call and wake every waiter. Empty getUpdates polls are left out: they are just noise."""
        failed = isinstance(outcome, ApiError)
        if method == "getUpdates" and not failed and not outcome:
            return
        call = BotCall(
            seq=len(self.events) + 1,
            time=time.time(),
            method=method,
            params=params.for_log(),
            ok=not failed,
            result=None if failed else outcome,
            error_code=outcome.status if failed else None,
            description=outcome.description if failed else None,
            chat_id=params.get("chat_id"),
        )
        self.events.append(call)
        log = logger.warning if failed and call.error_code != 409 else logger.debug
        log("Bot API call %s", call)
        self.world.signal.notify()

    # ================================================================== users and chats

    @_sync_on_server_loop
    def add_user(
        self,
        first_name: str = "Pengguna",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = True,
        user_id: int | None = None,
    ) -> FakeUser:
        """A user with a private chat with the bot. ``started=False``: the bot may not write first (403)."""
        return self.world.add_user(
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
            id=user_id,
        )

    @_sync_on_server_loop
    def add_group(
        self,
        title: str,
        members: Iterable[FakeUser] = (),
        *,
        kind: str = "group",
        username: str | None = None,
        admins: Iterable[FakeUser] = (),
        bot_status: str = MEMBER,
        added_by: FakeUser | None = None,
    ) -> FakeChat:
        """A group/supergroup/channel. With ``added_by``, the bot is added now: my_chat_member + service message."""
        admins = list(admins)
        chat = self.world.add_group(
            title, [*members, *admins], kind=kind, username=username, bot_status=LEFT if added_by else bot_status
        )
        for admin in admins:
            chat.members[admin.id] = ADMINISTRATOR
        if added_by is not None:
            chat.members.setdefault(added_by.id, MEMBER)
            self._change_bot_status(chat, bot_status, added_by)
            self._user_message(added_by, chat, {"new_chat_members": [self.bot.to_dict()]})
        return chat

    def chat(self, chat: ChatRef) -> FakeChat:
        """The FakeChat for a chat, a user (their private chat) or a chat id."""
        if isinstance(chat, FakeChat):
            return chat
        return self.world.chat(chat.id if isinstance(chat, FakeUser) else chat)

    @_sync_on_server_loop
    def add_member(self, chat: FakeChat, user: FakeUser, status: str = MEMBER) -> None:
        chat.members[user.id] = status

    @_sync_on_server_loop
    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: its calls to their chat now fail with 403 "bot was blocked by the user"."""
        if not user.blocked:
            user.blocked = True
            self._push_my_chat_member(self.chat(user), user, MEMBER, KICKED)

    @_sync_on_server_loop
    def unblock(self, user: FakeUser) -> None:
        if user.blocked:
            user.blocked = False
            self._push_my_chat_member(self.chat(user), user, KICKED, MEMBER)

    @_sync_on_server_loop
    def set_bot_status(self, chat: FakeChat, status: str, by: FakeUser) -> None:
        """Add, promote, remove or kick the bot in a group (member/administrator/left/kicked)."""
        self._change_bot_status(chat, status, by)

    def _change_bot_status(self, chat: FakeChat, status: str, by: FakeUser) -> None:
        old = chat.bot_status
        chat.bot_status = status
        if old != status:
            self._push_my_chat_member(chat, by, old, status)

    def _push_my_chat_member(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> None:
        self.api.push_bot_status(chat, by.to_dict(), old, new)

    # ================================================================== what users do

    @_on_server_loop
    async def send_text(
        self, user: FakeUser, text: str, *, chat: ChatRef | None = None, reply_to: JSON | int | None = None
    ) -> JSON:
        """The user writes text (commands and @mentions get their entities). Returns the user's Message."""
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        body: JSON = {"text": text}
        entities = detect_entities(text)
        if entities:
            body["entities"] = entities
        return self._user_message(user, self._chat_for(user, chat), body, reply_to)

    @_on_server_loop
    async def send_document(
        self,
        user: FakeUser,
        data: bytes,
        *,
        filename: str = "dokumen.pdf",
        caption: str | None = None,
        mime_type: str | None = None,
        chat: ChatRef | None = None,
        reply_to: JSON | int | None = None,
        media_group_id: str | None = None,
    ) -> JSON:
        """The user sends a file; the bot can fetch its bytes with getFile + download. Files sent together as an
        album share a `media_group_id`, and each arrives as its own message, as in Telegram."""
        stored = self.world.store_file(data, "document", filename, mime_type or media.guess_mime(filename))
        body = {"document": media.document_json(stored), **_caption(caption), **_album(media_group_id)}
        return self._user_message(user, self._chat_for(user, chat), body, reply_to)

    @_on_server_loop
    async def send_photo(
        self,
        user: FakeUser,
        data: bytes = media.TINY_PNG,
        *,
        caption: str | None = None,
        chat: ChatRef | None = None,
        reply_to: JSON | int | None = None,
        media_group_id: str | None = None,
    ) -> JSON:
        """The user sends a photo (an album: several, each with the same `media_group_id`)."""
        stored = self.world.store_file(data, "photo")
        body = {"photo": media.photo_json(stored), **_caption(caption), **_album(media_group_id)}
        return self._user_message(user, self._chat_for(user, chat), body, reply_to)

    @_on_server_loop
    async def send_sticker(self, user: FakeUser, *, emoji: str = "👍", chat: ChatRef | None = None) -> JSON:
        stored = self.world.store_file(b"RIFF\x00\x00\x00\x00WEBP", "sticker")
        return self._user_message(user, self._chat_for(user, chat), {"sticker": media.sticker_json(stored, emoji)})

    @_on_server_loop
    async def send_voice(
        self, user: FakeUser, data: bytes = media.TINY_OGG, *, duration: int = 1, chat: ChatRef | None = None
    ) -> JSON:
        stored = self.world.store_file(data, "voice")
        return self._user_message(user, self._chat_for(user, chat), {"voice": media.voice_json(stored, duration)})

    @_on_server_loop
    async def click(
        self, user: FakeUser, message: JSON, button: str | int | tuple[int, int] = 0, *, data: str | None = None
    ) -> str:
        """Press an inline button of a bot message (by text, flat index or (row, column)); returns the query id.

        `data` replaces the button's callback_data, as a modified client could: for testing that the bot does
        not trust ids it finds there."""
        chat = self.world.chat(message["chat"]["id"])
        current = self.world.find_message(chat, message["message_id"])
        if current is None:
            raise ValueError(f"Message {message['message_id']} no longer exists in chat {chat.id}")
        chosen = _pick_button(ct.inline_buttons(current), button)
        if "callback_data" not in chosen:
            raise ValueError(f"Button {chosen['text']!r} has no callback_data, so pressing it sends no update")
        if data is not None:
            chosen = {**chosen, "callback_data": data}
        query = CallbackQuery(self.world.new_query_id(), chat.id, current["message_id"], time.monotonic())
        self.api.out.queries[query.id] = query
        payload = {
            "id": query.id,
            "from": user.to_dict(),
            "message": copy.deepcopy(current),
            "chat_instance": f"{abs(chat.id)}{self.bot.id}",
            "data": chosen["callback_data"],
        }
        self.world.push_update("callback_query", payload)
        return query.id

    def _chat_for(self, user: FakeUser, chat: ChatRef | None) -> FakeChat:
        return self.chat(user) if chat is None else self.chat(chat)

    def _user_message(self, user: FakeUser, chat: FakeChat, body: JSON, reply_to: JSON | int | None = None) -> JSON:
        if chat.is_private:
            if chat.id != user.id:
                raise ValueError(f"{user.first_name} cannot write in another user's private chat")
            # Writing to a bot (pressing Start / Restart) starts it and lifts a block, as in Telegram clients.
            user.started = True
            self.unblock(user)
        elif chat.members.get(user.id) not in PRESENT:
            raise ValueError(f"{user.first_name} is not a member of {chat.title!r}")
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            snapshot = self.world.reply_snapshot(chat, reply_id)
            if snapshot is None:
                raise ValueError(f"Message {reply_id} does not exist in chat {chat.id}")
            body["reply_to_message"] = snapshot
        message = self.world.new_message(chat, user, body)
        if self._bot_sees(chat, message):
            self.world.push_update("message", message)
        return message

    def _bot_sees(self, chat: FakeChat, message: JSON) -> bool:
        """Whether Telegram would send the bot this message (group privacy mode included)."""
        if chat.is_private:
            return True
        if chat.bot_status not in PRESENT:
            return False
        if not self.api.config.privacy_mode or chat.bot_status in (ADMINISTRATOR, CREATOR):
            return True
        if any(key in message for key in _SERVICE_KEYS):
            return True
        replied = message.get("reply_to_message")
        if replied and replied.get("from", {}).get("id") == self.bot.id:
            return True
        text = message.get("text") or message.get("caption") or ""
        if text.startswith("/"):
            target = text.split()[0].partition("@")[2]
            return not target or target.lower() == (self.bot.username or "").lower()
        return re.search(rf"@{re.escape(self.bot.username or '')}\b", text, re.IGNORECASE) is not None

    # ================================================================== what the bot did

    def calls(self, method: str | None = None, *, chat: ChatRef | None = None, ok: bool | None = None) -> list[BotCall]:
        """Logged bot calls, filtered by method name (case-insensitive), chat and outcome."""
        chat_id = None if chat is None else self._chat_id(chat)
        return [
            call
            for call in self.events
            if (method is None or call.method.lower() == method.lower())
            and (chat_id is None or str(call.chat_id) == str(chat_id))
            and (ok is None or call.ok == ok)
        ]

    def errors(self, method: str | None = None, *, chat: ChatRef | None = None) -> list[BotCall]:
        return self.calls(method, chat=chat, ok=False)

    def sent_messages(self, chat: ChatRef | None = None) -> list[JSON]:
        """Every message the bot sent (as it was when sent), oldest first; copies included."""
        chat_id = None if chat is None else self._chat_id(chat)
        return [m for m in self.api.out.messages if chat_id is None or m["chat"]["id"] == chat_id]

    def read_messages(self, chat: ChatRef) -> list[JSON]:
        """The bot's messages in chat not yet returned by read_messages/wait_for_messages; marks them read."""
        chat_id = self._chat_id(chat)
        sent = self.sent_messages(chat_id)
        start = self._read_cursors.get(chat_id, 0)
        self._read_cursors[chat_id] = len(sent)
        return sent[start:]

    @_on_server_loop
    async def wait_for_messages(self, chat: ChatRef, count: int = 1, timeout: float | None = 10.0) -> list[JSON]:
        """Wait for the next ``count`` unread bot messages in chat and mark them read."""
        chat_id = self._chat_id(chat)

        def unread() -> int:
            return len(self.sent_messages(chat_id)) - self._read_cursors.get(chat_id, 0)

        if not await self.world.signal.wait_until(lambda: unread() >= count, timeout):
            raise TimeoutError(
                f"Expected {count} new bot message(s) in chat {chat_id} within {timeout}s, got {unread()}."
                + self._recent_calls_report()
            )
        start = self._read_cursors.get(chat_id, 0)
        self._read_cursors[chat_id] = start + count
        return self.sent_messages(chat_id)[start : start + count]

    async def wait_for_message(self, chat: ChatRef, timeout: float | None = 10.0) -> JSON:
        return (await self.wait_for_messages(chat, 1, timeout))[0]

    @_on_server_loop
    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None = 10.0, what: str = "") -> None:
        """Wait until predicate() holds; it is re-checked whenever the bot calls or the world changes."""
        if not await self.world.signal.wait_until(predicate, timeout):
            report = self._recent_calls_report()
            raise TimeoutError(f"Condition {what or predicate!r} not met within {timeout}s.{report}")

    @_on_server_loop
    async def wait_for_call(
        self,
        method: str | None = None,
        *,
        chat: ChatRef | None = None,
        predicate: Callable[[BotCall], bool] | None = None,
        after: int = 0,
        timeout: float | None = 10.0,
    ) -> BotCall:
        """The first logged call with seq > after that matches; waits for it if it has not happened yet."""

        def find() -> BotCall | None:
            return next(
                (c for c in self.calls(method, chat=chat) if c.seq > after and (predicate is None or predicate(c))),
                None,
            )

        if not await self.world.signal.wait_until(lambda: find() is not None, timeout):
            raise TimeoutError(f"No {method or 'matching'} call within {timeout}s." + self._recent_calls_report())
        found = find()
        assert found is not None
        return found

    @_on_server_loop
    async def wait_for_callback_answer(self, query_id: str, timeout: float | None = 10.0) -> JSON:
        def answer() -> JSON | None:
            query = self.api.out.queries.get(query_id)
            return query.answer if query else None

        if not await self.world.signal.wait_until(lambda: answer() is not None, timeout):
            raise TimeoutError(f"Callback query {query_id} was not answered within {timeout}s.")
        return dict(answer() or {})

    @_on_server_loop
    async def wait_until_idle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:
        """Wait until the bot has taken every update and made no call for ``quiet`` seconds.

        The way to assert that something did *not* happen (no reply, no error) without a fixed sleep.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if not await self.world.signal.wait_until(lambda: not self.world.queue.pending, remaining):
                raise TimeoutError(f"The bot did not fetch its {len(self.world.queue.pending)} pending update(s).")
            busy = await self.world.signal.wait_until(_activity_since(self, len(self.events)), quiet)
            if not busy:
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"The bot was still busy after {timeout}s.")

    def message(self, chat: ChatRef, message_id: int) -> JSON | None:
        """A message as it is now (after edits), or None once deleted."""
        found = self.world.find_message(self.chat(chat), message_id)
        return copy.deepcopy(found) if found else None

    def chat_actions(self, chat: ChatRef) -> list[str]:
        chat_id = self._chat_id(chat)
        return [action for cid, action in self.api.out.chat_actions if cid == chat_id]

    @property
    def callback_answers(self) -> dict[str, JSON]:
        """Answers the bot gave to callback queries, by query id."""
        return {qid: dict(q.answer) for qid, q in self.api.out.queries.items() if q.answer is not None}

    def reply_keyboard(self, chat: ChatRef) -> JSON | None:
        """The reply keyboard or force_reply the bot last left in chat (None after remove_keyboard)."""
        return copy.deepcopy(self.chat(chat).reply_keyboard)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        key = json.dumps([scope or {"type": "default"}, language_code], sort_keys=True)
        return copy.deepcopy(self.api.out.commands.get(key, []))

    @property
    def updates(self) -> list[JSON]:
        """Every update queued for the bot so far (delivered or not)."""
        return list(self.world.queue.history)

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self.world.queue.pending)

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the bot uploaded or a user sent."""
        return self.world.files[file_id].data

    @property
    def waiting_polls(self) -> int:
        """getUpdates calls currently long-polling."""
        return self.api.waiting_polls

    @property
    def webhook(self) -> Webhook | None:
        return self._deliverer.webhook

    @property
    def webhook_deliveries(self) -> list[JSON]:
        return list(self._deliverer.delivered)

    def _chat_id(self, chat: ChatRef) -> int:
        return chat if isinstance(chat, int) else chat.id

    def _recent_calls_report(self, last: int = 8) -> str:
        recent = self.events[-last:]
        if not recent:
            return " The bot made no Bot API call."
        return " Recent bot calls: " + "; ".join(str(call) for call in recent)

    # ================================================================== faults

    @_sync_on_server_loop
    def inject_fault(
        self,
        status: int,
        description: str,
        *,
        method: str | None = None,
        chat: ChatRef | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching calls with this error (method None: any but getUpdates)."""
        fault = Fault(status, description, method, None if chat is None else self._chat_id(chat), times, retry_after)
        self._faults.append(fault)
        return fault

    def inject_flood(
        self, retry_after: int = 2, *, times: int = 1, method: str | None = "sendMessage", chat: ChatRef | None = None
    ) -> Fault:
        """Answer 429 "Too Many Requests: retry after N" (PTB raises RetryAfter)."""
        error = flood(retry_after)
        return self.inject_fault(429, error.description, method=method, chat=chat, times=times, retry_after=retry_after)

    @_sync_on_server_loop
    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.api.config.rate_limit

    @rate_limit.setter
    def rate_limit(self, limit: RateLimit | None) -> None:
        self.api.config.rate_limit = limit


# ====================================================================== helpers


async def _read_params(request: web.Request) -> Params:
    """Parameters from the query string and a JSON, urlencoded or multipart body, as Telegram accepts them."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        try:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise bad_request("can't parse JSON object")
                values.update(body)
            else:
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[name] = Upload(value.file.read(), value.filename, value.content_type)
                    else:
                        values[name] = value
        except web.HTTPRequestEntityTooLarge as error:
            raise ApiError(413, "Request Entity Too Large") from error
        except json.JSONDecodeError as error:
            raise bad_request("can't parse JSON object") from error
    return Params(values, uploads)


def _client_present(request: web.Request, method: str) -> bool:
    """False for a long poll whose client already hung up: nobody saw its answer, so it is not logged."""
    if method != "getUpdates":
        return True
    transport = request.transport
    return transport is not None and not transport.is_closing()


def _activity_since(server: BotApiServer, seen: int) -> Callable[[], bool]:
    return lambda: len(server.events) != seen or bool(server.world.queue.pending)


def _json_error(error: ApiError) -> web.Response:
    return web.json_response(error.to_payload(), status=error.status)


def _caption(caption: str | None) -> JSON:
    if not caption:
        return {}
    body: JSON = {"caption": caption}
    entities = detect_entities(caption)
    if entities:
        body["caption_entities"] = entities
    return body


def _album(media_group_id: str | None) -> JSON:
    return {"media_group_id": media_group_id} if media_group_id else {}


def _pick_button(rows: Sequence[Sequence[JSON]], button: str | int | tuple[int, int]) -> JSON:
    flat = [b for row in rows for b in row]
    if not flat:
        raise ValueError("The message has no inline keyboard")
    try:
        if isinstance(button, tuple):
            return rows[button[0]][button[1]]
        if isinstance(button, int):
            return flat[button]
    except IndexError as error:
        raise ValueError(f"No button {button!r}; buttons: {[b['text'] for b in flat]}") from error
    for candidate in flat:
        if button in (candidate["text"], candidate.get("callback_data")):
            return candidate
    raise ValueError(f"No button {button!r}; buttons: {[b['text'] for b in flat]}")

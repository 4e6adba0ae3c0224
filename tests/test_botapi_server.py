"""The embedded Bot API server, driven by real python-telegram-bot objects over loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import socket
import threading
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from bot_harness import time_limit
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.sandbox import BotApiServer, RateLimit

TOKEN = "123456:TEST-token"


async_test = time_limit(20)  # the server alone: a hang fails fast


@contextlib.asynccontextmanager
async def sandbox(**options: Any) -> AsyncIterator[BotApiServer]:
    server = BotApiServer(TOKEN, bot_username="sinergi_bot", **options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def bot_for(server: BotApiServer, token: str = TOKEN) -> AsyncIterator[Bot]:
    async with Bot(token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


def build_app(server: BotApiServer, *handlers: BaseHandler[Any, Any, Any]) -> Application[Any, Any, Any, Any, Any, Any]:
    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).base_file_url(server.base_file_url).build()
    for handler in handlers:
        app.add_handler(handler)
    return app


@contextlib.asynccontextmanager
async def polling(server: BotApiServer, *handlers: BaseHandler[Any, Any, Any]) -> AsyncIterator[Application]:
    app = build_app(server, *handlers)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=1))
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---------------------------------------------------------------------------------- handlers under test


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_chat is not None
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Lagi", callback_data="again")]])
    await update.effective_message.reply_text(" ".join(context.args or []) or "kosong", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Diterima")
    await query.edit_message_text(f"Tombol {query.data} ditekan")


# ---------------------------------------------------------------------------------- basics


@async_test
async def test_get_me_describes_the_configured_bot() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "sinergi_bot", True)


@async_test
async def test_wrong_token_and_unknown_method_are_refused_like_telegram() -> None:
    async with sandbox() as server:
        with pytest.raises(InvalidToken):
            async with bot_for(server, token="999:WRONG"):
                pass
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{server.base_url}{TOKEN}/sendNothing", json={}) as response:
                assert response.status == 404
                assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@async_test
async def test_form_and_json_bodies_decode_to_the_same_message() -> None:
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with sandbox() as server, aiohttp.ClientSession() as http:
        user = server.add_user("Siti")
        url = f"{server.base_url}{TOKEN}/sendMessage"
        # PTB's encoding: strings raw, everything else JSON-encoded.
        form = {"chat_id": str(user.id), "text": "123", "reply_markup": json.dumps(keyboard), "protect_content": "true"}
        body = {"chat_id": user.id, "text": "123", "reply_markup": keyboard, "protect_content": True}
        async with http.post(url, data=form) as first, http.post(url, json=body) as second:
            sent = [(await first.json())["result"], (await second.json())["result"]]
    for message in sent:
        assert message["text"] == "123"  # a text that looks like JSON stays text
        assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
        assert message["has_protected_content"] is True


# ---------------------------------------------------------------------------------- a real Application


@async_test
async def test_polling_application_handles_commands_and_button_presses() -> None:
    async with sandbox() as server:
        user = server.add_user("Siti", username="siti")
        async with polling(server, CommandHandler("echo", echo), CallbackQueryHandler(on_button)):
            await server.send_text(user, "/echo halo dunia")
            reply = await server.wait_for_message(user)
            assert reply["text"] == "halo dunia"
            assert "reply_to_message" not in reply  # PTB quotes only in groups by default
            assert server.chat_actions(user) == ["typing"]

            query_id = await server.click(user, reply, "Lagi")
            answer = await server.wait_for_callback_answer(query_id)
            await server.wait_for_call("editMessageText", chat=user)
    assert answer["text"] == "Diterima"
    edited = server.message(user, reply["message_id"])
    assert edited is not None and edited["text"] == "Tombol again ditekan"
    assert "reply_markup" not in edited  # editing without reply_markup drops the keyboard, as in Telegram
    assert not server.errors(), server.errors()


@async_test
async def test_group_privacy_mode_lets_through_commands_mentions_and_replies_only() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        siti, budi = server.add_user("Siti"), server.add_user("Budi")
        group = server.add_group("Rakor Dekon", [siti, budi], added_by=siti)
        await server.send_text(siti, "obrolan biasa", chat=group)
        await server.send_text(siti, "/tanya@sinergi_bot apa itu TP?", chat=group)
        await server.send_text(budi, "/tanya@bot_lain apa?", chat=group)
        await server.send_text(budi, "halo @sinergi_bot", chat=group)
        answer = await bot.send_message(group.id, "Tugas pembantuan adalah ...")
        await server.send_text(budi, "terima kasih", chat=group, reply_to=answer.to_dict())
        updates = await bot.get_updates()
    joined, *messages = updates
    assert joined.my_chat_member is not None and joined.my_chat_member.new_chat_member.status == "member"
    assert messages[0].message is not None and messages[0].message.new_chat_members[0].id == bot.id
    assert [u.message.text for u in messages[1:] if u.message] == [
        "/tanya@sinergi_bot apa itu TP?",
        "halo @sinergi_bot",
        "terima kasih",
    ]
    command = messages[1].message
    assert command is not None and command.entities[0].type == "bot_command"
    assert command.entities[0].length == len("/tanya@sinergi_bot")


@async_test
async def test_user_media_and_bot_copies_deserialise_in_ptb() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        await server.send_sticker(user, emoji="🙏")
        await server.send_voice(user, duration=3)
        photo = await server.send_photo(user, caption="foto rapat")
        updates = await bot.get_updates()
        copied = await bot.copy_message(
            user.id, user.id, photo["message_id"], caption="<i>salinan</i>", parse_mode=ParseMode.HTML
        )
        forwarded = await bot.forward_message(user.id, user.id, photo["message_id"])
    sticker, voice, picture = (u.message for u in updates)
    assert sticker is not None and sticker.sticker is not None and sticker.sticker.emoji == "🙏"
    assert voice is not None and voice.voice is not None and seconds(voice.voice.duration) == 3
    assert picture is not None and picture.caption == "foto rapat" and picture.photo[0].width == 1
    copy_message = server.message(user, copied.message_id)
    assert copy_message is not None and copy_message["caption"] == "salinan"
    assert copy_message["caption_entities"][0]["type"] == "italic"
    assert forwarded.forward_origin is not None and forwarded.forward_origin.sender_user.id == user.id


@async_test
async def test_keyboards_are_tracked_and_reply_markup_can_be_edited() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        await bot.send_message(user.id, "Pilih unit", reply_markup=ReplyKeyboardMarkup([["Bappeda", "Dinas PU"]]))
        keyboard = server.reply_keyboard(user)
        await bot.send_message(user.id, "Terima kasih", reply_markup=ReplyKeyboardRemove())
        menu = InlineKeyboardMarkup([[InlineKeyboardButton("Detail", callback_data="detail")]])
        message = await bot.send_message(user.id, "Ringkasan", reply_markup=menu)
        await bot.edit_message_reply_markup(user.id, message.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_reply_markup(user.id, message.message_id, reply_markup=None)
    assert keyboard is not None and keyboard["keyboard"][0][1]["text"] == "Dinas PU"
    assert server.reply_keyboard(user) is None
    assert "reply_markup" not in (server.message(user, message.message_id) or {})
    assert "reply_markup" in server.sent_messages(user)[-1]  # the log keeps the message as it was sent


# ---------------------------------------------------------------------------------- formatting and limits


@async_test
async def test_html_is_parsed_into_entities_with_utf16_offsets() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        message = await bot.send_message(
            user.id, "😀 <b>PP 19/2022</b> &amp; <a href='https://jdih.go.id'>JDIH</a>", parse_mode=ParseMode.HTML
        )
    assert message.text == "😀 PP 19/2022 & JDIH"
    bold, link = message.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 3, 10)  # the emoji is two UTF-16 units
    assert (link.type, link.url) == ("text_link", "https://jdih.go.id/")
    assert message.parse_entity(bold) == "PP 19/2022"


@async_test
async def test_bad_markup_is_rejected_with_telegrams_wording() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        cases = {
            "<b>Pasal 7</i>": "unmatched end tag",
            "Pasal 7 < Pasal 8": "unsupported start tag",
            "<foo>x</foo>": 'unsupported start tag "foo"',
            "<b>tanpa penutup": "can't find end tag",
        }
        for text, reason in cases.items():
            with pytest.raises(BadRequest, match="(?i)can't parse entities") as caught:
                await bot.send_message(user.id, text, parse_mode=ParseMode.HTML)
            assert reason in caught.value.message.lower()
        with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
            await bot.send_message(user.id, "Pasal 7.", parse_mode=ParseMode.MARKDOWN_V2)
    failed = server.errors("sendMessage")
    assert len(failed) == 5 and all("can't parse entities" in (call.description or "") for call in failed)


@async_test
async def test_text_length_is_measured_after_parsing_in_utf16_units() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        await bot.send_message(user.id, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
        await bot.send_message(user.id, "😀" * 2048)
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(user.id, "😀" * 2049)
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(user.id, "<b> </b>", parse_mode=ParseMode.HTML)


@async_test
async def test_long_callback_data_is_refused() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(user.id, "pilih", reply_markup=markup)


# ---------------------------------------------------------------------------------- faults


@async_test
async def test_blocked_user_and_unknown_chat() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        server.block(user)
        with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
            await bot.send_message(user.id, "Pengingat tindak lanjut")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(424242, "halo")
        stranger = server.add_user("Budi", started=False)
        with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
            await bot.send_message(stranger.id, "halo")
    assert server.updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"


@async_test
async def test_injected_flood_control_and_rate_limit_raise_retry_after() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        server.inject_flood(retry_after=7, method="sendMessage")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(user.id, "satu")
        assert seconds(caught.value.retry_after) == 7
        await bot.send_message(user.id, "dua")  # the fault fired once only

        server.rate_limit = RateLimit(per_second=None, per_chat_per_second=1, per_group_per_minute=None)
        await bot.send_message(user.id, "tiga")
        with pytest.raises(RetryAfter) as limited:
            await bot.send_message(user.id, "empat")
    assert seconds(limited.value.retry_after) == 1
    assert [m["text"] for m in server.sent_messages(user)] == ["dua", "tiga"]


# ---------------------------------------------------------------------------------- files


@async_test
async def test_user_file_can_be_downloaded_and_bot_uploads_are_stored() -> None:
    payload = b"%PDF-1.4 notulen rapat koordinasi"
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        sent = await server.send_document(user, payload, filename="notulen.pdf", caption="/ingest")
        assert sent["caption_entities"][0]["type"] == "bot_command"
        telegram_file = await bot.get_file(sent["document"]["file_id"])
        assert bytes(await telegram_file.download_as_bytearray()) == payload

        document = await bot.send_document(
            user.id, b"hasil,1\n", filename="rekap.csv", caption="<b>Rekap</b>", parse_mode=ParseMode.HTML
        )
        photo = await bot.send_photo(user.id, (await server.send_photo(user))["photo"][0]["file_id"])
        with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
            await bot.send_document(user.id, "no-such-file-id")
    assert (document.document.file_name, document.document.mime_type) == ("rekap.csv", "text/csv")
    assert document.caption == "Rekap" and document.caption_entities[0].type == "bold"
    assert server.file_bytes(document.document.file_id) == b"hasil,1\n"
    assert (photo.photo[0].width, photo.photo[0].height) == (1, 1)


# ---------------------------------------------------------------------------------- editing and callbacks


@async_test
async def test_edit_delete_reply_and_callback_errors() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        question = await server.send_text(user, "Apa itu dekonsentrasi?")
        answer = await bot.send_message(user.id, "Jawaban", reply_parameters=ReplyParameters(question["message_id"]))
        assert answer.reply_to_message is not None and answer.reply_to_message.text == "Apa itu dekonsentrasi?"
        with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
            await bot.send_message(user.id, "x", reply_parameters=ReplyParameters(9999))

        edited = await bot.edit_message_text("Jawaban baru", chat_id=user.id, message_id=answer.message_id)
        assert isinstance(edited, object) and server.message(user, answer.message_id)["text"] == "Jawaban baru"
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Jawaban baru", chat_id=user.id, message_id=answer.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=user.id, message_id=9999)
        with pytest.raises(BadRequest, match="(?i)message can't be edited"):
            await bot.edit_message_text("x", chat_id=user.id, message_id=question["message_id"])

        assert await bot.delete_message(user.id, answer.message_id)
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(user.id, answer.message_id)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query("no-such-query")


@async_test
async def test_callback_query_can_be_answered_once_and_expires() -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="ya")]])
    for timeout, answers in ((15.0, 1), (0.0, 0)):
        async with sandbox(callback_timeout=timeout) as server, bot_for(server) as bot:
            user = server.add_user("Siti")
            message = await bot.send_message(user.id, "Lanjut?", reply_markup=markup)
            query_id = await server.click(user, message.to_dict(), 0)
            if answers:
                assert await bot.answer_callback_query(query_id, "Oke")
            with pytest.raises(BadRequest, match="(?i)query is too old"):
                await bot.answer_callback_query(query_id)  # a second answer, or one after the timeout
        assert server.updates[-1]["callback_query"]["data"] == "ya"
        assert [a["text"] for a in server.callback_answers.values()] == ["Oke"] * answers


# ---------------------------------------------------------------------------------- polling and webhooks


@async_test
async def test_long_polling_waits_for_updates_and_a_newer_poll_wins() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await server.send_text(user, "halo")
        updates = await poll
        assert [u.message.text for u in updates if u.message] == ["halo"]

        stale = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=5))
        await server.wait_for(lambda: server.waiting_polls == 1)
        async with bot_for(server) as second_instance:
            assert await second_instance.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
        with pytest.raises(Conflict, match="(?i)terminated by other getupdates"):
            await stale


@async_test
async def test_webhook_delivery_to_ptb_listener_with_secret_token() -> None:
    port = free_port()
    async with sandbox() as server:
        user = server.add_user("Siti")
        app = build_app(server, CommandHandler("echo", echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="hook",
                webhook_url=f"http://127.0.0.1:{port}/hook",
                secret_token="s3cret",
            )
            try:
                await server.send_text(user, "/echo lewat webhook")
                reply = await server.wait_for_message(user)
                async with bot_for(server) as bot:
                    with pytest.raises(Conflict, match="(?i)webhook is active"):
                        await bot.get_updates()
                    info = await bot.get_webhook_info()
            finally:
                await app.updater.stop()
                await app.stop()
    assert reply["text"] == "lewat webhook"
    assert info.url == f"http://127.0.0.1:{port}/hook" and info.pending_update_count == 0
    assert server.webhook_deliveries[0]["message"]["text"] == "/echo lewat webhook"


@async_test
async def test_webhook_sends_secret_header_and_retries_failures() -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=500 if len(received) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with sandbox(webhook_retry_delays=(0.05,)) as server, bot_for(server) as bot:
            user = server.add_user("Siti")
            await bot.set_webhook(url, secret_token="rahasia")
            await server.send_text(user, "halo")
            await server.wait_until_idle(quiet=0.05)
            info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()
    assert [secret for secret, _ in received] == ["rahasia", "rahasia"]  # the 500 was retried
    assert received[1][1]["message"]["text"] == "halo"
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


# ---------------------------------------------------------------------------------- chats, commands, threads


@async_test
async def test_chat_member_and_command_methods_deserialise_in_ptb() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        siti = server.add_user("Siti")
        group = server.add_group("Sekretariat", [siti], kind="supergroup", bot_status="administrator")
        chat = await bot.get_chat(group.id)
        member = await bot.get_chat_member(group.id, bot.id)
        await bot.set_my_commands([("tanya", "Ajukan pertanyaan"), ("ingest", "Muat ulang dokumen")])
        commands = await bot.get_my_commands()
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([("Tanya-Dulu", "x")])
    assert (chat.type, chat.title) == ("supergroup", "Sekretariat") and str(group.id).startswith("-100")
    assert member.status == "administrator"
    assert [c.command for c in commands] == ["tanya", "ingest"]


@async_test
async def test_control_api_works_from_another_thread_and_loop() -> None:
    server = BotApiServer(TOKEN)
    ready, done = threading.Event(), threading.Event()
    server_loop = asyncio.new_event_loop()

    async def serve() -> None:
        await server.start()
        ready.set()
        while not done.is_set():
            await asyncio.sleep(0.01)
        await server.stop()

    thread = threading.Thread(target=server_loop.run_until_complete, args=(serve(),))
    thread.start()
    try:
        await asyncio.to_thread(ready.wait, 5)
        user = server.add_user("Siti")  # marshalled onto the server's loop
        async with bot_for(server) as bot:
            await server.send_text(user, "halo")
            updates = await bot.get_updates(timeout=2)
            await bot.send_message(user.id, "balasan")
            reply = await server.wait_for_message(user, timeout=2)
    finally:
        done.set()
        await asyncio.to_thread(thread.join, 5)
        server_loop.close()
    assert updates[0].message is not None and updates[0].message.text == "halo"
    assert reply["text"] == "balasan"


@async_test
async def test_wait_helpers_report_what_the_bot_did_on_timeout() -> None:
    async with sandbox() as server, bot_for(server) as bot:
        user = server.add_user("Siti")
        with pytest.raises(BadRequest):
            await bot.send_message(user.id, "<b>", parse_mode=ParseMode.HTML)
        with pytest.raises(TimeoutError, match="can't parse entities"):
            await server.wait_for_message(user, timeout=0.05)
        await server.wait_until_idle(quiet=0.05)

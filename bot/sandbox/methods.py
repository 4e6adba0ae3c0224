"""The Bot API methods the sandbox implements, with Telegram's checks and error wording."""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox import content as ct
from bot.sandbox import errors as err
from bot.sandbox import media
from bot.sandbox.errors import bad_request, conflict, forbidden
from bot.sandbox.limits import RateLimit
from bot.sandbox.models import ADMINISTRATOR, CREATOR, JSON, KICKED, LEFT, MEMBER, PRESENT, FakeChat, StoredFile
from bot.sandbox.params import Params, Upload
from bot.sandbox.updates import Webhook, WebhookDeliverer
from bot.sandbox.world import World

Handler = Callable[[Params], Any | Awaitable[Any]]

METHODS = (
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "copyMessage",
    "forwardMessage",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "deleteMessages",
    "answerCallbackQuery",
    "getFile",
    "getChat",
    "getChatMember",
    "getChatAdministrators",
    "getChatMemberCount",
    "leaveChat",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "setChatMenuButton",
    "getChatMenuButton",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
)
# Calls that put a new message into a chat: they count against flood limits.
SENDING_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto", "copymessage", "forwardmessage"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_DOWNLOAD = 20 * 1024 * 1024
_CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "document", "photo", "sticker", "voice")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def snake_case(method: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", method).lower()


@dataclass
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    created: float
    answer: JSON | None = None


@dataclass
class BotApiConfig:
    strict_html: bool = True
    privacy_mode: bool = True
    callback_timeout: float = 15.0  # seconds a callback query stays answerable
    rate_limit: RateLimit | None = None


@dataclass
class Outgoing:
    """What the bot has produced, kept for the control API."""

    messages: list[JSON] = field(default_factory=list)  # snapshots of every message the bot sent
    chat_actions: list[tuple[int, str]] = field(default_factory=list)
    queries: dict[str, CallbackQuery] = field(default_factory=dict)
    commands: dict[str, list[JSON]] = field(default_factory=dict)
    default_menu: JSON = field(default_factory=lambda: {"type": "default"})


class BotApi:
    def __init__(self, world: World, deliverer: WebhookDeliverer, config: BotApiConfig) -> None:
        self.world = world
        self.deliverer = deliverer
        self.config = config
        self.out = Outgoing()
        self.closing = False
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates calls currently long-polling
        self.handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, getattr(self, snake_case(name))) for name in METHODS
        }

    # ------------------------------------------------------------------ access checks

    def target(self, p: Params, name: str = "chat_id") -> FakeChat:
        """The chat a sending/editing call addresses, after the checks Telegram makes for bots."""
        chat = self.world.chat(p.chat_id(name))
        if chat.is_private:
            user = self.world.users[chat.id]
            if user.blocked:
                raise forbidden(err.BOT_BLOCKED)
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif chat.bot_status == KICKED:
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif chat.bot_status not in PRESENT:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        elif chat.type == "channel" and chat.bot_status == MEMBER:
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _throttle(self, chat: FakeChat) -> None:
        limit = self.config.rate_limit
        if limit is not None:
            retry_after = limit.acquire(chat.id, chat.is_group)
            if retry_after:
                raise err.flood(retry_after)

    def _reply_to(self, p: Params, chat: FakeChat) -> JSON | None:
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat.id):
                chat = self.world.chat(reply["chat_id"])
        else:
            message_id, allow = p.integer("reply_to_message_id"), p.flag("allow_sending_without_reply")
        if message_id is None:
            return None
        snapshot = self.world.reply_snapshot(chat, int(message_id))
        if snapshot is None and not allow:
            raise bad_request("message to be replied not found")
        return snapshot

    def _file(self, p: Params, name: str, kind: str) -> StoredFile:
        """The file a send call refers to: a fresh upload or the file_id of a file Telegram already has."""
        value = p.file(name)
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo" and not media.is_image(value.data):
                raise bad_request("IMAGE_PROCESS_FAILED")
            mime = media.guess_mime(value.filename, value.content_type or "application/octet-stream")
            return self.world.store_file(value.data, kind, value.filename, mime if kind == "document" else None)
        if value is None:
            raise bad_request(f"there is no {name} in the request")
        if value in self.world.files:
            return self.world.files[value]
        if urlsplit(value).scheme in ("http", "https"):
            raise bad_request("failed to get HTTP URL content")  # the sandbox never fetches from the network
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ building messages

    def _text_content(self, text: str | None, p: Params, caption: bool) -> JSON:
        formatted = ct.format_text(
            text,
            p.string("parse_mode"),
            p.get("caption_entities" if caption else "entities"),
            caption=caption,
            strict_html=self.config.strict_html,
            user_lookup=self.world.user_json,
        )
        key = "caption" if caption else "text"
        if caption and not formatted.text:
            return {}
        data: JSON = {key: formatted.text}
        if formatted.entities:
            data[f"{key}_entities" if caption else "entities"] = formatted.entities
        return data

    def _deliver(self, chat: FakeChat, p: Params, body: JSON, markup: ct.ReplyMarkup) -> JSON:
        """Store a message from the bot (after all checks passed) and return it as Telegram would."""
        reply = self._reply_to(p, chat)
        self._throttle(chat)
        if reply is not None:
            body["reply_to_message"] = reply
        if markup.inline:
            body["reply_markup"] = markup.inline
        if markup.changes_chat_keyboard:
            chat.reply_keyboard = markup.chat_keyboard
        if p.flag("protect_content"):
            body["has_protected_content"] = True
        message = self.world.new_message(chat, self.world.bot, body)
        self.out.messages.append(copy.deepcopy(message))
        return message

    # ------------------------------------------------------------------ bot and updates

    def get_me(self, p: Params) -> JSON:
        return {
            **self.world.bot.to_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.config.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def log_out(self, p: Params) -> bool:
        return True

    def close(self, p: Params) -> bool:
        return True

    async def get_updates(self, p: Params) -> list[JSON]:
        self._refuse_polling_with_webhook()
        queue = self.world.queue
        queue.set_allowed(p.get("allowed_updates"))
        queue.confirm(p.integer("offset"))
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        # A newer getUpdates call ends the waiting one with 409, as Telegram does for two bot instances.
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            return (
                bool(queue.pending)
                or generation != self._poll_generation
                or self.closing
                or self.deliverer.webhook is not None
            )

        self.waiting_polls += 1
        self.world.signal.notify()
        try:
            await self.world.signal.wait_until(ready, timeout)
        finally:
            self.waiting_polls -= 1
        if generation != self._poll_generation:
            raise conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
        self._refuse_polling_with_webhook()
        return copy.deepcopy(queue.peek(limit))

    def _refuse_polling_with_webhook(self) -> None:
        if self.deliverer.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )

    def set_webhook(self, p: Params) -> bool:
        url = p.string("url") or ""
        if not url:
            return self.delete_webhook(p)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        secret = p.string("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if p.flag("drop_pending_updates"):
            self.world.queue.clear()
        self.world.queue.set_allowed(p.get("allowed_updates"))
        webhook = Webhook(url, secret, p.integer("max_connections") or 40, p.string("ip_address"))
        self.deliverer.start(webhook)
        return True

    def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.world.queue.clear()
        self.deliverer.webhook = None
        self.world.signal.notify()
        return True

    def get_webhook_info(self, p: Params) -> JSON:
        webhook = self.deliverer.webhook or Webhook(url="")
        info = webhook.info(len(self.world.queue.pending), self.world.queue.allowed)
        if not webhook.url:
            info.pop("max_connections")
        return info

    # ------------------------------------------------------------------ sending

    def send_message(self, p: Params) -> JSON:
        chat = self.target(p)
        body = self._text_content(p.string("text"), p, caption=False)
        markup = ct.parse_reply_markup(p.get("reply_markup"))
        return self._deliver(chat, p, body, markup)

    def send_document(self, p: Params) -> JSON:
        chat = self.target(p)
        markup = ct.parse_reply_markup(p.get("reply_markup"))
        caption = self._text_content(p.string("caption"), p, caption=True)
        stored = self._file(p, "document", "document")
        return self._deliver(chat, p, {"document": media.document_json(stored), **caption}, markup)

    def send_photo(self, p: Params) -> JSON:
        chat = self.target(p)
        markup = ct.parse_reply_markup(p.get("reply_markup"))
        caption = self._text_content(p.string("caption"), p, caption=True)
        stored = self._file(p, "photo", "photo")
        return self._deliver(chat, p, {"photo": media.photo_json(stored), **caption}, markup)

    def _source_message(self, p: Params, missing: str) -> JSON:
        source_chat = self.world.chat(p.chat_id("from_chat_id"))
        message = self.world.find_message(source_chat, p.required_int("message_id"))
        if message is None:
            raise bad_request(missing)
        return message

    def copy_message(self, p: Params) -> JSON:
        chat = self.target(p)
        source = self._source_message(p, "message to copy not found")
        body = {key: copy.deepcopy(source[key]) for key in _CONTENT_KEYS if key in source}
        if not body:
            raise bad_request("message can't be copied")
        if "caption" in p and "text" not in body:
            body.pop("caption", None)
            body.pop("caption_entities", None)
            body.update(self._text_content(p.string("caption"), p, caption=True))
        markup = ct.parse_reply_markup(p.get("reply_markup"))
        return {"message_id": self._deliver(chat, p, body, markup)["message_id"]}

    def forward_message(self, p: Params) -> JSON:
        chat = self.target(p)
        source = self._source_message(p, "message to forward not found")
        if source.get("has_protected_content"):
            raise bad_request("message can't be forwarded")
        body = {key: copy.deepcopy(source[key]) for key in _CONTENT_KEYS if key in source}
        body["forward_origin"] = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        return self._deliver(chat, p, body, ct.ReplyMarkup())

    def send_chat_action(self, p: Params) -> bool:
        chat = self.target(p)
        action = p.required_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.out.chat_actions.append((chat.id, action))
        return True

    # ------------------------------------------------------------------ editing and deleting

    def _editable(self, p: Params) -> tuple[FakeChat, JSON]:
        if p.string("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not part of the sandbox
        chat = self.target(p)
        message = self.world.find_message(chat, p.required_int("message_id"))
        if message is None:
            raise bad_request(err.MESSAGE_TO_EDIT_NOT_FOUND)
        if message["from"]["id"] != self.world.bot.id:
            raise bad_request("message can't be edited")
        return chat, message

    def _edit(self, message: JSON, changes: JSON, markup: ct.ReplyMarkup) -> JSON:
        """Apply an edit; an edit without reply_markup removes the inline keyboard, as in Telegram."""
        if markup.changes_chat_keyboard:
            raise bad_request("inline keyboard expected")
        updated = copy.deepcopy(message)
        for key, value in changes.items():
            if value:
                updated[key] = value
            else:
                updated.pop(key, None)
        if markup.inline:
            updated["reply_markup"] = markup.inline
        else:
            updated.pop("reply_markup", None)
        if {k: v for k, v in updated.items() if k != "edit_date"} == {
            k: v for k, v in message.items() if k != "edit_date"
        }:
            raise bad_request(err.MESSAGE_NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        message.clear()
        message.update(updated)
        return copy.deepcopy(message)

    def edit_message_text(self, p: Params) -> JSON:
        _, message = self._editable(p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        body = self._text_content(p.string("text"), p, caption=False)
        body.setdefault("entities", None)
        return self._edit(message, body, ct.parse_reply_markup(p.get("reply_markup")))

    def edit_message_caption(self, p: Params) -> JSON:
        _, message = self._editable(p)
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        body = {"caption": None, "caption_entities": None}
        body.update(self._text_content(p.string("caption"), p, caption=True))
        return self._edit(message, body, ct.parse_reply_markup(p.get("reply_markup")))

    def edit_message_reply_markup(self, p: Params) -> JSON:
        _, message = self._editable(p)
        return self._edit(message, {}, ct.parse_reply_markup(p.get("reply_markup")))

    def _deletable(self, chat: FakeChat, message_id: int) -> JSON:
        message = self.world.find_message(chat, message_id)
        if message is None:
            raise bad_request("message to delete not found")
        mine = message["from"]["id"] == self.world.bot.id
        if chat.is_group and not mine and chat.bot_status not in (ADMINISTRATOR, CREATOR):
            raise bad_request("message can't be deleted")
        return message

    def delete_message(self, p: Params) -> bool:
        chat = self.target(p)
        message = self._deletable(chat, p.required_int("message_id"))
        del chat.messages[message["message_id"]]
        return True

    def delete_messages(self, p: Params) -> bool:
        chat = self.target(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids is empty")
        for message_id in ids:
            if self.world.find_message(chat, message_id) is not None:
                self._deletable(chat, message_id)
                del chat.messages[message_id]
        return True

    # ------------------------------------------------------------------ callback queries and files

    def answer_callback_query(self, p: Params) -> bool:
        query = self.out.queries.get(p.required_str("callback_query_id"))
        # Unknown, already answered and too old all look the same to a bot.
        if query is None or query.answer is not None or time.monotonic() - query.created > self.config.callback_timeout:
            raise bad_request(err.QUERY_TOO_OLD)
        text = p.string("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {
            "text": text or None,
            "show_alert": p.flag("show_alert"),
            "url": p.string("url"),
            "cache_time": p.integer("cache_time") or 0,
        }
        return True

    def get_file(self, p: Params) -> JSON:
        stored = self.world.files.get(p.required_str("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return stored.to_file()

    # ------------------------------------------------------------------ chats and members

    def get_chat(self, p: Params) -> JSON:
        chat = self.world.chat(p.chat_id())
        info = {**chat.to_dict(), "accent_color_id": 0, "max_reaction_count": 11}
        info["accepted_gift_types"] = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        return info

    def member_json(self, chat: FakeChat, user_id: int) -> JSON:
        if user_id == self.world.bot.id:
            status = chat.bot_status
        elif user_id in chat.members:
            status = chat.members[user_id]
        elif user_id in self.world.users:
            status = LEFT
        else:
            raise bad_request("user not found")
        return self._member_with_status(user_id, status)

    def _member_with_status(self, user_id: int, status: str) -> JSON:
        """A ChatMember object: each status carries its own required fields."""
        member: JSON = {"status": status, "user": self.world.user_json(user_id)}
        if status == CREATOR:
            member["is_anonymous"] = False
        elif status == ADMINISTRATOR:
            member.update(_ADMIN_RIGHTS)
        elif status == KICKED:
            member["until_date"] = 0
        return member

    def get_chat_member(self, p: Params) -> JSON:
        chat = self.world.chat(p.chat_id())
        return self.member_json(chat, p.required_int("user_id"))

    def get_chat_administrators(self, p: Params) -> list[JSON]:
        chat = self.world.chat(p.chat_id())
        if chat.is_private:
            raise bad_request("there are no administrators in the private chat")
        ids = [uid for uid, status in chat.members.items() if status in (CREATOR, ADMINISTRATOR)]
        if chat.bot_status in (CREATOR, ADMINISTRATOR):
            ids.append(self.world.bot.id)
        return [self.member_json(chat, uid) for uid in ids]

    def get_chat_member_count(self, p: Params) -> int:
        chat = self.world.chat(p.chat_id())
        humans = sum(1 for status in chat.members.values() if status in PRESENT)
        bot_present = chat.bot_status in PRESENT and not chat.is_private
        return humans + int(bot_present)

    def leave_chat(self, p: Params) -> bool:
        chat = self.world.chat(p.chat_id())
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        if chat.bot_status not in PRESENT:
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        self.push_bot_status(chat, self.world.bot.to_dict(), chat.bot_status, LEFT)
        chat.bot_status = LEFT
        return True

    def push_bot_status(self, chat: FakeChat, by: JSON, old: str, new: str) -> None:
        """Queue the my_chat_member update Telegram sends when the bot's status in a chat changes."""
        bot_id = self.world.bot.id
        previous, current = self._member_with_status(bot_id, old), self._member_with_status(bot_id, new)
        payload = {
            "chat": chat.to_dict(),
            "from": by,
            "date": int(time.time()),
            "old_chat_member": previous,
            "new_chat_member": current,
        }
        self.world.push_update("my_chat_member", payload)

    # ------------------------------------------------------------------ commands and menu

    @staticmethod
    def _commands_key(p: Params) -> str:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps([scope, p.string("language_code") or ""], sort_keys=True)

    def set_my_commands(self, p: Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description is empty")
        self.out.commands[self._commands_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def get_my_commands(self, p: Params) -> list[JSON]:
        return copy.deepcopy(self.out.commands.get(self._commands_key(p), []))

    def delete_my_commands(self, p: Params) -> bool:
        self.out.commands.pop(self._commands_key(p), None)
        return True

    def set_chat_menu_button(self, p: Params) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise bad_request("can't parse menu button JSON object")
        if "chat_id" in p:
            self.world.chat(p.chat_id()).menu_button = button
        else:
            self.out.default_menu = button
        return True

    def get_chat_menu_button(self, p: Params) -> JSON:
        if "chat_id" in p:
            chat_button = self.world.chat(p.chat_id()).menu_button
            if chat_button is not None:
                return chat_button
        return self.out.default_menu

    def set_my_description(self, p: Params) -> bool:
        return True

    def set_my_short_description(self, p: Params) -> bool:
        return True

    def set_my_name(self, p: Params) -> bool:
        return True


_ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}

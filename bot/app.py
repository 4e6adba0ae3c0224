"""The Telegram Application: one function builds it for Telegram, a self-hosted Bot API server, the
sandbox and the tests alike."""

from __future__ import annotations

import logging
from datetime import time

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import CONTEXT_TYPES, BotContext
from bot.handlers import (
    admin,
    announce,
    ask,
    documents,
    feedback,
    followup_actions,
    groups,
    info,
    media,
    passages,
    photos,
    registration,
)
from bot.handlers.errors import on_error, track_handlers
from bot.handlers.followups import register as register_followups
from bot.handlers.reports import register as register_reports
from bot.jobs import sender
from bot.jobs.reminders import install_reminders
from bot.persistence import SqlPersistence
from bot.processor import PerChatUpdateProcessor
from bot.services import Services, install
from bot.views import keyboards
from knowledge.config import Settings
from knowledge.operations.users import UserStore
from knowledge.search.answer import Assistant

log = logging.getLogger(__name__)

# Handler groups, lower runs first: the gate; the follow-up prompts; "#ID" replies and the comment after 👍/👎;
# everything else. A prompt that takes a message stops it there; one that ends lets it go on to the next group.
GATE, PROMPTS, CAPTURE, MAIN = -3, -2, -1, 0
MEMBER_COMMANDS = [
    BotCommand("tanya", "Ajukan pertanyaan"),
    BotCommand("pasal", "Tampilkan bunyi pasal: /pasal NOMOR [ayat N] [PERATURAN]"),
    BotCommand("sumber", "Daftar dokumen yang tersedia"),
    BotCommand("status", "Apa yang mencabut atau mengubah suatu peraturan"),
    BotCommand("tindaklanjut", "Tindak lanjut rapat untuk unit Anda"),
    BotCommand("daftar", "Mendaftar sebagai pengguna"),
    BotCommand("bantuan", "Petunjuk penggunaan"),
]
PRIVATE_ONLY = {"daftar", "tindaklanjut"}
GROUP_COMMANDS = [c for c in MEMBER_COMMANDS if c.command not in PRIVATE_ONLY]


def build_application(
    settings: Settings,
    assistant: Assistant,
    users: UserStore,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    token: str | None = None,
    sandbox: bool = False,
) -> Application:
    """Everything registered; nothing started. `base_url`/`base_file_url` default to TELEGRAM_BASE_URL/...;
    `sandbox`: the terminal sandbox runs it (its commands appear in /bantuan)."""
    token = token or settings.telegram_bot_token
    if not token:
        raise ValueError("A bot token is required (TELEGRAM_BOT_TOKEN, or the sandbox's token)")
    users.bootstrap_admins(settings.admin_ids)
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(CONTEXT_TYPES)  # handlers and jobs get a BotContext (context.services, context.sender)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(AIORateLimiter(max_retries=2, overall_max_rate=sender.overall_rate(settings)))
        .concurrent_updates(PerChatUpdateProcessor())
        .persistence(SqlPersistence(users))
        .post_init(_post_init)
    )
    base_url = base_url or settings.telegram_base_url
    base_file_url = base_file_url or settings.telegram_base_file_url
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    install(application, Services(settings, assistant, users, sandbox=sandbox))
    sender.install(application, settings, users)  # announcements: the queue's store and the sender job
    _register(application)
    track_handlers(application)
    application.add_error_handler(on_error)
    if application.job_queue is not None:
        application.job_queue.run_daily(_housekeeping, time=time(3, 0), name="housekeeping")
    install_reminders(application)  # follow-ups: settle unfinished sends, schedule the reminder job
    return application


def _register(app: Application) -> None:
    private, group = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND

    app.add_handler(TypeHandler(Update, groups.group_gate), GATE)
    # Its own group: /tindaklanjut ends a waiting prompt there and goes on to the comment capture and the command.
    app.add_handler(followup_actions.conversation(), PROMPTS)
    register_followups(app, CAPTURE)  # its "#ID" replies come before the comment capture
    app.add_handler(feedback.conversation(), CAPTURE)  # 👍/👎 and the comment that may follow

    app.add_handler(registration.conversation())
    app.add_handler(announce.conversation())  # before /batal below, which it must see while composing
    app.add_handler(CommandHandler("daftar", registration.in_group, group))
    app.add_handler(CommandHandler("start", info.on_start))
    app.add_handler(CommandHandler(["bantuan", "help"], info.on_help))
    app.add_handler(CommandHandler("sumber", info.on_sources))
    app.add_handler(CommandHandler("status", info.on_status))
    app.add_handler(CommandHandler("tanya", ask.on_tanya))
    app.add_handler(CommandHandler("pasal", ask.on_pasal))
    app.add_handler(CommandHandler("lewati", feedback.on_skip))
    app.add_handler(CommandHandler("batal", info.on_cancel))
    app.add_handler(CommandHandler("pengguna", admin.on_users))
    app.add_handler(CommandHandler("peran", admin.on_role))
    app.add_handler(CommandHandler("nonaktifkan", admin.on_deactivate))
    app.add_handler(CommandHandler("izinkan_grup", admin.on_allow_group))
    app.add_handler(CommandHandler("cabut_grup", admin.on_disallow_group))
    for handler in announce.handlers():
        app.add_handler(handler)
    register_reports(app)  # /laporan, /umpanbalik and its page buttons
    # Blocks and unblocks in private chats; a group of its own, since MAIN's ChatMemberHandler takes them all.
    app.add_handler(ChatMemberHandler(announce.on_private_status, ChatMemberHandler.MY_CHAT_MEMBER), 1)

    app.add_handler(CallbackQueryHandler(registration.on_decision, pattern=keyboards.REGISTRATION_PATTERN))
    app.add_handler(CallbackQueryHandler(passages.on_source, pattern=keyboards.SOURCE_PATTERN))
    app.add_handler(CallbackQueryHandler(passages.on_related, pattern=keyboards.RELATED_PATTERN))

    app.add_handler(MessageHandler(private & text, ask.on_private_text))
    app.add_handler(MessageHandler(group & text, ask.on_group_text))
    for handler in photos.handlers():  # admins' photos and image files: before documents' catch-all
        app.add_handler(handler)
    for handler in documents.handlers():  # admins' files: before media's catch-all below
        app.add_handler(handler)
    app.add_handler(MessageHandler(private & media.UNSUPPORTED, media.on_unsupported))
    app.add_handler(MessageHandler(private & filters.COMMAND, media.on_unknown_command))
    # my_chat_member updates (the bot added to a group) only need the gate above.
    app.add_handler(ChatMemberHandler(_ignore, ChatMemberHandler.MY_CHAT_MEMBER))


async def _post_init(application: Application) -> None:
    """Command menus for Telegram clients (private chats and groups differ: /daftar is private only)."""
    bot = application.bot
    await bot.set_my_commands(MEMBER_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    log.info("Sinergi bot @%s is ready", bot.username)


async def _housekeeping(context: BotContext) -> None:
    removed = context.services.users.purge()
    log.info("housekeeping removed %d expired rows", removed)


async def _ignore(update: object, context: BotContext) -> None:
    pass

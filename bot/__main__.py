"""`python -m bot` — run the Sinergi Telegram bot (long polling or webhook), or the local sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from knowledge.cli import OneLineParser, check_data_dir, run, settings_or_error, verbose_requested
from knowledge.config import Settings, get_settings
from knowledge.formats import format_seconds
from knowledge.logs import add_secrets, redact, setup_logging

if TYPE_CHECKING:
    from knowledge.health import Health
    from knowledge.index.store import KnowledgeStore
    from knowledge.operations.users import UserStore
    from knowledge.search.answer import Assistant

log = logging.getLogger("bot")

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"

DESCRIPTION = """\
Run the Sinergi Telegram bot.

With TELEGRAM_BOT_TOKEN set, the bot connects to Telegram (or to a self-hosted Bot API server given by
TELEGRAM_BASE_URL / TELEGRAM_BASE_FILE_URL) and uses long polling; with --webhook or WEBHOOK_URL set it serves
the webhook instead, with GET /healthz on the same port (200 or 503: database, vector store, embeddings).
At start the database schema is brought to this release (the same as `python -m knowledge db upgrade`).

Without a token (or with --sandbox) it starts the sandbox: the same bot against an embedded Bot API server on
127.0.0.1, and this terminal plays the users. You start as an admin; type a question, /keluar to quit.
Sandbox-only commands (also listed by /bantuan there):
  /sebagai NAMA_ATAU_PERAN   play another demo user in their own chat: admin, sekretariat, pejabat
                             (or "pejabat UNIT"), tamu (not registered); created on first start
  /kirim PATH [caption]      send a file from this computer as a document (e.g. /kirim notulen.md /ingest)
  /waktu +3h | +2d | 2024-03-28 08:00   move the sandbox clock; reminders that come due are sent at once
  /tekan N (or #N)           press button N of the last message that has buttons
In the sandbox the secretariat and admins are not rate-limited. Without a TTY, lines are read from stdin
and the sandbox ends at EOF. If the knowledge base is empty, the sample corpus in sample/ is ingested first."""

EPILOG = """\
environment (also read from .env; see .env.example):
  TELEGRAM_BOT_TOKEN      bot token from @BotFather; unset = sandbox
  TELEGRAM_BASE_URL       self-hosted Bot API server, e.g. http://localhost:8081/bot
  TELEGRAM_BASE_FILE_URL  its file URL, e.g. http://localhost:8081/file/bot
  WEBHOOK_URL             public HTTPS URL Telegram posts updates to (turns webhook mode on)
  WEBHOOK_SECRET          secret token Telegram sends with every update (random per start if unset)
  WEBHOOK_LISTEN, WEBHOOK_PORT   local address of the webhook server and /healthz (default 0.0.0.0:8443)
  ADMIN_IDS               Telegram user ids of the first admins, comma separated
  INVITE_CODES            invitation codes that approve a registration at once, comma separated
  RATE_LIMIT_PER_MINUTE   questions per user per minute (default 10; /pasal look-ups do not count)
  TIMEZONE                for dates shown to users (default Asia/Jakarta)
  DATA_DIR, DATABASE_URL  where the knowledge base, users and chat state are stored
  OPENAI_API_KEY / OPENAI_BASE_URL   answer with an LLM instead of quoting passages

commands in Telegram: /start /bantuan /daftar /tanya /pasal /sumber /status /tindaklanjut /berhenti /langganan
/lewati /batal; secretariat: /umumkan /pengumuman; admins: /pengguna /peran /nonaktifkan /izinkan_grup
/cabut_grup /ingest /dokumen /hapus /reindex. Reminders (REMINDER_*; working days: PUBLIC_HOLIDAYS,
CUTI_BERSAMA) and announcement pacing (ANNOUNCE_*) are configured in .env. Exit status: 0 stopped normally,
1 the Bot API refused the token or cannot be reached, 2 usage or configuration error (e.g. DATA_DIR cannot
be written), 4 internal error (-v for the traceback)."""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m bot",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--sandbox", action="store_true", help="run the local sandbox even if a token is set")
    mode.add_argument("--webhook", action="store_true", help="receive updates by webhook (needs WEBHOOK_URL)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    return parser


class StartupError(Exception):
    """The bot cannot start for a reason the operator can fix; the message is one line, without secrets."""


def main(argv: list[str] | None = None) -> int:
    """Errors are one line with their exit status (knowledge/cli.py: 2 for usage and configuration, such as an
    invalid setting or a DATA_DIR that cannot be written; 4 for an internal error); -v adds the traceback."""
    return run(
        lambda: _main(argv), verbose=verbose_requested(argv), prefix="error: ", clean=redact,
        internal="internal error ({error}); run again with -v for details.", interrupted="interrupted.",
    )  # fmt: skip


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_or_error(get_settings, indonesian=False)
    check_data_dir(settings.data_dir, indonesian=False)
    sandbox = args.sandbox or not settings.telegram_bot_token
    # In the sandbox the terminal is the chat window: only warnings go to the log unless asked for.
    level = logging.DEBUG if args.verbose else logging.WARNING if sandbox else logging.INFO
    setup_logging(level, settings=settings)  # from here on, secrets never reach the log
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if sandbox:
        if args.webhook:
            print("--webhook needs TELEGRAM_BOT_TOKEN; without a token only the sandbox can run.", file=sys.stderr)
            return 2
        try:
            asyncio.run(run_sandbox(settings))
        except KeyboardInterrupt:
            print("\nSampai jumpa.")
        return 0
    if (args.webhook or settings.webhook_url) and not settings.webhook_url:
        print("--webhook needs WEBHOOK_URL (the public HTTPS URL Telegram will post to).", file=sys.stderr)
        return 2
    try:
        run_telegram(settings, webhook=bool(settings.webhook_url))
    except StartupError as error:
        print(f"error: {redact(str(error))}", file=sys.stderr)
        return 1
    return 0


def _knowledge(settings: Settings) -> tuple[KnowledgeStore, Assistant]:
    """The store and the assistant (imported late: `--help` should not load the models)."""
    from knowledge.index.store import KnowledgeStore
    from knowledge.search.answer import Assistant

    store = KnowledgeStore(settings)
    return store, Assistant(store, settings)


def _services(settings: Settings) -> tuple[KnowledgeStore, Assistant, UserStore]:
    """The three objects build_application needs."""
    from knowledge.operations.users import UserStore

    store, assistant = _knowledge(settings)
    users = UserStore(
        store.sessions, invite_codes=settings.invite_codes, rate_limit_per_minute=settings.rate_limit_per_minute
    )
    return store, assistant, users


def run_telegram(settings: Settings, *, webhook: bool) -> None:
    from bot.app import build_application
    from bot.webhook import serve_until_stopped

    asyncio.run(check_token(settings))  # before loading the models: a wrong token should fail fast
    store, assistant, users = _services(settings)
    if not store.documents():
        log.warning("The knowledge base is empty: add documents with `python -m ingest FOLDER`.")
    application = build_application(settings, assistant, users)
    try:
        if not webhook:
            log.info("Starting long polling")
            application.run_polling(allowed_updates=Update.ALL_TYPES)
            return
        assert settings.webhook_url is not None
        secret = settings.webhook_secret
        if not secret:
            secret = secrets.token_urlsafe(32)
            add_secrets(secret)
            log.warning("WEBHOOK_SECRET is not set: using a random secret token for this run")
        path = urlsplit(settings.webhook_url).path.strip("/")
        log.info("Starting the webhook server on %s:%s/%s", settings.webhook_listen, settings.webhook_port, path)
        asyncio.run(
            serve_until_stopped(
                application, url=settings.webhook_url, listen=settings.webhook_listen, port=settings.webhook_port,
                path=path, secret=secret, check=lambda: _health(settings, store),
            )
        )  # fmt: skip
    except (InvalidToken, NetworkError) as error:  # the token was revoked, or Telegram went away, since the check
        raise StartupError(_startup_problem(settings, error)) from None


def _health(settings: Settings, store: KnowledgeStore) -> Health:
    """GET /healthz: the running bot's own database, vector store and embedder."""
    from knowledge.health import check_health

    return check_health(settings, sessions=store.sessions, vectors=store.vectors, embedder=store.embedder)


async def check_token(settings: Settings) -> None:
    """Ask the Bot API who the bot is. A refused token or an unreachable server ends the start with one clear
    line (StartupError) instead of python-telegram-bot's traceback, whose message quotes the token."""
    assert settings.telegram_bot_token
    urls = {"base_url": settings.telegram_base_url, "base_file_url": settings.telegram_base_file_url}
    overrides: dict[str, Any] = {name: url for name, url in urls.items() if url}  # unset: Bot's own defaults
    bot = Bot(settings.telegram_bot_token, **overrides)
    try:
        async with bot:  # initialize() calls getMe
            log.info("Telegram knows the token: @%s", bot.username)
    except TelegramError as error:
        raise StartupError(_startup_problem(settings, error)) from None


def _startup_problem(settings: Settings, error: TelegramError) -> str:
    server = redact(settings.telegram_base_url or "https://api.telegram.org/bot")
    if isinstance(error, InvalidToken):
        return (
            f"the Bot API server ({server}) refused TELEGRAM_BOT_TOKEN: check the token given by @BotFather "
            "(or the token of your self-hosted Bot API server)."
        )
    if isinstance(error, NetworkError):
        return f"cannot reach the Bot API server ({server}): {redact(str(error)) or type(error).__name__}."
    return f"the Bot API server ({server}) refused to start the bot: {redact(str(error))}."


async def run_sandbox(settings: Settings, *, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    from bot.sandbox.session import open_sandbox, sandbox_settings

    settings = sandbox_settings(settings)
    store, assistant = await asyncio.to_thread(_knowledge, settings)
    if not await asyncio.to_thread(store.documents):
        await asyncio.to_thread(_ingest_sample, store, out)
    interactive = stdin.isatty() and out.isatty()
    async with open_sandbox(settings, assistant, out=out, interactive=interactive) as terminal:
        await terminal.run(stdin)


def _ingest_sample(store: KnowledgeStore, out: TextIO) -> None:
    from ingest.pipeline import Pipeline

    if not SAMPLE_DIR.is_dir():
        out.write(
            "Basis pengetahuan kosong dan folder sample/ tidak ditemukan; tambahkan dokumen dengan "
            "`python -m ingest FOLDER`.\n"
        )
        return
    out.write(f"Basis pengetahuan masih kosong: memasukkan dokumen contoh dari {SAMPLE_DIR} …\n")
    out.flush()
    started = time.perf_counter()
    report = Pipeline(store).run([SAMPLE_DIR])
    seconds = format_seconds(time.perf_counter() - started)
    out.write(f"Selesai: {report.documents} dokumen, {report.passages} bagian ({seconds}).\n\n")
    for failed in report.failed:
        out.write(f"Tidak dapat dimasukkan: {failed.path} ({failed.pesan or failed.error})\n")
    out.flush()


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end harness for the Telegram bot: the real Application (built by bot.app.build_application), the real
Assistant and store, talking HTTP to the embedded Bot API server; fake users play the officials.

The corpus (the sample regulations plus one long fictional regulation) is ingested once per test session by
the `bot_corpus` fixture in conftest.py; every test gets its own users database and Bot API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.runtime import polling
from bot.sandbox import BotApiServer, BotCall, FakeChat, FakeUser
from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.migrate import init_db
from knowledge.operations.users import PEJABAT, UserStore
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REGULATIONS = ROOT / "sample" / "regulasi"
TOKEN = "123456:SINERGI-test"
INVITE_CODE = "RAKOR2024"
TEST_TIMEOUT = 60.0
JSON = dict[str, Any]

# Fictional, written for these tests: one article long enough that its look-up answer needs several messages.
_LONG_AYAT = (
    "Setiap unit pengolah wajib mencatat arsip latihan dalam daftar arsip aktif yang memuat nomor berkas, uraian "
    "singkat, kurun waktu, jumlah lembar, tingkat perkembangan, lokasi simpan, dan keterangan lain yang diperlukan "
    "agar arsip dapat ditemukan kembali dengan cepat & tepat <sesuai pedoman>. "
)
LONG_REGULATION = "\n".join(
    [
        "PERATURAN CONTOH",
        "NOMOR 7 TAHUN 2023",
        "TENTANG",
        "PENGELOLAAN ARSIP LATIHAN",
        "",
        "Pasal 1",
        *(f"({n}) {_LONG_AYAT * 6}Ketentuan ini berlaku untuk kelompok arsip ke-{n}." for n in range(1, 7)),
        "",
        "Pasal 2",
        "Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.",
        "",
    ]
)
LONG_DOC = "CONTOH 7/2023"


def offline_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings that never reach the network and ignore any .env of the developer."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": None,
        "embedding_provider": "local",
        "chroma_host": None,
        "openai_api_key": None,
        "openai_base_url": None,
        "telegram_bot_token": None,
        "telegram_base_url": None,
        "telegram_base_file_url": None,
        "webhook_url": None,
        "admin_ids": [],
        "invite_codes": [],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class Corpus:
    store: KnowledgeStore
    data_dir: Path


def build_corpus(root: Path) -> Corpus:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for path in SAMPLE_REGULATIONS.glob("*.md"):
        shutil.copy(path, docs / path.name)
    (docs / "contoh-7-2023.md").write_text(LONG_REGULATION, encoding="utf-8")
    settings = offline_settings(root / "data")
    store = KnowledgeStore(settings)
    report = Pipeline(store).run([docs])
    assert not report.failed, [f.error for f in report.failed]
    return Corpus(store, settings.data_dir)


@dataclass
class BotEnv:
    server: BotApiServer
    app: Application
    users: UserStore
    assistant: Assistant
    settings: Settings
    admin: FakeUser
    build: Callable[[], Application]
    running: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    # Bot API failures a test provokes on purpose, as (method, description fragment).
    expected_failures: list[tuple[str, str]] = field(default_factory=list)

    async def start(self) -> None:
        await self.running.enter_async_context(polling(self.app, poll_timeout=1))

    async def restart(self) -> None:
        """Stop the bot and start a freshly built Application on the same database, like a process restart."""
        await self.running.aclose()
        self.app = self.build()
        await self.start()

    def member(self, name: str = "Budi Santoso", *, role: str = PEJABAT, unit: str = "Bappeda Jawa Barat") -> FakeUser:
        """A registered, approved user (registered the way /daftar would, approved by the admin)."""
        user = self.server.add_user(name)
        self.users.register(user.id, name, unit)
        self.users.set_role(user.id, role, by=self.admin.id)
        return user

    async def send(
        self, user: FakeUser, text: str, *, chat: FakeChat | None = None, expect: int = 1, timeout: float = 20
    ) -> list[JSON]:
        """The user writes; returns the next `expect` bot messages in that chat."""
        await self.server.send_text(user, text, chat=chat)
        return await self.server.wait_for_messages(chat or user, expect, timeout)

    async def press(
        self, user: FakeUser, message: JSON, button: str | int, *, expect: int = 1, timeout: float = 20
    ) -> list[JSON]:
        """The user presses an inline button; returns the next `expect` bot messages in that chat."""
        await self.server.click(user, message, button)
        return await self.server.wait_for_messages(message["chat"]["id"], expect, timeout)

    async def settle(self) -> None:
        """Wait until the bot has handled everything and is quiet (to assert that nothing more comes)."""
        await self.server.wait_until_idle(quiet=0.3, timeout=20)

    def unexpected_failures(self) -> list[BotCall]:
        return [
            call
            for call in self.server.errors()
            if not any(call.method == m and d in (call.description or "") for m, d in self.expected_failures)
        ]


@contextlib.asynccontextmanager
async def bot_env(
    corpus: Corpus,
    tmp_path: Path,
    *,
    rate_limit: int = 10,
    assistant: Assistant | None = None,
    **settings: Any,
) -> AsyncIterator[BotEnv]:
    server = BotApiServer(TOKEN, bot_username="sinergi_bot")
    await server.start()
    env: BotEnv | None = None
    try:
        admin = server.add_user("Admin Sekretariat", username="admin_sinergi")
        config = offline_settings(
            tmp_path / "bot",
            admin_ids=[admin.id],
            invite_codes=[INVITE_CODE],
            rate_limit_per_minute=rate_limit,
            **settings,
        )
        users = UserStore(
            init_db(config.database_url or f"sqlite:///{tmp_path / 'bot.db'}"),
            invite_codes=config.invite_codes,
            rate_limit_per_minute=config.rate_limit_per_minute,
        )
        assistant = assistant or Assistant(corpus.store, config)

        def build() -> Application:
            return build_application(
                config, assistant, users, base_url=server.base_url, base_file_url=server.base_file_url, token=TOKEN
            )

        env = BotEnv(server, build(), users, assistant, config, admin, build)
        await env.start()
        yield env
        await env.settle()
        failures = env.unexpected_failures()
        assert not failures, "Bot API calls failed: " + "; ".join(f"{c} {c.params}" for c in failures)
    finally:
        if env is not None:
            await env.running.aclose()
        await server.stop()


AsyncTest = Callable[..., Coroutine[Any, Any, None]]


def time_limit(seconds: float) -> Callable[[AsyncTest], AsyncTest]:
    """An async test that fails with TimeoutError after `seconds` instead of blocking the run. pytest-asyncio
    runs it (asyncio_mode = "auto" in pyproject.toml), in a fresh event loop; the limit covers the test's body,
    not its fixtures."""

    def decorator(func: AsyncTest) -> AsyncTest:
        @functools.wraps(func)  # pytest reads the fixtures it needs from the wrapped test's signature
        async def bounded(*args: Any, **kwargs: Any) -> None:
            async with asyncio.timeout(seconds):
                await func(*args, **kwargs)

        return bounded

    return decorator


async_test = time_limit(TEST_TIMEOUT)


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def text_of(messages: list[JSON]) -> str:
    return "\n".join(m.get("text", "") for m in messages)

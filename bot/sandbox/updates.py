"""Pending updates, long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from bot.sandbox.models import JSON

logger = logging.getLogger(__name__)

# Telegram does not send these unless they are listed in allowed_updates explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """A broadcast "something changed" notification: waiters re-check their condition on every change.

    Lighter than asyncio.Condition (no lock to hold) and safe because all state lives on one event loop.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until predicate() holds; False when the timeout ran out first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return True


class UpdateQueue:
    """Updates not yet confirmed by the bot, with Telegram's offset semantics."""

    def __init__(self, first_update_id: int = 1) -> None:
        self.pending: list[JSON] = []
        self.history: list[JSON] = []  # every update ever queued, for tests to inspect
        self.allowed: frozenset[str] | None = None  # None = Telegram's default set
        self._next_id = first_update_id

    def is_allowed(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed

    def set_allowed(self, kinds: list[str] | None) -> None:
        """None keeps the previous setting and an empty list restores the default, as in Telegram."""
        if kinds is None:
            return
        self.allowed = frozenset(kinds) if kinds else None

    def push(self, kind: str, payload: JSON) -> JSON | None:
        """Queue an update; None when the bot's allowed_updates filter means Telegram would not send it."""
        if not self.is_allowed(kind):
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.pending.append(update)
        self.history.append(update)
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget updates the bot has seen: ids below a positive offset; all but the last -offset if negative."""
        if not offset:
            return
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        else:
            self.pending = self.pending[offset:]

    def peek(self, limit: int) -> list[JSON]:
        return self.pending[:limit]

    def remove(self, update_id: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def clear(self) -> None:
        self.pending.clear()


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int, allowed: frozenset[str] | None) -> JSON:
        data: JSON = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.ip_address:
            data["ip_address"] = self.ip_address
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        if allowed is not None:
            data["allowed_updates"] = sorted(allowed)
        return data


class WebhookDeliverer:
    """POSTs pending updates to the webhook one at a time, retrying with backoff like Telegram does."""

    def __init__(self, queue: UpdateQueue, signal: Signal, retry_delays: tuple[float, ...] = (0.2, 0.5, 1, 2)):
        self.queue = queue
        self.signal = signal
        self.retry_delays = retry_delays
        self.webhook: Webhook | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.delivered: list[JSON] = []

    def start(self, webhook: Webhook) -> None:
        self.webhook = webhook
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="sandbox-webhook")
        self.signal.notify()

    async def stop(self) -> None:
        self.webhook = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        self.signal.notify()

    async def _run(self) -> None:
        failures = 0
        while self.webhook is not None:
            await self.signal.wait_until(lambda: bool(self.queue.pending) or self.webhook is None, None)
            webhook = self.webhook
            if webhook is None:
                return
            update = self.queue.pending[0]
            error = await self._post(webhook, update)
            if error is None:
                failures = 0
                self.queue.remove(update["update_id"])
                self.delivered.append(update)
                self.signal.notify()
                continue
            webhook.last_error_date, webhook.last_error_message = int(time.time()), error
            delay = self.retry_delays[min(failures, len(self.retry_delays) - 1)]
            failures += 1
            logger.info("Webhook delivery to %s failed (%s); retrying in %ss", webhook.url, error, delay)
            await asyncio.sleep(delay)

    async def _post(self, webhook: Webhook, update: JSON) -> str | None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook.secret_token} if webhook.secret_token else {}
        try:
            async with self._session.post(webhook.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"Connection failed: {error}"

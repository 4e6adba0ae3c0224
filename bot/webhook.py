"""The webhook server: Telegram's updates on WEBHOOK_URL's path, and `GET /healthz` for monitors.

python-telegram-bot's own webhook server serves one path only, so this follows its custom-webhook pattern: our
own tornado application (tornado comes with python-telegram-bot[webhooks]) verifies the secret token, queues
each update on `application.update_queue`, and answers the health probe from the running bot's connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import AsyncIterator, Callable
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from knowledge.health import Health

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_UPDATE_BYTES = 10 * 1024 * 1024  # Telegram's updates are small; a huge body is not from Telegram


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, telegram_app: Application, secret: str) -> None:  # "application" is tornado's own
        self.telegram_app = telegram_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Rejected a webhook request without the right secret token from %s", self.request.remote_ip)
            self.send_error(HTTPStatus.FORBIDDEN)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.telegram_app.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("Rejected a webhook request that is not an update: %s", error)
            self.send_error(HTTPStatus.BAD_REQUEST)
            return
        if update is not None:
            await self.telegram_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: Any) -> None:  # tornado's default logs the request, secret header included
        log.warning("Webhook request failed: %s", args[1] if len(args) > 1 else args)


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, check: Callable[[], Health]) -> None:
        self.check = check

    async def get(self) -> None:
        health = await asyncio.to_thread(self.check)
        self.set_status(HTTPStatus.OK if health.ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(health.to_json()))


def make_app(
    application: Application, *, path: str, secret: str, check: Callable[[], Health]
) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (
                rf"/{path.strip('/')}/?" if path.strip("/") else r"/",
                UpdateHandler,
                {"telegram_app": application, "secret": secret},
            ),
            (HEALTH_PATH, HealthHandler, {"check": check}),
        ],  # fmt: skip
        log_function=_quiet_access_log,
    )


def _quiet_access_log(handler: tornado.web.RequestHandler) -> None:
    if handler.get_status() >= 500:
        log.warning("%s %s -> %s", handler.request.method, handler.request.path, handler.get_status())


@contextlib.asynccontextmanager
async def webhook(
    application: Application,
    *,
    url: str,
    listen: str,
    port: int,
    path: str,
    secret: str,
    check: Callable[[], Health],
) -> AsyncIterator[tornado.httpserver.HTTPServer]:
    """Serve the webhook and the health probe, register the URL with Telegram, run the application; on exit,
    stop in the reverse order (updates already queued are still handled)."""
    server = tornado.httpserver.HTTPServer(
        make_app(application, path=path, secret=secret, check=check), max_body_size=MAX_UPDATE_BYTES
    )
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        server.listen(port, address=listen)
        await application.bot.set_webhook(url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            yield server
        finally:
            server.stop()
            if application.running:
                await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
    finally:
        server.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def serve_until_stopped(application: Application, **options: Any) -> None:
    """Run the webhook server until SIGINT or SIGTERM (as `docker stop` sends)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with webhook(application, **options):
        log.info("Webhook server on %s:%s, health on %s", options["listen"], options["port"], HEALTH_PATH)
        await stop.wait()
    log.info("Stopped")

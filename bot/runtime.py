"""Start and stop an Application inside a running event loop, in the order Application.run_polling uses
(the sandbox and the tests share the loop with the embedded Bot API server, so run_polling cannot own it)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from telegram import Update
from telegram.ext import Application


@contextlib.asynccontextmanager
async def polling(application: Application, *, poll_timeout: float = 10.0) -> AsyncIterator[Application]:
    updater = application.updater
    if updater is None:
        raise ValueError("The application was built without an Updater")
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await updater.start_polling(
            poll_interval=0.0, timeout=timedelta(seconds=poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)

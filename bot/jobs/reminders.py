"""The JobQueue job behind follow-up reminders: every REMINDER_CHECK_MINUTES (and shortly after start-up, to
catch up) it asks knowledge/operations/reminders.py what is due from the clock and sends one message per user, then the
secretariat's weekly digest.

The clock is injectable (`set_clock`): handlers and the job read "now" through `local_now`, so tests move
time without sleeping. Follow-ups are read from the users' database (`UserStore.sessions`), which in a real
deployment is the knowledge store's database (see bot/__main__.py) where ingestion writes them.

Once-only delivery is the sent log's job (knowledge/operations/reminders.py, "Exactly once"): rows are claimed before
the message is sent, and only a failure proving nothing left releases them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session, sessionmaker
from telegram import InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot import texts
from bot.context import BotContext
from bot.services import Services, services_of
from bot.views.followups import ButtonMessage, Screen, reminder_messages, weekly_digest
from knowledge.db import FollowUpRow
from knowledge.operations.duplicates import open_pairs
from knowledge.operations.followups import list_followups
from knowledge.operations.reminders import (
    EMPTY,
    FAILED,
    SENT,
    UNKNOWN,
    Batch,
    Schedule,
    SentKey,
    attention,
    claim,
    claim_digest,
    digest_claimed,
    digest_due,
    digest_period,
    finish,
    finish_digest,
    is_open,
    plan_reminders,
    recover_interrupted,
    release,
    release_digest,
    sent_keys,
)
from knowledge.operations.report_files import build_chart
from knowledge.operations.reports import report_filenames
from knowledge.operations.users import APPROVED, User, UserStore, report_recipients

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CLOCK_KEY = "sinergi.followups.clock"
LOCK_KEY = "sinergi.followups.lock"
JOB_NAME = "followup-reminders"
FIRST_RUN_SECONDS = 20.0  # after start-up: whatever came due while the bot was down goes out then


def system_clock() -> datetime:
    return datetime.now(UTC)


def set_clock(application: Application, clock: Clock) -> None:
    application.bot_data[CLOCK_KEY] = clock


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Jakarta")


def local_now(application: Application) -> datetime:
    """Now in TIMEZONE, from the injected clock (a naive clock value is taken as UTC)."""
    moment = application.bot_data.get(CLOCK_KEY, system_clock)()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(services_of(application).settings.timezone))


def local_today(application: Application) -> date:
    return local_now(application).date()


def followup_sessions(application: Application) -> sessionmaker[Session]:
    return services_of(application).users.sessions


def secretariat(users: UserStore) -> list[User]:
    """Who hears about the officials' reports (knowledge.users.report_recipients)."""
    return report_recipients(users.list_users(APPROVED))


@dataclass
class RunReport:
    reminders: int = 0  # (item, user) reminders delivered
    messages: int = 0
    failed: int = 0
    digests: int = 0
    skipped: str | None = None


async def reminder_job(context: BotContext) -> None:
    report = await run_reminders(context.application)
    if report.messages or report.failed or report.digests:
        log.info(
            "follow-up reminders: %d reminders in %d messages, %d failed, %d digests",
            report.reminders, report.messages, report.failed, report.digests,
        )  # fmt: skip


async def run_reminders(application: Application) -> RunReport:
    """Send what is due now; safe to call at any time and any number of times (one run at a time)."""
    lock = application.bot_data.setdefault(LOCK_KEY, asyncio.Lock())
    async with lock:
        return await _run(application)


async def _run(application: Application) -> RunReport:
    svc = services_of(application)
    schedule = Schedule.from_settings(svc.settings)
    now = local_now(application)
    if not schedule.sending_time(now):
        return RunReport(skipped="outside the sending hours")
    today = now.date()
    # Matching every item with every user is CPU work: keep it off the event loop answering questions.
    items, people, batches = await asyncio.to_thread(_plan, svc, today, schedule)
    report = RunReport()
    for batch in batches:
        await _send_batch(application, svc.users.sessions, batch, today, report)
    if digest_due(today, schedule):
        await _send_digests(application, svc, items, people, today, report)
    return report


def _plan(svc: Services, today: date, schedule: Schedule) -> tuple[list[FollowUpRow], list[User], list[Batch]]:
    sessions = svc.users.sessions
    items = [row for row in list_followups(sessions) if is_open(row)]
    people = svc.users.list_users(APPROVED)
    return items, people, plan_reminders(items, people, sent_keys(sessions, [i.id for i in items]), today, schedule)


async def _send_batch(
    application: Application, sessions: sessionmaker[Session], batch: Batch, today: date, report: RunReport
) -> None:
    person = batch.person
    if not claim(sessions, batch.keys()):
        log.info("reminders for user %s were claimed meanwhile; the next run plans again", person.id)
        return
    slots = {r.item.id: r.key(person.id) for r in batch.reminders}
    for message in reminder_messages(person.name, batch.reminders, today):
        keys = [slots[item_id] for item_id in message.item_ids]
        if await _deliver(application, sessions, person.id, message, keys):
            report.messages += 1
            report.reminders += len(keys)
        else:
            report.failed += len(keys)


async def _deliver(
    application: Application, sessions: sessionmaker[Session], user_id: int, message: ButtonMessage,
    keys: Sequence[SentKey],
) -> bool:  # fmt: skip
    """Send one claimed message and record the outcome; True when Telegram accepted it."""
    try:
        sent = await application.bot.send_message(user_id, message.text, reply_markup=message.keyboard)
    except Forbidden as error:  # blocked the bot or never started it: retrying cannot help
        finish(sessions, keys, FAILED, error=str(error))
        log.warning("reminder to user %s refused: %s", user_id, error)
    except TimedOut as error:  # the request may have arrived: never risk a second copy
        finish(sessions, keys, UNKNOWN, error=str(error))
        log.warning("reminder to user %s timed out; not re-sent: %s", user_id, error)
    except BadRequest as error:
        finish(sessions, keys, FAILED, error=str(error))
        log.error("reminder to user %s rejected: %s", user_id, error)
    except (RetryAfter, NetworkError) as error:  # refused before delivery: the next run tries again
        release(sessions, keys)
        log.warning("reminder to user %s not sent, will retry: %s", user_id, error)
    except TelegramError as error:
        finish(sessions, keys, FAILED, error=str(error))
        log.error("reminder to user %s failed: %s", user_id, error)
    else:
        finish(sessions, keys, SENT, message_id=sent.message_id)
        return True
    return False


async def _send_digests(
    application: Application,
    svc: Services,
    items: list[FollowUpRow],
    people: list[User],
    today: date,
    report: RunReport,
) -> None:
    """Once per ISO week per secretariat member: one message (`build_weekly_digest`) with the counts per unit,
    the overdue items, what nobody is reminded of, and buttons to the full list."""
    sessions = svc.users.sessions
    period = digest_period(today)
    digest = build_weekly_digest(svc, items, people, today)
    chart: bytes | None = None
    for person in secretariat(svc.users):
        if digest_claimed(sessions, person.id, period):
            continue
        if digest is None:
            claim_digest(sessions, person.id, period, status=EMPTY)  # nothing to say this week
            continue
        if not claim_digest(sessions, person.id, period):
            continue
        if chart is None:  # drawn once a week, for the first digest that goes out (runs repeat every few minutes)
            chart = await digest_chart(svc, today)
        try:
            await send_weekly_digest(application, person.id, digest, chart)
        except (Forbidden, BadRequest) as error:
            finish_digest(sessions, person.id, period, FAILED, str(error))
            log.warning("weekly digest to user %s refused: %s", person.id, error)
        except TimedOut as error:
            finish_digest(sessions, person.id, period, UNKNOWN, str(error))
            log.warning("weekly digest to user %s timed out; not re-sent: %s", person.id, error)
        except (RetryAfter, NetworkError) as error:
            release_digest(sessions, person.id, period)
            log.warning("weekly digest to user %s not sent, will retry: %s", person.id, error)
        else:
            finish_digest(sessions, person.id, period, SENT)
            report.digests += 1


def build_weekly_digest(svc: Services, items: list[FollowUpRow], people: list[User], today: date) -> Screen | None:
    """The weekly digest's one message, or None when there is nothing to say (no open item needs anyone)."""
    found = attention(items, people, today)
    duplicates = len(open_pairs(svc.users.sessions))
    if not found and not duplicates:
        return None
    return weekly_digest(items, found, duplicates, today)


async def send_weekly_digest(
    application: Application, chat_id: int, digest: Screen, chart: bytes | None = None
) -> None:
    """Send the digest to one secretariat member. The digest itself is one message; the report's chart
    (issue 17, `digest_chart`) goes out as a photo just before it."""
    if chart is not None:
        name = report_filenames(local_today(application))[1]
        await application.bot.send_photo(chat_id, InputFile(chart, filename=name), caption=texts.DIGEST_CHART_CAPTION)
    await application.bot.send_message(chat_id, digest.text, reply_markup=digest.keyboard)


async def digest_chart(svc: Services, today: date) -> bytes | None:
    """The /laporan chart of every item (drawn in a thread: it is CPU work). A chart that cannot be drawn must
    not hold the digest back: the text goes out alone."""
    try:
        return await asyncio.to_thread(build_chart, svc.users.sessions, today=today, zone=zone(svc.settings.timezone))
    except Exception:
        log.exception("the weekly digest's chart could not be drawn; the digest goes out without it")
        return None


def install_reminders(application: Application) -> None:
    """Mark sends a previous process left unfinished, then schedule the job (REMINDER_CHECK_MINUTES=0: none)."""
    svc = services_of(application)
    interrupted = recover_interrupted(svc.users.sessions)
    if interrupted:
        log.warning("%d reminder(s) were being sent when the bot stopped; marked unknown, not re-sent", interrupted)
    minutes = svc.settings.reminder_check_minutes
    if application.job_queue is None or minutes <= 0:
        return
    application.job_queue.run_repeating(reminder_job, interval=minutes * 60, first=FIRST_RUN_SECONDS, name=JOB_NAME)

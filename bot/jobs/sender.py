"""The announcement sender: works through the delivery queue (knowledge/operations/announcements.py) within Telegram's
limits, keeps the sender's progress message current and sends the final report.

One drain task per process runs while there is work; a repeating job starts it (and the /umumkan handlers
wake it). Pacing is ours: a token bucket at ANNOUNCE_RATE_PER_SECOND, ANNOUNCE_PER_CHAT_INTERVAL between two
messages to one chat, at most ANNOUNCE_CONCURRENCY requests in flight. PTB's AIORateLimiter stays in front of
every call as the safety net for the bot as a whole.

Exactly once: a row is committed "sending" before its request and its outcome is committed after, and a
graceful stop lets in-flight requests finish and records them. Only a hard crash leaves rows "sending"; the
next start marks them "unknown" and never re-sends them on its own (see knowledge/operations/announcements.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil
from zoneinfo import ZoneInfo

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, CallbackContext

from bot import texts
from bot.views.render import esc, local_zone
from knowledge import formats
from knowledge.config import Settings
from knowledge.operations.announcements import (
    BLOCKED,
    CANCELLED,
    CLAIMED,
    DROPPED,
    FAILED,
    PENDING,
    RETRY,
    SCHEDULED,
    SENT,
    UNKNOWN,
    Announcement,
    AnnouncementStore,
    Delivery,
    Outcome,
    Report,
)
from knowledge.operations.users import UserStore

log = logging.getLogger(__name__)

_KEY = "announcement_sender"
TELEGRAM_RATE = 30  # messages/s Telegram allows a bot (without paid broadcasts)
TICK_SECONDS = 2.0  # how often the job looks for due work when the drain is idle
STAY_AWAKE = 5.0  # a drain with work due within this many seconds waits for it instead of ending
CANCEL, RESEND = "annx", "annr"
CANCEL_PATTERN = rf"^{CANCEL}:\d+$"
RESEND_PATTERN = rf"^{RESEND}:\d+$"
# Bad requests about the content, not the recipient: every remaining recipient would fail the same way.
_CONTENT_ERRORS = (
    "message to copy not found",
    "message can't be copied",
    "can't parse entities",
    "message is too long",
    "caption is too long",
    "text must be non-empty",
    "wrong file identifier",
)


def overall_rate(settings: Settings) -> int:
    """PTB's limiter for the whole bot: Telegram's 30/s, or more when the operator asked the sender for more
    (a self-hosted or test server), so that the limiter never throttles the configured pace."""
    return max(TELEGRAM_RATE, ceil(settings.announce_rate_per_second))


def install(application: Application, settings: Settings, users: UserStore) -> Sender:
    sender = Sender(application, AnnouncementStore(users.sessions), settings, users)
    application.bot_data[_KEY] = sender
    if application.job_queue is not None:
        application.job_queue.run_repeating(sender.tick, interval=TICK_SECONDS, first=0.1, name="announcements")
    return sender


def sender_of(application: Application) -> Sender:
    """Handlers read it as `context.sender` (bot/context.py)."""
    return application.bot_data[_KEY]


class Pacer:
    """A token bucket: `rate` messages a second on average, bursts of at most `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self.tokens = 1.0  # no burst at the start
        self.stamp = time.monotonic()
        self.paused_until = 0.0

    def available(self, now: float) -> int:
        if self.rate <= 0:
            return 1_000_000
        if now < self.paused_until:
            return 0
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return int(self.tokens)

    def take(self) -> None:
        self.tokens -= 1

    def wait(self, now: float) -> float:
        """Seconds until the next token."""
        if now < self.paused_until:
            return self.paused_until - now
        return 0.0 if self.rate <= 0 else max(0.0, (1 - self.tokens) / self.rate)

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)


@dataclass
class _Progress:
    at: float = 0.0
    text: str = ""


class Sender:
    def __init__(
        self, application: Application, store: AnnouncementStore, settings: Settings, users: UserStore
    ) -> None:
        self.application = application
        self.store = store
        self.settings = settings
        self.users = users  # whom to tell when a scheduled announcement is withdrawn
        self.zone = local_zone(settings.timezone)
        self.concurrency = max(1, settings.announce_concurrency)
        rate = settings.announce_rate_per_second
        # Bursts of at most 0.1 s worth of messages: enough to make up for a short stall (a commit), while at
        # 25/s no second holds more than 27.5, leaving Telegram's 30/s a margin for arrival jitter.
        self.pacer = Pacer(rate, min(self.concurrency, rate / 10))
        self.chat_interval = max(0.0, settings.announce_per_chat_interval)
        self.task: asyncio.Task[None] | None = None
        self.recovered = False
        self._changed: asyncio.Event | None = None
        self._recent: dict[int, float] = {}  # chat id -> when we last sent there (monotonic)
        self._announcements: dict[int, Announcement] = {}
        self._progress: dict[int, _Progress] = {}
        self._results: list[tuple[Delivery, Outcome]] = []

    # --- starting -----------------------------------------------------------------------------------

    async def tick(self, context: CallbackContext) -> None:
        if self.running or not self.application.running:
            return
        if self.recovered and not await asyncio.to_thread(self.store.has_work):
            return
        self._start()

    def wake(self) -> None:
        """Something changed (a new announcement, a cancellation): look at the queue now."""
        if self.running:
            self._signal()
        elif self.application.running:
            self._start()

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def _start(self) -> None:
        # Through the Application, so that stopping it waits for the drain to record what is in flight.
        self.task = self.application.create_task(self._run(), name="announcement-sender")

    async def _run(self) -> None:
        try:
            if not self.recovered:
                interrupted = await asyncio.to_thread(self.store.recover_interrupted)
                if interrupted:
                    log.warning(
                        "%d announcement deliveries were in flight when the sender died: now unknown", interrupted
                    )
                self.recovered = True
            await self._drain()
        except Exception:
            log.exception("announcement sender failed; it restarts at the next tick")

    # --- the drain loop -----------------------------------------------------------------------------

    async def _drain(self) -> None:
        inflight: set[asyncio.Task[None]] = set()
        open_rows = 0  # claimed and not yet recorded: never more than `concurrency`
        last_check = 0.0
        while True:
            open_rows -= await self._record()
            stopping = not self.application.running
            now = time.monotonic()
            if not stopping and now - last_check >= 0.5:
                last_check = now
                await self._start_due()
                await self._report_finished()
            if stopping:
                if not inflight and not self._results:  # outcomes that arrived while recording count too
                    return
                await self._wait(None)
                continue
            wanted = min(self.concurrency - open_rows, self.pacer.available(now))
            rows = await self._claim(wanted) if wanted > 0 else []
            for row in rows:
                self.pacer.take()
                open_rows += 1
                task = asyncio.create_task(self._deliver(row))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
            if rows and len(rows) == wanted:
                continue
            timeout = await self._idle_timeout(wanted, bool(rows), open_rows)
            if timeout is None:
                return
            await self._wait(timeout)

    async def _idle_timeout(self, wanted: int, claimed: bool, open_rows: int) -> float | None:
        """How long to wait for something to change; None when the drain may end."""
        now = time.monotonic()
        if wanted <= 0:  # waiting for a free slot or a token
            return self.pacer.wait(now) if open_rows < self.concurrency else 1.0
        if claimed:
            return 0.0
        due = await asyncio.to_thread(self.store.next_due)
        if open_rows == 0 and (due is None or due > _utcnow() + timedelta(seconds=STAY_AWAKE)):
            return None if not await asyncio.to_thread(self.store.unreported) else 0.2
        wait = 1.0 if due is None else (due - _utcnow()).total_seconds()
        return min(1.0, max(0.05, wait))

    async def _wait(self, timeout: float | None) -> None:
        """Until an outcome arrives, wake() is called, or the timeout passes (None: no timeout)."""
        changed = self._event()
        if self._results or (timeout is not None and timeout <= 0):
            return
        if not changed.is_set():  # a signal that came while the loop was busy still counts
            try:
                await asyncio.wait_for(changed.wait(), timeout)
            except TimeoutError:
                pass
        changed.clear()

    def _event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def _signal(self) -> None:
        self._event().set()

    async def _claim(self, limit: int) -> list[Delivery]:
        now = time.monotonic()
        self._recent = {c: t for c, t in self._recent.items() if now - t < self.chat_interval}
        rows = await asyncio.to_thread(self.store.claim, limit, exclude_chats=list(self._recent))
        for row in rows:
            if row.announcement_id not in self._announcements:
                announcement = await asyncio.to_thread(self.store.get, row.announcement_id)
                if announcement is not None:
                    self._announcements[row.announcement_id] = announcement
        return rows

    async def _record(self) -> int:
        """Write the outcomes gathered so far in one transaction; returns how many."""
        if not self._results:
            return 0
        batch, self._results = self._results, []
        await asyncio.to_thread(self.store.finish, [outcome for _, outcome in batch])
        for row, outcome in batch:
            if outcome.status == FAILED and _content_error(outcome.error):
                failed = await asyncio.to_thread(self.store.fail_remaining, row.announcement_id, outcome.error or "")
                if failed:
                    log.error(
                        "announcement %s cannot be sent (%s): %d recipients failed",
                        row.announcement_id,
                        outcome.error,
                        failed,
                    )
        if self.application.running:
            for announcement_id in {row.announcement_id for row, _ in batch}:
                await self._show_progress(announcement_id)
        return len(batch)

    # --- one delivery -------------------------------------------------------------------------------

    async def _deliver(self, row: Delivery) -> None:
        if self.chat_interval:
            self._recent[row.chat_id] = time.monotonic()
        outcome = await self._send(row)
        if outcome.retry_after:
            self.pacer.pause(outcome.retry_after)
            log.warning("flood control: pausing announcements for %.0f s", outcome.retry_after)
        self._results.append((row, outcome))
        self._signal()

    async def _send(self, row: Delivery) -> Outcome:
        announcement = self._announcements.get(row.announcement_id)
        if announcement is None:
            return Outcome(row.id, FAILED, "announcement not found", user_id=row.user_id)
        content, bot = announcement.content, self.application.bot
        try:
            if content.kind == "text":
                message = await bot.send_message(row.chat_id, content.text_html or "", parse_mode=ParseMode.HTML)
                return Outcome(row.id, SENT, message_id=message.message_id, user_id=row.user_id)
            assert content.source_chat_id is not None and content.source_message_id is not None
            copied = await bot.copy_message(
                row.chat_id,
                content.source_chat_id,
                content.source_message_id,
                caption=content.caption_html,
                parse_mode=ParseMode.HTML if content.caption_html is not None else None,
            )
            return Outcome(row.id, SENT, message_id=copied.message_id, user_id=row.user_id)
        except TelegramError as error:
            return classify(row, error)
        except Exception as error:  # a bug on our side, before or after the request: do not guess
            log.exception("announcement %s to chat %s failed unexpectedly", row.announcement_id, row.chat_id)
            return Outcome(row.id, UNKNOWN, f"unexpected error: {error!r}", user_id=row.user_id)

    # --- progress and reports -----------------------------------------------------------------------

    async def _start_due(self) -> None:
        for announcement_id in await asyncio.to_thread(self.store.start_due):
            log.info("scheduled announcement %s starts", announcement_id)
            self._announcements.pop(announcement_id, None)
            await self._show_progress(announcement_id, force=True)

    async def _show_progress(self, announcement_id: int, *, force: bool = False) -> None:
        """Edit the sender's progress message, at most every ANNOUNCE_PROGRESS_SECONDS."""
        state = self._progress.setdefault(announcement_id, _Progress())
        now = time.monotonic()
        if not force and now - state.at < self.settings.announce_progress_seconds:
            return
        announcement = await asyncio.to_thread(self.store.get, announcement_id)
        if announcement is None or announcement.progress_message_id is None or announcement.status != "sending":
            return
        counts = (await asyncio.to_thread(self.store.counts, [announcement_id]))[announcement_id]
        text = progress_text(announcement, counts, self.zone)
        if not state.text and not force:  # what the /umumkan handler showed when it queued the announcement
            state.text = progress_text(announcement, Counter({PENDING: sum(counts.values())}), self.zone)
        state.at = now
        if text != state.text:  # Telegram refuses an edit that changes nothing
            state.text = text
            await self._edit(announcement, text, cancel_keyboard(announcement_id))

    async def _report_finished(self) -> None:
        for announcement_id in await asyncio.to_thread(self.store.unreported):
            if not await asyncio.to_thread(self.store.close, announcement_id):
                continue
            announcement = await asyncio.to_thread(self.store.get, announcement_id)
            report = await asyncio.to_thread(self.store.report, announcement_id)
            if announcement is None or report is None:
                continue
            self._progress.pop(announcement_id, None)
            self._announcements.pop(announcement_id, None)
            withdrawn = (await asyncio.to_thread(self.store.withdrawn_reasons, [announcement_id])).get(announcement_id)
            if withdrawn is not None:
                await self._tell_withdrawn(announcement, withdrawn)
                continue
            log.info("announcement %s finished: %s", announcement_id, dict(report.counts))
            await self._edit(announcement, finished_text(announcement, report), None)
            try:
                await self.application.bot.send_message(
                    announcement.created_by,
                    report_text(announcement, report, self.zone),
                    reply_markup=report_keyboard(announcement_id, report),
                )
            except TelegramError as error:
                log.warning("could not send the report of announcement %s: %s", announcement_id, error)

    async def _tell_withdrawn(self, announcement: Announcement, reason: str) -> None:
        """A scheduled announcement was not sent because its author lost the right to send it (see
        knowledge.announcements.start_due): its panel loses the cancel button, the author hears why, and so
        do the admins, who may send it themselves if it still matters."""
        log.warning(
            "scheduled announcement %s withdrawn: its author %s may no longer send it (%s)",
            announcement.id, announcement.created_by, reason,
        )  # fmt: skip
        await self._edit(announcement, texts.ANN_SCHEDULE_CANCELLED.format(id=announcement.id), None)
        when = format_moment(announcement.scheduled_at, self.zone) if announcement.scheduled_at else "-"
        summary = esc(announcement.content.summary)
        told = texts.ANN_WITHDRAWN_AUTHOR.format(
            id=announcement.id, when=when, summary=summary,
            reason=texts.ANN_WITHDRAWN_AUTHOR_REASONS.get(reason, texts.ANN_WITHDRAWN_AUTHOR_REASONS["role"]),
        )  # fmt: skip
        notes = [(announcement.created_by, told)]
        admin_text = texts.ANN_WITHDRAWN_ADMIN.format(
            id=announcement.id, when=when, summary=summary, name=esc(announcement.created_by_name or "-"),
            reason=texts.ANN_WITHDRAWN_REASONS.get(reason, texts.ANN_WITHDRAWN_REASONS["role"]),
        )  # fmt: skip
        admins = await asyncio.to_thread(self.users.admins)
        notes += [(admin.id, admin_text) for admin in admins if admin.id != announcement.created_by]
        for chat_id, text in notes:
            try:  # one person who blocked the bot must not keep the others from hearing it
                await self.application.bot.send_message(chat_id, text)
            except TelegramError as error:
                log.warning("could not tell %s about withdrawn announcement %s: %s", chat_id, announcement.id, error)

    async def _edit(self, announcement: Announcement, text: str, markup: InlineKeyboardMarkup | None) -> None:
        if announcement.progress_chat_id is None or announcement.progress_message_id is None:
            return
        try:
            await self.application.bot.edit_message_text(
                text,
                chat_id=announcement.progress_chat_id,
                message_id=announcement.progress_message_id,
                reply_markup=markup,
            )
        except TelegramError as error:  # deleted by its owner, or unchanged: the report still comes
            log.debug("could not edit the progress of announcement %s: %s", announcement.id, error)


def classify(row: Delivery, error: TelegramError) -> Outcome:
    """What a failed call means for this recipient. Only answers that prove the message did not go out are
    retried; a request that may have reached Telegram (a read timeout, a dropped connection) is "unknown"."""
    message = getattr(error, "message", str(error))
    if isinstance(error, RetryAfter):
        value = error.retry_after
        seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
        return Outcome(row.id, RETRY, message, retry_after=seconds, user_id=row.user_id)
    if isinstance(error, Forbidden):
        return Outcome(row.id, BLOCKED, message, user_id=row.user_id)
    if isinstance(error, ChatMigrated):
        return Outcome(row.id, FAILED, f"group moved to supergroup {error.new_chat_id}", user_id=row.user_id)
    if isinstance(error, BadRequest):
        return Outcome(row.id, FAILED, message, user_id=row.user_id)
    if isinstance(error, TimedOut):
        cause = error.__cause__
        not_sent = isinstance(cause, httpx.PoolTimeout | httpx.ConnectTimeout)
        return Outcome(
            row.id, RETRY if not_sent else UNKNOWN, f"timed out ({type(cause).__name__})", user_id=row.user_id
        )
    if isinstance(error, NetworkError):
        cause = error.__cause__
        if cause is None or isinstance(cause, httpx.ConnectError):  # an HTTP error answer, or no connection
            return Outcome(row.id, RETRY, message, user_id=row.user_id)
        return Outcome(row.id, UNKNOWN, message, user_id=row.user_id)
    return Outcome(row.id, FAILED, message, user_id=row.user_id)


def _content_error(error: str | None) -> bool:
    lowered = (error or "").lower()
    return any(fragment in lowered for fragment in _CONTENT_ERRORS)


# ---- texts built from announcement state -----------------------------------------------------------------


def cancel_keyboard(announcement_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.ANN_CANCEL_BUTTON, callback_data=f"{CANCEL}:{announcement_id}")]]
    )


def report_keyboard(announcement_id: int, report: Report) -> InlineKeyboardMarkup | None:
    unknown = report.counts[UNKNOWN]
    if not unknown:
        return None
    label = texts.ANN_RESEND_BUTTON.format(count=unknown)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"{RESEND}:{announcement_id}")]])


def format_moment(moment: datetime, zone: ZoneInfo) -> str:
    """Stored UTC (naive) -> "12 Maret 2024 pukul 09.00 WIB" (Babel, knowledge/formats.py)."""
    return formats.format_moment(moment, zone)


def number(value: int) -> str:
    return formats.format_number(value)  # Indonesian thousands separator


def progress_text(announcement: Announcement, counts: Counter[str], zone: ZoneInfo) -> str:
    total = sum(counts.values())
    done = total - counts[PENDING] - counts[CLAIMED]
    problems = [
        texts.ANN_PROGRESS_PART[status].format(count=number(counts[status]))
        for status in (BLOCKED, FAILED, UNKNOWN)
        if counts[status]
    ]
    return texts.ANN_PROGRESS.format(
        id=announcement.id,
        audience=esc(announcement.audience_label),
        sent=number(counts[SENT]),
        done=number(done),
        total=number(total),
        problems=("\n" + ", ".join(problems)) if problems else "",
    )


def scheduled_text(announcement: Announcement, zone: ZoneInfo) -> str:
    when = format_moment(announcement.scheduled_at, zone) if announcement.scheduled_at else "-"
    return texts.ANN_SCHEDULED.format(id=announcement.id, when=when, audience=esc(announcement.audience_label))


def finished_text(announcement: Announcement, report: Report) -> str:
    template = texts.ANN_CANCELLED_DONE if announcement.status == CANCELLED else texts.ANN_FINISHED
    return template.format(id=announcement.id, sent=number(report.sent), total=number(report.total))


def reason_label(error: str) -> str:
    lowered = error.lower()
    for fragment, label in texts.ANN_REASONS.items():
        if fragment in lowered:
            return label
    return error or "-"


def report_text(announcement: Announcement, report: Report, zone: ZoneInfo) -> str:
    counts = report.counts
    lines = [
        texts.ANN_REPORT_TITLE.format(id=announcement.id),
        texts.ANN_REPORT_AUDIENCE.format(audience=esc(announcement.audience_label), total=number(report.total)),
    ]
    if announcement.started_at:
        lines.append(texts.ANN_REPORT_STARTED.format(when=format_moment(announcement.started_at, zone)))
    lines.append(texts.ANN_REPORT_SENT.format(count=number(counts[SENT])))
    if counts[BLOCKED]:
        lines.append(texts.ANN_REPORT_BLOCKED.format(count=number(counts[BLOCKED])))
        lines += _names(report.blocked, counts[BLOCKED])
    if counts[FAILED]:
        lines.append(texts.ANN_REPORT_FAILED.format(count=number(counts[FAILED])))
        reasons: Counter[str] = Counter()
        for error, count in report.failures.items():
            reasons[reason_label(error)] += count
        lines += [f"  • {esc(reason)}: {number(count)}" for reason, count in reasons.most_common()]
    if counts[UNKNOWN]:
        lines.append(texts.ANN_REPORT_UNKNOWN.format(count=number(counts[UNKNOWN])))
        lines += _names(report.unknown, counts[UNKNOWN])
    if counts[DROPPED]:
        lines.append(texts.ANN_REPORT_DROPPED.format(count=number(counts[DROPPED])))
    if counts[PENDING] or counts[CLAIMED]:
        lines.append(texts.ANN_REPORT_OPEN.format(count=number(counts[PENDING] + counts[CLAIMED])))
    if announcement.status == SCHEDULED and announcement.scheduled_at:
        lines.append(texts.ANN_REPORT_SCHEDULED.format(when=format_moment(announcement.scheduled_at, zone)))
    if counts[BLOCKED]:
        lines.append(texts.ANN_REPORT_BLOCKED_NOTE)
    return "\n".join(lines)


def _names(labels: list[str], total: int) -> list[str]:
    lines = [f"  • {esc(label)}" for label in labels]
    if total > len(labels):
        lines.append(f"  • {texts.ANN_REPORT_MORE.format(count=number(total - len(labels)))}")
    return lines


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)

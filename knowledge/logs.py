"""Logging set-up shared by the command-line entry points, and the redaction of secrets from everything logged.

Secrets — the bot token, API keys, the webhook secret, passwords inside URLs such as DATABASE_URL — are taken out
where a log record is made, not where it is written: a record factory replaces the message (with its arguments
filled in), the exception text and the stack text by redacted copies before any handler sees the record. That
covers library loggers (httpx and telegram log Bot API URLs, which carry the token), handlers added later
(pytest's, a library's own) and every level alike. Uncaught exceptions, which Python prints without logging,
go through the same redaction (sys.excepthook, threading.excepthook).

Known values (from the settings, or added with `add_secrets`) are removed wherever they appear; shapes that are
secret whatever their value (a Telegram token, a /bot<token>/ path, an sk-... key, a URL's password, a Bearer
header) are removed even when nobody told us the value.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from knowledge.config import Settings

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 4  # shorter values would blank out ordinary words and numbers all over the logs
_SECRET_FIELD = re.compile(r"token|key|secret|password", re.IGNORECASE)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A token in a Bot API path (/bot<token>/getMe, /file/bot<token>/...), whatever its length.
    (re.compile(r"(/bot)\d+:[^/\s'\"?#]+"), rf"\1{REDACTED}"),
    # A Telegram bot token anywhere else (the bot id before the colon is public: it stays for diagnosis).
    (re.compile(r"(?<!\d)(\d{3,}):[A-Za-z0-9_-]{30,}"), rf"\1:{REDACTED}"),
    # OpenAI-style API keys (sk-..., sk-proj-...).
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), f"sk-{REDACTED}"),
    # Authorization headers.
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1{REDACTED}"),
    # user:password@ in any URL (postgresql://sinergi:...@db/sinergi).
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@"), rf"\1{REDACTED}@"),
)


class Redactor:
    """Removes secrets from text: known values first (longest first), then secret-shaped strings."""

    def __init__(self) -> None:
        self._values: tuple[str, ...] = ()  # replaced whole, never changed in place: readers need no lock
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        with self._lock:
            known = set(self._values)
            for value in values:
                if value and len(value) >= MIN_SECRET_LENGTH:
                    # As written and as it would appear percent-encoded in a URL (or decoded from one).
                    known.update(v for v in (value, quote(value, safe=""), unquote(value)) if v)
            self._values = tuple(sorted(known, key=len, reverse=True))  # longest first: no partial leftovers

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


redact = Redactor()
_formatter = logging.Formatter()
_installed = False


def secret_values(settings: Settings) -> list[str]:
    """The configured values that are secrets: every setting named like a token, key, secret or password, and
    the password of every URL setting (DATABASE_URL)."""
    found: list[str] = []
    for name, value in settings.model_dump().items():
        if not isinstance(value, str) or not value:
            continue
        if _SECRET_FIELD.search(name):
            found.append(value)
        elif "://" in value:
            try:
                password = urlsplit(value).password
            except ValueError:  # not a URL after all
                continue
            if password:
                found.append(password)
    return found


def add_secrets(*values: str | None) -> None:
    """Secrets that are not settings (e.g. a webhook secret generated at start) are redacted from now on."""
    redact.add(*values)


def setup_logging(level: int = logging.INFO, *, settings: Settings | None = None) -> None:
    import bm25s  # noqa: F401  (it sets its own logger to DEBUG on import: import first, then quieten)

    install_redaction(settings)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Libraries that are chatty at INFO or that would try to phone home.
    for name in ("httpx", "chromadb", "pypdf", "bm25s", "urllib3", "alembic"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def install_redaction(settings: Settings | None = None) -> None:
    """Redact secrets from every log record and uncaught exception of this process (idempotent; a later call
    adds the secrets of `settings`)."""
    global _installed
    if settings is None:
        try:
            from knowledge.config import get_settings

            settings = get_settings()
        except Exception:  # unreadable settings are the entry point's to report; the patterns still apply
            settings = None
    if settings is not None:
        redact.add(*secret_values(settings))
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_record)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def redact_record(record: logging.LogRecord) -> None:
    """Fill in the message and format the exception now, redacted: handlers then only ever see the copies."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what there is to read, redacted all the same
        message = f"{record.msg!s} {record.args!r}"
    record.msg, record.args = redact(message), None
    if isinstance(record.exc_info, tuple) and record.exc_info[0] is not None:
        # Formatters use exc_text when it is set, so the raw traceback text is never formatted again.
        record.exc_text = redact(_formatter.formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(exc_type, exc, tb))))
    sys.stderr.flush()


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else threading.get_ident()
    text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    sys.stderr.write(redact(f"Exception in thread {name}:\n{text}"))
    sys.stderr.flush()

"""HTML for Telegram: escaping, answer layout and splitting into messages under the 4096-character limit.

Pure functions. Everything that comes from documents or users goes through `esc`, and text is only ever
split before it is escaped, so a split can never cut a tag or an entity in half.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import texts
from knowledge.operations.dates import format_indonesian_date

MAX_MESSAGE = 4096
_SEPARATOR = "\n\n"
# Finer and finer places to cut a paragraph that is too long on its own: lines, sentences, words.
_CUTS: tuple[tuple[str, str], ...] = (("\n", "\n"), (r"(?<=[.;:!?])\s+", " "), (r"\s+", " "))
_QUOTE_HEADING = re.compile(r"^\[\d{1,2}\] [^\n]{1,300}:$")


def esc(text: str) -> str:
    """Escape for Telegram HTML (quotes need no escaping outside attributes)."""
    return html.escape(text, quote=False)


def local_zone(name: str) -> ZoneInfo:
    """The configured time zone (TIMEZONE); Asia/Jakarta when the name is not a valid one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Jakarta")


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    """Stored UTC (naive) -> "27 November 2026 pukul 22.19 WIB"."""
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    return f"{format_indonesian_date(local.date())} pukul {local:%H.%M} {local.tzname()}"


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Source:
    label: str
    revoked: bool = False


def source_list(sources: Sequence[Source]) -> str:
    lines = [texts.SOURCES_HEADER]
    for number, source in enumerate(sources, start=1):
        lines.append(f"[{number}] {esc(source.label)}" + (texts.REVOKED_MARK if source.revoked else ""))
    return "\n".join(lines)


def notice_lines(notices: Sequence[str]) -> str:
    return "\n".join(f"⚠️ {esc(notice)}" for notice in dict.fromkeys(notices))


def answer_messages(
    text: str, sources: Sequence[Source], notices: Sequence[str] = (), limit: int = MAX_MESSAGE
) -> list[str]:
    """The answer, then revoked-regulation warnings and the numbered source list, kept with the last part."""
    tail = _SEPARATOR.join(part for part in (notice_lines(notices), source_list(sources) if sources else "") if part)
    return pack(plain_blocks(text, _body_limit(limit, tail), _answer_paragraph), tail or None, limit)


def passage_messages(
    heading: str,
    subtitle: str | None,
    body: str,
    notices: Sequence[str] = (),
    notes: Sequence[tuple[str, str]] = (),
    limit: int = MAX_MESSAGE,
) -> list[str]:
    """A full passage: bold heading, document title, warnings, the text, then its Penjelasan (label, text)."""
    head = [f"<b>{esc(heading)}</b>"]
    if subtitle:
        head.append(f"<i>{esc(subtitle)}</i>")
    if notices:
        head.append(notice_lines(notices))
    blocks = ["\n".join(head)]
    blocks += plain_blocks(body, limit)
    for label, note in notes:
        blocks += section_blocks(label, note, limit)
    return pack(blocks, None, limit)


def section_blocks(title: str, text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """A bold title line on top of its text; the title stays on the first block."""
    title_html = f"<b>{esc(title)}</b>"
    blocks = plain_blocks(text, limit - utf16_len(title_html) - 1)
    if not blocks:
        return [title_html]
    return [f"{title_html}\n{blocks[0]}", *blocks[1:]]


def plain_blocks(text: str, limit: int = MAX_MESSAGE, paragraph: Callable[[str], str] = esc) -> list[str]:
    """Escaped paragraphs of plain text, each cut further until it fits in `limit`."""
    blocks: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        para = para.strip("\n")
        if not para.strip():
            continue
        for piece in _cut(para, limit, lambda s: utf16_len(paragraph(s))):
            blocks.append(paragraph(piece))
    return blocks


def pack(blocks: Sequence[str], tail: str | None = None, limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks into as few messages as fit; the tail goes into the last message with the block before it."""
    messages: list[list[str]] = []
    for block in blocks:
        if messages and utf16_len(_SEPARATOR.join([*messages[-1], block])) <= limit:
            messages[-1].append(block)
        else:
            messages.append([block])
    if tail:
        if not messages:
            messages.append([tail])
        elif utf16_len(_SEPARATOR.join([*messages[-1], tail])) <= limit:
            messages[-1].append(tail)
        elif utf16_len(_SEPARATOR.join([messages[-1][-1], tail])) <= limit:
            last = messages[-1].pop()
            if not messages[-1]:
                messages.pop()
            messages.append([last, tail])
        else:  # only with a tail that is itself too large for any company: it stands alone
            messages.append([tail])
    return [_SEPARATOR.join(parts) for parts in messages if parts]


def _body_limit(limit: int, tail: str) -> int:
    """Answer blocks are cut small enough that the last one can always share a message with the tail."""
    if not tail:
        return limit
    room = limit - utf16_len(tail) - len(_SEPARATOR)
    return room if room >= limit // 2 else limit


def _answer_paragraph(paragraph: str) -> str:
    """Escape a paragraph, in bold the "[1] PP 19/2022 Pasal 7 ayat (5):" line that heads a quote."""
    first, newline, rest = paragraph.partition("\n")
    if _QUOTE_HEADING.match(first):
        return f"<b>{esc(first)}</b>{newline}{esc(rest)}"
    return esc(paragraph)


def _cut(text: str, limit: int, measure: Callable[[str], int], level: int = 0) -> list[str]:
    if measure(text) <= limit:
        return [text]
    if level >= len(_CUTS):
        return _hard_cut(text, limit, measure)
    pattern, joiner = _CUTS[level]
    parts = [p for p in re.split(pattern, text) if p]
    if len(parts) <= 1:
        return _cut(text, limit, measure, level + 1)
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if measure(part) <= limit:
            current = part
        else:
            pieces.extend(_cut(part, limit, measure, level + 1))
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _hard_cut(text: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    """Last resort for a "word" longer than a message (e.g. a pasted URL): cut between characters."""
    pieces: list[str] = []
    current, size = "", 0
    for char in text:
        width = measure(char)  # escaping and UTF-16 length are per character, so sizes add up
        if current and size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    if current:
        pieces.append(current)
    return pieces

"""Telegram's formatting modes (HTML, MarkdownV2, Markdown) and automatic entity detection.

The parsers follow tdlib's (``td/telegram/MessageEntity.cpp``) behaviour and error wording, so a message that
Telegram rejects with "can't parse entities" is rejected here too. Offsets and lengths are counted in UTF-16 code
units, as in the Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

Entity = dict[str, Any]

HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SPACES = " \t\r\n\f\v"
_LINK_SCHEMES = ("http", "https", "tg", "ton", "tonsite")
# Entities inside which Telegram drops every other entity.
_OPAQUE = frozenset({"code", "pre"})


class ParseError(ValueError):
    """Markup Telegram would refuse; the message is tdlib's, without the "can't parse entities: " prefix."""


@dataclass
class FormattedText:
    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _u16(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def check_link(url: str) -> str | None:
    """Normalise a link the way Telegram does, or None when Telegram would silently drop the entity."""
    url = url.strip()
    if not url or any(ch in _SPACES for ch in url):
        return None
    if "://" not in url and not url.lower().startswith("tg:"):
        if "." not in url:
            return None
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES:
        return None
    if scheme in ("http", "https"):
        if not parts.netloc:
            return None
        if not parts.path:
            # Telegram reports "https://example.com" back as "https://example.com/".
            url = f"{scheme}://{parts.netloc}/" + (f"?{parts.query}" if parts.query else "")
            url += f"#{parts.fragment}" if parts.fragment else ""
    return url


def link_user_id(url: str) -> int | None:
    """The user id of a ``tg://user?id=N`` link (rendered as a text_mention)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "tg" or parts.netloc.lower() != "user":
        return None
    ids = parse_qs(parts.query).get("id", [])
    return int(ids[0]) if ids and ids[0].isdigit() else None


def _link_entity(offset: int, length: int, url: str, user_lookup: UserLookup) -> Entity | None:
    user_id = link_user_id(url)
    if user_id is not None:
        return {"type": "text_mention", "offset": offset, "length": length, "user": user_lookup(user_id)}
    checked = check_link(url)
    if checked is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}


UserLookup = Callable[[int], dict[str, Any]]


def unknown_user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": str(user_id)}


# --------------------------------------------------------------------------------------------- HTML


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """tdlib's decode_html_entity: ``&lt; &gt; &amp; &quot;`` and numeric ones; the ``;`` is optional."""
    end = pos + 1
    if text.startswith("#", end):
        end += 1
        hexadecimal = text.startswith("x", end)
        end += hexadecimal
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(text) and text[end] in digits:
            end += 1
        if start == end:
            return None
        code = int(text[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        char = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(text[pos + 1 : end], "")
        if not char:
            return None
    if text.startswith(";", end):
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the parsed text
    out_index: int  # index into the output character list, to read the tag's text back


class _HtmlParser:
    def __init__(self, source: str, strict: bool, user_lookup: UserLookup) -> None:
        self.src = source
        self.strict = strict
        self.user_lookup = user_lookup
        self.out: list[str] = []
        self.utf16 = 0
        self.pos = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def error(self, message: str) -> ParseError:
        return ParseError(message)

    def parse(self) -> FormattedText:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "&":
                self.ampersand()
            elif char == "<":
                self.tag()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise self.error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return FormattedText("".join(self.out), self.entities)

    def ampersand(self) -> None:
        decoded = _decode_html_entity(self.src, self.pos)
        if decoded is not None:
            self.emit(decoded[0])
            self.pos = decoded[1]
            return
        if self.strict:
            # Telegram keeps such an "&" literally; the sandbox is stricter on purpose so that a forgotten
            # html.escape() is caught before a "<" in the same text breaks a real message.
            offset = _byte_offset(self.src, self.pos)
            raise self.error(f'Unescaped "&" at byte offset {offset} (strict sandbox check)')
        self.emit("&")
        self.pos += 1

    def tag(self) -> None:
        begin = _byte_offset(self.src, self.pos)
        self.pos += 1
        if self.at(self.pos) == "/":
            self.close_tag(begin)
        else:
            self.open_tag(begin)

    def skip_spaces(self) -> None:
        while self.at(self.pos) and self.at(self.pos) in _SPACES:
            self.pos += 1

    def open_tag(self, begin: int) -> None:
        start = self.pos
        while self.at(self.pos) and self.at(self.pos) not in _SPACES and self.at(self.pos) != ">":
            self.pos += 1
        if not self.at(self.pos):
            raise self.error(f"Unclosed start tag at byte offset {begin}")
        name = self.src[start : self.pos].lower()
        if name not in HTML_TAGS:
            raise self.error(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self.at(self.pos) != ">":
            self.skip_spaces()
            if self.at(self.pos) == ">":
                break
            if not self.at(self.pos):
                raise self.error(f"Unclosed start tag at byte offset {begin}")
            argument = self.attribute(name, begin) or argument
        self.pos += 1
        if name == "span" and argument != "spoiler":
            raise self.error(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_OpenTag(name, argument, self.utf16, len(self.out)))

    def attribute(self, tag: str, begin: int) -> str | None:
        """Read one attribute; return the tag's argument if this attribute supplies it."""
        start = self.pos
        while self.at(self.pos) and self.at(self.pos) not in _SPACES + "=>":
            self.pos += 1
        name = self.src[start : self.pos].lower()
        if not name:
            raise self.error(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        self.skip_spaces()
        if self.at(self.pos) != "=":
            if tag == "blockquote" and name == "expandable":
                return "expandable"
            raise self.error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}'
            )
        self.pos += 1
        self.skip_spaces()
        if not self.at(self.pos):
            raise self.error(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value = self.attribute_value()
        if not self.at(self.pos):
            raise self.error(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            return value
        if tag == "code" and name == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class" and value.startswith("tg-"):
            return value[len("tg-") :]
        if tag == "tg-emoji" and name == "emoji-id":
            return value
        return None

    def attribute_value(self) -> str:
        quote = self.at(self.pos)
        if quote not in ("'", '"'):
            # An unquoted HTML name token: letters, digits, periods and hyphens; case-insensitive.
            start = self.pos
            while self.at(self.pos) and (self.at(self.pos).isalnum() or self.at(self.pos) in ".-"):
                self.pos += 1
            if self.at(self.pos) and self.at(self.pos) not in _SPACES + ">":
                raise self.error(f"Unexpected end of name token at byte offset {_byte_offset(self.src, start)}")
            return self.src[start : self.pos].lower()
        self.pos += 1
        value: list[str] = []
        while self.at(self.pos) and self.at(self.pos) != quote:
            decoded = _decode_html_entity(self.src, self.pos) if self.at(self.pos) == "&" else None
            if decoded is not None:
                value.append(decoded[0])
                self.pos = decoded[1]
            else:
                value.append(self.src[self.pos])
                self.pos += 1
        if self.at(self.pos) == quote:
            self.pos += 1
        return "".join(value)

    def close_tag(self, begin: int) -> None:
        if not self.stack:
            raise self.error(f"Unexpected end tag at byte offset {begin}")
        self.pos += 1
        start = self.pos
        while self.at(self.pos) and self.at(self.pos) not in _SPACES and self.at(self.pos) != ">":
            self.pos += 1
        end_name = self.src[start : self.pos].lower()
        self.skip_spaces()
        if self.at(self.pos) != ">":
            raise self.error(f"Unclosed end tag at byte offset {begin}")
        self.pos += 1
        opened = self.stack.pop()
        if end_name and end_name != opened.name:
            raise self.error(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.name}>", found "</{end_name}>"'
            )
        if self.utf16 > opened.offset:
            self.add_entity(opened)

    def add_entity(self, tag: _OpenTag) -> None:
        offset, length = tag.offset, self.utf16 - tag.offset
        base: Entity = {"offset": offset, "length": length}
        if tag.name in _HTML_SIMPLE:
            self.entities.append({"type": _HTML_SIMPLE[tag.name], **base})
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_index :])
            link = _link_entity(offset, length, url, self.user_lookup)
            if link is not None:
                self.entities.append(link)
        elif tag.name == "tg-emoji":
            if tag.argument.isdigit():
                self.entities.append({"type": "custom_emoji", **base, "custom_emoji_id": tag.argument})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument == "expandable" else "blockquote"
            self.entities.append({"type": kind, **base})
        elif tag.name == "pre":
            self.add_pre(base)
        else:
            self.add_code(base, tag.argument)

    def add_pre(self, base: Entity) -> None:
        last = self.entities[-1] if self.entities else None
        if last and last["type"] == "code" and _same_span(last, base):
            # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
            language = last.pop("language", "")
            last["type"] = "pre"
            if language:
                last["language"] = language
            return
        self.entities.append({"type": "pre", **base})

    def add_code(self, base: Entity, language: str) -> None:
        last = self.entities[-1] if self.entities else None
        if last and last["type"] == "pre" and _same_span(last, base):
            if language:
                last["language"] = language
            return
        entity: Entity = {"type": "code", **base}
        if language:
            entity["language"] = language  # only kept if a <pre> turns out to wrap this <code>
        self.entities.append(entity)


def _same_span(a: Entity, b: Entity) -> bool:
    return a["offset"] == b["offset"] and a["length"] == b["length"]


def parse_html(source: str, *, strict: bool = True, user_lookup: UserLookup = unknown_user) -> FormattedText:
    """Parse Telegram's HTML subset; raise ParseError with Telegram's description on bad markup."""
    parsed = _HtmlParser(source, strict, user_lookup).parse()
    for entity in parsed.entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return parsed


# --------------------------------------------------------------------------------------- MarkdownV2

_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _V2Open:
    kind: str
    offset: int
    byte_offset: int
    out_index: int
    language: str = ""


class _MarkdownV2Parser:
    def __init__(self, source: str, user_lookup: UserLookup) -> None:
        self.src = source
        self.user_lookup = user_lookup
        self.out: list[str] = []
        self.utf16 = 0
        self.pos = 0
        self.stack: list[_V2Open] = []
        self.entities: list[Entity] = []
        self.quote_start: int | None = None  # UTF-16 offset where the current ">" blockquote began
        self.quote_expandable = False  # opened with "**>"; its last line ends with "||"

    def at(self, index: int) -> str:
        return self.src[index] if 0 <= index < len(self.src) else ""

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def reserved_error(self, char: str) -> ParseError:
        return ParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")

    def in_code(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind in _OPAQUE

    def parse(self) -> FormattedText:
        while self.pos < len(self.src):
            if self.line_start() and self.blockquote_marker():
                continue
            if self.expandable_end():
                continue
            char = self.src[self.pos]
            nxt = self.at(self.pos + 1)
            if char == "\\" and nxt and 0 < ord(nxt) <= 126:
                self.emit(nxt)
                self.pos += 2
            elif char not in ("`" if self.in_code() else _V2_RESERVED):
                self.emit(char)
                self.pos += 1
            elif self.closes_top(char):
                self.close()
            else:
                self.open(char)
        self.finish_blockquote()
        if self.stack:
            top = self.stack[-1]
            raise ParseError(f"Can't find end of {_V2_NAMES[top.kind]} entity at byte offset {top.byte_offset}")
        return FormattedText("".join(self.out), self.entities)

    def line_start(self) -> bool:
        return not self.in_code() and (self.pos == 0 or self.src[self.pos - 1] == "\n")

    def blockquote_marker(self) -> bool:
        """Handle a line's leading ">" (or "**>" for an expandable quote); a line without one ends the quote."""
        marker = ">" if self.at(self.pos) == ">" else "**>" if self.src.startswith("**>", self.pos) else ""
        if marker:
            if self.quote_start is None:
                self.quote_start = self.utf16
                self.quote_expandable = marker == "**>"
            self.pos += len(marker)
            return True
        self.finish_blockquote(before_newline=True)
        return False

    def expandable_end(self) -> bool:
        """The "||" that closes an expandable blockquote at the end of its last line."""
        if not (self.quote_expandable and self.src.startswith("||", self.pos)):
            return False
        if self.at(self.pos + 2) not in ("", "\n") or (self.stack and self.stack[-1].kind == "spoiler"):
            return False
        self.pos += 2
        self.finish_blockquote()
        return True

    def finish_blockquote(self, before_newline: bool = False) -> None:
        if self.quote_start is None:
            return
        end = self.utf16 - (1 if before_newline and self.out and self.out[-1].endswith("\n") else 0)
        if end > self.quote_start:
            kind = "expandable_blockquote" if self.quote_expandable else "blockquote"
            self.entities.append({"type": kind, "offset": self.quote_start, "length": end - self.quote_start})
        self.quote_start, self.quote_expandable = None, False

    def closes_top(self, char: str) -> bool:
        if not self.stack:
            return False
        kind, nxt = self.stack[-1].kind, self.at(self.pos + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "underline": char == "_" and nxt == "_",
            "code": char == "`",
            "pre": self.src.startswith("```", self.pos),
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
            "text_link": char == "]",
            "custom_emoji": char == "]",
        }[kind]

    def open(self, char: str) -> None:
        byte_offset = _byte_offset(self.src, self.pos)
        nxt = self.at(self.pos + 1)
        kinds = {"*": "bold", "~": "strikethrough", "[": "text_link"}
        language = ""
        if char in kinds:
            kind, width = kinds[char], 1
        elif char == "_":
            kind, width = ("underline", 2) if nxt == "_" else ("italic", 1)
        elif char == "|" and nxt == "|":
            kind, width = "spoiler", 2
        elif char == "!" and nxt == "[":
            kind, width = "custom_emoji", 2
        elif char == "`" and self.src.startswith("```", self.pos):
            self.pos += 3
            language = self.pre_language()
            self.stack.append(_V2Open("pre", self.utf16, byte_offset, len(self.out), language))
            return
        elif char == "`":
            kind, width = "code", 1
        else:
            raise self.reserved_error(char)
        self.pos += width
        self.stack.append(_V2Open(kind, self.utf16, byte_offset, len(self.out), language))

    def pre_language(self) -> str:
        end = self.pos
        while self.at(end) and self.at(end) not in _SPACES + "`":
            end += 1
        language = ""
        if end != self.pos and self.at(end) and self.at(end) != "`":
            language, self.pos = self.src[self.pos : end], end
        # One line break right after the opening fence is not part of the code.
        if self.at(self.pos) in ("\n", "\r"):
            pair = self.at(self.pos + 1) in ("\n", "\r") and self.at(self.pos + 1) != self.at(self.pos)
            self.pos += 2 if pair else 1
        return language

    def close(self) -> None:
        opened = self.stack.pop()
        self.pos += {"underline": 2, "spoiler": 2, "pre": 3}.get(opened.kind, 1)
        base: Entity = {"offset": opened.offset, "length": self.utf16 - opened.offset}
        if opened.kind in ("text_link", "custom_emoji"):
            entity = self.link(opened, base)
        else:
            entity = {"type": opened.kind, **base}
            if opened.language:
                entity["language"] = opened.language
        if entity is not None and base["length"] > 0:
            self.entities.append(entity)

    def link(self, opened: _V2Open, base: Entity) -> Entity | None:
        if self.at(self.pos) != "(":
            url = "".join(self.out[opened.out_index :])
        else:
            url_start = self.pos + 1
            self.pos += 1
            chars: list[str] = []
            while self.at(self.pos) and self.at(self.pos) != ")":
                if self.at(self.pos) == "\\" and self.at(self.pos + 1):
                    self.pos += 1
                chars.append(self.src[self.pos])
                self.pos += 1
            if self.at(self.pos) != ")":
                raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(self.src, url_start)}")
            self.pos += 1
            url = "".join(chars)
        if opened.kind == "custom_emoji":
            emoji_id = parse_qs(urlsplit(url).query).get("id", [""])[0]
            if not url.startswith("tg://emoji?") or not emoji_id.isdigit():
                raise ParseError("Custom emoji entity must contain a tg://emoji URL")
            return {"type": "custom_emoji", **base, "custom_emoji_id": emoji_id}
        return _link_entity(base["offset"], base["length"], url, self.user_lookup)


def parse_markdown_v2(source: str, *, user_lookup: UserLookup = unknown_user) -> FormattedText:
    return _MarkdownV2Parser(source, user_lookup).parse()


# ------------------------------------------------------------------------------------ legacy Markdown


def parse_markdown(source: str, *, user_lookup: UserLookup = unknown_user) -> FormattedText:
    """Legacy Markdown: ``*bold* _italic_ `code` ```pre``` [text](url)``, no nesting."""
    out: list[str] = []
    entities: list[Entity] = []
    utf16, pos, size = 0, 0, len(source)
    while pos < size:
        char = source[pos]
        if char == "\\" and pos + 1 < size and source[pos + 1] in "_*`[":
            out.append(source[pos + 1])
            utf16, pos = utf16 + 1, pos + 2
            continue
        if char not in "_*`[":
            out.append(char)
            utf16, pos = utf16 + _u16(char), pos + 1
            continue
        begin = _byte_offset(source, pos)
        is_pre = source.startswith("```", pos)
        end_marker = "```" if is_pre else ("]" if char == "[" else char)
        pos += 3 if is_pre else 1
        language = ""
        if is_pre:
            newline = source.find("\n", pos)
            candidate = source[pos:newline] if newline != -1 else ""
            if candidate and not any(ch in _SPACES + "`" for ch in candidate):
                language, pos = candidate, newline
        end = source.find(end_marker, pos)
        if end == -1:
            raise ParseError(f"Can't find end of the entity starting at byte offset {begin}")
        inner = source[pos:end]
        start_offset = utf16
        out.append(inner)
        utf16 += utf16_len(inner)
        pos = end + len(end_marker)
        base: Entity = {"offset": start_offset, "length": utf16 - start_offset}
        entity: Entity | None
        if char == "[":
            url = inner
            if source.startswith("(", pos):
                close = source.find(")", pos)
                if close == -1:
                    raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(source, pos)}")
                url, pos = source[pos + 1 : close], close + 1
            entity = _link_entity(base["offset"], base["length"], url, user_lookup)
        else:
            kind = {"*": "bold", "_": "italic", "`": "pre" if is_pre else "code"}[char]
            entity = {"type": kind, **base}
            if language:
                entity["language"] = language
        if entity is not None and base["length"] > 0:
            entities.append(entity)
    return FormattedText("".join(out), entities)


# ------------------------------------------------------------------------------ detection & cleanup

_DETECTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bot_command", re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    ("url", re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'’]")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d])\w{1,256}")),
)


def _utf16_offsets(text: str) -> list[int]:
    offsets, total = [], 0
    for char in text:
        offsets.append(total)
        total += _u16(char)
    offsets.append(total)
    return offsets


def detect_entities(text: str) -> list[Entity]:
    """Entities Telegram finds by itself: /commands, @mentions, #hashtags, URLs and e-mail addresses."""
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    offsets = _utf16_offsets(text)
    for kind, pattern in _DETECTORS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": offsets[start], "length": offsets[end] - offsets[start]})
    return sort_entities(found)


def _overlaps(a: Entity, b: Entity) -> bool:
    return a["offset"] < b["offset"] + b["length"] and b["offset"] < a["offset"] + a["length"]


def merge_detected(text: str, explicit: list[Entity]) -> list[Entity]:
    """Add auto-detected entities that do not collide with code, pre or links the sender already set."""
    blocking = [e for e in explicit if e["type"] in ("code", "pre", "text_link", "text_mention", "custom_emoji")]
    detected = [d for d in detect_entities(text) if not any(_overlaps(d, b) for b in blocking)]
    return sort_entities(explicit + detected)


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _drop_inside_code(entities: list[Entity]) -> list[Entity]:
    """Telegram shows nothing but the code inside code/pre; nested entities there are discarded."""
    code = [e for e in entities if e["type"] in _OPAQUE]

    def inside(entity: Entity) -> bool:
        return any(
            c is not entity
            and c["offset"] <= entity["offset"]
            and entity["offset"] + entity["length"] <= c["offset"] + c["length"]
            for c in code
        )

    return [e for e in entities if not inside(e)]


def strip_formatted(formatted: FormattedText) -> FormattedText:
    """Trim surrounding whitespace like Telegram does, moving or clipping entities to match."""
    text = formatted.text
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    shift = utf16_len(text[:lead])
    limit = utf16_len(stripped)
    entities: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, sort_entities(_drop_inside_code(entities)))


def parse(
    text: str, parse_mode: str | None, *, strict_html: bool = True, user_lookup: UserLookup = unknown_user
) -> FormattedText:
    """Apply a Bot API parse_mode (None/"" = plain text). Raise ParseError or ValueError (unknown mode)."""
    mode = (parse_mode or "").lower()
    if not mode:
        return FormattedText(text)
    if mode == "html":
        return parse_html(text, strict=strict_html, user_lookup=user_lookup)
    if mode == "markdownv2":
        return parse_markdown_v2(text, user_lookup=user_lookup)
    if mode == "markdown":
        return parse_markdown(text, user_lookup=user_lookup)
    raise ValueError(parse_mode)

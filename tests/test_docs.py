"""The docs kept in step with the code, as datasette's documentation tests do: every setting is explained in
.env.example, every command the bot registers is listed in /bantuan for the role that may use it and in the
README, and every message in bot/texts.py is HTML that Telegram accepts (the bot sends with parse_mode HTML,
so a stray "<" or an unclosed tag makes Telegram refuse the whole message)."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bot_harness import offline_settings
from telegram.ext import Application, BaseHandler, CommandHandler, ConversationHandler
from test_deploy_files import documented_variables

from bot import texts
from bot.app import build_application
from bot.handlers.info import help_text
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.migrate import init_db
from knowledge.operations.users import ADMIN, APPROVED, PEJABAT, SEKRETARIAT, User, UserStore
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# --- settings ------------------------------------------------------------------------------------------------


def env_example_paragraphs() -> dict[str, list[str]]:
    """Variable -> the lines of its paragraph in .env.example (a paragraph ends at a blank line)."""
    found: dict[str, list[str]] = {}
    for paragraph in (ROOT / ".env.example").read_text(encoding="utf-8").split("\n\n"):
        lines = paragraph.splitlines()
        for line in lines:
            match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", line)
            if match:
                found.setdefault(match.group(1), lines)
    return found


def test_every_setting_is_in_env_example() -> None:
    missing = sorted(name.upper() for name in Settings.model_fields if name.upper() not in documented_variables())
    assert not missing, f"add these settings to .env.example, with a comment: {missing}"


def test_every_setting_in_env_example_comes_with_a_comment() -> None:
    paragraphs = env_example_paragraphs()
    bare = sorted(
        name.upper()
        for name in Settings.model_fields
        if not any(re.match(r"^#(?!\s*[A-Z][A-Z0-9_]*=)", line) for line in paragraphs.get(name.upper(), []))
    )
    assert not bare, f"explain these settings in a comment of their paragraph in .env.example: {bare}"


# --- commands ------------------------------------------------------------------------------------------------

# The role whose /bantuan must list a command: the least one that may use it ("tamu": not registered yet).
COMMAND_ROLES = {
    "daftar": "tamu",
    "tanya": PEJABAT,
    "pasal": PEJABAT,
    "sumber": PEJABAT,
    "status": PEJABAT,
    "tindaklanjut": PEJABAT,
    "berhenti": PEJABAT,
    "langganan": PEJABAT,
    "bantuan": PEJABAT,
    "umumkan": SEKRETARIAT,
    "pengumuman": SEKRETARIAT,
    "laporan": SEKRETARIAT,
    "ingest": SEKRETARIAT,  # meeting records; admins any document (their section says so)
    "pengguna": ADMIN,
    "peran": ADMIN,
    "nonaktifkan": ADMIN,
    "izinkan_grup": ADMIN,
    "cabut_grup": ADMIN,
    "dokumen": ADMIN,
    "hapus": ADMIN,
    "reindex": ADMIN,
    "umpanbalik": ADMIN,
}
# Registered, but not lines of /bantuan; the README still mentions each.
NOT_IN_HELP = {
    "start": "Telegram sends it when a chat opens; it answers with the help itself",
    "help": "the English name of /bantuan",
    "batal": "a step of a dialogue: every prompt that accepts it says so",
    "lewati": "a step of a dialogue: every prompt that accepts it says so",
}
SANDBOX_ALIASES = {"klik": "tekan"}  # the terminal accepts both; the docs name one


def handler_commands(handlers: list[BaseHandler]) -> Iterator[str]:
    """Commands of these handlers, including the steps and fallbacks of conversations."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from handler_commands(handler.entry_points)
            for step in handler.states.values():
                yield from handler_commands(step)
            yield from handler_commands(handler.fallbacks)
        elif isinstance(handler, CommandHandler):
            yield from handler.commands


@pytest.fixture(scope="module")
def application(tmp_path_factory: pytest.TempPathFactory) -> Application:
    """The Application the bot runs, built as bot_harness builds it (nothing started, nothing sent)."""
    root = tmp_path_factory.mktemp("docs")
    settings = offline_settings(root / "data")
    users = UserStore(init_db(f"sqlite:///{root / 'users.db'}"))
    return build_application(settings, Assistant(KnowledgeStore(settings), settings), users, token="1:docs")


@pytest.fixture(scope="module")
def registered(application: Application) -> set[str]:
    return {command for handlers in application.handlers.values() for command in handler_commands(handlers)}


def help_for(role: str, unit: str = "Bappeda Jawa Barat") -> str:
    """/bantuan as a user of `role` reads it in a private chat."""
    if role == "tamu":
        return help_text(None, welcome=True)
    return help_text(User(1, "Budi Santoso", unit, role, APPROVED), welcome=False)


def mentions(text: str, command: str) -> bool:
    return re.search(rf"/{re.escape(command)}(?![\w/])", text) is not None


def sandbox_commands() -> set[str]:
    """The terminal's own commands, read from its code: the table `handle` dispatches on and PRESS_COMMANDS."""
    tree = ast.parse((ROOT / "bot" / "sandbox" / "terminal.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        keys: list[ast.expr | None] = []
        if isinstance(node, ast.Dict):
            keys = node.keys
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PRESS_COMMANDS" for t in node.targets):
            keys = list(getattr(node.value, "elts", []))
        for key in keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and re.fullmatch(r"/\w+", key.value):
                found.add(key.value[1:])
    return found


def readme_sandbox_paragraph() -> str:
    start = README.index("**The sandbox**")
    return README[start : README.index("\n\n", start)]


def test_every_registered_command_is_classified(registered: set[str]) -> None:
    unknown = sorted(registered - set(COMMAND_ROLES) - set(NOT_IN_HELP))
    assert not unknown, f"new commands: list them in /bantuan (bot/texts.py) and COMMAND_ROLES here: {unknown}"
    gone = sorted((set(COMMAND_ROLES) | set(NOT_IN_HELP)) - registered)
    assert not gone, f"no longer registered, remove them from the docs and from this test: {gone}"


@pytest.mark.parametrize("command", sorted(COMMAND_ROLES))
def test_command_is_in_bantuan_of_its_role(command: str) -> None:
    role = COMMAND_ROLES[command]
    assert mentions(help_for(role), command), f"/{command} is missing from /bantuan as {role} sees it"


HIGHER_ROLES = [("tamu", (PEJABAT, SEKRETARIAT, ADMIN)), (PEJABAT, (SEKRETARIAT, ADMIN)), (SEKRETARIAT, (ADMIN,))]


@pytest.mark.parametrize(("role", "higher"), HIGHER_ROLES)
def test_bantuan_lists_no_command_of_a_higher_role(role: str, higher: tuple[str, ...]) -> None:
    """Someone sees only what they may use: a command first listed for a higher role is not in their help."""
    theirs = {c for c, r in COMMAND_ROLES.items() if r == role}
    others = {c for c, r in COMMAND_ROLES.items() if r in higher} - theirs
    shown = sorted(c for c in others if mentions(help_for(role), c))
    assert not shown, f"/bantuan of {role} lists commands they may not use: {shown}"


def test_every_registered_command_is_in_the_readme(registered: set[str]) -> None:
    missing = sorted(c for c in registered if not mentions(README, c))
    assert not missing, f"document these commands in README.md: {missing}"


def test_sandbox_commands_are_in_its_help_and_readme_paragraph() -> None:
    commands = sandbox_commands() - set(SANDBOX_ALIASES)
    assert {"sebagai", "kirim", "waktu", "tekan"} <= commands
    sandbox_help = help_text(None, welcome=True, sandbox=True)
    assert not [c for c in commands if not mentions(sandbox_help, c)], sandbox_help
    paragraph = readme_sandbox_paragraph()
    assert not sorted(c for c in commands if not mentions(paragraph, c)), paragraph


# --- Telegram HTML -------------------------------------------------------------------------------------------

# Telegram's formatting tags (Bot API "HTML style") and the attributes each may carry.
TELEGRAM_TAGS: dict[str, set[str]] = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "tg-spoiler": set(), "span": {"class"},
    "a": {"href"}, "code": {"class"}, "pre": set(), "blockquote": {"expandable"}, "tg-emoji": {"emoji-id"},
}  # fmt: skip
ENTITIES = {"lt", "gt", "amp", "quot"}
ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}  # outside a tag or an entity, Telegram needs these written so


class TelegramHTML(HTMLParser):
    """Collects what Telegram would refuse: unknown tags or attributes, unbalanced tags, bare < > &."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not Telegram HTML")
            return
        names = {name for name, _ in attrs}
        if names - TELEGRAM_TAGS[tag]:
            self.problems.append(f"<{tag}> cannot carry {sorted(names - TELEGRAM_TAGS[tag])}")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.problems.append('<span> needs class="tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("<a> needs an href")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"<{tag}/>: Telegram has no empty tags")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for char, entity in ESCAPES.items():
            if char in data:
                self.problems.append(f"bare {char!r} in {data!r}: write {entity}")

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.problems.append(f"&{name}; is not one of Telegram's entities")

    def handle_comment(self, data: str) -> None:
        self.problems.append("HTML comments are not Telegram HTML")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}> is not Telegram HTML")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}]> is not Telegram HTML")


def telegram_html_problems(text: str) -> list[str]:
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    problems = parser.problems + [f"<{tag}> is never closed" for tag in parser.open]
    if parser.rawdata:  # what html.parser could not read as a tag or as text, e.g. "<b" at the end
        problems.append(f"unreadable: {parser.rawdata!r}")
    return problems


def filled(template: str) -> str:
    """A message with its str.format placeholders filled with harmless text (literal braces as they print)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:  # not a format string
        return template
    return "".join(literal + ("1" if field is not None else "") for literal, field, _, _ in parts)


def text_messages() -> Iterator[tuple[str, str]]:
    """(name, text) of every string in bot/texts.py: constants, and the strings inside its tables."""
    for name, value in vars(texts).items():
        if name.startswith("_") or not name.isupper():
            continue
        yield from _strings(name, value)


def _strings(name: str, value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(f"{name}[{key!r}]", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(f"{name}[{index}]", item)


MESSAGES = dict(text_messages())


def test_the_checker_refuses_what_telegram_refuses() -> None:
    assert telegram_html_problems("<b>tebal</b> dan <i>miring</i>, <a href='https://x.id'>tautan</a>") == []
    assert telegram_html_problems('<span class="tg-spoiler">rahasia</span> &lt;NOMOR&gt; &amp;') == []
    for bad in ("<b>tebal", "<b><i>x</b></i>", "<div>x</div>", "<br>", "1 < 2", "A & B", "<span>x</span>",
                "<a>tanpa tautan</a>", "&nbsp;", "<b"):  # fmt: skip
        assert telegram_html_problems(bad), bad


def test_texts_has_messages_to_check() -> None:
    assert len(MESSAGES) > 100 and "HELP_MEMBER" in MESSAGES


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_is_telegram_html(name: str) -> None:
    text = filled(MESSAGES[name])
    assert telegram_html_problems(text) == [], text


@pytest.mark.parametrize("role", ["tamu", PEJABAT, SEKRETARIAT, ADMIN])
def test_bantuan_is_telegram_html(role: str) -> None:
    """/bantuan is put together from several messages and a user's own unit: the whole must still parse."""
    text = help_for(role, unit="Bappeda <Jabar> & Co")  # a user's own words: help_text must escape them
    assert telegram_html_problems(text) == [], text
    assert telegram_html_problems(help_text(None, welcome=True, sandbox=True)) == []

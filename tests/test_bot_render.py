"""HTML rendering and splitting (pure functions), checked with the sandbox's strict Telegram HTML parser."""

from __future__ import annotations

import pytest

from bot.handlers.ask import pasal_question
from bot.sandbox.content import format_text
from bot.sandbox.errors import ApiError
from bot.views.render import MAX_MESSAGE, Source, answer_messages, esc, pack, passage_messages, utf16_len


def telegram_text(html: str) -> str:
    """What Telegram would show, or ApiError exactly where Telegram would refuse the message."""
    return format_text(html, "HTML", None, strict_html=True).text


def words(text: str) -> list[str]:
    return text.split()


def test_document_and_user_text_is_escaped() -> None:
    text = 'Pasal 5 <b>tebal</b> & "kutipan" <script> 5 < 7 > 3 &amp;'
    [message] = answer_messages(text, [Source("UU 23/2014 <Pemda> & lain")], ["Perhatian: <dicabut> & lama"])
    shown = telegram_text(message)
    assert text in shown and "UU 23/2014 <Pemda> & lain" in shown and "Perhatian: <dicabut> & lama" in shown
    assert esc("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_answer_layout_answer_then_warnings_then_numbered_sources() -> None:
    sources = [Source("PP 19/2022 Pasal 7 ayat (5)"), Source("PP 7/2008 Pasal 3", revoked=True)]
    [message] = answer_messages("Jawaban [1] dan [2].", sources, ["PP 7/2008 sudah dicabut."])
    shown = telegram_text(message)
    assert shown == (
        "Jawaban [1] dan [2].\n\n⚠️ PP 7/2008 sudah dicabut.\n\n"
        "Sumber:\n[1] PP 19/2022 Pasal 7 ayat (5)\n[2] PP 7/2008 Pasal 3 (dicabut)"
    )


@pytest.mark.parametrize(
    "body",
    [
        "\n\n".join(f"Paragraf {n}: " + "kalimat yang cukup panjang untuk mengisi pesan. " * 12 for n in range(30)),
        "Satu paragraf raksasa tanpa baris kosong. " * 400,  # cut at sentences
        "x" * 9000,  # one "word" longer than a message: cut between characters
        "<&> " * 3000,  # escaping triples the size: measured after escaping
        "😀 Emoji dihitung dua unit UTF-16. " * 400,
    ],
)
def test_long_answers_split_under_the_limit_with_sources_in_the_last_part(body: str) -> None:
    sources = [Source(f"PP 19/2022 Pasal {n}") for n in range(1, 9)]
    parts = answer_messages(body, sources, ["Perhatian: dokumen lama sudah dicabut."])
    assert len(parts) >= 2
    shown = [telegram_text(part) for part in parts]  # each one parses as strict Telegram HTML
    assert all(utf16_len(part) <= MAX_MESSAGE for part in parts)
    assert all("Sumber:" not in s for s in shown[:-1]) and shown[-1].endswith("[8] PP 19/2022 Pasal 8")
    assert "".join(words(" ".join(shown))).startswith("".join(words(body))[:1000])  # nothing lost, order kept
    assert sum(s.count("Emoji") for s in shown) == body.count("Emoji")


def test_tail_moves_with_the_last_block_when_it_does_not_fit() -> None:
    blocks = ["a" * 2000, "b" * 2000]
    parts = pack(blocks, "SUMBER", limit=4005)  # both blocks fit together, not with the tail
    assert parts == ["a" * 2000, "b" * 2000 + "\n\nSUMBER"]


def test_full_passage_has_heading_text_and_penjelasan() -> None:
    [message] = passage_messages(
        "CONTOH 1/2024 Pasal 3", "Pedoman <Latihan>", "Pasal 3\n(1) Isi & isi.", [], [("Penjelasan Pasal 3", "Jelas.")]
    )
    assert telegram_text(message) == (
        "CONTOH 1/2024 Pasal 3\nPedoman <Latihan>\n\nPasal 3\n(1) Isi & isi.\n\nPenjelasan Pasal 3\nJelas."
    )


def test_unescaped_html_would_really_be_refused() -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        telegram_text("5 < 7 & <b>tebal")


@pytest.mark.parametrize(
    ("arguments", "question"),
    [
        ("7 ayat 5 PP 19/2022", "Pasal 7 ayat (5) PP 19/2022"),
        ("7 ayat (5) PP 19/2022", "Pasal 7 ayat (5) PP 19/2022"),
        ("7(5)", "Pasal 7 ayat (5)"),
        ("24", "Pasal 24"),
        ("pasal 2a", "Pasal 2A"),
        ("9 PP 7/2008", "Pasal 9 PP 7/2008"),
        ("", None),
        ("tujuh", None),
    ],
)
def test_pasal_command_arguments(arguments: str, question: str | None) -> None:
    assert pasal_question(arguments) == question

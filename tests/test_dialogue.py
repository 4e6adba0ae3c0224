"""The rule that decides whether a message sent while a prompt waits (a comment after 👍/👎, a follow-up note, an
extension date) answers the prompt or asks something new (knowledge/search/dialogue.py)."""

from __future__ import annotations

from datetime import date

import pytest
from bot_harness import Corpus

from knowledge.search.dialogue import finds_content, reads_as_question
from knowledge.search.retrieval import Retriever

TODAY = date(2024, 4, 8)

QUESTIONS = [
    "Bagaimana pendanaan tugas pembantuan?",  # the message
    "Bagaimana pendanaan tugas pembantuan",  # without the question mark
    "pendanaan tugas pembantuan?",
    "dana dekon dr mana sih",  # chat spelling, the question word at the end
    "terus gimana",
    "apa itu GWPP",
    "Mohon jelaskan tentang GWPP",  # a request without a question word
    "mau tanya soal dana dekonsentrasi",
    "Untuk provinsi, apa saja syaratnya",  # the question word opens a later clause
    "Pasal 7 ayat 5 PP 19/2022",  # an article look-up
    "perda itu masih berlaku ga",  # a tag question
    "What is deconcentration",
]

ANSWERS = [
    "kurang lengkap",
    "jawabannya tidak menyebut pasal yang tepat",
    "Sumbernya salah, seharusnya Pasal 8",
    "Akun sudah dibuka untuk semua kabupaten/kota",  # a follow-up note
    "Laporan telah dikirim lewat surel kepada sekretariat",
    "30 April 2024",  # an extension date
    "2 minggu lagi, datanya belum lengkap",
    "terima kasih, sangat membantu",
    "ok",
    "🙏",
    "-",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_are_read_as_questions(text: str) -> None:
    assert reads_as_question(text, today=TODAY)


@pytest.mark.parametrize("text", ANSWERS)
def test_comments_notes_and_dates_answer_the_prompt(text: str) -> None:
    assert not reads_as_question(text, today=TODAY)
    # The search is the last resort: what other signals decide, it never overturns.
    assert not reads_as_question(text, today=TODAY, topical=lambda _: True)


def test_a_long_report_without_question_signals_answers_the_prompt() -> None:
    report = " ".join(["Data realisasi triwulan pertama untuk seluruh kabupaten dan kota di provinsi ini"] * 3)
    assert not reads_as_question(report, today=TODAY, topical=lambda _: True)


def test_a_bare_topic_is_a_question_only_when_the_documents_hold_content_on_it(bot_corpus: Corpus) -> None:
    retriever = Retriever(bot_corpus.store, primary_doc="PP 19/2022")

    def topical(text: str) -> bool:
        return finds_content(retriever, text)

    assert reads_as_question("pendanaan tugas pembantuan", today=TODAY, topical=topical)
    assert reads_as_question("kewenangan gubernur sebagai wakil pemerintah pusat", today=TODAY, topical=topical)
    assert not reads_as_question("terlalu panjang dan bertele-tele", today=TODAY, topical=topical)
    assert not finds_content(retriever, "jawaban ini sangat membantu saya")
    # Without the search, a bare topic is taken as the prompt's answer (a follow-up note is about a topic).
    assert not reads_as_question("pendanaan tugas pembantuan", today=TODAY)

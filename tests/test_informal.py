"""How chat Indonesian is read: what officials type becomes the words the regulations use, for searching only."""

from __future__ import annotations

import pytest

from knowledge.search.informal import Normalizer

# A corpus vocabulary as the snapshot gives it: surface words and how often they occur.
VOCABULARY = {
    "dilimpahkan": 12,
    "dikerjakan": 4,
    "dibiayai": 9,
    "menyampaikan": 20,
    "disampaikan": 30,
    "mengikuti": 5,
    "menugaskan": 7,
    "mengelola": 11,
    "melaksanakan": 40,
    "ditetapkan": 50,
    "pengawasan": 90,
    "teknis": 60,
    "gwpp": 45,
    "apbn": 200,
    "nasional": 30,
    "main": 3,
    "dekonsentrasi": 80,
    "terpakai": 2,
}
TERMS = {"tugas pembantuan pusat": "Tugas Pembantuan Pusat"}


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(VOCABULARY, TERMS)


def text(normalizer: Normalizer, question: str) -> str:
    return normalizer.normalize(question).text


@pytest.mark.parametrize(
    ("chat", "standard"),
    [
        ("yg", "yang"),
        ("gmn", "bagaimana"),
        ("blm", "belum"),
        ("udh", "sudah"),
        ("kudu", "harus"),
        ("brp", "berapa"),
        ("dr", "dari"),
        ("scr", "secara"),
        ("aja", "saja"),
    ],
)
def test_chat_spelling_becomes_standard_indonesian(normalizer, chat, standard):
    assert text(normalizer, f"x {chat} y") == f"x {standard} y"


@pytest.mark.parametrize(
    ("jakarta", "standard"),
    [
        ("dilimpahin", "dilimpahkan"),
        ("dikerjain", "dikerjakan"),
        ("dibiayain", "dibiayai"),
        ("disampein", "disampaikan"),
        ("nugasin", "menugaskan"),
        ("ngelola", "mengelola"),
        ("ngikutin", "mengikuti"),
        ("ngelaksanain", "melaksanakan"),
        ("ditetapin", "ditetapkan"),
        ("kepake", "terpakai"),
    ],
)
def test_jakarta_affixes_become_the_standard_verb(normalizer, jakarta, standard):
    assert text(normalizer, jakarta) == standard


def test_an_affixed_word_the_corpus_lacks_still_gets_its_regular_reading(normalizer):
    assert text(normalizer, "dilakuin") == "dilakukan"


def test_real_words_that_look_like_affixes_stay(normalizer):
    assert text(normalizer, "main nasional ingin") == "main nasional ingin"


def test_field_abbreviations_become_what_they_stand_for(normalizer):
    assert text(normalizer, "dana dekon dr mana sih?") == "dana Dekonsentrasi dari mana?"
    assert text(normalizer, "binwas tp") == "pembinaan dan pengawasan Tugas Pembantuan"


def test_abbreviations_the_regulations_use_themselves_stay_as_written_there(normalizer):
    assert text(normalizer, "gwpp lapor ke siapa") == "GWPP lapor kepada siapa"
    assert text(normalizer, "dana masuk apbn?") == "dana masuk APBN?"


def test_acronyms_written_in_capitals_are_names_not_shorthand(normalizer):
    # "spt" is chat for "seperti"; "SPT" is the tax return.
    assert text(normalizer, "lapor SPT tahunan") == "lapor SPT tahunan"
    assert text(normalizer, "spt itu") == "seperti itu"


def test_dropped_vowels_are_restored_from_the_corpus(normalizer):
    assert text(normalizer, "pgawasan umum dan tknis") == "pengawasan umum dan teknis"


def test_particles_emoji_and_elongation_go_punctuation_stays(normalizer):
    assert text(normalizer, "tolong dong bro, syarat2 nya apaaa ya 🙏") == "syarat-syarat nya apa"
    assert text(normalizer, "DANA DEKON MASUK APBN???") == "dana Dekonsentrasi masuk APBN???"


def test_roman_numerals_are_not_elongation(normalizer):
    assert text(normalizer, "triwulan III") == "triwulan III"


def test_yes_no_tags_are_not_negations(normalizer):
    assert text(normalizer, "masih kepake ga stlh itu?") == "masih terpakai setelah itu?"
    assert text(normalizer, "kalau gubernur gak hadir") == "kalau gubernur tidak hadir"


def test_defined_terms_get_the_regulations_capitals(normalizer):
    assert text(normalizer, "syarat tugas pembantuan pusat") == "syarat Tugas Pembantuan Pusat"


@pytest.mark.parametrize("message", ["🙂", "?", "......", "ok", "makasih", "terima kasih ya pak", "halo, mau tanya"])
def test_messages_without_a_question_have_no_content_words(normalizer, message):
    assert normalizer.normalize(message).content_words == ()


def test_english_questions_are_recognised_and_their_field_terms_translated(normalizer):
    normalized = normalizer.normalize("Who supervises deconcentration nationally?")
    assert normalized.english
    assert normalized.text == "siapa mengawasi Dekonsentrasi nasional?"
    assert not normalizer.normalize("Apa itu GWPP?").english

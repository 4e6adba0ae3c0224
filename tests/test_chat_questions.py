"""Questions as officials really ask them: chat wording, laws the knowledge base does not hold, articles named
without their regulation, messages that ask nothing, English, conversations, meetings, and passages that are
no answer (tables, annexes). Each is answered from the fictional corpus of `answer_corpus`."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_corpus import build

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    base = tmp_path_factory.mktemp("chat")
    settings = build(base / "data", base / "docs")
    return Assistant(KnowledgeStore(settings), settings)


def labels(answer) -> list[str]:
    return [r.label for r in answer.citations]


# --- chat wording ---------------------------------------------------------------------------------------


def test_a_chat_question_is_answered_like_its_formal_form(assistant):
    formal = assistant.ask("Paling lambat kapan gubernur menetapkan keputusan pelaksanaan?")
    chat = assistant.ask("gubernur hrs netapin keputusan pelaksanaan paling telat kapan? 🙏")
    assert not chat.abstained
    assert labels(chat)[0] == labels(formal)[0] == "CONTOH 5/2023 Pasal 2 ayat (3)"


def test_chat_particles_do_not_lower_the_confidence(assistant):
    plain = assistant.ask("Kapan gubernur melaporkan pelaksanaan Pelimpahan Wilayah?")
    chatty = assistant.ask("gubernur lapor pelaksanaan pelimpahan wilayah tuh kapan aja sih ya?")
    assert not chatty.abstained and labels(chatty)[0] == "CONTOH 5/2023 Pasal 4 ayat (1)"
    assert chatty.confidence >= plain.confidence - 0.1


def test_a_definition_asked_the_chat_way_quotes_the_definition(assistant):
    answer = assistant.ask("forum koordinasi tuh apa ya?")
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 1"
    assert "Forum Koordinasi adalah pertemuan berkala" in answer.answer


# --- laws we do not hold --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Pasal 27 UU ITE mengatur apa?", "UU ITE"),
        ("apa isi pasal 3 uu cipta kerja", "UU Cipta Kerja"),
        ("Bunyi Pasal 2 KUHP tentang apa?", "KUHP"),
        ("Berdasarkan UU Metaverse Tahun 2025, apa sanksinya?", "UU Metaverse"),
        ("Berapa denda menurut Peraturan Pemerintah Nomor 100 Tahun 2050?", "PP 100/2050"),
        ("Bagaimana cara mendapatkan izin menurut Permen BUMN Nomor 8 Tahun 2021?", "Permen BUMN Nomor 8 Tahun 2021"),
        ("Bagaimana menghitung PPh pasal 23?", "UU PPh"),
    ],
)
def test_a_law_we_do_not_hold_is_named_and_nothing_is_cited(assistant, question, name):
    answer = assistant.ask(question)
    assert answer.abstained and answer.citations == []
    assert name in answer.answer and "belum ada dalam basis pengetahuan" in answer.answer
    # Above all: "Pasal 3 of the law asked about" is never answered with Pasal 3 of another regulation.
    assert "CONTOH" not in answer.answer


def test_a_foreign_law_is_said_to_be_foreign(assistant):
    answer = assistant.ask("Apa pasal GDPR yang mengatur data pribadi?")
    assert answer.abstained and answer.citations == []
    assert "GDPR bukan peraturan Indonesia" in answer.answer


def test_a_regulation_named_by_its_title_is_found_by_its_title(assistant):
    answer = assistant.ask("Apa isi Peraturan Contoh tentang Koordinasi Pelimpahan Urusan Pemerintahan soal laporan?")
    assert not answer.abstained
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 4 ayat (2)"


def test_an_article_named_without_its_regulation_is_not_pinned_on_the_primary_one(assistant):
    # Pasal 3 ayat (1) of the primary regulation is about financing Penugasan Daerah, not labour contracts.
    answer = assistant.ask("Apakah kontrak kerja yang bertentangan dengan Pasal 3 ayat 1 batal demi hukum?")
    assert answer.abstained and answer.citations == []
    assert "tanpa menyebut peraturannya" in answer.answer


def test_an_article_named_without_its_regulation_that_fits_is_the_primary_one(assistant):
    answer = assistant.ask("Menurut Pasal 3 ayat 1, Penugasan Daerah dibiayai dari mana?")
    assert not answer.abstained
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 3 ayat (1)"


# --- messages that ask nothing, and English ---------------------------------------------------------------


@pytest.mark.parametrize("message", ["🙂", "?", "......", "ok", "halo"])
def test_a_message_without_a_question_gets_an_invitation_and_no_quotes(assistant, message):
    answer = assistant.ask(message)
    assert answer.mode == "chat" and answer.abstained and answer.citations == []
    assert "Silakan tulis pertanyaan Anda" in answer.answer
    # The example comes from a document that is loaded, not from PP 19/2022 (which this corpus lacks).
    assert "CONTOH 5/2023" in answer.answer and "PP 19/2022" not in answer.answer


def test_thanks_are_acknowledged(assistant):
    answer = assistant.ask("makasih ya pak")
    assert answer.answer.startswith("Sama-sama.") and answer.citations == []


def test_an_english_question_the_documents_answer_is_answered(assistant):
    answer = assistant.ask("What is Penugasan Daerah?")
    assert not answer.abstained and labels(answer)[0] == "CONTOH 5/2023 Pasal 1"


def test_an_english_question_they_do_not_answer_is_refused_with_a_hint_to_ask_in_indonesian(assistant):
    answer = assistant.ask("How do I renew my passport?")
    assert answer.abstained and answer.citations == []
    assert "Bahasa Indonesia" in answer.answer and "please ask again" in answer.answer


def test_the_refusal_hint_takes_its_examples_from_loaded_documents(assistant):
    answer = assistant.ask("Bagaimana cara memasak nasi goreng yang enak?")
    assert answer.abstained
    assert "CONTOH 5/2023" in answer.answer and "PP 19/2022" not in answer.answer


# --- conversations ----------------------------------------------------------------------------------------


def test_a_question_complete_on_its_own_is_not_read_as_a_follow_up(assistant):
    assistant.ask("Apa sanksi bagi dinas yang lalai menyampaikan laporan?", chat_id="percakapan-1")
    answer = assistant.ask("Apa itu Forum Koordinasi?", chat_id="percakapan-1")
    assert answer.standalone_question is None
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 1"


def test_a_short_follow_up_is_still_read_with_the_previous_question(assistant):
    assistant.ask("Dari mana biaya Penugasan Daerah?", chat_id="percakapan-2")
    answer = assistant.ask("apa sanksinya?", chat_id="percakapan-2")
    assert answer.standalone_question and "Penugasan Daerah" in answer.standalone_question


def test_a_follow_up_naming_a_term_of_the_same_kind_asks_the_previous_question_about_it():
    from knowledge.search.conversation import Conversations, Turn

    previous = Turn("Dari mana pendanaan tugas pembantuan pusat?")
    assert Conversations.merge(previous, "kalau yang provinsi?") == "Dari mana pendanaan tugas pembantuan provinsi?"
    # Nothing to swap: the follow-up's words first, the previous question as context.
    merged = Conversations.merge(previous, "kalau sanksinya?")
    assert merged == "sanksinya — Dari mana pendanaan tugas pembantuan pusat?"


def test_small_talk_in_a_conversation_quotes_nothing_from_the_previous_topic(assistant):
    assistant.ask("Dari mana biaya Penugasan Daerah?", chat_id="percakapan-3")
    for message in ("🙂", "?", "ok"):
        answer = assistant.ask(message, chat_id="percakapan-3")
        assert answer.mode == "chat" and answer.citations == []


# --- meetings -----------------------------------------------------------------------------------------------


def test_a_question_about_a_meeting_quotes_the_field_asked_about(assistant):
    answer = assistant.ask("Di mana rapat koordinasi pelimpahan wilayah diadakan?")
    assert not answer.abstained
    assert answer.answer.startswith("Catatan rapat yang paling relevan")
    assert "Tempat: Hotel Asmira, Bandung" in answer.answer
    assert "Pimpinan Rapat" not in answer.answer  # the other fields are not what was asked


def test_who_led_a_meeting_in_chat_wording(assistant):
    answer = assistant.ask("rakor bandung kemarin dipimpin sm siapa?")
    assert not answer.abstained
    assert "Pimpinan Rapat: Direktur Pembinaan Pemerintahan Daerah" in answer.answer


def test_a_regulation_is_introduced_as_a_provision(assistant):
    answer = assistant.ask("Kapan gubernur melaporkan pelaksanaan Pelimpahan Wilayah?")
    assert answer.answer.startswith("Ketentuan yang paling relevan")


# --- only provisions are answers ----------------------------------------------------------------------------

ANNEXED = (
    """\
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 8 TAHUN 2024
TENTANG PEMBAGIAN BIDANG KEGIATAN

Pasal 1
Kegiatan penyuluhan pertanian dilaksanakan oleh dinas pertanian provinsi.

Pasal 2
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.

PENJELASAN
ATAS
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 8 TAHUN 2024
TENTANG PEMBAGIAN BIDANG KEGIATAN

I. UMUM
Peraturan ini membagi bidang kegiatan antara kementerian dan daerah.

II. PASAL DEMI PASAL
Pasal 1
Yang dimaksud dengan "penyuluhan" adalah kegiatan pendampingan petani.
Pasal 2
Cukup jelas. TAMBAHAN LEMBARAN NEGARA REPUBLIK INDONESIA NOMOR 9999 LAMPIRAN PERATURAN CONTOH NOMOR 8 TAHUN \
2024 A. BIDANG PERIKANAN SUB BIDANG KEWENANGAN """
    + " ".join(f"{n}. Perizinan kapal perikanan {10 * n} GT di wilayah laut sampai {n} mil" for n in range(1, 25))
    + "\n"
)


def test_an_annex_run_into_an_elucidation_is_never_the_answer_but_can_be_looked_up(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "contoh-2024-8.md").write_text(ANNEXED, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", primary_document="CONTOH 8/2024", _env_file=None)
    store = KnowledgeStore(settings)
    assert not Pipeline(store).run([docs]).failed
    assistant = Assistant(store, settings)

    answer = assistant.ask("Siapa yang memberi izin kapal perikanan 30 GT?")
    assert all("LAMPIRAN" not in r.text for r in answer.citations)
    assert all("TAMBAHAN LEMBARAN" not in r.text for r in [h.record for h in answer.retrieved])

    lookup = assistant.ask("Penjelasan Pasal 2 CONTOH 8/2024")
    assert lookup.mode == "lookup" and "Penjelasan CONTOH 8/2024 Pasal 2" in labels(lookup)


def test_quotable_passages(tmp_path: Path):
    from knowledge.index.corpus import is_quotable
    from knowledge.model import Passage

    def record(text: str, part: str = "penjelasan", doc_type: str = "UU") -> Passage:
        return Passage(text, "x", part, pasal="1", parent_text=text, doc="UU 1/2000", doc_type=doc_type, id="x")

    assert is_quotable(record('Yang dimaksud dengan "penyuluhan" adalah kegiatan pendampingan.'))
    assert not is_quotable(record("Cukup jelas. TAMBAHAN LEMBARAN NEGARA REPUBLIK INDONESIA NOMOR 1 LAMPIRAN"))
    assert not is_quotable(record("Penerimaan pajak " + " ".join(f"{n}.000.000,00" for n in range(60))))
    # A provision full of references is still a provision.
    refs = ", ".join(f"Pasal {n} ayat ({n % 4 + 1})" for n in range(2, 30))
    assert is_quotable(record(f"Pejabat yang melanggar ketentuan sebagaimana dimaksud dalam {refs} dikenai sanksi."))
    # Minutes are always quotable: their tables are the record of the meeting.
    assert is_quotable(record("| No | Tindak Lanjut |\n|---|---|\n| 1 | a |\n| 2 | b |", doc_type="notulen"))

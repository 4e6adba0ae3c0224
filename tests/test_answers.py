"""What an official gets back in the embedded default (no LLM): quotes with exact citations, exact article
look-ups, warnings for revoked regulations, and honest refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from answer_corpus import build

from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    base = tmp_path_factory.mktemp("answers")
    return build(base / "data", base / "docs")


@pytest.fixture(scope="module")
def assistant(settings) -> Assistant:
    return Assistant(KnowledgeStore(settings), settings)


def labels(answer) -> list[str]:
    return [r.label for r in answer.citations]


def test_a_definition_question_quotes_the_definition_verbatim(assistant):
    answer = assistant.ask("Apa yang dimaksud dengan Penugasan Daerah?")
    assert answer.mode == "extractive" and not answer.abstained
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 1"
    assert "Penugasan Daerah adalah permintaan kementerian kepada kabupaten atau kota" in answer.answer
    assert answer.answer.splitlines()[0].endswith(":")  # a one-line lead-in, then the quote


def test_a_deadline_question_finds_the_ayat(assistant):
    answer = assistant.ask("Paling lambat kapan rencana pelimpahan disampaikan kepada gubernur?")
    assert labels(answer)[0] == "CONTOH 5/2023 Pasal 2 ayat (2)"
    assert "paling lambat bulan Oktober" in answer.answer


def test_an_article_look_up_returns_that_exact_text_with_its_penjelasan(assistant):
    answer = assistant.ask("Pasal 2 ayat (2) Peraturan Contoh 5/2023")
    assert answer.mode == "lookup" and not answer.abstained
    assert labels(answer) == ["CONTOH 5/2023 Pasal 2 ayat (2)", "Penjelasan CONTOH 5/2023 Pasal 2 ayat (2)"]
    assert "tahun anggaran ketika kegiatan dilaksanakan" in answer.answer


def test_a_bare_article_number_means_the_primary_regulation(assistant):
    answer = assistant.ask("bunyi pasal 3")
    assert answer.mode == "lookup"
    assert labels(answer) == ["CONTOH 5/2023 Pasal 3 ayat (1)", "CONTOH 5/2023 Pasal 3 ayat (2)"]


def test_an_article_that_does_not_exist_is_never_answered_with_a_neighbour(assistant):
    answer = assistant.ask("Apa bunyi Pasal 45 Peraturan Contoh Nomor 5 Tahun 2023?")
    assert answer.abstained and answer.citations == []
    assert "Pasal 45 tidak ada dalam CONTOH 5/2023" in answer.answer
    assert "Pasal 1 sampai dengan Pasal 7" in answer.answer


def test_a_document_we_do_not_have_is_said_to_be_missing(assistant):
    answer = assistant.ask("Apa isi PP 99/2031 tentang pelimpahan?")
    assert answer.abstained and answer.citations == []
    assert "PP 99/2031" in answer.answer and "belum ada" in answer.answer


def test_a_passage_of_a_revoked_regulation_carries_a_warning(assistant):
    answer = assistant.ask("Menurut Peraturan Contoh 4/2010, apa sanksi bagi dinas yang lalai menyampaikan laporan?")
    assert labels(answer)[0] == "CONTOH 4/2010 Pasal 1"
    assert answer.notices == [
        "Perhatian: CONTOH 4/2010 sudah dicabut oleh CONTOH 5/2023 Pasal 6 dan tidak berlaku lagi."
    ]


def test_questions_about_current_rules_prefer_the_regulation_in_force(assistant):
    answer = assistant.ask("Kapan pelimpahan urusan kepada gubernur dapat ditarik kembali?")
    # Only the revoked regulation speaks of it: it is still found, with its warning.
    assert labels(answer)[0] == "CONTOH 4/2010 Pasal 2"
    assert answer.notices


def test_minutes_are_cited_by_section_and_item(assistant):
    answer = assistant.ask("Apa rekomendasi rakor Bandung tentang pelatihan operator aplikasi pelaporan?")
    assert labels(answer)[0].endswith("bagian Rekomendasi butir 2")


@pytest.mark.parametrize(
    "question",
    ["Bagaimana cara mengurus paspor baru?", "Siapa juara liga sepak bola Eropa tahun lalu?"],
)
def test_questions_the_documents_do_not_answer_are_refused_without_citations(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.citations == []
    assert answer.answer.startswith("Maaf, saya tidak menemukan")


def test_a_follow_up_question_is_read_with_the_previous_one(assistant):
    assistant.ask("Dari mana biaya Penugasan Daerah?", chat_id="rapat-1")
    follow_up = assistant.ask("kalau dana pendamping?", chat_id="rapat-1")
    assert labels(follow_up)[0] == "CONTOH 5/2023 Pasal 3 ayat (2)"


def test_json_answers_have_the_documented_shape(settings):
    env = {"DATA_DIR": str(settings.data_dir), "PRIMARY_DOCUMENT": "CONTOH 5/2023", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "ask", "Siapa yang menetapkan keputusan pelaksanaan?", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"id", "question", "answer", "abstained", "mode", "citations", "retrieved", "timings_ms"} <= set(data)
    assert len(data["retrieved"]) == 10
    cit = data["citations"][0]
    assert set(cit) == {
        "doc",
        "title",
        "doc_type",
        "pasal",
        "ayat",
        "part",
        "label",
        "text",
        "source",
        "score",
        "status",
        "revoked_by",
        "amended_by",
        "page",
        "ocr_confidence",
    }
    assert (cit["doc"], cit["pasal"], cit["ayat"], cit["part"]) == ("CONTOH 5/2023", "2", "3", "batang_tubuh")
    assert set(data["timings_ms"]) == {"retrieve", "generate", "total"}


def test_batch_and_eval_commands(settings, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {
                    "id": "a",
                    "question": "Dari mana biaya Penugasan Daerah?",
                    "answerable": True,
                    "gold": [{"doc": "CONTOH 5/2023", "pasal": "3", "ayat": "1"}],
                },
                {"id": "b", "question": "Bagaimana cara mengurus paspor baru?", "answerable": False, "gold": []},
            ]
        )
    )
    env = {"DATA_DIR": str(settings.data_dir), "PRIMARY_DOCUMENT": "CONTOH 5/2023", "PATH": "/usr/bin:/bin"}
    batch = subprocess.run(
        [sys.executable, "-m", "knowledge", "ask", "--batch", str(questions), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert [line["abstained"] for line in lines] == [False, True]

    scored = subprocess.run(
        [sys.executable, "-m", "knowledge", "eval", str(questions), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    scores = json.loads(scored.stdout)["sets"]["q"]
    assert (scores["hit1"], scores["refusal_rate"], scores["false_refusal_rate"]) == (1.0, 1.0, 0.0)
    assert scores["fabricated"] == 0


def test_followups_command_lists_items_from_the_minutes(settings):
    env = {"DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "followups", "--json", "--unit", "Bappeda Provinsi Jawa Barat"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    items = json.loads(result.stdout)
    assert len(items) == 1
    item = items[0]
    assert set(item) == {"id", "text", "units", "due", "status", "computed_status", "days_late", "source"}
    assert item["due"] == "2024-06-30" and item["status"] == "baru"  # recorded; the computed one is terlambat
    assert item["computed_status"] == "terlambat" and item["days_late"] > 0
    assert item["source"]["label"].endswith("bagian Rekomendasi butir 2")


def test_a_question_nothing_answered_is_no_context_for_the_next(assistant):
    assistant.ask("Apa bunyi Pasal 45 Peraturan Contoh Nomor 5 Tahun 2023?", chat_id="rapat-2")
    follow_up = assistant.ask("kalau dana pendamping?", chat_id="rapat-2")
    assert "Pasal 45" not in follow_up.answer
    assert follow_up.standalone_question is None


def test_conversation_context_survives_a_restart(settings):
    Assistant(KnowledgeStore(settings), settings).ask("Dari mana biaya Penugasan Daerah?", chat_id="rapat-3")
    restarted = Assistant(KnowledgeStore(settings), settings)
    follow_up = restarted.ask("kalau dana pendamping?", chat_id="rapat-3")
    assert "Dari mana biaya Penugasan Daerah?" in (follow_up.standalone_question or "")
    assert labels(follow_up)[0] == "CONTOH 5/2023 Pasal 3 ayat (2)"

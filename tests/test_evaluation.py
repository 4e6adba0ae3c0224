"""`python -m knowledge eval`: how question sets are scored (text gold, wrong-regulation answers, refusal margins)
and the command run on several sets at once, conversation cases included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from answer_corpus import build

from knowledge.index.store import KnowledgeStore
from knowledge.operations.chat_state import ChatState
from knowledge.search.answer import ANSWER_THRESHOLD
from knowledge.search.conversation import Conversations
from knowledge.search.evaluation import (
    first_rank,
    load_items,
    matches,
    names_document,
    refusal_margins,
    score,
    wrong_regulation_citations,
)

ROOT = Path(__file__).resolve().parent.parent


def passage(doc: str, pasal: str | None = None, ayat: str | None = None, text: str = "") -> dict[str, Any]:
    label = f"{doc} Pasal {pasal}" + (f" ayat ({ayat})" if ayat else "") if pasal else doc
    return {"doc": doc, "pasal": pasal, "ayat": ayat, "part": "batang_tubuh", "label": label, "text": text}


def result(
    retrieved: list[dict[str, Any]],
    cited: list[dict[str, Any]] | None = None,
    abstained: bool = False,
    confidence: float | None = None,
) -> dict[str, Any]:
    return {
        "abstained": abstained,
        "citations": [] if abstained else (retrieved[:1] if cited is None else cited),
        "retrieved": retrieved,
        "confidence": confidence,
        "timings_ms": {"retrieve": 10.0, "generate": 1.0, "total": 11.0},
    }


def every_article_exists(doc: str, pasal: str, ayat: str | None) -> bool:
    return True


# --- text gold -----------------------------------------------------------------------------------------


def test_text_gold_matches_a_passage_containing_the_snippet_whatever_the_case_and_spacing():
    minutes = passage("Notulen Rakor", text="Hari/Tanggal: Selasa\nTempat:   Hotel\tAsmira,\n  Bandung")
    assert matches(minutes, {"text": "hotel ASMIRA, bandung"})
    assert matches(minutes, {"text": "  Hotel\n\nAsmira  "})
    assert not matches(minutes, {"text": "Hotel Asmira, Jakarta"})
    assert not matches(minutes, {"text": "   "})  # an empty snippet would match everything
    assert not matches(passage("Notulen Rakor"), {"text": "Hotel Asmira"})  # no text at all
    other = passage("CONTOH 5/2023", "4", text="Gubernur melaporkan setiap triwulan.")
    assert first_rank([other, minutes], [{"text": "Tempat: hotel asmira"}]) == 2


def test_text_gold_counts_toward_hits_and_mrr_but_ayat_hits_only_count_article_gold():
    minutes = passage("Notulen Rakor", text="Tempat: Hotel Asmira, Bandung")
    pasal_3_1 = passage("CONTOH 5/2023", "3", "1", text="Penugasan Daerah dibiayai dari anggaran kementerian.")
    pasal_3_2 = passage("CONTOH 5/2023", "3", "2", text="Tidak wajib menyediakan dana pendamping.")
    items = [
        {"id": "t", "question": "Di mana rakor diadakan?", "answerable": True, "gold": [{"text": "hotel  asmira"}]},
        {
            "id": "a",
            "question": "Dana pendamping?",
            "answerable": True,
            "gold": [{"doc": "CONTOH 5/2023", "pasal": "3", "ayat": "2"}],
        },
        {"id": "x", "question": "Dari mana biayanya?", "answerable": True, "gold": [{"text": "tidak ada di mana pun"}]},
    ]
    results = [result([pasal_3_1, minutes]), result([pasal_3_1, pasal_3_2]), result([pasal_3_1])]
    scores = score(items, results, every_article_exists)
    assert (scores.hit1, scores.hit5) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert scores.mrr10 == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    # Only "a" has article gold; its ayat (2) is second in the list, inside the first five.
    assert (scores.ayat_questions, scores.ayat_hit5) == (1, 1.0)
    assert {m["id"]: m["why"] for m in scores.misses} == {"t": "rank 2", "x": "not in the top 10"}


def test_rates_of_an_empty_kind_are_none_not_zero():
    items = [{"id": "u", "question": "Cara memasak nasi goreng?", "answerable": False}]
    scores = score(items, [result([], abstained=True)], every_article_exists)
    assert (scores.answerable, scores.unanswerable, scores.refusal_rate) == (0, 1, 1.0)
    assert scores.hit1 is None and scores.mrr10 is None and scores.false_refusal_rate is None
    assert scores.ayat_hit5 is None and scores.ayat_questions == 0


# --- wrong regulation ----------------------------------------------------------------------------------


def test_an_answer_citing_the_asked_article_number_of_another_regulation_is_a_wrong_regulation():
    question = "Apa bunyi Pasal 27 UU ITE?"
    other = passage("PP 19/2022", "27", text="...")
    assert wrong_regulation_citations(question, result([other])) == ["PP 19/2022 Pasal 27"]

    items = [
        {"id": "ite", "question": question, "answerable": False},
        {
            "id": "pp",
            "question": "Apa isi pasal 7 ayat (5) PP Nomor 19 Tahun 2022?",
            "answerable": True,
            "gold": [{"doc": "PP 19/2022", "pasal": "7"}],
        },
    ]
    results = [result([other]), result([passage("PP 19/2022", "7", "5")])]
    scores = score(items, results, every_article_exists)
    assert scores.wrong_regulation == 1
    assert {"id": "ite", "why": "wrong regulation", "question": question, "cited": ["PP 19/2022 Pasal 27"]} in (
        scores.misses
    )


@pytest.mark.parametrize(
    ("question", "cited"),
    [
        ("Apa bunyi pasal 27 uu ite?", passage("UU 23/2014", "27")),
        ("Berapa tarif PPh pasal 23 untuk jasa?", passage("PP 19/2022", "23")),
        ("Pasal 5 Permendagri 13/2019 mengatur apa?", passage("PERMENDAGRI 90/2019", "5")),
        ("Pasal 7 PP 19/2022 dan Pasal 9 UU 23/2014", passage("PP 7/2008", "9")),
        ("Pasal 7 Peraturan Contoh Nomor 4 Tahun 2010", passage("CONTOH 5/2023", "7")),
    ],
)
def test_wrong_regulations_are_caught_however_the_regulation_is_named(question, cited):
    assert wrong_regulation_citations(question, result([cited])) == [cited["label"]]


@pytest.mark.parametrize(
    ("question", "cited", "abstained"),
    [
        ("Apa bunyi Pasal 27 UU ITE?", passage("PP 19/2022", "27"), True),  # refused: nothing was claimed
        ("Apa bunyi Pasal 27 UU ITE?", passage("PP 19/2022", "28"), False),  # another number entirely
        ("Apa bunyi pasal 27?", passage("PP 19/2022", "27"), False),  # no regulation named
        ("Pasal 27 peraturan apa yang mengatur sanksi?", passage("PP 19/2022", "27"), False),
        ("Pasal 7 PP 19/2022 mengatur apa?", passage("PP 19/2022", "7"), False),
        ("pasal 7 pp 19 tahun 2022", passage("PP 19/2022", "7"), False),
        ("Pasal 7 Peraturan Pemerintah Nomor 19 Tahun 2022", passage("PP 19/2022", "7"), False),
        ("bunyi pasal 7 pp 19 2022", passage("PP 19/2022", "7"), False),
        ("Bunyi Pasal 5A Permendagri 13/2019?", passage("PERMENDAGRI 13/2019", "5A"), False),
    ],
)
def test_no_wrong_regulation_without_a_claim_about_another_regulation(question, cited, abstained):
    assert wrong_regulation_citations(question, result([cited], abstained=abstained)) == []


def test_the_document_number_must_appear_whole_in_the_question():
    assert names_document("Pasal 7 PP 19/2022", "PP 19/2022")
    assert names_document("pasal 7 PP No. 19 Thn 2022", "PP 19/2022")
    assert not names_document("Pasal 7 PP 119/2022", "PP 19/2022")
    assert not names_document("Pasal 7 PP 19/20221", "PP 19/2022")
    assert not names_document("Pasal 7 PP 19/2021", "PP 19/2022")
    assert wrong_regulation_citations("Pasal 7 PP 119/2022", result([passage("PP 19/2022", "7")])) == [
        "PP 19/2022 Pasal 7"
    ]


def test_a_conversation_that_named_the_regulation_earlier_is_judged_on_all_its_turns():
    items = [{"id": "c", "turns": ["Apa bunyi Pasal 3 UU 11/2008?", "dan pasal 4?"], "answerable": False}]
    # The last turn names no regulation; the first does, and the answer cites Pasal 4 of another one.
    scores = score(items, [result([passage("CONTOH 5/2023", "4")])], every_article_exists)
    assert scores.wrong_regulation == 1
    assert scores.misses[0]["question"] == "dan pasal 4?"


# --- refusal margins -----------------------------------------------------------------------------------


def test_refusal_margins_describe_each_side_of_the_threshold():
    confidences = {"a1": 0.52, "a2": 0.9, "a3": 0.3, "a4": None, "u1": 0.1, "u2": 0.47, "u3": 0.6, "u4": None}
    items = [{"id": k, "question": f"q {k}", "answerable": k.startswith("a")} for k in confidences]
    results = [result([], abstained=(c or 0) < 0.5, confidence=c) for c in confidences.values()]
    margins, wrong_side = refusal_margins(items, results, threshold=0.5)
    assert margins["threshold"] == 0.5
    assert margins["answerable"] == {
        "scored": 3,
        "lowest": 0.3,
        "p10": pytest.approx(0.344),
        "near_threshold": 1,
        "wrong_side": 1,
    }
    assert margins["unanswerable"] == {
        "scored": 3,
        "highest": 0.6,
        "p90": pytest.approx(0.574),
        "near_threshold": 1,
        "wrong_side": 1,
    }
    assert [(w["id"], w["confidence"]) for w in wrong_side] == [("a3", 0.3), ("u3", 0.6)]
    assert wrong_side[0]["why"] == "answerable, below threshold"


def test_refusal_margins_use_the_product_threshold_and_tolerate_missing_confidence():
    items = [{"id": "a", "question": "q", "answerable": True}, {"id": "b", "question": "q", "answerable": True}]
    exactly = result([], confidence=ANSWER_THRESHOLD)
    no_key = result([])
    no_key.pop("confidence")
    margins, wrong_side = refusal_margins(items, [exactly, no_key])
    # At the threshold is answered, so not on the wrong side, but as near as it gets.
    assert margins["threshold"] == ANSWER_THRESHOLD
    assert margins["answerable"]["scored"] == 1 and margins["answerable"]["near_threshold"] == 1
    assert wrong_side == [] and margins["unanswerable"]["highest"] is None


# --- input ---------------------------------------------------------------------------------------------


def test_a_bad_line_is_reported_with_its_file_and_line_number(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "question": "Apa itu GWPP?"}\n\n{"id": "b", "turns": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"set\.jsonl:3: .*turns"):
        load_items(path)
    path.write_text('{"id": "a", "question": "Apa itu GWPP?"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"set\.jsonl:1: not JSON"):
        load_items(path)


# --- the command ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    base = tmp_path_factory.mktemp("evaluation")
    return build(base / "data", base / "docs")


def write_set(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return path


def run_eval(settings, *args: str) -> subprocess.CompletedProcess:
    env = {"DATA_DIR": str(settings.data_dir), "PRIMARY_DOCUMENT": "CONTOH 5/2023", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "eval", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def test_eval_scores_several_sets_with_text_gold_and_a_conversation(settings, tmp_path):
    articles = write_set(
        tmp_path / "articles.jsonl",
        [
            {
                "id": "a1",
                "question": "Dari mana biaya Penugasan Daerah?",
                "answerable": True,
                "gold": [{"doc": "CONTOH 5/2023", "pasal": "3", "ayat": "1"}],
            },
            {
                "id": "a2",
                "question": "Apa bunyi Pasal 2 Peraturan Contoh Nomor 5 Tahun 2023?",
                "answerable": True,
                "gold": [{"doc": "CONTOH 5/2023", "pasal": "2"}],
            },
            {"id": "a3", "question": "Bagaimana cara mengurus paspor baru?", "answerable": False, "gold": []},
        ],
    )
    meetings = write_set(
        tmp_path / "meetings.jsonl",
        [
            {
                "id": "m1",
                "question": "Siapa yang harus melatih operator aplikasi pelaporan terpadu?",
                "answerable": True,
                "gold": [{"text": "melatih   OPERATOR aplikasi\npelaporan"}],
            },
            # Asked alone, "apakah masih berlaku?" finds the closing articles of the regulation in force; only read
            # with the first turn does it find the revoked regulation's sanction.
            {
                "id": "conv-1",
                "turns": ["Apa sanksi bagi dinas yang lalai menyampaikan laporan pelimpahan?", "apakah masih berlaku?"],
                "answerable": True,
                "gold": [{"doc": "CONTOH 4/2010", "pasal": "1"}],
            },
        ],
    )
    run = run_eval(settings, str(articles), str(meetings), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"sets", "all", "startup_to_first_answer_ms"}
    assert list(data["sets"]) == ["articles", "meetings"]
    assert data["startup_to_first_answer_ms"] > 0

    first, second, everything = data["sets"]["articles"], data["sets"]["meetings"], data["all"]
    assert (first["questions"], first["answerable"], first["unanswerable"]) == (3, 2, 1)
    assert (first["hit1"], first["ayat_hit5"], first["refusal_rate"], first["false_refusal_rate"]) == (1, 1, 1, 0)
    assert (second["questions"], second["answerable"], second["unanswerable"]) == (2, 2, 0)
    assert (second["hit1"], second["mrr10"], second["refusal_rate"]) == (1.0, 1.0, None)
    assert second["ayat_questions"] == 1  # the conversation's article gold; the text gold has no ayat
    assert (everything["questions"], everything["answerable"], everything["hit1"]) == (5, 4, 1.0)
    for scores in (first, second, everything):
        assert (scores["fabricated"], scores["wrong_regulation"]) == (0, 0)
        assert scores["margins"]["threshold"] == ANSWER_THRESHOLD
        assert scores["latency_ms"]["total_p95"] >= scores["latency_ms"]["total_p50"] > 0
        assert "misses" not in scores
    # Eval leaves no conversation behind.
    assert ChatState(KnowledgeStore(settings).sessions).all(Conversations.SCOPE) == {}


def test_eval_prints_each_set_then_all_sets_and_lists_misses(settings, tmp_path):
    found = write_set(
        tmp_path / "found.jsonl",
        [
            {
                "id": "f1",
                "question": "Dari mana biaya Penugasan Daerah?",
                "answerable": True,
                "gold": [{"doc": "CONTOH 5/2023", "pasal": "3"}],
            },
        ],
    )
    missed = write_set(
        tmp_path / "missed.jsonl",
        [
            {
                "id": "x1",
                "question": "Dari mana biaya Penugasan Daerah?",
                "answerable": True,
                "gold": [{"text": "kalimat yang tidak ada di dokumen mana pun"}],
            },
        ],
    )
    run = run_eval(settings, str(found), str(missed), "--misses")
    assert run.returncode == 0, run.stderr
    blocks = run.stdout.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        "== found (1 question) ==",
        "== missed (1 question) ==",
        "== all sets (2 questions) ==",
    ]
    assert "hit@1 1.000" in blocks[0] and "hit@1 0.000" in blocks[1] and "hit@1 0.500" in blocks[2]
    assert '"id": "x1", "why": "not in the top 10"' in blocks[1] and '"x1"' not in blocks[2]
    assert "wrong regulation 0" in blocks[2] and "start-up to first answer" in blocks[2]


def test_eval_rejects_a_bad_file_before_asking_anything(settings, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    run = run_eval(settings, str(bad))
    assert run.returncode == 2
    assert "bad.jsonl:1" in run.stderr and run.stdout == ""

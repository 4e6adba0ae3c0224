"""Scoring question sets in the format of the project's eval files (see `python -m knowledge eval --help`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.operations.chat_state import ChatState
from knowledge.search.answer import ANSWER_THRESHOLD
from knowledge.search.conversation import Conversations

# Confidences this close to the threshold would flip with a small recalibration.
NEAR_THRESHOLD = 0.05

ArticleExists = Callable[[str, str, str | None], bool]


# --- items ---------------------------------------------------------------------------------------------


def load_items(path: Path) -> list[dict[str, Any]]:
    """The items of one JSON-lines file; a bad line raises ValueError naming the file and line."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 may sit in a string
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not (
            isinstance(item.get("question"), str)
            or (isinstance(turns, list) and turns and all(isinstance(t, str) for t in turns))
        ):
            raise ValueError(f'{path}:{number}: needs a "question" string or a non-empty "turns" list')
        items.append(item)
    return items


def question_of(item: dict[str, Any]) -> str:
    """The question whose answer is scored: the last turn of a conversation case."""
    return item["turns"][-1] if item.get("turns") else item["question"]


def asked_text(item: dict[str, Any]) -> str:
    """Everything the user wrote; in a conversation an earlier turn may name the regulation the last one means."""
    return " ".join(item["turns"]) if item.get("turns") else item["question"]


def answer_item(assistant: Any, item: dict[str, Any], number: int) -> dict[str, Any]:
    """Ask one item (a conversation turn by turn, in its own chat) and return the scored answer's JSON."""
    turns = item.get("turns")
    if not turns:
        return assistant.ask(item["question"]).to_json()
    key = f"eval:{item.get('id', number)}"
    state = ChatState(assistant.store.sessions)
    # Cleared before as well as after: an interrupted earlier run must not lend this case its context.
    state.delete(Conversations.SCOPE, key)
    try:
        for turn in turns[:-1]:
            assistant.ask(turn, chat_id=key)
        return assistant.ask(turns[-1], chat_id=key).to_json()
    finally:
        state.delete(Conversations.SCOPE, key)


# --- matching ------------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(citation: dict[str, Any], gold: dict[str, Any]) -> bool:
    if "text" in gold:
        snippet = normalize_text(gold["text"])
        return bool(snippet) and snippet in normalize_text(citation.get("text") or "")
    if citation.get("doc") != gold.get("doc"):
        return False
    if gold.get("part") == "penjelasan_umum":
        return citation.get("part") == "penjelasan_umum"
    return str(citation.get("pasal")) == str(gold.get("pasal"))


def is_article_gold(gold: dict[str, Any]) -> bool:
    return "text" not in gold


def matches_ayat(citation: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Article gold only: a text snippet says nothing about which ayat answers."""
    return (
        is_article_gold(gold)
        and matches(citation, gold)
        and (gold.get("ayat") is None or str(citation.get("ayat")) == str(gold.get("ayat")))
    )


def first_rank(
    retrieved: list[dict[str, Any]],
    golds: list[dict[str, Any]],
    match: Callable[[dict[str, Any], dict[str, Any]], bool] = matches,
) -> int | None:
    for rank, citation in enumerate(retrieved, start=1):
        if any(match(citation, g) for g in golds):
            return rank
    return None


# --- wrong regulation ----------------------------------------------------------------------------------

_PASAL = re.compile(r"\bpasal\s+(\d+[a-z]?)", re.IGNORECASE)
# Deliberately independent of the product's own reference detection (knowledge/search/references.py): this is the
# check of that code, so it must not share its blind spots. "peraturan apa/ini/..." names nothing.
_REGULATION_NAME = re.compile(
    r"\b(?:uu|pp|perpres|perppu|perpu|permen\w*|pmk|kepmen\w*|keppres|inpres|perda|perkada|kuh\w*|pph|ppn|gdpr|"
    r"undang-undang|peraturan\s+(?!apa\b|mana\b|yang\b|ini\b|itu\b|tersebut\b|tsb\b|terkait\b|tentang\b|"
    r"lain\w*\b|baru\b|lama\b)\w+)\b"
    r"|(?<!\d)\d+[a-z]?\s*/\s*\d{4}(?!\d)"
    r"|\bno(?:mor|\.)?\s*\d+[a-z]?\s+tahun\s+\d{4}\b",
    re.IGNORECASE,
)
_DOC_NUMBER = re.compile(r"(\d+[a-z]?)\s*/\s*(\d{4})", re.IGNORECASE)


def asked_pasals(question: str) -> set[str]:
    """The article numbers a question names, when it also names some regulation; else nothing."""
    if not _REGULATION_NAME.search(question):
        return set()
    return {m.casefold() for m in _PASAL.findall(question)}


def names_document(question: str, doc: str) -> bool:
    """Whether the question names `doc` ("PP 19/2022") by its number and year ("19/2022", "19 tahun 2022")."""
    found = _DOC_NUMBER.search(doc)
    if found is None:
        # A document without a number (a set of minutes, "KUHP"): only its own name can name it.
        return normalize_text(doc) in normalize_text(question)
    number, year = (re.escape(part) for part in found.groups())
    pattern = rf"(?<!\d){number}\s*(?:/|\s+(?:tahun|thn|th\.?)\s*|\s+){year}(?!\d)"
    return re.search(pattern, question, re.IGNORECASE) is not None


def wrong_regulation_citations(question: str, result: dict[str, Any]) -> list[str]:
    """Labels of cited passages that carry an article number the question asked for, but of a regulation the
    question did not name: "Pasal 27 UU ITE" answered with Pasal 27 of something else."""
    if result.get("abstained"):
        return []
    pasals = asked_pasals(question)
    if not pasals:
        return []
    return [
        c.get("label") or f"{c.get('doc')} Pasal {c.get('pasal')}"
        for c in result.get("citations") or []
        if c.get("pasal") and str(c["pasal"]).casefold() in pasals and not names_document(question, c.get("doc") or "")
    ]


# --- refusal margins -----------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


def refusal_margins(
    items: list[dict[str, Any]], results: list[dict[str, Any]], threshold: float = ANSWER_THRESHOLD
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """How far answerable questions sit above the threshold and unanswerable ones below it, and the questions
    on the wrong side. Results without a confidence (look-ups, small talk) took no such decision: skipped."""
    answerable: list[float] = []
    unanswerable: list[float] = []
    wrong_side = []
    for item, result in zip(items, results, strict=True):
        confidence = result.get("confidence")
        if confidence is None:
            continue
        should_answer = bool(item.get("answerable", True))
        (answerable if should_answer else unanswerable).append(confidence)
        if should_answer != (confidence >= threshold):
            wrong_side.append(
                {
                    "id": item.get("id"),
                    "why": "answerable, below threshold" if should_answer else "unanswerable, above threshold",
                    "confidence": confidence,
                    "question": question_of(item),
                }
            )

    def near(values: list[float]) -> int:
        # The rounding margin keeps a confidence of exactly threshold ± 0.05 inside despite float error.
        return sum(abs(v - threshold) <= NEAR_THRESHOLD + 1e-9 for v in values)

    margins = {
        "threshold": threshold,
        "answerable": {
            "scored": len(answerable),
            "lowest": min(answerable) if answerable else None,
            "p10": _percentile(answerable, 10),
            "near_threshold": near(answerable),
            "wrong_side": sum(v < threshold for v in answerable),
        },
        "unanswerable": {
            "scored": len(unanswerable),
            "highest": max(unanswerable) if unanswerable else None,
            "p90": _percentile(unanswerable, 90),
            "near_threshold": near(unanswerable),
            "wrong_side": sum(v >= threshold for v in unanswerable),
        },
    }
    return margins, wrong_side


# --- scores --------------------------------------------------------------------------------------------


@dataclass
class EvalScores:
    questions: int
    answerable: int
    unanswerable: int
    # Rates are None when the set holds no question they are a share of (a refusal set has no hit@1).
    hit1: float | None
    hit5: float | None
    ayat_hit5: float | None
    ayat_questions: int  # answerable questions with article gold: the denominator of ayat_hit5
    mrr10: float | None
    refusal_rate: float | None
    false_refusal_rate: float | None
    fabricated: int
    wrong_regulation: int
    margins: dict[str, Any]
    latency_ms: dict[str, float]
    misses: list[dict[str, Any]]
    wrong_side: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _share(count: float, total: int) -> float | None:
    return count / total if total else None


def score(
    items: list[dict[str, Any]],
    results: list[dict[str, Any]],
    article_exists: ArticleExists,
    threshold: float = ANSWER_THRESHOLD,
) -> EvalScores:
    """`article_exists(doc, pasal, ayat)` says whether a cited article is real (fabrication check)."""
    hit1 = hit5 = ayat5 = ayat_questions = refused = false_refused = fabricated = wrong_regulation = 0
    rr = 0.0
    answerable = unanswerable = 0
    misses = []
    for item, result in zip(items, results, strict=True):
        retrieved = result["retrieved"][:10]
        question = question_of(item)
        for citation in result["citations"]:
            if citation.get("pasal") and not article_exists(citation["doc"], citation["pasal"], citation.get("ayat")):
                fabricated += 1
        wrong = wrong_regulation_citations(asked_text(item), result)
        if wrong:
            wrong_regulation += 1
            misses.append({"id": item.get("id"), "why": "wrong regulation", "question": question, "cited": wrong})
        if not item.get("answerable", True):
            unanswerable += 1
            refused += bool(result["abstained"])
            if not result["abstained"]:
                misses.append({"id": item.get("id"), "why": "not refused", "question": question})
            continue
        answerable += 1
        false_refused += bool(result["abstained"])
        golds = item.get("gold") or []
        rank = first_rank(retrieved, golds)
        if rank == 1:
            hit1 += 1
        if rank and rank <= 5:
            hit5 += 1
        if rank:
            rr += 1.0 / rank
        if any(is_article_gold(g) for g in golds):
            ayat_questions += 1
            ayat_rank = first_rank(retrieved, golds, matches_ayat)
            if ayat_rank and ayat_rank <= 5:
                ayat5 += 1
        if rank != 1 or result["abstained"]:
            misses.append(
                {
                    "id": item.get("id"),
                    "why": "refused" if result["abstained"] else (f"rank {rank}" if rank else "not in the top 10"),
                    "question": question,
                    "gold": golds,
                    "top": [c["label"] for c in retrieved[:3]],
                }
            )
    margins, wrong_side = refusal_margins(items, results, threshold)
    latencies = np.array([r["timings_ms"]["retrieve"] for r in results] or [0.0])
    totals = np.array([r["timings_ms"]["total"] for r in results] or [0.0])
    return EvalScores(
        questions=len(items),
        answerable=answerable,
        unanswerable=unanswerable,
        hit1=_share(hit1, answerable),
        hit5=_share(hit5, answerable),
        ayat_hit5=_share(ayat5, ayat_questions),
        ayat_questions=ayat_questions,
        mrr10=_share(rr, answerable),
        refusal_rate=_share(refused, unanswerable),
        false_refusal_rate=_share(false_refused, answerable),
        fabricated=fabricated,
        wrong_regulation=wrong_regulation,
        margins=margins,
        latency_ms={
            "retrieve_p50": round(float(np.percentile(latencies, 50)), 1),
            "retrieve_p95": round(float(np.percentile(latencies, 95)), 1),
            "total_p50": round(float(np.percentile(totals, 50)), 1),
            "total_p95": round(float(np.percentile(totals, 95)), 1),
        },
        misses=misses,
        wrong_side=wrong_side,
    )


# --- report --------------------------------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def report_lines(scores: EvalScores, with_misses: bool = False) -> Iterable[str]:
    """The human-readable figures of one set (or of all sets together)."""
    yield f"answerable: {scores.answerable}, unanswerable: {scores.unanswerable}"
    yield (
        f"hit@1 {_rate(scores.hit1)}  hit@5 {_rate(scores.hit5)}  "
        f"ayat hit@5 {_rate(scores.ayat_hit5)} (of {scores.ayat_questions} with article gold)  "
        f"MRR@10 {_rate(scores.mrr10)}"
    )
    yield (
        f"refusal rate {_rate(scores.refusal_rate)}  false refusals {_rate(scores.false_refusal_rate)}  "
        f"fabricated citations {scores.fabricated}  wrong regulation {scores.wrong_regulation}"
    )
    m = scores.margins
    yes, no = m["answerable"], m["unanswerable"]
    near = f"within {NEAR_THRESHOLD} of {m['threshold']:.2f}"
    yield (
        f"confidence, answerable ({yes['scored']}): lowest {_rate(yes['lowest'])}, p10 {_rate(yes['p10'])}, "
        f"{yes['near_threshold']} {near}, {yes['wrong_side']} below it"
    )
    yield (
        f"confidence, unanswerable ({no['scored']}): highest {_rate(no['highest'])}, p90 {_rate(no['p90'])}, "
        f"{no['near_threshold']} {near}, {no['wrong_side']} at or above it"
    )
    lat = scores.latency_ms
    yield (
        f"retrieval p50 {lat['retrieve_p50']:.1f} ms, p95 {lat['retrieve_p95']:.1f} ms; "
        f"answer p50 {lat['total_p50']:.1f} ms, p95 {lat['total_p95']:.1f} ms"
    )
    if with_misses:
        for miss in scores.misses + scores.wrong_side:
            yield json.dumps(miss, ensure_ascii=False)

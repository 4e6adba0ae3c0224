"""Scoring a question set in the format of the project's eval files (see `python -m knowledge eval --help`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def matches(citation: dict[str, Any], gold: dict[str, Any]) -> bool:
    if citation.get("doc") != gold.get("doc"):
        return False
    if gold.get("part") == "penjelasan_umum":
        return citation.get("part") == "penjelasan_umum"
    return str(citation.get("pasal")) == str(gold.get("pasal"))


def matches_ayat(citation: dict[str, Any], gold: dict[str, Any]) -> bool:
    return matches(citation, gold) and (
        gold.get("ayat") is None or str(citation.get("ayat")) == str(gold.get("ayat"))
    )


def first_rank(retrieved: list[dict[str, Any]], golds: list[dict[str, Any]], match=matches) -> int | None:
    for rank, citation in enumerate(retrieved, start=1):
        if any(match(citation, g) for g in golds):
            return rank
    return None


@dataclass
class EvalScores:
    answerable: int
    unanswerable: int
    hit1: float
    hit5: float
    ayat_hit5: float
    mrr10: float
    refusal_rate: float
    false_refusal_rate: float
    fabricated: int
    latency_ms: dict[str, float]
    misses: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return self.__dict__


def score(items: list[dict[str, Any]], results: list[dict[str, Any]], article_exists) -> EvalScores:
    """`article_exists(doc, pasal, ayat)` says whether a cited article is real (fabrication check)."""
    hit1 = hit5 = ayat5 = rr = refused = false_refused = fabricated = 0
    answerable = unanswerable = 0
    misses = []
    for item, result in zip(items, results, strict=True):
        retrieved = result["retrieved"][:10]
        for citation in result["citations"]:
            if citation.get("pasal") and not article_exists(
                citation["doc"], citation["pasal"], citation.get("ayat")
            ):
                fabricated += 1
        if not item.get("answerable", True):
            unanswerable += 1
            refused += bool(result["abstained"])
            if not result["abstained"]:
                misses.append({"id": item.get("id"), "why": "not refused", "question": item["question"]})
            continue
        answerable += 1
        false_refused += bool(result["abstained"])
        rank = first_rank(retrieved, item["gold"])
        if rank == 1:
            hit1 += 1
        if rank and rank <= 5:
            hit5 += 1
        if rank:
            rr += 1.0 / rank
        ayat_rank = first_rank(retrieved, item["gold"], matches_ayat)
        if ayat_rank and ayat_rank <= 5:
            ayat5 += 1
        if rank != 1 or result["abstained"]:
            misses.append(
                {
                    "id": item.get("id"),
                    "why": "refused" if result["abstained"] else f"rank {rank}",
                    "question": item["question"],
                    "gold": item["gold"],
                    "top": [c["label"] for c in retrieved[:3]],
                }
            )
    latencies = np.array([r["timings_ms"]["retrieve"] for r in results] or [0.0])
    totals = np.array([r["timings_ms"]["total"] for r in results] or [0.0])
    n = max(answerable, 1)
    return EvalScores(
        answerable=answerable,
        unanswerable=unanswerable,
        hit1=hit1 / n,
        hit5=hit5 / n,
        ayat_hit5=ayat5 / n,
        mrr10=rr / n,
        refusal_rate=refused / max(unanswerable, 1),
        false_refusal_rate=false_refused / n,
        fabricated=fabricated,
        latency_ms={
            "retrieve_p50": float(np.percentile(latencies, 50)),
            "retrieve_p95": float(np.percentile(latencies, 95)),
            "total_p50": float(np.percentile(totals, 50)),
            "total_p95": float(np.percentile(totals, 95)),
        },
        misses=misses,
    )

"""Whether the retrieved passages answer the question: one confidence from signals that survive rewording.

No single signal carries the decision. The e5 cosine of the nearest passage is high for almost any
Indonesian question about law, answerable or not; word overlap alone punishes chat wording. So the decision
combines several, each measured on the question once it has been normalised (`knowledge.search.informal`):

- coverage: the rarity-weighted share of the question's content words that the best of the top passages
  contains (and the first passage alone). Chat particles and stop words are gone before it is computed, and
  field abbreviations are expanded, so "dana dekon dr mana sih?" is measured as "dana dekonsentrasi dari
  mana". Words the corpus has never seen weigh most: "visa", "diabetes" or "kripto" pull coverage down.
- agreement: whether the dense (meaning) and keyword rankings both put the chosen passage near the top.
- dense similarity of the nearest passage.

They are combined by a logistic model whose weights were fitted on all four development sets together
(`benchmarks/calibrate_refusal.py` refits them and prints the margins and the cross-validated figures);
questions naming a regulation we do not hold never get here (`knowledge.search.references`).
"""

from __future__ import annotations

import math

from knowledge.search.retrieval import Retrieval

ANSWER_THRESHOLD = 0.5
DEFINED_TERM_CONFIDENCE = 0.9
NUMBER_MISSING_FACTOR = 0.3

FEATURES = ("coverage", "top_coverage", "dense_agrees", "lexical_agrees")
# Fitted by benchmarks/calibrate_refusal.py (see its output in benchmarks/README.md).
WEIGHTS = {"coverage": 9.364, "top_coverage": 7.215, "dense_agrees": 2.460, "lexical_agrees": 1.494}
BIAS = -11.667


def features(retrieval: Retrieval) -> dict[str, float]:
    return {
        "coverage": retrieval.coverage,
        "top_coverage": retrieval.top_coverage,
        "dense_agrees": 1.0 / (1 + retrieval.dense_rank),
        "lexical_agrees": 1.0 / (1 + retrieval.lexical_rank),
    }


def answer_confidence(retrieval: Retrieval) -> float:
    """The probability that the top passages answer the question."""
    value = confidence(features(retrieval), WEIGHTS, BIAS)
    if retrieval.asks_number and not retrieval.has_number:
        # "Berapa jumlah peserta?" and no figure in any of the top passages: they cannot hold the answer,
        # however well they match its words (an answer-type check, too rare in the sets to be fitted).
        value *= NUMBER_MISSING_FACTOR
    if retrieval.defined:
        # "Apa itu X?" where a regulation says "X adalah ...": that article is the answer, however the
        # question was worded around the term.
        value = max(value, DEFINED_TERM_CONFIDENCE)
    return value


def confidence(values: dict[str, float], weights: dict[str, float], bias: float) -> float:
    z = bias + sum(weights[name] * values[name] for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))

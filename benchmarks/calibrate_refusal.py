"""Fit the refusal model (`knowledge/search/refusal.py`) on question sets and print how well it separates them.

    DATA_DIR=DIR python benchmarks/calibrate_refusal.py SET.jsonl [SET.jsonl ...] [--write]

Every question whose answer is decided by the confidence (not a look-up of a named article, not a named
regulation we do not hold, not small talk) gives one row of features and a label (answerable or not). A
class-balanced logistic regression with a small L2 penalty is fitted on all sets together. The script prints
the weights, the refusal figures per set with those weights, the same when each set is left out of the fit
(how the model does on questions it has not seen), and the margins: where the closest questions of each kind
lie. `--write` puts the fitted weights into knowledge/search/refusal.py.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.config import get_settings  # noqa: E402
from knowledge.index.store import KnowledgeStore  # noqa: E402
from knowledge.search.answer import Assistant  # noqa: E402
from knowledge.search.refusal import ANSWER_THRESHOLD, FEATURES, features  # noqa: E402

L2 = 0.05


def rows_for(assistant: Assistant, path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        question = item["turns"][-1] if "turns" in item else item["question"]
        if assistant._small_talk(question) is not None or assistant._followup_answer(question) is not None:
            continue
        retrieval = assistant.retriever.search(question)
        if (
            any(not ref.docs for ref in retrieval.doc_refs)
            or any(h.exact for h in retrieval.hits)
            or (retrieval.missing_articles)
        ):
            continue  # decided by the named document or article, not by the confidence
        if not retrieval.hits:
            continue
        values = features(retrieval)
        rows.append(
            {
                "set": path.stem,
                "id": item.get("id"),
                "question": question,
                "answerable": bool(item.get("answerable", True)),
                "x": [values[name] for name in FEATURES],
            }
        )
    return rows


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by Newton's method (a few features, a few hundred rows)."""
    weights = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * L2
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (weights * (p - y)) + penalty @ beta
        hessian = design.T @ (design * (weights * p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def predict(x: np.ndarray, coef: np.ndarray, bias: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ coef + bias)))


def report(rows: list[dict], probabilities: np.ndarray, title: str) -> None:
    print(f"\n{title}")
    for name in sorted({r["set"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        ans = [i for i in idx if rows[i]["answerable"]]
        una = [i for i in idx if not rows[i]["answerable"]]
        false_refusals = sum(probabilities[i] < ANSWER_THRESHOLD for i in ans)
        answered = sum(probabilities[i] >= ANSWER_THRESHOLD for i in una)
        print(
            f"  {name:<16} answerable {len(ans):>3}: refused {false_refusals:>2}"
            f" | unanswerable {len(una):>3}: answered {answered:>2}"
        )


def margins(rows: list[dict], probabilities: np.ndarray) -> None:
    ans = sorted((probabilities[i], r["set"], r["question"]) for i, r in enumerate(rows) if r["answerable"])
    una = sorted(
        ((probabilities[i], r["set"], r["question"]) for i, r in enumerate(rows) if not r["answerable"]),
        reverse=True,
    )
    print(f"\nmargins around the threshold {ANSWER_THRESHOLD}:")
    print("  lowest answerable:")
    for p, name, question in ans[:6]:
        print(f"    {p:.3f}  {name}: {question[:90]}")
    print("  highest unanswerable:")
    for p, name, question in una[:6]:
        print(f"    {p:.3f}  {name}: {question[:90]}")
    a = np.array([p for p, _, _ in ans])
    u = np.array([p for p, _, _ in una])
    print(
        f"  answerable p10 {np.percentile(a, 10):.3f}, unanswerable p90 {np.percentile(u, 90):.3f}; "
        f"within 0.1 of the threshold: {int((abs(a - ANSWER_THRESHOLD) < 0.1).sum())} answerable, "
        f"{int((abs(u - ANSWER_THRESHOLD) < 0.1).sum())} unanswerable"
    )


def write(coef: np.ndarray, bias: float) -> None:
    path = ROOT / "knowledge" / "refusal.py"
    text = path.read_text(encoding="utf-8")
    weights = ", ".join(f'"{name}": {value:.3f}' for name, value in zip(FEATURES, coef, strict=True))
    text = re.sub(r"^WEIGHTS = \{.*?\}$", f"WEIGHTS = {{{weights}}}", text, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"^BIAS = .*$", f"BIAS = {bias:.3f}", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    print(f"\nwrote the weights into {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--write", action="store_true", help="write the fitted weights into knowledge/search/refusal.py"
    )
    args = parser.parse_args()
    settings = get_settings()
    assistant = Assistant(KnowledgeStore(settings), settings, llm=None)
    rows = [row for path in args.files for row in rows_for(assistant, path)]
    x = np.array([r["x"] for r in rows])
    y = np.array([1.0 if r["answerable"] else 0.0 for r in rows])
    coef, bias = fit(x, y)
    print("features:", ", ".join(FEATURES))
    print("weights: ", ", ".join(f"{name} {value:+.3f}" for name, value in zip(FEATURES, coef, strict=True)))
    print(f"bias:     {bias:+.3f}   ({len(rows)} questions decided by the confidence, {int(y.sum())} answerable)")
    fitted = predict(x, coef, bias)
    report(rows, fitted, "fitted on all sets:")
    held_out = np.zeros(len(rows))
    for name in sorted({r["set"] for r in rows}):
        train = np.array([r["set"] != name for r in rows])
        if len(set(y[train])) < 2:
            held_out[~train] = fitted[~train]
            continue
        c, b = fit(x[train], y[train])
        held_out[~train] = predict(x[~train], c, b)
    report(rows, held_out, "each set scored by a model fitted without it:")
    margins(rows, fitted)
    if args.write:
        write(coef, bias)
    return 0


if __name__ == "__main__":
    sys.exit(main())

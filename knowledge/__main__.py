"""`python -m knowledge` — ask questions, score a question set, list follow-ups, from the command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from knowledge.config import get_settings
from knowledge.logs import setup_logging

DESCRIPTION = """\
Sinergi's knowledge base from the command line. Answers come from the documents ingested with
`python -m ingest`; with OPENAI_API_KEY or OPENAI_BASE_URL set they are written by that model, otherwise the
relevant passages are quoted verbatim."""

EVAL_HELP = """\
Score a question set (JSON lines with "id", "question", "answerable" and "gold": [{"doc","pasal","ayat"?,
"part"?}]). Prints hit@1, hit@5, ayat-level hit@5 and MRR@10 on answerable questions, the refusal rate on
unanswerable ones, the false-refusal rate on answerable ones, fabricated citations and latency percentiles."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer a question (or a batch of them)")
    ask.add_argument("question", nargs="?", help="the question, in Bahasa Indonesia")
    ask.add_argument("--batch", type=Path, metavar="FILE.jsonl", help="answer every {\"question\"} line")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line for --batch)")

    evaluate = commands.add_parser("eval", help="score a question set", description=EVAL_HELP)
    evaluate.add_argument("file", type=Path, metavar="FILE.jsonl")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--misses", action="store_true", help="list the questions that missed")

    followups = commands.add_parser("followups", help="list follow-up items (tindak lanjut)")
    followups.add_argument("--json", action="store_true", help="print a JSON list")
    followups.add_argument("--status", action="append", help="only items with this status (repeatable)")
    followups.add_argument("--unit", help="only items of this unit (abbreviations are understood)")
    return parser


def _assistant():
    from knowledge.answer import Assistant
    from knowledge.store import KnowledgeStore

    settings = get_settings()
    return Assistant(KnowledgeStore(settings), settings)


def render_text(answer: Any) -> str:
    lines = [answer.answer]
    for notice in answer.notices:
        lines.append(f"\n⚠ {notice}")
    if answer.citations and answer.mode != "lookup":
        lines.append("\nSumber:")
        lines.extend(f"[{n}] {r.label}" for n, r in enumerate(answer.citations, start=1))
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.batch):
        print("error: give either a QUESTION or --batch FILE.jsonl", file=sys.stderr)
        return 2
    assistant = _assistant()
    if args.question:
        answer = assistant.ask(args.question)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render_text(answer))
        return 0
    for number, item in enumerate(_read_jsonl(args.batch), start=1):
        answer = assistant.ask(item["question"])
        answer.id = item.get("id", str(number))
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"## {answer.id}: {item['question']}\n{render_text(answer)}\n", flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.evaluation import score

    items = list(_read_jsonl(args.file))
    started = time.perf_counter()
    assistant = _assistant()
    if items:
        assistant.ask(items[0]["question"])
    startup_ms = (time.perf_counter() - started) * 1000
    # The first answer above paid for loading models and indexes (reported as start-up); every question,
    # the first included, is timed again warm so the percentiles describe steady-state answering.
    results = [assistant.ask(item["question"]).to_json() for item in items]
    corpus = assistant.retriever.corpus
    scores = score(items, results, lambda doc, pasal, ayat: corpus.has_article(doc, pasal, ayat))
    data = scores.to_json() | {"startup_to_first_answer_ms": round(startup_ms, 1)}
    if not args.misses:
        data.pop("misses")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"answerable: {scores.answerable}, unanswerable: {scores.unanswerable}")
    print(f"hit@1 {scores.hit1:.3f}  hit@5 {scores.hit5:.3f}  ayat hit@5 {scores.ayat_hit5:.3f}  "
          f"MRR@10 {scores.mrr10:.3f}")
    print(f"refusal rate {scores.refusal_rate:.3f}  false refusals {scores.false_refusal_rate:.3f}  "
          f"fabricated citations {scores.fabricated}")
    lat = scores.latency_ms
    print(f"retrieval p50 {lat['retrieve_p50']:.1f} ms, p95 {lat['retrieve_p95']:.1f} ms; "
          f"answer p50 {lat['total_p50']:.1f} ms, p95 {lat['total_p95']:.1f} ms; "
          f"start-up to first answer {startup_ms:.0f} ms")
    if args.misses:
        for miss in scores.misses:
            print(json.dumps(miss, ensure_ascii=False))
    return 0


def cmd_followups(args: argparse.Namespace) -> int:
    from knowledge.followups import followup_dict, list_followups
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore(get_settings())
    rows = list_followups(store.sessions, statuses=args.status, unit=args.unit)
    if args.json:
        print(json.dumps([followup_dict(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Tidak ada tindak lanjut yang cocok.")
    for row in rows:
        due = row.due.isoformat() if row.due else "tanpa tenggat"
        units = ", ".join(row.units or []) or "unit belum ditentukan"
        print(f"#{row.id} [{row.status}] {due} — {units}\n    {row.text}\n    Sumber: {row.passage_label}")
    return 0


def _read_jsonl(path: Path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.INFO if args.verbose else logging.WARNING)
    handler = {"ask": cmd_ask, "eval": cmd_eval, "followups": cmd_followups}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

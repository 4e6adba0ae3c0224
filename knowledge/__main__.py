"""`python -m knowledge` — ask questions, score a question set, list follow-ups, from the command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.config import get_settings
from knowledge.logs import setup_logging

if TYPE_CHECKING:
    from knowledge.evaluation import EvalScores

DESCRIPTION = """\
Sinergi's knowledge base from the command line. Answers come from the documents ingested with
`python -m ingest`; with OPENAI_API_KEY or OPENAI_BASE_URL set they are written by that model, otherwise the
relevant passages are quoted verbatim."""

EVAL_HELP = """\
Score one or more question sets (JSON lines). Each line holds "id", "answerable" and either "question" or
"turns" (a conversation: the turns are asked in order in one chat of their own, only the last answer is
scored, and the chat's context is cleared afterwards), and "gold": a list of {"doc","pasal","ayat"?,"part"?}
(an article) or {"text"} (a passage containing that snippet, case and whitespace ignored); any entry matches.
Prints, per file and for all files together: hit@1, hit@5 and MRR@10 on answerable questions; ayat-level hit@5
on those with article gold (text gold names no ayat); the refusal rate on unanswerable questions and the
false-refusal rate on answerable ones; fabricated citations; wrong-regulation answers (the question names
"Pasal N" of one regulation and the answer cites Pasal N of a regulation the question does not name); how
close the answers' confidence comes to the answer threshold (answerable: lowest and 10th percentile;
unanswerable: highest and 90th percentile; how many lie within 0.05); latency percentiles, and the start-up
time to the first answer. --misses lists the missed questions and those whose confidence is on the wrong
side of the threshold."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer a question (or a batch of them)")
    ask.add_argument("question", nargs="?", help="the question, in Bahasa Indonesia")
    ask.add_argument("--batch", type=Path, metavar="FILE.jsonl", help="answer every {\"question\"} line")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line for --batch)")

    evaluate = commands.add_parser("eval", help="score question sets", description=EVAL_HELP)
    evaluate.add_argument("files", type=Path, nargs="+", metavar="FILE.jsonl", help="question sets to score")
    evaluate.add_argument(
        "--json", action="store_true", help='print {"sets": {name: scores}, "all": scores, ...} as JSON'
    )
    evaluate.add_argument(
        "--misses", action="store_true", help="list missed questions and confidences on the wrong side"
    )

    status = commands.add_parser(
        "status",
        help="what revoked or amended a regulation, article by article",
        description="What revoked or amended a regulation, article by article, with the clause and the file each "
        "statement was read from (indexed documents and `python -m ingest --status-only` sources).",
    )
    status.add_argument("regulation", help='e.g. "UU 33/2004", "PP 19 Tahun 2022", "UU Pemda"')
    status.add_argument("--json", action="store_true", help="print JSON")

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
    from knowledge.evaluation import answer_item, load_items, question_of, report_lines, score

    sets: dict[str, list[dict[str, Any]]] = {}
    try:
        for path, name in zip(args.files, _set_names(args.files), strict=True):
            sets[name] = load_items(path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    everything = [item for items in sets.values() for item in items]
    started = time.perf_counter()
    assistant = _assistant()
    if everything:
        assistant.ask(question_of(everything[0]))
    startup_ms = (time.perf_counter() - started) * 1000
    # The first answer above paid for loading models and indexes (reported as start-up); every question,
    # the first included, is timed again warm so the percentiles describe steady-state answering.
    results = {
        name: [answer_item(assistant, item, number) for number, item in enumerate(items, start=1)]
        for name, items in sets.items()
    }
    article_exists = assistant.retriever.corpus.has_article
    per_set = {name: score(sets[name], results[name], article_exists) for name in sets}
    # Scored over the pooled questions (not averaged per set), so a large set weighs as much as it holds.
    overall = score(everything, [r for name in sets for r in results[name]], article_exists)
    if args.json:
        data = {
            "sets": {name: _scores_json(s, args.misses) for name, s in per_set.items()},
            # Misses are listed under their set only.
            "all": _scores_json(overall, False),
            "startup_to_first_answer_ms": round(startup_ms, 1),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for name, scores in per_set.items():
        print(f"== {name} ({_count(scores.questions)}) ==")
        for line in report_lines(scores, args.misses):
            print(line)
        print()
    print(f"== all sets ({_count(overall.questions)}) ==")
    for line in report_lines(overall):
        print(line)
    print(f"start-up to first answer {startup_ms:.0f} ms")
    return 0


def _count(questions: int) -> str:
    return f"{questions} question" + ("" if questions == 1 else "s")


def _set_names(paths: list[Path]) -> list[str]:
    """A set is named by its file's stem, or by the path as given where two files share a stem."""
    stems = [p.stem for p in paths]
    return [p.stem if stems.count(p.stem) == 1 else str(p) for p in paths]


def _scores_json(scores: EvalScores, with_misses: bool) -> dict[str, Any]:
    data = scores.to_json()
    if not with_misses:
        data.pop("misses")
        data.pop("wrong_side")
    return data


def cmd_status(args: argparse.Namespace) -> int:
    report = _assistant().regulation_status(args.regulation)
    if report is None:
        print(f"error: no regulation recognised in {args.regulation!r} (write it like \"UU 33/2004\")", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(report.summary())
    for line in report.lines():
        print(f"- {line}")
    if not report.indexed:
        print(f"(Teks {report.doc} sendiri tidak ada dalam basis pengetahuan.)")
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
    handler = {"ask": cmd_ask, "eval": cmd_eval, "status": cmd_status, "followups": cmd_followups}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

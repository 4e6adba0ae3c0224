"""Telegram bot under load: questions/s, reply latency and peak memory (a benchmark, not a test).

    python benchmarks/bot_load.py [--users 50] [--per-user 10] [--data-dir DIR] [--questions FILE.jsonl]

The real Application (bot.app.build_application) with the extractive Assistant (no LLM) long-polls the
embedded Bot API server in this process. Approved users (role pejabat) all ask at once; each waits for the
whole reply (the part carrying the answer keyboard) before its next question. Latency runs from send_text to
that part. Without --data-dir the sample corpus is ingested into a temporary DATA_DIR; a given DATA_DIR is
copied to a temporary folder first (the bot writes users and answers), so it must not be changing meanwhile.
Max RSS is this process's: the bot plus the sandbox server and the simulated users.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.runtime import polling
from bot.sandbox import BotApiServer, FakeUser
from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.logs import setup_logging
from knowledge.operations.users import UserStore
from knowledge.search.answer import Assistant

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"
TOKEN = "123456:BENCHMARK"
INVITE_CODE = "BENCHMARK"
REPLY_TIMEOUT = 60.0
QUESTIONS = [
    "Apa yang dimaksud dengan dekonsentrasi?",
    "Apa pengertian tugas pembantuan?",
    "Siapa yang menetapkan kegiatan dekonsentrasi?",
    "Bagaimana pendanaan tugas pembantuan?",
    "Dari mana sumber dana dekonsentrasi?",
    "Apa kewajiban gubernur sebagai wakil pemerintah pusat dalam dekonsentrasi?",
    "Kapan laporan pelaksanaan tugas pembantuan harus disampaikan?",
    "Apa sanksi jika laporan dekonsentrasi tidak disampaikan?",
    "Bagaimana pertanggungjawaban keuangan dana tugas pembantuan?",
    "Siapa yang melakukan pembinaan dan pengawasan dekonsentrasi?",
    "Apakah barang milik negara hasil tugas pembantuan dapat dihibahkan ke daerah?",
    "Apa isi Pasal 7 ayat (5)?",
    "Pasal 3",
    "Bagaimana tata cara pelimpahan urusan pemerintahan kepada gubernur?",
    "Apa saja tindak lanjut rapat koordinasi di Bandung?",
    "Siapa penanggung jawab tindak lanjut rekomendasi rakor?",
    "Bagaimana evaluasi penyelenggaraan dekonsentrasi dilakukan?",
    "Apakah peraturan lama tentang dekonsentrasi masih berlaku?",
    "Apa perbedaan dekonsentrasi dan tugas pembantuan?",
    "Bagaimana penganggaran tugas pembantuan dalam APBN?",
]


@dataclass
class UserRun:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load_questions(path: Path | None) -> list[str]:
    if path is None:
        return QUESTIONS
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = [str(json.loads(line)["question"]) for line in lines if line.strip()]
    if not questions:
        raise SystemExit(f"{path} holds no questions")
    return questions


def bench_settings(data_dir: Path, rate_limit: int) -> Settings:
    """Extractive answers, embedded stores under data_dir; embeddings as configured (they built the index)."""
    return Settings(
        data_dir=data_dir,
        database_url=None,
        chroma_host=None,
        openai_api_key=None,
        openai_base_url=None,
        telegram_bot_token=None,
        admin_ids=[],
        invite_codes=[INVITE_CODE],
        rate_limit_per_minute=rate_limit,
    )


async def whole_reply(server: BotApiServer, user: FakeUser) -> list[dict[str, Any]]:
    """The bot's next messages up to the last part of an answer (the one with the answer keyboard)."""
    deadline = time.perf_counter() + REPLY_TIMEOUT
    messages: list[dict[str, Any]] = []
    while not messages or "reply_markup" not in messages[-1]:
        messages += await server.wait_for_messages(user, 1, max(0.0, deadline - time.perf_counter()))
    return messages


async def ask_all(server: BotApiServer, user: FakeUser, questions: list[str]) -> UserRun:
    run = UserRun()
    for question in questions:
        started = time.perf_counter()
        await server.send_text(user, question)
        try:
            await whole_reply(server, user)
        except TimeoutError:
            run.failures.append(f"{user.first_name}: no complete reply to {question!r} in {REPLY_TIMEOUT:.0f} s")
            continue
        run.latencies.append(time.perf_counter() - started)
    return run


async def load(settings: Settings, assistant: Assistant, users: UserStore, args: argparse.Namespace) -> None:
    questions = load_questions(args.questions)
    async with BotApiServer(TOKEN, bot_username="sinergi_bot") as server:
        members = [server.add_user(f"Pejabat {n:03d}") for n in range(1, args.users + 1)]
        for member in members:
            users.register(member.id, member.first_name, "Bappeda Benchmark", code=INVITE_CODE)
        application = build_application(
            settings, assistant, users, base_url=server.base_url, base_file_url=server.base_file_url, token=TOKEN
        )
        plans = [[questions[(i + k) % len(questions)] for k in range(args.per_user)] for i in range(len(members))]
        async with polling(application, poll_timeout=1):
            started = time.perf_counter()
            runs = await asyncio.gather(*(ask_all(server, m, p) for m, p in zip(members, plans, strict=True)))
            wall = time.perf_counter() - started
        latencies = [s for run in runs for s in run.latencies]
        failures = [f for run in runs for f in run.failures]
        errors = server.errors()

    print(f"users: {len(members)}, questions: {len(members) * args.per_user} ({args.per_user} per user)")
    print(f"wall time: {wall:.1f} s -> {len(latencies) / wall:.1f} questions/s answered")
    if latencies:
        print(
            f"latency p50 / p95 / max: {percentile(latencies, 0.5):.2f} / {percentile(latencies, 0.95):.2f} / "
            f"{max(latencies):.2f} s"
        )
    print(f"failures: {len(failures)}; Bot API errors: {len(errors)}")
    for line in [*failures, *map(str, errors)][:10]:
        print(f"  {line}")


def prepare(data_dir: Path, source: Path | None) -> tuple[KnowledgeStore, Assistant, UserStore, Settings]:
    if source is not None:
        shutil.copytree(source, data_dir, dirs_exist_ok=True)
    settings = bench_settings(data_dir, rate_limit=1_000_000)
    store = KnowledgeStore(settings)
    if source is None:
        report = Pipeline(store).run([SAMPLE_DIR])
        if report.failed:
            raise SystemExit(f"sample corpus failed to ingest: {[f.error for f in report.failed]}")
    users = UserStore(store.sessions, invite_codes=settings.invite_codes, rate_limit_per_minute=1_000_000)
    assistant = Assistant(store, settings)
    assistant.ask(QUESTIONS[0])  # load the embedding model and indexes before the clock starts
    return store, assistant, users, settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=10, help="questions each user asks, one after another")
    parser.add_argument("--data-dir", type=Path, help="an existing DATA_DIR (copied); default: the sample corpus")
    parser.add_argument("--questions", type=Path, help='JSONL with a "question" field; default: built-in list')
    args = parser.parse_args()
    setup_logging(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="sinergi-botload-", ignore_cleanup_errors=True) as tmp:
        store, assistant, users, settings = prepare(Path(tmp) / "data", args.data_dir)
        source = args.data_dir or SAMPLE_DIR
        print(f"index: {source} ({len(store.documents())} documents, {store.passage_count()} passages)")
        print(f"memory after setup (max RSS): {peak_rss_mb():.0f} MB")
        asyncio.run(load(settings, assistant, users, args))
    print(f"peak memory (max RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

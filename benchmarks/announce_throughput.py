"""Announcement sender throughput and memory (a benchmark, not a test).

    python benchmarks/announce_throughput.py [--recipients 2000] [--rate R] [--concurrency C]

One announcement to N registered users through the embedded Bot API server, which runs in a child process
with Telegram's flood limits switched on (30 messages/s overall, 1 per chat per second: it answers 429 beyond
them). The bot (the real Application and sender) runs here, with the configured ANNOUNCE_* settings unless
overridden. Prints the sustained rate measured by the server (first to last delivery), the target (the
configured rate), the 429s received, duplicates, and the sender process's memory: its RSS before and at its
peak while sending (sampled every 0.1 s), and with --tracemalloc the Python heap's peak growth (tracing slows
the process, so the rate of that run understates the real one).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.runtime import polling
from bot.sandbox import BotApiServer
from bot.sandbox.limits import RateLimit
from knowledge.config import Settings, get_settings
from knowledge.index.store import KnowledgeStore
from knowledge.migrate import init_db
from knowledge.operations.announcements import ROLE, AnnouncementStore, Audience, Content
from knowledge.operations.users import PEJABAT, UserStore
from knowledge.search.answer import Assistant

TOKEN = "123456:BENCHMARK"
MARKER = "Pengumuman uji throughput"


# ---- the child process: a Telegram with flood limits ----------------------------------------------------


def serve(conn: Connection, recipients: int) -> None:
    asyncio.run(_serve(conn, recipients))


async def _serve(conn: Connection, recipients: int) -> None:
    server = BotApiServer(TOKEN, rate_limit=RateLimit())
    await server.start()
    admin = server.add_user("Admin Benchmark")
    users = [server.add_user(f"Pejabat {n}") for n in range(recipients)]
    conn.send({"base_url": server.base_url, "admin": admin.id, "users": [u.id for u in users]})
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "done"
    wanted = {str(u.id) for u in users}
    delivered = [c for c in server.calls("sendMessage", ok=True) if str(c.chat_id) in wanted]
    floods = [c for c in server.errors() if c.error_code == 429]
    copies = Counter(str(m["chat"]["id"]) for m in server.sent_messages() if MARKER in (m.get("text") or ""))
    conn.send(
        {
            "times": sorted(c.time for c in delivered),
            "copies": dict(copies),
            "floods": len(floods),
            "requests": len(server.events),
        }
    )
    await server.stop()


# ---- the bot process ------------------------------------------------------------------------------------


def settings_for(data_dir: Path, args: argparse.Namespace) -> Settings:
    base = get_settings()
    overrides: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": None,
        "embedding_provider": "local",
        "chroma_host": None,
        "openai_api_key": None,
        "openai_base_url": None,
        "telegram_base_url": None,
        "admin_ids": [],
        "announce_rate_per_second": args.rate or base.announce_rate_per_second,
        "announce_per_chat_interval": base.announce_per_chat_interval,
        "announce_concurrency": args.concurrency or base.announce_concurrency,
        "announce_progress_seconds": base.announce_progress_seconds,
    }
    return Settings(_env_file=None, **overrides)


async def run(args: argparse.Namespace, conn: Connection, world: dict[str, Any]) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="sinergi-announce-bench-"))
    settings = settings_for(data_dir, args)
    users = UserStore(init_db(f"sqlite:///{data_dir / 'bot.db'}"), invite_codes=["BENCH"])
    users.bootstrap_admins([world["admin"]])
    for number, user_id in enumerate(world["users"]):
        users.register(user_id, f"Pejabat {number}", "Bappeda Provinsi Jawa Barat", "BENCH")
    assistant = Assistant(KnowledgeStore(settings), settings)
    application = build_application(settings, assistant, users, base_url=world["base_url"], token=TOKEN)
    announcements = AnnouncementStore(users.sessions)

    async with polling(application, poll_timeout=1):
        if args.tracemalloc:
            tracemalloc.start()
        heap_baseline = tracemalloc.get_traced_memory()[0]
        rss_baseline = rss_peak = rss_mb()
        started = time.time()
        # Everyone but the admin (who gets the report): exactly the N users.
        created = announcements.create(
            created_by=world["admin"],
            created_by_name="Admin",
            content=Content("text", text_html=f"📢 <b>Pengumuman</b>\n\n{MARKER}.", summary=MARKER),
            audience=Audience(ROLE, role=PEJABAT),
            audience_label="pejabat",
            mandatory=False,
        )
        application.bot_data["announcement_sender"].wake()
        while True:
            counts = announcements.counts([created.id])[created.id]
            if not counts["pending"] and not counts["sending"] and created.id not in announcements.unreported():
                break
            await asyncio.sleep(0.1)
            rss_peak = max(rss_peak, rss_mb())
        finished = time.time()
        heap_peak = tracemalloc.get_traced_memory()[1] - heap_baseline if args.tracemalloc else None
        tracemalloc.stop()
    conn.send("done")
    server = conn.recv()
    return {
        "settings": settings,
        "counts": counts,
        "started": started,
        "finished": finished,
        "server": server,
        "heap_peak": heap_peak,
        "rss": (rss_baseline, rss_peak),
    }


def rss_mb() -> float:
    """The current resident set size (Linux); the peak so far elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--rate", type=float, help="messages/s (default: ANNOUNCE_RATE_PER_SECOND)")
    parser.add_argument("--concurrency", type=int, help="requests in flight (default: ANNOUNCE_CONCURRENCY)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap (slower)")
    args = parser.parse_args()

    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(child, args.recipients), daemon=True)
    process.start()
    try:
        result = asyncio.run(run(args, parent, parent.recv()))
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()

    server, settings = result["server"], result["settings"]
    times = server["times"]
    sustained = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    target = settings.announce_rate_per_second
    duplicates = sum(n - 1 for n in server["copies"].values() if n > 1)
    missing = args.recipients - len(server["copies"])
    print(f"recipients           {args.recipients}")
    print(f"delivered            {len(times)} (database: {dict(result['counts'])})")
    print(f"duplicates           {duplicates}   missing: {missing}")
    print(f"configured rate      {target:g} msg/s (concurrency {settings.announce_concurrency})")
    print(f"sustained rate       {sustained:.2f} msg/s ({100 * sustained / target:.1f}% of the configured rate)")
    gaps = sorted(b - a for a, b in zip(times, times[1:], strict=False)) or [0.0]
    print(
        f"gaps between sends   median {gaps[len(gaps) // 2] * 1000:.0f} ms, "
        f"p99 {gaps[int(len(gaps) * 0.99)] * 1000:.0f} ms, max {gaps[-1] * 1000:.0f} ms"
    )
    print(f"wall time            {result['finished'] - result['started']:.1f} s (queued to report)")
    print(f"429 answers          {server['floods']}")
    before, peak = result["rss"]
    print(
        f"sender process RSS   {before:.0f} MB before sending, "
        f"peak {peak:.0f} MB while sending (+{peak - before:.1f} MB)"
    )
    if result["heap_peak"] is not None:
        print(f"sender heap peak     +{result['heap_peak'] / 1024 / 1024:.1f} MB while sending (tracemalloc)")
    within = abs(sustained - target) <= 0.1 * target
    print(f"target met           {'yes' if within and not duplicates and not missing else 'NO'}")


if __name__ == "__main__":
    main()

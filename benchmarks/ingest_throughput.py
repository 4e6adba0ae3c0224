"""Ingestion throughput and peak memory, first run and unchanged re-run (a benchmark, not a test).

    python benchmarks/ingest_throughput.py ../shared/corpus/regulasi [--data-dir DIR]

Uses the configured embeddings (local e5 by default) and a fresh DATA_DIR unless one is given.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--data-dir", type=Path, help="default: a new temporary folder")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    settings = Settings(data_dir=data_dir)

    started = time.perf_counter()
    first = Pipeline(KnowledgeStore(settings)).run([args.path]).summary()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = Pipeline(KnowledgeStore(settings)).run([args.path]).summary()
    second_seconds = time.perf_counter() - started

    files = first["added"] + first["updated"]
    print(f"data dir: {data_dir}")
    print(
        f"first run:  {files} documents, {first['passages']} passages, {len(first['failed'])} failed, "
        f"{first_seconds:.1f} s -> {files / first_seconds:.2f} documents/s, "
        f"{first['passages'] / first_seconds:.1f} passages/s"
    )
    print(
        f"second run: {second['unchanged']} unchanged, {second_seconds:.2f} s "
        f"({second_seconds / first_seconds:.4f} of the first run)"
    )
    print(f"peak memory (max RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

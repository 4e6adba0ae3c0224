"""Logging set-up shared by the command-line entry points."""

from __future__ import annotations

import logging
import os


def setup_logging(level: int = logging.INFO) -> None:
    import bm25s  # noqa: F401  (it sets its own logger to DEBUG on import: import first, then quieten)

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Libraries that are chatty at INFO or that would try to phone home.
    for name in ("httpx", "chromadb", "pypdf", "bm25s", "urllib3"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

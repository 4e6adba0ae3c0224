"""The ingest report in Indonesian, for people (`python -m ingest` without --json).

What happened to each file is named here; the warnings of readers and parsers are Notices, worded in
ingest/notices.py for this report and the bot's upload report alike (`in_indonesian`).
"""

from __future__ import annotations

from ingest.pipeline import FileAction

ACTIONS: dict[str, str] = {
    FileAction.ADDED: "BARU",
    FileAction.UPDATED: "DIPERBARUI",
    FileAction.REMOVED: "DIHAPUS",
    FileAction.FAILED: "GAGAL",
    FileAction.SKIPPED: "DILEWATI",
}

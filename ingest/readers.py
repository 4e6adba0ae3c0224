"""Readers: turn a PDF, DOCX, Markdown or plain-text file into pages of text.

The file type is detected from the content (magic bytes), not trusted from the extension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Page:
    number: int | None  # 1-based page number for PDFs, None where the format has no pages
    text: str


@dataclass
class RawText:
    path: Path
    kind: str  # "pdf" | "docx" | "md" | "txt"
    pages: list[Page] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


class ReadError(Exception):
    """A file that cannot be read. `message` is English (logs), `pesan` is Indonesian (users)."""

    def __init__(self, message: str, pesan: str):
        super().__init__(message)
        self.message = message
        self.pesan = pesan

    def __str__(self) -> str:
        return f"{self.message} / {self.pesan}"

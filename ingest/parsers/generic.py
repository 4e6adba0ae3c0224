"""Documents that are neither regulations nor minutes (guidelines, letters, notes): cited by section."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.readers.files import Page
from knowledge.model import DOKUMEN, Document, Passage

MAX_CHARS = 1200
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def parse_generic(pages: list[Page], source: str, content_hash: str = "") -> Document:
    title = _title(pages) or Path(source).stem.replace("-", " ").replace("_", " ").strip()
    document = Document(doc=title[:120], title=title, doc_type=DOKUMEN, source=source, content_hash=content_hash)
    section: str | None = None
    buffer: list[str] = []
    buffer_page: int | None = None

    def flush() -> None:
        text = "\n".join(buffer).strip()
        if text:
            for chunk in _split(text):
                document.passages.append(Passage(text=chunk, section=section, page=buffer_page, parent_text=text))
        buffer.clear()

    for page in pages:
        for line in page.text.splitlines():
            heading = _HEADING.match(line)
            if heading:
                flush()
                section = heading.group(1).strip()
                continue
            if not line.strip():
                if buffer and sum(len(b) for b in buffer) > MAX_CHARS // 2:
                    flush()
                continue
            if not buffer:
                buffer_page = page.number
            buffer.append(line.rstrip())
    flush()
    if not document.passages:
        raise ValueError(f"{Path(source).name}: no text to index")
    return document.finalize()


def _title(pages: list[Page]) -> str | None:
    for page in pages:
        for line in page.text.splitlines():
            heading = _HEADING.match(line)
            if heading:
                return heading.group(1).strip()
            if line.strip():
                return line.strip()[:120]
    return None


def _split(text: str) -> list[str]:
    """Paragraph-sized chunks so that a citation points at something a person can read on a phone."""
    if len(text) <= MAX_CHARS:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        if current and len(current) + len(sentence) + 1 > MAX_CHARS:
            chunks.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        chunks.append(current)
    return chunks

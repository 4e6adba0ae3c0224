"""The text of a regulation, in and out: the pages joined with page-break marks, OCR noise repaired, where each
page starts (so a passage is cited with its page), and `_tidy`, the display text of every passage.

Every later step reads offsets into the one prepared text and every passage is made with `_tidy`, so these
two ends of the work sit together below all the others.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ingest.parsers.ocr import PAGE_BREAK, repair_text
from ingest.readers.files import Page


@dataclass
class _PageMap:
    starts: list[int]
    numbers: list[int | None]

    def at(self, offset: int) -> int | None:
        return self.numbers[max(0, bisect_right(self.starts, offset) - 1)] if self.numbers else None


def _prepare(pages: list[Page]) -> tuple[str, int, _PageMap]:
    """Join pages with a page-break mark, repair OCR noise, and remember where each page starts."""
    joined = (PAGE_BREAK + "\n").join(page.text.replace(PAGE_BREAK, "\n").replace("\r\n", "\n") for page in pages)
    text, fixes = repair_text(joined)
    starts = [0]
    while (found := text.find(PAGE_BREAK, starts[-1])) != -1:
        starts.append(found + 1)
    numbers = [page.number for page in pages]
    if len(starts) != len(numbers):  # a repair lost a page mark: better no page than a wrong one
        starts, numbers = [0], [None]
    return text, fixes, _PageMap(starts, numbers)


# Display text

# Patterns start with the punctuation they follow (not a lookbehind): _tidy runs on every passage.
_LIST_BREAK = re.compile(
    # "...meliputi: a. x; b. y; dan c. z" -> one list item per line.
    r"([;:]|; dan|; atau|; dan/atau) (?=(?:[a-z]|\d{1,2})[.)] )"
    # Definitions: "... Tahun 1945. 2. Urusan Pemerintahan adalah ..."
    r"|(\.) (?=\d{1,2}\. [A-Z])"
)
_EMPHASIS_ONLY = re.compile(r"(?<!\S)[_*]+(?!\S)")  # markdown emphasis marks left alone by the extraction
_TRAILING_PAGE_NUMBER = re.compile(r"([.;:])\s+\d{1,3}$")


def _tidy(raw: str) -> str:
    """Whitespace-normalized text that keeps the document's line breaks (lists display one item per line)."""
    raw = raw.replace(PAGE_BREAK, " ")
    if "_" in raw or "*" in raw:
        raw = _EMPHASIS_ONLY.sub(" ", raw)
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    text = "\n".join(line for line in lines if line)
    text = _LIST_BREAK.sub(lambda m: (m.group(1) or m.group(2)) + "\n", text)
    text = _TRAILING_PAGE_NUMBER.sub(r"\1", text)
    return text.strip() if re.search(r"\w", text) else ""

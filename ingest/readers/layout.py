"""Reading order of an OCR'd page: text boxes -> lines of text, tables as pipe rows.

Boxes whose vertical middles line up form a row, read left to right; boxes of a row with a wide gap between
them are separate cells. Consecutive rows whose cells fall into the same columns form a table, written the way
the DOCX reader writes tables (`| No | Tindak Lanjut | PIC | Batas Waktu |`), so the minutes parser reads a
scanned follow-up table exactly as it reads a typed one. A table is recognised when it has at least three
columns filled in two rows, or when ruling lines frame it; a cell that wraps onto further lines is joined into
its row (between the same ruling lines, or where the first column stays empty). A label, a colon and a value
("Hari/Tanggal  :  Selasa, 6 Februari 2024", "Menimbang : a. bahwa ...") is written as "Label: value", as typed
documents have it. A wide vertical gap between rows becomes a blank line (a paragraph break).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ingest.readers.scan import PageScan, TextBox, mean_confidence

CELL_GAP = 0.5  # x gap, in line heights, below which two boxes of a row are one cell (the detector split a line)
PARAGRAPH_GAP = 0.8  # y gap, in line heights, that makes a paragraph break
TABLE_ROW_GAP = 2.0  # y gap, in line heights, that ends a table


@dataclass
class Line:
    """A line of page text and the mean confidence of the characters it was read from (None: a blank line)."""

    text: str
    confidence: float | None = None


@dataclass
class _Cell:
    boxes: list[TextBox]

    @property
    def x0(self) -> float:
        return self.boxes[0].x0

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.boxes)


@dataclass
class _Row:
    boxes: list[TextBox] = field(default_factory=list)
    cells: list[_Cell] = field(default_factory=list)

    @property
    def y0(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def y1(self) -> float:
        return max(b.y1 for b in self.boxes)

    @property
    def middle(self) -> float:
        return statistics.median((b.y0 + b.y1) / 2 for b in self.boxes)

    @property
    def height(self) -> float:
        return statistics.median(b.height for b in self.boxes)

    @property
    def key_value(self) -> bool:
        """ "Label : value" laid out in columns (the colon in a cell of its own, or opening the value)."""
        return len(self.cells) >= 2 and self.cells[1].text.startswith(":") and len(self.cells[0].text) <= 40


def page_lines(page: PageScan) -> list[Line]:
    """The page's text in reading order, one Line per printed line (tables one per row)."""
    rows = _rows(page.boxes)
    if not rows:
        return []
    unit = statistics.median(row.height for row in rows)
    lines: list[Line] = []
    previous: _Row | None = None
    index = 0
    while index < len(rows):
        row = rows[index]
        if previous is not None and row.y0 - previous.y1 > PARAGRAPH_GAP * unit and lines and lines[-1].text:
            lines.append(Line(""))
        end = _table_end(rows, index, unit)
        table = rows[index:end]
        if end > index + 1 and _is_table(table, page.rules, unit):
            if lines and lines[-1].text:
                lines.append(Line(""))  # a blank line before and after, as Markdown and the parsers expect
            lines.extend(_table_lines(table, page.rules))
            lines.append(Line(""))
            previous, index = table[-1], end
            continue
        lines.append(_row_line(row))
        previous, index = row, index + 1
    while lines and not lines[-1].text:
        lines.pop()
    return lines


# --------------------------------------------------------------------------- rows and cells


def _rows(boxes: list[TextBox]) -> list[_Row]:
    """Boxes grouped into rows by their vertical middles, each row read left to right."""
    rows: list[_Row] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        middle = (box.y0 + box.y1) / 2
        home = None
        for row in reversed(rows[-3:]):  # rows are made top-down: only the last few can take this box
            if abs(middle - row.middle) <= 0.5 * min(box.height, row.height):
                home = row
                break
        if home is None:
            home = _Row()
            rows.append(home)
        home.boxes.append(box)
    for row in rows:
        row.boxes.sort(key=lambda b: b.x0)
        row.cells = _cells(row)
    return rows


def _cells(row: _Row) -> list[_Cell]:
    cells: list[_Cell] = []
    limit = CELL_GAP * row.height
    for box in row.boxes:
        if cells and box.x0 - cells[-1].x1 <= limit and not box.text.startswith(":"):
            cells[-1].boxes.append(box)
        else:
            cells.append(_Cell([box]))
    return cells


def _row_line(row: _Row) -> Line:
    confidence = mean_confidence([(b.text, b.confidence) for b in row.boxes])
    if row.key_value:
        label = row.cells[0].text.rstrip(" :")
        value = " ".join(cell.text for cell in row.cells[1:]).lstrip(": ").strip()
        return Line(f"{label}: {value}" if value else f"{label}:", confidence)
    return Line(" ".join(cell.text for cell in row.cells), confidence)


# --------------------------------------------------------------------------- tables


def _table_end(rows: list[_Row], start: int, unit: float) -> int:
    """Where a table starting at rows[start] would end: multi-cell rows, and single cells inside a column."""
    if len(rows[start].cells) < 2 or rows[start].key_value:
        return start + 1
    end = start + 1
    while end < len(rows):
        row = rows[end]
        if row.key_value or row.y0 - rows[end - 1].y1 > TABLE_ROW_GAP * unit:
            break
        if len(row.cells) < 2:
            columns = _columns(rows[start:end])
            if not any(c0 - unit <= row.cells[0].x0 and row.cells[0].x1 <= c1 + unit for c0, c1 in columns):
                break  # a line across the columns: prose after the table
        end += 1
    return end


def _columns(rows: list[_Row]) -> list[tuple[float, float]]:
    """Column extents: the x-ranges of the cells of multi-cell rows, merged where they overlap."""
    spans = sorted((cell.x0, cell.x1) for row in rows if len(row.cells) >= 2 for cell in row.cells)
    columns: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _is_table(rows: list[_Row], rules: list[float], unit: float) -> bool:
    columns = _columns(rows)
    wide_rows = sum(1 for row in rows if len(row.cells) >= 3)
    if len(columns) >= 3 and wide_rows >= 2:
        return True
    multi = sum(1 for row in rows if len(row.cells) >= 2)
    return len(columns) >= 2 and multi >= 2 and len(_rules_within(rows, rules, unit)) >= 2


def _rules_within(rows: list[_Row], rules: list[float], unit: float) -> list[float]:
    top, bottom = rows[0].y0 - unit, rows[-1].y1 + unit
    return [y for y in rules if top <= y <= bottom]


def _column_of(cell: _Cell, columns: list[tuple[float, float]]) -> int:
    middle = (cell.x0 + cell.x1) / 2
    for index, (x0, x1) in enumerate(columns):
        if x0 <= middle <= x1:
            return index
    return min(range(len(columns)), key=lambda i: min(abs(middle - columns[i][0]), abs(middle - columns[i][1])))


def _table_lines(rows: list[_Row], rules: list[float]) -> list[Line]:
    columns = _columns(rows)
    unit = statistics.median(row.height for row in rows)
    inner_rules = _rules_within(rows, rules, unit)
    first_filled = [any(_column_of(c, columns) == 0 for c in row.cells) for row in rows if len(row.cells) >= 2]
    numbered = sum(first_filled) > len(first_filled) / 2  # most rows start in the first column (No.)
    grouped: list[list[_Row]] = []
    for row in rows:
        if grouped and _continues(grouped[-1][-1], row, columns, inner_rules, numbered):
            grouped[-1].append(row)
        else:
            grouped.append([row])
    lines = []
    for number, group in enumerate(grouped):
        cells: list[list[str]] = [[] for _ in columns]
        boxes: list[TextBox] = []
        for row in group:
            boxes.extend(row.boxes)
            for cell in row.cells:
                cells[_column_of(cell, columns)].append(cell.text)
        texts = [_join_wrapped(parts).replace("|", "/") for parts in cells]
        confidence = mean_confidence([(b.text, b.confidence) for b in boxes])
        lines.append(Line("| " + " | ".join(texts) + " |", confidence))
        if number == 0:
            lines.append(Line("| " + " | ".join("---" for _ in columns) + " |", confidence))
    return lines


def _continues(
    previous: _Row, row: _Row, columns: list[tuple[float, float]], rules: list[float], numbered: bool
) -> bool:
    """Whether `row` is the wrapped continuation of the table row that `previous` belongs to."""
    if rules:  # ruled table: a row runs from one rule to the next
        return not any(previous.middle < y < row.middle for y in rules)
    if len(row.cells) < 2:
        return True
    return numbered and not any(_column_of(c, columns) == 0 for c in row.cells)


_HYPHEN_END = re.compile(r"\w-$")


def _join_wrapped(parts: list[str]) -> str:
    """A cell's lines joined; a word hyphenated at the end of a line is joined back ("penye-" "lenggaraan")."""
    text = ""
    for part in parts:
        if text and _HYPHEN_END.search(text) and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}".strip()
    return text

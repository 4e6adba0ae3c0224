"""The progress chart: follow-up items per unit, by category, as a PNG made to be read on a phone.

Horizontal stacked bars, one per unit, its name on a line of its own above the bar so the bars get the whole
width; the counts are written on the bars (no axis to read), large type, 1080 pixels wide (a phone screen's
width, so Telegram shows it without scaling it down much). Units with late items come first; past
MAX_UNITS the rest are added up in one bar. Drawn with matplotlib's Agg renderer on a Figure of its own:
no display, no pyplot state shared between threads.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from knowledge.operations.dates import format_indonesian_date
from knowledge.operations.reports import DONE, IN_PROGRESS, LATE, PROGRESS, UNDATED, UnitCount

WIDTH = 1080  # pixels
DPI = 100
HEADER = 250  # title, subtitle and legend
FILTER_LINE = 36  # the filters' own line under the subtitle, when there are filters
MAX_FILTERS = 80  # characters of that line
ROW = 110  # one unit: its name and its bar
FOOTER = 50
MAX_UNITS = 12
MAX_LABEL = 58  # characters of a unit's name on one line at LABEL_SIZE
TITLE_SIZE, SUBTITLE_SIZE, LABEL_SIZE, COUNT_SIZE, LEGEND_SIZE, NOTE_SIZE = 30, 20, 21, 20, 20, 14
COLOURS = {DONE: "#2E7D32", IN_PROGRESS: "#1565C0", LATE: "#C62828", UNDATED: "#9E9E9E"}
TEXT_ON = {DONE: "white", IN_PROGRESS: "white", LATE: "white", UNDATED: "#212121"}
MIN_SEGMENT_PX = 40  # narrower segments carry no number (it would not fit); the total still says it
TITLE = "Tindak Lanjut per Unit · {date}"
EMPTY = "Tidak ada tindak lanjut untuk digambarkan."
OTHERS = "{count} unit lainnya"
FOOTNOTE = "Sinergi · butir dengan beberapa unit dihitung pada setiap unit; butir dibatalkan tidak digambarkan"


def chart_rows(units: Sequence[UnitCount]) -> tuple[list[UnitCount], UnitCount | None]:
    """The bars drawn (units with something to draw, the first MAX_UNITS) and the rest added up, which is
    written as a line of text rather than drawn: a bar for dozens of units would dwarf every other bar."""
    drawn = [u for u in units if u.drawn]
    if len(drawn) <= MAX_UNITS + 1:  # "1 unit lainnya" would only hide a name
        return drawn, None
    rest = UnitCount(OTHERS.format(count=len(drawn) - MAX_UNITS), Counter())
    for unit in drawn[MAX_UNITS:]:
        rest.counts.update({c: unit.counts[c] for c in PROGRESS})
    return drawn[:MAX_UNITS], rest


def chart_lines(units: Sequence[UnitCount]) -> int:
    """How many rows the chart of these units has: its bars, and the line of the rest if any."""
    bars, rest = chart_rows(units)
    return len(bars) + (1 if rest else 0)


def chart_size(lines: int, filtered: bool = False) -> tuple[int, int]:
    """Width and height in pixels of a chart with this many rows (`chart_lines`; an empty chart has room for
    its one line of text), with or without the filters' line."""
    return WIDTH, HEADER + (FILTER_LINE if filtered else 0) + ROW * max(1, lines) + FOOTER


def progress_chart(
    units: Sequence[UnitCount], today: date, filters: Sequence[str] = (), totals: Counter[str] | None = None
) -> bytes:
    """The PNG: title with the date, a subtitle with the items per category (`totals`, each item once; by
    default the bars' sums), the filters, a legend, one bar per unit."""
    rows, rest = chart_rows(units)
    lines = len(rows) + (1 if rest else 0)
    width, height = chart_size(lines, bool(filters))
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    if totals is None:
        totals = Counter()
        for row in [*rows, *([rest] if rest else [])]:
            totals.update({c: row.counts[c] for c in PROGRESS})
    _heading(figure, totals, today, filters, height)
    axes = figure.add_axes((40 / width, FOOTER / height, (width - 80) / width, ROW * max(1, lines) / height))
    axes.set_axis_off()
    if rows:
        _bars(axes, rows, lines, width - 80)
        if rest:
            _rest(axes, rest, len(rows))
    else:
        axes.set_xlim(0, 1)
        axes.set_ylim(0.5, -0.5)
        axes.text(0.5, 0, EMPTY, ha="center", va="center", fontsize=LABEL_SIZE, color="#424242")
    figure.text(0.5, 18 / height, FOOTNOTE, ha="center", va="bottom", fontsize=NOTE_SIZE, color="#757575")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _heading(figure: Figure, totals: Counter[str], today: date, filters: Sequence[str], height: int) -> None:
    def y(pixels_from_top: float) -> float:
        return 1 - pixels_from_top / height

    title = TITLE.format(date=format_indonesian_date(today))
    figure.text(0.5, y(22), title, ha="center", va="top", fontsize=TITLE_SIZE, fontweight="bold", color="#212121")
    summary = " · ".join(f"{totals[c]} {c}" for c in PROGRESS)
    figure.text(0.5, y(82), summary, ha="center", va="top", fontsize=SUBTITLE_SIZE, color="#424242")
    legend_top = 125
    if filters:
        line = ", ".join(filters)
        line = line if len(line) <= MAX_FILTERS else line[: MAX_FILTERS - 1].rstrip() + "…"
        figure.text(0.5, y(120), line, ha="center", va="top", fontsize=SUBTITLE_SIZE, color="#424242", style="italic")
        legend_top += FILTER_LINE
    handles = [Patch(facecolor=COLOURS[c], label=c) for c in PROGRESS]
    figure.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, y(legend_top)), ncol=2, fontsize=LEGEND_SIZE,
        frameon=False, handlelength=1.4, handleheight=1.0, columnspacing=2.5,
    )  # fmt: skip


def _bars(axes, rows: Sequence[UnitCount], lines: int, width_px: int) -> None:
    largest = max(row.drawn for row in rows)
    limit = largest * 1.1 + 1  # room for the total after the longest bar
    per_item = width_px / limit
    axes.set_xlim(0, limit)
    axes.set_ylim(lines - 0.5, -0.5)  # first unit on top
    for index, row in enumerate(rows):
        name = row.unit if len(row.unit) <= MAX_LABEL else row.unit[: MAX_LABEL - 1].rstrip() + "…"
        axes.text(0, index - 0.28, name, ha="left", va="center", fontsize=LABEL_SIZE, color="#212121")
        left = 0
        for category in PROGRESS:
            count = row.counts[category]
            if not count:
                continue
            axes.barh(index + 0.14, count, left=left, height=0.46, color=COLOURS[category], edgecolor="white")
            if count * per_item >= MIN_SEGMENT_PX:
                axes.text(
                    left + count / 2, index + 0.14, str(count), ha="center", va="center", fontsize=COUNT_SIZE,
                    fontweight="bold", color=TEXT_ON[category],
                )  # fmt: skip
            left += count
        axes.text(
            left + limit * 0.012, index + 0.14, str(row.drawn), ha="left", va="center", fontsize=COUNT_SIZE,
            fontweight="bold", color="#212121",
        )  # fmt: skip


def _rest(axes, rest: UnitCount, index: int) -> None:
    """The units past MAX_UNITS in words: their number, then their items per category."""
    axes.text(0, index - 0.28, f"{rest.unit} (lihat lembar Rekap per Unit)", ha="left", va="center",
              fontsize=LABEL_SIZE, color="#212121")  # fmt: skip
    counts = " · ".join(f"{rest.counts[c]} {c}" for c in PROGRESS)
    axes.text(0, index + 0.14, counts, ha="left", va="center", fontsize=COUNT_SIZE, color="#424242")

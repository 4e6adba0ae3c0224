"""OCR throughput and accuracy on the rendered fixture pages (a benchmark, not a test).

    python benchmarks/ocr_throughput.py [--engine rapidocr|tesseract] [--repeat N]

Renders the test fixtures of tests/scanpages.py (fictional minutes with a ruled follow-up table, a short
regulation, a photographed recommendation list; tilted by up to 2 degrees and speckled), reads every page as
the readers do (JPEG page images, no cache) and prints pages per minute and the character error rate (CER:
edit distance between the recognised and the printed text, over the printed length). Tables are compared cell
by cell in reading order (the pipes and the Markdown separator row are left out), whitespace is collapsed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from scanpages import Page, jpeg, minutes_pages, photo_page, regulation_pages, render, scanned  # noqa: E402

from ingest.readers.layout import page_lines  # noqa: E402
from ingest.readers.scan import ScanOptions, scan_image  # noqa: E402


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def comparable(text: str) -> str:
    lines = [line for line in text.splitlines() if not re.fullmatch(r"\|?(\s*-{3}\s*\|)+\s*", line.strip())]
    return " ".join(" ".join(lines).replace("|", " ").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="rapidocr", choices=("rapidocr", "tesseract"))
    parser.add_argument("--repeat", type=int, default=1, help="read every page this many times (default 1)")
    args = parser.parse_args()
    sets: dict[str, list[Page]] = {
        "notulen (PDF)": minutes_pages(),
        "peraturan (PDF)": regulation_pages(),
        "foto (JPEG)": [photo_page()],
    }
    options = ScanOptions(engine=args.engine, cache_dir=None)
    scan_image(jpeg(render(minutes_pages()[0])), options)  # load the models before timing
    pages = seconds = 0.0
    errors = printed = 0
    for name, fixture in sets.items():
        images = [jpeg(image) for image in scanned(fixture)]
        for number, (page, data) in enumerate(zip(fixture, images, strict=True), start=1):
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = scan_image(data, options)
                seconds += time.perf_counter() - started
                pages += 1
            read = comparable("\n".join(line.text for line in page_lines(result)))
            expected = comparable("\n".join(page.lines))
            distance = edit_distance(read, expected)
            errors += distance
            printed += len(expected)
            print(
                f"{name} page {number}: tilt {page.angle:+.1f} deg, straightened {result.angle:+.2f} deg, "
                f"confidence {result.confidence or 0:.3f}, CER {distance / max(len(expected), 1):.2%} "
                f"({distance} edits / {len(expected)} chars), {result.seconds:.1f} s"
            )
    print(
        f"engine {args.engine}: {pages:.0f} pages in {seconds:.1f} s -> {60 * pages / seconds:.1f} pages/min; "
        f"CER {errors / printed:.2%} ({errors} edits / {printed} printed characters)"
    )


if __name__ == "__main__":
    main()

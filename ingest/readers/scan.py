"""OCR of scanned pages and photos: a page image becomes positioned text boxes with their confidences.

The default engine is RapidOCR (PP-OCRv4 detection and recognition models in ONNX, shipped inside the
`rapidocr-onnxruntime` wheel): it installs with pip and runs offline, with nothing downloaded at first use.
Tesseract (`OCR_ENGINE=tesseract`) is optional: it needs the system packages `tesseract-ocr` and
`tesseract-ocr-ind`, and the error message says so when they are missing.

Per page: the image is loaded upright (EXIF orientation), reduced to a workable size, checked for a page
turned by 90 or 180 degrees, and straightened when its text lines are tilted. The tilt is estimated from the
angles of the detected line boxes; from 3 degrees on the image is rotated with Pillow and detected again, below
that each line is cut out along its own turned box and only the box positions are straightened. The reading
order is not decided here: `ingest/readers/layout.py` turns the boxes into lines and table rows.

Results are cached per image (by content hash) under the cache folder, so re-ingesting a file, or ingesting
photos whose text an admin has just confirmed, costs no second OCR pass.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

ENGINES = ("rapidocr", "tesseract", "none")
# Bump when the boxes an engine returns for the same image change (preprocessing, thresholds): cached results
# of older versions are then ignored.
OCR_VERSION = "1"
MAX_SIDE = 2000  # px: longer side of the image the engine reads (an A4 page at about 170 dpi)
MIN_SKEW = 0.4  # degrees: straighten a page only when its lines are tilted at least this much
ROTATE_SKEW = 3.0  # degrees: from this tilt on, the image is turned and detected again
MAX_SKEW = 15.0  # degrees: beyond this the box angles are not a page's tilt (diagonal stamps, drawings)
MIN_SCORE = 0.5  # boxes read with less confidence are noise (specks, stamps, signatures)
# Recognition reads a line crop scaled to 48 px high. Tight crops make the model run words together; a
# margin of a third of the line height around each crop restores most spaces between words.
CROP_MARGIN = 0.3
# Further readings of a line that looks run together: long lines read best with a narrower margin, short ones
# (headings in capitals) with a wider one.
OTHER_MARGINS = (0.2, 0.45)
# A line looks run together with a word of 13 letters or more (few Indonesian words are that long) or letters
# glued to a number ("NOMOR5", "Pasal3", "2024TENTANG").
_RUN_ON = re.compile(r"[^\W\d_]{13,}|[^\W\d_]{3,}\d|\d[^\W\d_]{3,}")
INSTALL_TESSERACT = "apt-get install tesseract-ocr tesseract-ocr-ind"


@dataclass(frozen=True)
class TextBox:
    """A run of text on the page, its box (pixels of the straightened page) and its mean character confidence."""

    text: str
    confidence: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass
class PageScan:
    boxes: list[TextBox]
    width: int
    height: int
    angle: float = 0.0  # degrees (counter-clockwise) the page was turned before reading
    rules: list[float] = field(default_factory=list)  # y of the horizontal ruling lines (table borders)
    engine: str = ""
    seconds: float = 0.0  # OCR time (0 when the result came from the cache)

    @property
    def confidence(self) -> float | None:
        """Mean character confidence over the page (weighted by text length); None when nothing was read."""
        return mean_confidence([(b.text, b.confidence) for b in self.boxes])

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["boxes"] = [[b.text, round(b.confidence, 4), b.x0, b.y0, b.x1, b.y1] for b in self.boxes]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageScan:
        boxes = [
            TextBox(t, float(c), float(x0), float(y0), float(x1), float(y1)) for t, c, x0, y0, x1, y1 in data["boxes"]
        ]
        return cls(
            boxes,
            int(data["width"]),
            int(data["height"]),
            float(data.get("angle", 0.0)),
            [float(y) for y in data.get("rules", [])],
            str(data.get("engine", "")),
        )


def mean_confidence(parts: list[tuple[str, float]]) -> float | None:
    weight = sum(len(text) for text, _ in parts)
    if not weight:
        return None
    return sum(len(text) * confidence for text, confidence in parts) / weight


class ScanError(Exception):
    """OCR could not run or the image cannot be read. `message` is English (logs), `pesan` Indonesian."""

    def __init__(self, message: str, pesan: str, *, unreadable: bool = False):
        super().__init__(message)
        self.message = message
        self.pesan = pesan
        self.unreadable = unreadable  # the image itself cannot be decoded (as opposed to the engine failing)


@dataclass
class ScanOptions:
    """How the readers OCR scanned pages (built from the settings by `scan_options`)."""

    engine: str = "rapidocr"
    max_pages: int = 50  # pages to OCR per file; a file with more is refused before any OCR
    seconds_per_page: float = 60.0  # a page that takes longer stops the file, which is refused
    cache_dir: Path | None = None
    on_page: Callable[[int, int], None] | None = None  # (pages done, pages to OCR), after each page

    @property
    def enabled(self) -> bool:
        return self.engine != "none"


def scan_options(settings: Any, on_page: Callable[[int, int], None] | None = None) -> ScanOptions | None:
    """The OCR options of these settings; None when OCR is switched off (OCR_ENGINE=none)."""
    options = ScanOptions(
        engine=settings.ocr_engine,
        max_pages=settings.ocr_max_pages,
        seconds_per_page=settings.ocr_seconds_per_page,
        cache_dir=settings.ocr_cache_dir or settings.data_dir / "ocr-cache",
        on_page=on_page,
    )
    return options if options.enabled else None


# --------------------------------------------------------------------------- public API


def scan_image(data: bytes, options: ScanOptions, frame: int = 0, turn: int = 0) -> PageScan:
    """OCR one page image (a frame of a multi-page TIFF with `frame`; `turn`: degrees clockwise, as a PDF page's
    /Rotate says). Cached by content and engine."""
    key = _cache_key(data, options.engine, frame, turn)
    cached = _cache_load(options.cache_dir, key)
    if cached is not None:
        return cached
    image = load_image(data, frame)
    if turn % 360:
        image = image.rotate(-turn, expand=True)
    started = time.perf_counter()
    reader = engine(options.engine)
    with _ENGINE_LOCK:  # one page at a time: the engine already uses every core
        page = reader.read(image)
    page.seconds = time.perf_counter() - started
    _cache_store(options.cache_dir, key, page)
    return page


def load_image(data: bytes, frame: int = 0) -> Image.Image:
    """The image upright (EXIF orientation applied), in RGB on white, its longer side at most MAX_SIDE."""
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        if frame:
            image.seek(frame)
        image = ImageOps.exif_transpose(image) or image
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise ScanError(
            f"image cannot be read: {exc}",
            "Gambar tidak dapat dibaca; kirim ulang sebagai JPEG atau PNG.",
            unreadable=True,
        ) from exc
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    image = image.convert("RGB")
    longest = max(image.size)
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.LANCZOS
        )
    return image


def frame_count(data: bytes) -> int:
    """Pages in an image file (a multi-page TIFF has several); 1 when unknown."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return max(1, int(getattr(image, "n_frames", 1)))
    except (UnidentifiedImageError, OSError, ValueError, EOFError, Image.DecompressionBombError):
        return 1


# --------------------------------------------------------------------------- engines


class Engine(Protocol):
    def read(self, image: Image.Image) -> PageScan: ...


_ENGINE_LOCK = threading.Lock()  # one page at a time
_CREATE_LOCK = threading.Lock()
_ENGINES: dict[str, Engine] = {}


def engine(name: str) -> Engine:
    """The engine of that name, created once per process (loading the models takes a moment)."""
    with _CREATE_LOCK:
        if name not in _ENGINES:
            if name == "rapidocr":
                _ENGINES[name] = RapidEngine()
            elif name == "tesseract":
                _ENGINES[name] = TesseractEngine()
            else:
                raise ScanError(
                    f"unknown OCR engine {name!r} (OCR_ENGINE)",
                    f"Mesin OCR '{name}' tidak dikenal (pengaturan OCR_ENGINE).",
                )
        return _ENGINES[name]


class RapidEngine:
    """RapidOCR's detection and recognition, driven step by step: orientation, deskew, margins around crops."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # a broken install (the package is a normal dependency)
            raise ScanError(
                f"RapidOCR is not installed ({exc}); run pip install -e . again",
                "Mesin OCR belum terpasang di server; hubungi pengelola Sinergi.",
            ) from exc
        _quiet_rapidocr_logging()
        self._ocr = RapidOCR()
        # Detect at the page's own size (up to MAX_SIDE): the default scales the shorter side up to 736 px, which
        # turns a one-line strip into a huge image.
        self._ocr.text_det.limit_type = "max"

    def read(self, image: Image.Image) -> PageScan:
        image, quads, turned = self._upright(image)
        if self._upside_down(_bgr(image), quads):
            image = image.rotate(180, expand=True)
            quads = self._detect(_bgr(image))
            turned += 180
        angle = skew_angle(quads)
        if abs(angle) >= ROTATE_SKEW:  # detection is unreliable on a clearly crooked page: turn it, detect again
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=background(image))
            quads = self._detect(_bgr(image))
            turned += angle
            angle = skew_angle(quads)
        # A slight tilt needs no second pass: each line is cut out along its own box, and only the boxes'
        # positions are straightened for the layout (the image is resampled once, not twice).
        tilt = angle if abs(angle) >= MIN_SKEW else 0.0
        boxes = self._recognise(_bgr(image), quads, tilt)
        rules = horizontal_rules(
            image.rotate(tilt, resample=Image.Resampling.BILINEAR, fillcolor=background(image)) if tilt else image
        )
        return PageScan(boxes, image.width, image.height, round(turned + tilt, 2), rules, self.name)

    def _upright(self, image: Image.Image) -> tuple[Image.Image, list[np.ndarray], float]:
        """The page the right way round for a quarter turn: most line boxes taller than wide means sideways."""
        quads = self._detect(_bgr(image))
        sizes = [_quad_size(q) for q in quads]
        tall = sum(1 for w, h in sizes if h > 1.5 * w)
        if len(quads) < 5 or tall < 0.6 * len(quads):
            return image, quads, 0.0
        best: tuple[float, Image.Image, list[np.ndarray], float] | None = None
        for turn in (90, -90):
            rotated = image.rotate(turn, expand=True)
            found = self._detect(_bgr(rotated))
            score = _score(self._recognise(_bgr(rotated), found[:12]))
            if best is None or score > best[0]:
                best = (score, rotated, found, float(turn))
        assert best is not None
        return best[1], best[2], best[3]

    def _upside_down(self, bgr: np.ndarray, quads: list[np.ndarray]) -> bool:
        """Whether most of the longest lines read upside down, by the engine's 0/180 degree classifier.

        The classifier misjudges a single line now and then, so it decides the page by majority and is never
        applied line by line."""
        longest = sorted(quads, key=lambda q: -_quad_size(q)[0])[:9]
        if len(longest) < 3:
            return False
        _, verdicts, _ = self._ocr.text_cls(self._ocr.get_crop_img_list(bgr, longest))
        flipped = sum(1 for label, score in verdicts if label == "180" and float(score) >= 0.9)
        return flipped > len(longest) / 2

    def _detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        quads, _ = self._ocr.text_det(bgr)
        if quads is None or len(quads) == 0:
            return []
        return reach_missed_ink(list(self._ocr.sorted_boxes(quads)), bgr)

    def _recognise(self, bgr: np.ndarray, quads: list[np.ndarray], tilt: float = 0.0) -> list[TextBox]:
        if not quads:
            return []
        crops = self._ocr.get_crop_img_list(bgr, quads)
        results = self._read_crops(crops)
        height, width = bgr.shape[:2]
        boxes = []
        for quad, (text, score) in zip(quads, results, strict=True):
            text = clean_text(text)
            if text and float(score) >= MIN_SCORE:
                points = straighten(quad, tilt, width / 2, height / 2) if tilt else quad
                xs, ys = points[:, 0], points[:, 1]
                boxes.append(
                    TextBox(text, float(score), float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
                )
        return boxes

    def _read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Each line crop read with a margin; lines that look run together are read again with other margins.

        The recogniser drops spaces far more often than it invents them, so of two readings that differ only in
        spaces (or punctuation: a speck read as a dot) the one with more spaces is kept ("NOMOR5TAHUN2024" ->
        "NOMOR 5 TAHUN 2024"); a reading that differs in its letters is not trusted over the first."""
        results = [(str(t), float(c)) for t, c in self._ocr.text_rec([_with_margin(c) for c in crops])[0]]
        doubtful = [i for i, (text, _) in enumerate(results) if _RUN_ON.search(clean_text(text))]
        for margin in OTHER_MARGINS if doubtful else ():
            again, _ = self._ocr.text_rec([_with_margin(crops[i], margin) for i in doubtful])
            for i, (text, score) in zip(doubtful, again, strict=True):
                best = results[i][0]
                same = _letters(text) == _letters(best)  # punctuation may differ: a speck read as a dot
                if same and text.strip().count(" ") > best.strip().count(" "):
                    results[i] = (str(text), float(score))
        return results


class TesseractEngine:
    """Tesseract through its command line (TSV output: words with boxes and confidences), Indonesian first."""

    name = "tesseract"

    def __init__(self) -> None:
        self._binary = shutil.which("tesseract")
        if self._binary is None:
            raise ScanError(
                f"OCR_ENGINE=tesseract but tesseract is not installed: {INSTALL_TESSERACT} "
                "(or use the default OCR_ENGINE=rapidocr)",
                f"Mesin OCR Tesseract belum terpasang di server ({INSTALL_TESSERACT}); hubungi pengelola Sinergi.",
            )
        languages = self._languages()
        self._lang = "+".join(lang for lang in ("ind", "eng") if lang in languages) or "eng"
        if "ind" not in languages:
            log.warning("tesseract has no Indonesian data; install tesseract-ocr-ind for better results")

    def _languages(self) -> set[str]:
        done = subprocess.run(
            [self._binary or "tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
        return {line.strip() for line in done.stdout.splitlines()[1:] if line.strip()}

    def read(self, image: Image.Image) -> PageScan:
        tsv = self._tsv(image)
        angle = tesseract_skew(tsv)
        if abs(angle) >= MIN_SKEW:  # Tesseract reads a tilted line well, but the rows of a table fall apart
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=background(image))
            tsv = self._tsv(image)
        return PageScan(
            tesseract_boxes(tsv),
            image.width,
            image.height,
            round(angle, 2) if abs(angle) >= MIN_SKEW else 0.0,
            horizontal_rules(image),
            self.name,
        )

    def _tsv(self, image: Image.Image) -> str:
        with tempfile.TemporaryDirectory(prefix="sinergi-ocr-") as folder:
            path = Path(folder) / "page.png"
            image.save(path)
            done = subprocess.run(
                [self._binary or "tesseract", str(path), "stdout", "-l", self._lang, "--psm", "3", "tsv"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        if done.returncode != 0:
            raise ScanError(f"tesseract failed: {done.stderr.strip()[:300]}", "Mesin OCR gagal membaca halaman ini.")
        return done.stdout


def tesseract_skew(tsv: str) -> float:
    """The page's tilt in degrees from Tesseract's words: the median slope of its lines of three words or more."""
    lines: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (float(v) for v in cells[6:10])
        lines.setdefault((cells[2], cells[3], cells[4]), []).append((left + width / 2, top + height))
    slopes = []
    for points in lines.values():
        if len(points) >= 3:
            xs, ys = np.array(points).T
            if xs.max() - xs.min() > 0:
                slopes.append(math.degrees(math.atan(np.polyfit(xs, ys, 1)[0])))
    slopes = [s for s in slopes if abs(s) <= MAX_SKEW]
    return float(np.median(slopes)) if len(slopes) >= 3 else 0.0


def tesseract_boxes(tsv: str) -> list[TextBox]:
    """Tesseract's words joined into runs of text: the words of one line, split where the gap is wide."""
    lines: dict[tuple[str, str, str], list[TextBox]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (float(v) for v in cells[6:10])
        word = TextBox(clean_text(cells[11]), max(float(cells[10]), 0.0) / 100, left, top, left + width, top + height)
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(word)
    boxes: list[TextBox] = []
    for words in lines.values():
        run = [words[0]]
        for word in words[1:]:
            if word.x0 - run[-1].x1 > 1.5 * max(word.height, run[-1].height):
                boxes.append(_joined(run))
                run = []
            run.append(word)
        boxes.append(_joined(run))
    return [b for b in boxes if b.text and b.confidence >= MIN_SCORE]


def _joined(words: list[TextBox]) -> TextBox:
    text = " ".join(w.text for w in words if w.text)
    confidence = mean_confidence([(w.text, w.confidence) for w in words]) or 0.0
    return TextBox(
        text,
        confidence,
        min(w.x0 for w in words),
        min(w.y0 for w in words),
        max(w.x1 for w in words),
        max(w.y1 for w in words),
    )


# --------------------------------------------------------------------------- page geometry


def skew_angle(quads: list[np.ndarray]) -> float:
    """The page's tilt in degrees (positive: lines run down to the right), from the long line boxes.

    The detector returns each line as a turned rectangle; the length-weighted median of their top edges'
    angles is the tilt of the page. Short boxes (numbers, single words) are too noisy to count.
    """
    angles: list[tuple[float, float]] = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        length = math.hypot(x1 - x0, y1 - y0)
        width, height = _quad_size(quad)
        if length <= 0 or width < 3 * height:
            continue
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        if abs(angle) <= MAX_SKEW:
            angles.append((angle, length))
    if len(angles) < 3:
        return 0.0
    angles.sort()
    half = sum(weight for _, weight in angles) / 2
    seen = 0.0
    for angle, weight in angles:
        seen += weight
        if seen >= half:
            return angle
    return 0.0


def straighten(points: np.ndarray, tilt: float, cx: float, cy: float) -> np.ndarray:
    """Points of a page tilted by `tilt` degrees as they lie on the straightened page (turned about its middle,
    as Pillow's rotate(tilt) turns the image)."""
    theta = math.radians(tilt)
    cos, sin = math.cos(theta), math.sin(theta)
    dx, dy = points[:, 0] - cx, points[:, 1] - cy
    return np.stack([cx + dx * cos + dy * sin, cy - dx * sin + dy * cos], axis=1)


def horizontal_rules(image: Image.Image) -> list[float]:
    """The y of each long horizontal line on the page (table borders), found by a morphological opening."""
    import cv2

    gray = np.asarray(image.convert("L"))
    dark = (gray < 128).astype(np.uint8)
    length = max(40, image.width // 8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, kernel)
    rows = np.flatnonzero(lines.sum(axis=1) > 0)
    rules: list[float] = []
    start = previous = None
    for y in rows:
        if previous is not None and y == previous + 1:
            previous = y
            continue
        if start is not None and previous is not None:  # always set together
            rules.append((start + previous) / 2)
        start = previous = y
    if start is not None and previous is not None:
        rules.append((start + previous) / 2)
    return [float(y) for y in rules]


def reach_missed_ink(quads: list[np.ndarray], bgr: np.ndarray) -> list[np.ndarray]:
    """Boxes widened over a glyph the detector left out just after them.

    The detector sometimes drops a lone thin glyph a space after a word: the "1" of a centred "Pasal 1", the
    "I" of "BAB I". When ink as tall as a letter stands within a line height to the right of a box, and no
    other box covers it, the box is widened to take it in.
    """
    gray = bgr.min(axis=2)
    dark = gray < 128
    spans = [(float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads]
    out = []
    for index, (quad, (_, y0, x1, y1)) in enumerate(zip(quads, spans, strict=True)):
        height = y1 - y0
        top, bottom = round(y0 + 0.15 * height), round(y1 - 0.15 * height)
        left, right = round(x1), min(gray.shape[1], round(x1 + 2 * height))
        if bottom - top < 4 or right - left < 4:
            out.append(quad)
            continue
        inked = dark[top:bottom, left:right].sum(axis=0) >= max(3, 0.35 * height)
        columns = np.flatnonzero(inked)
        if not len(columns) or columns[0] > 1.2 * height:
            out.append(quad)
            continue
        end = columns[0]
        for column in columns[1:]:
            if column - end > 0.4 * height:
                break
            end = column
        reach = left + end + 0.15 * height
        below = dark[
            min(gray.shape[0] - 1, round(y1 + 0.1 * height)) : round(y1 + 0.6 * height),
            left + columns[0] : left + end + 1,
        ]
        if below.size and below.mean(axis=0).max() > 0.6:  # ink running on below the line: a table's rule
            out.append(quad)
            continue
        taken = any(
            j != index and sx0 < reach and sx1 > left and sy0 < y1 and sy1 > y0
            for j, (sx0, sy0, sx1, sy1) in enumerate(spans)
        )
        if taken or end < 1:
            out.append(quad)
            continue
        widened = quad.copy()
        widened[1, 0] = widened[2, 0] = max(widened[1, 0], widened[2, 0], reach)
        out.append(widened)
    return out


def background(image: Image.Image) -> tuple[int, int, int]:
    """The paper's colour (a bright percentile), to fill the corners a rotation uncovers."""
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    return tuple(int(v) for v in np.percentile(pixels[:: max(1, len(pixels) // 20000)], 90, axis=0))  # type: ignore[return-value]


def _bgr(image: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def _quad_size(quad: np.ndarray) -> tuple[float, float]:
    width = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    return width, height


def _with_margin(crop: np.ndarray, share: float | None = None) -> np.ndarray:
    import cv2

    margin = max(2, round((CROP_MARGIN if share is None else share) * crop.shape[0]))
    fill = [int(v) for v in np.percentile(crop.reshape(-1, crop.shape[-1]), 90, axis=0)]
    return cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=fill)


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _score(boxes: list[TextBox]) -> float:
    """How much was read, and how surely: a right-way-up page reads more characters more confidently."""
    return sum(len(b.text) * b.confidence for b in boxes)


# The recogniser's alphabet is Chinese plus Latin: full-width punctuation becomes ASCII, and an ideograph
# in an Indonesian document is a misread speck.
_IDEOGRAPHS = {c for c in range(0x3000, 0xA000)} | set(range(0xF900, 0xFB00))


# Words the recogniser ran together keep their capitals: "BappedaKabupaten" is two words. An abbreviation such
# as "SiLPA" or "KemenPAN" is left alone: its capital is not followed by lower-case letters.
_RUN_TOGETHER = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]{2})")


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ord(ch) not in _IDEOGRAPHS)
    return _RUN_TOGETHER.sub(" ", " ".join(text.split()))


def _quiet_rapidocr_logging() -> None:
    """RapidOCR gives its loggers their own stderr handlers at DEBUG; ours decide what is shown."""
    for name in ("RapidOCR", "OrtInferSession"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.WARNING)
        logger.propagate = True


# --------------------------------------------------------------------------- cache


def _cache_key(data: bytes, engine_name: str, frame: int, turn: int) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{engine_name}-v{OCR_VERSION}-{digest}-{frame}-{turn % 360}"


def _cache_load(folder: Path | None, key: str) -> PageScan | None:
    if folder is None:
        return None
    path = folder / f"{key}.json"
    try:
        return PageScan.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged entry is read again
        log.warning("ignoring damaged OCR cache entry %s: %s", path.name, exc)
        return None


def _cache_store(folder: Path | None, key: str, page: PageScan) -> None:
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        temp.write_text(json.dumps(page.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(temp, folder / f"{key}.json")  # readers never see half an entry
    except OSError as exc:  # the cache only saves time
        log.warning("could not cache OCR result in %s: %s", folder, exc)

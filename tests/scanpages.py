"""Pages of our own fictional text rendered as a scanner or a phone camera would deliver them: images with no
text layer, a little rotation and noise, saved as an image-only PDF (one image per page) or a JPEG.

Used by the OCR tests and by benchmarks/ocr_throughput.py (which measures the character error rate against
`expected_text`). The font is a TrueType font that a pip package ships: DejaVu Serif from matplotlib when it is
installed, else Pillow's own built-in font, so a fresh machine renders the same kind of page.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 150
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
LEFT = 110
TEXT_WIDTH = WIDTH - 2 * LEFT
SIZE = 25  # about 12 pt at 150 dpi
LEADING = 40


@cache
def font(size: int = SIZE, bold: bool = False) -> ImageFont.FreeTypeFont:
    try:
        import matplotlib

        name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
        return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)  # Pillow's bundled TrueType font (Aileron)


# --------------------------------------------------------------------------- page content


@dataclass
class Line:
    text: str
    bold: bool = False
    center: bool = False


@dataclass
class KeyValue:
    label: str
    value: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[int]  # column widths in px


@dataclass
class Gap:
    lines: float = 1.0


@dataclass
class Page:
    blocks: list[Line | KeyValue | Table | Gap]
    angle: float = 0.0  # degrees counter-clockwise, as a page laid crookedly on the scanner
    noise: float = 0.0  # share of pixels turned into specks
    seed: int = 1
    lines: list[str] = field(default_factory=list)  # filled by render(): the text as printed, line by line


def minutes_pages() -> list[Page]:
    """Fictional minutes: a title and meeting details, a discussion, then a ruled follow-up table on page 2."""
    first = Page(
        [
            Line("NOTULEN RAPAT KOORDINASI TEKNIS", bold=True, center=True),
            Line("PELAPORAN DEKONSENTRASI TAHUN 2024", bold=True, center=True),
            Gap(),
            KeyValue("Hari/Tanggal", "Kamis, 7 Maret 2024"),
            KeyValue("Tempat", "Ruang Rapat Bappeda Provinsi Jawa Tengah"),
            KeyValue("Pimpinan Rapat", "Kepala Bidang Pemerintahan Bappeda"),
            KeyValue("Peserta", "Bappeda kabupaten/kota se-Jawa Tengah"),
            Gap(),
            Line("Pembahasan", bold=True),
            Line("1. Realisasi anggaran dekonsentrasi triwulan IV tahun 2023 mencapai 92 persen dari pagu."),
            Line("2. Sebagian kabupaten belum menyampaikan laporan karena akun sistem pelaporan belum aktif."),
            Line("3. Peserta sepakat bahwa laporan triwulan disampaikan melalui sistem pelaporan elektronik."),
        ]
    )
    second = Page(
        [
            Line("Tindak Lanjut", bold=True),
            Gap(0.5),
            Table(
                ["No", "Tindak Lanjut", "PIC", "Batas Waktu"],
                [
                    [
                        "1",
                        "Mengaktifkan akun sistem pelaporan untuk seluruh kabupaten/kota",
                        "Bappeda Prov. Jawa Tengah",
                        "22 Maret 2024",
                    ],
                    ["2", "Menyampaikan laporan realisasi triwulan I", "Bappeda Kabupaten Semarang", "15 April 2024"],
                    [
                        "3",
                        "Menyusun panduan pengisian laporan elektronik",
                        "Biro Pemerintahan Setda Prov. Jawa Tengah",
                        "30 April 2024",
                    ],
                ],
                [70, 430, 330, 190],
            ),
            Gap(),
            Line("Demikian notulen ini dibuat untuk dilaksanakan sebagaimana mestinya."),
        ],
        angle=1.5,
        noise=0.004,
        seed=2,
    )
    return [first, second]


def regulation_pages() -> list[Page]:
    """A fictional regulation, CONTOH 5/2024: Pasal 1 and 2 on page 1, Pasal 3 (three ayat) and 4 on page 2."""
    first = Page(
        [
            Line("PERATURAN CONTOH", bold=True, center=True),
            Line("NOMOR 5 TAHUN 2024", bold=True, center=True),
            Line("TENTANG", bold=True, center=True),
            Line("PELAPORAN KEGIATAN DEKONSENTRASI", bold=True, center=True),
            Gap(),
            Line("Pasal 1", center=True),
            Line("(1) Gubernur menyampaikan laporan pelaksanaan kegiatan dekonsentrasi setiap triwulan."),
            Line(
                "(2) Laporan sebagaimana dimaksud pada ayat (1) disampaikan paling lambat tanggal 10 bulan berikutnya."
            ),
            Gap(0.5),
            Line("Pasal 2", center=True),
            Line("Laporan memuat realisasi anggaran, capaian keluaran, dan permasalahan yang dihadapi."),
        ],
        angle=-0.8,
        noise=0.002,
        seed=3,
    )
    second = Page(
        [
            Line("Pasal 3", center=True),
            Line(
                "(1) Menteri melakukan evaluasi atas laporan triwulan paling lambat 30 hari setelah laporan diterima."
            ),
            Line("(2) Hasil evaluasi sebagaimana dimaksud pada ayat (1) menjadi bahan pembinaan kepada gubernur."),
            Line("(3) Gubernur yang tidak menyampaikan laporan dua triwulan berturut-turut diberi teguran tertulis."),
            Gap(0.5),
            Line("Pasal 4", center=True),
            Line("Peraturan Contoh ini mulai berlaku pada tanggal diundangkan."),
        ],
        angle=1.2,
        noise=0.004,
        seed=4,
    )
    return [first, second]


def photo_page() -> Page:
    """A phone photo of a recommendation list: crooked, speckled and a little soft."""
    return Page(
        [
            Line("REKOMENDASI RAPAT EVALUASI PELAPORAN", bold=True, center=True),
            Line("Semarang, 14 Maret 2024", center=True),
            Gap(),
            Line("Rekomendasi", bold=True),
            Line("1. Bappeda Kabupaten Kendal agar melengkapi data capaian keluaran paling lambat 5 April 2024."),
            Line("2. Inspektorat Provinsi Jawa Tengah agar memeriksa laporan keuangan paling lambat 30 Mei 2024."),
        ],
        angle=-2.0,
        noise=0.004,
        seed=5,
    )


# --------------------------------------------------------------------------- rendering


def render(page: Page) -> Image.Image:
    """The page as a greyscale image, as printed (no rotation or noise yet); fills page.lines."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    page.lines = []
    y = 120
    for block in page.blocks:
        if isinstance(block, Gap):
            y += round(LEADING * block.lines)
        elif isinstance(block, Line):
            y = _paragraph(draw, block, y, page.lines)
        elif isinstance(block, KeyValue):
            draw.text((LEFT, y), block.label, font=font(), fill=0)
            draw.text((LEFT + 260, y), ":", font=font(), fill=0)
            draw.text((LEFT + 290, y), block.value, font=font(), fill=0)
            page.lines.append(f"{block.label}: {block.value}")
            y += LEADING
        else:
            y = _table(draw, block, y, page.lines)
    return image


def degrade(image: Image.Image, page: Page) -> Image.Image:
    """Turn the page a little and sprinkle specks, as a flatbed scanner or a phone camera does."""
    out = image
    if page.angle:
        out = image.rotate(page.angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if page.noise:
        rng = random.Random(page.seed)
        pixels = out.load()
        for _ in range(int(out.width * out.height * page.noise)):
            x, y = rng.randrange(out.width), rng.randrange(out.height)
            pixels[x, y] = rng.choice((0, 90, 160))
        out = out.filter(ImageFilter.GaussianBlur(0.6))
    return out


def scanned(pages: list[Page]) -> list[Image.Image]:
    return [degrade(render(page), page) for page in pages]


def image_pdf(images: list[Image.Image]) -> bytes:
    """An image-only PDF, one image per page, as a scanner saves it."""
    out = io.BytesIO()
    first, *rest = [image.convert("L") for image in images]
    first.save(out, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return out.getvalue()


def jpeg_pdf(jpegs: list[bytes]) -> bytes:
    """An image-only PDF whose pages are these JPEGs, embedded as they are (as scanners save colour pages)."""
    out = io.BytesIO()
    first, *rest = [Image.open(io.BytesIO(data)) for data in jpegs]
    first.save(out, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return out.getvalue()


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def expected_text(pages: list[Page]) -> str:
    """The printed text, line by line (table rows as their cells joined by spaces), for error rates."""
    for page in pages:
        if not page.lines:
            render(page)
    return "\n".join(line for page in pages for line in page.lines)


def _wrap(text: str, width: int, face: ImageFont.FreeTypeFont) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and face.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _paragraph(draw: ImageDraw.ImageDraw, block: Line, y: int, printed: list[str]) -> int:
    face = font(bold=block.bold)
    hanging = block.text[:4].strip().endswith((".", ")")) and not block.center
    indent = 45 if hanging else 0
    for number, text in enumerate(_wrap(block.text, TEXT_WIDTH - indent, face)):
        x = LEFT + (indent if number else 0)
        if block.center:
            x = (WIDTH - face.getlength(text)) / 2
        draw.text((x, y), text, font=face, fill=0)
        printed.append(text)
        y += LEADING
    return y


def _table(draw: ImageDraw.ImageDraw, table: Table, y: int, printed: list[str]) -> int:
    pad = 12
    xs = [LEFT]
    for width in table.widths:
        xs.append(xs[-1] + width)
    top = y
    draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for number, row in enumerate([table.header, *table.rows]):
        face = font(bold=number == 0)
        cells = [_wrap(cell, width - 2 * pad, face) for cell, width in zip(row, table.widths, strict=True)]
        height = max(len(c) for c in cells) * LEADING + pad
        for column, lines in enumerate(cells):
            for index, text in enumerate(lines):
                draw.text((xs[column] + pad, y + pad // 2 + index * LEADING + 4), text, font=face, fill=0)
        printed.append(" ".join(" ".join(lines) for lines in cells))
        y += height
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        draw.line([(x, top), (x, y)], fill=0, width=2)
    return y + LEADING // 2

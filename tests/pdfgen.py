"""Write small text PDFs for tests, with no dependency beyond the standard library.

Each page gets one Helvetica text object per line, so pypdf extracts the lines back in order.
Text is encoded as WinAnsi (cp1252); characters outside it become "?".
"""

from __future__ import annotations

from pathlib import Path

_FONT_SIZE = 11
_LEADING = 14
_LEFT = 72
_TOP = 770


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    # Backslash first, or the escapes added for the parentheses would be doubled.
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content_stream(text: str) -> bytes:
    parts = []
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            continue  # keep the line's vertical slot, but an empty text object adds nothing
        y = _TOP - index * _LEADING
        parts.append(b"BT /F1 %d Tf %d %d Td (%s) Tj ET" % (_FONT_SIZE, _LEFT, y, _escape(line)))
    return b"\n".join(parts)


def pdf_bytes(pages: list[str]) -> bytes:
    """A complete PDF whose page i shows the lines of pages[i]; an empty string gives a page with no text."""
    # Object numbers: 1 catalog, 2 page tree, 3 font, then a (page, content) pair per page.
    page_ids = [4 + 2 * i for i in range(len(pages))]
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for pid, text in zip(page_ids, pages, strict=True):
        stream = _content_stream(text)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (pid + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary comment marks the file as binary
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    # Every xref entry is exactly 20 bytes, including the two-byte line end.
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def make_pdf(pages: list[str], path: Path) -> Path:
    """Write a text PDF with one page per string in `pages`; returns `path`."""
    path.write_bytes(pdf_bytes(pages))
    return path

"""Photos of pages sent to the bot: one document per photo or album, read by OCR and shown for confirmation.

The photos become one image-only PDF (a page per photo, the JPEG data kept as it came), which is what is
stored and ingested once the admin confirms: a photographed document is then handled exactly like a scanned
PDF. The PDF is built the same way from the same photos every time (fixed metadata), so the text shown for
confirmation comes from the OCR cache when the document is ingested, and the same album sent twice is
recognised as the same document.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from ingest.errors import ErrorCode
from ingest.pipeline import parse_document
from ingest.readers.files import ReadError, read_bytes
from ingest.readers.scan import ScanError, load_image, scan_options
from ingest.uploads import Progress, document_identity
from knowledge.config import Settings
from knowledge.model import DOKUMEN, NOTULEN, REKOMENDASI

log = logging.getLogger(__name__)

# Fixed, so that the same photos always make the same PDF (its hash says whether it is already ingested).
_PDF_DATE = time.gmtime(946684800)  # 2000-01-01


@dataclass
class PhotoPreview:
    pdf: bytes = b""
    pages: list[str] = field(default_factory=list)  # recognised text per photo
    confidence: float | None = None
    identity: str | None = None  # "Notulen Rakortek ... — Notulen Rapat ...", when the text parses
    kind: str | None = None  # "notulen rapat", "peraturan (CONTOH)", ...
    followups: int = 0
    pesan: str | None = None  # why nothing can be ingested, for the admin

    @property
    def ok(self) -> bool:
        return self.pesan is None


def photos_pdf(photos: list[bytes]) -> bytes:
    """One PDF page per photo. Raises ReadError when a photo cannot be decoded."""
    images = []
    for number, data in enumerate(photos, start=1):
        try:
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            raise ReadError(ErrorCode.PHOTO_UNREADABLE, number=number, error=str(exc)) from exc
        if image.format != "JPEG":  # JPEGs go in as they are; other images are stored losslessly
            try:
                image = load_image(data)
            except ScanError as exc:
                raise ReadError(ErrorCode.PHOTO_NOT_LOADED, detail=exc.message, reason=exc.pesan) from exc
        images.append(image)
    out = io.BytesIO()
    first, *rest = images
    first.save(
        out,
        "PDF",
        save_all=True,
        append_images=rest,
        resolution=150.0,
        title="Foto dokumen",
        producer="Sinergi",
        creationDate=_PDF_DATE,
        modDate=_PDF_DATE,
    )
    return out.getvalue()


def preview_photos(
    settings: Settings, photos: list[bytes], name: str, progress: Progress | None = None
) -> PhotoPreview:
    """Read the photos by OCR (page by page, reporting to `progress`) and say what the text would become."""
    progress = progress or Progress()
    preview = PhotoPreview()
    try:
        preview.pdf = photos_pdf(photos)
        progress.now(f"OCR halaman 1/{len(photos)}…")
        options = scan_options(settings, lambda done, total: progress.now(f"OCR halaman {done}/{total}"))
        if options is None:
            preview.pesan = "Pembacaan teks dari foto (OCR) dimatikan di server ini (pengaturan OCR_ENGINE=none)."
            return preview
        raw = read_bytes(preview.pdf, name, settings.max_file_bytes, settings.max_pages, options)
    except ReadError as exc:
        log.info("photos %s refused: %s", name, exc.message)
        preview.pesan = exc.pesan
        return preview
    progress.done(f"dibaca dengan OCR ({len(raw.pages)} halaman)")
    preview.pages = [page.text for page in raw.pages]
    scanned = [(page.text, page.confidence or 0.0) for page in raw.pages]
    weight = sum(len(text) for text, _ in scanned)
    preview.confidence = sum(len(t) * c for t, c in scanned) / weight if weight else None
    try:
        document = parse_document(raw, name, "")
    except ValueError:
        return preview  # shown as text; ingesting it will say that it cannot be parsed
    preview.identity = document_identity(document.doc, document.title)
    preview.kind = _kind_name(document.doc_type)
    preview.followups = len(document.followups)
    return preview


def _kind_name(doc_type: str) -> str:
    names = {NOTULEN: "notulen rapat", REKOMENDASI: "daftar rekomendasi", DOKUMEN: "dokumen umum"}
    return names.get(doc_type) or f"peraturan ({doc_type})"

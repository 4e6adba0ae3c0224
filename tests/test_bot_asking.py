"""Asking Sinergi in Telegram: private questions, /tanya and /pasal, long answers, revoked regulations,
rate limiting, unreadable messages and a failing handler."""

from __future__ import annotations

import re
from pathlib import Path

from bot_harness import LONG_DOC, Corpus, async_test, bot_env, buttons, offline_settings, text_of

from bot.views.render import utf16_len
from ingest.pipeline import Pipeline
from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant

SOURCE_LINE = re.compile(r"^\[1\] CONTOH \d+/\d{4} Pasal \d+", re.MULTILINE)


@async_test
async def test_private_question_gets_typing_answer_sources_and_buttons(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [reply] = await env.send(budi, "Apa yang dimaksud dengan dekonsentrasi?")
        assert "typing" in env.server.chat_actions(budi)
        text = reply["text"]
        assert "Sumber:" in text and SOURCE_LINE.search(text), text
        assert any(e["type"] == "bold" for e in reply.get("entities", [])), "the source header is bold"
        labels = buttons(reply)
        assert "Teks lengkap [1]" in labels and "👍" in labels and "👎" in labels
        assert all(
            len(b["callback_data"].encode()) <= 64 for row in reply["reply_markup"]["inline_keyboard"] for b in row
        )


@async_test
async def test_pasal_command_looks_up_the_article_in_natural_forms(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [reply] = await env.send(budi, "/pasal 3 ayat 1 CONTOH 1/2024")
        assert "[1] CONTOH 1/2024 Pasal 3 ayat (1)" in reply["text"]
        assert "rencana kegiatan Dekonsentrasi" in reply["text"]
        [short] = await env.send(budi, "/pasal 9(2)")
        assert "[1] CONTOH 1/2024 Pasal 9 ayat (2)" in short["text"]
        [missing] = await env.send(budi, "/pasal 24")
        assert "Pasal 24 tidak ada" in missing["text"]
        [usage] = await env.send(budi, "/pasal")
        # The example is an article of a loaded document (PP 19/2022 is not loaded here).
        assert re.search(r"/pasal \d+ ayat \d+ CONTOH 1/2024", usage["text"]), usage["text"]
        assert "PP 19/2022" not in usage["text"]


@async_test
async def test_pasal_without_a_document_means_the_primary_regulation_even_next_to_a_newer_one(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    # CONTOH 1/2024 is the newest regulation loaded; the configured primary one is CONTOH 7/2023.
    async with bot_env(bot_corpus, tmp_path, primary_document=LONG_DOC) as env:
        budi = env.member()
        [reply] = await env.send(budi, "/pasal 1 ayat 2")
        assert f"[1] {LONG_DOC} Pasal 1 ayat (2)" in reply["text"]
        [help_text] = await env.send(budi, "/bantuan")
        assert f"{LONG_DOC}" in help_text["text"] and "PP 19/2022" not in help_text["text"]


@async_test
async def test_a_message_that_asks_nothing_gets_an_invitation_not_quotes(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        await env.send(budi, "Apa yang dimaksud dengan dekonsentrasi?")
        for message in ("🙂", "?", "makasih"):
            [reply] = await env.send(budi, message)
            assert "Silakan tulis pertanyaan Anda" in reply["text"], reply["text"]
            assert "Sumber:" not in reply["text"] and "Pasal 1" not in reply["text"]
            assert not buttons(reply)  # nothing to rate


@async_test
async def test_long_answer_is_split_and_keeps_its_sources_with_the_last_part(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        await env.server.send_text(budi, f"/pasal 1 {LONG_DOC}")
        await env.settle()
        parts = env.server.read_messages(budi)
        assert len(parts) >= 2, [utf16_len(p["text"]) for p in parts]
        assert all(utf16_len(p["text"]) <= 4096 for p in parts)
        assert all("Sumber:" not in p["text"] and not buttons(p) for p in parts[:-1])
        last = parts[-1]
        assert "Sumber:" in last["text"] and f"[6] {LONG_DOC} Pasal 1 ayat (6)" in last["text"]
        assert "Teks lengkap [6]" in buttons(last)
        # The document's "&" and "<...>" arrive as text, never as broken HTML.
        assert "& tepat <sesuai pedoman>" in text_of(parts)


@async_test
async def test_revoked_regulation_answer_carries_a_warning(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [reply] = await env.send(budi, "/tanya Pasal 3 CONTOH 2/2010")
        text = reply["text"]
        assert "⚠️ Perhatian: CONTOH 2/2010 sudah dicabut oleh CONTOH 1/2024" in text
        assert "[1] CONTOH 2/2010 Pasal 3 (dicabut)" in text


@async_test
async def test_rate_limit_answers_the_extra_question_kindly(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, rate_limit=3) as env:
        budi = env.member()
        question = "Kapan laporan akhir tahun disampaikan?"  # /pasal look-ups would not count (issue 15)
        for _ in range(3):
            [reply] = await env.send(budi, question)
            assert "Sumber:" in reply["text"]
        [refused] = await env.send(budi, question)
        assert "3 pertanyaan dalam satu menit" in refused["text"] and "Mohon tunggu" in refused["text"]
        # Another user is not affected.
        siti = env.member("Siti Aminah")
        [reply] = await env.send(siti, question)
        assert "Sumber:" in reply["text"]


@async_test
async def test_flood_limit_from_telegram_is_waited_out(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        env.server.inject_flood(retry_after=1, chat=budi)
        env.expected_failures.append(("sendMessage", "Too Many Requests"))
        [reply] = await env.send(budi, "/pasal 2")
        assert "Sumber:" in reply["text"]
        assert len(env.server.errors("sendMessage")) == 1  # one 429, then the retry went through


@async_test
async def test_long_and_empty_questions_get_a_short_reply(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [too_long] = await env.send(budi, " ".join(["dekonsentrasi"] * 100))
        assert "terlalu panjang (1.399 karakter)" in too_long["text"]
        [empty] = await env.send(budi, "/tanya")
        assert "/tanya Apa yang dimaksud dengan dekonsentrasi?" in empty["text"]


@async_test
async def test_stickers_photos_voice_and_files_get_a_clear_reply(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        await env.server.send_sticker(budi)
        await env.server.send_photo(budi)
        await env.server.send_voice(budi)
        await env.server.send_document(budi, b"%PDF-1.4 latihan", filename="laporan.pdf")
        replies = [m["text"] for m in await env.server.wait_for_messages(budi, 4)]
        for kind, reply in zip(("stiker", "gambar", "pesan suara", "berkas"), replies, strict=True):
            assert f"belum dapat membaca {kind}" in reply
        await env.server.send_document(env.admin, b"%PDF-1.4 latihan", filename="pp-baru.pdf")
        [admin_reply] = await env.server.wait_for_messages(env.admin)
        # An admin's file is offered for ingestion rather than refused.
        assert "belum dimasukkan ke basis pengetahuan" in admin_reply["text"]
        assert [b["text"] for row in admin_reply["reply_markup"]["inline_keyboard"] for b in row] == [
            "📥 Masukkan ke basis pengetahuan"
        ]


@async_test
async def test_a_failing_handler_gets_a_polite_error_and_the_bot_keeps_answering(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    # A store of its own whose BM25 index file gets corrupted on disk: a real failure inside the Assistant.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pedoman.md").write_text("# Pedoman Rapat\n\nRapat koordinasi diadakan setiap triwulan.\n")
    settings = offline_settings(tmp_path / "data")
    store = KnowledgeStore(settings, embedder=bot_corpus.store.embedder)
    Pipeline(store).run([docs])
    index = settings.bm25_path / "ids.json"
    intact = index.read_bytes()
    index.write_text("{ rusak")
    async with bot_env(bot_corpus, tmp_path, assistant=Assistant(store, settings)) as env:
        budi = env.member()
        [error] = await env.send(budi, "Kapan rapat koordinasi diadakan?")
        assert error["text"].startswith("Mohon maaf, terjadi kesalahan")
        assert "JSON" not in error["text"] and "Traceback" not in error["text"]
        index.write_bytes(intact)  # the administrator repairs the index; no restart needed
        [answer] = await env.send(budi, "Kapan rapat koordinasi diadakan?")
        assert "setiap triwulan" in answer["text"] and "Sumber:" in answer["text"]


@async_test
async def test_status_command_says_what_revoked_a_regulation(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [reply] = await env.send(budi, "/status Peraturan Contoh Nomor 2 Tahun 2010")
        assert re.search(r"CONTOH 2/2010 sudah dicabut oleh CONTOH 1/2024 Pasal \d+", reply["text"]), reply["text"]
        [in_force] = await env.send(budi, "/status CONTOH 1/2024")
        assert "CONTOH 1/2024 berlaku" in in_force["text"]
        [unknown] = await env.send(budi, "/status yang kemarin")
        assert "tidak dikenali" in unknown["text"]
        [usage] = await env.send(budi, "/status")
        assert "/status UU 33/2004" in usage["text"]

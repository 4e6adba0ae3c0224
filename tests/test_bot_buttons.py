"""The buttons under an answer: full text with Penjelasan, related articles, and 👍/👎 with a comment."""

from __future__ import annotations

from pathlib import Path

from bot_harness import Corpus, async_test, bot_env, buttons


@async_test
async def test_full_text_shows_the_whole_article_with_its_penjelasan(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "/pasal 3 ayat 1")
        [full] = await env.press(budi, answer, "Teks lengkap [1]")
        text = full["text"]
        assert text.startswith("CONTOH 1/2024 Pasal 3\n")
        assert {"type": "bold", "offset": 0, "length": len("CONTOH 1/2024 Pasal 3")} in full["entities"]
        assert "(3) GWPP menetapkan keputusan pelaksanaan" in text  # the whole Pasal, not only ayat (1)
        assert "Penjelasan CONTOH 1/2024 Pasal 3 ayat (1)" in text
        assert 'Yang dimaksud dengan "rencana kegiatan" adalah dokumen' in text


@async_test
async def test_related_articles_follow_references_in_the_cited_text(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "/pasal 9 ayat 1")
        assert "Pasal terkait" in buttons(answer)
        [related] = await env.press(budi, answer, "Pasal terkait")
        assert "CONTOH 1/2024 Pasal 7 ayat (1)" in related["text"]
        assert "laporan triwulanan kepada GWPP" in related["text"]
        [plain] = await env.send(budi, "/pasal 2")
        assert "Pasal terkait" not in buttons(plain)  # nothing referred to: no empty button


@async_test
async def test_thumbs_down_is_stored_with_the_answer_and_the_next_message_is_the_comment(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "/pasal 7 ayat 1")
        query = await env.server.click(budi, answer, "👎")
        assert (await env.server.wait_for_callback_answer(query))["text"].startswith("Terima kasih")
        [invite] = await env.server.wait_for_messages(budi)
        assert "komentar" in invite["text"] and "/lewati" in invite["text"]
        [stored] = env.users.feedback()
        assert stored.rating == -1 and stored.question == "Pasal 7 ayat (1)"
        assert "laporan triwulanan" in stored.answer and stored.citations[0] == "CONTOH 1/2024 Pasal 7 ayat (1)"
        assert stored.comment is None

        [saved] = await env.send(budi, "Mohon sertakan juga tenggat laporan akhir tahun.")
        assert "Komentar Anda sudah kami simpan" in saved["text"]
        assert env.users.feedback()[0].comment == "Mohon sertakan juga tenggat laporan akhir tahun."

        [next_answer] = await env.send(budi, "/pasal 7 ayat 3")  # the comment is done: questions work again
        assert "Sumber:" in next_answer["text"]


@async_test
async def test_thumbs_up_then_skip_and_changing_the_rating(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        [answer] = await env.send(budi, "Kapan laporan akhir tahun disampaikan?")
        await env.press(budi, answer, "👍")
        [skipped] = await env.send(budi, "/lewati")
        assert "tanpa komentar" in skipped["text"]
        [question] = await env.send(budi, "Kapan rencana kegiatan disampaikan kepada GWPP?")
        assert "Sumber:" in question["text"]  # not taken for a comment
        await env.press(budi, answer, "👎")  # the same user changes their mind: one row, new rating
        [feedback] = env.users.feedback()
        assert feedback.rating == -1 and feedback.comment is None

"""/laporan and /umpanbalik through the real Application and the embedded Bot API server: the secretariat
receives the chart (a photo) and the workbook (a document) as uploaded files whose bytes are a valid PNG and
a workbook with the meeting's rows; bad filters get a clear message; officials are refused; admins page
through the 👎 answers with ◀ ▶; the weekly digest comes with the chart above its text."""

from __future__ import annotations

import io
from pathlib import Path

from bot_harness import Corpus, async_test, bot_env, buttons
from openpyxl import load_workbook
from PIL import Image
from test_reminders_bot import Clock
from test_reports import DONE_TEXT, OVERDUE, SEMARANG_TEXT, UNDATED_TEXT, rows_of, seed_report

from bot.jobs.reminders import run_reminders, set_clock
from knowledge.operations.charts import chart_size
from knowledge.operations.users import ADMIN, SEKRETARIAT


@async_test
async def test_laporan_sends_the_chart_and_the_workbook_as_files(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        set_clock(env.app, Clock())  # Monday 8 April 2024
        seed_report(env.users.sessions, env.users, announcement=False)
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")

        photo, document = await env.send(sekre, "/laporan rapat Bandung", expect=2)
        assert [p["width"] for p in photo["photo"]] == [1080]
        assert "8 April 2024 (rapat Bandung): 4 butir" in photo["caption"] and "1 terlambat" in photo["caption"]
        png = env.server.file_bytes(photo["photo"][-1]["file_id"])
        image = Image.open(io.BytesIO(png))
        image.load()
        assert image.format == "PNG" and image.size == chart_size(2, filtered=True)

        assert document["document"]["file_name"] == "laporan-tindak-lanjut-2024-04-08.xlsx"
        assert document["document"]["mime_type"].endswith("spreadsheetml.sheet")
        book = load_workbook(io.BytesIO(env.server.file_bytes(document["document"]["file_id"])))
        assert book.sheetnames[:4] == ["Tindak Lanjut", "Rekap per Unit", "Pengumuman", "Umpan Balik Negatif"]
        rows = {row["Tindak lanjut"]: row for row in rows_of(book["Tindak Lanjut"])}
        assert SEMARANG_TEXT not in rows and rows[DONE_TEXT]["Status terkini"] == "selesai"
        assert (rows[OVERDUE]["Status terkini"], rows[OVERDUE]["Hari terlambat"]) == ("terlambat", 38)
        assert rows[UNDATED_TEXT]["Kelompok"] == "tanpa tenggat"

        # Without filters: everything, Semarang's meeting included.
        _, everything = await env.send(sekre, "/laporan", expect=2)
        book = load_workbook(io.BytesIO(env.server.file_bytes(everything["document"]["file_id"])))
        assert SEMARANG_TEXT in {row["Tindak lanjut"] for row in rows_of(book["Tindak Lanjut"])}

        [unknown] = await env.send(sekre, "/laporan bulan Maret")
        assert "Saringan “bulan Maret” tidak dikenal" in unknown["text"] and "/laporan sejak" in unknown["text"]
        [bad_date] = await env.send(sekre, "/laporan sejak kemarin")
        assert "Tanggal “kemarin” tidak dapat dibaca" in bad_date["text"]
        [empty] = await env.send(sekre, "/laporan unit")
        assert "Saringan “unit” perlu diisi" in empty["text"]
        [nothing] = await env.send(sekre, "/laporan rapat Surabaya")
        assert "Tidak ada tindak lanjut yang cocok dengan saringan rapat Surabaya" in nothing["text"]

        [refused] = await env.send(budi, "/laporan")
        assert "hanya dapat digunakan oleh sekretariat atau admin" in refused["text"]
        help_text = (await env.send(sekre, "/bantuan"))[0]["text"]
        assert "/laporan" in help_text and "/umpanbalik" not in help_text
        assert "/umpanbalik" in (await env.send(env.admin, "/bantuan"))[0]["text"]
        await env.settle()
        uploads = [c for c in env.server.calls() if c.method in ("sendPhoto", "sendDocument")]
        assert len(uploads) == 4  # two reports, two files each; nothing for the refusals


@async_test
async def test_umpanbalik_pages_the_negative_feedback_for_admins(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        set_clock(env.app, Clock())
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        [none] = await env.send(env.admin, "/umpanbalik")
        assert "Belum ada jawaban yang diberi 👎" in none["text"]

        seed_report(env.users.sessions, env.users, announcement=False)  # one 👎 with a comment, one 👍
        for number in range(1, 6):
            answer_id = env.users.save_answer(
                chat_id=sekre.id, user_id=sekre.id, question=f"Pertanyaan uji nomor {number}?", answer="...",
                mode="extractive", abstained=False, citations=[{"label": f"PP 19/2022 Pasal {number}"}], notices=[],
            )  # fmt: skip
            stored = env.users.get_answer(answer_id)
            assert stored is not None
            env.users.record_feedback(stored, sekre.id, sekre.id, -1)

        [first] = await env.send(env.admin, "/umpanbalik")
        assert "Umpan balik 👎 (6)" in first["text"] and "halaman 1 dari 2" in first["text"]
        assert "Pertanyaan uji nomor 5?" in first["text"] and "PP 19/2022 Pasal 5" in first["text"]
        assert "tanpa komentar" in first["text"] and "GWPP" not in first["text"]  # the oldest is on page 2
        assert buttons(first) == ["Berikutnya ▶"]

        await env.server.click(env.admin, first, "Berikutnya ▶")
        await env.settle()
        second = env.server.message(env.admin, first["message_id"])
        assert second is not None and "halaman 2 dari 2" in second["text"]
        assert "Siapa yang menetapkan GWPP?" in second["text"]
        assert "PP 19/2022 Pasal 7 ayat (5); PP 19/2022 Pasal 8" in second["text"]
        assert "Pasal yang dikutip kurang tepat, seharusnya Pasal 9." in second["text"]
        assert "Apa itu dekonsentrasi?" not in second["text"]  # a 👍 is not listed
        assert buttons(second) == ["◀ Sebelumnya"]

        [refused] = await env.send(sekre, "/umpanbalik")
        assert "hanya dapat digunakan oleh admin" in refused["text"]

        # Rights are read at every press: an admin demoted after opening the list gets no further page.
        rina = env.member("Rina Wulandari", role=ADMIN, unit="Sekretariat Rakor")
        [listing] = await env.send(rina, "/umpanbalik")
        env.users.set_role(rina.id, SEKRETARIAT, by=env.admin.id)
        query = await env.server.click(rina, listing, "Berikutnya ▶")
        assert "hanya dapat digunakan oleh admin" in (await env.server.wait_for_callback_answer(query))["text"]
        await env.settle()
        unchanged = env.server.message(rina, listing["message_id"])
        assert unchanged is not None and "halaman 1 dari 2" in unchanged["text"]


@async_test
async def test_weekly_digest_carries_the_chart_above_its_text(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        clock = Clock()  # Monday 8 April 2024, 08:05: the digest's day
        set_clock(env.app, clock)
        seed_report(env.users.sessions, env.users, announcement=False, people=False)
        sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
        await run_reminders(env.app)
        chart, digest = env.server.read_messages(sekre)
        assert "Laporan lengkap (Excel): /laporan" in chart["caption"]
        image = Image.open(io.BytesIO(env.server.file_bytes(chart["photo"][-1]["file_id"])))
        image.load()
        # Every item: the Bappeda Jabar, the Biro, the Bappeda Jateng (Semarang), the Inspektorat.
        assert image.format == "PNG" and image.size == chart_size(4)
        assert "text" in digest and "photo" not in digest  # the digest's own message follows the chart
        clock.at(4, 8, 11)
        await run_reminders(env.app)
        await env.settle()
        assert env.server.read_messages(sekre) == []  # once a week, chart included

"""Follow-ups in chat through the real Application: the three buttons under a reminder (they change the item
and tell the secretariat), the secretariat's decision on an extension, /tindaklanjut for officials and for the
secretariat, the guided add, edits by id and by replying to a message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot_harness import BotEnv, Corpus, async_test, bot_env, buttons, text_of
from test_reminders_bot import Clock, item, seed

from bot.jobs.reminders import run_reminders, set_clock
from knowledge.operations.followups import get_followup
from knowledge.operations.users import SEKRETARIAT


async def setup(env: BotEnv):
    clock = Clock()  # Monday 8 April 2024, 08:05 WIB
    set_clock(env.app, clock)
    budi = env.member("Budi Santoso", unit="Bappeda Provinsi Jawa Barat")
    sekre = env.member("Dewi Sekretariat", role=SEKRETARIAT, unit="Sekretariat Rakor")
    return clock, budi, sekre


@async_test
async def test_the_three_buttons_change_the_item_and_tell_the_secretariat(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0, digest_weekday=7) as env:
        clock, budi, sekre = await setup(env)
        ids = seed(
            env,
            item(1, "Membuka akun sistem pelaporan", ["Bappeda Prov. Jabar"], date(2024, 4, 15)),
            item(2, "Menyusun laporan triwulanan", ["Bappeda Jabar"], date(2024, 4, 15)),
            item(3, "Menyampaikan data realisasi", ["Bappeda Jabar"], date(2024, 4, 12)),
            item(4, "Mengunggah berita acara", ["Bappeda Jabar"], date(2024, 4, 12)),
        )
        akun, laporan, data, berita = (ids[t] for t in (
            "Membuka akun sistem pelaporan", "Menyusun laporan triwulanan", "Menyampaikan data realisasi",
            "Mengunggah berita acara"))  # fmt: skip
        await run_reminders(env.app)
        [reminder] = env.server.read_messages(budi)
        assert env.server.read_messages(sekre) == []

        # Selesai: a one-line note, then the item is done and the secretariat hears of it.
        [prompt] = await env.press(budi, reminder, f"✅ Selesai #{akun}")
        assert "catatan singkat" in prompt["text"] and "dokumen" in prompt["text"]
        [thanks] = await env.send(budi, "Akun sudah dibuka untuk 27 kabupaten/kota.")
        assert f"#{akun} dicatat selesai" in thanks["text"]
        [told] = await env.server.wait_for_messages(sekre)
        assert f"#{akun} dilaporkan selesai" in told["text"] and "Budi Santoso" in told["text"]
        assert "27 kabupaten/kota" in told["text"]
        row = get_followup(env.users.sessions, akun)
        assert row is not None and row.status == "selesai"
        assert (row.history[-1].actor, row.history[-1].note) == (
            f"user:{budi.id} Budi Santoso", "Akun sudah dibuka untuk 27 kabupaten/kota.",
        )  # fmt: skip
        query = await env.server.click(budi, reminder, f"✅ Selesai #{akun}")  # pressed again: already done
        assert "sudah berstatus selesai" in (await env.server.wait_for_callback_answer(query))["text"]

        # Selesai with a document as evidence: the secretariat gets the file too.
        await env.press(budi, reminder, f"✅ Selesai #{berita}")
        await env.server.send_document(budi, b"%PDF-1.4 bukti", filename="berita-acara.pdf", caption="Sudah diunggah")
        await env.server.wait_for_messages(budi)
        told, evidence = await env.server.wait_for_messages(sekre, 2)
        assert f"#{berita} dilaporkan selesai" in told["text"] and "Sudah diunggah" in told["text"]
        assert evidence["document"]["file_name"] == "berita-acara.pdf" and f"#{berita}" in evidence["caption"]
        assert "berita-acara.pdf" in (get_followup(env.users.sessions, berita).history[-1].note or "")  # type: ignore[union-attr]

        # Minta perpanjangan: a date in words, the secretariat approves, the due date moves, the official is told.
        [ask_date] = await env.press(budi, reminder, f"📅 Minta perpanjangan #{laporan}")
        assert "Senin, 15 April 2024" in ask_date["text"]
        [unreadable] = await env.send(budi, "secepatnya")
        assert "belum dapat dibaca" in unreadable["text"]
        [earlier] = await env.send(budi, "10 April 2024")
        assert "harus setelah Senin, 15 April 2024" in earlier["text"]
        [sent] = await env.send(budi, "2 minggu lagi, menunggu data dari kabupaten")
        assert "sampai <b>" not in sent["text"] and "Senin, 22 April 2024" in sent["text"]
        [request] = await env.server.wait_for_messages(sekre)
        assert f"perpanjangan tindak lanjut #{laporan}" in request["text"] and buttons(request) == [
            "✅ Setujui", "❌ Tolak",
        ]  # fmt: skip
        assert "menunggu data dari kabupaten" in request["text"]
        query = await env.server.click(sekre, request, "✅ Setujui")
        await env.server.wait_for_callback_answer(query)
        [approved] = await env.server.wait_for_messages(budi)
        assert "disetujui" in approved["text"] and "Senin, 22 April 2024" in approved["text"]
        row = get_followup(env.users.sessions, laporan)
        assert row is not None and row.due == date(2024, 4, 22)
        assert row.history[-1].actor == f"user:{sekre.id} Dewi Sekretariat"
        closed = env.server.message(sekre, request["message_id"])
        assert closed is not None and "Disetujui oleh Dewi Sekretariat" in closed["text"] and not buttons(closed)

        # Ada kendala: free text, forwarded, recorded; the item stays open.
        [ask_issue] = await env.press(budi, reminder, f"⚠️ Ada kendala #{data}")
        assert "kendala" in ask_issue["text"]
        [noted] = await env.send(budi, "Server SIPD sering tidak dapat diakses.")
        assert "diteruskan kepada sekretariat" in noted["text"]
        [issue] = await env.server.wait_for_messages(sekre)
        assert f"Kendala pada tindak lanjut #{data}" in issue["text"] and "SIPD" in issue["text"]
        row = get_followup(env.users.sessions, data)
        assert row is not None and row.status == "baru" and row.history[-1].change == "kendala dilaporkan"

        # A second extension request, rejected: the date stays and the official is told.
        await env.press(budi, reminder, f"📅 Minta perpanjangan #{data}")
        await env.send(budi, "30 April 2024")
        [request] = await env.server.wait_for_messages(sekre)
        await env.server.click(sekre, request, "❌ Tolak")
        [rejected] = await env.server.wait_for_messages(budi)
        assert "tidak disetujui" in rejected["text"] and "Jumat, 12 April 2024" in rejected["text"]
        assert get_followup(env.users.sessions, data).due == date(2024, 4, 12)  # type: ignore[union-attr]

        # /batal ends a prompt; the next message is a question again.
        await env.press(budi, reminder, f"⚠️ Ada kendala #{data}")
        [cancelled] = await env.send(budi, "/batal")
        assert "dibatalkan" in cancelled["text"].lower()
        [answer] = await env.send(budi, "Pasal 3 ayat 1")
        assert "Sumber:" in answer["text"]


@async_test
async def test_tindaklanjut_for_officials_and_the_secretariat(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path, reminder_check_minutes=0) as env:
        clock, budi, sekre = await setup(env)
        siti = env.member("Siti Aminah", unit="Bappeda Jateng")
        ids = seed(
            env,
            item(1, "Membuka akun sistem pelaporan", ["Bappeda Prov. Jabar"], date(2024, 4, 1)),
            item(2, "Menyampaikan data realisasi", ["Bappeda Jateng"], date(2024, 4, 30)),
            item(3, "Menyusun jadwal rapat lanjutan", ["Biro Umum"], None, due_text="menunggu arahan pimpinan"),
        )
        akun = ids["Membuka akun sistem pelaporan"]

        [own] = await env.send(budi, "/tindaklanjut")
        assert "Tindak lanjut Anda yang belum selesai (1)" in own["text"] and "data realisasi" not in own["text"]
        assert f"#{akun} · terlambat" in own["text"] and f"✅ Selesai #{akun}" in buttons(own)
        [refused] = await env.send(siti, "/tindaklanjut tambah")
        assert "hanya dapat digunakan oleh sekretariat" in refused["text"]
        [not_hers] = await env.send(siti, f"/tindaklanjut selesai {akun} sudah")
        assert "bukan tanggung jawab unit Anda" in not_hers["text"]

        [listing] = await env.send(sekre, "/tindaklanjut")  # one message, whatever the count
        everything = listing["text"]
        assert "Tindak lanjut terbuka (3)" in everything and "Perlu perhatian sekretariat" in everything
        assert "Unit tanpa pengguna terdaftar: Biro Umum" in everything
        assert "tanpa tenggat (“menunggu arahan pimpinan”)" in everything
        [by_unit] = await env.send(sekre, "/tindaklanjut unit Bappeda Provinsi Jawa Tengah")
        assert "data realisasi" in by_unit["text"] and "akun sistem" not in by_unit["text"]
        [late] = await env.send(sekre, "/tindaklanjut status terlambat")
        assert "(1)" in late["text"] and "akun sistem" in late["text"]
        [bad] = await env.send(sekre, "/tindaklanjut status macet")
        assert "tidak dikenal" in bad["text"]

        # Guided add: text, units, a date in words, no officials.
        [ask_text] = await env.send(sekre, "/tindaklanjut tambah")
        assert "uraian" in ask_text["text"]
        await env.send(sekre, "Menyusun rekap kendala SIPD")
        await env.send(sekre, "Bappeda Prov. Jabar, Bappeda Jateng")
        [bad_date] = await env.send(sekre, "kapan-kapan")
        assert "belum dapat dibaca" in bad_date["text"]
        await env.send(sekre, "2 minggu lagi")
        [saved] = await env.send(sekre, "/lewati")
        new_id = int(saved["text"].split("#")[1].split()[0])
        row = get_followup(env.users.sessions, new_id)
        assert row is not None and row.units == ["Bappeda Provinsi Jawa Barat", "Bappeda Jawa Tengah"]
        assert row.due == date(2024, 4, 22) and row.history[0].actor == f"user:{sekre.id} Dewi Sekretariat"

        # Edit by id, then by replying to the bot's message that names the item.
        [changed] = await env.send(sekre, f"/tindaklanjut ubah {new_id} tenggat akhir Mei 2024")
        assert f"#{new_id} diperbarui: tenggat" in changed["text"] and "31 Mei 2024" in changed["text"]
        await env.server.send_text(sekre, "status berjalan", reply_to=changed)
        [replied] = await env.server.wait_for_messages(sekre)
        assert "diperbarui: status" in replied["text"]
        await env.server.send_text(sekre, "selesai rekap sudah dikirim", reply_to=replied)
        await env.server.wait_for_messages(sekre)
        row = get_followup(env.users.sessions, new_id)
        assert row is not None and (row.status, row.due) == ("selesai", date(2024, 5, 31))
        changes = [h.change for h in row.history]
        assert changes[1:] == [
            "due: 2024-04-22 -> 2024-05-31",
            "status: baru -> berjalan",
            "status: berjalan -> selesai",
        ]

        detail = text_of(await env.send(sekre, f"/tindaklanjut lihat {new_id}"))
        assert "Riwayat" in detail and "Dewi Sekretariat: status: berjalan → selesai — rekap sudah dikirim" in detail
        # The history reads in Indonesian: field names and dates written out, not "due: 2024-04-22 -> ...".
        assert "tenggat: 22 April 2024 → 31 Mei 2024" in detail and "due:" not in detail

        # An official closes their own item by id; the secretariat hears of it.
        [closed] = await env.send(budi, f"/tindaklanjut selesai {akun} akun sudah aktif")
        assert "diperbarui: status" in closed["text"]
        [told] = await env.server.wait_for_messages(sekre)
        assert f"#{akun} dilaporkan selesai" in told["text"] and "akun sudah aktif" in told["text"]
        [empty] = await env.send(budi, "/tindaklanjut")
        assert "Tidak ada tindak lanjut terbuka" in empty["text"]

"""Admin commands and group chats."""

from __future__ import annotations

from pathlib import Path

from bot_harness import Corpus, async_test, bot_env

from knowledge.operations.users import INACTIVE, SEKRETARIAT


@async_test
async def test_admin_lists_users_changes_roles_and_deactivates(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member("Budi <Santoso>", unit="Dinas & Badan")
        pending = env.server.add_user("Rina")
        env.users.register(pending.id, "Rina Wulandari", "Ditjen Bina Adwil")

        [listing] = await env.send(env.admin, "/pengguna")
        text = listing["text"]
        assert text.index("Menunggu persetujuan (1)") < text.index("Aktif")
        assert "Budi <Santoso> — Dinas & Badan" in text and str(budi.id) in text  # escaped, shown as written

        [changed] = await env.send(env.admin, f"/peran {budi.id} sekretariat")
        assert f"(ID {budi.id}) sekarang: sekretariat" in changed["text"]
        [told] = await env.server.wait_for_messages(budi)
        assert "sekretariat" in told["text"]
        assert env.users.get(budi.id).role == SEKRETARIAT  # type: ignore[union-attr]

        [bad_role] = await env.send(env.admin, f"/peran {budi.id} menteri")
        assert "tidak dikenal" in bad_role["text"]
        [usage] = await env.send(env.admin, "/peran")
        assert "/peran USER_ID PERAN" in usage["text"]
        [unknown] = await env.send(env.admin, "/nonaktifkan 42")
        assert "tidak ditemukan" in unknown["text"]
        [self_off] = await env.send(env.admin, f"/nonaktifkan {env.admin.id}")
        assert "sendiri" in self_off["text"]

        [done] = await env.send(env.admin, f"/nonaktifkan {budi.id}")
        assert "sudah dinonaktifkan" in done["text"]
        await env.server.wait_for_messages(budi)  # told
        assert env.users.get(budi.id).status == INACTIVE  # type: ignore[union-attr]
        [refused] = await env.send(budi, "Apa yang dimaksud dengan dekonsentrasi?")
        assert "dinonaktifkan" in refused["text"] and "Sumber:" not in refused["text"]

        [not_admin] = await env.send(env.member("Siti"), "/pengguna")
        assert "hanya dapat digunakan oleh admin" in not_admin["text"]

        [help_text] = await env.send(env.admin, "/bantuan")
        assert "/pengguna" in help_text["text"] and "/izinkan_grup" in help_text["text"]


@async_test
async def test_sources_lists_documents_with_status_and_date(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        [listing] = await env.send(env.member(), "/sumber")
        text = listing["text"]
        assert "CONTOH 1/2024" in text and "berlaku" in text
        assert "CONTOH 2/2010" in text and "dicabut oleh CONTOH 1/2024" in text
        assert "dimasukkan" in text and "WIB" in text


@async_test
async def test_allowed_group_answers_commands_mentions_and_replies_and_ignores_chatter(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        guest = env.server.add_user("Tamu Rapat")  # not registered: the group is vouched for by the admin
        # The bot is an administrator here, so Telegram delivers every message: the bot itself must filter.
        group = env.server.add_group("Rakor Dekon Jabar", [budi, guest], admins=[env.admin], bot_status="administrator")

        [enabled] = await env.send(env.admin, "/izinkan_grup", chat=group)
        assert "aktif di grup ini" in enabled["text"]

        [answer] = await env.send(guest, "/tanya@sinergi_bot Pasal 3 ayat 1", chat=group)
        assert "Sumber:" in answer["text"] and answer["reply_to_message"]["from"]["id"] == guest.id
        assert "typing" in env.server.chat_actions(group)

        [group_help] = await env.send(guest, "/bantuan", chat=group)
        assert "/tanya PERTANYAAN" in group_help["text"] and "/pengguna" not in group_help["text"]

        await env.server.send_text(budi, "Selamat pagi, Bapak dan Ibu.", chat=group)
        await env.settle()
        assert env.server.read_messages(group) == []  # people talking to each other

        [mentioned] = await env.send(budi, "@sinergi_bot kapan laporan akhir tahun disampaikan?", chat=group)
        assert "Sumber:" in mentioned["text"]
        await env.server.send_text(budi, "Pasal 9 ayat 2", chat=group, reply_to=mentioned)
        [replied] = await env.server.wait_for_messages(group)
        assert "Pasal 9 ayat (2)" in replied["text"]

        # Feedback in a group: the invitation mentions the user, whose reply to it is the comment.
        await env.server.click(guest, replied, "👎")
        [invite] = await env.server.wait_for_messages(group)
        assert any(e["type"] == "text_mention" and e["user"]["id"] == guest.id for e in invite["entities"])
        await env.server.send_text(guest, "Kurang jelas bagi peserta rapat.", chat=group, reply_to=invite)
        [saved] = await env.server.wait_for_messages(group)
        assert "Komentar Anda sudah kami simpan" in saved["text"]
        [feedback] = env.users.feedback()
        assert (feedback.user_id, feedback.chat_id) == (guest.id, group.id)
        assert feedback.comment == "Kurang jelas bagi peserta rapat."

        [disabled] = await env.send(env.admin, "/cabut_grup", chat=group)
        assert "tidak lagi aktif" in disabled["text"]


@async_test
async def test_group_not_allowed_is_told_once(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        budi = env.member()
        group = env.server.add_group("Grup Lain", [budi])
        [notice] = await env.send(budi, "/tanya Apa yang dimaksud dengan dekonsentrasi?", chat=group)
        assert "belum diaktifkan di grup ini" in notice["text"] and "/izinkan_grup" in notice["text"]
        await env.server.send_text(budi, "/tanya Pasal 3", chat=group)
        await env.server.send_text(budi, "@sinergi_bot halo", chat=group)
        await env.settle()
        assert env.server.read_messages(group) == []

        [refused] = await env.send(budi, "/izinkan_grup", chat=group)  # only admins may enable it
        assert "hanya dapat digunakan oleh admin" in refused["text"]

        other = env.server.add_group("Grup Baru", [budi], added_by=budi)  # being added is the moment to say it
        [notice] = await env.server.wait_for_messages(other)
        assert "belum diaktifkan di grup ini" in notice["text"]
        await env.server.send_text(budi, "/tanya Pasal 3", chat=other)
        await env.settle()
        assert env.server.read_messages(other) == []

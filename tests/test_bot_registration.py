"""Registration with /daftar: invitation codes, admin approval and rejection, and what unregistered people get."""

from __future__ import annotations

from pathlib import Path

from bot_harness import INVITE_CODE, BotEnv, Corpus, async_test, bot_env, buttons

from bot.sandbox import FakeUser
from knowledge.operations.users import ADMIN, APPROVED, PENDING, REJECTED

QUESTION = "Apa yang dimaksud dengan dekonsentrasi?"


async def fill_form(env: BotEnv, user: FakeUser, code: str | None) -> dict:
    """Walk through /daftar; returns the bot's last reply."""
    [ask_name] = await env.send(user, "/daftar")
    assert "nama lengkap" in ask_name["text"]
    [ask_unit] = await env.send(user, "Rina Wulandari")
    assert "unit kerja" in ask_unit["text"]
    [ask_code] = await env.send(user, "Bappeda Provinsi Jawa Barat")
    assert "kode undangan" in ask_code["text"]
    [done] = await env.send(user, code if code is not None else "/lewati")
    return done


@async_test
async def test_valid_invitation_code_registers_at_once(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        rina = env.server.add_user("Rina")
        done = await fill_form(env, rina, INVITE_CODE.lower())  # codes are not case-sensitive
        assert "Pendaftaran berhasil" in done["text"] and "Rina Wulandari" in done["text"]
        user = env.users.get(rina.id)
        assert user is not None and user.status == APPROVED and user.unit == "Bappeda Provinsi Jawa Barat"
        [answer] = await env.send(rina, QUESTION)
        assert "Sumber:" in answer["text"]
        assert env.server.read_messages(env.admin) == []  # no request bothered the admin


@async_test
async def test_without_code_every_admin_decides_and_approval_lets_the_user_ask(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        second_admin = env.member("Dewi Admin", role=ADMIN)
        rina = env.server.add_user("Rina", username="rina_bappeda")
        done = await fill_form(env, rina, None)
        assert "diteruskan kepada admin" in done["text"]
        [request] = await env.server.wait_for_messages(env.admin)
        [copy] = await env.server.wait_for_messages(second_admin)
        for message in (request, copy):
            assert "Rina Wulandari" in message["text"] and "@rina_bappeda" in message["text"]
            assert buttons(message) == ["✅ Setujui", "❌ Tolak"]

        [before] = await env.send(rina, QUESTION)
        assert "menunggu persetujuan" in before["text"] and "Sumber:" not in before["text"]

        await env.server.click(env.admin, request, "✅ Setujui")
        [told] = await env.server.wait_for_messages(rina)
        assert "disetujui" in told["text"]
        await env.settle()
        for message in (request, copy):  # both admins' copies now show the outcome, without buttons
            current = env.server.message(message["chat"]["id"], message["message_id"])
            assert current is not None and "Disetujui oleh Admin Sekretariat" in current["text"]
            assert buttons(current) == []
        user = env.users.get(rina.id)
        assert user is not None and user.status == APPROVED and user.decided_by == env.admin.id
        [answer] = await env.send(rina, QUESTION)
        assert "Sumber:" in answer["text"]


@async_test
async def test_rejected_user_is_told_and_gets_nothing_from_the_knowledge_base(
    bot_corpus: Corpus, tmp_path: Path
) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        rina = env.server.add_user("Rina")
        await fill_form(env, rina, None)
        [request] = await env.server.wait_for_messages(env.admin)
        await env.server.click(env.admin, request, "❌ Tolak")
        [told] = await env.server.wait_for_messages(rina)
        assert "tidak disetujui" in told["text"]
        assert env.users.get(rina.id).status == REJECTED  # type: ignore[union-attr]
        for attempt in (QUESTION, "/tanya Pasal 3", "/sumber", "/daftar"):
            [reply] = await env.send(rina, attempt)
            assert "tidak disetujui" in reply["text"] and "Sumber:" not in reply["text"], attempt


@async_test
async def test_unregistered_user_gets_one_polite_explanation(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        stranger = env.server.add_user("Tamu")
        for attempt in (QUESTION, "/tanya Pasal 3", "/pasal 3", "/sumber", "/pengguna"):
            replies = await env.send(stranger, attempt)
            await env.settle()
            assert env.server.read_messages(stranger) == [], "exactly one reply"
            assert "/daftar" in replies[0]["text"] and "Sumber:" not in replies[0]["text"], attempt
        [welcome] = await env.send(stranger, "/start")
        assert "Selamat datang" in welcome["text"] and "/daftar" in welcome["text"]
        assert "/pengguna" not in welcome["text"]


@async_test
async def test_wrong_codes_cancel_and_conversation_survives_a_restart(bot_corpus: Corpus, tmp_path: Path) -> None:
    async with bot_env(bot_corpus, tmp_path) as env:
        rina = env.server.add_user("Rina")
        await env.send(rina, "/daftar")
        [cancelled] = await env.send(rina, "/batal")
        assert "dibatalkan" in cancelled["text"]
        [not_a_name] = await env.send(rina, QUESTION)  # after /batal a message is no longer read as a name
        assert "/daftar" in not_a_name["text"]

        await env.send(rina, "/daftar")
        await env.send(rina, "Rina Wulandari")
        await env.restart()  # the step and the draft are in the database, not in memory
        [ask_code] = await env.send(rina, "Ditjen Bina Adwil")
        assert "kode undangan" in ask_code["text"]
        for _ in range(2):
            [wrong] = await env.send(rina, "SALAH")
            assert "tidak dikenali" in wrong["text"]
        give_up, waiting = await env.send(rina, "SALAH LAGI", expect=2)
        assert "kami teruskan kepada admin" in give_up["text"] and "diteruskan kepada admin" in waiting["text"]
        user = env.users.get(rina.id)
        assert user is not None and user.status == PENDING and user.unit == "Ditjen Bina Adwil"
        [request] = await env.server.wait_for_messages(env.admin)
        assert "Ditjen Bina Adwil" in request["text"]

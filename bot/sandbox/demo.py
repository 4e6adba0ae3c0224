"""The sandbox's cast: demo users of every role, so that one terminal can play the admin, the secretariat, an
official of a unit and a stranger, each in their own chat with the bot (`/sebagai`).

They are written to the users table on first start, the way real users get there (the admin through
ADMIN_IDS, the others registered and given their role by the admin), with ids beyond Telegram's range so that
none of them can ever be a real person. What an admin later changes about them (/peran, /nonaktifkan) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.models import FakeUser
from bot.sandbox.server import BotApiServer
from knowledge.operations.units import same_unit
from knowledge.operations.users import ADMIN, PEJABAT, SEKRETARIAT, User, UserError, UserStore

# Telegram user ids have at most 52 significant bits: everything above is the sandbox's.
DEMO_BASE = 2**52
ADMIN_ID = DEMO_BASE + 1
FIRST_EXTRA_ID = DEMO_BASE + 100  # officials of other units, made by `/sebagai pejabat UNIT`
STRANGER = "tamu"
STRANGER_WORDS = (STRANGER, "orang asing", "asing", "stranger")


@dataclass(frozen=True)
class DemoUser:
    id: int
    name: str
    label: str  # what /sebagai calls them: admin, sekretariat, pejabat, tamu
    unit: str = ""
    username: str | None = None


CAST = (
    DemoUser(ADMIN_ID, "Pengguna Sandbox", ADMIN, "", "pengguna_sandbox"),
    DemoUser(DEMO_BASE + 2, "Sari Wulandari", SEKRETARIAT, "Sekretariat Rakor", "sari_sekretariat"),
    DemoUser(DEMO_BASE + 3, "Dewi Lestari", PEJABAT, "Bappeda Prov. Jabar", "dewi_bappeda"),
    DemoUser(DEMO_BASE + 4, "Tamu Sandbox", STRANGER, "", "tamu_sandbox"),  # not registered
)


class DemoCast:
    """The demo users: their rows in the users table and their FakeUsers on the sandbox server."""

    def __init__(self, server: BotApiServer, users: UserStore) -> None:
        self.server = server
        self.users = users
        self.people: dict[int, FakeUser] = {}
        self.labels: dict[int, str] = {}

    def start(self) -> FakeUser:
        """Create what is missing (first start) and every demo user's chat; returns the admin, who plays first.
        The admin must be in ADMIN_IDS (bot/__main__.py puts it there)."""
        for member in CAST:
            self._ensure(member)
        for user in self.users.list_users():
            if user.id >= FIRST_EXTRA_ID and user.id not in self.people:
                self._join(DemoUser(user.id, user.name, PEJABAT, user.unit))
        return self.people[ADMIN_ID]

    def choose(self, query: str) -> FakeUser | str:
        """The demo user `query` names: a role word ("sekretariat", "pejabat Bappeda Kota Bandung", "tamu") or
        part of a name. An official of a unit nobody plays yet is created. A str says why nobody was found."""
        words = " ".join(query.split())
        lowered = words.lower()
        if lowered in STRANGER_WORDS:
            return self.people[CAST[-1].id]
        role, _, unit = words.partition(" ")
        if role.lower() == PEJABAT and unit:
            return self._official_of(unit)
        by_label = [i for i, label in self.labels.items() if label == lowered]
        if by_label:
            return self.people[min(by_label)]
        by_name = [
            fake for fake in self.people.values()
            if lowered in fake.first_name.lower() or lowered == (fake.username or "").lower()
        ]  # fmt: skip
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            names = ", ".join(fake.first_name for fake in by_name)
            return f"“{words}” cocok dengan beberapa pengguna contoh: {names}. Tulis nama yang lebih lengkap."
        return f"Tidak ada pengguna contoh “{words}”.\n{self.roster(None)}"

    def describe(self, fake: FakeUser) -> str:
        """`Sari Wulandari — sekretariat, Sekretariat Rakor`, as the users table says now."""
        user = self.users.get(fake.id)
        if user is None or not user.role:
            return f"{fake.first_name} — belum terdaftar"
        state = user.role if user.active else f"{user.role}, {user.status}"
        return f"{fake.first_name} — {state}" + (f", {user.unit}" if user.unit else "")

    def roster(self, current: FakeUser | None) -> str:
        lines = ["Pengguna contoh (ganti dengan /sebagai PERAN, /sebagai pejabat UNIT, atau /sebagai NAMA):"]
        for _, fake in sorted(self.people.items()):
            mark = "▶ " if current is not None and fake.id == current.id else "  "
            lines.append(f"{mark}{self.describe(fake)}")
        return "\n".join(lines)

    def label(self, fake: FakeUser) -> str:
        """How to switch to this user: the role word when it is unambiguous, else the name."""
        label = self.labels.get(fake.id, "")
        if label and min(i for i, other in self.labels.items() if other == label) == fake.id:
            return label
        return fake.first_name

    # --- creating them ---------------------------------------------------------------------------------

    def _ensure(self, member: DemoUser) -> None:
        if member.label not in (ADMIN, STRANGER) and self.users.get(member.id) is None:
            self.users.register(member.id, member.name, member.unit, username=member.username)
            self.users.set_role(member.id, member.label, by=ADMIN_ID)
        fake = self._join(member)
        if member.label == ADMIN:
            self.users.seen(fake.id, fake.first_name, fake.username)  # ADMIN_IDS made the row, without a name

    def _join(self, member: DemoUser) -> FakeUser:
        fake = self.server.add_user(member.name, username=member.username, user_id=member.id)
        self.people[fake.id] = fake
        self.labels[fake.id] = member.label
        return fake

    def _official_of(self, unit: str) -> FakeUser | str:
        for user_id in sorted(self.people):
            user: User | None = self.users.get(user_id)
            if user is not None and user.role == PEJABAT and same_unit(user.unit, unit):
                return self.people[user_id]
        new_id = max([FIRST_EXTRA_ID - 1, *self.people]) + 1
        try:
            self.users.register(new_id, f"Pejabat {unit}", unit)
            self.users.set_role(new_id, PEJABAT, by=ADMIN_ID)
        except UserError as error:
            return f"Pengguna contoh untuk unit “{unit}” tidak dapat dibuat ({error})."
        return self._join(DemoUser(new_id, f"Pejabat {unit}", PEJABAT, unit))

"""A new user tries every role in `python -m bot` (the sandbox) through a real pseudo-terminal, the way the
README tells them to: as the secretariat they send the minutes of a meeting, as the responsible official they
move the clock to the day before the deadline and get the reminder, report the item done with its button,
and the secretariat sees it done.

The knowledge base is a small corpus of our own, ingested with `python -m ingest` first; the minutes are
written by the test with a deadline three weeks ahead, so nothing is due before the clock is moved."""

from __future__ import annotations

import codecs
import os
import pty
import re
import select
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

LIMIT = 240.0  # seconds any single step may take before the test gives up (a hang guard, not a speed goal)
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|[\x01\x02\r]")
REGULATION = """\
PERATURAN CONTOH
NOMOR 3 TAHUN 2024
TENTANG
PELAPORAN KEGIATAN LATIHAN

Pasal 1
Dalam Peraturan ini yang dimaksud dengan laporan latihan adalah laporan tertulis mengenai kegiatan latihan.

Pasal 2
(1) Laporan latihan disampaikan setiap triwulan.
(2) Laporan latihan disampaikan melalui sistem pelaporan elektronik.
"""
MINUTES = """\
# Notulen Rapat Koordinasi Pelaporan Latihan

- **Hari/Tanggal:** {meeting}
- **Tempat:** Ruang Rapat Sekretariat, Bandung
- **Pimpinan Rapat:** Kepala Sekretariat Rakor

## A. Pembahasan

Peserta membahas pembukaan akun sistem pelaporan elektronik bagi kabupaten dan kota.

## B. Tindak Lanjut

| No | Tindak Lanjut | Penanggung Jawab | Batas Waktu | Status |
|---|---|---|---|---|
| 1 | Membuka akun sistem pelaporan untuk seluruh kabupaten/kota | Bappeda Prov. Jabar | {due} | Baru |
"""


class Pty:
    """The sandbox on the slave side of a pseudo-terminal; the test types on the master side and reads."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"], stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=cwd, env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        # A read may end inside a multi-byte character or an escape sequence: decode incrementally and strip
        # escapes from everything read so far.
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.raw = ""
        self.output = ""
        self.position = 0

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\r").encode())

    def expect(self, *texts: str) -> str:
        """Read until every text has appeared after the previous expectation; returns what came meanwhile."""
        while True:
            fresh = self.output[self.position :]
            if all(text in fresh for text in texts):
                end = max(fresh.index(text) + len(text) for text in texts)
                self.position += end
                return fresh[:end]
            ready, _, _ = select.select([self.master], [], [], LIMIT)
            if not ready:
                raise AssertionError(f"waited {LIMIT:.0f} s for {texts!r}; the terminal showed:\n{fresh[-3000:]}")
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the sandbox ended
                chunk = b""
            if not chunk:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise AssertionError(f"the sandbox ended before {texts!r}:\n{fresh[-3000:]}\n{stderr[-3000:]}")
            self.raw += self.decoder.decode(chunk)
            self.output = _ESCAPES.sub("", self.raw)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        os.close(self.master)


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "WEBHOOK_", "CHROMA_"))}
    env.update({"DATA_DIR": str(data_dir), "EMBEDDING_PROVIDER": "local", "PYTHONUNBUFFERED": "1", "TERM": "dumb"})
    env.pop("DATABASE_URL", None)
    return env


MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")  # fmt: skip


def _indonesian(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _working_wednesday(start: date) -> date:
    """A Wednesday on or after `start` whose Tuesday before is a working day too (public holidays included when
    the holidays calendar is installed), so the reminder the day before the deadline is due on that Tuesday."""
    try:
        import holidays

        days_off: object = holidays.country_holidays("ID", years=range(start.year, start.year + 2))
    except ImportError:
        days_off = {}
    day = start
    while day.weekday() != 2 or day in days_off or day - timedelta(days=1) in days_off:  # type: ignore[operator]
        day += timedelta(days=1)
    return day


def test_a_new_user_plays_every_role_in_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "korpus"
    corpus.mkdir()
    (corpus / "peraturan-contoh-3-2024.md").write_text(REGULATION, encoding="utf-8")
    env = _clean_env(tmp_path / "data")
    ingested = subprocess.run(
        [sys.executable, "-m", "ingest", str(corpus)], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr

    today = date.today()
    due = _working_wednesday(today + timedelta(days=21))
    minutes = tmp_path / "notulen rapat pelaporan.md"  # a space in the path, as people name files
    minutes.write_text(MINUTES.format(meeting=_indonesian(today), due=due.strftime("%d/%m/%Y")), encoding="utf-8")
    the_day_before = (due - timedelta(days=1)).isoformat()

    sandbox = Pty(tmp_path, env)
    try:
        sandbox.expect("Anda masuk sebagai", "Anda › ")
        assert "memasukkan dokumen contoh" not in sandbox.output  # our corpus, not the sample

        sandbox.type("/sebagai sekretariat")
        sandbox.expect("Anda sekarang: Sari Wulandari — sekretariat")
        sandbox.type(f'/kirim "{minutes}" /ingest')
        report = sandbox.expect("Tindak lanjut: 1 baru")
        assert "Dokumen baru ditambahkan" in report

        sandbox.type("/sebagai pejabat")
        sandbox.expect("Anda sekarang: Dewi Lestari — pejabat, Bappeda Prov. Jabar")
        sandbox.type(f"/waktu {the_day_before} 09:00")
        reminder = sandbox.expect("Pengingat tindak lanjut", "Membuka akun sistem pelaporan", "[1] ✅ Selesai #")
        assert "Yth. Dewi Lestari" in reminder and "besok" in reminder
        sandbox.type("/tekan 1")
        sandbox.expect("catatan singkat penyelesaiannya")
        sandbox.type("Akun sudah dibuka untuk seluruh kabupaten/kota.")
        done = sandbox.expect("dicatat selesai", "[Pesan baru untuk Sari Wulandari (sekretariat)")
        assert "sekretariat sudah diberi tahu" in done

        sandbox.type("/sebagai sekretariat")
        told = sandbox.expect("dilaporkan selesai", "Akun sudah dibuka untuk seluruh kabupaten/kota.")
        assert "oleh Dewi Lestari" in told
        sandbox.type("/tindaklanjut lihat 1")
        detail = sandbox.expect("Membuka akun sistem pelaporan", "Anda › ")
        assert "selesai" in detail

        sandbox.type("/keluar")
        sandbox.expect("Sampai jumpa.")
        assert sandbox.process.wait(timeout=60) == 0
        stderr = sandbox.process.stderr.read().decode() if sandbox.process.stderr else ""
        assert "Traceback" not in stderr, stderr
    finally:
        sandbox.close()

"""The ingest report in Indonesian, for people (`python -m ingest` without --json).

Readers and parsers record their warnings in English: those go to the log and to `--json`, where scripts read
them. What a person reads is translated here, phrase by phrase; a warning without a translation yet is shown
as written rather than dropped.
"""

from __future__ import annotations

import re

ACTIONS = {"added": "BARU", "updated": "DIPERBARUI", "removed": "DIHAPUS", "failed": "GAGAL", "skipped": "DILEWATI"}

_WARNINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^no meeting date found; relative deadlines cannot be resolved$"),
     "tanggal rapat tidak ditemukan; tenggat relatif (mis. “2 minggu lagi”) tidak dapat dihitung"),
    (re.compile(r"^(?P<l>.+): the same item number appears twice in this section$"),
     "{l}: nomor butir yang sama muncul dua kali di bagian ini"),
    (re.compile(r"^(?P<l>.+): no deadline \('(?P<w>.*)' could not be read as a date\)$"),
     "{l}: tanpa tenggat (“{w}” tidak dapat dibaca sebagai tanggal)"),
    (re.compile(r"^(?P<l>.+): no deadline$"), "{l}: tanpa tenggat"),
    (re.compile(r"^(?P<l>.+): no responsible unit \(PIC\) found$"),
     "{l}: unit penanggung jawab (PIC) tidak ditemukan"),
    (re.compile(r"^(?P<l>.+): unknown status '(?P<s>.*)', treated as 'baru'$"),
     "{l}: status “{s}” tidak dikenal, dianggap “baru”"),
    (re.compile(r"^no title found; the document is called '(?P<n>.*)'$"),
     "judul tidak ditemukan; dokumen dinamai “{n}”"),
    (re.compile(r"^a recommendation list without any recognisable item$"),
     "daftar rekomendasi tanpa butir yang dapat dikenali"),
    (re.compile(r"^same content as (?P<s>.+); indexed once$"), "isinya sama dengan {s}; diindeks sekali saja"),
    (re.compile(r"^skipped: folder link to (?P<t>.+), outside the folder$"),
     "dilewati: tautan folder ke {t}, di luar folder"),
    (re.compile(r"^skipped: symbolic link to (?P<t>.+), outside the folder$"),
     "dilewati: tautan simbolik ke {t}, di luar folder"),
    (re.compile(r"^(?P<d>.+) was ingested through this link earlier; --prune removes it$"),
     "{d} pernah dimasukkan melalui tautan ini; --prune menghapusnya"),
    (re.compile(r"^OCR repaired: (?P<n>\d+) fixes$"), "teks OCR diperbaiki: {n} perbaikan"),
    (re.compile(r"^No articles \(Pasal\) found$"), "tidak ada Pasal yang ditemukan"),
    (re.compile(r"^No identity header found; identity (?P<d>.+) taken from the file name$"),
     "kepala identitas peraturan tidak ditemukan; identitas {d} diambil dari nama berkas"),
    (re.compile(r"^Year (?P<y>\d+) in the text lies ahead; (?P<d>.+) from the file name$"),
     "tahun {y} dalam teks belum tiba; {d} diambil dari nama berkas"),
    (re.compile(r"^File name suggests (?P<f>.+) but the text says (?P<t>.+); using the text$"),
     "nama berkas menunjukkan {f}, tetapi teksnya menyebut {t}; yang dipakai teksnya"),
    (re.compile(r"^Pasal (?P<n>\S+) has a heading but no text$"), "Pasal {n} berjudul tetapi tanpa isi"),
    (re.compile(r"^(?P<a>.+): revocation clause without a readable regulation: (?P<c>.+)$"),
     "{a}: klausul pencabutan tanpa peraturan yang dapat dibaca: {c}"),
    (re.compile(r"^text is not valid UTF-8: read as UTF-8 with (?P<n>\d+) replaced characters? \(U\+FFFD\)$"),
     "teks bukan UTF-8 yang sah: dibaca sebagai UTF-8 dengan {n} karakter diganti (U+FFFD)"),
    (re.compile(r"^OCR: (?P<s>\d+) of (?P<n>\d+) pages read from scans, mean confidence (?P<c>[\d.]+)$"),
     "OCR: {s} dari {n} halaman dibaca dari pindaian, keyakinan rata-rata {c}"),
    (re.compile(r"^text is not UTF-8: read as (?P<e>\S+) \((?P<h>.+)\), 0 replaced characters$"),
     "teks bukan UTF-8: dibaca sebagai {e} ({h}), tanpa karakter yang diganti"),
]  # fmt: skip


def warning_text(warning: str) -> str:
    """A reader's or parser's warning, in Indonesian where a translation is known."""
    for pattern, template in _WARNINGS:
        if match := pattern.match(warning):
            return template.format(**match.groupdict())
    return warning

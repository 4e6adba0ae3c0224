"""Kinds of regulation: the kind phrases of an identity header ("PERATURAN MENTERI KEUANGAN") and the file-name
prefixes (`pmk-2012-148.md`), each with its abbreviation and full name.

They are one closed list read in two places (the identity header and the file name), and `classify_jenis` is
also what the status parser uses to name the regulations a clause revokes or amends.
"""

from __future__ import annotations

import re

# (pattern on the upper-cased kind phrase, abbreviation, full name or None to use the phrase itself). Order matters.
_JENIS: list[tuple[re.Pattern[str], str, str | None]] = [
    (
        re.compile(r"PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG$"),
        "PERPU",
        "Peraturan Pemerintah Pengganti Undang-Undang",
    ),
    (re.compile(r"PERATURAN PEMERINTAH$"), "PP", "Peraturan Pemerintah"),
    (re.compile(r"UNDANG-UNDANG DARURAT$"), "UUDRT", "Undang-Undang Darurat"),
    (re.compile(r"UNDANG-UNDANG$"), "UU", "Undang-Undang"),
    (re.compile(r"PERATURAN PRESIDEN$"), "PERPRES", "Peraturan Presiden"),
    (re.compile(r"KEPUTUSAN PRESIDEN$"), "KEPPRES", "Keputusan Presiden"),
    (re.compile(r"INSTRUKSI PRESIDEN$"), "INPRES", "Instruksi Presiden"),
    (re.compile(r"PENETAPAN PRESIDEN$"), "PENPRES", "Penetapan Presiden"),
    (re.compile(r"PERATURAN MENTERI DALAM NEGERI$"), "PERMENDAGRI", "Peraturan Menteri Dalam Negeri"),
    (re.compile(r"PERATURAN MENTERI KEUANGAN$"), "PMK", "Peraturan Menteri Keuangan"),
    (re.compile(r"PERATURAN MENTERI KESEHATAN$"), "PERMENKES", "Peraturan Menteri Kesehatan"),
    (re.compile(r"PERATURAN MENTERI( [A-Z/,-]+){1,12}$"), "PERMEN", None),
    (re.compile(r"KEPUTUSAN MENTERI( [A-Z/,-]+){1,12}$"), "KEPMEN", None),
    (re.compile(r"PERATURAN DAERAH( [A-Z/-]+){0,6}$"), "PERDA", None),
    (re.compile(r"PERATURAN GUBERNUR( [A-Z/-]+){0,6}$"), "PERGUB", None),
    (re.compile(r"PERATURAN BUPATI( [A-Z/-]+){0,6}$"), "PERBUP", None),
    (re.compile(r"PERATURAN WALI ?KOTA( [A-Z/-]+){0,6}$"), "PERWALI", None),
    (re.compile(r"PERATURAN CONTOH$"), "CONTOH", "Peraturan Contoh"),  # fictional kind of the demo corpus
]

# File-name prefixes ({jenis}-{tahun}-{nomor}.md) and the full names they stand for.
_FILE_JENIS = {
    "uu": "Undang-Undang",
    "perpu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "perppu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "pp": "Peraturan Pemerintah",
    "perpres": "Peraturan Presiden",
    "keppres": "Keputusan Presiden",
    "inpres": "Instruksi Presiden",
    "permendagri": "Peraturan Menteri Dalam Negeri",
    "pmk": "Peraturan Menteri Keuangan",
    "permenkes": "Peraturan Menteri Kesehatan",
    "permen": "Peraturan Menteri",
    "kepmen": "Keputusan Menteri",
    "perda": "Peraturan Daerah",
    "pergub": "Peraturan Gubernur",
    "perbup": "Peraturan Bupati",
    "perwali": "Peraturan Wali Kota",
    "contoh": "Peraturan Contoh",
}


def classify_jenis(phrase: str) -> tuple[str, str] | None:
    """`Peraturan Menteri Keuangan` -> ("PMK", "Peraturan Menteri Keuangan"); None for an unknown kind."""
    norm = re.sub(r"\s*-\s*|(?<=UNDANG) (?=UNDANG)", "-", phrase.upper())
    norm = re.sub(r"\b(?:REPUB\w*|IN[DO]ONES\w*|RI)\b", " ", norm)
    norm = " ".join(norm.split())
    for pattern, abbr, name in _JENIS:
        if pattern.match(norm):
            return abbr, name or _capitalize_words(norm)
    return None


def _capitalize_words(phrase: str) -> str:
    return " ".join("-".join(p.capitalize() for p in word.split("-")) for word in phrase.split())

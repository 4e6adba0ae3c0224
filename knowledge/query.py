"""Turning an official's question into search text: drop what only routes (document and article
references), and add the formal words for everyday ones ("duit" -> "dana")."""

from __future__ import annotations

import re

# Everyday or abbreviated words officials use -> the words the regulations use. Kept small and general:
# it is vocabulary of the domain, not answers to particular questions.
EVERYDAY_WORDS = {
    "duit": "dana anggaran",
    "uang": "dana anggaran",
    "biaya": "dana pendanaan",
    "aset": "barang milik",
    "pakai": "menggunakan",
    "dekon": "dekonsentrasi",
    "tp": "tugas pembantuan",
    "pemda": "pemerintah daerah",
    "pemprov": "pemerintah daerah provinsi",
    "pemkab": "pemerintah daerah kabupaten",
    "pemkot": "pemerintah daerah kota",
    "kab": "kabupaten",
    "kemendagri": "kementerian dalam negeri",
    "mendagri": "menteri dalam negeri",
    "kemenkeu": "kementerian keuangan",
    "menkeu": "menteri keuangan",
    "k/l": "kementerian lembaga",
    "apbn": "anggaran pendapatan dan belanja negara",
    "apbd": "anggaran pendapatan dan belanja daerah",
    "bmn": "barang milik negara",
    "bmd": "barang milik daerah",
    "satker": "satuan kerja",
    "skpd": "satuan kerja perangkat daerah",
    "opd": "perangkat daerah",
    "gubernur wakil pusat": "gubernur sebagai wakil pemerintah pusat",
    "tahun depan": "tahun anggaran berikutnya",
    "batas waktu": "paling lambat",
    "deadline": "paling lambat",
    "tenggat": "paling lambat",
    "kapan berlaku": "mulai berlaku",
    "syarat": "harus memenuhi ketentuan",
    "persyaratan": "harus memenuhi ketentuan",
}

# "duitnya", "asetnya": the enclitic does not change the word.
_WORDS = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(EVERYDAY_WORDS, key=len, reverse=True)) + r")(?:nya|lah|pun)?\b",
    re.IGNORECASE,
)


def expand(question: str) -> str:
    """The question with the regulations' words added after everyday ones."""
    return _WORDS.sub(lambda m: f"{m.group(0)} {EVERYDAY_WORDS[m.group(1).lower()]}", question)


def strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without the given character spans (references that route the search but match nothing)."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", " ".join(out)).strip()

"""A small fictional corpus for answer tests: a regulation in force with its Penjelasan, the older one it
revokes, and the minutes of a meeting. Written for these tests; it is not law."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore

CURRENT = """\
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 5 TAHUN 2023
TENTANG KOORDINASI PELIMPAHAN URUSAN PEMERINTAHAN

BAB I
KETENTUAN UMUM

Pasal 1
Dalam Peraturan Contoh ini yang dimaksud dengan:
1. Pelimpahan Wilayah adalah penyerahan sebagian pekerjaan kementerian kepada gubernur selaku wakil pusat di \
wilayah provinsi.
2. Penugasan Daerah adalah permintaan kementerian kepada kabupaten atau kota untuk melaksanakan kegiatan \
tertentu dengan biaya dari kementerian.
3. Forum Koordinasi adalah pertemuan berkala antara kementerian, gubernur, dan bupati/wali kota.

BAB II
PERENCANAAN

Pasal 2
(1) Kementerian menyusun rencana Pelimpahan Wilayah setiap tahun.
(2) Rencana sebagaimana dimaksud pada ayat (1) disampaikan kepada gubernur paling lambat bulan Oktober \
sebelum tahun anggaran berjalan.
(3) Gubernur menetapkan keputusan pelaksanaan paling lambat bulan Desember.

Pasal 3
(1) Penugasan Daerah dibiayai dari anggaran kementerian yang memberi tugas.
(2) Kabupaten atau kota tidak wajib menyediakan dana pendamping untuk Penugasan Daerah.

BAB III
PELAPORAN

Pasal 4
(1) Gubernur melaporkan pelaksanaan Pelimpahan Wilayah kepada menteri setiap triwulan.
(2) Laporan sebagaimana dimaksud pada ayat (1) disampaikan melalui aplikasi pelaporan terpadu.

Pasal 5
Barang yang dibeli dari dana Penugasan Daerah menjadi milik kementerian sampai diserahkan kepada daerah.

BAB IV
KETENTUAN PENUTUP

Pasal 6
Pada saat Peraturan Contoh ini mulai berlaku, Peraturan Contoh Nomor 4 Tahun 2010 tentang Koordinasi \
Pelimpahan Urusan dicabut dan dinyatakan tidak berlaku.

Pasal 7
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.

PENJELASAN
ATAS
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 5 TAHUN 2023
TENTANG KOORDINASI PELIMPAHAN URUSAN PEMERINTAHAN

I. UMUM
Peraturan ini menata ulang koordinasi antara kementerian dan daerah agar perencanaan tepat waktu.

II. PASAL DEMI PASAL
Pasal 1
Cukup jelas.
Pasal 2
Ayat (1)
Cukup jelas.
Ayat (2)
Yang dimaksud dengan "tahun anggaran berjalan" adalah tahun anggaran ketika kegiatan dilaksanakan.
Ayat (3)
Cukup jelas.
Pasal 3
Cukup jelas.
Pasal 4
Cukup jelas.
Pasal 5
Cukup jelas.
Pasal 6
Cukup jelas.
Pasal 7
Cukup jelas.
"""

OLD = """\
PERATURAN CONTOH REPUBLIK INDONESIA
NOMOR 4 TAHUN 2010
TENTANG KOORDINASI PELIMPAHAN URUSAN

Pasal 1
Sanksi bagi dinas yang lalai menyampaikan laporan pelimpahan adalah penundaan pencairan dana tahun berikutnya.

Pasal 2
Pelimpahan urusan kepada gubernur dapat ditarik kembali apabila gubernur tidak melaksanakannya.
"""

MINUTES = """\
# Notulen Rapat Koordinasi Pelimpahan Wilayah

Hari/Tanggal: Selasa, 6 Februari 2024
Tempat: Hotel Asmira, Bandung
Pimpinan Rapat: Direktur Pembinaan Pemerintahan Daerah

## Rekomendasi

1. Kementerian agar menyampaikan rencana Pelimpahan Wilayah tepat waktu (PIC: Ditjen Bina Adwil; batas waktu: \
31 Maret 2024).
2. Bappeda Provinsi Jawa Barat agar melatih operator aplikasi pelaporan terpadu (PIC: Bappeda Prov. Jabar; \
batas waktu: akhir Triwulan II 2024).
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contoh-2023-5.md").write_text(CURRENT, encoding="utf-8")
    (folder / "contoh-2010-4.md").write_text(OLD, encoding="utf-8")
    (folder / "notulen-rakor-bandung.md").write_text(MINUTES, encoding="utf-8")
    return folder


def build(data_dir: Path, docs_dir: Path) -> Settings:
    """Ingest the corpus into data_dir and return settings pointing at it (no LLM)."""
    settings = Settings(data_dir=data_dir, primary_document="CONTOH 5/2023", _env_file=None)
    report = Pipeline(KnowledgeStore(settings)).run([write_corpus(docs_dir)])
    assert not report.failed, report.summary()
    return settings

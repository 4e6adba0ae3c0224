"""Uploaded documents (ingest/uploads.py) and the rebuilt dense index (KnowledgeStore.reindex), without Telegram.

Embeddings come from the fake OpenAI-compatible server on loopback (fast, deterministic); everything else is
the real store, pipeline and folder.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bot_harness import offline_settings
from fakes.openai_server import FakeOpenAI

from bot.views.upload_report import (
    render_removal,
    render_upload,
)
from ingest.notices import Notice, NoticeCode, in_indonesian
from ingest.pipeline import Pipeline
from ingest.uploads import (
    ARCHIVE_DIR,
    Progress,
    UploadReport,
    askers_of_changes,
    find_documents,
    ingest_upload,
    mislabelled,
    remove_document,
    safe_filename,
)
from knowledge.config import Settings
from knowledge.db import utcnow
from knowledge.index.corpus import Corpus
from knowledge.index.store import KnowledgeStore
from knowledge.index.vectors import VectorIndex
from knowledge.migrate import init_db
from knowledge.model import BERLAKU, DICABUT
from knowledge.operations.users import UserStore

ZONE = ZoneInfo("Asia/Jakarta")

OLD_REGULATION = """\
PERATURAN CONTOH
NOMOR 4 TAHUN 2015
TENTANG
PELAPORAN LAMA

Pasal 1
Laporan disampaikan setiap semester kepada gubernur.

Pasal 2
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""


def regulation(deadline: int = 15, *, revokes: bool = False, extra: str = "") -> str:
    """A small fictional regulation, CONTOH 9/2024; versions differ in Pasal 2 ayat (1) and Pasal 3."""
    text = f"""\
PERATURAN CONTOH
NOMOR 9 TAHUN 2024
TENTANG
PELAPORAN KEGIATAN LATIHAN

Pasal 1
Laporan kegiatan latihan disampaikan setiap triwulan.

Pasal 2
(1) Laporan disampaikan paling lambat tanggal {deadline} bulan berikutnya.
(2) Laporan memuat capaian fisik dan realisasi anggaran.
{extra}"""
    if revokes:
        text += (
            "\nPasal 3\nPada saat Peraturan Contoh ini mulai berlaku, Peraturan Contoh Nomor 4 Tahun 2015 tentang "
            "Pelaporan Lama dicabut dan dinyatakan tidak berlaku.\n"
        )
    return text


def kb_settings(root: Path, server: FakeOpenAI, **overrides: object) -> Settings:
    return offline_settings(
        root / "kb",
        embedding_provider="openai",
        embedding_base_url=server.base_url,
        embedding_api_key="uji",
        documents_dir=root / "unggahan",
        **overrides,
    )


def make_store(root: Path, server: FakeOpenAI, **overrides: object) -> KnowledgeStore:
    """A store holding CONTOH 4/2015, ingested from a server folder (outside the uploads folder)."""
    folder = root / "server"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contoh-4-2015.txt").write_text(OLD_REGULATION)
    store = KnowledgeStore(kb_settings(root, server, **overrides))
    assert not Pipeline(store).run([folder]).failed
    return store


def upload(store: KnowledgeStore, text: str | bytes, name: str) -> UploadReport:
    data = text.encode() if isinstance(text, str) else text
    return ingest_upload(store, store.settings, data, name, Progress())


def visible_files(store: KnowledgeStore) -> list[str]:
    return sorted(p.name for p in store.settings.docs_dir.iterdir() if not p.name.startswith("."))


def texts_of(store: KnowledgeStore, doc: str) -> str:
    return "\n".join(r.text for r in Corpus.load(store).records if r.doc == doc)


# --------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("PP 19 Tahun 2022.pdf", "pdf", "pp-19-tahun-2022.pdf"),
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini", "txt", "win.txt"),
        ("/var/lib/sinergi/sinergi.db", "pdf", "sinergi.pdf"),
        (".bashrc", "txt", "bashrc.txt"),
        ("...", "md", "dokumen.md"),
        (None, "pdf", "dokumen.pdf"),
        ("Notulen Rapat – Kab. Sumedang (ßüé).docx", "docx", "notulen-rapat-kab-sumedang-ue.docx"),
        ("laporan.pdf", "docx", "laporan.docx"),  # named for what it is, not for what it claims
        ("pedoman.txt", "md", "pedoman.txt"),  # text with headings is still text
        ("catatan.markdown", "md", "catatan.md"),
        ("CON.txt", "txt", "dokumen-con.txt"),
        ("a" * 300 + ".pdf", "pdf", "a" * 80 + ".pdf"),
    ],
)
def test_stored_names_are_safe(name: str | None, kind: str, expected: str) -> None:
    assert safe_filename(name, kind) == expected


def test_a_mislabelled_name_is_one_that_promises_another_type() -> None:
    assert mislabelled("laporan.pdf", "docx")
    assert mislabelled("gambar.jpg", "pdf")
    assert not mislabelled("pedoman.txt", "md") and not mislabelled("tanpa-ekstensi", "pdf")


# --------------------------------------------------------------------------------------------- uploads


def test_a_new_upload_is_stored_ingested_and_reported(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    progress = Progress("Memproses")
    report = ingest_upload(store, store.settings, regulation().encode(), "../Contoh 9 2024.txt", progress)

    assert report.action == "added" and report.doc == "CONTOH 9/2024" and report.passages == 3
    assert visible_files(store) == ["contoh-9-2024.txt"]
    assert "tanggal 15" in texts_of(store, "CONTOH 9/2024")
    stages = progress.text()
    assert "dibaca (teks)" in stages and "dipecah menjadi 3 bagian" in stages and "embedding 3/3" in stages
    reply = render_upload(report, ZONE)
    assert "Dokumen baru ditambahkan" in reply
    assert "Dikenali sebagai: <b>CONTOH 9/2024 — Pelaporan Kegiatan Latihan</b>" in reply
    assert "belum ada versi sebelumnya" in reply and "Bagian: 3." in reply


def test_a_changed_version_replaces_the_old_one_and_reports_what_changed(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = make_store(tmp_path, embeddings)
    assert upload(store, regulation(), "contoh-9-2024.txt").action == "added"

    report = upload(store, regulation(10, revokes=True), "contoh-9-2024.txt")

    assert report.action == "updated" and report.stored == "contoh-9-2024.txt"
    assert report.diff.changed == ["CONTOH 9/2024 Pasal 2 ayat (1)"]
    assert report.diff.added == ["CONTOH 9/2024 Pasal 3"] and report.diff.unchanged == 2
    assert ("CONTOH 9/2024", "2") in report.diff.articles
    [change] = report.status_changes
    assert (change.doc, change.new, change.revoked_by) == ("CONTOH 4/2015", DICABUT, "CONTOH 9/2024")
    text = texts_of(store, "CONTOH 9/2024")
    assert "tanggal 10" in text and "tanggal 15" not in text
    # The replaced file is kept aside, where folder ingests do not see it.
    assert visible_files(store) == ["contoh-9-2024.txt"]
    assert len(list((store.settings.docs_dir / ARCHIVE_DIR).iterdir())) == 1
    reply = render_upload(report, ZONE)
    assert "Dokumen diperbarui" in reply and "Menggantikan versi" in reply
    assert "1 berubah, 1 baru, 0 dihapus, 2 tetap" in reply and "Berubah: Pasal 2 ayat (1)." in reply
    assert "CONTOH 4/2015 sekarang ditandai <b>dicabut</b> oleh CONTOH 9/2024" in reply


def test_a_new_version_under_another_name_retires_the_old_file(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(), "contoh-9-2024.txt")
    report = upload(store, regulation(10), "Contoh 9-2024 (revisi).md")
    assert report.action == "updated" and report.stored == "contoh-9-2024-revisi.md"
    assert visible_files(store) == ["contoh-9-2024-revisi.md"]
    assert [d.doc for d in store.documents()].count("CONTOH 9/2024") == 1


def test_the_same_name_for_another_document_does_not_overwrite_it(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(), "peraturan.txt")
    other = regulation().replace("NOMOR 9 TAHUN 2024", "NOMOR 11 TAHUN 2024")
    report = upload(store, other, "peraturan.txt")
    assert report.action == "added" and report.stored == "peraturan-2.txt"
    assert visible_files(store) == ["peraturan-2.txt", "peraturan.txt"]
    assert {"CONTOH 9/2024", "CONTOH 11/2024"} <= {d.doc for d in store.documents()}


def test_identical_content_changes_nothing(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    report = upload(store, OLD_REGULATION, "salinan.txt")  # already ingested from the server folder
    assert report.action == "unchanged" and report.doc == "CONTOH 4/2015"
    assert visible_files(store) == []
    assert "Tidak ada perubahan" in render_upload(report, ZONE)


def test_a_failed_upload_changes_neither_the_folder_nor_the_knowledge_base(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(), "contoh-9-2024.txt")
    generation, before = store.generation(), texts_of(store, "CONTOH 9/2024")

    # Enough articles for several embedding requests: the second one fails, half-way through the file.
    long_version = regulation(10, extra="".join(f"\nPasal {n}\nKetentuan latihan nomor {n}.\n" for n in range(3, 60)))
    embeddings.fail_after(1)
    report = upload(store, long_version, "contoh-9-2024.txt")

    assert report.action == "failed" and "kesalahan internal" in (report.pesan or "")
    assert store.generation() == generation and texts_of(store, "CONTOH 9/2024") == before
    assert (store.settings.docs_dir / "contoh-9-2024.txt").read_text() == regulation()
    assert not [p for p in store.settings.docs_dir.iterdir() if p.name.startswith(".upload-")]
    assert store.vectors.all_passage_ids() == {r.id for r in Corpus.load(store).records}
    assert "tidak berubah" in render_upload(report, ZONE)


def test_unreadable_and_oversized_uploads_are_refused_before_anything_is_written(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = make_store(tmp_path, embeddings, max_file_mb=0.01)
    generation = store.generation()
    too_big = upload(store, regulation() + "\nLampiran.\n" + "x" * 20_000, "besar.txt")
    assert too_big.action == "failed" and "terlalu besar" in (too_big.pesan or "")
    image = upload(store, b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.pdf")
    assert image.action == "failed" and "gambar PNG" in (image.pesan or "")
    assert store.generation() == generation and visible_files(store) == []


# --------------------------------------------------------------------------------------------- removal


def test_removal_deletes_the_document_its_file_and_revives_what_it_revoked(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(revokes=True), "contoh-9-2024.txt")
    [row] = find_documents(store, "contoh 9/2024")
    assert [r.id for r in find_documents(store, "contoh-9-2024.txt")] == [row.id]  # by file name too
    assert {r.doc for r in find_documents(store, "CONTOH")} == {"CONTOH 9/2024", "CONTOH 4/2015"}

    report = remove_document(store, store.settings, row.source)

    assert report is not None and report.passages_removed == 4 and report.file_deleted
    assert visible_files(store) == [] and "CONTOH 9/2024" not in {d.doc for d in store.documents()}
    [old] = [d for d in store.documents() if d.doc == "CONTOH 4/2015"]
    assert old.status == BERLAKU
    reply = render_removal(report)
    assert "sudah dihapus" in reply and "CONTOH 4/2015 sekarang kembali <b>berlaku</b>" in reply
    assert remove_document(store, store.settings, row.source) is None


def test_removing_a_document_from_the_server_folder_keeps_its_file(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    [row] = find_documents(store, "CONTOH 4/2015")
    report = remove_document(store, store.settings, row.source)
    assert report is not None and not report.file_deleted and Path(row.source).exists()
    assert "di luar folder unggahan" in render_removal(report)


# --------------------------------------------------------------------------------------------- notices


def test_officials_who_asked_about_a_changed_article_are_found(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(), "contoh-9-2024.txt")
    users = UserStore(init_db(f"sqlite:///{tmp_path / 'users.db'}"))

    def asked(user_id: int, question: str, label: str, pasal: str | None) -> None:
        cited = {"id": "x", "doc": "CONTOH 9/2024", "pasal": pasal, "ayat": None, "label": label}
        users.save_answer(
            chat_id=user_id,
            user_id=user_id,
            question=question,
            answer="-",
            mode="extractive",
            abstained=False,
            citations=[cited],
            notices=[],
        )

    asked(1, "Kapan laporan disampaikan?", "CONTOH 9/2024 Pasal 2 ayat (2)", "2")  # same article, other ayat
    asked(2, "Apa isi Pasal 1?", "CONTOH 9/2024 Pasal 1", "1")  # unchanged article
    asked(3, "Kapan batasnya?", "CONTOH 9/2024 Pasal 2 ayat (1)", "2")
    report = upload(store, regulation(10), "contoh-9-2024.txt")

    askers = askers_of_changes(users.sessions, report, exclude=3)
    assert [(a.user_id, a.articles, a.question) for a in askers] == [
        (1, ["Pasal 2 ayat (2)"], "Kapan laporan disampaikan?")
    ]
    later = utcnow() + timedelta(days=31)
    assert askers_of_changes(users.sessions, report, now=later) == []


# --------------------------------------------------------------------------------------------- reindex


def test_reindex_builds_a_new_collection_and_switches_to_it(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    upload(store, regulation(revokes=True), "contoh-9-2024.txt")
    live = {r.id for r in Corpus.load(store).records}
    old_name, generation = store.vectors.name, store.generation()
    seen: list[tuple[int, int]] = []

    result = store.reindex(lambda n, total: seen.append((n, total)))

    assert store.vectors.name == result.collection != old_name and result.previous == old_name
    assert result.passages == len(live) and result.documents == 2 and seen[-1][0] == seen[-1][1]
    assert store.vectors.all_passage_ids() == live and store.generation() != generation
    # Statuses travel with the vectors: the revoked regulation stays marked in the new collection.
    statuses = store.vectors._collection.get(where={"doc": "CONTOH 4/2015"}, include=["metadatas"])["metadatas"]
    assert statuses and {m["status"] for m in statuses} == {DICABUT}
    names = {c.name for c in store.vectors._client.list_collections()}
    assert old_name not in names
    # A store opened later (another process) follows the switch.
    assert KnowledgeStore(store.settings).vectors.name == result.collection


def test_a_failed_reindex_keeps_the_old_index(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    old_name, generation = store.vectors.name, store.generation()
    embeddings.fail_after(0)
    with pytest.raises(Exception):  # noqa: B017 (whatever the embeddings client raises)
        store.reindex()
    assert store.vectors.name == old_name and store.generation() == generation
    assert {c.name for c in store.vectors._client.list_collections()} == {old_name}


def test_a_reindex_left_half_done_is_cleaned_up_by_the_next(tmp_path: Path, embeddings: FakeOpenAI) -> None:
    store = make_store(tmp_path, embeddings)
    leftover = VectorIndex(store.settings, f"{store.settings.chroma_collection}-reindex-0123abcd")
    unrelated = VectorIndex(store.settings, f"{store.settings.chroma_collection}-staging")
    assert leftover.count() == 0 and unrelated.count() == 0
    result = store.reindex()
    names = {c.name for c in store.vectors._client.list_collections()}
    assert names == {result.collection, unrelated.name}


def test_a_new_version_of_a_server_folder_document_warns_that_the_folder_still_holds_the_old_one(
    tmp_path: Path, embeddings: FakeOpenAI
) -> None:
    store = make_store(tmp_path, embeddings)
    newer = OLD_REGULATION.replace("setiap semester", "setiap triwulan")
    report = upload(store, newer, "contoh-4-2015.txt")
    assert report.action == "updated" and report.diff.changed == ["CONTOH 4/2015 Pasal 1"]
    assert "di luar folder unggahan (contoh-4-2015.txt)" in report.warnings[0]
    assert (tmp_path / "server" / "contoh-4-2015.txt").exists()  # files outside the uploads folder are not ours


@pytest.mark.parametrize(
    ("warning", "shown"),
    [
        (Notice(NoticeCode.OCR_REPAIRED, fixes=12), "Teks hasil OCR diperbaiki otomatis (12 perbaikan)."),
        (Notice(NoticeCode.ARTICLE_GAPS, gaps="5, 6"), "pasal yang tidak ada atau tidak terbaca: 5, 6."),
        (
            Notice(NoticeCode.UNREADABLE_DEADLINE, label="Butir 3", words="kapan-kapan"),
            "Butir 3: tenggat “kapan-kapan” tidak dapat dibaca sebagai tanggal.",
        ),
        ("something new", "something new"),
    ],
)
def test_parser_warnings_are_shown_in_indonesian(warning: str, shown: str) -> None:
    assert shown in in_indonesian(warning)

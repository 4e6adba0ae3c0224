"""One writer per DATA_DIR: concurrent ingests from several processes, an upload while the command line
writes, a reader in another process, and a writer that gives up cleanly. The regulations are fictional."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingest.pipeline import Pipeline
from ingest.uploads import Progress, ingest_upload
from knowledge.config import Settings
from knowledge.db import DocumentRow, PassageRow
from knowledge.index.store import KnowledgeStore
from knowledge.index.vectors import unit_passage_id
from knowledge.index.writer import exclusive_writer
from knowledge.model import is_placeholder
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parent.parent
DOCS = 20


def regulation(number: int, round_: int = 0) -> str:
    extra = "".join(
        f"\nPasal {3 + r}\nKetentuan tambahan putaran {r + 1} untuk kegiatan {number}.\n" for r in range(round_)
    )
    return (
        f"PERATURAN CONTOH\nNOMOR {number} TAHUN 2030\nTENTANG KEGIATAN UJI NOMOR {number}\n\n"
        f"Pasal 1\nKegiatan uji {number} dilaksanakan oleh unit pelaksana wilayah {number}.\n\n"
        f"Pasal 2\nLaporan kegiatan uji {number} disampaikan kepada gubernur setiap bulan.\n{extra}"
    )


def write_folder(folder: Path, round_: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, DOCS + 1):
        (folder / f"contoh-2030-{n}.md").write_text(regulation(n, round_), encoding="utf-8")


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "CHROMA", "DATABASE", "EMBEDDING"))}
    return env | {"DATA_DIR": str(data_dir), **extra}


def ingest_process(folder: Path, data_dir: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", str(folder), "--json"],
        cwd=ROOT,
        env=env_for(data_dir, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line_with(process: subprocess.Popen, text: str) -> bool:
    """Read the process's stderr until a line holds `text` (True) or the stream ends (False)."""
    for line in iter(process.stderr.readline, ""):
        if text in line:
            return True
    return False


def assert_consistent(settings: Settings) -> None:
    """Every document once, as many vectors (per passage) as indexable passages, dense retrieval working."""
    store = KnowledgeStore(settings)
    store.reopen_vectors()  # this test process holds earlier views of the files
    with store.sessions() as session:
        docs = session.execute(select(DocumentRow.doc, func.count()).group_by(DocumentRow.doc)).all()
        passages = session.execute(select(PassageRow.id, PassageRow.doc, PassageRow.text)).all()
    assert len(docs) == DOCS and all(count == 1 for _, count in docs), docs
    indexed = {pid for pid, _, text in passages if not is_placeholder(text)}
    in_chroma = {unit_passage_id(u) for u in store.vectors._collection.get(include=[])["ids"]}
    assert in_chroma == indexed
    vector = store.embedder.embed_query("laporan kegiatan uji disampaikan kepada gubernur")
    hits = store.vectors.query(vector, 5)
    assert hits and all(pid in indexed for pid, _ in hits)


@pytest.fixture
def folder_and_settings(tmp_path):
    folder = tmp_path / "docs"
    write_folder(folder, 0)
    return folder, Settings(data_dir=tmp_path / "data", _env_file=None)


def test_two_ingests_at_once_on_a_fresh_data_dir_both_finish(folder_and_settings):
    folder, settings = folder_and_settings
    first, second = ingest_process(folder, settings.data_dir), ingest_process(folder, settings.data_dir)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [err for _, err in outputs]
    assert all("Traceback" not in err for _, err in outputs)
    summaries = [json.loads(out) for out, _ in outputs]
    assert sorted(s["added"] for s in summaries) == [0, DOCS]  # the second found the work done
    assert_consistent(settings)


def test_five_rounds_of_concurrent_ingests_leave_a_consistent_store(folder_and_settings):
    folder, settings = folder_and_settings
    assert not Pipeline(KnowledgeStore(settings)).run([folder]).failed
    for round_ in range(1, 6):
        write_folder(folder, round_)  # every file changes
        # Both start while a third writer holds the lock, so they really overlap on any machine speed.
        with exclusive_writer(settings.data_dir, "ingest", wait=0):
            runs = [ingest_process(folder, settings.data_dir) for _ in range(2)]
            told = [first_line_with(p, "Menunggu: DATA_DIR sedang ditulis oleh ingest") for p in runs]
        outputs = [p.communicate(timeout=300) for p in runs]
        assert [p.returncode for p in runs] == [0, 0], [err for _, err in outputs]
        assert all(told), outputs
        assert sorted(json.loads(out)["updated"] for out, _ in outputs) == [0, DOCS]
        assert_consistent(settings)


def test_a_reader_in_another_process_sees_the_finished_ingest_without_restarting(folder_and_settings, caplog):
    folder, settings = folder_and_settings
    assert not Pipeline(KnowledgeStore(settings)).run([folder]).failed
    reader = Assistant(KnowledgeStore(settings), settings)
    assert "putaran" not in reader.ask("Pasal 3 CONTOH 7/2030").answer  # not there yet

    write_folder(folder, 1)
    run = ingest_process(folder, settings.data_dir)
    assert run.wait(timeout=300) == 0
    with caplog.at_level(logging.WARNING):
        answer = reader.ask("Apa ketentuan tambahan putaran 1 untuk kegiatan 7?")
    assert "dense retrieval failed" not in caplog.text
    assert answer.citations and answer.citations[0].label == "CONTOH 7/2030 Pasal 3"
    assert reader.retriever.corpus.generation == KnowledgeStore(settings).published_generation()


def test_an_upload_waits_for_an_ingest_in_another_process(folder_and_settings):
    folder, settings = folder_and_settings
    store = KnowledgeStore(settings)
    assert not Pipeline(store).run([folder]).failed
    # Another process takes the writer lock for a moment, as a long command-line ingest would.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nfrom knowledge.config import Settings\nfrom knowledge.index.store import KnowledgeStore\n"
            f"s = KnowledgeStore(Settings(data_dir={str(settings.data_dir)!r}, _env_file=None))\n"
            "with s.writing('ingest'):\n    print('held', flush=True); time.sleep(3)",
        ],
        cwd=ROOT,
        env=env_for(settings.data_dir),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    progress = Progress()
    seen: list[str] = []
    watcher = threading.Thread(target=lambda: [seen.append(progress.text()) or time.sleep(0.2) for _ in range(10)])
    watcher.start()
    report = ingest_upload(store, settings, regulation(99).encode(), "contoh-2030-99.md", progress)
    watcher.join()
    holder.wait(timeout=30)
    assert report.ok and report.doc == "CONTOH 99/2030"
    assert any("menunggu ingest (pid" in text for text in seen)


def test_a_writer_that_cannot_wait_exits_with_its_own_code_and_one_clear_line(folder_and_settings):
    folder, settings = folder_and_settings
    store = KnowledgeStore(settings)
    with store.writing("reindex"):
        run = ingest_process(folder, settings.data_dir, WRITER_WAIT_SECONDS="0.5")
        out, err = run.communicate(timeout=120)
    assert run.returncode == 3
    assert "DATA_DIR sedang ditulis oleh reindex (pid" in err and "Traceback" not in err
    assert KnowledgeStore(settings).documents() == []  # nothing half-applied

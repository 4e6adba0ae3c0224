"""The bot's replies about uploaded and removed documents, rendered as Telegram HTML from the reports
that ingest/uploads.py produces (the work is there; the wording and markup are here)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.views.render import esc, format_time
from ingest.uploads import (
    MAX_LISTED,
    TELEGRAM_DOWNLOAD_LIMIT,
    RemovalReport,
    UploadReport,
    document_identity,
    short_label,
)
from knowledge import formats
from knowledge.config import Settings
from knowledge.index.store import StatusChange
from knowledge.model import BERLAKU, DICABUT, DOKUMEN, NOTULEN, REKOMENDASI


def size_problem(size: int | None, name: str, settings: Settings) -> str | None:
    """Why a file of this size cannot be taken (checked before downloading it), or None."""
    if size is None:
        return None
    if size > TELEGRAM_DOWNLOAD_LIMIT:
        return beyond_telegram(name, size)
    if size > settings.max_file_bytes:
        return (
            f"Berkas <b>{esc(name)}</b> terlalu besar ({human_size(size)}); batas unggahan adalah "
            f"{human_size(settings.max_file_bytes)} (pengaturan MAX_FILE_MB)."
        )
    return None


def beyond_telegram(name: str, size: int | None) -> str:
    """Telegram itself will not hand the bot a file this big: say so, and what to do instead."""
    measured = f"berukuran {human_size(size)}" if size else "berukuran lebih dari 20 MB"
    return (
        f"Berkas <b>{esc(name)}</b> {measured}. Bot Telegram hanya dapat mengunduh berkas sampai 20 MB, "
        "sehingga berkas ini tidak dapat diproses melalui chat. Perkecil berkasnya (misalnya simpan ulang PDF "
        "dengan kompresi atau pisahkan per bagian), atau minta pengelola server memasukkannya dengan "
        "<code>python -m ingest FOLDER</code>."
    )


def render_upload(report: UploadReport, zone: ZoneInfo) -> str:
    if not report.ok:
        return "\n".join(
            [
                f"❌ <b>Berkas {esc(report.filename)} tidak dimasukkan</b>",
                esc(report.pesan or ""),
                "Basis pengetahuan tidak berubah; versi yang ada tetap dipakai untuk menjawab.",
            ]
        )
    identity = esc(document_identity(report.doc or "", report.title or ""))
    if report.action == "unchanged":
        return (
            f"ℹ️ <b>Tidak ada perubahan</b>\nIsi berkas {esc(report.filename)} sama persis dengan "
            f"<b>{identity}</b> yang sudah ada (berkas {esc(report.stored or '-')}, {report.passages} bagian)."
        )
    heading = "Dokumen baru ditambahkan" if report.action == "added" else "Dokumen diperbarui"
    lines = [f"✅ <b>{heading}</b>", f"Dikenali sebagai: <b>{identity}</b>"]
    details = [f"Jenis: {type_name(report.doc_type or '')}", f"berkas {esc(report.stored or '-')}"]
    if report.pages:
        details.append(f"{report.pages} halaman")
    lines.append(" · ".join(details))
    if report.previous:
        for version in report.previous:
            lines.append(
                f"Menggantikan versi {format_time(version.ingested_at, zone)} (berkas "
                f"{esc(Path(version.source).name)}, {version.passage_count} bagian)."
            )
    else:
        lines.append("Dokumen baru; belum ada versi sebelumnya.")
    lines.append(_passage_line(report))
    lines += _changed_lines(report)
    followups = (report.followups_added, report.followups_changed, report.followups_removed)
    if any(followups):
        lines.append("Tindak lanjut: {} baru, {} berubah, {} dihapus.".format(*followups))
    if report.revoked_by:
        lines.append(f"⚠️ Dokumen ini tercatat <b>dicabut</b> oleh {esc(report.revoked_by)}.")
    lines += status_lines(report.status_changes)
    if report.warnings:
        lines.append("<b>Peringatan:</b>")
        lines += [f"• {esc(w[:300])}" for w in report.warnings[:MAX_LISTED]]
        if len(report.warnings) > MAX_LISTED:  # a message holds 4096 characters; the log keeps them all
            lines.append(f"• dan {len(report.warnings) - MAX_LISTED} peringatan lainnya.")
    lines.append(f"Selesai dalam {_seconds(report.seconds)} detik; pertanyaan berikutnya memakai versi ini.")
    return "\n".join(lines)


def _passage_line(report: UploadReport) -> str:
    diff = report.diff
    if report.action == "added" or not report.previous:
        return f"Bagian: {report.passages}."
    return (
        f"Bagian: {report.passages} — {len(diff.changed)} berubah, {len(diff.added)} baru, "
        f"{len(diff.removed)} dihapus, {diff.unchanged} tetap."
    )


def _changed_lines(report: UploadReport) -> list[str]:
    doc, diff = report.doc or "", report.diff
    lines = []
    for title, labels in (("Berubah", diff.changed), ("Baru", diff.added), ("Dihapus", diff.removed)):
        if labels:
            names = [short_label(label, doc) for label in labels]
            more = f", dan {len(names) - MAX_LISTED} lainnya" if len(names) > MAX_LISTED else ""
            lines.append(f"{title}: {esc(', '.join(names[:MAX_LISTED]))}{more}.")
    return lines


def status_lines(changes: list[StatusChange]) -> list[str]:
    if not changes:
        return []
    lines = ["<b>Perubahan status:</b>"]
    for change in changes:
        if change.new == DICABUT:
            by = f" oleh {esc(change.revoked_by)}" if change.revoked_by else ""
            lines.append(f"• {esc(change.doc)} sekarang ditandai <b>dicabut</b>{by}")
        elif change.new == BERLAKU:
            lines.append(f"• {esc(change.doc)} sekarang kembali <b>berlaku</b>")
        else:
            lines.append(f"• {esc(change.doc)}: {esc(change.old)} → {esc(change.new)}")
    return lines


def render_removal(report: RemovalReport) -> str:
    lines = [
        f"🗑 <b>{esc(report.doc)}</b> sudah dihapus dari basis pengetahuan: {report.passages_removed} bagian"
        + (f" dan {report.followups_removed} tindak lanjut" if report.followups_removed else "")
        + " dihapus."
    ]
    if report.file_deleted:
        lines.append(f"Berkas {esc(report.stored)} dihapus dari folder unggahan.")
    elif not report.inside_folder:
        lines.append(
            f"Berkas sumbernya ({esc(report.stored)}) berada di luar folder unggahan dan tidak dihapus; jika "
            "folder itu dimasukkan ulang dengan python -m ingest, dokumen ini akan kembali."
        )
    lines += status_lines(report.status_changes)
    return "\n".join(lines)


def type_name(doc_type: str) -> str:
    names = {NOTULEN: "notulen rapat", REKOMENDASI: "daftar rekomendasi", DOKUMEN: "dokumen umum"}
    return names.get(doc_type) or f"peraturan ({doc_type})"


def human_size(size: int) -> str:
    """Indonesian style: "25,3 MB", "350 KB" (Babel, knowledge/formats.py)."""
    return formats.format_size(size)


def _seconds(value: float) -> str:
    return formats.format_number(value, 1)

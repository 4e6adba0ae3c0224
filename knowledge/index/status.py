"""The legal status of regulations: which are revoked, which articles were revoked, deleted, amended or
inserted, by what, according to the clauses read from every regulation the store has seen (indexed or
status-only). The answer layer asks it what to warn about and which wording is in force."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.db import StatusEdgeRow
from knowledge.model import (
    AMENDED,
    BERLAKU,
    DELETED,
    DICABUT,
    DIUBAH,
    IMPLEMENTING_KEPT,
    INSERTED,
    REVOKED,
    REVOKED_IN_PART,
    StatusEdge,
)


@dataclass(frozen=True)
class Change:
    """A status edge as stored, with the file it was read from."""

    source: str
    source_article: str | None
    target: str
    kind: str
    pasal: str | None
    detail: str | None
    text: str
    clause: str
    origin: str

    @property
    def by(self) -> str:
        """How answers name it: "UU 1/2022 Pasal 189", or the regulation when the article is unknown."""
        return self.source_article or self.source

    def to_json(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "by": self.source,
            "by_article": self.source_article,
            "pasal": self.pasal,
            "detail": self.detail,
            "clause": self.clause,
            "text": self.text or None,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class PassageStatus:
    status: str  # berlaku | dicabut | diubah
    by: str | None = None  # "UU 1/2022 Pasal 189"
    note: str | None = None  # what an answer quoting the passage must say about it


def replace_edges(session: Session, origin: str, edges: Iterable[StatusEdge]) -> int:
    """Store what one file says about other regulations, replacing what was read from it before."""
    session.execute(delete(StatusEdgeRow).where(StatusEdgeRow.origin == origin))
    rows = [
        StatusEdgeRow(
            origin=origin,
            source_doc=e.source,
            source_article=e.source_article,
            target_doc=e.target,
            kind=e.kind,
            pasal=e.pasal,
            detail=e.detail,
            text=e.text,
            clause=e.clause,
        )
        for e in edges
    ]
    session.add_all(rows)
    return len(rows)


def delete_edges(session: Session, origin: str) -> None:
    session.execute(delete(StatusEdgeRow).where(StatusEdgeRow.origin == origin))


def _year_number(doc: str) -> tuple[int, int]:
    match = re.search(r"(\d+)[A-Z]?/(\d{4})$", doc)
    return (int(match.group(2)), int(match.group(1))) if match else (0, 0)


class StatusGraph:
    """Every stored statement, indexed by the regulation it is about."""

    def __init__(self, changes: Iterable[Change]) -> None:
        seen: set[tuple] = set()
        self._about: dict[str, list[Change]] = {}
        # The same statement read from two copies of a regulation (indexed and status-only) counts once.
        for change in sorted(changes, key=lambda c: (_year_number(c.source), c.source_article or "", c.origin)):
            key = (change.source, change.source_article, change.target, change.kind, change.pasal, change.detail)
            if key not in seen:
                seen.add(key)
                self._about.setdefault(change.target, []).append(change)

    @classmethod
    def load(cls, session: Session) -> StatusGraph:
        rows = session.execute(
            select(
                StatusEdgeRow.source_doc,
                StatusEdgeRow.source_article,
                StatusEdgeRow.target_doc,
                StatusEdgeRow.kind,
                StatusEdgeRow.pasal,
                StatusEdgeRow.detail,
                StatusEdgeRow.text,
                StatusEdgeRow.clause,
                StatusEdgeRow.origin,
            )
        ).all()
        return cls(Change(*row) for row in rows)

    def about(self, doc: str) -> list[Change]:
        """What other regulations say about `doc`, oldest first."""
        return list(self._about.get(doc, []))

    def revoked(self, doc: str) -> Change | None:
        """The statement that revoked `doc` whole, if any (the earliest)."""
        return next((c for c in self._about.get(doc, []) if c.kind == REVOKED and c.source != doc), None)

    def revocations(self) -> dict[str, str]:
        """Short name of each regulation revoked whole -> the regulation that revoked it."""
        found = {}
        for doc in self._about:
            change = self.revoked(doc)
            if change is not None:
                found[doc] = change.source
        return found

    def current_text(self, doc: str, pasal: str) -> Change | None:
        """The latest amendment or insertion giving `doc` Pasal `pasal` a new wording, unless it was deleted
        or revoked after that."""
        latest = None
        for change in self._about.get(doc, []):
            if change.pasal != pasal:
                continue
            if change.kind in (AMENDED, INSERTED) and change.text:
                latest = change
            elif change.kind in (DELETED, REVOKED_IN_PART) and not change.detail:
                latest = None
        return latest

    def passage_status(self, doc: str, pasal: str | None, ayat: str | None) -> PassageStatus:
        """Whether a passage of `doc` (Pasal `pasal` ayat `ayat`) is in force, and what to tell a reader."""
        whole = self.revoked(doc)
        if whole is not None:
            note = f"Perhatian: {doc} sudah dicabut oleh {whole.by} dan tidak berlaku lagi."
            return PassageStatus(DICABUT, whole.by, note)
        changes = self._about.get(doc, [])
        for change in reversed(changes if pasal else []):  # the latest statement about the article decides
            if change.pasal != pasal:
                continue
            if change.kind == DELETED:
                note = f"Perhatian: {doc} Pasal {pasal} sudah dihapus oleh {change.by}."
                return PassageStatus(DICABUT, change.by, note)
            if change.kind == REVOKED_IN_PART:
                if not change.detail or (ayat and change.detail == f"ayat ({ayat})"):
                    note = (
                        f"Perhatian: {doc} Pasal {pasal}{f' ayat ({ayat})' if change.detail else ''} sudah dicabut "
                        f"oleh {change.by}; ketentuan lain dalam {doc} tetap berlaku."
                    )
                    return PassageStatus(DICABUT, change.by, note)
                note = f"Perhatian: sebagian {doc} Pasal {pasal} ({change.detail}) sudah dicabut oleh {change.by}."
                return PassageStatus(BERLAKU, change.by, note)
            if change.kind in (AMENDED, INSERTED):
                note = f"Perhatian: {doc} Pasal {pasal} telah diubah dengan {change.by}."
                return PassageStatus(DIUBAH, change.by, note)
        # A revocation "in part" that names no article ("ketentuan mengenai ... sepanjang ...") is listed by
        # /status; on every passage of the regulation it would be noise.
        return PassageStatus(BERLAKU)


@dataclass
class StatusReport:
    """What is known about one regulation's status, for /status and `python -m knowledge status`."""

    doc: str
    indexed: bool  # its text is in the knowledge base
    status: str  # berlaku | dicabut
    revoked: Change | None
    changes: list[Change]  # everything said about it, oldest first

    def summary(self) -> str:
        if self.revoked is not None:
            return f"{self.doc} sudah dicabut oleh {self.revoked.by}."
        parts = [c for c in self.changes if c.kind != IMPLEMENTING_KEPT]
        if not parts:
            return f"{self.doc} berlaku; tidak ada keterangan pencabutan atau perubahan yang tercatat."
        return f"{self.doc} berlaku dengan perubahan atau pencabutan sebagian:"

    def lines(self) -> list[str]:
        """The statements in Bahasa Indonesia, those of one regulation about articles on one line each kind
        ("Pasal 63, Pasal 65 diubah dengan UU 9/2015 Pasal I"), so a much-amended law fits a phone."""
        out: list[str] = []
        grouped: dict[tuple[str, str], list[Change]] = {}
        for change in self.changes:
            if change.pasal and change.kind in _ARTICLE_VERBS:
                key = (change.kind, change.source)
                if key not in grouped:
                    grouped[key] = []
                    out.append(f"\0{len(grouped) - 1}")  # placeholder keeps the order of first mention
                grouped[key].append(change)
            else:
                out.append(_line(change))
        groups = list(grouped.values())
        for i, line in enumerate(out):
            if line.startswith("\0"):
                out[i] = _article_line(groups[int(line[1:])])
        return out

    def to_json(self) -> dict:
        return {
            "doc": self.doc,
            "indexed": self.indexed,
            "status": self.status,
            "revoked_by": self.revoked.source if self.revoked else None,
            "revoked_by_article": self.revoked.source_article if self.revoked else None,
            "changes": [c.to_json() for c in self.changes],
        }


def _line(change: Change) -> str:
    article = f"Pasal {change.pasal}" + (f" ({change.detail})" if change.detail else "") if change.pasal else ""
    if change.kind == REVOKED:
        return f"Dicabut oleh {change.by}."
    if change.kind == REVOKED_IN_PART:
        if article:
            return f"{article} dicabut oleh {change.by}."
        return f"Sebagian ketentuannya dicabut oleh {change.by}: \u201c{change.clause}\u201d"
    if change.kind == AMENDED:
        return f"{article} diubah dengan {change.by}." if article else f"Diubah dengan {change.by}."
    if change.kind == INSERTED:
        return f"{article} disisipkan dengan {change.by}."
    if change.kind == DELETED:
        return f"{article} dihapus oleh {change.by}."
    if change.kind == IMPLEMENTING_KEPT:
        return f"Peraturan pelaksanaannya dinyatakan tetap berlaku (sepanjang tidak bertentangan) oleh {change.by}."
    return f"{change.kind}: {change.by}."


_ARTICLE_VERBS = {
    REVOKED_IN_PART: "dicabut oleh",
    AMENDED: "diubah dengan",
    INSERTED: "disisipkan dengan",
    DELETED: "dihapus oleh",
}


def _article_line(changes: list[Change]) -> str:
    articles = ", ".join(dict.fromkeys(f"Pasal {c.pasal}" + (f" ({c.detail})" if c.detail else "") for c in changes))
    sources = list(dict.fromkeys(c.source_article or c.source for c in changes))
    # "UU 9/2015 Pasal I angka 1", "... angka 2": named once as "UU 9/2015 Pasal I".
    by = sources[0] if len(sources) == 1 else re.sub(r" angka \d+$", "", sources[0])
    return f"{articles} {_ARTICLE_VERBS[changes[0].kind]} {by}."


def status_report(graph: StatusGraph, doc: str, indexed: bool) -> StatusReport:
    revoked = graph.revoked(doc)
    return StatusReport(doc, indexed, DICABUT if revoked else BERLAKU, revoked, graph.about(doc))

"""What a regulation says about the status of others: revocations (whole or in part), amendments (articles
replaced, inserted, deleted), and implementing rules kept in force.

Read from the articles of the batang tubuh of a parsed regulation, each statement becomes a `StatusEdge` that
keeps the clause it came from. The same reading serves indexed documents and status-only sources (regulations
read for these clauses alone, `python -m ingest --status-only`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from ingest.notices import Notice, NoticeCode
from knowledge.model import BATANG_TUBUH, Passage, StatusEdge, StatusKind

CLAUSE_CHARS = 600  # how much of the clause an edge keeps as its evidence

_JENIS_WORDS = (
    r"Undang-\s?Undang(?:\s+Darurat)?|Peraturan\s+Pemerintah(?:\s+Pengganti\s+Undang-\s?Undang)?|"
    r"Peraturan\s+Presiden|Keputusan\s+Presiden|Instruksi\s+Presiden|Penetapan\s+Presiden|"
    r"Peraturan\s+Menteri(?:\s+[A-Z][\w/]*){1,6}?|Keputusan\s+Menteri(?:\s+[A-Z][\w/]*){1,6}?|"
    r"Peraturan\s+Daerah(?:\s+[A-Z][\w/]*){0,4}?|Peraturan\s+Gubernur(?:\s+[A-Z]\w*){0,3}?|Peraturan\s+Contoh"
)
MENTION = re.compile(
    rf"(?P<jenis>{_JENIS_WORDS})"
    r"\s+(?:Nomor|No\.?|Nr\.?),?\s*(?P<nomor>\d{1,4}[A-Z]?)"
    r"(?:(?:/[\w.-]+)*/(?P<slash_year>(?:19|20)\d\d)\b|(?:/[\w./-]*)?\s+Tahun\s+(?P<tahun>(?:19|20)\d\d)\b)",
    re.IGNORECASE,
)
_REVOKE_VERB = re.compile(r"\bdicabut\b|dinyatakan\s+tidak\s+berlaku|tidak\s+berlaku\s+lagi|menjadi\s+tidak\s+berlaku")
_MODAL_BEFORE = re.compile(r"\b(?:dapat|wajib|harus|akan|perlu|untuk|belum|telah|yang|tidak|sudah)\s+$")
# "... sebagaimana telah diubah (terakhir) dengan X": X amends the regulation just named and goes with it.
_AMENDED_WITH = re.compile(
    r"sebagaimana\s+telah\s+(?:beberapa\s+kali\s+)?diubah(?:,)?\s+(?:terakhir\s+)?dengan\s*$", re.IGNORECASE
)
# "... tentang Perubahan atas Y": the regulation an amending law amends (readable when OCR lost the rest).
_CHANGE_OF = re.compile(r"Perubahan\s+(?:\w+\s+)?atas\s*$", re.IGNORECASE)
# Words between the start of a clause and a mention that make it about part of a regulation, or about
# something else than the regulation itself.
_PARTIAL = re.compile(
    r"\bPasal\s+\d|\bBab\s+[IVXL]|\bBAB\s+[IVXL]|\bketentuan\s+(?:dalam|pada|mengenai|yang)|\bsepanjang|"
    r"Lampiran|\bhuruf\s+[a-z]\b|\bangka\s+\d|\bayat\s+\(",
    re.IGNORECASE,
)
_AMENDMENT_TITLE = re.compile(r"[\s,]*(?:\([^)]*\)\s*)?tentang\s+Perubahan\s+(?:\w+\s+)?atas\s+", re.IGNORECASE)
_OWN_REFERENCE = re.compile(
    r"sebagaimana\s+dimaksud\s+(?:dalam|pada)\s+Pasal\s+\d{1,4}[A-Z]?(?:\s+ayat\s+\(\d+\))?(?:\s+huruf\s+[a-z])?",
    re.IGNORECASE,
)
# "ketentuan-ketentuan dalam: a. UU X; b. UU Y ... dicabut": the cue before the list scopes every item.
_LIST_SCOPE = re.compile(r"\bketentuan(?:-\s?ketentuan)?\s+(?:dalam|pada|mengenai|yang)\b", re.IGNORECASE)
_IMPLEMENTING = re.compile(r"pelaksanaan\s+(?:dari\s+)?$|peraturan\s+(?:pelaksanaan\s+)?dari\s*$", re.IGNORECASE)
_KEPT = re.compile(r"(?:masih\s+)?tetap\s+berlaku|masih\s+berlaku", re.IGNORECASE)
_ARTICLE_LIST = re.compile(
    r"\bPasal\s+(?P<pasal>\d{1,4}[A-Z]?)\b(?P<detail>(?:(?!\bPasal\b)[^,;])*?)"
    r"(?:\s+sampai\s+dengan\s+Pasal\s+(?P<to>\d{1,4}))?(?=\s*(?:,|;|\bdan\b|\batau\b|$|"
    + r"(?:Undang|Peraturan|Keputusan|Instruksi|Penetapan)))",
    re.IGNORECASE,
)
# A sentence ends at ". X" unless the period closes "No." or a list marker ("1.", "b.").
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bNo\.)(?<!\bNr\.)(?<!\b\d\.)(?<!\b\d\d\.)(?<!\b[a-z]\.)\s+(?=[A-Z0-9])")

# Amendment items: "1. Ketentuan Pasal 3 diubah sehingga berbunyi ...", "3. Di antara Pasal 9 dan Pasal 10
# disisipkan 1 (satu) pasal, yakni Pasal 9A ...", "4. Pasal 20 dihapus."
_ITEM_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})\.\s+")
_ITEM_TARGET = re.compile(r"\bPasal\s+(?P<pasal>\d{1,4}[A-Z]?)\b", re.IGNORECASE)
_INSERTED = re.compile(r"disisipkan\b.*?\bPasal\s+(?P<pasal>\d{1,4}[A-Z]+)\b", re.IGNORECASE | re.DOTALL)
_NEW_TEXT = re.compile(r"berbunyi\s+sebagai\s+berikut\s*:?\s*(?P<text>Pasal\s+\d{1,4}[A-Z]?\b.*)", re.I | re.S)
_DELETED = re.compile(r"\bdihapus\b(?!\s*,?\s*sehingga)", re.IGNORECASE)
_ABOUT_PENJELASAN = re.compile(r"^\s*\d{1,3}\.\s+Penjelasan\b", re.IGNORECASE)
_AMENDS = re.compile(r"(?:ketentuan\s+dalam|mengubah)\s*$", re.IGNORECASE)


def mentioned(match: re.Match[str], classify) -> str | None:
    """Canonical short name of a mention ("Peraturan Pemerintah Nomor 7 Tahun 2008" -> "PP 7/2008")."""
    kind = classify(match.group("jenis"))
    if not kind:
        return None
    # MENTION's nomor group starts with digits, so this match never fails.
    number = cast(re.Match[str], re.match(r"\d+", match.group("nomor"))).group(0)
    return f"{kind[0]} {int(number)}/{match.group('tahun') or match.group('slash_year')}"


def extract_status(
    passages: Iterable[Passage], own: str, title: str, classify, text: str = ""
) -> tuple[list[StatusEdge], list[str]]:
    """Status edges stated by a regulation's batang tubuh, and warnings for clauses that could not be read.

    `classify` maps a kind phrase to (abbreviation, name) (`ingest.parsers.regulation.classify_jenis`). `text`, the
    whole document, is searched for closing provisions the articles do not hold: a Perppu annexed to the law
    that enacts it revokes what the Perppu revokes.
    """
    edges: list[StatusEdge] = []
    warnings: list[str] = []
    body = [p for p in passages if p.part == BATANG_TUBUH and p.pasal]
    amended = _amended_document(body, title, own, classify)
    for passage in body:
        article = _article_label(own, passage)
        if amended and passage.pasal and not passage.pasal.isdigit():
            edges += _amendment_items(passage, own, article, amended)
        if _REVOKE_VERB.search(passage.text):
            for sentence in _SENTENCE_END.split(passage.text):
                found, unreadable = _revocations(sentence, own, article, classify)
                edges += found
                if unreadable:
                    warnings.append(Notice(NoticeCode.UNREADABLE_REVOCATION, article=article, clause=_clip(sentence)))
        if _KEPT.search(passage.text):
            for sentence in _SENTENCE_END.split(passage.text):
                edges += _implementing_kept(sentence, own, article, classify)
    if text:
        edges += _closing_provisions(text, own, title, edges, classify)
    if amended:
        intro = next((p for p in body if not cast(str, p.pasal).isdigit()), None)  # body: passages with a pasal
        edges.append(
            StatusEdge(
                own,
                _article_label(own, intro) if intro else None,
                amended,
                StatusKind.AMENDED,
                clause=_clip(intro.text) if intro else title,
            )
        )
    return _unique(edges), warnings


def _article_label(own: str, passage: Passage) -> str:
    item = _ITEM_NUMBER.match(passage.text) if passage.pasal and not passage.pasal.isdigit() else None
    label = f"{own} Pasal {passage.pasal}"
    return f"{label} angka {item.group('n')}" if item else label


# --- revocations ------------------------------------------------------------------------------------------


def _revocations(sentence: str, own: str, article: str, classify) -> tuple[list[StatusEdge], bool]:
    verbs = [v for v in _REVOKE_VERB.finditer(sentence) if not _MODAL_BEFORE.search(sentence[: v.start()])]
    if not verbs:
        return [], False
    verb = verbs[-1]
    mentions = list(MENTION.finditer(sentence, 0, verb.start()))
    if not mentions:
        # "dicabut" with no regulation before it: a permit, a right, or a clause the OCR garbled.
        unreadable = bool(re.search(r"Lembaran\s+Negara|mulai\s+berlaku", sentence[: verb.start()], re.I))
        return [], unreadable
    edges: list[StatusEdge] = []
    clause = _clip(sentence)
    for m in mentions:
        target = mentioned(m, classify)
        if not target or target == own:
            continue
        before = sentence[: m.start()]
        clause_start = max(before.rfind(";"), before.rfind(":"), -1) + 1
        lead = sentence[clause_start : m.start()]
        # The mention's own item of a list ("a. ...;"): what follows it up to the next item or the verb.
        item_end = sentence.find(";", m.end(), verb.start())
        tail = sentence[m.end() : item_end if item_end != -1 else verb.start()]
        if _IMPLEMENTING.search(lead):
            continue  # "peraturan pelaksanaan dari X ... dicabut": X's implementing rules, not X
        partial = bool(_PARTIAL.search(lead) or _LIST_SCOPE.search(sentence[:clause_start]))
        if _AMENDED_WITH.search(lead):
            # "Y sebagaimana telah diubah dengan X tentang Perubahan atas Y": a dedicated amendment goes with
            # the regulation it amends (an omnibus law that also amended it does not); the Y its title names
            # is revoked too, which recovers clauses whose first words the OCR lost. When only part of Y is
            # revoked ("huruf C Lampiran Y ..."), X stays and Y is revoked in part.
            title = _AMENDMENT_TITLE.match(sentence, m.end())
            amended = MENTION.match(sentence, title.end()) if title else None
            amended_name = mentioned(amended, classify) if amended else None
            if title and not partial:
                edges.append(StatusEdge(own, article, target, StatusKind.REVOKED, clause=clause))
            if amended_name and amended_name != own:
                kind = StatusKind.REVOKED_IN_PART if partial else StatusKind.REVOKED
                edges.append(StatusEdge(own, article, amended_name, kind, clause=clause))
            continue
        if _CHANGE_OF.search(lead):
            continue  # the regulation an amendment's title names: handled with the amendment above
        if re.search(r"\bsepanjang\b", tail):
            edges.append(StatusEdge(own, article, target, StatusKind.REVOKED_IN_PART, clause=clause))
            continue
        if partial:
            articles = list(_articles(lead))
            if articles:
                edges += [
                    StatusEdge(own, article, target, StatusKind.REVOKED_IN_PART, p, d, clause=clause)
                    for p, d in articles
                ]
            else:
                edges.append(StatusEdge(own, article, target, StatusKind.REVOKED_IN_PART, clause=clause))
            continue
        edges.append(StatusEdge(own, article, target, StatusKind.REVOKED, clause=clause))
    return edges, False


_CLOSING = re.compile(
    r"Pada\s+saat\s+(?:\S+\s+){1,8}?ini\s+mulai\s+berlaku[^.]{0,4000}?(?:dicabut|tidak\s+berlaku)[^.]*\."
)
_ENACTED = re.compile(
    r"Penetapan\s+Peraturan\s+Pemerintah\s+Pengganti\s+Undang-\s?Undang\s+Nomor\s+(\d+)\s+Tahun\s+(\d{4})",
    re.IGNORECASE,
)


def _closing_provisions(text: str, own: str, title: str, found: list[StatusEdge], classify) -> list[StatusEdge]:
    """Revocations in closing provisions outside the parsed articles (an annexed Perppu, a lost heading)."""
    known = {(e.target, e.kind, e.pasal) for e in found}
    enacted = _ENACTED.search(title)
    where = f"{own}, lampiran (PERPU {enacted.group(1)}/{enacted.group(2)})" if enacted else f"{own}, teks penutup"
    edges = []
    for match in _CLOSING.finditer(text):
        for edge in _revocations(match.group(0), own, where, classify)[0]:
            if (edge.target, edge.kind, edge.pasal) not in known:
                known.add((edge.target, edge.kind, edge.pasal))
                edges.append(edge)
    return edges


def _articles(lead: str) -> Iterable[tuple[str, str | None]]:
    """("3", None), ("1", "angka 4"), ... for "Pasal 3, Pasal 1 angka 4, Pasal 288 sampai dengan Pasal 291"."""
    lead = _OWN_REFERENCE.sub(" ", lead)  # "sebagaimana dimaksud dalam Pasal 39": this regulation's own article
    listed = list(re.finditer(r"\bketentuan\b", lead, re.IGNORECASE))
    if listed:
        lead = lead[listed[-1].end() :]
    for m in _ARTICLE_LIST.finditer(lead):
        detail = " ".join(m.group("detail").split()) or None
        if m.group("to") and m.group("pasal").isdigit():
            for number in range(int(m.group("pasal")), int(m.group("to")) + 1):
                yield str(number), None
        else:
            yield m.group("pasal").upper(), detail


def _implementing_kept(sentence: str, own: str, article: str, classify) -> list[StatusEdge]:
    """ "peraturan pelaksanaan dari X ... dinyatakan masih tetap berlaku sepanjang tidak bertentangan"."""
    kept = _KEPT.search(sentence)
    if not kept:
        return []
    edges = []
    for m in MENTION.finditer(sentence, 0, kept.start()):
        target = mentioned(m, classify)
        if target and target != own and _IMPLEMENTING.search(sentence[max(0, m.start() - 80) : m.start()]):
            edges.append(StatusEdge(own, article, target, StatusKind.IMPLEMENTING_KEPT, clause=_clip(sentence)))
    return edges


# --- amendments -------------------------------------------------------------------------------------------


def _amended_document(body: list[Passage], title: str, own: str, classify) -> str | None:
    """The regulation an amending one amends: named in Pasal I ("Beberapa ketentuan dalam X diubah") or
    in the title ("Perubahan Kedua atas X")."""
    romans = [p for p in body if not cast(str, p.pasal).isdigit()]  # body: passages with a pasal
    if not romans:
        return None
    intro = romans[0].text
    for m in MENTION.finditer(intro):
        if _AMENDS.search(intro[: m.start()]) or re.search(r"\bdiubah\b", intro[m.end() : m.end() + 400]):
            target = mentioned(m, classify)
            if target and target != own:
                return target
    phrase = re.search(r"Perubahan\s+(?:\w+\s+)?atas\s+", title, re.IGNORECASE)
    if phrase:
        found = MENTION.search(title, phrase.end())
        if found:
            return mentioned(found, classify)
    return None


def _amendment_items(passage: Passage, own: str, article: str, target: str) -> list[StatusEdge]:
    text = passage.text
    if not _ITEM_NUMBER.match(text) or _ABOUT_PENJELASAN.match(text):
        return []
    new_text = _NEW_TEXT.search(text)
    head = text[: new_text.start()] if new_text else text
    clause = _clip(head)
    if new_text:
        body = new_text.group("text").strip()
        heading = _ITEM_TARGET.match(body)
        if heading is None:
            return []
        pasal = heading.group("pasal").upper()
        inserted = _INSERTED.search(head)
        kind = StatusKind.INSERTED if inserted and inserted.group("pasal").upper() == pasal else StatusKind.AMENDED
        return [StatusEdge(own, article, target, kind, pasal, text=body, clause=clause)]
    if _DELETED.search(head):
        return [
            StatusEdge(own, article, target, StatusKind.DELETED, m.group("pasal").upper(), clause=clause)
            for m in _ITEM_TARGET.finditer(head)
        ]
    return []


def _unique(edges: list[StatusEdge]) -> list[StatusEdge]:
    seen: set[tuple] = set()
    out = []
    for edge in edges:
        key = (edge.target, edge.kind, edge.pasal, edge.detail, edge.source_article)
        if key not in seen:
            seen.add(key)
            out.append(edge)
    return out


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CLAUSE_CHARS else text[:CLAUSE_CHARS].rsplit(" ", 1)[0] + " …"

"""What a question names: regulations ("PP 7/2008", "UU Pemda"), meetings ("notulen rakor Bandung") and
articles ("Pasal 7 ayat (5)", "penjelasan pasal 9")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.corpus import Corpus, DocInfo

# Jenis names as people write them -> the abbreviation used in canonical short names.
JENIS = {
    "pp": "PP",
    "peraturan pemerintah": "PP",
    "uu": "UU",
    "undang-undang": "UU",
    "undang undang": "UU",
    "perpu": "PERPU",
    "perppu": "PERPU",
    "perpres": "PERPRES",
    "peraturan presiden": "PERPRES",
    "keppres": "KEPPRES",
    "keputusan presiden": "KEPPRES",
    "inpres": "INPRES",
    "permendagri": "PERMENDAGRI",
    "peraturan menteri dalam negeri": "PERMENDAGRI",
    "pmk": "PMK",
    "permenkeu": "PMK",
    "peraturan menteri keuangan": "PMK",
    "perda": "PERDA",
    "pergub": "PERGUB",
    "peraturan gubernur": "PERGUB",
    "contoh": "CONTOH",
    "peraturan contoh": "CONTOH",
}
# Popular names for laws, matched against titles of documents in the corpus.
ALIASES = {
    "pemda": "pemerintahan daerah",
    "pemerintahan daerah": "pemerintahan daerah",
    "dekon": "dekonsentrasi",
    "dekonsentrasi": "dekonsentrasi",
    "gwpp": "gubernur sebagai wakil pemerintah pusat",
}

_JENIS_ALT = "|".join(sorted((re.escape(k) for k in JENIS), key=len, reverse=True))
_DOC_REF = re.compile(
    rf"\b(?P<jenis>{_JENIS_ALT})\.?\s*(?:no\.?|nomor|nomer)?\s*(?P<nomor>\d+[a-z]?)"
    rf"(?:\s*(?:/|tahun|th\.?|thn\.?)\s*(?P<tahun>\d{{4}}))?\b",
    re.IGNORECASE,
)
_ALIAS_REF = re.compile(
    r"\b(?P<jenis>uu|undang-undang|pp|peraturan pemerintah|perpres)\s+(?:tentang\s+)?(?P<alias>"
    + "|".join(sorted(ALIASES, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"\bpasal\s+(?P<pasal>\d+[a-z]?)\b(?:\s*(?:ayat\s*)?\(\s*(?P<ayat1>\d+)\s*\)|\s+ayat\s+(?P<ayat2>\d+))?",
    re.IGNORECASE,
)
_MEETING = re.compile(r"\b(notulen|notula|rakor|rapat koordinasi|rapat|rekomendasi rakor)\b", re.IGNORECASE)


@dataclass
class DocRef:
    text: str  # as written in the question
    docs: list[str]  # matching documents in the corpus (empty: named but not in the knowledge base)
    canonical: str | None = None  # "PP 19/2022" when the question gave number and year
    span: tuple[int, int] | None = None  # where the question names it (None: inferred from other words)


@dataclass
class ArticleRef:
    pasal: str
    ayat: str | None
    text: str
    span: tuple[int, int] = (0, 0)


def find_doc_refs(question: str, corpus: Corpus) -> list[DocRef]:
    refs: list[DocRef] = []
    covered: list[tuple[int, int]] = []
    for match in _DOC_REF.finditer(question):
        jenis = JENIS[match.group("jenis").lower()]
        nomor, tahun = match.group("nomor").upper(), match.group("tahun")
        if tahun:
            canonical = f"{jenis} {nomor}/{tahun}"
            docs = [canonical] if canonical in corpus.docs else []
        else:
            canonical = None
            docs = [d for d in corpus.docs if d.startswith(f"{jenis} {nomor}/")]
            if not docs:
                continue  # "PP 19" alone that matches nothing is too weak to claim a missing document
        refs.append(DocRef(match.group(0), docs, canonical, match.span()))
        covered.append(match.span())
    for match in _ALIAS_REF.finditer(question):
        if any(start <= match.start() < end for start, end in covered):
            continue
        jenis = JENIS[match.group("jenis").lower()]
        words = ALIASES[match.group("alias").lower()]
        docs = _by_title(corpus, jenis, words)
        if docs:
            refs.append(DocRef(match.group(0), docs[:1], span=match.span()))
    refs.extend(_meeting_refs(question, corpus))
    return refs


def _by_title(corpus: Corpus, jenis: str, words: str) -> list[str]:
    """Documents of that jenis whose title holds the words, in force first, newest first."""
    found = [
        info
        for info in corpus.docs.values()
        if info.doc_type == jenis and words in info.title.lower()
    ]
    found.sort(key=lambda i: (i.status != "berlaku", -_year(i)))
    return [info.doc for info in found]


def _year(info: DocInfo) -> int:
    match = re.search(r"/(\d{4})$", info.doc)
    return int(match.group(1)) if match else 0


def _meeting_refs(question: str, corpus: Corpus) -> list[DocRef]:
    """'notulen rakor Bandung' -> minutes whose title, place or date the other words of the question name."""
    if not _MEETING.search(question):
        return []
    words = {w for w in re.findall(r"[a-z0-9]+", question.lower()) if len(w) > 3}
    meeting_docs = [i for i in corpus.docs.values() if i.doc_type in ("notulen", "rekomendasi")]
    named = []
    for info in meeting_docs:
        meeting = info.info.get("meeting") or {}
        haystack = " ".join(
            str(x) for x in (info.doc, info.title, meeting.get("place"), meeting.get("date")) if x
        ).lower()
        specific = words - {"notulen", "rakor", "rapat", "koordinasi", "rekomendasi", "tindak", "lanjut"}
        if any(w in haystack for w in specific):
            named.append(info.doc)
    if named:
        return [DocRef("rapat", named)]
    return []


def find_article_refs(question: str) -> list[ArticleRef]:
    return [
        ArticleRef(m.group("pasal").upper(), m.group("ayat1") or m.group("ayat2"), m.group(0), m.span())
        for m in _ARTICLE.finditer(question)
    ]


def asks_for_penjelasan(question: str) -> bool:
    return bool(re.search(r"\bpenjelasan\b|\byang dimaksud dengan\b.*\bpasal\b", question, re.IGNORECASE))

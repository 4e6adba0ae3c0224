"""What a question names: regulations ("PP 7/2008", "UU Pemda"), meetings ("notulen rakor Bandung") and
articles ("Pasal 7 ayat (5)", "penjelasan pasal 9")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.index.corpus import Corpus, DocInfo
from knowledge.search.lawnames import NamedLaw, find_law_names

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
    "instruksi presiden": "INPRES",
    "permendagri": "PERMENDAGRI",
    "peraturan menteri dalam negeri": "PERMENDAGRI",
    "pmk": "PMK",
    "permenkeu": "PMK",
    "peraturan menteri keuangan": "PMK",
    "permenkes": "PERMENKES",
    "peraturan menteri kesehatan": "PERMENKES",
    "perda": "PERDA",
    "pergub": "PERGUB",
    "peraturan gubernur": "PERGUB",
    "perbup": "PERBUP",
    "perwali": "PERWALI",
    "contoh": "CONTOH",
    "peraturan contoh": "CONTOH",
}
# Words of a title people use for a law, -> the words its title really has.
ALIASES = {
    "pemda": "pemerintahan daerah",
    "dekon": "dekonsentrasi",
    "tp": "tugas pembantuan",
    "gwpp": "gubernur sebagai wakil pemerintah pusat",
}
# A question about whether a regulation still holds is answered by the one that revoked it.
_STATUS_QUESTION = re.compile(r"\b(?:dicabut|cabut|berlaku|diganti|pengganti|menggantikan|revoked)\b", re.IGNORECASE)

_JENIS_ALT = "|".join(sorted((re.escape(k) for k in JENIS), key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
_DOC_REF = re.compile(
    rf"\b(?P<jenis>{_JENIS_ALT})\.?\s*(?:no\.?|nomor|nomer)?\s*(?P<nomor>\d+[a-z]?)"
    rf"(?:\s*(?:/|tahun|th\.?|thn\.?)\s*(?P<tahun>\d{{4}})|\s+(?P<tahun2>{_YEAR}))?\b",
    re.IGNORECASE,
)
# "Permen BUMN Nomor 8 Tahun 2021", "OJK Regulation 99/2024": a numbered regulation of a kind we do not know.
_OTHER_NUMBERED = re.compile(
    r"\b(?P<name>(?:peraturan|keputusan|permen|kepmen|instruksi|surat edaran|pojk|pbi|perma|perkap|qanun|"
    r"regulation|act|law)\b[\w .-]{0,40}?)\s*(?:no\.?|nomor)?\s*(?P<nomor>\d{1,4})\s*(?:/|tahun)\s*"
    rf"(?P<tahun>{_YEAR})\b",
    re.IGNORECASE,
)
# "UU Metaverse", "PP tentang Dekonsentrasi", "pp dekon ini": a kind followed by words of a title.
_TITLED = re.compile(
    rf"\b(?P<jenis>{_JENIS_ALT})\s+(?:tentang\s+)?(?P<words>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){{0,5}})",
    re.IGNORECASE,
)
_TITLE_STOP = re.compile(
    r"\b(?:ini|itu|tersebut|yang|yg|dan|atau|tentang|soal|mengenai|menurut|dalam|pada|untuk|apa|siapa|"
    r"bagaimana|kapan|berapa|pasal|ayat|nomor|no|tahun|masih|sudah|apakah|juga|jg|dong|sih|ya|terkait|"
    r"yang|berdasarkan|sesuai|dari)\b.*$",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"\b(?:pasal|psl\.?)\s*(?P<pasal>\d+[a-z]?)\b(?:\s*(?:ayat\s*)?\(\s*(?P<ayat1>\d+)\s*\)|\s+ayat\s+(?P<ayat2>\d+))?",
    re.IGNORECASE,
)
_MEETING = re.compile(r"\b(notulen|notula|rakor|rapat koordinasi|rapat|rekomendasi rakor)\b", re.IGNORECASE)


@dataclass
class DocRef:
    text: str  # as written in the question
    docs: list[str]  # matching documents in the corpus (empty: named but not in the knowledge base)
    canonical: str | None = None  # "PP 19/2022" when the question gave number and year, "UU ITE" for a name
    span: tuple[int, int] | None = None  # where the question names it (None: inferred from other words)
    foreign: bool = False  # a foreign law (GDPR): no Indonesian regulation speaks for it
    # Words that only say which meeting ("rakor", "Bandung", "Februari 2024"): every passage of its minutes
    # is about that meeting, so they route the search but must not rank the passages.
    strip: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ArticleRef:
    pasal: str
    ayat: str | None
    text: str
    span: tuple[int, int] = (0, 0)


def find_doc_refs(question: str, corpus: Corpus) -> list[DocRef]:
    """Every regulation and meeting the question names, held by the corpus or not."""
    refs: list[DocRef] = []

    def free(span: tuple[int, int]) -> bool:
        return not any(r.span and r.span[0] < span[1] and span[0] < r.span[1] for r in refs)

    for match in _DOC_REF.finditer(question):
        jenis = JENIS[match.group("jenis").lower()]
        nomor, tahun = match.group("nomor").upper(), match.group("tahun") or match.group("tahun2")
        if tahun:
            canonical = f"{jenis} {nomor}/{tahun}"
            docs = [canonical] if canonical in corpus.docs else []
        else:
            canonical = None
            docs = [d for d in corpus.docs if d.startswith(f"{jenis} {nomor}/")]
            if not docs:
                continue  # "PP 19" alone that matches nothing is too weak to claim a missing document
        refs.append(DocRef(match.group(0), docs, canonical, match.span()))
    for named in find_law_names(question):
        if free(named.span):
            refs.append(_named_law_ref(named, corpus))
    for match in _OTHER_NUMBERED.finditer(question):
        if free(match.span()):
            text = " ".join(match.group(0).split())
            refs.append(DocRef(text, [], text, match.span()))
    for match in _TITLED.finditer(question):
        if free(match.span()):
            ref = _titled_ref(match, corpus)
            if ref is not None:
                refs.append(ref)
    refs.extend(_meeting_refs(question, corpus))
    if _STATUS_QUESTION.search(question):
        for ref in refs:
            for doc in list(ref.docs):
                revoked_by = corpus.docs[doc].revoked_by
                if revoked_by in corpus.docs and revoked_by not in ref.docs:
                    ref.docs.append(revoked_by)
    return refs


def _named_law_ref(named: NamedLaw, corpus: Corpus) -> DocRef:
    law = named.law
    docs = [d for d in law.docs if d in corpus.docs]
    if not docs and law.title:
        jenis = law.docs[0].split()[0] if law.docs else "UU"
        docs = _by_title(corpus, jenis, law.title)[:1]
    return DocRef(named.text, docs, law.name, named.span, foreign=law.foreign)


def _titled_ref(match: re.Match[str], corpus: Corpus) -> DocRef | None:
    """ "pp dekon" -> PP 19/2022 by its title; "UU Metaverse" -> a named law the corpus does not hold."""
    jenis = JENIS[match.group("jenis").lower()]
    words = _TITLE_STOP.sub("", match.group("words")).split()
    if not words:
        return None
    expanded = [ALIASES.get(w.lower(), w.lower()) for w in words]
    for size in range(len(expanded), 0, -1):
        docs = _by_title(corpus, jenis, " ".join(expanded[:size]))
        if docs:
            end = match.start("words") + len(" ".join(words[:size]))
            return DocRef(question_text(match, end), docs[:1], span=(match.start(), end))
    # Only a written name counts as naming a law: "UU Metaverse", not "uu baru".
    first = words[0]
    if first[0].isupper() and first.lower() not in ALIASES:
        name_words = [w for w in words if w[0].isupper()] or [first]
        end = match.start("words") + len(" ".join(words[: len(name_words)]))
        text = question_text(match, end)
        return DocRef(text, [], text, (match.start(), end))
    return None


def question_text(match: re.Match[str], end: int) -> str:
    return match.string[match.start() : end]


def _by_title(corpus: Corpus, jenis: str, words: str) -> list[str]:
    """Documents of that jenis whose title holds the words, in force first, newest first."""
    pattern = re.compile(rf"\b{re.escape(words)}\b")
    found = [info for info in corpus.docs.values() if info.doc_type == jenis and pattern.search(info.title.lower())]
    found.sort(key=lambda i: (i.status != "berlaku", -_year(i)))
    return [info.doc for info in found]


def _year(info: DocInfo) -> int:
    match = re.search(r"/(\d{4})$", info.doc)
    return int(match.group(1)) if match else 0


def _meeting_refs(question: str, corpus: Corpus) -> list[DocRef]:
    """'notulen rakor Bandung' -> minutes whose title, place or date the other words of the question name."""
    if not _MEETING.search(question):
        return []
    words = [m for m in re.finditer(r"[A-Za-z0-9]+", question) if len(m.group()) > 3]
    meeting_docs = [i for i in corpus.docs.values() if i.doc_type in ("notulen", "rekomendasi")]
    named: list[str] = []
    matched: set[tuple[int, int]] = set()
    for info in meeting_docs:
        meeting = info.info.get("meeting") or {}
        # Place and date name the meeting and nothing else; words of the title also route the search but
        # stay in it ("pelaporan", "disampaikan" may be exactly what is asked).
        when_where = " ".join(str(x) for x in (meeting.get("place"), meeting.get("date"), _month_year(meeting)) if x)
        haystack = f"{info.doc} {info.title} {when_where}".lower()
        specific = [m for m in words if m.group().lower() not in _MEETING_WORDS]
        if any(re.search(rf"\b{re.escape(m.group().lower())}\b", haystack) for m in specific):
            named.append(info.doc)
            matched.update(
                m.span() for m in specific if re.search(rf"\b{re.escape(m.group().lower())}\b", when_where.lower())
            )
    if not named:
        return []
    strip = sorted(matched | {m.span() for m in _MEETING.finditer(question)})
    return [DocRef("rapat", named, strip=strip)]


_MEETING_WORDS = {"notulen", "notula", "rakor", "rapat", "koordinasi", "rekomendasi", "tindak", "lanjut"}
_MONTHS = "januari februari maret april mei juni juli agustus september oktober november desember".split()


def _month_year(meeting: dict) -> str:
    """ "2024-02-06" -> "februari 2024": how people name a meeting's date."""
    match = re.match(r"(\d{4})-(\d{2})-\d{2}", str(meeting.get("date") or ""))
    return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}" if match else ""


def regulation_named(text: str, corpus: Corpus) -> str | None:
    """The canonical short name of the regulation `text` names ("uu 33 2004", "UU Pemda"), held or not."""
    for ref in find_doc_refs(text, corpus):
        if ref.docs:
            return ref.docs[0]
        if ref.canonical and re.fullmatch(r"[A-Z]+ \d+[A-Z]?/\d{4}", ref.canonical):
            return ref.canonical
    return None


def find_article_refs(question: str) -> list[ArticleRef]:
    return [
        ArticleRef(m.group("pasal").upper(), m.group("ayat1") or m.group("ayat2"), m.group(0), m.span())
        for m in _ARTICLE.finditer(question)
    ]


def asks_for_penjelasan(question: str) -> bool:
    return bool(re.search(r"\bpenjelasan\b|\byang dimaksud dengan\b.*\bpasal\b", question, re.IGNORECASE))

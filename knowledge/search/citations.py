"""Checks on generated answers: nothing reaches the official that the cited passages do not say.

Each sentence of a model's answer (cut by `knowledge.search.sentences`, which knows "Psl.", "No.", "huruf a.") is
kept only if all of these hold; otherwise the whole sentence goes, and the answer says less rather than more:
- its [n] markers point at passages we gave; a sentence without a marker names no article;
- it passes on no instruction ("abaikan instruksi sebelumnya", "kunjungi ..."): a document's text is data;
- every URL, e-mail address and phone number in it appears verbatim in a passage it cites;
- every article it names, in any form (digits, words, "Psl.", Roman numerals, ranges, ayat, huruf), exists in
  the document it names or cites, and is an article it cites or one those passages refer to;
- every regulation it names is one it cites or one those passages name;
- every number it states is stated by a passage it cites;
- its content is supported by the passages it cites (`knowledge.search.support`: word overlap and e5 similarity),
  and it contradicts them neither with a negation they do not have nor with a party they do not name.
An unmarked sentence is checked against all the passages given.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from weakref import WeakKeyDictionary

from knowledge.index.corpus import Corpus
from knowledge.index.embeddings import Embedder
from knowledge.model import Passage
from knowledge.numerals import find_digit_numbers, find_number_words, number_values
from knowledge.search.article_mentions import ArticleMention, find_article_mentions
from knowledge.search.references import DocRef, find_doc_refs
from knowledge.search.sentences import split_sentences
from knowledge.search.support import Support, SupportChecker

_MARKER = re.compile(r"\[(\d{1,2})\]")
# "[1, 2]", "[1; 3]", "[1-3]": rewritten as "[1][2]" so that every marker is checked and renumbered alike.
_MARKER_GROUP = re.compile(r"\[(\d{1,2}(?:\s*(?:[,;]|-|–)\s*\d{1,2})+)\]")

# Reasons a sentence was removed, for the logs and the benchmark.
MARKER = "marker outside the sources"
UNMARKED_ARTICLE = "article named without a marker"
INSTRUCTION = "instruction"
CONTACT = "link, e-mail or phone number not in the cited passage"
ARTICLE_MISSING = "article that does not exist in the document"
ARTICLE_NOT_CITED = "article the cited passages neither are nor mention"
LETTER_MISSING = "huruf or angka the article does not have"
DOCUMENT = "regulation the cited passages neither are nor name"
NUMBER = "number the cited passages do not state"
UNSUPPORTED = "not supported by the cited passages"


@dataclass
class Dropped:
    sentence: str
    reason: str
    support: Support | None = None


@dataclass
class Verified:
    text: str
    used: list[int] = field(default_factory=list)  # 1-based source numbers the text cites, in order
    removed: list[str] = field(default_factory=list)  # sentences dropped, for the logs
    dropped: list[Dropped] = field(default_factory=list)  # the same, with the reason
    kept: list[tuple[str, Support]] = field(default_factory=list)  # sentences kept, with their support


@dataclass
class _Sentence:
    text: str
    line: int
    markers: list[int]
    basis: list[Passage]  # the passages it cites, or all of them when it cites none
    lead_in: bool = False  # "Laporan memuat:", vouched for by the marked list items after it


def verify_answer(text: str, sources: list[Passage], corpus: Corpus, embedder: Embedder | None = None) -> Verified:
    """Keep the sentences of `text` that the passages `sources` (numbered from 1) support.

    `embedder` gives the e5 similarity (one batch for the whole answer); without it word overlap decides
    alone, with a higher bar."""
    result = Verified(text="")
    sentences = _sentences(text)
    candidates: list[_Sentence] = []
    for index, (line_number, sentence) in enumerate(sentences):
        checked = _check(sentence, line_number, sources, corpus, _list_markers(sentences, index))
        if isinstance(checked, Dropped):
            result.dropped.append(checked)
        else:
            candidates.append(checked)
    claims = [(_MARKER.sub(" ", c.text), c.basis) for c in candidates]
    supports = SupportChecker(corpus, embedder).check(claims) if claims else []
    kept = [(c, s) for c, s in zip(candidates, supports, strict=True) if s.supported]
    result.dropped += [
        Dropped(c.text, UNSUPPORTED, s) for c, s in zip(candidates, supports, strict=True) if not s.supported
    ]
    lines: dict[int, list[str]] = {}
    for i, (candidate, support) in enumerate(kept):
        if candidate.lead_in and not any(c.line > candidate.line and c.markers for c, _ in kept[i + 1 : i + 2]):
            # "Laporan memuat:" with none of its items left says nothing.
            result.dropped.append(Dropped(candidate.text, UNSUPPORTED, support))
            continue
        result.kept.append((candidate.text, support))
        lines.setdefault(candidate.line, []).append(candidate.text)
        for m in candidate.markers:
            if m not in result.used:
                result.used.append(m)
    result.removed = [d.sentence for d in result.dropped]
    result.text = "\n".join(" ".join(kept) for _, kept in sorted(lines.items())).strip()
    return result


def _sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) of the answer; markers standing alone ("[1]" on a line of its own) belong to the
    sentence before them, and text with no words at all (a stray "*") is no sentence."""
    out: list[tuple[int, str]] = []
    for line_number, line in enumerate(_MARKER_GROUP.sub(_expand_markers, text).splitlines()):
        for sentence in split_sentences(line):
            if not re.search(r"\w", _MARKER.sub("", sentence)):
                if out and _MARKER.search(sentence):
                    out[-1] = (out[-1][0], f"{out[-1][1]} {sentence}")
                continue
            out.append((line_number, sentence))
    return out


_LIST_LINE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)]|[a-z][.)])\s", re.IGNORECASE)


def _list_markers(sentences: list[tuple[int, str]], index: int) -> list[int]:
    """For an unmarked lead-in ending in ":" ("Menurut Pasal 3 ayat (1), laporan memuat:"), the markers of the
    list lines right after it: a model marks the items, and the lead-in says what they are."""
    line, sentence = sentences[index]
    if _MARKER.search(sentence) or not sentence.rstrip().endswith(":"):
        return []
    markers: list[int] = []
    for later_line, later in sentences[index + 1 :]:
        if later_line == line or not _LIST_LINE.match(later):
            break
        markers += [int(m) for m in _MARKER.findall(later) if int(m) not in markers]
    return markers


def _expand_markers(match: re.Match[str]) -> str:
    numbers = [int(n) for n in re.findall(r"\d{1,2}", match.group(1))]
    if re.search(r"[-–]", match.group(1)) and len(numbers) == 2 and 0 < numbers[1] - numbers[0] <= 10:
        numbers = list(range(numbers[0], numbers[1] + 1))
    return "".join(f"[{n}]" for n in numbers)


def _check(sentence: str, line: int, sources: list[Passage], corpus: Corpus, items: list[int]) -> _Sentence | Dropped:
    markers = [int(m) for m in _MARKER.findall(sentence)]
    if any(not 1 <= m <= len(sources) for m in markers):
        return Dropped(sentence, MARKER)
    items = [m for m in items if 1 <= m <= len(sources)]
    cited = list(dict.fromkeys(sources[m - 1] for m in markers or items))
    basis = cited or sources
    body = _MARKER.sub(" ", sentence)
    if _INSTRUCTION.search(body):
        return Dropped(sentence, INSTRUCTION)
    if not _contacts_quoted(body, basis):
        return Dropped(sentence, CONTACT)
    mentions = find_article_mentions(body)
    doc_refs = [r for r in find_doc_refs(body, corpus) if r.span is not None]
    if mentions and not cited:
        # A legal claim with no source is exactly what this product must not print.
        return Dropped(sentence, UNMARKED_ARTICLE)
    reason = _articles_problem(mentions, doc_refs, cited, corpus) or _documents_problem(doc_refs, basis, corpus)
    if reason:
        return Dropped(sentence, reason)
    if not _numbers_stated(body, mentions, doc_refs, basis):
        return Dropped(sentence, NUMBER)
    return _Sentence(sentence, line, markers, basis, lead_in=bool(items))


# --- instructions ------------------------------------------------------------------------------------

_INSTRUCTION = re.compile(
    r"\b(?:abaikan|lupakan|hiraukan|acuhkan|jangan\s+ikuti)\b[^.]{0,60}\b(?:instruksi|perintah|aturan|arahan|"
    r"petunjuk|prompt)"
    r"|\b(?:ignore|disregard|forget|override)\b[^.]{0,60}\b(?:instructions?|prompts?|rules?|guidelines?)\b"
    r"|\b(?:previous|prior|above)\s+instructions?\b|\binstruksi\s+(?:sebelumnya|di\s+atas|sistem)\b"
    r"|\b(?:system\s+prompt|prompt\s+sistem|developer\s+mode|mode\s+pengembang|jailbreak)\b"
    r"|\b(?:kunjungi(?:lah)?|klik(?:lah)?|visit|click|log\s*in|masuk\s+ke\s+akun|unduh(?:lah)?|download)\b"
    r"|\bbuka(?:lah)?\s+(?:tautan|link|laman|situs|alamat)\b"
    r"|\b(?:jawab(?:lah)?|tulis(?:kan|lah)?|balas(?:lah)?|katakan(?:lah)?|respond|reply|say)\s+(?:dengan\s+)?"
    r"[\"'“‘]"
    r"|\b(?:kirim(?:kan)?|serahkan|berikan|masukkan|bagikan)\b[^.]{0,40}\b(?:kata\s+sandi|password|pin|otp|"
    r"kode\s+verifikasi|nomor\s+rekening|data\s+pribadi|nik\b)",
    re.IGNORECASE,
)


# --- links, e-mail addresses, phone numbers ------------------------------------------------------------

_TLD = (
    r"(?:com|net|org|info|biz|io|co|me|ly|app|xyz|site|online|link|click|top|gov|edu|int|example|test|id|"
    r"go\.id|co\.id|or\.id|ac\.id|web\.id|my\.id|desa\.id|ru|cn|tk|ml|ga|cf|gq|us|uk|sg|my|au|de|nl|fr|jp)"
)
_URL = re.compile(
    r"\b(?:https?://|ftp://|www\.)[^\s<>\"')\]]+"
    rf"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+{_TLD}\b(?:[/?#][^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b", re.IGNORECASE)
_DATE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_PHONE = re.compile(r"(?<![\w.,/+-])(?:\+\s?62|\(0\d{1,3}\)|0\d{1,3}|62\d)[\s.-]?\d{2,4}(?:[\s.-]?\d{2,5}){1,3}\b")


def contacts(text: str) -> list[str]:
    """The URLs, e-mail addresses and phone numbers written in `text`, normalised for comparison."""
    found = [m.group().lower() for m in _EMAIL.finditer(text)]
    without_email = _EMAIL.sub(" ", text)
    found += [m.group().lower().rstrip(".,;:!?") for m in _URL.finditer(without_email)]
    for match in _PHONE.finditer(without_email):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 8 and not _DATE.match(match.group()):
            found.append("tel:" + re.sub(r"^62", "0", digits))
    return found


def _contacts_quoted(body: str, basis: list[Passage]) -> bool:
    wanted = contacts(body)
    if not wanted:
        return True
    quoted: set[str] = set()
    lowered: list[str] = []
    for record in basis:
        quoted.update(contacts(record.text))
        lowered.append(record.text.lower())
    return all(item in quoted or (not item.startswith("tel:") and any(item in t for t in lowered)) for item in wanted)


# --- articles and regulations ----------------------------------------------------------------------------


def _articles_problem(
    mentions: list[ArticleMention], doc_refs: list[DocRef], cited: list[Passage], corpus: Corpus
) -> str | None:
    if not mentions:
        return None
    cited_docs = sorted({r.doc for r in cited})
    referred = _referred_articles(cited)
    referred_docs = _referred_docs(cited, corpus)
    for mention in mentions:
        named = _named_near(mention, doc_refs) or (doc_refs if len(doc_refs) == 1 else [])
        held = sorted({d for ref in named for d in ref.docs})
        if named and not held:
            # A regulation the knowledge base does not hold: only a passage quoting it can vouch for it.
            if not all(_ref_in(ref, referred_docs, cited) for ref in named):
                return ARTICLE_MISSING
            if not all((p, None) in referred for p in mention.pasals):
                return ARTICLE_NOT_CITED
            continue
        docs = held or cited_docs
        if not mention.pasals:
            if not all(_bare_ayat_cited(a, cited, referred) for a in mention.ayats):
                return ARTICLE_NOT_CITED
            continue
        for pasal in mention.pasals:
            ayats: Sequence[str | None] = mention.ayats or [None]
            if not all(any(corpus.has_article(d, pasal, a) for d in docs) for a in ayats):
                return ARTICLE_MISSING
            if not all(_article_cited(docs, pasal, a, cited, referred) for a in ayats):
                return ARTICLE_NOT_CITED
            if (mention.hurufs or mention.angkas) and not _has_items(corpus, docs, pasal, mention):
                return LETTER_MISSING
    return None


def _named_near(mention: ArticleMention, doc_refs: list[DocRef]) -> list[DocRef]:
    """The regulation written right after ("Pasal 7 PP 19/2022", "Pasal 7 dari UU ...") or right before
    ("PP 19/2022 Pasal 7") the article."""
    start, end = mention.span
    near = []
    for ref in doc_refs:
        ref_start, ref_end = ref.span or (0, 0)
        if 0 <= ref_start - end <= 12 or 0 <= start - ref_end <= 3:
            near.append(ref)
    return near


def _referred_articles(cited: list[Passage]) -> set[tuple[str, str | None]]:
    """(pasal, ayat) pairs the cited passages are, or name in their text, label or status ("sebagaimana
    dimaksud dalam Pasal 7 ayat (5)", "... diubah dengan UU 9/2015 Pasal I angka 1", "dicabut oleh PP 19/2022
    Pasal 26": the prompt gives the status, so an answer may repeat it)."""
    pairs: set[tuple[str, str | None]] = set()
    for record in cited:
        said = (record.label, record.revoked_by, record.amended_by, record.status_note, record.text)
        pairs |= _articles_named("\n".join(x for x in said if x))
    return pairs


@lru_cache(maxsize=512)
def _articles_named(text: str) -> frozenset[tuple[str, str | None]]:
    pairs: set[tuple[str, str | None]] = set()
    for mention in find_article_mentions(text):
        for pasal in mention.pasals:
            pairs.add((pasal, None))
            pairs.update((pasal, a) for a in mention.ayats)
    return frozenset(pairs)


def _referred_docs(records: list[Passage], corpus: Corpus) -> set[str]:
    keys: set[str] = set()
    for record in records:
        keys.add(record.doc)
        # The prompt names the regulation that revoked or amended a passage; an answer may name it too.
        said = "\n".join(x for x in (record.label, record.revoked_by, record.amended_by, record.text) if x)
        keys |= _docs_named(said, corpus)
    return keys


# Regulations each passage names, per corpus snapshot (held weakly: a replaced snapshot is let go).
_DOCS_NAMED: WeakKeyDictionary[Corpus, dict[str, frozenset[str]]] = WeakKeyDictionary()
_DOCS_NAMED_LOCK = threading.Lock()
_DOCS_NAMED_MAX = 4096


def _docs_named(text: str, corpus: Corpus) -> frozenset[str]:
    with _DOCS_NAMED_LOCK:
        known = _DOCS_NAMED.setdefault(corpus, {}).get(text)
    if known is not None:
        return known
    keys: set[str] = set()
    for ref in find_doc_refs(text, corpus):
        keys.update(ref.docs)
        if ref.canonical:
            keys.add(ref.canonical.lower())
    found = frozenset(keys)
    with _DOCS_NAMED_LOCK:
        memo = _DOCS_NAMED.setdefault(corpus, {})
        if len(memo) < _DOCS_NAMED_MAX:
            memo[text] = found
    return found


def _ref_in(ref: DocRef, keys: set[str], records: list[Passage] | None = None) -> bool:
    """The regulation `ref` is among `keys` (documents and names the passages give), or, for one named in
    words ("Undang-Undang Dasar"), the passages write that name."""
    if set(ref.docs) & keys or (ref.canonical and ref.canonical.lower() in keys):
        return True
    written = _plain_name(ref.text)
    return bool(records) and len(written) > 3 and any(written in _plain_name(r.text) for r in records or [])


def _plain_name(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*-\s*", "-", text.lower())).strip()


def _article_cited(
    docs: list[str], pasal: str, ayat: str | None, cited: list[Passage], referred: set[tuple[str, str | None]]
) -> bool:
    for record in cited:
        if record.doc in docs and record.pasal == pasal:
            if ayat is None or record.ayat in (ayat, None):
                return True
    return (pasal, ayat) in referred


def _bare_ayat_cited(ayat: str, cited: list[Passage], referred: set[tuple[str, str | None]]) -> bool:
    if any(r.ayat == ayat for r in cited):
        return True
    if any(a == ayat for _, a in referred):
        return True
    return any(re.search(rf"\bayat\s*\(\s*{ayat}\s*\)", r.text, re.IGNORECASE) for r in cited)


def _has_items(corpus: Corpus, docs: list[str], pasal: str, mention: ArticleMention) -> bool:
    """Every huruf ("huruf c") and angka ("angka 4") named is an item of that article (or of its ayat)."""
    texts = []
    for doc in docs:
        for part in ("batang_tubuh", "penjelasan"):
            for record in corpus.article(doc, pasal, part):
                if not mention.ayats or record.ayat in (*mention.ayats, None):
                    texts.append(record.text)
    text = "\n".join(texts)
    for item in [*mention.hurufs, *mention.angkas]:
        if not re.search(rf"(?:^|\n|[:;]\s*)\s*{re.escape(item)}\s*[.)]\s", text, re.IGNORECASE):
            return False
    return True


def _documents_problem(doc_refs: list[DocRef], basis: list[Passage], corpus: Corpus) -> str | None:
    """A regulation named in the sentence is one of the passages' documents, or one they name."""
    if not doc_refs:
        return None
    keys = _referred_docs(basis, corpus)
    for ref in doc_refs:
        if not _ref_in(ref, keys, basis):
            return DOCUMENT
    return None


# --- numbers -------------------------------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s", re.IGNORECASE)
_NOT_A_QUANTITY = re.compile(r"\bsalah\s+satu\b|\bsatu\s+per\s+satu\b|\bsatu-satunya\b", re.IGNORECASE)
_ITEM_LINE = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s", re.IGNORECASE | re.MULTILINE)


def _numbers_stated(body: str, mentions: list[ArticleMention], doc_refs: list[DocRef], basis: list[Passage]) -> bool:
    """Every number in the sentence (not an article, ayat, regulation number or list marker) is one a passage
    states, in digits or in words ("30 (tiga puluh) hari" states 30), or the number of items of its list."""
    spans = [m.span for m in mentions] + [r.span for r in doc_refs if r.span]
    blank = list(body)
    for start, end in spans:
        blank[start:end] = " " * (end - start)
    text = _NOT_A_QUANTITY.sub(lambda m: " " * len(m.group()), _LIST_MARKER.sub(" ", "".join(blank)))
    wanted = [readings for readings, _, _ in find_digit_numbers(text)]
    wanted += [{m.value} for m in find_number_words(text)]
    if not wanted:
        return True
    stated: set[int | float] = set()
    for record in basis:
        stated |= number_values(record.text)
        if record.pasal is None:
            # A meeting's label holds its date and item ("6 Februari 2024, ... butir 3"); a regulation's holds
            # the article's number, and "7 hari" is not stated by "Pasal 7".
            stated |= number_values(record.label)
        items = len(_ITEM_LINE.findall(record.text))
        if items > 1:
            stated.add(items)
    return all(readings & stated for readings in wanted)

"""Answer composition: exact look-up, LLM answers with verified citations, extractive quotes, refusals."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast
from zoneinfo import ZoneInfo

from knowledge.config import Settings
from knowledge.index.bm25 import tokenize
from knowledge.index.corpus import Corpus, normalize_term
from knowledge.index.status import StatusReport, status_report
from knowledge.index.store import KnowledgeStore
from knowledge.model import DICABUT, DOKUMEN, NOTULEN, REKOMENDASI, Passage, is_placeholder
from knowledge.operations.chat_state import ChatState
from knowledge.search.citations import verify_answer
from knowledge.search.conversation import Conversations
from knowledge.search.followup_questions import followup_answer
from knowledge.search.informal import normalizer_for
from knowledge.search.llm import NOT_FOUND, LLMClient
from knowledge.search.query import Expander
from knowledge.search.references import DocRef, find_article_refs, regulation_named
from knowledge.search.refusal import ANSWER_THRESHOLD, answer_confidence
from knowledge.search.retrieval import Hit, Retrieval, Retriever, defined_term
from knowledge.search.support import e5_embedder

log = logging.getLogger(__name__)

TOP_K = 10
MAX_QUOTE_CHARS = 1500

REFUSAL = (
    "Maaf, saya tidak menemukan ketentuan yang menjawab pertanyaan ini dalam dokumen yang tersedia. "
    "Coba sebutkan istilah, pasal, atau peraturannya secara lebih spesifik, misalnya {examples}."
)
ENGLISH_HINT = (
    " Sinergi paling baik menjawab pertanyaan dalam Bahasa Indonesia; silakan ajukan kembali dalam Bahasa "
    "Indonesia. (Sinergi answers best in Indonesian: please ask again in Bahasa Indonesia.)"
)
INVITATION = (
    "Silakan tulis pertanyaan Anda tentang dekonsentrasi, tugas pembantuan, atau hasil rapat koordinasi, "
    "misalnya {examples}."
)
THANKS_REPLY = "Sama-sama. "
GREETING_REPLY = "Halo. "
_THANKS = re.compile(r"\b(?:makasih|makasi|mksh|trims|terima\s*kasih|thanks|thank|thx|tq|tengkyu)\b", re.IGNORECASE)
_GREETING = re.compile(r"\b(?:halo|hallo|helo|hai|hi|hey|selamat\s+(?:pagi|siang|sore|malam)|assalamu)", re.IGNORECASE)
MISSING_DOC = (
    "Dokumen {names} belum ada dalam basis pengetahuan Sinergi, jadi saya tidak dapat menjawab berdasarkan "
    "dokumen tersebut dan tidak mengutip peraturan lain sebagai gantinya. Daftar dokumen yang tersedia dapat "
    "dilihat dengan /sumber."
)
# A bare "Pasal N" is read as the primary regulation only when that article is about what is asked.
BARE_ARTICLE_COVERAGE = 0.5
UNNAMED_REGULATION = (
    "Pertanyaan Anda menyebut {article} tanpa menyebut peraturannya, dan {article} {doc} tidak membahas hal "
    'yang ditanyakan. Sebutkan peraturan yang Anda maksud, misalnya "{article} {doc}"; daftar dokumen yang '
    "tersedia dapat dilihat dengan /sumber."
)
FOREIGN_DOC = "{names} bukan peraturan Indonesia dan tidak ada dalam basis pengetahuan Sinergi."
# The lead-in says what kind of source is quoted: a rule, a meeting's record, or a general document.
LEAD_REGULATION = "Ketentuan yang paling relevan dengan pertanyaan Anda:"
LEAD_MINUTES = "Catatan rapat yang paling relevan dengan pertanyaan Anda:"
LEAD_MIXED = "Ketentuan dan catatan rapat yang paling relevan dengan pertanyaan Anda:"
LEAD_DOCUMENT = "Bagian dokumen yang paling relevan dengan pertanyaan Anda (dokumen umum, bukan peraturan):"
LLM_FROM_DOCUMENT = "Jawaban ini bersumber dari dokumen umum, bukan dari peraturan."
LLM_FROM_MINUTES = "Jawaban ini bersumber dari catatan rapat, bukan dari peraturan."


class AnswerMode(StrEnum):
    """How an answer was made; stored with the answer and shown in `--json`."""

    LLM = "llm"  # the model wrote it from the retrieved passages
    EXTRACTIVE = "extractive"  # the retrieved passages quoted (or a refusal)
    LOOKUP = "lookup"  # the article the question names, or why it is not there; follow-up questions too
    CHAT = "chat"  # small talk: a greeting or thanks, and what to ask


class SourceKind(StrEnum):
    """What a passage is, for the lead-in of an answer and the note under an LLM answer."""

    REGULATION = "regulation"
    MINUTES = "minutes"  # minutes or a recommendation list
    DOCUMENT = "document"  # a general document, not a rule


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    mode: AnswerMode
    citations: list[Passage] = field(default_factory=list)
    retrieved: list[Hit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. a revoked-regulation warning
    timings_ms: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    standalone_question: str | None = None
    # How sure retrieval is that the passages answer the question (0..1); answered at ANSWER_THRESHOLD and
    # above. None where no such decision was taken (look-ups, named documents we do not hold, small talk).
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        scores = {h.record.id: h.score for h in self.retrieved}
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "citations": [r.citation(scores.get(r.id)) for r in self.citations],
            "retrieved": [h.record.citation(h.score) for h in self.retrieved],
            "notices": self.notices,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True)
class ExampleArticle:
    doc: str  # "PP 19/2022"
    pasal: str  # "7"
    ayat: str | None  # "5"
    other: str  # another article, for "/pasal 24"
    title: str  # "Dekonsentrasi dan Tugas Pembantuan"


def revoked_notice(record: Passage) -> str:
    """What a reader of this passage must know about its status (revoked, in part, amended)."""
    if record.status_note:
        return record.status_note
    by = f" oleh {record.revoked_by}" if record.revoked_by else ""
    return f"Perhatian: {record.doc} sudah dicabut{by} dan tidak berlaku lagi."


class Assistant:
    """The one entry point the bot and the CLI use to answer a question."""

    def __init__(self, store: KnowledgeStore, settings: Settings, llm: LLMClient | None = None) -> None:
        self.store = store
        self.settings = settings
        self.retriever = Retriever(store, primary_doc=settings.primary_document)
        self.llm = llm if llm is not None else (LLMClient(settings) if settings.llm_enabled else None)
        self.conversations = Conversations(ChatState(store.sessions))
        # What "today" is for follow-up answers ("... yang terlambat?"): the sandbox moves it with its clock.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def ask(self, question: str, chat_id: str | int | None = None) -> Answer:
        started = time.perf_counter()
        question = question.strip()
        answer = self._small_talk(question) or self._followup_answer(question)
        if answer is not None:
            answer.timings_ms = {"retrieve": 0.0, "generate": 0.0, "total": (time.perf_counter() - started) * 1000}
            return answer
        standalone = self._standalone(question, chat_id)
        retrieval = self.retriever.search(standalone, k=TOP_K)
        retrieved_at = time.perf_counter()
        answer = self._compose(question, retrieval, standalone)
        answer.standalone_question = standalone if standalone != question else None
        done = time.perf_counter()
        answer.timings_ms = {
            "retrieve": (retrieved_at - started) * 1000,
            "generate": (done - retrieved_at) * 1000,
            "total": (done - started) * 1000,
        }
        if chat_id is not None and not answer.abstained:
            # A question nothing answered is no context for the next one.
            self.conversations.remember(chat_id, standalone)
        return answer

    def _small_talk(self, question: str) -> Answer | None:
        """ "🙂", "?", "ok", "makasih": nothing is asked, so nothing is quoted; an invitation to ask instead."""
        normalized = normalizer_for(self.retriever.corpus).normalize(question)
        if normalized.content_words or find_article_refs(question):
            return None
        opening = THANKS_REPLY if _THANKS.search(question) else GREETING_REPLY if _GREETING.search(question) else ""
        return Answer(question, opening + INVITATION.format(examples=self.examples()), True, AnswerMode.CHAT)

    def example_article(self) -> ExampleArticle | None:
        """An article of the regulation a bare "Pasal 7" means, to show how look-ups are written; taken from
        what is loaded, so the help never points at a document the knowledge base does not hold."""
        corpus = self.retriever.corpus
        doc = self.retriever.default_doc(corpus)
        if doc is None:
            return None
        pasals = corpus.docs[doc].pasals
        with_ayat = [p for p in pasals if any(r.ayat for r in corpus.article(doc, p))]
        pasal = "7" if "7" in with_ayat else (with_ayat or pasals)[len(with_ayat or pasals) // 2]
        ayats = [r.ayat for r in corpus.article(doc, pasal) if r.ayat]
        ayat = "5" if "5" in ayats else (ayats[-1] if ayats else None)
        other = pasals[-3] if len(pasals) >= 3 else pasals[0]
        return ExampleArticle(doc, pasal, ayat, other, corpus.docs[doc].title)

    def examples(self) -> str:
        """Two example questions taken from what is loaded: an article look-up and a topic."""
        example = self.example_article()
        if example is None:
            return '"pendanaan tugas pembantuan"'
        topic = example.title.lower() or "pendanaan tugas pembantuan"
        return f'"Pasal {example.pasal} {example.doc}" atau "{topic}"'

    def regulation_status(self, name: str) -> StatusReport | None:
        """What revoked or amended the regulation `name` names, article by article; None if it names none."""
        corpus = self.retriever.corpus
        doc = regulation_named(name, corpus)
        if doc is None:
            return None
        return status_report(corpus.status, doc, doc in corpus.docs)

    def refusal(self, english: bool = False) -> str:
        return REFUSAL.format(examples=self.examples()) + (ENGLISH_HINT if english else "")

    def _followup_answer(self, question: str) -> Answer | None:
        """ "Apa saja tindak lanjut rakor Bandung yang belum selesai?" is answered from the follow-up store."""
        today = self.clock().astimezone(ZoneInfo(self.settings.timezone)).date()
        corpus = self.retriever.corpus
        found = followup_answer(question, self.store.sessions, corpus, today)
        if found is None:
            return None
        cited = [corpus.by_id[pid] for pid in found.passage_ids if pid in corpus.by_id]
        return Answer(question, found.text, not found.items, AnswerMode.LOOKUP, cited)

    def _standalone(self, question: str, chat_id: str | int | None) -> str:
        if chat_id is None:
            return question
        previous = self.conversations.previous(chat_id)
        if previous is None:
            return question
        normalized = normalizer_for(self.retriever.corpus).normalize(question)
        if not self.conversations.is_follow_up(question, normalized, defines=bool(defined_term(normalized.text))):
            return question
        if self.llm is not None:
            try:
                rewritten = self.llm.condense(previous.question, question)
                if rewritten and len(rewritten) < 500:
                    return rewritten
            except Exception as exc:  # the rule below is a fine answer too
                log.warning("LLM condense failed, using the rule-based fallback: %s", exc)
        return self.conversations.merge(previous, question, normalized)

    # --- composition --------------------------------------------------------------------------------

    def _compose(self, question: str, retrieval: Retrieval, standalone: str) -> Answer:
        retrieved = retrieval.hits
        missing = [ref for ref in retrieval.doc_refs if not ref.docs]
        if missing and (not retrieval.restricted_to or retrieval.article_refs):
            return Answer(question, _missing_doc_text(missing), True, AnswerMode.LOOKUP, retrieved=retrieved)
        exact = [h for h in retrieved if h.exact]
        if retrieval.missing_articles and not exact:
            return Answer(question, self._missing_article_text(retrieval), True, AnswerMode.LOOKUP, retrieved=retrieved)
        if exact and _is_lookup(question):
            return self._lookup_answer(question, retrieval, [h.record for h in exact])
        if exact and retrieval.assumed_doc and retrieval.exact_coverage < BARE_ARTICLE_COVERAGE:
            # "... bertentangan dengan Pasal 21 ayat 3?" about something PP 19/2022 Pasal 21 does not touch:
            # the official means another regulation, and quoting ours under that number would mislead.
            text = UNNAMED_REGULATION.format(article=retrieval.article_refs[0].text, doc=retrieval.assumed_doc)
            return Answer(question, text, True, AnswerMode.LOOKUP, retrieved=retrieved)
        confidence = 1.0 if exact else answer_confidence(retrieval)
        english = bool(retrieval.normalized and retrieval.normalized.english)
        if not retrieved or confidence < ANSWER_THRESHOLD:
            answer = Answer(question, self.refusal(english), True, AnswerMode.EXTRACTIVE, retrieved=retrieved)
        else:
            generated = None
            if self.llm is not None:
                generated = self._llm_answer(question, retrieval, standalone)
            answer = generated if generated is not None else self._extractive_answer(question, retrieval)
        answer.confidence = confidence
        if missing and not answer.abstained:
            names = ", ".join(ref.canonical or ref.text for ref in missing)
            answer.notices.append(f"{names} tidak ada dalam basis pengetahuan; jawaban ini hanya dari dokumen lain.")
        return answer

    def _missing_article_text(self, retrieval: Retrieval) -> str:
        lines = []
        corpus = self.retriever.corpus
        for missing in dict.fromkeys(retrieval.missing_articles):
            doc = next((d for d in corpus.docs if missing.endswith(" " + d)), None)
            line = f"{missing} tidak ada dalam basis pengetahuan."
            if doc and corpus.docs[doc].pasals:
                pasals = corpus.docs[doc].pasals
                line = f"{missing.removesuffix(' ' + doc)} tidak ada dalam {doc}. "
                line += f"{doc} memuat Pasal {pasals[0]} sampai dengan Pasal {pasals[-1]}."
            lines.append(line)
        return " ".join(lines)

    def _lookup_answer(self, question: str, retrieval: Retrieval, records: list[Passage]) -> Answer:
        """The exact text of the named article(s), with the Penjelasan attached; no guessing."""
        corpus = self.retriever.corpus
        cited: list[Passage] = []
        for record in _in_force_first(corpus, records):
            if record not in cited:
                cited.append(record)
            for note in corpus.penjelasan_for(record):
                if note not in cited and not is_placeholder(note.text):
                    cited.append(note)
        cited = cited[:8]
        parts = []
        for number, record in enumerate(cited, start=1):
            before = " (bunyi sebelum diubah)" if corpus.current_version(record) in cited else ""
            parts.append(f"[{number}] {record.label}{before}:\n{_clip(record.text)}")
        answer = Answer(question, "\n\n".join(parts), False, AnswerMode.LOOKUP, cited, retrieval.hits)
        answer.notices = _notices(cited)
        return answer

    def _extractive_answer(self, question: str, retrieval: Retrieval) -> Answer:
        hits = retrieval.hits
        chosen = [hits[0].record]
        for hit in hits[1:4]:
            close = hit.score >= 0.8 * hits[0].score
            # A revoked text next to the rule in force adds confusion, not information.
            superseded = hit.record.status == DICABUT and chosen[0].status != DICABUT
            if close and not superseded and len(chosen) < 2 and _different_article(hit.record, chosen):
                chosen.append(hit.record)
        lead = _lead_in(chosen)
        search_text = retrieval.normalized.text if retrieval.normalized else retrieval.question
        cited = _in_force_first(self.retriever.corpus, chosen)
        quotes = []
        for n, r in enumerate(cited, start=1):
            if self.retriever.corpus.current_version(r) in cited:
                quotes.append(f"[{n}] {r.label}: bunyi sebelum diubah (Teks lengkap [{n}]).")
            else:
                quotes.append(f"[{n}] {r.label}:\n\u201c{excerpt(r.text, search_text)}\u201d")
        answer = Answer(question, "\n\n".join([lead, *quotes]), False, AnswerMode.EXTRACTIVE, cited, hits)
        answer.notices = _notices(cited)
        return answer

    def _llm_answer(self, question: str, retrieval: Retrieval, standalone: str) -> Answer | None:
        corpus = self.retriever.corpus
        # The model reads an amended article as it reads now, not as it was first enacted.
        sources = list(dict.fromkeys(corpus.current_version(h.record) or h.record for h in retrieval.hits[:6]))
        try:
            raw = self.llm.answer(standalone, sources)  # type: ignore[union-attr]
        except Exception as exc:
            log.warning("LLM failed (%s: %s); answering extractively", type(exc).__name__, exc)
            return None
        if NOT_FOUND in raw:
            return Answer(question, REFUSAL, True, AnswerMode.LLM, retrieved=retrieval.hits)
        verified = verify_answer(raw, sources, corpus, e5_embedder(self.store.embedder))
        if verified.dropped:
            log.warning(
                "removed %d of %d sentence(s) from an LLM answer: %s",
                len(verified.dropped),
                len(verified.dropped) + len(verified.kept),
                "; ".join(sorted({d.reason for d in verified.dropped})),
            )
            for dropped in verified.dropped:
                log.debug("dropped (%s): %s", dropped.reason, dropped.sentence)
        if not verified.text or not verified.used:
            return None
        # Renumber markers so the source list reads [1], [2], ... in order of first use.
        cited = [sources[m - 1] for m in verified.used]
        mapping = {old: new for new, old in enumerate(verified.used, start=1)}
        text = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{mapping.get(int(m.group(1)), 0)}]", verified.text)
        kind_note = _non_regulation_note(cited)
        if kind_note:
            text = f"{kind_note}\n\n{text}"
        answer = Answer(question, text, False, AnswerMode.LLM, cited, retrieval.hits)
        answer.notices = _notices(cited)
        return answer


def _missing_doc_text(missing: list[DocRef]) -> str:
    foreign = [ref.canonical or ref.text for ref in missing if ref.foreign]
    held_nowhere = [ref.canonical or ref.text for ref in missing if not ref.foreign]
    parts = []
    if held_nowhere:
        parts.append(MISSING_DOC.format(names=", ".join(dict.fromkeys(held_nowhere))))
    if foreign:
        parts.append(FOREIGN_DOC.format(names=", ".join(dict.fromkeys(foreign))))
    return " ".join(parts)


def _lead_in(records: list[Passage]) -> str:
    kinds = {_source_kind(r) for r in records}
    if kinds == {SourceKind.MINUTES}:
        return LEAD_MINUTES
    if kinds == {SourceKind.DOCUMENT}:
        return LEAD_DOCUMENT
    if SourceKind.MINUTES in kinds:
        return LEAD_MIXED
    return LEAD_REGULATION


def _non_regulation_note(cited: list[Passage]) -> str | None:
    """What an LLM answer must say when it rests on something other than a regulation: the model's own words
    may not make that clear, so it is said here ("Sumber [2] adalah dokumen umum, bukan peraturan.")."""
    kinds = [_source_kind(r) for r in cited]
    if all(kind == SourceKind.REGULATION for kind in kinds):
        return None
    if all(kind == SourceKind.DOCUMENT for kind in kinds):
        return LLM_FROM_DOCUMENT
    if all(kind == SourceKind.MINUTES for kind in kinds):
        return LLM_FROM_MINUTES
    notes = []
    for kind, name in ((SourceKind.DOCUMENT, "dokumen umum"), (SourceKind.MINUTES, "catatan rapat")):
        numbers = [f"[{n}]" for n, k in enumerate(kinds, start=1) if k == kind]
        if numbers:
            listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " dan " + numbers[-1]
            notes.append(f"Sumber {listed} adalah {name}, bukan peraturan.")
    return " ".join(notes)


def _source_kind(record: Passage) -> SourceKind:
    if record.doc_type in (NOTULEN, REKOMENDASI):
        return SourceKind.MINUTES
    if record.doc_type == DOKUMEN:
        return SourceKind.DOCUMENT
    return SourceKind.REGULATION


def _is_lookup(question: str) -> bool:
    """ "Pasal 7 ayat (5) PP 19/2022", "bunyi pasal 24", "penjelasan pasal 9": the article is the question."""
    rest = re.sub(
        r"\b(pasal|ayat|bunyi|isi|teks|penjelasan|apa|apakah|bagaimana|tolong|mohon|tampilkan|lihat|"
        r"sebutkan|jelaskan|dari|dalam|di|pada|dan|yang|nomor|no|tahun|th|pp|uu|perpres|permendagri|pmk|"
        r"peraturan|pemerintah|undang|menurut|berbunyi|lengkap|huruf|angka)\b|\d+[a-z]?|[^\w\s]",
        " ",
        question.lower(),
    )
    return len(rest.split()) <= 1


def _different_article(record: Passage, chosen: list[Passage]) -> bool:
    return all((record.doc, record.pasal, record.part) != (c.doc, c.pasal, c.part) for c in chosen)


_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}\.|[a-z]\.|\(\d{1,3}\))\s")


def excerpt(text: str, question: str, limit: int = 700) -> str:
    """A long list-shaped passage cut down to its opening line and the items the question is about.

    Items are quoted whole and in order, with "…" where items were left out, so the words stay the law's.
    A minutes' "Key: Value" table is cut to the lines asked about ("Waktu: 09.00 – 12.30 WIB").
    """
    fields = _fields_asked(text, question)
    if fields:
        return fields
    if len(text) <= limit:
        return text
    lines = text.splitlines()
    items = [i for i, line in enumerate(lines) if _LIST_ITEM.match(line)]
    if len(items) < 3:
        return _clip(text)
    terms = set(tokenize(question))
    term = defined_term(question)

    def relevance(i: int) -> float:
        line = lines[i]
        if term and re.match(rf"\s*\S+\s+{re.escape(term)}\b", normalize_term(line)):
            return 100.0
        words = set(tokenize(line))
        return len(words & terms) / (len(terms) or 1)

    ranked = sorted(items, key=relevance, reverse=True)
    keep = {i for i in ranked[:2] if relevance(i) > 0}
    if not keep:
        return _clip(text)
    if any(relevance(i) >= 100 for i in keep):
        keep = {i for i in keep if relevance(i) >= 100}
    out: list[str] = [lines[0]] if items[0] > 0 else []
    previous = 0 if items[0] > 0 else -1
    for i in sorted(keep):
        if i > previous + 1:
            out.append("…")
        out.append(lines[i])
        previous = i
    if previous < len(lines) - 1:
        out.append("…")
    return _clip("\n".join(out))


_FIELD_LINE = re.compile(r"^\s*(?P<key>[^:\n]{2,40}?)\s*:\s*\S")


def _fields_asked(text: str, question: str) -> str | None:
    """The lines of a "Key: Value" block whose key the question asks about, or None."""
    lines = [line for line in text.splitlines() if line.strip()]
    fields = [line for line in lines if _FIELD_LINE.match(line)]
    if len(fields) < 3 or len(fields) < 0.6 * len(lines):
        return None
    asked = set(tokenize(Expander().expand(question, meeting=True)))
    # Every line of `fields` matched _FIELD_LINE above.
    keys = {line: cast(re.Match[str], _FIELD_LINE.match(line)).group("key") for line in fields}
    wanted = [line for line in fields if set(tokenize(keys[line])) & asked]
    if not wanted or len(wanted) == len(fields):
        return None
    return "\n".join(line.strip() for line in wanted)


def _clip(text: str) -> str:
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _notices(records: list[Passage]) -> list[str]:
    notices = []
    for record in records:
        if (record.status == DICABUT or record.status_note) and revoked_notice(record) not in notices:
            notices.append(revoked_notice(record))
        if record.scan_note and record.scan_note not in notices:  # low OCR confidence (OCR_NOTICE_BELOW)
            notices.append(record.scan_note)
    return notices


def _in_force_first(corpus: Corpus, records: list[Passage]) -> list[Passage]:
    """Each amended passage preceded by its article's wording in force (when the amendment's text is
    known), so the answer quotes the law as it reads now and keeps the original one button away."""
    out: list[Passage] = []
    for record in records:
        current = corpus.current_version(record)
        if current is not None and current not in out:
            out.append(current)
        if record not in out:
            out.append(record)
    return out

"""Whether a message that arrives while the bot waits for an answer to one of its prompts (a comment after
👍/👎, a note for a finished follow-up, an extension date) answers that prompt or asks something new.

Officials often leave a prompt aside and simply type their next question. Taking that question as the
comment loses it twice: it is never answered, and the comment is noise. So a message answers a prompt only
when it is a reply to the prompt (the caller checks that) or when it is clearly not a question; in doubt it is
read as a question, the prompt is dropped and the official is told so in one line.

The signals are ones that survive rewording, read after chat spelling is standardised ("gmn" -> "bagaimana"):
- for a question: a question mark; a question word or a request ("bagaimana", "apakah", "jelaskan",
  "mau tanya") opening the message or one of its clauses; a question word closing it ("dana dekon dari
  mana"); an article look-up ("Pasal 7 ayat 5");
- against: a bare date ("30 April 2024", "2 minggu lagi" — what an extension prompt asks for); a report or a
  remark ("sudah dikirim", "kurang lengkap", "terima kasih"); a long message (a question typed without a
  question mark is short); a message with no words that carry meaning ("ok", "🙏");
- when nothing above decides, whether the documents hold content on it (`topical`): a bare topic
  ("pendanaan tugas pembantuan") is a search, a remark on the answer is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from knowledge.operations.dates import parse_indonesian_date
from knowledge.search.informal import CHAT_WORDS, COURTESIES, PARTICLES
from knowledge.search.refusal import ANSWER_THRESHOLD, answer_confidence
from knowledge.search.retrieval import Retriever

# A question typed without a question mark is short; a longer message without any question signal is a report.
LONG_WORDS = 25
# A date among this many words is the date a prompt asked for ("sampai 30 April 2024"), not a topic.
DATE_WORDS = 6

QUESTION_WORDS = frozenset(
    """
    apa apakah apaan bagaimana bagaimanakah siapa siapakah kapan kapankah mana manakah dimana kemana darimana
    mengapa kenapa berapa berapakah bolehkah bisakah dapatkah haruskah perlukah wajibkah adakah benarkah
    masihkah sudahkah bukankah
    what how why when who where which
    """.split()
)
# Asking for something without a question word: "jelaskan pasal 7", "mohon info pendanaan TP".
REQUEST_WORDS = frozenset(
    """
    jelaskan jelasin terangkan uraikan sebutkan tunjukkan tampilkan carikan bandingkan definisikan
    info informasi explain describe
    """.split()
)
ASKING_PHRASES = re.compile(
    r"\b(?:mau|ingin|pengen|pgn|boleh|izin|ijin|numpang)\s+(?:tanya|bertanya|nanya|tahu|tau)\b"
    r"|\bminta\s+(?:penjelasan|info|informasi)\b|\byang\s+dimaksud\b",
    re.IGNORECASE,
)
# Tag questions: "masih berlaku ga", "boleh nggak" (chat "ga"/"nggak" are read as "tidak" first).
TAG_ENDINGS = frozenset({"tidak", "bukan"})
TAG_VERBS = frozenset({"bisa", "boleh", "perlu", "harus", "wajib", "masih", "sudah", "ada", "dapat", "benar"})
# A report or a remark: what follow-up notes and comments on an answer are made of.
STATEMENT_WORDS = frozenset(
    """
    sudah telah belum sempat kami terlampir dilampirkan terkirim dikirim dikirimkan disampaikan
    selesai diselesaikan rampung kendala terkendala
    kurang cukup bagus mantap membantu jelas tepat benar salah keliru sesuai lengkap relevan akurat
    seharusnya harusnya mestinya sebaiknya semestinya perbaiki setuju bingung terima kasih makasih
    """.split()
)
_LOOKUP = re.compile(r"^\s*(?:/pasal\s+)?pasal\s+\d", re.IGNORECASE)
_CLAUSES = re.compile(r"[,;:\n]+")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


def reads_as_question(text: str, *, today: date | None = None, topical: Callable[[str], bool] | None = None) -> bool:
    """True when `text`, sent while a prompt waits, asks something new rather than answering the prompt.

    `today` anchors relative dates ("2 minggu lagi"); `topical(text)` says whether the documents hold content
    on it and is called only when no other signal decides (it may search the knowledge base)."""
    text = text.strip()
    if not text:
        return False
    if "?" in text or "？" in text:
        return True
    clauses = [_words(clause) for clause in _CLAUSES.split(text)]
    clauses = [words for words in clauses if words]
    words = [word for clause in clauses for word in clause]
    if not words:
        return False  # emoji, punctuation
    if _asks(clauses, words) or _LOOKUP.match(text):
        return True
    if len(words) <= DATE_WORDS and parse_indonesian_date(text, today or date.today()) is not None:
        return False
    if len(words) > LONG_WORDS or any(word in STATEMENT_WORDS for word in words):
        return False
    if all(word in COURTESIES for word in words):
        return False
    return topical(text) if topical is not None else False


def finds_content(retriever: Retriever, text: str) -> bool:
    """Whether the documents would answer `text` as a question: the same confidence the answers use."""
    retrieval = retriever.search(text, k=5)
    return bool(retrieval.hits) and answer_confidence(retrieval) >= ANSWER_THRESHOLD


def _asks(clauses: list[list[str]], words: list[str]) -> bool:
    if any(clause[0] in QUESTION_WORDS or clause[0] in REQUEST_WORDS for clause in clauses):
        return True
    if words[-1] in QUESTION_WORDS:
        return True  # "dana dekon dari mana", "terus gimana"
    if len(words) >= 2 and words[-1] in TAG_ENDINGS and any(w in TAG_VERBS for w in words[:-1]):
        return True  # "masih berlaku ga"
    return bool(ASKING_PHRASES.search(" ".join(words)))


def _words(text: str) -> list[str]:
    """Lower-case words in standard spelling, without chat particles and forms of address."""
    out: list[str] = []
    for raw in _WORD.findall(text.lower()):
        for word in CHAT_WORDS.get(raw, raw).split():
            if word not in PARTICLES:
                out.append(word)
    return out

"""Article references in generated text, in every form a model writes them.

"Pasal 7 ayat (5)", "Psl. 99", "ps 3", "pasal sembilan puluh sembilan", "Pasal II" (of an amending law),
"Pasal 5 s.d. 9", "Pasal 5 sampai dengan Pasal 9", "Pasal 5–9", "Pasal 5, 6, dan 7", "Pasal 3 ayat (1) huruf a",
"Pasal I angka 4", and an ayat on its own ("ayat (2)"). Each is read into the articles it names, so that every
one of them can be checked against the document the answer cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from knowledge.numerals import parse_words, roman_value, to_roman

_KEYWORD = re.compile(r"\b(?:pasal|psl|ps)\b\.?\s*(?:ke-?\s*)?", re.IGNORECASE)
_KEYWORD_AT = re.compile(r"(?:pasal|psl|ps)\b\.?\s*", re.IGNORECASE)
_DIGITS = re.compile(r"(\d{1,4})([A-Za-z])?(?![\w])")
_ROMAN = re.compile(r"([IVXLC]{1,7})(?![\w])")
_WORDS = re.compile(r"[A-Za-z]+")
_RANGE = re.compile(r"\s*(?:s\.?\s?d\.?|s/d|sampai\s+dengan|sampai|hingga|[-–—])\s*", re.IGNORECASE)
_LIST = re.compile(r"\s*(?:,\s*(?:dan|serta|atau)?|dan|serta|atau)\s*", re.IGNORECASE)
# After a listed number without its own "Pasal", only what can follow an article: "Pasal 5 dan 7 hari" is
# not "Pasal 7".
_AFTER_LISTED = re.compile(
    r"(?=\s*(?:$|[,.;:)\[]|ayat\b|huruf\b|angka\b|dan\b|atau\b|serta\b|s\.?d\b|sampai\b|tentang\b|dari\b|"
    r"dalam\b|pada\b|(?-i:[A-Z]{2,})\b|undang|peraturan|mengatur|menyatakan|menyebutkan|menetapkan|berbunyi|"
    r"menjelaskan|memuat|diatur))",
    re.IGNORECASE,
)
_AYAT_WORD = re.compile(r"\s*,?\s*ayat\b\s*", re.IGNORECASE)
_PARENS = re.compile(r"\(\s*(\d{1,3})\s*\)")
_BARE_DIGITS = re.compile(r"(\d{1,3})\b")
_AFTER_BARE_AYAT = re.compile(r"(?=\s*(?:$|[,.;:)\[]|dan\b|atau\b|serta\b|huruf\b|angka\b))", re.IGNORECASE)
_HURUF = re.compile(r"\s*,?\s*huruf\s+([a-z])\b", re.IGNORECASE)
_HURUF_NEXT = re.compile(r"(?:huruf\s+)?([a-z])\b(?![.\w]\w)", re.IGNORECASE)
_ANGKA = re.compile(r"\s*,?\s*angka\s+(\d{1,3})\b", re.IGNORECASE)
_ANGKA_NEXT = re.compile(r"(?:angka\s+)?(\d{1,3})\b", re.IGNORECASE)
_BARE_AYAT = re.compile(r"\bayat\b", re.IGNORECASE)
_PENJELASAN = re.compile(r"\bpenjelasan\s*(?:atas\s+|dari\s+)?$", re.IGNORECASE)
# A range longer than this is no reference to articles ("Pasal 1 sampai 2024" misread).
MAX_RANGE = 300


@dataclass
class ArticleMention:
    text: str
    span: tuple[int, int]
    pasals: list[str] = field(default_factory=list)  # "7", "2A", "II"; a range is expanded
    ayats: list[str] = field(default_factory=list)
    hurufs: list[str] = field(default_factory=list)
    angkas: list[str] = field(default_factory=list)
    ranges: list[tuple[str, str]] = field(default_factory=list)  # (first, last) as written, for reporting
    penjelasan: bool = False  # "Penjelasan Pasal 9"


def find_article_mentions(text: str) -> list[ArticleMention]:
    """Every article (and every ayat named without its article) that `text` refers to, in order."""
    mentions: list[ArticleMention] = []
    taken: list[tuple[int, int]] = []
    position = 0
    for keyword in _KEYWORD.finditer(text):
        if keyword.start() < position:
            continue  # part of the mention read before ("Pasal 5 sampai dengan Pasal 9")
        mention = _read_pasal_mention(text, keyword)
        if mention is None:
            continue
        mention.penjelasan = bool(_PENJELASAN.search(text[: keyword.start()]))
        mentions.append(mention)
        taken.append(mention.span)
        position = mention.span[1]
    for match in _BARE_AYAT.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        mention = ArticleMention(match.group(0), match.span())
        end = _read_ayats(text, match.start(), mention, require_keyword=True)
        if not mention.ayats:
            continue  # "ayat" with no number: "ayat berikutnya"
        end = _read_letters(text, end, mention)
        mention.span = (match.start(), end)
        mention.text = text[match.start() : end]
        mentions.append(mention)
        taken.append(mention.span)
    return sorted(mentions, key=lambda m: m.span)


def _read_pasal_mention(text: str, keyword: re.Match[str]) -> ArticleMention | None:
    first = read_number(text, keyword.end())
    if first is None:
        return None
    value, end = first
    mention = ArticleMention("", (keyword.start(), end), [value])
    while True:
        ranged = _RANGE.match(text, end)
        if ranged:
            at = ranged.end()
            again = _KEYWORD_AT.match(text, at)
            last = read_number(text, again.end() if again else at)
            if last is not None and _expand(mention, value, last[0]):
                value, end = last
                continue
        listed = _LIST.match(text, end)
        if listed:
            at = listed.end()
            again = _KEYWORD_AT.match(text, at)
            following = read_number(text, again.end() if again else at)
            if following is not None and (again or _AFTER_LISTED.match(text, following[1])):
                value, end = following
                mention.pasals.append(value)
                continue
        break
    end = _read_ayats(text, end, mention, require_keyword=True)
    end = _read_letters(text, end, mention)
    mention.span = (keyword.start(), end)
    mention.text = text[keyword.start() : end]
    return mention


def read_number(text: str, at: int) -> tuple[str, int] | None:
    """The article number written at `at` (digits, Roman numeral or Indonesian words) and where it ends."""
    digits = _DIGITS.match(text, at)
    if digits:
        return digits.group(1).lstrip("0") + (digits.group(2) or "").upper() or "0", digits.end()
    roman = _ROMAN.match(text, at)
    if roman and roman_value(roman.group(1)) is not None:
        return roman.group(1), roman.end()
    words: list[re.Match[str]] = []
    for word in _WORDS.finditer(text, at):
        if text[(words[-1].end() if words else at) : word.start()].strip():
            break
        words.append(word)
        if len(words) >= 8:
            break
    parsed = parse_words([w.group() for w in words])
    if parsed is None:
        return None
    number, used = parsed
    return str(number), words[used - 1].end()


def _expand(mention: ArticleMention, first: str, last: str) -> bool:
    """Add the articles between `first` and `last` (both numbered the same way); False if it is no range."""
    if first.isdigit() and last.isdigit():
        low, high = int(first), int(last)
    else:
        low_r, high_r = roman_value(first), roman_value(last)
        if low_r is None or high_r is None:
            return False
        low, high = low_r, high_r
    if not 0 < high - low <= MAX_RANGE:
        return False
    if first.isdigit():
        mention.pasals.extend(str(n) for n in range(low + 1, high + 1))
    else:
        mention.pasals.extend(to_roman(n) for n in range(low + 1, high + 1))
    mention.ranges.append((first, last))
    return True


def _read_ayats(text: str, end: int, mention: ArticleMention, require_keyword: bool) -> int:
    """ "ayat (1)", "(1)" right after the article, "ayat 2", "ayat dua"; then "dan (2)", "sampai dengan ayat (4)"."""
    first = _ayat_at(text, end, first=True, bare_parens=True)
    if first is None:
        return end
    mention.ayats.append(first[0])
    end = first[1]
    while True:
        ranged = _RANGE.match(text, end)
        joint = ranged or _LIST.match(text, end)
        if not joint:
            return end
        following = _ayat_at(text, joint.end(), first=False, bare_parens=True)
        if following is None:
            return end
        value, next_end = following
        if ranged:
            low, high = int(mention.ayats[-1]), int(value)
            if not 0 < high - low <= 50:
                return end
            mention.ayats.extend(str(n) for n in range(low + 1, high + 1))
        else:
            mention.ayats.append(value)
        end = next_end


def _ayat_at(text: str, at: int, first: bool, bare_parens: bool) -> tuple[str, int] | None:
    keyword = _AYAT_WORD.match(text, at)
    # The separator pattern also matches the empty string, so its match never fails.
    separator = re.compile(r"\s*,?\s*")
    pos = keyword.end() if keyword else (cast(re.Match[str], separator.match(text, at)).end() if first else at)
    parens = _PARENS.match(text, pos)
    if parens and (keyword or bare_parens):
        return parens.group(1), parens.end()
    if keyword:
        number = read_number(text, pos)
        if number is not None and number[0].isdigit():
            return number
        return None
    if not first:
        digits = _BARE_DIGITS.match(text, pos)
        if digits and _AFTER_BARE_AYAT.match(text, digits.end()):
            return digits.group(1), digits.end()
    return None


def _read_letters(text: str, end: int, mention: ArticleMention) -> int:
    huruf = _HURUF.match(text, end)
    if huruf:
        mention.hurufs.append(huruf.group(1).lower())
        end = _read_more(text, huruf.end(), mention.hurufs, _HURUF_NEXT, numeric=False)
    angka = _ANGKA.match(text, end)
    if angka:
        mention.angkas.append(angka.group(1))
        end = _read_more(text, angka.end(), mention.angkas, _ANGKA_NEXT, numeric=True)
    return end


def _read_more(text: str, end: int, values: list[str], pattern: re.Pattern[str], numeric: bool) -> int:
    """Further ayat/huruf/angka after the first: "ayat (1) dan ayat (2)", "huruf a sampai dengan c"."""
    while True:
        ranged = _RANGE.match(text, end)
        listed = None if ranged else _LIST.match(text, end)
        joint = ranged or listed
        if not joint:
            return end
        nxt = pattern.match(text, joint.end())
        if not nxt:
            return end
        value = next(g for g in nxt.groups() if g)
        value = value if numeric else value.lower()
        if ranged:
            low, high = (int(values[-1]), int(value)) if numeric else (ord(values[-1]), ord(value))
            if not 0 < high - low <= 50:
                return end
            values.extend(str(n) if numeric else chr(n) for n in range(low + 1, high + 1))
        else:
            values.append(value)
        end = nxt.end()

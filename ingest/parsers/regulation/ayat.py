"""Ayat markers ("(1)", "(2a)", and their OCR forms "(l)", "l2l") and the walk that accepts those continuing the
ayat sequence of one article, as the article walk does for Pasal.

The markers are read in the batang tubuh (`_split_ayat`) and in the Penjelasan ("Ayat (2)").
"""

from __future__ import annotations

import re
from typing import cast

from ingest.parsers.ocr import PAGE_BREAK, ocr_digits

_AYAT = re.compile(
    r"(?<![\w(])(?:"
    r"\((?P<n1>[0-9lIOU]{1,2})(?P<s1>[a-z])?\)"
    r"|\((?P<n2>[0-9]{1,2})(?P<noise>[\\|\]tfL]|ll|[1l](?=[\s,.;]))"
    r"|\((?P<n3>[0-9lU])(?=\s)"
    r"|(?<!\w)l(?P<n4>\d)l(?!\w)"
    r")"
)
_AYAT_REF_BEFORE = re.compile(
    r"(?:\b(?:ayat|Ayat|pada|dan|atau|dengan|dalam|huruf|angka|sampai|hingga|dimaksud|oleh|ke|di|"
    r"bahwa|serta|tentang)|\bs\.d\.?|\bs/d|[,/&])\s*$"
)


def _ayat_values(m: re.Match[str]) -> list[str]:
    if m.group("n1"):
        digits = ocr_digits(m.group("n1"))
        return [str(int(digits)) + (m.group("s1") or "")] if digits else []
    if m.group("n2"):
        base = m.group("n2")
        return [str(int(base))] + ([base + "1"] if m.group("noise") in ("1", "l") else [])
    digits = ocr_digits(m.group("n3") or m.group("n4") or "")
    return [str(int(digits))] if digits else []


def _split_ayat(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Ayat markers of one article as (number, marker start, text start); empty when it has no ayat."""
    tokens = list(_AYAT.finditer(text, lo, hi))
    if (
        not tokens
        or text[lo : tokens[0].start()].strip(" \t\n.:-_*" + PAGE_BREAK)
        or "1" not in _ayat_values(tokens[0])
    ):
        return []
    found = [("1", tokens[0].start(), tokens[0].end())]
    last = 1
    for tok in tokens[1:]:
        before = text[max(lo, tok.start() - 25) : tok.start()]
        after = text[tok.end() : tok.end() + 3].lstrip(" \t\n" + PAGE_BREAK)
        if not after:
            continue
        if _AYAT_REF_BEFORE.search(before):
            # Old regulations end an ayat with a comma ("... sub b, (3) Penempatan ..."); a list of references
            # ("ayat (1), (2)") has a marker right before the comma.
            comma_only = before.rstrip().endswith(",") and not before.rstrip()[:-1].rstrip().endswith(")")
            if not (comma_only and str(last + 1) in _ayat_values(tok) and after[0].isupper()):
                continue
        # An ayat starts a sentence: after ". ", ";", ":" or a line break, or at least with a capital letter.
        starts_sentence = before.rstrip(" \t" + PAGE_BREAK)[-1:] in (".", ";", ":", "\n", "")
        capital = after[0].isupper() or after[0] in '"“'
        if not (capital or starts_sentence):
            continue
        values = _ayat_values(tok)
        chosen = next((v for v in values if v == str(last + 1)), None)
        if chosen is None:
            chosen = next(
                (v for v in values if v.isdigit() and last + 1 < int(v) <= last + 2 and starts_sentence and capital),
                None,
            )
            if chosen is None:
                # Inserted ayat "(2a)" follow their base number.
                chosen = next((v for v in values if v[:-1] == str(last) and v[-1:].isalpha()), None)
        if chosen is None:
            continue
        found.append((chosen, tok.start(), tok.end()))
        # Every candidate is a number, or a number and a letter ("2a"): the match never fails.
        last = int(cast(re.Match[str], re.match(r"\d+", chosen)).group(0))
    return found

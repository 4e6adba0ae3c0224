"""Warnings as codes with parameters: the English text scripts read stays as it was, every code has its
Indonesian wording, and a plain string (stored before codes existed) is shown as written."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from ingest.notices import Notice, NoticeCode, in_indonesian

SAMPLES: dict[NoticeCode, dict[str, str | int]] = {
    NoticeCode.UTF8_REPLACED: {"replaced": 2},
    NoticeCode.LEGACY_ENCODING: {"encoding": "cp1252", "how": "assumed"},
    NoticeCode.OCR_PAGES: {"scanned": 3, "pages": 4, "confidence": "0.91"},
    NoticeCode.OCR_REPAIRED: {"fixes": 7},
    NoticeCode.NO_ARTICLES: {},
    NoticeCode.ARTICLE_GAPS: {"gaps": "5, 6"},
    NoticeCode.EMPTY_ARTICLE: {"pasal": "9"},
    NoticeCode.IDENTITY_FROM_FILE: {"doc": "PP 19/2022"},
    NoticeCode.YEAR_AHEAD: {"year": 2099, "doc": "PP 19/2022"},
    NoticeCode.NAME_MISMATCH: {"file": "PP 7/2008", "text": "PP 19/2022"},
    NoticeCode.UNREADABLE_REVOCATION: {"article": "PP 19/2022 Pasal 60", "clause": "dicabut dan dinyatakan"},
    NoticeCode.NO_MEETING_DATE: {},
    NoticeCode.REPEATED_ITEM: {"label": "Notulen X, bagian Rekomendasi butir 2"},
    NoticeCode.NO_DEADLINE: {"label": "butir 3"},
    NoticeCode.UNREADABLE_DEADLINE: {"label": "butir 3", "words": "kapan-kapan"},
    NoticeCode.NO_UNIT: {"label": "butir 4"},
    NoticeCode.UNKNOWN_STATUS: {"label": "butir 5", "status": "menunggu arahan"},
    NoticeCode.NO_TITLE: {"name": "Notulen 6 Februari 2024"},
    NoticeCode.NO_RECOMMENDATIONS: {},
    NoticeCode.SAME_CONTENT: {"source": "/data/dokumen/pp-19-2022.pdf"},
    NoticeCode.FOLDER_LINK_OUTSIDE: {"target": "/etc"},
    NoticeCode.FILE_LINK_OUTSIDE: {"target": "/etc/passwd"},
    NoticeCode.LINKED_EARLIER: {"doc": "PP 19/2022"},
}


def test_every_code_is_sampled() -> None:
    assert set(SAMPLES) == set(NoticeCode)


@pytest.mark.parametrize("code", list(NoticeCode))
def test_every_code_reads_in_both_languages(code: NoticeCode) -> None:
    notice = Notice(code, **SAMPLES[code])
    shown = in_indonesian(notice)
    assert shown != notice.english() and shown.endswith(".")
    for value in SAMPLES[code].values():
        if code not in (NoticeCode.LEGACY_ENCODING, NoticeCode.OCR_PAGES):  # these two reword a value
            assert str(value) in shown


def test_a_notice_is_its_english_text_wherever_text_goes() -> None:
    notice = Notice(NoticeCode.UNREADABLE_DEADLINE, label="butir 3", words="kapan-kapan")
    english = "butir 3: no deadline ('kapan-kapan' could not be read as a date)"
    assert notice == english and type(notice.english()) is str
    assert json.dumps({"warnings": [notice]}) == json.dumps({"warnings": [english]})  # --json, the info column
    for again in (pickle.loads(pickle.dumps(notice)), copy.deepcopy(notice)):
        assert again == english and again.code is NoticeCode.UNREADABLE_DEADLINE
        assert again.indonesian() == notice.indonesian()
    with pytest.raises(AttributeError):
        notice.code = NoticeCode.NO_DEADLINE


def test_numbers_read_as_people_say_them() -> None:
    assert Notice(NoticeCode.UTF8_REPLACED, replaced=1).endswith("with 1 replaced character (U+FFFD)")
    assert "keyakinan rata-rata 91%" in Notice(NoticeCode.OCR_PAGES, **SAMPLES[NoticeCode.OCR_PAGES]).indonesian()
    assert "(dugaan)" in Notice(NoticeCode.LEGACY_ENCODING, encoding="cp1252", how="assumed").indonesian()


def test_a_plain_string_is_shown_as_written() -> None:
    assert in_indonesian("something new from an older release") == "something new from an older release"

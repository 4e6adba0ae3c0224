"""Meeting minutes (notulen) and recommendation / follow-up lists -> a Document with citable passages.

Input is the readers' text (see ingest/readers/files.py): one paragraph per line, DOCX headings as `# `,
numbered paragraphs as `1. text`, bullets as `- text`, tables as pipe tables. Plain-text files come as
typed, e.g. a "Tindak lanjut:" line followed by numbered or dashed items with "PIC: ..." and
"Batas waktu: ..." inline, in parentheses, or on the lines below.

A two-column table of short labels and their values (the meeting's Hari/Tanggal, Tempat, Pimpinan Rapat;
a letter's Nomor, Sifat, Perihal) is quoted as "Label: value" lines, whether or not it has a header row.

Every recommendation or follow-up item becomes its own passage (cited as "..., bagian Rekomendasi
butir 3") and a FollowUp. Items are never dropped: a missing unit or unreadable deadline is kept as
such and reported in Document.warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from ingest.notices import Notice, NoticeCode
from ingest.readers.files import Page
from knowledge.model import NOTULEN, REKOMENDASI, Document, FollowUp, FollowUpStatus, Meeting, Passage, citation_label
from knowledge.operations.dates import MONTHS, find_due_date, format_indonesian_date, parse_indonesian_date
from knowledge.operations.units import ABBREVIATIONS, display_unit, looks_like_unit, split_units, title_case

MAX_PASSAGE_CHARS = 1200

# ---- vocabulary ----------------------------------------------------------------------------------

_TITLE_WORDS = re.compile(
    r"\b(?:notulen|notula|risalah|catatan\s+rapat|laporan\s+(?:hasil\s+)?rapat|hasil\s+rapat"
    r"|rekomendasi|tindak\s+lanjut|kesimpulan\s+rapat)\b",
    re.IGNORECASE,
)
_NOT_RECOMMENDATION_LIST = re.compile(r"\b(?:notulen|notula|risalah|catatan\s+rapat|laporan)\b", re.I)

# Headings that open a section; "Agenda" is left out because "Agenda: ..." is meeting metadata.
_SECTION_WORDS = re.compile(
    r"^(?:pembukaan|pendahuluan|latar\s+belakang|pembahasan|hasil\s+pembahasan|pokok\s+bahasan|paparan"
    r"|diskusi|tanya\s+jawab|arahan|kesimpulan|rekomendasi|tindak\s+lanjut|rencana\s+tindak\s+lanjut"
    r"|rencana\s+aksi|kesepakatan|keputusan|hasil\s+rapat|lain-lain|penutup)\b",
    re.IGNORECASE,
)
# Sections whose items are things someone must do.
_ACTION_SECTION = re.compile(r"\b(?:rekomendasi|tindak\s+lanjut|rencana\s+aksi)\b", re.IGNORECASE)

_META_LABEL = re.compile(
    r"^(?P<label>hari\s*[/,]\s*(?:tanggal|tgl\.?)|hari|tanggal|tgl\.?|waktu|pukul|jam|tempat|lokasi"
    r"|pimpinan\s+rapat|pemimpin\s+rapat|ketua\s+rapat|dipimpin\s+oleh|pimpinan|peserta(?:\s+rapat)?"
    r"|daftar\s+hadir|yang\s+hadir|hadir|agenda(?:\s+rapat)?|acara|notulis|perihal|topik)\s*:\s*(?P<value>.*)$"
    r"|^(?P<label2>dipimpin\s+oleh)\s+(?P<value2>.+)$",
    re.IGNORECASE,
)
_META_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:hari|tanggal|tgl)", re.I), "date"),
    (re.compile(r"^(?:waktu|pukul|jam)", re.I), "time"),
    (re.compile(r"^(?:tempat|lokasi)", re.I), "place"),
    (re.compile(r"pimpin|ketua", re.I), "chair"),
    (re.compile(r"peserta|hadir", re.I), "participants"),
]
_NOT_LISTED = re.compile(r"^(?:\(?\s*(?:daftar\s+hadir\s+)?terlampir\s*\)?|-)$", re.IGNORECASE)

# Line openings of a regulation's preamble and body; three of them and it is not minutes.
_REGULATION_MARK = re.compile(
    r"^\s*(?:#+\s*)?(?:pasal\s+\d+[a-z]?\s*$|menimbang\s*:|mengingat\s*:|memutuskan\s*:?|menetapkan\s*:)",
    re.IGNORECASE | re.MULTILINE,
)

_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
_OUTLINE_HEADING = re.compile(r"^(?:[IVX]{1,4}|[A-H])\.\s+(?P<text>[^.]{2,80})$")
_HEADING_PREFIX = re.compile(r"^(?:[IVX]{1,4}|[A-Ha-h]|\d{1,2})[.)]\s+")
_ITEM = re.compile(
    r"^(?:(?P<num>\d{1,3})[.)]|(?P<letter>[a-z])[.)]|\((?P<paren>\d{1,3}|[a-z])\)|(?P<bullet>[-*•–]))\s+(?P<text>\S.*)$"
)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)  # how Markdown writes a line break inside a cell

# Key–value tables. Word tables rarely mark a header row, so the reader's first row may already be data;
# without a generic header ("Keterangan | Isi") most labels must be words like these, or a two-column list
# of names and posts ("Nama | Jabatan") or a schedule ("Tanggal | Kegiatan") would be taken for one.
_KV_LABEL = re.compile(
    r"^(?:hari|tanggal|tgl|waktu|pukul|jam|tempat|lokasi|pimpinan|pemimpin|ketua|dipimpin|peserta|daftar\s+hadir"
    r"|hadir|undangan|agenda|acara|notulis|notulen|sekretaris|narasumber|moderator|penyelenggara|jenis\s+rapat"
    r"|topik|tema|judul|nomor|no|perihal|hal|lampiran|sifat|kepada|yth|dari|tembusan)\b",
    re.IGNORECASE,
)
_KV_HEADER = re.compile(
    r"^(?:keterangan|isi|uraian|rincian|deskripsi|informasi|data|detail|nilai|penjelasan|unsur|komponen|item"
    r"|hal|identitas(?:\s+rapat)?)$",
    re.IGNORECASE,
)
_KV_LABEL_MAX_WORDS = 5
_KV_LABEL_MAX_CHARS = 40

_FIELD_LABEL = re.compile(
    r"(?<!\w)(?:(?P<units>PIC|P\.?J\.?|penanggung\s*-?\s*jawab|unit\s+(?:kerja|pelaksana)|pelaksana|koordinator)"
    r"|(?P<due>batas\s+waktu|tenggat(?:\s+waktu)?|target\s+(?:waktu|penyelesaian)|waktu\s+penyelesaian"
    r"|jangka\s+waktu|deadline|jadwal)|(?P<status>status|progres|progress))\s*:\s*",
    re.IGNORECASE,
)
_DEADLINE_CUE = re.compile(
    r"[,;]?\s*(?:\b(?:paling\s+lambat|selambat-?\s?lambatnya|sebelum|hingga|sampai\s+dengan)\b|\bs\.d\.|\bs/d\b)",
    re.IGNORECASE,
)
# "Kementerian/Lembaga agar ..." / "Meminta Bappeda Provinsi untuk ...": the addressee is the unit.
_ADDRESSEE = [
    re.compile(r"^(?P<who>.{2,120}?),?\s+(?:agar|supaya|diminta|diharapkan|perlu|wajib|harus|segera)\b", re.I),
    re.compile(r"^(?:meminta|mendorong|mengharapkan|menugaskan)\s+(?:kepada\s+)?(?P<who>.{2,120}?)"
               r"\s+(?:untuk|agar|supaya)\b", re.I),
]  # fmt: skip
_OFFICIAL = re.compile(
    r"\b(?:Sdr|Sdri|Saudara|Saudari|Bapak|Bpk|Ibu)\.?\s+(?!Kota\b)(?P<name>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,4})"
)

# Table header words -> column role; checked in this order, so "Target Waktu" is a date, not the text.
_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(?:no\.?|nomor|#|butir)$", re.I)),
    ("status", re.compile(r"status|progres|capaian", re.I)),
    ("due", re.compile(r"batas|tenggat|target|deadline|jadwal|waktu|tanggal|tgl", re.I)),
    ("units", re.compile(r"\bpic\b|penanggung|\bpj\b|unit|pelaksana|\boleh\b|instansi", re.I)),
    ("text", re.compile(r"rekomendasi|tindak\s+lanjut|uraian|kegiatan|rencana|kesepakatan|hasil|arahan|isu"
                        r"|permasalahan|materi|deskripsi|langkah|aksi", re.I)),
    ("note", re.compile(r"keterangan|catatan", re.I)),
]  # fmt: skip

# Status words -> FollowUp status; order matters ("belum selesai" is not "selesai").
_STATUSES: list[tuple[re.Pattern[str], FollowUpStatus]] = [
    (re.compile(r"batal|ditiadakan|tidak\s+dilanjutkan|cancel", re.I), FollowUpStatus.DIBATALKAN),
    (re.compile(r"terlambat|lewat|overdue|tertunda|melewati", re.I), FollowUpStatus.TERLAMBAT),
    (re.compile(r"belum|baru|open|rencana|not\s+started", re.I), FollowUpStatus.BARU),
    (re.compile(r"selesai|sudah|telah|tuntas|rampung|done|complete|closed|100\s*%", re.I), FollowUpStatus.SELESAI),
    (re.compile(r"berjalan|proses|progres|sedang|ongoing|progress|pelaksanaan|dilanjutkan|\d{1,2}\s*%", re.I),
     FollowUpStatus.BERJALAN),
]  # fmt: skip

_MEETING_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^rapat\s+koordinasi\s+nasional\b", re.I), "Rakornas"),
    (re.compile(r"^rapat\s+koordinasi\s+teknis\b", re.I), "Rakortek"),
    (re.compile(r"^rapat\s+koordinasi\b", re.I), "Rakor"),
    (re.compile(r"^rapat\s+kerja\b", re.I), "Raker"),
    (re.compile(r"^rapat\s+pimpinan\b", re.I), "Rapim"),
    (re.compile(r"^rapat\b", re.I), "Rapat"),
]
_DOC_WORDS = re.compile(
    r"^(?:(?:notulen|notula|risalah|catatan|laporan|hasil|daftar|rekomendasi|tindak\s+lanjut|kesimpulan"
    r"|rencana|dan|serta|atas|dari)\b[\s,:-]*)+",
    re.IGNORECASE,
)
_TOPIC_LEAD = re.compile(r"^(?:tentang|mengenai|membahas|terkait|dalam\s+rangka)\s+", re.IGNORECASE)
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_TOPIC_END = re.compile(
    rf",|\(|\s+(?:dan|serta|di|pada|tahun|tanggal|tgl|bertempat|tentang)\b|\s+\d{{1,2}}\s+(?:{_MONTH_WORDS})\b"
    r"|(?<![/\w])(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
MAX_TOPIC_WORDS = 6
# Words a topic must not end on: they only lead to what follows ("... Dekonsentrasi kepada").
_LEADING_WORDS = frozenset(
    {"kepada", "untuk", "bagi", "di", "ke", "dari", "pada", "dan", "serta", "atau", "oleh", "dengan", "atas",
     "terhadap", "tentang", "mengenai", "yang", "dalam", "se"}
)  # fmt: skip
_TITLE_PERIOD = re.compile(
    r"\b(?P<kind>triwulan|semester)\s+(?P<n>IV|III|II|I|[1-4])\s+(?:tahun\s+(?:anggaran\s+)?)?(?P<y>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset({"dan", "di", "ke", "dari", "pada", "untuk", "atas", "serta", "dengan", "atau", "yang"})


# ---- lines and sections --------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    page: int | None

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indented(self) -> bool:
        return self.text[:1].isspace()


@dataclass
class _Section:
    name: str | None
    lines: list[_Line] = field(default_factory=list)
    header: bool = False  # title and meeting metadata

    @property
    def is_action(self) -> bool:
        return bool(self.name and _ACTION_SECTION.search(self.name))

    @property
    def text(self) -> str:
        return "\n".join(_readable_lines(self.lines))


def _lines(pages: list[Page]) -> list[_Line]:
    return [_Line(_undecorate(text), page.number) for page in pages for text in page.text.splitlines()]


def _undecorate(text: str) -> str:
    """Drop Markdown emphasis, which is noise in a quoted passage; structure marks (#, 1., |) stay."""
    return re.sub(r"\*\*|__", "", text.rstrip())


def _cells(row: str) -> list[str]:
    inner = re.sub(r"^\s*\||(?<!\\)\|\s*$", "", row)
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _plain(text: str) -> str:
    """A line without Markdown decoration: heading marks, list marker, bold; `| a | b |` -> `a: b`."""
    text = text.strip()
    if _TABLE_ROW.match(text):
        cells = _cells(text)
        if len(cells) == 3 and cells[1] == ":":  # "| Tempat | : | Aula |": the colon has a column of its own
            cells = [cells[0], cells[2]]
        if len(cells) == 2 and cells[0]:
            text = f"{cells[0].rstrip(':')}: {_CELL_BREAK.sub(' ', cells[1])}"
    text = re.sub(r"^#{1,6}\s+", "", text)
    if item := _ITEM.match(text):
        text = item["text"]
    return text.replace("**", "").replace("__", "").strip()


# ---- key–value tables ----------------------------------------------------------------------------


@dataclass
class _KeyValueTable:
    rows: set[int]  # line indexes, header and separator included
    pairs: list[tuple[str, str]]


def _table_cells(lines: list[_Line]) -> list[list[str]]:
    return [_cells(line.stripped) for line in lines if not _TABLE_SEPARATOR.match(line.text)]


def _is_label(text: str) -> bool:
    """A short label such as "Hari/Tanggal" or "Pimpinan Rapat"; "No." may keep its dot, a sentence may not."""
    words = text.split()
    return (
        0 < len(words) <= _KV_LABEL_MAX_WORDS
        and len(text) <= _KV_LABEL_MAX_CHARS
        and text[:1].isalpha()
        and not (len(words) > 1 and text.endswith((".", "!", "?")))
    )


def _key_values(rows: list[list[str]]) -> list[tuple[str, str]] | None:
    """(label, value) pairs when the table is a key–value table, else None.

    The first row is a header only when it is empty or generic ("Keterangan | Isi"); otherwise it is the
    first pair, as in a Word table without a header row.
    """
    if not rows:
        return None
    width = max(len(cells) for cells in rows)
    rows = [cells + [""] * (width - len(cells)) for cells in rows]
    # A column of nothing but ":" (or nothing) only lays the table out: "Tempat | : | Aula".
    kept = [i for i in range(width) if any(cells[i] not in ("", ":") for cells in rows)]
    rows = [[cells[i] for i in kept] for cells in rows]
    if len(kept) != 2:
        return None
    generic_header = all(not cell or _KV_HEADER.match(cell) for cell in rows[0])
    data = [cells for cells in (rows[1:] if generic_header else rows) if any(cells)]
    pairs = [(key.rstrip(":").strip(), value.lstrip(":").strip()) for key, value in data]
    labels = [key for key, _ in pairs if key]
    if not labels or not all(_is_label(label) for label in labels):
        return None
    if not generic_header and 2 * sum(1 for label in labels if _KV_LABEL.match(label)) <= len(labels):
        return None
    return pairs


def _value_lines(value: str) -> list[str]:
    return [part.strip() for part in _CELL_BREAK.split(value) if part.strip()]


def _key_value_text(pairs: list[tuple[str, str]]) -> str:
    """One "Label: value" line per row; a value's own line breaks continue indented under it."""
    lines: list[str] = []
    for key, value in pairs:
        values = _value_lines(value)
        if not key:  # a row with an empty label continues the row above (a vertically merged label)
            lines.extend(f"  {part}" for part in values)
        elif not values:  # a caption row such as "IDENTITAS RAPAT"
            lines.append(key)
        else:
            lines.append(f"{key}: {values[0]}")
            lines.extend(f"  {part}" for part in values[1:])
    return "\n".join(lines)


def _table_runs(lines: list[_Line]) -> Iterator[tuple[int, int]]:
    """(start, end) of each table, split as _blocks splits them: a blank line ends a table unless the
    separator row of the same table follows it."""
    start = end = 0
    inside = gap = False
    for i, line in enumerate(lines):
        text = line.stripped
        if not text:
            gap = True
            continue
        if _TABLE_ROW.match(text):
            if inside and gap and not _TABLE_SEPARATOR.match(text):
                yield start, end
                inside = False
            start, end, inside = (start if inside else i), i + 1, True
        elif inside:
            yield start, end
            inside = False
        gap = False
    if inside:
        yield start, end


def _key_value_tables(lines: list[_Line]) -> dict[int, _KeyValueTable]:
    """The key–value tables among the lines, by the index of their first line."""
    tables: dict[int, _KeyValueTable] = {}
    for start, end in _table_runs(lines):
        if (pairs := _key_values(_table_cells(lines[start:end]))) is not None:
            tables[start] = _KeyValueTable(set(range(start, end)), pairs)
    return tables


def _readable_lines(lines: list[_Line]) -> list[str]:
    """The non-empty lines as they are quoted: key–value tables as "Label: value" lines, the rest as typed."""
    tables = _key_value_tables(lines)
    skip: set[int] = set()
    out: list[str] = []
    for i, line in enumerate(lines):
        if table := tables.get(i):
            skip |= table.rows
            out.extend(_key_value_text(table.pairs).splitlines())
        elif i not in skip and line.stripped:
            out.append(line.stripped)
    return out


def _meta(text: str) -> tuple[str, str] | None:
    """(kind, value) of a metadata line such as `Hari/Tanggal: Selasa, 6 Februari 2024`."""
    match = _META_LABEL.match(_plain(text))
    if not match:
        return None
    label = match["label"] or match["label2"]
    value = (match["value"] if match["label"] else match["value2"]).strip()
    kind = next((kind for pattern, kind in _META_KINDS if pattern.search(label)), "other")
    return kind, value


def _heading_case(text: str) -> str:
    words = title_case(text).split()
    return " ".join(
        w if (i and w.lower() in _SMALL_WORDS) or not w[:1].islower() else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def _heading(line: _Line) -> tuple[str, str] | None:
    """(section name, text after a colon) when the line opens a section."""
    if line.indented or _TABLE_ROW.match(line.text):
        return None
    text = line.stripped.replace("**", "").replace("__", "").strip()
    if match := _MD_HEADING.match(text):
        return _heading_case(_HEADING_PREFIX.sub("", match["text"]).rstrip(":").strip()), ""
    if (match := _OUTLINE_HEADING.match(text)) and len(match["text"].split()) <= 8:
        return _heading_case(match["text"].rstrip(":").strip()), ""
    bare = _HEADING_PREFIX.sub("", text)
    name, colon, rest = bare.partition(":")
    if _SECTION_WORDS.match(name) and len(name.split()) <= 6 and not name.rstrip().endswith("."):
        if colon or not rest:
            return _heading_case(name.strip()), rest.strip()
    return None


def _find_title(lines: list[_Line]) -> tuple[str, set[int]]:
    """The title: the first line naming the document kind, plus the lines continuing it."""
    for i, line in enumerate(lines[:15]):
        text = _plain(line.text)
        if not text:
            continue
        if _meta(line.text):
            break
        if _is_title_line(text) and not text.endswith(":"):
            rows, parts = {i}, [text]
            for j in range(i + 1, min(i + 4, len(lines))):
                following = lines[j]
                if not following.stripped or _meta(following.text) or _heading(following):
                    break
                if _TABLE_ROW.match(following.text) or _ITEM.match(following.stripped):
                    break
                rows.add(j)
                parts.append(_plain(following.text))
            return title_case(" ".join(parts)), rows
    return "", set()


def _read_meeting(
    lines: list[_Line], title: str, title_rows: set[int], warnings: list[str]
) -> tuple[Meeting, set[int]]:
    """Meeting metadata from the lines before the first content section; also the rows it used."""
    meeting = Meeting(title=title)
    rows: set[int] = set()
    values: dict[str, str] = {}
    collecting = False
    tables = _key_value_tables(lines)
    table_rows = {i for table in tables.values() for i in table.rows}
    for i, line in enumerate(lines):
        if i in title_rows:
            continue
        if table := tables.get(i):
            if _read_key_values(table.pairs, values, meeting):
                rows |= table.rows  # the whole table, header row included, so that it is quoted as one
            collecting = False
            continue
        if i in table_rows:
            continue
        heading = None if _meta(line.text) else _heading(line)
        if heading and (_SECTION_WORDS.match(heading[0]) or _ACTION_SECTION.search(heading[0])):
            break  # the body has begun: a "Waktu: ..." further down is not about the meeting
        if meta := _meta(line.text):
            kind, value = meta
            values.setdefault(kind, value)
            if not _TABLE_ROW.match(line.stripped):  # a row of another kind of table stays in its table
                rows.add(i)
            collecting = kind == "participants"
            if collecting and value and not _NOT_LISTED.match(value):
                meeting.participants.extend(split_units(value))
        elif collecting and (item := _ITEM.match(line.stripped)) and not heading:
            meeting.participants.append(item["text"].strip())
            rows.add(i)
        elif line.stripped:
            collecting = False
    meeting.date = _meeting_date(values, title, lines)
    meeting.place = values.get("place") or None
    meeting.chair = values.get("chair") or None
    if meeting.date is None:
        warnings.append(Notice(NoticeCode.NO_MEETING_DATE))
    return meeting, rows


def _read_key_values(pairs: list[tuple[str, str]], values: dict[str, str], meeting: Meeting) -> bool:
    """Meeting metadata from a key–value table's rows into `values` and `meeting`; True if it held any."""
    found = False
    for key, value in pairs:
        parts = _value_lines(value)
        meta = _meta(f"{key}: {', '.join(part.rstrip(',;') for part in parts)}") if key else None
        if meta is None:
            continue
        found = True
        kind, text = meta
        values.setdefault(kind, text)
        if kind != "participants":
            continue
        if len(parts) > 1:  # one participant per line of the cell
            meeting.participants.extend(item["text"] if (item := _ITEM.match(part)) else part for part in parts)
        elif text and not _NOT_LISTED.match(text):
            meeting.participants.extend(split_units(text))
    return found


def _meeting_date(values: dict[str, str], title: str, lines: list[_Line]) -> date | None:
    for text in (values.get("date", ""), values.get("time", ""), title):
        if found := parse_indonesian_date(text):
            return found
    for line in lines[:20]:  # e.g. "Bandung, 6 Februari 2024" under the title
        if (found := parse_indonesian_date(line.text)) is not None:
            return found
    return None


def _split_sections(lines: list[_Line], header_rows: set[int]) -> list[_Section]:
    header = _Section(None, header=True)
    sections = [header, _Section(None)]
    for i, line in enumerate(lines):
        if i in header_rows:
            if header.lines and i - 1 not in header_rows and _TABLE_ROW.match(line.stripped):
                # Rows gathered from further down must not be glued onto a table above as its rows.
                header.lines.append(_Line("", line.page))
            header.lines.append(line)
            continue
        heading = None if _meta(line.text) else _heading(line)
        if heading:
            sections.append(_Section(heading[0]))
            if heading[1]:
                sections[-1].lines.append(_Line(heading[1], line.page))
        else:
            sections[-1].lines.append(line)
    return [s for s in sections if s.name or s.text]


# ---- blocks inside a section ---------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "prose" | "item" | "table"
    lines: list[_Line]
    number: str | None = None


def _item_kind(match: re.Match[str]) -> str:
    return next(kind for kind in ("num", "letter", "paren", "bullet") if match[kind])


def _blocks(lines: list[_Line], action: bool) -> list[_Block]:
    """Split a section into prose paragraphs, list items and tables.

    In an action section the first list marker seen (1., a., -) marks the items; other markers and
    indented or `PIC:`-style lines continue the current item. Elsewhere every list item is a paragraph.
    """
    top_kind = None
    if action:
        top_kind = next((_item_kind(m) for ln in lines if (m := _ITEM.match(ln.stripped))), None)
    blocks: list[_Block] = []
    current: _Block | None = None
    gap = False
    counter = 0
    for line in lines:
        text = line.stripped
        if not text:
            gap = True
            continue
        item = _ITEM.match(text)
        if _TABLE_ROW.match(text):
            # A blank line ends a table, unless what follows is the separator row of the same table.
            if current is None or current.kind != "table" or (gap and not _TABLE_SEPARATOR.match(text)):
                current = _Block("table", [])
                blocks.append(current)
            current.lines.append(line)
        elif item and (_item_kind(item) == top_kind or not action):
            counter += 1
            number = item["num"] or item["letter"] or item["paren"] or str(counter)
            current = _Block("item" if action else "prose", [_Line(item["text"], line.page)], number)
            blocks.append(current)
        elif (
            current is not None
            and current.kind != "table"
            and (not gap or line.indented or (current.kind == "item" and (item or _FIELD_LABEL.match(text))))
        ):
            current.lines.append(line)
        else:
            current = _Block("prose", [line])
            blocks.append(current)
        gap = False
    return blocks


def _split_long(text: str) -> list[str]:
    """Pieces of at most MAX_PASSAGE_CHARS, cut between sentences (or words, for run-on text)."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [text]
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        while len(sentence) > MAX_PASSAGE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_PASSAGE_CHARS)
            cut = cut if cut > 0 else MAX_PASSAGE_CHARS
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if pieces and len(pieces[-1]) + len(sentence) + 1 <= MAX_PASSAGE_CHARS:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        elif sentence:
            pieces.append(sentence)
    return pieces


def _pack(paragraphs: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Join short paragraphs into passages of up to MAX_PASSAGE_CHARS, keeping paragraph breaks."""
    passages: list[tuple[str, int | None]] = []
    for text, page in paragraphs:
        for piece in _split_long(text):
            if passages and len(passages[-1][0]) + len(piece) + 2 <= MAX_PASSAGE_CHARS:
                passages[-1] = (f"{passages[-1][0]}\n\n{piece}", passages[-1][1])
            else:
                passages.append((piece, page))
    return passages


# ---- items -> follow-ups -------------------------------------------------------------------------


@dataclass
class _Item:
    number: str
    text: str  # the action itself, without PIC / deadline / status fields
    passage_text: str
    page: int | None
    units: str | None = None
    due: str | None = None
    status: str | None = None


def _field_end(text: str, start: int, next_label: int) -> int:
    """Where a field's value ends: the next field, the end of the line, or a closing parenthesis."""
    depth = 0
    for position in range(start, next_label):
        char = text[position]
        if char == "\n":
            return position
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return position
    return next_label


def _extract_fields(text: str) -> tuple[str, dict[str, str]]:
    """Pull `PIC: ...`, `Batas waktu: ...`, `Status: ...` out of an item; returns (rest, fields)."""
    labels = list(_FIELD_LABEL.finditer(text))
    fields: dict[str, str] = {}
    cuts: list[tuple[int, int]] = []
    for index, label in enumerate(labels):
        next_label = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        end = _field_end(text, label.end(), next_label)
        kind = label.lastgroup or ""
        if kind == "units" and (cue := _DEADLINE_CUE.search(text, label.end(), end)):
            end = cue.start()  # "PIC: Bappeda Jatim, paling lambat 31 Maret": the date stays in the text
        value = text[label.end() : end].strip().strip(";,").strip()
        if value.endswith(".") and value.split()[-1].rstrip(".").lower() not in ABBREVIATIONS:
            value = value[:-1]  # a sentence's full stop, not the dot of "Prov."
        fields.setdefault(kind, value)
        cuts.append((label.start(), end))
    rest = text
    for start, end in reversed(cuts):
        rest = rest[:start] + " " + rest[end:]
    rest = re.sub(r"\(\s*[;,.]?\s*\)", " ", rest)
    rest = re.sub(r"(?m)^\s*(?:[-*•]|\d+[.)]|[a-z][.)])\s*$", "", rest)  # markers of field-only lines
    rest = re.sub(r"\s*([,;])(?:\s*[,;])+", r"\1", rest)  # "provinsi, , paling lambat": a field was cut out
    return " ".join(rest.split()).strip(" ;,:-"), fields


def _list_item(block: _Block) -> _Item:
    raw = "\n".join(line.stripped for line in block.lines)
    text, fields = _extract_fields(raw)
    return _Item(
        number=block.number or "",
        text=text,
        passage_text=raw,
        page=block.lines[0].page,
        units=fields.get("units"),
        due=fields.get("due"),
        status=fields.get("status"),
    )


def _column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, name in enumerate(header):
        role = next((role for role, pattern in _COLUMN_ROLES if pattern.search(name)), None)
        if role and role not in roles:
            roles[role] = index
    if "text" not in roles:
        free = [i for i in range(len(header)) if i not in roles.values()]
        if free:
            roles["text"] = free[0]
    return roles


def _table_rows(block: _Block) -> tuple[list[str], list[tuple[list[str], int | None]]]:
    rows = [(_cells(line.stripped), line.page) for line in block.lines if not _TABLE_SEPARATOR.match(line.text)]
    if not rows:
        return [], []
    header = rows[0][0]
    return header, [(cells + [""] * (len(header) - len(cells)), page) for cells, page in rows[1:] if any(cells)]


def _row_text(header: list[str], cells: list[str], skip: set[int]) -> str:
    return "\n".join(
        f"{header[i]}: {cell}" if header[i] else cell
        for i, cell in enumerate(cells[: len(header)])
        if cell and i not in skip
    )


def _row_item(header: list[str], cells: list[str], page: int | None, roles: dict[str, int], fallback: str) -> _Item:
    def cell(role: str) -> str | None:
        if role not in roles:
            return None
        return cells[roles[role]].strip() or None

    number = (cell("number") or fallback).rstrip(".")
    text = cell("text") or ""
    details = _row_text(header, cells, {roles[r] for r in ("number", "text") if r in roles})
    return _Item(
        number=number,
        text=text,
        passage_text="\n".join(part for part in (text, details) if part),
        page=page,
        units=cell("units"),
        due=cell("due"),
        status=cell("status"),
    )


def _officials(*texts: str | None) -> list[str]:
    names: list[str] = []
    for text in texts:
        for match in _OFFICIAL.finditer(text or ""):
            name = match["name"].strip(" .,")
            if not looks_like_unit(name) and name not in names:
                names.append(name)
    return names


def _units(item: _Item) -> list[str]:
    if item.units:
        without_people = re.sub(r"\([^)]*\)", " ", item.units)
        return [display_unit(unit) for unit in split_units(without_people) if unit.strip(" -")]
    for pattern in _ADDRESSEE:
        match = pattern.match(item.text)
        if match and looks_like_unit(match["who"]) and len(match["who"].split()) <= 12:
            return [display_unit(unit) for unit in split_units(match["who"])]
    return []


def _status(text: str | None) -> tuple[FollowUpStatus, bool]:
    """(status, recognised)."""
    if not text or not text.strip(" -"):
        return FollowUpStatus.BARU, True
    for pattern, status in _STATUSES:
        if pattern.search(text):
            return status, True
    return FollowUpStatus.BARU, False


# ---- building the document -----------------------------------------------------------------------


class _Builder:
    def __init__(self, document: Document, meeting_date: date | None):
        self.document = document
        self.meeting_date = meeting_date
        self.labels: set[str] = set()

    def add_section(self, section: _Section, name: str | None, action: bool) -> None:
        paragraphs: list[tuple[str, int | None]] = []
        counter = 0
        for block in _blocks(section.lines, action):
            if block.kind == "item":
                counter += 1
                self._flush(paragraphs, section, name)
                self._add_item(_list_item(block), section, name)
            elif block.kind == "table":
                counter = self._add_table(block, section, name, action, paragraphs, counter)
            else:
                text = "\n".join(re.sub(r"^#{1,6}\s+", "", line.stripped) for line in block.lines)
                paragraphs.append((text, block.lines[0].page))
        self._flush(paragraphs, section, name)

    def _flush(self, paragraphs: list[tuple[str, int | None]], section: _Section, name: str | None) -> None:
        for text, page in _pack(paragraphs):
            label = citation_label(self.document.doc, section=name)
            self.document.passages.append(
                Passage(text=text, label=label, page=page, section=name, parent_text=section.text)
            )
        paragraphs.clear()

    def _add_table(
        self,
        block: _Block,
        section: _Section,
        name: str | None,
        action: bool,
        paragraphs: list[tuple[str, int | None]],
        counter: int,
    ) -> int:
        if (pairs := _key_values(_table_cells(block.lines))) is not None:
            paragraphs.append((_key_value_text(pairs), block.lines[0].page))
            return counter
        header, rows = _table_rows(block)
        roles = _column_roles(header)
        # Outside an action section only a table with both a PIC and a deadline column is a follow-up
        # table; an agenda table ("Waktu | Acara | Narasumber") is not.
        needed = {"units", "due"}
        if not (needed & roles.keys() if action else needed <= roles.keys()):  # its rows are prose
            paragraphs.extend((_row_text(header, cells, set()).replace("\n", "; "), page) for cells, page in rows)
            return counter
        self._flush(paragraphs, section, name)
        for cells, page in rows:
            counter += 1
            self._add_item(_row_item(header, cells, page, roles, str(counter)), section, name or "Tindak Lanjut")
        return counter

    def _add_item(self, item: _Item, section: _Section, name: str | None) -> None:
        label = citation_label(self.document.doc, section=name, item=item.number)
        if label in self.labels:
            self.document.warnings.append(Notice(NoticeCode.REPEATED_ITEM, label=label))
        self.labels.add(label)
        self.document.passages.append(
            Passage(
                text=item.passage_text,
                label=label,
                page=item.page,
                section=name,
                item=item.number,
                parent_text=section.text,
            )
        )
        self.document.followups.append(self._followup(item, name, label))

    def _followup(self, item: _Item, section: str | None, label: str) -> FollowUp:
        warnings = self.document.warnings
        if item.due:
            due, words = find_due_date(item.due, self.meeting_date)
            due_text: str | None = item.due
        else:
            due, words = find_due_date(item.text, self.meeting_date)
            due_text = words
        if due is None:
            if due_text:
                warnings.append(Notice(NoticeCode.UNREADABLE_DEADLINE, label=label, words=due_text))
            else:
                warnings.append(Notice(NoticeCode.NO_DEADLINE, label=label))
        units = _units(item)
        if not units:
            warnings.append(Notice(NoticeCode.NO_UNIT, label=label))
        status, recognised = _status(item.status)
        if not recognised:
            warnings.append(Notice(NoticeCode.UNKNOWN_STATUS, label=label, status=str(item.status)))
        return FollowUp(
            text=item.text or item.passage_text,
            units=units,
            officials=_officials(item.units, item.text),
            due=due,
            due_text=due_text,
            status=status,
            section=section,
            item=item.number,
            passage_label=label,
        )


def _doc_type(title: str, sections: list[_Section]) -> str:
    if title:
        is_list = _ACTION_SECTION.search(title) and not _NOT_RECOMMENDATION_LIST.search(title)
        return REKOMENDASI if is_list else NOTULEN
    named = [s for s in sections if s.name]
    return REKOMENDASI if named and all(s.is_action for s in named) else NOTULEN


def _short_name(doc_type: str, title: str, meeting_date: date | None, source: str) -> str:
    """`Notulen Rakor Dekonsentrasi 6 Februari 2024` from the full title and the meeting date."""
    prefix = "Rekomendasi" if doc_type == REKOMENDASI else "Notulen"
    rest = _DOC_WORDS.sub("", title).strip()
    kind = ""
    for pattern, short in _MEETING_KINDS:
        if match := pattern.match(rest):
            kind, rest = short, rest[match.end() :].strip()
            break
    topic = _topic(_TOPIC_LEAD.sub("", rest))
    when = format_indonesian_date(meeting_date) if meeting_date else ""
    if not (kind or topic):
        kind = "Rapat" if when else PurePath(source).stem
    if topic[-1:].isdigit() and when:  # "... Triwulan I 2024, 14 Maret 2024": two dates apart
        topic += ","
    return " ".join(part for part in (prefix, kind, topic, when) if part)


def _topic(text: str) -> str:
    """The words that tell this meeting from others: up to MAX_TOPIC_WORDS, never ending on "kepada" or
    another word that only leads to the next; a period the title names ("Triwulan I Tahun 2024") is kept,
    since it is often all that tells two evaluation meetings apart."""
    period = _TITLE_PERIOD.search(text)
    head = text[: period.start()] if period else text
    pieces = _TOPIC_END.split(head, maxsplit=1)
    words = pieces[0].split()[:MAX_TOPIC_WORDS]
    while words and words[-1].lower() in _LEADING_WORDS:
        words.pop()
    if period and len(pieces) == 1 and len(words) == len(pieces[0].split()):  # nothing cut before the period
        words += [period["kind"].capitalize(), period["n"].upper(), period["y"]]
    return " ".join(words)


def _is_title_line(line: str) -> bool:
    """A short line naming the document kind; a sentence that mentions "notula" in passing is not a title."""
    text = _plain(line)
    return bool(_TITLE_WORDS.search(text)) and len(text.split()) <= 20 and not text.rstrip().endswith((".", "!", "?"))


def looks_like_minutes(text: str) -> bool:
    """True for minutes, recommendation lists and follow-up lists; False for regulations and the rest."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines or len(_REGULATION_MARK.findall(text)) >= 3:
        return False
    if any(_is_title_line(line) for line in lines[:8]):
        return True  # a title line; long lines are prose that merely mentions "tindak lanjut"
    kinds = {meta[0] for line in lines[:60] if (meta := _meta(line))}
    if len(kinds & {"date", "place", "chair", "participants"}) >= 2:
        return True
    has_action_heading = any(
        (heading := _heading(_Line(line, None))) and _ACTION_SECTION.search(heading[0]) for line in lines
    )
    return has_action_heading and bool(_FIELD_LABEL.search(text))


def parse_minutes(pages: list[Page], source: str, content_hash: str = "") -> Document:
    """Parse minutes or a recommendation list; raises ValueError for anything else."""
    text = "\n".join(page.text for page in pages)
    if not text.strip():
        raise ValueError(f"{source}: the document is empty")
    if not looks_like_minutes(text):
        raise ValueError(f"{source}: not meeting minutes or a recommendation list")
    lines = _lines(pages)
    warnings: list[str] = []
    title, title_rows = _find_title(lines)
    meeting, meta_rows = _read_meeting(lines, title, title_rows, warnings)
    sections = _split_sections(lines, title_rows | meta_rows)
    doc_type = _doc_type(title, sections)
    name = _short_name(doc_type, title, meeting.date, source)
    if not title:
        warnings.append(Notice(NoticeCode.NO_TITLE, name=name))
    document = Document(
        doc=name,
        title=title or name,
        doc_type=doc_type,
        meeting=meeting,
        warnings=warnings,
        source=source,
        content_hash=content_hash,
    )
    _add_sections(document, sections, meeting.date)
    if doc_type == REKOMENDASI and not document.followups:
        warnings.append(Notice(NoticeCode.NO_RECOMMENDATIONS))
    return document.finalize()


def _add_sections(document: Document, sections: list[_Section], meeting_date: date | None) -> None:
    builder = _Builder(document, meeting_date)
    # A bare list under a recommendation title has no "Rekomendasi" heading of its own.
    bare_list = document.doc_type == REKOMENDASI and not any(s.is_action for s in sections)
    for section in sections:
        if section.header:
            builder.add_section(section, None, action=False)
        elif section.name is None and bare_list:
            builder.add_section(section, "Rekomendasi", action=True)
        else:
            builder.add_section(section, section.name, action=section.is_action)

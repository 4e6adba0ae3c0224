"""Names of government units (Bappeda, Ditjen, Biro...), as people actually write them.

The same unit appears as "Bappeda Prov. Jabar", "Bappeda Provinsi Jawa Barat" and "BAPPEDA PROVINSI JAWA
BARAT"; reminders and "my follow-ups" only work if these compare equal. Everything is table-driven:
adding an abbreviation is adding a dict entry.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations written in unit names -> the words they stand for (display case).
ABBREVIATIONS: dict[str, str] = {
    "prov": "Provinsi", "prop": "Provinsi", "kab": "Kabupaten", "kec": "Kecamatan", "kel": "Kelurahan",
    "pemprov": "Pemerintah Provinsi", "pemprop": "Pemerintah Provinsi", "pemkab": "Pemerintah Kabupaten",
    "pemkot": "Pemerintah Kota", "pemda": "Pemerintah Daerah", "pemdes": "Pemerintah Desa",
    "ditjen": "Direktorat Jenderal", "dirjen": "Direktur Jenderal", "dit": "Direktorat",
    "subdit": "Subdirektorat", "setjen": "Sekretariat Jenderal", "sekjen": "Sekretaris Jenderal",
    "setditjen": "Sekretariat Direktorat Jenderal", "setda": "Sekretariat Daerah", "sekda": "Sekretaris Daerah",
    "set": "Sekretariat", "bag": "Bagian", "subbag": "Subbagian", "kanwil": "Kantor Wilayah",
    "kemendagri": "Kementerian Dalam Negeri", "kemenkeu": "Kementerian Keuangan",
    "kemenkes": "Kementerian Kesehatan", "kementan": "Kementerian Pertanian", "kemensos": "Kementerian Sosial",
    "kemenhub": "Kementerian Perhubungan", "kemenag": "Kementerian Agama",
    "kemenpupr": "Kementerian Pekerjaan Umum dan Perumahan Rakyat",
    "k/l": "Kementerian/Lembaga",
    "adwil": "Administrasi Kewilayahan", "bangda": "Pembangunan Daerah", "keuda": "Keuangan Daerah",
    "otda": "Otonomi Daerah", "polpum": "Politik dan Pemerintahan Umum",
    "dukcapil": "Kependudukan dan Pencatatan Sipil",
    "disdukcapil": "Dinas Kependudukan dan Pencatatan Sipil",
}  # fmt: skip

# Province short names -> official names.
REGIONS: dict[str, str] = {
    "jabar": "Jawa Barat", "jateng": "Jawa Tengah", "jatim": "Jawa Timur", "diy": "Daerah Istimewa Yogyakarta",
    "dki": "DKI Jakarta", "nad": "Aceh", "sumut": "Sumatera Utara", "sumbar": "Sumatera Barat",
    "sumsel": "Sumatera Selatan", "kepri": "Kepulauan Riau", "babel": "Kepulauan Bangka Belitung",
    "kalbar": "Kalimantan Barat", "kalteng": "Kalimantan Tengah", "kalsel": "Kalimantan Selatan",
    "kaltim": "Kalimantan Timur", "kaltara": "Kalimantan Utara", "sulut": "Sulawesi Utara",
    "sulteng": "Sulawesi Tengah", "sulsel": "Sulawesi Selatan", "sultra": "Sulawesi Tenggara",
    "sulbar": "Sulawesi Barat", "malut": "Maluku Utara", "ntb": "Nusa Tenggara Barat",
    "ntt": "Nusa Tenggara Timur", "pabar": "Papua Barat", "sumatra": "Sumatera",
}  # fmt: skip

# Multi-word spellings, applied after the single words above have been expanded.
PHRASES: dict[tuple[str, ...], str] = {
    ("dki", "jakarta", "jakarta"): "DKI Jakarta",  # "DKI Jakarta" after "DKI" was expanded
    ("daerah", "khusus", "ibukota", "jakarta"): "DKI Jakarta",
    ("di", "yogyakarta"): "Daerah Istimewa Yogyakarta",
    ("provinsi", "yogyakarta"): "Provinsi Daerah Istimewa Yogyakarta",
    ("provinsi", "jakarta"): "Provinsi DKI Jakarta",
}

PROVINCES: frozenset[str] = frozenset(
    name.lower()
    for name in (
        "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
        "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "Banten", "DKI Jakarta", "Jawa Barat",
        "Jawa Tengah", "Daerah Istimewa Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat",
        "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan",
        "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Gorontalo", "Sulawesi Tengah",
        "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku", "Maluku Utara", "Papua",
        "Papua Barat", "Papua Barat Daya", "Papua Selatan", "Papua Tengah", "Papua Pegunungan",
    )
)  # fmt: skip

# Words a unit name (or the office holder standing for it) starts with; used to split "A, B dan C".
UNIT_HEADS: frozenset[str] = frozenset(
    {
        "bappeda", "bappenas", "badan", "biro", "bagian", "balai", "bidang", "dinas", "direktorat",
        "direktur", "inspektorat", "kantor", "kementerian", "kemen", "lembaga", "sekretariat", "sekretaris",
        "subdirektorat", "subbagian", "pemerintah", "gubernur", "bupati", "wali", "walikota", "menteri",
        "kepala", "tim", "satuan", "unit", "pusat", "seluruh", "semua", "para", "provinsi", "kabupaten",
        "kota", "bpkad", "bpkp", "bpk", "bps", "opd", "skpd", "perangkat", "deputi", "asisten",
    }
)  # fmt: skip

# How known acronyms are written when the input is in capitals ("BAPPEDA" -> "Bappeda").
ACRONYMS: dict[str, str] = {
    "bappeda": "Bappeda", "bappenas": "Bappenas", "dki": "DKI", "diy": "DIY", "ntb": "NTB", "ntt": "NTT",
    "bpkad": "BPKAD", "bpkp": "BPKP", "bpk": "BPK", "bps": "BPS", "opd": "OPD", "skpd": "SKPD",
    "pp": "PP", "tp": "TP", "rkpd": "RKPD", "apbn": "APBN", "apbd": "APBD", "ppn": "PPN", "pupr": "PUPR",
    "ri": "RI", "dprd": "DPRD", "k/l": "K/L", "gwpp": "GWPP", "sipd": "SIPD", "wib": "WIB",
}  # fmt: skip

_LOWER_WORDS = frozenset({"dan", "di", "ke", "dari", "pada", "untuk", "atas", "serta", "dengan", "atau", "kepada",
                          "bagi", "yang", "tentang", "c.q.", "cq", "selaku", "melalui", "oleh"})  # fmt: skip

_PROVINCE_NAMES = "|".join(re.escape(p) for p in sorted(PROVINCES, key=len, reverse=True))
_PROVINCE_AFTER_PROVINSI = re.compile(rf"\bprovinsi (?=(?:{_PROVINCE_NAMES})\b)")
_REGIONAL_GOVERNMENT = re.compile(rf"\bpemerintah daerah (?=(?:provinsi|kabupaten|kota|{_PROVINCE_NAMES})\b)")

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[/&'-]\w+)*\.?|[^\w\s]")


def _key(token: str) -> str:
    return token.lower().replace(".", "")


def _is_word(token: str) -> bool:
    return token[0].isalnum()


def _expand_tokens(tokens: list[str]) -> list[str]:
    """Replace abbreviations, short region names and known phrases; returns display-case tokens."""
    words: list[str] = []
    for token in tokens:
        expansion = (ABBREVIATIONS.get(_key(token)) or REGIONS.get(_key(token))) if _is_word(token) else None
        words.extend(expansion.split() if expansion else [token])
    return _replace_phrases(words)


def _replace_phrases(tokens: list[str]) -> list[str]:
    longest = max(len(phrase) for phrase in PHRASES)
    result: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(longest, 0, -1):
            replacement = PHRASES.get(tuple(_key(t) for t in tokens[i : i + size]))
            if replacement:
                result.extend(replacement.split())
                i += size
                break
        else:
            result.append(tokens[i])
            i += 1
    return result


def _case_word(token: str, shouting: bool, first: bool) -> str:
    if not shouting:
        return token
    key = _key(token)
    if key in _LOWER_WORDS and not first:
        return token.lower()
    if key in ACRONYMS:
        return ACRONYMS[key]
    return re.sub(r"[^\W\d_]+", lambda m: m[0].capitalize(), token)  # "KABUPATEN/KOTA" -> "Kabupaten/Kota"


def title_case(text: str) -> str:
    """Tidy the case of a heading or name typed all in capitals (or all in lower case).

    Mixed-case text keeps its own capitals: whoever typed it chose them.
    """
    letters = "".join(c for c in text if c.isalpha())
    shouting = letters.isupper() or letters.islower()
    tokens = _TOKEN.findall(text)
    return _join([_case_word(t, shouting, i == 0) if _is_word(t) else t for i, t in enumerate(tokens)])


def _join(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r"\s+([,;:)\].])", r"\1", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"([(\[])\s+", r"\1", text).strip()


def display_unit(name: str) -> str:
    """`Bappeda Prov. Jabar` -> `Bappeda Provinsi Jawa Barat`."""
    return _join(_expand_tokens(_TOKEN.findall(title_case(" ".join((name or "").split())))))


def normalize_unit(name: str) -> str:
    """A key equal for every spelling of the same unit (lower case, expanded, no punctuation or notes).

    "Provinsi" before a province's name is dropped, and "Pemerintah Daerah" before a region becomes
    "Pemerintah", because "Bappeda Jabar", "Pemda Jabar" and "Pemprov Jabar" are written for the same
    bodies; "Kabupaten" and "Kota" stay, since Kabupaten Bandung and Kota Bandung are different.
    """
    without_notes = re.sub(r"\([^)]*\)", " ", name or "")  # "(Sdr. Budi)" annotates, it does not name
    expanded = " ".join(_expand_tokens(_TOKEN.findall(without_notes))).lower()
    text = _REGIONAL_GOVERNMENT.sub("pemerintah ", " ".join(re.findall(r"[^\W_]+", expanded)))
    return " ".join(_PROVINCE_AFTER_PROVINSI.sub("", text).split())


def same_unit(a: str, b: str) -> bool:
    key_a, key_b = normalize_unit(a), normalize_unit(b)
    return bool(key_a) and key_a == key_b


def looks_like_unit(text: str) -> bool:
    """Does this fragment start like a unit name (or an office holder), rather than a continuation?"""
    tokens = [t for t in _TOKEN.findall(text or "") if _is_word(t)]
    if not tokens:
        return False
    first = tokens[0]
    key = _key(first)
    if key in UNIT_HEADS or key in ABBREVIATIONS or key.startswith("kemen"):
        return True
    return len(first) >= 2 and first.replace("/", "").isupper()  # an acronym: BPKAD, OPD, K/L


_SEPARATORS = re.compile(r"\s*[,;]\s*(?:dan\s+|serta\s+)?|\s+(?:dan|serta)\s+|\s*&\s*", re.IGNORECASE)


def split_units(text: str) -> list[str]:
    """`Bappeda Jabar, Bappeda Jateng dan Kemendagri` -> three names.

    A piece that does not start like a unit is glued back to the one before it, so names that contain
    "dan" or commas ("Dinas Kependudukan dan Pencatatan Sipil") survive.
    """
    pieces: list[str] = []
    position, glue = 0, ""
    for separator in [*_SEPARATORS.finditer(text or ""), None]:
        end = separator.start() if separator else len(text or "")
        piece = (text or "")[position:end].strip(" .")
        if pieces and piece and not looks_like_unit(piece):
            pieces[-1] = f"{pieces[-1]}{glue}{piece}"
        elif piece:
            pieces.append(piece)
        if separator:
            glue, position = separator.group(0), separator.end()
    return pieces


# ---- regions: which province a meeting was held in, and generic units ("Bappeda Provinsi") -----------------

# Provincial capitals and other cities where meetings are held -> their province (lower case, as PROVINCES).
CITY_PROVINCES: dict[str, str] = {
    "bandung": "jawa barat", "cimahi": "jawa barat", "bogor": "jawa barat", "bekasi": "jawa barat",
    "depok": "jawa barat", "cirebon": "jawa barat", "tasikmalaya": "jawa barat", "sukabumi": "jawa barat",
    "garut": "jawa barat", "karawang": "jawa barat", "purwakarta": "jawa barat",
    "semarang": "jawa tengah", "surakarta": "jawa tengah", "solo": "jawa tengah", "magelang": "jawa tengah",
    "pekalongan": "jawa tengah", "tegal": "jawa tengah", "salatiga": "jawa tengah", "kudus": "jawa tengah",
    "surabaya": "jawa timur", "malang": "jawa timur", "kediri": "jawa timur", "madiun": "jawa timur",
    "blitar": "jawa timur", "batu": "jawa timur", "mojokerto": "jawa timur", "pasuruan": "jawa timur",
    "probolinggo": "jawa timur", "sidoarjo": "jawa timur", "jember": "jawa timur",
    "yogyakarta": "daerah istimewa yogyakarta", "sleman": "daerah istimewa yogyakarta",
    "bantul": "daerah istimewa yogyakarta", "jakarta": "dki jakarta", "serang": "banten", "tangerang": "banten",
    "cilegon": "banten", "medan": "sumatera utara", "padang": "sumatera barat", "bukittinggi": "sumatera barat",
    "pekanbaru": "riau", "batam": "kepulauan riau", "tanjungpinang": "kepulauan riau",
    "palembang": "sumatera selatan", "bandar lampung": "lampung", "pangkalpinang": "kepulauan bangka belitung",
    "banda aceh": "aceh", "denpasar": "bali", "mataram": "nusa tenggara barat", "kupang": "nusa tenggara timur",
    "pontianak": "kalimantan barat", "palangka raya": "kalimantan tengah", "palangkaraya": "kalimantan tengah",
    "banjarmasin": "kalimantan selatan", "banjarbaru": "kalimantan selatan", "samarinda": "kalimantan timur",
    "balikpapan": "kalimantan timur", "tanjung selor": "kalimantan utara", "manado": "sulawesi utara",
    "palu": "sulawesi tengah", "makassar": "sulawesi selatan", "kendari": "sulawesi tenggara",
    "mamuju": "sulawesi barat", "ambon": "maluku", "sofifi": "maluku utara", "ternate": "maluku utara",
    "jayapura": "papua", "manokwari": "papua barat", "sorong": "papua barat daya", "merauke": "papua selatan",
    "nabire": "papua tengah", "wamena": "papua pegunungan",
}  # fmt: skip

# A unit name ending in one of these, without a region after it, stands for that body in every region.
_GENERIC_LEVELS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("provinsi",): ("provinsi",),
    ("kabupaten", "kota"): ("kabupaten", "kota"),
    ("kabupaten",): ("kabupaten",),
    ("kota",): ("kota",),
}


def _names_pattern(names: object) -> re.Pattern[str]:
    ordered = sorted((str(n) for n in names), key=len, reverse=True)  # type: ignore[attr-defined]
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b")


_PROVINCE_PATTERN = _names_pattern(PROVINCES)
_CITY_PATTERN = _names_pattern(CITY_PROVINCES)


def region_of(text: str) -> str | None:
    """The province a place or title names ("Hotel Asmira, Bandung" -> "Jawa Barat"; "Rakor Prov. Jabar" ->
    "Jawa Barat"), or None. A province named outright wins over a city."""
    expanded = " ".join(_expand_tokens(_TOKEN.findall(text or ""))).lower()
    words = " ".join(re.findall(r"[^\W_]+", expanded))
    found = _PROVINCE_PATTERN.search(words) or _CITY_PATTERN.search(words)
    if found is None:
        return None
    province = found[0] if found[0] in PROVINCES else CITY_PROVINCES[found[0]]
    return title_case(province) if province != "dki jakarta" else "DKI Jakarta"


def _generic_split(key: str) -> tuple[str, tuple[str, ...]] | None:
    """ "bappeda provinsi" -> ("bappeda", ("provinsi",)); None for a unit that names its region."""
    words = tuple(key.split())
    for level, kinds in _GENERIC_LEVELS.items():
        if len(words) > len(level) and words[-len(level) :] == level:
            return " ".join(words[: -len(level)]), kinds
    return None


def unit_reaches(item_unit: str, person_unit: str, region: str | None = None) -> bool:
    """Is an item for `item_unit` meant for someone of `person_unit`? The same unit in any spelling; or a
    generic unit of the meeting's `region`: "Bappeda Provinsi" in a meeting held in Bandung reaches
    "Bappeda Prov. Jabar" (not "Bappeda Jateng"), "Bappeda Kabupaten/Kota" reaches "Bappeda Kota Cimahi"."""
    item_key, person_key = _cached_key(item_unit), _cached_key(person_unit)
    if not item_key or not person_key:
        return False
    if item_key == person_key:
        return True
    generic = _generic_split(item_key) if region else None
    if generic is None:
        return False
    head, kinds = generic
    province = (region or "").lower()
    if "provinsi" in kinds:
        return person_key == f"{head} {province}"
    for kind in kinds:  # kabupaten / kota: the place must lie in the meeting's province
        prefix = f"{head} {kind} "
        if person_key.startswith(prefix) and CITY_PROVINCES.get(person_key[len(prefix) :]) == province:
            return True
    return False


@lru_cache(maxsize=8192)
def _cached_key(name: str) -> str:
    return normalize_unit(name)

"""Chat Indonesian -> standard Indonesian, for searching and for deciding whether the documents answer.

Officials type "tp provinsi dibiayain dr mana sih?"; the regulations say "Tugas Pembantuan provinsi dibiayai
dari ...". The normalised text feeds retrieval and the refusal decision only: quotes stay verbatim.

Four layers, each general rather than fitted to particular questions:
- the field's own abbreviations (dekon, TP, GWPP, binwas, BMN, pergub, ...), which a general slang lexicon
  gets wrong ("tp" is "tapi" in everyday chat, "tugas pembantuan" here);
- everyday chat spelling (yg, gak, dr, blm, udh, gmn, ...), a short list of our own. indoNLP's slang lexicon
  (4,300 entries) was measured as a fallback and changed no result on any question set, while some of its
  entries are wrong here ("tp" -> "tapi", "brg" -> "bareng", "th" -> "tahu"), so it is not used;
- Jakarta-style affixes (nugasin -> menugaskan, dilakuin -> dilakukan, ngelola -> mengelola,
  disampein -> disampaikan), checked against the corpus vocabulary so real words ending in -in stay;
- dropped vowels ("pgawasan", "tknis"), resolved to a frequent corpus word with the same consonants.
Chat particles (sih, dong, ya, nih) and forms of address (pak, bro, min) are dropped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from knowledge.index.bm25 import STOPWORDS
from knowledge.index.corpus import Corpus

# The field's abbreviations. Longer forms are matched before shorter ones ("kab/kota" before "kab").
FIELD_TERMS = {
    "dekon": "Dekonsentrasi",
    "dekonsen": "Dekonsentrasi",
    "tp": "Tugas Pembantuan",
    "gwpp": "Gubernur sebagai Wakil Pemerintah Pusat",
    "binwas": "pembinaan dan pengawasan",
    "satker": "satuan kerja",
    "bmn": "Barang Milik Negara",
    "bmd": "Barang Milik Daerah",
    "apbn": "Anggaran Pendapatan dan Belanja Negara",
    "apbd": "Anggaran Pendapatan dan Belanja Daerah",
    "pergub": "Peraturan Gubernur",
    "kepgub": "Keputusan Gubernur",
    "perbup": "peraturan bupati",
    "perwali": "peraturan wali kota",
    "permen": "Peraturan Menteri",
    "permendagri": "Peraturan Menteri Dalam Negeri",
    "perpres": "Peraturan Presiden",
    "perda": "Peraturan Daerah",
    "opd": "Perangkat Daerah",
    "skpd": "Satuan Kerja Perangkat Daerah",
    "pemda": "Pemerintah Daerah",
    "pemprov": "pemerintah daerah provinsi",
    "pemkab": "pemerintah daerah kabupaten",
    "pemkot": "pemerintah daerah kota",
    "prov": "provinsi",
    "kab/kota": "kabupaten/kota",
    "kab": "kabupaten",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "k/l": "Kementerian/Lembaga",
    "kl": "Kementerian/Lembaga",
    "kemen": "kementerian",
    "kemendagri": "Kementerian Dalam Negeri",
    "mendagri": "Menteri Dalam Negeri",
    "kemenkeu": "Kementerian Keuangan",
    "menkeu": "Menteri Keuangan",
    "sekda": "Sekretaris Daerah",
    "setda": "sekretariat daerah",
    "dak": "Dana Alokasi Khusus",
    "dau": "Dana Alokasi Umum",
    "rkp": "Rencana Kerja Pemerintah",
    "rkpd": "Rencana Kerja Pemerintah Daerah",
    "renja": "rencana kerja",
    "dipa": "daftar isian pelaksanaan anggaran",
    "rakor": "rapat koordinasi",
    "pns": "pegawai negeri sipil",
    "asn": "aparatur sipil negara",
    "brg": "barang",
    "pemb": "pembinaan",
    "pengaw": "pengawasan",
    "pelaks": "pelaksanaan",
    "penyel": "penyelenggaraan",
    "lapkeu": "laporan keuangan",
    "juknis": "petunjuk teknis",
    "juklak": "petunjuk pelaksanaan",
    # Provinces as officials write them.
    "dki": "Daerah Khusus Ibukota Jakarta",
    "diy": "Daerah Istimewa Yogyakarta",
    "jabar": "Jawa Barat",
    "jateng": "Jawa Tengah",
    "jatim": "Jawa Timur",
    "sumut": "Sumatera Utara",
    "sumbar": "Sumatera Barat",
    "sumsel": "Sumatera Selatan",
    "kalbar": "Kalimantan Barat",
    "kalteng": "Kalimantan Tengah",
    "kalsel": "Kalimantan Selatan",
    "kaltim": "Kalimantan Timur",
    "kaltara": "Kalimantan Utara",
    "sulut": "Sulawesi Utara",
    "sulteng": "Sulawesi Tengah",
    "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara",
    "sulbar": "Sulawesi Barat",
    "ntb": "Nusa Tenggara Barat",
    "ntt": "Nusa Tenggara Timur",
    "kepri": "Kepulauan Riau",
    "babel": "Kepulauan Bangka Belitung",
    "malut": "Maluku Utara",
    "papbar": "Papua Barat",
}

# Everyday chat spelling. Ours comes first; indoNLP fills in the long tail.
CHAT_WORDS = {
    "yg": "yang",
    "yng": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "u/": "untuk",
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "kagak": "tidak",
    "tdk": "tidak",
    "ndak": "tidak",
    "dr": "dari",
    "scr": "secara",
    "blm": "belum",
    "blom": "belum",
    "belom": "belum",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "kudu": "harus",
    "hrs": "harus",
    "musti": "harus",
    "mesti": "harus",
    "brp": "berapa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "gmana": "bagaimana",
    "bgmn": "bagaimana",
    "bgm": "bagaimana",
    "aja": "saja",
    "aj": "saja",
    "jg": "juga",
    "jga": "juga",
    "lg": "lagi",
    "sbg": "sebagai",
    "sbgai": "sebagai",
    "stlh": "setelah",
    "sblm": "sebelum",
    "krn": "karena",
    "karna": "karena",
    "tsb": "tersebut",
    "spt": "seperti",
    "kpd": "kepada",
    "ke": "kepada",
    "pd": "pada",
    "dlm": "dalam",
    "thd": "terhadap",
    "ttg": "tentang",
    "sm": "sama",
    "ato": "atau",
    "atw": "atau",
    "jd": "jadi",
    "jdi": "jadi",
    "tau": "tahu",
    "emang": "memang",
    "pake": "pakai",
    "dapet": "dapat",
    "dpt": "dapat",
    "bs": "bisa",
    "kalo": "kalau",
    "klo": "kalau",
    "trus": "terus",
    "trs": "terus",
    "gitu": "begitu",
    "gini": "begini",
    "tuh": "itu",
    "nih": "ini",
    "apaan": "apa",
    "ngapain": "melakukan apa",
    "napa": "mengapa",
    "knp": "kenapa",
    "bener": "benar",
    "kayak": "seperti",
    "kyk": "seperti",
    "kek": "seperti",
    "bikin": "membuat",
    "nyari": "mencari",
    "liat": "lihat",
    "ngasih": "memberi",
    "lbh": "lebih",
    "bbrp": "beberapa",
    "org": "orang",
    "sy": "saya",
    "buat": "untuk",
    "gw": "saya",
    "gue": "saya",
    "aku": "saya",
    "lu": "anda",
    "lo": "anda",
    "pengen": "ingin",
    "pgn": "ingin",
    "tgl": "tanggal",
    "thn": "tahun",
    "bln": "bulan",
    "jt": "juta",
    "rb": "ribu",
    "infoin": "jelaskan",
    "dipake": "dipakai",
    "kepake": "terpakai",
    "jelasin": "jelaskan",
    "sampe": "sampai",
    "ampe": "sampai",
    "telat": "terlambat",
    "paling telat": "paling lambat",
    "dlu": "dulu",
    "skrg": "sekarang",
    "skr": "sekarang",
    "sekrg": "sekarang",
    "msh": "masih",
    "masi": "masih",
    "smua": "semua",
    "sma": "sama",
    "btw": "",
    "dll": "dan lain-lain",
    "dsb": "dan sebagainya",
    "ditugasin": "ditugaskan",
    "mksd": "maksud",
    "maksudnya": "maksud",
    "blh": "boleh",
    "bole": "boleh",
    "gpp": "tidak apa-apa",
    "ngurus": "mengurus",
    "nanya": "bertanya",
    "nanyain": "menanyakan",
}

# Particles, interjections and forms of address: they carry no meaning for the search.
PARTICLES = frozenset(
    """
    sih si dong deh nih kok ya yah yaa yak lho loh lah kah toh tah wkwk wkwkwk hehe hehehe haha hihi
    bro sis gan agan min mimin kak kakak bang mas mbak bos bosku guys gaes pak bu om tante pakde
    eh oh ah hmm hm mhm wah nah yuk ayo please pls plis plz mohon tolong izin ijin numpang
    sebenernya sebenarnya emang memang kira-kira kira2 kirakira
    """.split()
)

# Greetings and thanks: a message made only of these (and particles) asks nothing.
COURTESIES = frozenset(
    """
    halo hallo helo hai hi hey pagi siang sore malam selamat assalamualaikum salam permisi maaf
    makasih terima kasih trims thanks thank thx tq ty tengkyu oke ok okay okey sip siap baik mantap
    makasih makasi mksh trimakasih terimakasih noted paham mengerti jelas good nice cool sama-sama sama
    tanya bertanya nanya mau ingin kasih terima
    """.split()
)

# English questions: the field's terms, so an English question can still find the Indonesian text.
ENGLISH_TERMS = {
    "deconcentration": "Dekonsentrasi",
    "co-administration": "Tugas Pembantuan",
    "coadministration": "Tugas Pembantuan",
    "assistance task": "Tugas Pembantuan",
    "assistance tasks": "Tugas Pembantuan",
    "central government": "pemerintah pusat",
    "regional government": "pemerintah daerah",
    "local government": "pemerintah daerah",
    "representative of the central government": "wakil pemerintah pusat",
    "government affairs": "urusan pemerintahan",
    "governor": "gubernur",
    "governors": "gubernur",
    "regent": "bupati",
    "mayor": "wali kota",
    "province": "provinsi",
    "provincial": "provinsi",
    "regency": "kabupaten",
    "city": "kota",
    "region": "daerah",
    "regions": "daerah",
    "regional": "daerah",
    "minister": "menteri",
    "ministry": "kementerian",
    "ministries": "kementerian",
    "funding": "pendanaan",
    "funded": "didanai",
    "funds": "dana",
    "fund": "dana",
    "budget": "anggaran",
    "report": "laporan",
    "reports": "laporan",
    "reporting": "pelaporan",
    "supervision": "pengawasan",
    "oversight": "pengawasan",
    "guidance": "pembinaan",
    "assets": "barang milik",
    "goods": "barang",
    "requirements": "persyaratan",
    "requirement": "persyaratan",
    "definition": "pengertian",
    "meaning": "pengertian",
    "deadline": "paling lambat",
    "article": "pasal",
    "regulation": "peraturan",
    "law": "undang-undang",
    "president": "presiden",
    "meeting": "rapat",
    "coordination": "koordinasi",
    "ministerial regulation": "peraturan menteri",
    "supervise": "mengawasi",
    "supervises": "mengawasi",
    "supervised": "diawasi",
    "supervising": "mengawasi",
    "coordinate": "mengoordinasikan",
    "coordinates": "mengoordinasikan",
    "coordinated": "dikoordinasikan",
    "national": "nasional",
    "nationally": "nasional",
    "responsible": "bertanggung jawab",
    "revoked": "dicabut",
    "in force": "berlaku",
    "valid": "berlaku",
    "what is": "apa itu",
    "what are": "apa itu",
    "who is": "siapa",
    "who": "siapa",
    "what": "apa",
    "when": "kapan",
    "where": "di mana",
    "how": "bagaimana",
}
_ENGLISH_FUNCTION_WORDS = frozenset(
    """
    the a an is are was were be been who what when where which why how does do did can could should must
    of for to in on by with from under according about this that these those and or not it its their
    there any all whose whom shall will would may
    """.split()
)

_WORD = re.compile(r"[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*")
# "apaaa", "dongggg"; not Roman numerals ("triwulan III", "BAB XXX").
_ELONGATED = re.compile(r"(?![ivxlcIVXLC]+\b)\b(\w*?)([a-z])\2{2,}")
_REDUPLICATED = re.compile(r"\b([A-Za-z]{3,})2\b")
# "bisa ga", "masih kepake gak?", "boleh nggak": a yes/no tag, not a negation of what is asked.
_TAG_QUESTION = re.compile(
    r"\b((?:bisa|boleh|perlu|harus|wajib|masih|sudah|udah|udh|sdh|ada|dapat|bs|blh|msh)\s+(?:\w+\s+){0,3}?)"
    r"(?:ga|gak|nggak|ngga|enggak|engga|gk|tidak|tdk)\b"
    r"|\s+(?:ga|gak|nggak|ngga|enggak|engga|gk|ya|kan)\s*(?=\?|$)",
    re.IGNORECASE,
)
# What is left between words: punctuation stays, emoji and other symbols go.
_SYMBOLS = re.compile(r"[^\w\s?.,!;:()/\"'-]")
_VOWELS = set("aeiou")
# Roots that really end in -in ("dipimpin", "kemarin", "mungkin", "dijamin"): never read as Jakarta
# "-kan"/"-i", even when the corpus lacks them.
_REAL_IN_ROOTS = frozenset(
    "pimpin pemimpin jamin kawin ingin mungkin main lain kemarin dingin miskin yakin izin ijin cermin batin rutin "
    "mesin angin kain latin vaksin protein bensin amin domain admin login online margin lalin vitamin lilin cincin "
    "insulin kabin plugin jin pin".split()
)


def _real_in_word(word: str) -> bool:
    if word in _REAL_IN_ROOTS:
        return True
    for prefix in ("di", "ter", "ber", "me", "mem", "men", "pe", "per", "se", "ke"):
        if word.startswith(prefix) and word[len(prefix) :] in _REAL_IN_ROOTS:
            return True
    return False


# How often the corpus must use an abbreviation for it to count as the regulations' own word.
KNOWN_ABBREVIATION = 30


@dataclass(frozen=True)
class Normalized:
    text: str  # standard Indonesian; words that needed no change keep their case
    english: bool  # the question was written in English
    content_words: tuple[str, ...]  # what is left once particles, courtesies and function words go


class Normalizer:
    """Normalises questions against one corpus vocabulary (surface word -> count)."""

    def __init__(self, vocabulary: Mapping[str, int] | None = None, terms: Mapping[str, str] | None = None) -> None:
        self.vocabulary = vocabulary or {}
        # Defined terms as the regulations write them: e5 matches "Tugas Pembantuan Pusat" to the passages
        # that use the defined term far better than "tugas pembantuan pusat".
        self.terms = {k: v for k, v in (terms or {}).items() if " " in k}
        self._terms_pattern = (
            re.compile(
                r"\b(" + "|".join(re.escape(k) for k in sorted(self.terms, key=len, reverse=True)) + r")\b",
                re.IGNORECASE,
            )
            if self.terms
            else None
        )
        self._by_initial: dict[str, list[tuple[str, int]]] = {}
        for word, count in self.vocabulary.items():
            if count >= 3 and len(word) >= 4 and word.isalpha():
                self._by_initial.setdefault(word[0], []).append((word, count))
        for words in self._by_initial.values():
            words.sort(key=lambda item: -item[1])

    def normalize(self, question: str) -> Normalized:
        """The question in standard Indonesian. Words that need no change keep their case and punctuation:
        e5 tells "Tugas Pembantuan" (the defined term, capitalised in the regulations) from "tugas"."""
        letters = [c for c in question if c.isalpha()]
        shouting = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.7 * len(letters)
        text = (question.lower() if shouting else question).replace("&", " dan ")
        text = _ELONGATED.sub(r"\1\2", text)
        text = _REDUPLICATED.sub(r"\1-\1", text)
        english = is_english(text)
        if english:
            text = _in_indonesian(text)
        text = _TAG_QUESTION.sub(r"\1", text)
        words: list[str] = []
        pieces: list[str] = []
        last = 0
        for match in _WORD.finditer(text):
            pieces.append(_SYMBOLS.sub(" ", text[last : match.start()]))
            last = match.end()
            original = match.group()
            if not shouting and len(original) > 1 and original.isupper() and original.lower() not in FIELD_TERMS:
                # "SPT", "PT", "NIB": an acronym written as one is a name, not chat shorthand ("spt" = seperti).
                replaced = original.lower()
            else:
                replaced = self._word(original.lower())
            kept = [
                w
                for w in replaced.split()
                if w not in PARTICLES and not (english and w.lower() in _ENGLISH_FUNCTION_WORDS)
            ]
            words.extend(w.lower() for w in kept)
            pieces.append(original if replaced == original.lower() and kept else " ".join(kept))
        pieces.append(_SYMBOLS.sub(" ", text[last:]))
        normalized = re.sub(r"\s+", " ", "".join(pieces)).strip()
        normalized = re.sub(r"\s+([?.,!;:])", r"\1", normalized).strip(" ,;:")
        if self._terms_pattern is not None:
            normalized = self._terms_pattern.sub(self._cased, normalized)
        # "terima kasih" and "mau tanya" are two words each; neither is a question.
        content = tuple(w for w in words if w not in COURTESIES and w not in STOPWORDS)
        return Normalized(normalized, english, content)

    def _cased(self, match: re.Match[str]) -> str:
        written = match.group(0)
        return self.terms.get(" ".join(written.lower().split()), written)

    def _word(self, word: str) -> str:
        if word in FIELD_TERMS:
            # An abbreviation the regulations themselves use (GWPP, APBN, SKPD) stays, in capitals: it is the
            # most precise word there is (the search may add its long form, `knowledge.query.Expander`). One
            # they never use (dekon, TP, binwas) is replaced by what it stands for.
            if self.vocabulary.get(word, 0) >= KNOWN_ABBREVIATION:
                return word.upper() if "/" not in word else word
            return FIELD_TERMS[word]
        if word in CHAT_WORDS:
            return CHAT_WORDS[word]
        if word in PARTICLES or word in COURTESIES or word.isdigit() or not word.isalpha():
            return word
        if self._known(word):
            return word
        return self._affixed(word) or self._unabbreviated(word) or word

    def _known(self, word: str) -> bool:
        return word in self.vocabulary or _real_in_word(word)

    # --- Jakarta affixes ---------------------------------------------------------------------------------

    def _affixed(self, word: str) -> str | None:
        """nugasin -> menugaskan, dilakuin -> dilakukan, ngelola -> mengelola, disampein -> disampaikan."""
        candidates = _affix_candidates(word)
        if not candidates:
            return None
        for candidate in candidates:
            if candidate in self.vocabulary:
                return candidate
        # Not in this corpus: for an -in verb the most regular reading beats a word nobody knows; other
        # words starting with n/ng/ny (nasional, nyata) are more likely real words this corpus lacks.
        return candidates[0] if word.endswith("in") else None

    # --- dropped vowels --------------------------------------------------------------------------------

    def _unabbreviated(self, word: str) -> str | None:
        """ "pgawasan" -> "pengawasan", "tknis" -> "teknis": a frequent corpus word with the same skeleton."""
        if len(word) < 4 or not _VOWELS & set(word) or not self._by_initial:
            # Vowel-less acronyms (PHK, NIB) are names, not shorthand: "phk" is not "pihak".
            return None
        for candidate, _count in self._by_initial.get(word[0], []):
            if len(word) < len(candidate) <= len(word) + 3 and _drops_only_vowels(word, candidate):
                return candidate
        return None


def _affix_candidates(word: str) -> list[str]:
    """Standard forms a Jakarta-style verb may stand for, most regular first."""
    forms = [word]
    if word.endswith("in") and len(word) > 5:
        base = word[:-2]
        bases = ([base[:-1] + "ai"] if base.endswith("e") else []) + [base]  # "sampein" -> "sampai"
        forms = [b + suffix for b in bases for suffix in ("kan", "i")]
    out = []
    for form in forms:
        if form.startswith("ke") and form == word and len(form) > 5:
            out.append("ter" + form[2:])  # kebuka -> terbuka: Jakarta ke- for the accidental passive
        if form.startswith("nge") and form[3:4] not in _VOWELS and len(form) > 5:
            out.append(_active(form[3:]))  # ngelaksanakan -> melaksanakan (nge- before a consonant)
        if form.startswith(("ng", "ny")) or (form[0] == "n" and form[1:2] in _VOWELS):
            out.append("me" + form)  # ngelola -> mengelola, nugaskan -> menugaskan, nyampaikan -> menyampaikan
            continue
        if form != word:
            out.append(form)  # dilakuin -> dilakukan, dibiayain -> dibiayai
        if not form.startswith(("di", "ke", "ter", "me", "ber", "pe")):
            out.append(_active(form))  # jalankan -> menjalankan
    return out


def _active(form: str) -> str:
    """The me- form of a bare verb, with the nasal the standard language puts in front of its first letter."""
    first = form[0]
    if first in _VOWELS or first in "gh":
        return "meng" + form
    if first == "k":
        return "meng" + form[1:]
    if first == "t":
        return "men" + form[1:]
    if first == "s":
        return "meny" + form[1:]
    if first == "p":
        return "mem" + form[1:]
    if first == "b":
        return "mem" + form
    if first in "jcdz":
        return "men" + form
    return "me" + form


def _drops_only_vowels(short: str, long: str) -> bool:
    """`short` is `long` with some vowels (and at most one 'n' or 'r') left out, first and last letters kept."""
    if short[0] != long[0] or short[-1] != long[-1]:
        return False
    i = dropped_consonants = 0
    for char in long:
        if i < len(short) and char == short[i]:
            i += 1
        elif char in _VOWELS:
            continue
        elif char in "nr" and dropped_consonants == 0:
            dropped_consonants += 1
        else:
            return False
    return i == len(short)


_ENGLISH_PHRASES = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(ENGLISH_TERMS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def _in_indonesian(text: str) -> str:
    """The field's English terms replaced by the regulations' words."""
    return _ENGLISH_PHRASES.sub(lambda m: ENGLISH_TERMS[m.group(1).lower()], text)


def is_english(text: str) -> bool:
    """More English function words and field terms than Indonesian function words, and at least two."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
    english = sum(w in _ENGLISH_FUNCTION_WORDS or w in ENGLISH_TERMS for w in words)
    indonesian = sum(w in STOPWORDS for w in words)
    return english >= 2 and english > 2 * indonesian


# One normaliser per corpus snapshot (built from its vocabulary; let go with the snapshot).
_NORMALIZERS: WeakKeyDictionary[Corpus, Normalizer] = WeakKeyDictionary()
_NORMALIZERS_LOCK = threading.Lock()


def normalizer_for(corpus: Corpus) -> Normalizer:
    """The normaliser that checks chat spelling against this corpus's words and capitals."""
    with _NORMALIZERS_LOCK:
        found = _NORMALIZERS.get(corpus)
        if found is None:
            found = _NORMALIZERS[corpus] = Normalizer(corpus.vocabulary, corpus.term_casing)
        return found

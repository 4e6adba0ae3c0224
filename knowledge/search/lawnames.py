"""Common names of laws, as officials and the public say them ("UU ITE", "UU Cipta Kerja", "KUHP", "GDPR").

A name resolves to the canonical short names of the regulations it may mean (the original and its
amendments); whether the knowledge base holds any of them is decided against the corpus, so the table needs
no update when a document is ingested. Names of foreign laws resolve to nothing: no Indonesian regulation
answers for them. The corpus's own titles are the other half of the look-up (`knowledge.search.references`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LawName:
    name: str  # how the answer names it: "UU ITE"
    pattern: str  # regular expression, matched case-insensitively on word boundaries
    docs: tuple[str, ...] = ()  # canonical short names it may mean, the original first
    title: str | None = None  # words of its title, to find it among the corpus's own titles
    foreign: bool = False


_UU = r"(?:uu|undang[- ]undang)\s+(?:no(?:mor)?\.?\s*)?(?:tentang\s+)?"

LAW_NAMES: tuple[LawName, ...] = (
    LawName(
        "UU ITE",
        rf"(?:{_UU})?ite|informasi dan transaksi elektronik",
        ("UU 11/2008", "UU 19/2016", "UU 1/2024"),
        "informasi dan transaksi elektronik",
    ),
    LawName(
        "UU Cipta Kerja",
        r"(?:uu\s+|undang[- ]undang\s+)?(?:cipta\s*kerja|ciptaker)|omnibus\s+law",
        ("UU 11/2020", "PERPU 2/2022", "UU 6/2023"),
        "cipta kerja",
    ),
    LawName("UU Ketenagakerjaan", rf"{_UU}(?:ketenagakerjaan|tenaga kerja|naker)", ("UU 13/2003",), "ketenagakerjaan"),
    LawName("KUHPerdata", r"kuh\s*perdata|kuhper|kitab undang[- ]undang hukum perdata|burgerlijk wetboek"),
    LawName("KUHD", r"kuhd|kitab undang[- ]undang hukum dagang"),
    LawName("KUHAP", r"kuhap|kitab undang[- ]undang hukum acara pidana|hukum acara pidana", ("UU 8/1981",)),
    LawName("KUHP", r"kuhp|kitab undang[- ]undang hukum pidana", ("UU 1/2023", "UU 1/1946")),
    LawName("UU Perseroan Terbatas", rf"{_UU}(?:pt|perseroan terbatas)", ("UU 40/2007",), "perseroan terbatas"),
    LawName(
        "UU PDP",
        rf"{_UU}(?:pdp|pelindungan data pribadi|perlindungan data pribadi)",
        ("UU 27/2022",),
        "pelindungan data pribadi",
    ),
    LawName("UU Perlindungan Konsumen", rf"{_UU}perlindungan konsumen", ("UU 8/1999",), "perlindungan konsumen"),
    LawName(
        "UU Persaingan Usaha",
        rf"{_UU}(?:persaingan usaha|anti\s*monopoli|larangan praktek monopoli)",
        ("UU 5/1999",),
        "praktek monopoli",
    ),
    LawName("UU Pasar Modal", rf"{_UU}pasar modal", ("UU 8/1995",), "pasar modal"),
    LawName("UU Perbankan", rf"{_UU}perbankan", ("UU 7/1992", "UU 10/1998"), "perbankan"),
    LawName("UU P2SK", rf"{_UU}(?:p2sk|pengembangan dan penguatan sektor keuangan)", ("UU 4/2023",)),
    LawName("UU Merek", rf"{_UU}merek", ("UU 20/2016",), "merek"),
    LawName("UU Hak Cipta", rf"{_UU}hak cipta", ("UU 28/2014",), "hak cipta"),
    LawName("UU Paten", rf"{_UU}paten", ("UU 13/2016",), "paten"),
    LawName("UU Kepailitan", rf"{_UU}(?:kepailitan|pkpu)", ("UU 37/2004",), "kepailitan"),
    LawName("UU Perkawinan", rf"{_UU}perkawinan", ("UU 1/1974", "UU 16/2019"), "perkawinan"),
    LawName("UUPA", r"uupa|{_UU}(?:pokok agraria|agraria)".replace("{_UU}", _UU), ("UU 5/1960",), "agraria"),
    LawName("UU Lalu Lintas", rf"{_UU}(?:lalu lintas|llaj)", ("UU 22/2009",), "lalu lintas"),
    LawName("UU Kesehatan", rf"{_UU}kesehatan", ("UU 36/2009", "UU 17/2023"), "kesehatan"),
    LawName(
        "UU Tipikor",
        rf"{_UU}(?:tipikor|pemberantasan tindak pidana korupsi)",
        ("UU 31/1999", "UU 20/2001"),
        "pemberantasan tindak pidana korupsi",
    ),
    LawName("UU TPPU", rf"{_UU}(?:tppu|pencucian uang|anti[- ]money laundering)", ("UU 8/2010",), "pencucian uang"),
    LawName("UU Narkotika", rf"{_UU}narkotika", ("UU 35/2009",), "narkotika"),
    LawName(
        "UU Minerba", rf"{_UU}(?:minerba|pertambangan mineral)", ("UU 4/2009", "UU 3/2020"), "pertambangan mineral"
    ),
    LawName("UU Kehutanan", rf"{_UU}kehutanan", ("UU 41/1999",), "kehutanan"),
    LawName("UU Lingkungan Hidup", rf"{_UU}(?:pplh|lingkungan hidup)", ("UU 32/2009",), "lingkungan hidup"),
    # "PPh Pasal 23" names the income-tax law even without "UU" in front.
    LawName("UU PPh", rf"(?:{_UU})?pph|{_UU}pajak penghasilan", ("UU 7/1983", "UU 36/2008"), "pajak penghasilan"),
    LawName(
        "UU PPN", rf"(?:{_UU})?ppn|{_UU}pajak pertambahan nilai", ("UU 8/1983", "UU 42/2009"), "pajak pertambahan nilai"
    ),
    LawName(
        "UU KUP",
        rf"{_UU}(?:kup|ketentuan umum dan tata cara perpajakan)",
        ("UU 6/1983", "UU 28/2007"),
        "ketentuan umum dan tata cara perpajakan",
    ),
    LawName("UU HPP", rf"{_UU}(?:hpp|harmonisasi peraturan perpajakan)", ("UU 7/2021",)),
    LawName("UU Jabatan Notaris", rf"{_UU}jabatan notaris", ("UU 30/2004", "UU 2/2014"), "jabatan notaris"),
    LawName("UU Yayasan", rf"{_UU}yayasan", ("UU 16/2001", "UU 28/2004"), "yayasan"),
    LawName("UU Koperasi", rf"{_UU}(?:perkoperasian|koperasi)", ("UU 25/1992",), "perkoperasian"),
    LawName("UU BUMN", rf"{_UU}(?:bumn|badan usaha milik negara)", ("UU 19/2003",), "badan usaha milik negara"),
    LawName("UU Keimigrasian", rf"{_UU}(?:keimigrasian|imigrasi)", ("UU 6/2011",), "keimigrasian"),
    LawName("UU Pemilu", rf"{_UU}(?:pemilu|pemilihan umum)", ("UU 7/2017",), "pemilihan umum"),
    LawName(
        "UU Pilkada", rf"{_UU}(?:pilkada|pemilihan kepala daerah)", ("UU 1/2015", "UU 10/2016"), "pemilihan gubernur"
    ),
    LawName("UU Perlindungan Anak", rf"{_UU}perlindungan anak", ("UU 23/2002", "UU 35/2014"), "perlindungan anak"),
    LawName(
        "UU PKDRT",
        rf"{_UU}(?:kdrt|pkdrt|penghapusan kekerasan dalam rumah tangga)",
        ("UU 23/2004",),
        "kekerasan dalam rumah tangga",
    ),
    LawName("UU ASN", rf"{_UU}(?:asn|aparatur sipil negara)", ("UU 5/2014", "UU 20/2023"), "aparatur sipil negara"),
    LawName("UU Desa", rf"{_UU}desa", ("UU 6/2014",), "desa"),
    LawName("UU Keuangan Negara", rf"{_UU}keuangan negara", ("UU 17/2003",), "keuangan negara"),
    LawName("UU Perbendaharaan Negara", rf"{_UU}perbendaharaan(?: negara)?", ("UU 1/2004",), "perbendaharaan negara"),
    LawName(
        "UU HKPD",
        rf"{_UU}(?:hkpd|hubungan keuangan antara pemerintah pusat dan pemerintahan daerah)",
        ("UU 1/2022",),
        "hubungan keuangan antara pemerintah pusat",
    ),
    LawName(
        "UU Perimbangan Keuangan", rf"{_UU}perimbangan keuangan", ("UU 25/1999", "UU 33/2004"), "perimbangan keuangan"
    ),
    LawName(
        "UU Pemda",
        rf"{_UU}(?:pemda|pemerintahan daerah|pemerintah daerah)",
        ("UU 23/2014", "UU 9/2015"),
        "pemerintahan daerah",
    ),
    LawName("UU Penataan Ruang", rf"{_UU}penataan ruang", ("UU 26/2007",), "penataan ruang"),
    LawName("UU Penanaman Modal", rf"{_UU}penanaman modal", ("UU 25/2007",), "penanaman modal"),
    LawName("UU Pelayanan Publik", rf"{_UU}pelayanan publik", ("UU 25/2009",), "pelayanan publik"),
    LawName("UU KIP", rf"{_UU}(?:kip|keterbukaan informasi publik)", ("UU 14/2008",), "keterbukaan informasi publik"),
    LawName(
        "UU Administrasi Pemerintahan", rf"{_UU}administrasi pemerintahan", ("UU 30/2014",), "administrasi pemerintahan"
    ),
    LawName(
        "UU SPPN",
        rf"{_UU}(?:sppn|sistem perencanaan pembangunan nasional)",
        ("UU 25/2004",),
        "sistem perencanaan pembangunan nasional",
    ),
    LawName(
        "UU P3",
        rf"{_UU}(?:pembentukan peraturan perundang[- ]undangan)",
        ("UU 12/2011", "UU 13/2022"),
        "pembentukan peraturan perundang-undangan",
    ),
    LawName(
        "UU BPJS",
        rf"{_UU}(?:bpjs|badan penyelenggara jaminan sosial)",
        ("UU 24/2011",),
        "badan penyelenggara jaminan sosial",
    ),
    LawName(
        "UU SJSN", rf"{_UU}(?:sjsn|sistem jaminan sosial nasional)", ("UU 40/2004",), "sistem jaminan sosial nasional"
    ),
    LawName("UU Pemerintahan Aceh", rf"{_UU}(?:pemerintahan aceh|aceh)", ("UU 11/2006",), "pemerintahan aceh"),
    LawName(
        "UU Otsus Papua",
        rf"{_UU}(?:otsus papua|otonomi khusus (?:bagi )?(?:provinsi )?papua)",
        ("UU 21/2001", "UU 2/2021"),
        "otonomi khusus bagi provinsi papua",
    ),
    LawName(
        "UU Keistimewaan DIY",
        rf"{_UU}keistimewaan(?: daerah istimewa)? yogyakarta|uuk diy",
        ("UU 13/2012",),
        "keistimewaan daerah istimewa yogyakarta",
    ),
    # Named by kind alone ("Pasal 22 Peraturan Bersama"); with a number it is read as a numbered reference.
    LawName("Peraturan Bersama", r"peraturan bersama(?: menteri)?(?![\w\s.]{0,80}?\d+\s*(?:/|tahun))"),
    # Foreign laws: no Indonesian regulation speaks for them.
    LawName("GDPR", r"gdpr|general data protection regulation", foreign=True),
    LawName("CCPA", r"ccpa|california consumer privacy act", foreign=True),
    LawName("FMLA", r"fmla|family and medical leave act", foreign=True),
    LawName("Sarbanes-Oxley Act", r"sarbanes[- ]oxley(?: act)?", foreign=True),
    LawName("US First Amendment", r"first amendment", foreign=True),
    LawName("EU Merger Regulation", r"eu merger regulation", foreign=True),
    LawName("UK Bribery Act", r"(?:uk )?bribery act", foreign=True),
    LawName("FCPA", r"fcpa|foreign corrupt practices act", foreign=True),
)

_COMPILED = [(law, re.compile(rf"\b(?:{law.pattern})\b", re.IGNORECASE)) for law in LAW_NAMES]


@dataclass(frozen=True)
class NamedLaw:
    law: LawName
    span: tuple[int, int]
    text: str


def find_law_names(question: str) -> list[NamedLaw]:
    """Every common law name in the question, longest first where two overlap."""
    found: list[NamedLaw] = []
    for law, pattern in _COMPILED:
        for match in pattern.finditer(question):
            found.append(NamedLaw(law, match.span(), match.group(0)))
    found.sort(key=lambda n: (n.span[0], -(n.span[1] - n.span[0])))
    kept: list[NamedLaw] = []
    for named in found:
        if kept and named.span[0] < kept[-1].span[1]:
            continue
        kept.append(named)
    return kept

"""Speech normalisation: small rules that rewrite written forms into words an engine reads right.

Each rule is a function from text to text with one job; `normalize` applies them in the order of
NORMALIZERS: web addresses and abbreviations first, then dates, money and units while the numbers
in them are still digits, then the generic number rules, then letters and symbols.
Numbers are read the American way ("two thousand one"); `normalizers(style="british")` adds the
British "and" ("two thousand and one") for British voices.
Measured on the text-normalisation benchmark in shared/eval with scripts/eval.
"""

from __future__ import annotations

import re
import string
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib.resources import files

from anyascii import anyascii
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS
from english_words import get_english_words_set
from num2words import num2words

# Titles read in full before a name ("Gen. Haftar" -> "General Haftar"); British style drops the stop.
TITLE_ABBREVIATIONS = {
    "Gen": "General",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Maj": "Major",
    "Capt": "Captain",
    "Sgt": "Sergeant",
    "Adm": "Admiral",
    "Cmdr": "Commander",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Pres": "President",
    "Dr": "Doctor",
    "Prof": "Professor",
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Rev": "Reverend",
    "Hon": "Honourable",
    "Fr": "Father",
    "Mt": "Mount",
    "Pvt": "Private",
    "Ft": "Fort",
}
# After a name: "Martin Luther King Jr." -> "Martin Luther King Junior".
NAME_SUFFIXES = {"Jr": "Junior", "Sr": "Senior"}
UNDOTTED_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Capt", "Sgt", "Lt", "Rev", "Mt", "Pvt")
# Abbreviations read the same wherever they stand.
PLAIN_ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "etcetera",
    "etc": "etcetera",
    "vs.": "versus",
    "approx.": "approximately",
    "Inc.": "Incorporated",
    "Corp.": "Corporation",
    "Ltd.": "Limited",
    "Ltd": "Limited",
    "ltd": "limited",
    "Co.": "Company",
    "Dept.": "Department",
    "dept.": "department",
    "dept": "department",
    "vs": "versus",
    "pp.": "pages",
    "Bros.": "Brothers",
    "Bros": "Brothers",
    "bros": "brothers",
    "Pvt.": "Private",
    "Hwy.": "Highway",
    "Hwy": "Highway",
    "eds.": "editors",
    "Eds.": "Editors",
    "vol.": "volume",
    "Vol.": "Volume",
    "est.": "established",
    "Est.": "Established",
}
# US states as AP style abbreviates them after a place name ("Sacramento, Calif.").
STATE_ABBREVIATIONS = {
    "Ala.": "Alabama",
    "Ariz.": "Arizona",
    "Ark.": "Arkansas",
    "Calif.": "California",
    "Colo.": "Colorado",
    "Conn.": "Connecticut",
    "Del.": "Delaware",
    "Fla.": "Florida",
    "Ga.": "Georgia",
    "Ill.": "Illinois",
    "Ind.": "Indiana",
    "Kan.": "Kansas",
    "Ky.": "Kentucky",
    "La.": "Louisiana",
    "Md.": "Maryland",
    "Mass.": "Massachusetts",
    "Mich.": "Michigan",
    "Minn.": "Minnesota",
    "Miss.": "Mississippi",
    "Mo.": "Missouri",
    "Mont.": "Montana",
    "Neb.": "Nebraska",
    "Nev.": "Nevada",
    "N.H.": "New Hampshire",
    "N.J.": "New Jersey",
    "N.M.": "New Mexico",
    "N.Y.": "New York",
    "N.C.": "North Carolina",
    "N.D.": "North Dakota",
    "Okla.": "Oklahoma",
    "Ore.": "Oregon",
    "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island",
    "S.C.": "South Carolina",
    "S.D.": "South Dakota",
    "Tenn.": "Tennessee",
    "Vt.": "Vermont",
    "Va.": "Virginia",
    "Wash.": "Washington",
    "W.Va.": "West Virginia",
    "Wis.": "Wisconsin",
    "Wyo.": "Wyoming",
    "D.C.": "D C",
}
# Numbers written with a slash that are said as names, not fractions or dates.
SLASHED_IDIOMS = {
    "24/7": "twenty-four seven",
    "9/11": "nine eleven",
    "50/50": "fifty-fifty",
    "20/20": "twenty-twenty",
    "7/7": "seven seven",
    "365/24/7": "three sixty-five, twenty-four seven",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_BY_NAME = {**{m.lower(): m for m in MONTHS}, **{m[:3].lower(): m for m in MONTHS}, "sept": "September"}
# A month by name, or abbreviated with or without its stop; a full name never takes the stop after
# it, which ends the sentence ("on 15 May.").
_MONTH = (
    r"(?P<month>(?:"
    + "|".join(MONTHS)
    + r")(?!\.\w)|(?:"
    + "|".join(sorted({m[:3] for m in MONTHS if len(m) > 3} | {"Sept"}, key=len, reverse=True))
    + r")\.?)"
)
SCALES = {
    "k": "thousand",
    "thousand": "thousand",
    "m": "million",
    "mn": "million",
    "million": "million",
    "bn": "billion",
    "b": "billion",
    "billion": "billion",
    "tn": "trillion",
    "trillion": "trillion",
    "crore": "crore",
    "lakh": "lakh",
}
# Units read after a number: written form -> (singular, plural).
UNITS = {
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "kW": ("kilowatt", "kilowatts"),
    "mA": ("milliamp", "milliamps"),
    "kV": ("kilovolt", "kilovolts"),
    "V": ("volt", "volts"),
    "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "hp": ("horsepower", "horsepower"),
    "GB": ("gigabyte", "gigabytes"),
    "MB": ("megabyte", "megabytes"),
    "TB": ("terabyte", "terabytes"),
    "kB": ("kilobyte", "kilobytes"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "km2": ("square kilometer", "square kilometers"),
    "km²": ("square kilometer", "square kilometers"),
    "mi2": ("square mile", "square miles"),
    "mi²": ("square mile", "square miles"),
    "m2": ("square meter", "square meters"),
    "m²": ("square meter", "square meters"),
    "sq mi": ("square mile", "square miles"),
    "ha": ("hectare", "hectares"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "ms": ("millisecond", "milliseconds"),
    "μm": ("micrometer", "micrometers"),
    "nm": ("nanometer", "nanometers"),
}
# Top-level domains that mark a bare web address ("example.org/story"), not an abbreviation.
TOP_LEVEL_DOMAINS = (
    "com",
    "org",
    "net",
    "gov",
    "edu",
    "int",
    "mil",
    "info",
    "io",
    "co",
    "uk",
    "us",
    "ca",
    "au",
    "de",
    "fr",
    "eu",
    "ly",
    "in",
    "news",
    "tv",
    "me",
    "ai",
    "app",
    "dev",
)
# Fractions written as one character: "3¾" -> "three and three quarters".
VULGAR_FRACTIONS = {
    "½": ("one half", "a half"),
    "⅓": ("one third", "a third"),
    "⅔": ("two thirds", "two thirds"),
    "¼": ("one quarter", "a quarter"),
    "¾": ("three quarters", "three quarters"),
    "⅕": ("one fifth", "a fifth"),
    "⅛": ("one eighth", "an eighth"),
}
_UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
# Capitalised acronyms said as words. Other all-capital words are read as words when they are
# English words ("PARIS", "would NOT"), else spelled out ("BBC") when of two to five letters.
WORD_ACRONYMS = frozenset(
    {
        "NATO",
        "NASA",
        "ISIS",
        "UNESCO",
        "UNICEF",
        "OPEC",
        "FIFA",
        "UEFA",
        "NAFTA",
        "AIDS",
        "COVID",
        "LASER",
        "RADAR",
        "SCUBA",
        "SWAT",
        "ASEAN",
        "OFCOM",
        "OFSTED",
        "INTERPOL",
        "EUROPOL",
        "FRONTEX",
        "HAMAS",
        "MERS",
        "SARS",
        "NASDAQ",
        "CERN",
        "IKEA",
        "LEGO",
        "DARPA",
        "FEMA",
        "GIF",
        "JPEG",
        "PIN",
        "SIM",
        "WASP",
        "YOLO",
        "ANZAC",
        "SEAL",
        "SEALS",
        "OK",
        "UNRWA",
        "ECOWAS",
        "MERCOSUR",
        "SIPRI",
        "NORAD",
        "OSHA",
    }
)
# All-capital acronyms that are spelled although the same letters make an English word.
SPELLED_ACRONYMS = frozenset(
    {
        "US",
        "USA",
        "IT",
        "WHO",
        "IRA",
        "GOP",
        "SEC",
        "CAT",
        "DOS",
        "AM",
        "PM",
        "AD",
        "BC",
        "EU",
        "UN",
        "UK",
        "ID",
        "TV",
        "PC",
        "AI",
        "IS",
        "CIA",
        "ERA",
        "ICE",
        "DOE",
        "DOT",
        "FAA",
        "ACT",
        "ACE",
        "ABC",
        "CBS",
        "NBC",
        "BET",
        "HBO",
        "MIT",
        "ANC",
        "PAC",
        "RAM",
        "SAT",
        "GPS",
        "PET",
        "CAD",
        "LED",
        "MOD",
        "NHS",
        "BAT",
        "TED",
        "PIP",
        "SUV",
    }
)
# Names after which a Roman numeral is a regnal ordinal: "Louis XIV" -> "Louis the fourteenth".
REGNAL_NAMES = frozenset(
    {
        "Alexander",
        "Alfonso",
        "Amadeus",
        "Benedict",
        "Boniface",
        "Carl",
        "Casimir",
        "Catherine",
        "Charles",
        "Christian",
        "Clement",
        "Constantine",
        "Edward",
        "Elizabeth",
        "Ferdinand",
        "Francis",
        "Frederick",
        "Friedrich",
        "George",
        "Gregory",
        "Gustav",
        "Gustavus",
        "Haakon",
        "Harald",
        "Henri",
        "Henry",
        "Innocent",
        "Ivan",
        "James",
        "John",
        "Juan",
        "Leo",
        "Leopold",
        "Louis",
        "Ludwig",
        "Mary",
        "Mehmed",
        "Murad",
        "Napoleon",
        "Nicholas",
        "Olaf",
        "Otto",
        "Paul",
        "Peter",
        "Philip",
        "Philippe",
        "Pius",
        "Ptolemy",
        "Rama",
        "Ramesses",
        "Richard",
        "Selim",
        "Sixtus",
        "Stephen",
        "Urban",
        "Victor",
        "Wilhelm",
        "William",
        "Willem",
    }
)
# Words after which even a one-letter Roman numeral ("World War I", "Division I") is a number.
SERIES_WORDS = frozenset(
    {
        "War",
        "Division",
        "Part",
        "Chapter",
        "Volume",
        "Vol",
        "Type",
        "Class",
        "Phase",
        "Act",
        "Book",
        "Section",
        "Grade",
        "Stage",
        "Level",
        "League",
        "Series",
        "Mark",
        "Title",
        "Article",
        "Appendix",
        "Round",
        "Tier",
        "Unit",
        "Episode",
        "Season",
        "Bowl",
        "Schedule",
    }
)
# Ordinary words before which a three-digit number is still a designation, read in pairs.
DESIGNATION_WORDS = frozenset({"flight", "route", "highway", "interstate", "room", "gate", "bus", "model", "train"})
# Capitalised words before a number that are not names of things with model numbers.
NOT_MODEL_NAMES = frozenset(
    {
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "to",
        "of",
        "about",
        "around",
        "some",
        "nearly",
        "over",
        "under",
        "the",
        "and",
        "but",
        "or",
        "only",
        "just",
        "almost",
        "more",
        "than",
        "with",
        "after",
        "before",
        "since",
        "until",
        "page",
        "pages",
        "number",
        "chapter",
        "section",
        "article",
        "all",
        "every",
        "another",
        "each",
        "these",
        "those",
    }
)
# Time zones said after a clock time.
TIME_ZONES = {
    "ET": "Eastern time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "PT": "Pacific time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "CT": "Central time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MT": "Mountain time",
}
_ROMAN = r"(?=[IVXL])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
GREEK_LETTERS = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
        "sigma sigma tau upsilon phi chi psi omega".split(),
        strict=True,
    )
)
GREEK_LETTERS.update({letter.upper(): name for letter, name in GREEK_LETTERS.items() if letter != "ς"})
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()

_NAME_AHEAD = r"(?=\s+(?:[A-Z]|\[\[))"  # a capitalised name follows, or a name the lexicon turned into phonemes
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


CARDINAL_MAX_DIGITS = 15  # past the quadrillions a number is a code or noise (num2words overflows): its digits are read


def _digits(digits: str) -> str:
    """Digits of a code one by one, zero said "o" as in "five five five, o one"."""
    return " ".join("o" if digit == "0" else DIGIT_WORDS[int(digit)] for digit in digits)


def _decimals(digits: str) -> str:
    """The digits after a decimal point one by one: a lone zero is "zero" ("4.0" -> "point zero"),
    others "o" as in "2.05" -> "point o five"."""
    return "zero" if digits == "0" else _digits(digits)


def _american(words: str) -> str:
    """num2words writes the British "and" inside numbers ("one hundred and one"); American readers
    leave it out, and the British rule (add_british_and) puts it back."""
    return words.replace(" and ", " ")


def _cardinal(number: int) -> str:
    return _american(num2words(number))


def _words(number: str) -> str:
    """Cardinal words for a written number: "5,000" -> "five thousand", "4.50" -> "four point five o"."""
    whole, _, decimals = number.replace(",", "").partition(".")
    if len(whole) > CARDINAL_MAX_DIGITS:
        words = _digits(whole)
    else:
        try:
            words = _cardinal(int(whole or "0"))
        except ValueError:
            return number
    if decimals:
        words += " point " + _decimals(decimals)
    return words


def _ordinal(number: int) -> str:
    if number >= 10**CARDINAL_MAX_DIGITS:
        return _digits(str(number)) + "th"
    return _american(num2words(number, to="ordinal"))


def _year(number: int) -> str:
    """ "1905" -> "nineteen o five", "2004" -> "two thousand four"."""
    return _american(num2words(number, to="year").replace("oh-", "o "))


def _said_path(path: str) -> str:
    """An address's path as a listener can follow it, when it is short and made of words: "/news/oil-exports"
    -> " slash news slash oil exports"; nothing for a long one, a query or an id ("/2014/06/19/x-y", "/a?id=5")."""
    segments = [segment for segment in path.split("/") if segment]
    if not segments or len(segments) > 2 or re.search(r"[?#=&]", path):
        return ""
    words = [re.sub(r"\.(?:s?html?|php|aspx?)$", "", segment) for segment in segments]
    if not all(
        re.fullmatch(r"(?=[\w-]*[A-Za-z])[\w-]{1,40}", word) and not re.search(r"\d{5}", word) for word in words
    ):
        return ""
    return "".join(" slash " + re.sub(r"[-_]+", " ", word).strip() for word in words)


def expand_urls(text: str) -> str:
    """Web and e-mail addresses are said by their host, and a short path of words after it:
    "https://www.bbc.co.uk/news" -> "bbc dot co dot uk slash news", "example.org/oil-exports" ->
    "example dot org slash oil exports"; a long path, a query or an id is left out."""

    def host(match: re.Match) -> str:
        name = re.sub(r"^www\.", "", match.group("host").lower())
        return " dot ".join(name.split("."))

    def address(match: re.Match) -> str:
        return host(match) + _said_path(match.group("path") or "")

    # Starting only where a run of address characters starts keeps this linear on "A.A.A.A...".
    text = re.sub(
        r"(?<![\w.+-])(?P<user>[\w.+-]+)@(?P<host>[\w-]+(?:\.[\w-]+)+)\b",
        lambda m: f"{m.group('user').replace('.', ' dot ')} at {host(m)}",
        text,
    )
    text = re.sub(
        r"(?<![\w.-])(?:https?://|www\.)(?P<host>(?:www\.)?[\w-]+(?:\.[\w-]+)+)(?P<path>[/?#][^\s]*?)?(?=[.,;:!?)]*(?:\s|$))",
        address,
        text,
    )
    # A bare address: a name ending in a common top-level domain, with or without a path.
    return re.sub(
        r"(?<![\w.@/-])(?P<host>[A-Za-z][\w-]*(?:\.[\w-]+)*\.(?:" + "|".join(TOP_LEVEL_DOMAINS) + r"))"
        r"(?P<path>/[^\s]*?)?(?![\w.-]*\w)(?=[.,;:!?)]*(?:\s|$))",
        address,
        text,
    )


# Scripts written without their vowels (Hebrew, Arabic, Syriac, Thaana): in Latin letters they would be
# consonants that a voice spells, so an English voice leaves them out.
ABJADS = "\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
# Chinese characters, kana and Hangul: given in Latin letters a syllable each ("BeiJing"), joined into words.
SYLLABIC = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


def _pictograph(character: str) -> bool:
    """An emoji, a dingbat, a variation selector or a skin tone: symbols past the letterlike block
    (the degree sign, the currency signs and the like are read by other rules)."""
    code = ord(character)
    return (
        (unicodedata.category(character) == "So" and code >= 0x2100)
        or 0xFE00 <= code <= 0xFE0F
        or (0x1F3FB <= code <= 0x1F3FF)
    )


def speakable(text: str) -> bool:
    """Whether an English voice has anything to say of text: letters left once other scripts are
    made Latin and those written without vowels left out."""
    return bool(re.search(r"[^\W\d_]", speak_other_scripts(text)))


def speak_other_scripts(text: str) -> str:
    """For the names an English voice says around the stories (the show's, the headlines', in the
    intro and outro: compose.ScriptOptions.frame_speech), what it cannot read: letters of other
    scripts in Latin letters ("Москва" ->
    "Moskva", "北京" -> "Beijing", "Ελλάδα" -> "Ellada"); words in scripts written without vowels
    (Hebrew, Arabic) left out, as are emoji and other pictographs, which a voice spells or garbles."""
    text = re.sub(r"[" + ABJADS + r"]+(?:[\s\u200c\u200d]+[" + ABJADS + r"]+)*\s?", "", text)
    text = "".join(" " if _pictograph(c) else "" if unicodedata.category(c) == "Cf" else c for c in text)
    text = re.sub(r"\s+(?=[.,;:!?)])", "", text)

    def latin(match: re.Match) -> str:
        said = anyascii(match.group(0))
        return said[:1] + said[1:].lower() if re.search("[" + SYLLABIC + "]", match.group(0)) else said

    return re.sub(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u2bff\s\d]+", latin, text)


def expand_title_abbreviations(text: str) -> str:
    """Read titles in full before a capitalised name: "Gen. Haftar" -> "General Haftar", "Mr Smith" -> "Mister
    Smith"."""
    dotted = r"\b(" + "|".join(TITLE_ABBREVIATIONS) + r")\." + _NAME_AHEAD
    text = re.sub(dotted, lambda m: TITLE_ABBREVIATIONS[m.group(1)], text)
    undotted = r"\b(" + "|".join(UNDOTTED_TITLES) + r")\b(?!\.)(?=\s+(?:[A-Z][a-z]|\[\[))"
    return re.sub(undotted, lambda m: TITLE_ABBREVIATIONS[m.group(1).capitalize()], text, flags=re.I)


def expand_saint_street(text: str) -> str:
    """ "St." is Saint before a name ("St. Petersburg", "st Kilda") and Street after one ("Downing
    St.", "York st")."""
    text = re.sub(r"\b[Ss]t\.?" + _NAME_AHEAD, "Saint", text)
    text = re.sub(r"(?<=[A-Za-z]\s)St\.\s*$", "Street.", text)
    text = re.sub(r"(?<=[A-Za-z]\s)St\.", "Street", text)
    return re.sub(r"\b([A-Z][a-z]+\s)[Ss]t\b(?!\.?\s*[A-Z])", r"\1Street", text)


def expand_name_suffixes(text: str) -> str:
    """ "Jr." and "Sr." after a name: "Martin Luther King Jr." -> "Martin Luther King Junior"."""
    return re.sub(
        r"\b([A-Z][a-z]+)(\s?,?)\s+([JS]r|[js]r)\b\.?(?=\s|$|[,;:)])",
        lambda m: f"{m.group(1)}{m.group(2)} {NAME_SUFFIXES[m.group(3).capitalize()]}",
        text,
    )


def expand_state_abbreviations(text: str) -> str:
    """US states abbreviated after a place name, as in datelines: "Sacramento, Calif." -> "Sacramento, California"."""
    states = "|".join(re.escape(state) for state in sorted(STATE_ABBREVIATIONS, key=len, reverse=True))
    return re.sub(r"(?<=[A-Za-z], )(" + states + r")(?=\s|$|[,;:)(])", lambda m: STATE_ABBREVIATIONS[m.group(1)], text)


# "PARIS (Reuters) - ", "SACRAMENTO, Calif. (AP) — ", "WASHINGTON — ": a place in capitals, its
# state, an agency, a dash.
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3})(?:, [A-Z][\w.]*(?: [A-Z][\w.]*){0,2})? *"
    r"(?:\([^()]{1,40}\) *)?[-—–]+ *"
)


def title_case_datelines(text: str) -> str:
    """A dateline in capitals is a place, read as a name: "PARIS (Reuters) -" -> "Paris (Reuters) -"."""
    found = DATELINE.match(text)
    if not found:
        return text
    return string.capwords(found.group("place").lower()) + text[found.end("place") :]


def expand_number_sign(text: str) -> str:
    """ "No. 10" and "#7" -> "number 10", "number 7"; "vol 24" -> "volume 24"; "p. 8" -> "page 8"."""
    text = re.sub(r"\b[Nn]o\.\s*(?=\d)", "number ", text)
    text = re.sub(r"(?<![\w.])pp?\.\s*(?=\d)", lambda m: "pages " if m.group(0).startswith("pp") else "page ", text)
    text = re.sub(r"\b([Vv])ol\.?\s*(?=\d)", lambda m: "Volume " if m.group(1) == "V" else "volume ", text)
    return re.sub(r"#\s?(?=\d)", "number ", text)


def expand_plain_abbreviations(text: str) -> str:
    """Common abbreviations read the same anywhere: "e.g." -> "for example", "Inc." -> "Incorporated"."""
    for written, spoken in PLAIN_ABBREVIATIONS.items():
        text = re.sub(r"(?<![\w.])" + re.escape(written) + r"(?=\s|$|[,;:)])", spoken, text)
    return text


def expand_slashed_idioms(text: str) -> str:
    """Numbers with a slash said as names, not fractions: "24/7" -> "twenty-four seven", "9/11" -> "nine eleven"."""
    idioms = "|".join(re.escape(idiom) for idiom in sorted(SLASHED_IDIOMS, key=len, reverse=True))
    return re.sub(r"(?<![\d/])(" + idioms + r")(?![\d/])", lambda m: SLASHED_IDIOMS[m.group(1)], text)


def read_digit_codes(text: str) -> str:
    """Telephone numbers, ISBNs and other codes of digit groups are read digit by digit, group by
    group: "555-123-4567" -> "five five five, one two three, four five six seven", "+44 20" -> "plus
    four four, two o"; so is whatever
    follows ISBN, ISSN or LCCN."""

    def groups(match: re.Match) -> str:
        said = ", ".join(_digits(group) for group in re.findall(r"\d+", match.group(0)))
        return "plus " + said if match.group(0).startswith("+") else said

    def identifier(match: re.Match) -> str:
        digits = ", ".join(
            " ".join("X" if c in "Xx" else _digits(c) for c in group)
            for group in re.findall(r"[\dXx]+", match.group(2))
        )
        return f"{match.group(1)} {digits}"

    text = re.sub(r"\b(ISBN(?:-1[03])?|ISSN|LCCN):?\s*(\d[\dXx]*(?:[ -][\dXx]+)*)(?![\w-])", identifier, text)

    # Three or more groups joined by hyphens, dots or spaces (a date or a range has fewer, or has
    # been read already), a bracketed area code, or a 3-4 local number.
    text = re.sub(
        r"(?<![\w.,-])\+?\(?\d{1,4}\)?(?:[ .-]\d{1,5}){2,}(?![\w-]|[.,]\d)(?=[^\d]|$)",
        lambda m: groups(m) if _is_code(m.group(0)) else m.group(0),
        text,
    )
    return re.sub(r"(?<![\w.,-])\d{3}-\d{4}(?![\w-])", groups, text)


def _is_code(written: str) -> bool:
    """A run of digit groups is a code when it has a hyphen, bracket or plus, or groups too long for
    a list of numbers ("5 10 15" is a list; "020 7946 0958" is a telephone number)."""
    if re.search(r"[-+(]", written) or re.fullmatch(r"\d+(?:\.\d+){2,}", written) and len(written) > 9:
        return True
    parts = re.findall(r"\d+", written)
    return " " in written and (parts[0].startswith("0") or sum(len(part) for part in parts) >= 9)


def expand_dates(text: str, day_first: bool = False) -> str:
    """Dates with ordinals: "May 26, 2004" -> "May twenty-sixth 2004", "12 Oct 2012" and "2012-10-12" ->
    "the twelfth of October 2012".

    Numeric dates follow the reader's convention (day_first for 12/03/2016 as the 12th of March);
    ISO dates (2016-03-12) are unambiguous. Years are left to the year rule.
    """

    def month(name: str) -> str:
        return MONTH_BY_NAME[name.lower().rstrip(".")]

    def day_ok(day: str) -> bool:
        return 1 <= int(day) <= 31

    def month_first(m: re.Match) -> str:
        if not day_ok(m.group("day")):
            return m.group(0)
        year = f" {m.group('year')}" if m.group("year") else ""
        return f"{month(m.group('month'))} {_ordinal(int(m.group('day')))}{year}"

    def day_month(m: re.Match) -> str:
        if not day_ok(m.group("day")):
            return m.group(0)
        year = f" {m.group('year')}" if m.group("year") else ""
        return f"{m.group('the') or 'the '}{_ordinal(int(m.group('day')))} of {month(m.group('month'))}{year}"

    def numeric(day: int, month_number: int, year: str) -> str | None:
        if not (1 <= month_number <= 12 and 1 <= day <= 31):
            return None
        year = year if len(year) == 4 else (f"o {DIGIT_WORDS[int(year)]}" if int(year) < 10 else year)
        return f"{MONTHS[month_number - 1]} {_ordinal(day)}, {year}"

    def slashed(m: re.Match) -> str:
        first, second = int(m.group(1)), int(m.group(2))
        day, month_number = (first, second) if day_first else (second, first)
        return numeric(day, month_number, m.group(3)) or m.group(0)

    def iso(m: re.Match) -> str:
        day, month_number = int(m.group(3)), int(m.group(2))
        if not (1 <= month_number <= 12 and 1 <= day <= 31):
            return m.group(0)
        return f"the {_ordinal(day)} of {MONTHS[month_number - 1]} {m.group(1)}"

    text = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", iso, text)
    text = re.sub(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])", slashed, text)
    year = r"(?:\s*,?\s*(?P<year>\d{4})\b)?"
    text = re.sub(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b" + year, month_first, text)
    return re.sub(
        r"(?P<the>\b[Tt]he\s+)?(?<![\d,.])\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?!\w)" + year,
        day_month,
        text,
    )


@dataclass(frozen=True)
class Currency:
    """A currency of data/currencies.toml: how its amounts are read, and how they are written."""

    code: str
    names: tuple[str, str, str, str]  # one, many, one hundredth, many hundredths
    symbols: tuple[str, ...]
    scaled: tuple[str, ...]  # symbols that are plain letters too: read before a scaled amount alone


@cache
def currencies() -> dict[str, Currency]:
    """Every currency by its code and by each of its symbols."""
    table = tomllib.loads(files(__package__).joinpath("data", "currencies.toml").read_text(encoding="utf-8"))
    found = [
        Currency(code, tuple(entry["names"]), tuple(entry.get("symbols", ())), tuple(entry.get("scaled", ())))
        for code, entry in table.items()
    ]
    return {key: currency for currency in found for key in (currency.code, *currency.symbols, *currency.scaled)}


def _said_amount(currency: Currency, amount: str, scale: str) -> str:
    one, many, sub_one, sub_many = currency.names
    if scale:
        return f"{amount} {SCALES[scale.lower()]} {many}"
    whole, _, cents = amount.partition(".")
    unit = one if whole.replace(",", "") == "1" else many
    if cents and len(cents) == 2 and int(cents):
        return f"{whole} {unit} {int(cents)} {sub_one if int(cents) == 1 else sub_many}"
    return f"{whole} {unit}" if cents and not int(cents) else f"{amount} {unit}"


def expand_money(text: str) -> str:
    """Amounts of money after their currency's symbol or code, or before its code, read with the
    currency's name (data/currencies.toml): "$4.5 billion" -> "4.5 billion dollars", "£30m" -> "30
    million pounds", "$3.50" -> "3 dollars 50 cents", "CHF 20" and "20 CHF" -> "20 Swiss francs",
    "₹40 crore" -> "40 crore rupees", "N500m" -> "500 million naira" (a letter only before a scale)."""
    known = currencies()
    before_amount, letter_signs, after_amount = _money_patterns()

    def said(match: re.Match) -> str:
        return _said_amount(known[match.group("sign")], match.group("amount"), match.group("scale") or "")

    return after_amount.sub(said, letter_signs.sub(said, before_amount.sub(said, text)))


@cache
def _money_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """expand_money's patterns, made once from the currencies: a symbol or code before the amount, a
    letter symbol before a scaled amount, a code after the amount."""
    known = currencies()
    signs = sorted((key for key, c in known.items() if key not in c.scaled and key != c.code), key=len, reverse=True)
    codes = "|".join(sorted({currency.code for currency in known.values()}))
    letters = "|".join(sorted({s for c in known.values() for s in c.scaled}))
    scale = r"(?:\s?(?P<scale>(?i:thousand|million|billion|trillion|crore|lakh)\b|(?:bn|mn|tn|[kmb])\b))"
    amount = r"(?P<amount>" + _NUMBER + r")"
    return (
        re.compile(
            r"(?P<sign>" + "|".join(map(re.escape, signs)) + r"|\b(?:" + codes + r"))\s?" + amount + scale + "?"
        ),
        re.compile(r"\b(?P<sign>" + letters + r")" + amount + scale),
        re.compile(r"(?<![\w.])" + amount + scale + r"?\s(?P<sign>" + codes + r")\b"),
    )


def expand_percent(text: str) -> str:
    """ "5%" -> "5 percent"."""
    return re.sub(r"(\d)\s?%", r"\1 percent", text)


def expand_units(text: str) -> str:
    """Units after a number: "8.7 km" -> "8.7 kilometers", "1 kg" -> "1 kilogram", "280/km2" -> "280 per square
    kilometer"."""

    def spoken(match: re.Match) -> str:
        singular, plural = UNITS[match.group("unit")]
        if match.group("per"):
            return f"{match.group('number')} per {singular}"
        return f"{match.group('number')} {singular if match.group('number') == '1' else plural}"

    pattern = r"(?<![\w.])(?P<number>" + _NUMBER + r")\s?(?P<per>/\s?)?(?P<unit>" + _UNIT + r")(?![\w/²])"
    return re.sub(pattern, spoken, text)


def expand_ranges(text: str) -> str:
    """Number ranges read with "to": "2010–2015" -> "2010 to 2015", "5-7" and "1914 - 1918" likewise
    (not codes like "COVID-19")."""
    number = r"(\d+(?:\.\d+)?)"
    text = re.sub(r"(?<![\w-])" + number + r"\s?[–—]\s?" + number + r"(?![\w-])", r"\1 to \2", text)
    text = re.sub(r"(?<![\w-])" + number + r" - " + number + r"(?![\w-])", r"\1 to \2", text)
    return re.sub(r"(?<![\w-])" + number + r"-" + number + r"(?![\w-])", r"\1 to \2", text)


def expand_negative_numbers(text: str) -> str:
    """A minus sign before a number standing alone is said: "Level -1" -> "Level minus 1", "−5" too."""
    return re.sub(r"(?:(?<=^)|(?<=[\s(\[]))[-−](?=\d)", "minus ", text)


def expand_temperatures(text: str) -> str:
    """Temperatures written without the degree sign: "40C" -> "40 degrees Celsius", "104F" too."""
    return re.sub(
        r"(?<![\w.])(-?\d{1,3}(?:\.\d)?)°?([CF])\b(?![\w'’-])",
        lambda m: (
            f"{m.group(1)} {'degree' if m.group(1) in ('1', '-1') else 'degrees'} "
            f"{'Celsius' if m.group(2) == 'C' else 'Fahrenheit'}"
        ),
        text,
    )


def expand_fractions(text: str) -> str:
    """Simple fractions: "1/2" -> "one half", "3/4" -> "three quarters", "2/3" -> "two thirds"."""

    def spoken(match: re.Match) -> str:
        top, bottom = int(match.group(1)), int(match.group(2))
        if bottom == 2:
            name = "half" if top == 1 else "halves"
        elif bottom == 4:
            name = "quarter" if top == 1 else "quarters"
        else:
            name = _ordinal(bottom) + ("" if top == 1 else "s")
        return f"{_cardinal(top)} {name}"

    return re.sub(r"(?<![\d/.,])(\d{1,2})/([2-9]|1[0-2])(?![\d/])", spoken, text)


def expand_vulgar_fractions(text: str) -> str:
    """Fractions written as one character: "3¾ miles" -> "3 and three quarters miles", "½ cup" -> "a half cup"."""
    fractions = "[" + "".join(VULGAR_FRACTIONS) + "]"
    text = re.sub(r"(\d)\s?(" + fractions + ")", lambda m: f"{m.group(1)} and {VULGAR_FRACTIONS[m.group(2)][0]}", text)
    return re.sub(fractions, lambda m: VULGAR_FRACTIONS[m.group(0)][1], text)


def expand_month_abbreviations(text: str) -> str:
    """ "Jan. 2027" -> "January 2027", "Sept. 5" -> "September 5": a dotted month before a number
    (without the dot, "Jan" may be a name)."""
    return re.sub(
        r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.(?=\s+\d)",
        lambda m: MONTH_BY_NAME[m.group(1).lower()],
        text,
    )


def expand_ordinals(text: str) -> str:
    """ "3rd" -> "third", "21st" -> "twenty-first"."""
    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: _ordinal(int(m.group(1))), text)


def expand_ratios(text: str) -> str:
    """A ratio whose second term no clock has: "a 1:50000 map" -> "a 1 to 50000 map" (scales, odds)."""
    return re.sub(r"(?<![\d:])(\d{1,3})\s?:\s?(\d{1,3}(?:,\d{3})+|\d{3,})(?![\d:,])", r"\1 to \2", text)


def expand_times(text: str) -> str:
    """Clock times: "3:30" -> "three thirty", "10:05" -> "ten o five", "9:00" -> "nine o'clock",
    "10:30am" and "10.30pm" -> "ten thirty a m", "3pm" -> "three p m" (dotted "p.m." is the acronym
    rule's); a time zone after one is said: "9 a.m. ET" -> "9 a.m. Eastern time"."""

    def spoken(match: re.Match) -> str:
        hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3)
        if minute == 0:
            said = _cardinal(hour) if half or match.group(4) else f"{_cardinal(hour)} o'clock"
        else:
            said = f"{_cardinal(hour)} {f'o {_cardinal(minute)}' if minute < 10 else _cardinal(minute)}"
        return f"{said} {half.lower()} m" if half else said

    text = re.sub(r"\b([01]?\d|2[0-3]):([0-5]\d)(?:\s?([aApP])[mM]\b|\b(?=(\s*[ap]\.m\b)?))", spoken, text)
    # "10.30pm", "10.30 p.m.": the stop after "m" is kept only where it ends the sentence.
    text = re.sub(
        r"\b(1[0-2]|0?[1-9])\.([0-5]\d)\s?([aApP])\.?[mM]\b(\.?)",
        lambda m: spoken(m) + ("." if m.group(4) and m.end() == len(text) else ""),
        text,
    )
    text = re.sub(
        r"\b(1[0-2]|0?[1-9])\s?([aApP])[mM]\b", lambda m: f"{_cardinal(int(m.group(1)))} {m.group(2).lower()} m", text
    )
    return re.sub(
        r"\b([ap] m|[ap]\.m\.)\s+(" + "|".join(TIME_ZONES) + r")\b",
        lambda m: f"{m.group(1)} {TIME_ZONES[m.group(2)]}",
        text,
    )


def _plural(words: str) -> str:
    """A number's words made plural: "ninety" -> "nineties", "six" -> "sixes", "seventy-five" -> "seventy-fives"."""
    return words[:-1] + "ies" if words.endswith("y") else words + ("es" if words.endswith("x") else "s")


def expand_decades(text: str) -> str:
    """ "1990s" -> "nineteen nineties", "the '80s" and "in his 70s" -> "the eighties", "in his seventies"."""
    text = re.sub(r"\b(1[1-9]|20)(\d0)s\b", lambda m: _plural(_year(int(m.group(0)[:-1]))), text)
    return re.sub(r"(?:[’']\s?|(?<![\w.,’']))([2-9]0)s\b", lambda m: _plural(_cardinal(int(m.group(1)))), text)


def read_number_plurals(text: str) -> str:
    """A number made plural, as of a model or a score: "four CN-235s" -> "four CN two thirty-fives",
    "the 75s" -> "the seventy-fives" (decades are expand_decades')."""

    def plural(match: re.Match) -> str:
        number = match.group(1)
        return _plural(_pairs(number) if len(number) == 3 else _cardinal(int(number)))

    return re.sub(r"(?<![\w.,-])([1-9]\d{1,2})s\b", plural, text)


def _roman_value(numeral: str) -> int:
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def expand_roman_numerals(text: str) -> str:
    """Roman numerals after names: "Louis XIV" -> "Louis the fourteenth" after a ruler's name, a
    cardinal after any other ("World War II" -> "World War two", "Rocky II" -> "Rocky two") and after
    a word that numbers a series, capitalised or not ("class V" -> "class five").

    One-letter numerals (I, V, X) only count after a ruler's name or a series word, so the pronoun
    "I" stays a pronoun.
    """

    def spoken(match: re.Match) -> str:
        name, numeral = match.group(1), match.group(2)
        series = name.capitalize() in SERIES_WORDS
        if len(numeral) == 1 and name not in REGNAL_NAMES and not series:
            return match.group(0)
        value = _roman_value(numeral)
        return f"{name} the {_ordinal(value)}" if name in REGNAL_NAMES else f"{name} {_cardinal(value)}"

    lower_series = "|".join(word.lower() for word in SERIES_WORDS)
    return re.sub(
        r"\b([A-Z][A-Za-z]+|" + lower_series + r")\s+(" + _ROMAN + r")\b(?![.'’]?\w|\.\s*[A-Z]\b)", spoken, text
    )


def expand_years(text: str) -> str:
    """Four-digit numbers from 1010 to 2099 standing alone read as years: "1981" -> "nineteen eighty-one",
    "1078" -> "ten seventy-eight"."""
    return re.sub(
        r"(?<![\d,.$£€])\b(10[1-9]\d|1[1-9]\d\d|20\d\d)\b(?![\d,]\d|\.\d)", lambda m: _year(int(m.group(1))), text
    )


def split_letter_number_codes(text: str) -> str:
    """Codes of capitals and digits are read letters then number: "G7" -> "G 7", "F-16" -> "F 16", "COVID-19" ->
    "COVID 19"."""
    return re.sub(r"\b([A-Z]{1,5})-?(\d{1,4}s?)\b(?!\.\d)", r"\1 \2", text)


def _pairs(number: str) -> str:
    """A three-digit designation in pairs: "737" -> "seven thirty-seven", "307" -> "three o seven"."""
    tail = int(number[1:])
    rest = "hundred" if tail == 0 else f"o {DIGIT_WORDS[tail]}" if tail < 10 else _cardinal(tail)
    return f"{DIGIT_WORDS[int(number[0])]} {rest}"


def read_model_numbers(text: str) -> str:
    """Three-digit model and route numbers after a name are read in pairs, as people say them:
    "Boeing 737" -> "Boeing seven thirty-seven", "A 320" -> "A three twenty", "Flight 370" -> "Flight three
    seventy"; after an ordinary word they are quantities ("His 307 yards", "Circular 230"); "Route 66" stays."""

    def name(match: re.Match) -> str:
        word = match.group(1)
        designation = word.isupper() or word.lower() in DESIGNATION_WORDS or not is_english_word(word)
        if designation and word.lower() not in NOT_MODEL_NAMES and word.rstrip(".") not in MONTH_BY_NAME.values():
            return f"{word} {_pairs(match.group(2))}"
        return match.group(0)

    return re.sub(
        r"\b([A-Z][A-Za-z]*|[A-Z]{1,3})\s([1-9]\d\d)\b(?![,.]\d|\s?(?:%|percent|" + _UNIT + r")\b)", name, text
    )


def expand_numbers(text: str) -> str:
    """Remaining numbers as cardinal words: "5,000" -> "five thousand", "4.5" -> "four point five",
    ".300" -> "point three o o", a version "1.2.3" -> "one point two point three"."""
    text = re.sub(
        r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w.]|\.\w)",
        lambda m: " point ".join(_words(part) for part in m.group(0).split(".")),
        text,
    )
    text = re.sub(r"(?<![\w.])\.(\d+)\b(?!\.\d)", lambda m: "point " + _decimals(m.group(1)), text)
    return re.sub(r"(?<![\w.])(" + _NUMBER + r")(?![\w])", lambda m: _words(m.group(1)), text)


def spell_dotted_acronyms(text: str) -> str:
    """Dotted acronyms are read as letters: "U.S." -> "U S", "p.m." -> "p m" (keeping a sentence's final stop)."""

    def letters(match: re.Match) -> str:
        spelled = " ".join(match.group(0).replace(".", ""))
        return spelled + ("." if match.end() == len(text) else "")

    return re.sub(r"(?<!\w)(?:[A-Za-z]\.){2,}(?!\w)", letters, text)


def read_capitals(text: str) -> str:
    """All-capital words: English words are read as words ("PARIS (Reuters)" -> "Paris (Reuters)",
    "would NOT go" -> "would Not go"), acronyms of two to five letters are spelled ("BBC" -> "B B C",
    "DVDs" -> "D V D's"), except those said as words (NATO) and text that is all in capitals, like a
    shouted headline."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    if words and sum(word.isupper() for word in words) > len(words) / 2:
        return text

    def read(match: re.Match) -> str:
        word, plural = match.group(1), match.group(2)
        if word in WORD_ACRONYMS:
            return match.group(0)
        if word not in SPELLED_ACRONYMS and len(word) >= 3 and is_english_word(word):
            return word.capitalize() + plural
        if len(word) > 5:
            return match.group(0)
        return " ".join(word) + ("'s" if plural else "")

    return re.sub(r"\b([A-Z]{2,})(s?)\b", read, text)


# Words without a vowel that are said as words, not spelled.
SAID_WITHOUT_VOWELS = frozenset(
    {"hmm", "hm", "shh", "sh", "psst", "brr", "pfft", "nth", "tsk", "mr", "mrs", "ms", "dr"}
)


def spell_initialisms(text: str) -> str:
    """Letters no one can say as a word are spelled, as a voice would: a word of two to five
    letters without a vowel ("pp" -> "p p", "Mss" -> "M s s", "Lt" -> "L t"), and a short one
    whose capitals follow a small letter ("PbS" -> "P b S", "cDNA" -> "c D N A", "NTDs" -> "N T D's")."""

    def read(match: re.Match) -> str:
        word = match.group(0)
        letters, plural = (word[:-1], "'s") if word.endswith("s") and word[:-1].isupper() else (word, "")
        vowelless = not re.search("[aeiouy]", word, re.I) and word.lower() not in SAID_WITHOUT_VOWELS
        small = "".join(c for c in letters if c.islower())
        camel = (
            sum(c.isupper() for c in letters) >= 2
            and re.search("[a-z][A-Z]", letters)
            and not re.search("[aeiou]", small)
        )
        return " ".join(letters) + plural if vowelless or camel else word

    return re.sub(r"(?<![\w'’.-])[A-Za-z]{2,5}(?![\w'’-])", read, text)


def is_english_word(word: str) -> bool:
    """A word of English (or a plain inflection of one: RULES, MATCHED), from Webster's Second
    International (the english-words package: from 1934, so it holds no DNA or FBI)."""
    known = english_words()
    lower = word.lower()
    return lower in known or any(
        lower.endswith(ending) and lower[: -len(ending)] + restore in known
        for ending, restore in (
            ("s", ""),
            ("es", ""),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("ies", "y"),
            ("'s", ""),
        )
    )


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every lower-case word of Webster's Second (234,000; loaded once, when a capitalised word is first
    met: 0.1 s, so commands that meet none never pay it)."""
    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def name_greek_letters(text: str) -> str:
    """Greek letters standing alone are named: "α" -> "alpha"."""
    return re.sub(r"(?<!\w)[α-ωΑ-Ως](?!\w)", lambda m: GREEK_LETTERS.get(m.group(0), m.group(0)), text)


def expand_symbols(text: str) -> str:
    """Symbols read as words: "&" -> "and", "+" -> "plus", "=" -> "equals", "@name" -> "at name", "#tag" -> "hashtag
    tag"."""
    text = re.sub(r"(?<!\s)\s*&\s*", " and ", text)
    text = re.sub(r"(?<!\w)@(?=\w)", "at ", text)
    text = re.sub(r"(?<![\w&])#(?=[A-Za-z])", "hashtag ", text)
    text = re.sub(r"(?<=\w)\s?\+\s?(?=\w)", " plus ", text)
    return re.sub(r"\s=\s", " equals ", text)


def pause_at_dashes_and_parentheses(text: str) -> str:
    """Dashes and parentheses become commas, which engines pause at: "Haftar — said to be" -> "Haftar, said to be"."""
    # Matches start where a run of spaces starts, never inside one, and the bracketed words are
    # stripped after matching: linear even on long runs of spaces with no bracket to close them.
    text = re.sub(r"(?<!\s)\s*[—–]\s*|(?<!\s)\s+-\s+", ", ", text)
    text = re.sub(
        r"(?<!\s)\s*\(([^()]*)\)\s*", lambda m: f", {m.group(1).strip()}, " if m.group(1).strip() else " ", text
    )
    text = re.sub(r",\s*([,.;:!?])", r"\1", text)  # no comma right before other punctuation
    return re.sub(r"^\s*,\s*", "", text)


def american_spelling(text: str) -> str:
    """British spellings respelled the American way for American voices, whose phonemizer knows
    those ("tyre" -> "tire", "programme" -> "program", "Centre" -> "Center"); the breame package's table."""

    def respell(match: re.Match) -> str:
        word = match.group(0)
        american = BRITISH_ENGLISH_SPELLINGS.get(word.lower())
        if american is None:
            return word
        return (
            american.capitalize()
            if word[0].isupper() and not word.isupper()
            else american.upper()
            if word.isupper()
            else american
        )

    return re.sub(r"[A-Za-z]{3,}", respell, text)


_SMALL_NUMBER = (
    r"(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen)(?:th)?|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)ieth|first|second|third|fifth|eighth|ninth|twelfth)(?:-\w+)?"
)


def add_british_and(text: str) -> str:
    """The British "and" inside numbers, for British voices: "two thousand one" -> "two thousand and
    one", "one hundred twenty" -> "one hundred and twenty" (not before "three hundred")."""
    text = re.sub(r"\bhundred(?= " + _SMALL_NUMBER + r"\b)", "hundred and", text)
    return re.sub(r"\b(thousand|million|billion|trillion)(?= " + _SMALL_NUMBER + r"\b(?! hundred))", r"\1 and", text)


def tidy_spaces(text: str) -> str:
    """Collapse runs of white space left by other rules."""
    return re.sub(r"\s+", " ", text).strip()


NORMALIZERS: tuple[Callable[[str], str], ...] = (
    tidy_spaces,  # first too: with no runs of white space, every "\s*" below matches in linear time
    title_case_datelines,
    expand_urls,
    expand_title_abbreviations,
    expand_name_suffixes,
    expand_saint_street,
    expand_state_abbreviations,
    expand_number_sign,
    expand_plain_abbreviations,
    expand_month_abbreviations,
    expand_slashed_idioms,
    expand_dates,
    read_digit_codes,
    expand_money,
    expand_percent,
    expand_temperatures,
    expand_units,
    expand_ranges,
    expand_negative_numbers,
    expand_fractions,
    expand_vulgar_fractions,
    expand_ordinals,
    expand_ratios,
    expand_times,
    expand_decades,
    expand_roman_numerals,
    expand_years,
    split_letter_number_codes,
    read_number_plurals,
    read_model_numbers,
    expand_numbers,
    spell_dotted_acronyms,
    read_capitals,
    spell_initialisms,
    name_greek_letters,
    expand_symbols,
    pause_at_dashes_and_parentheses,
    american_spelling,
    tidy_spaces,
)
STYLES = ("american", "british")
# Regions whose English says "and" inside numbers, as language codes and as Google hosts (gTTS).
BRITISH_REGIONS = frozenset(
    {
        "gb",
        "uk",
        "ie",
        "au",
        "nz",
        "za",
        "in",
        "scotland",
        "co.uk",
        "com.au",
        "co.nz",
        "co.za",
        "co.in",
        "rp",
        "lancastr",
        "wmids",
        "gb-x-rp",
        "gb-scotland",
        "gb-x-gbclan",
        "gb-x-gbcwmd",
    }
)


def style_for(language: str) -> str:
    """The reading style of a voice's language: "british" for en_GB, en-gb, en-co.uk (gTTS's British
    host), Irish, Australian, New Zealand, South African and Indian English; else "american"."""
    code, _, region = language.replace("_", "-").lower().partition("-")
    return "british" if code == "en" and region in BRITISH_REGIONS else "american"


def normalizers(day_first: bool = False, style: str = "american") -> tuple[Callable[[str], str], ...]:
    """The rule chain for a reader's conventions: day_first (12/03 is the 12th of March), and the
    style of reading numbers ("american": two thousand one; "british": two thousand and one)."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    rules = NORMALIZERS
    if day_first:
        rules = tuple(partial(expand_dates, day_first=True) if rule is expand_dates else rule for rule in rules)
    if style == "british":
        rules = tuple(add_british_and if rule is american_spelling else rule for rule in rules)
    return rules


def normalize(text: str, rules: tuple[Callable[[str], str], ...] = NORMALIZERS) -> str:
    """Apply every normalisation rule in order."""
    for rule in rules:
        text = rule(text)
    return text

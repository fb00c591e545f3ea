"""Speech normalisation: small rules that rewrite written forms into words an engine reads right.

Each rule is a function from text to text with one job; `normalize` applies them in the order
of NORMALIZERS (abbreviations before numbers, numbers before the generic digit rule).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from num2words import num2words

# Titles read in full before a name ("Gen. Haftar" -> "General Haftar").
TITLE_ABBREVIATIONS = {
    "Gen": "General", "Lt": "Lieutenant", "Col": "Colonel", "Maj": "Major", "Capt": "Captain",
    "Sgt": "Sergeant", "Adm": "Admiral", "Cmdr": "Commander", "Gov": "Governor", "Sen": "Senator",
    "Rep": "Representative", "Pres": "President", "Dr": "Doctor", "Prof": "Professor", "Mr": "Mister",
    "Mrs": "Missus", "Ms": "Miz", "Rev": "Reverend", "Hon": "Honourable", "Fr": "Father", "Sr": "Senior", "Jr": "Junior",
}
# Abbreviations read the same wherever they stand.
PLAIN_ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "approx.": "approximately",
    "Inc.": "Incorporated", "Corp.": "Corporation", "Ltd.": "Limited", "Co.": "Company", "Dept.": "Department",
    "Jan.": "January", "Feb.": "February", "Aug.": "August", "Sept.": "September", "Sep.": "September",
    "Oct.": "October", "Nov.": "November", "Dec.": "December",
}
CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
              "€": ("euro", "euros", "cent", "cents"), "¥": ("yen", "yen", "sen", "sen")}
SCALES = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million", "million": "million",
          "bn": "billion", "b": "billion", "billion": "billion", "tn": "trillion", "trillion": "trillion"}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _words(number: str) -> str:
    """Cardinal words for a written number such as "5,000" or "4.5"."""
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return number
    return num2words(value if value != value.to_integral_value() or "." in number else int(value))


def expand_title_abbreviations(text: str) -> str:
    """Read titles in full before a capitalised name: "Gen. Haftar" -> "General Haftar"."""
    pattern = r"\b(" + "|".join(TITLE_ABBREVIATIONS) + r")\.(?=\s+[A-Z])"
    return re.sub(pattern, lambda m: TITLE_ABBREVIATIONS[m.group(1)], text)


def expand_saint_street(text: str) -> str:
    """ "St." is Saint before a name ("St. Petersburg") and Street after one ("Downing St.")."""
    text = re.sub(r"\bSt\.(?=\s+[A-Z])", "Saint", text)
    text = re.sub(r"(?<=[A-Za-z]\s)St\.\s*$", "Street.", text)
    return re.sub(r"(?<=[A-Za-z]\s)St\.", "Street", text)


def expand_number_sign(text: str) -> str:
    """ "No. 10" -> "number 10"."""
    return re.sub(r"\b[Nn]o\.\s*(?=\d)", "number ", text)


def expand_plain_abbreviations(text: str) -> str:
    """Common abbreviations read the same anywhere: "e.g." -> "for example", "Inc." -> "Incorporated"."""
    for written, spoken in PLAIN_ABBREVIATIONS.items():
        text = re.sub(r"(?<!\w)" + re.escape(written) + r"(?=\s|$|[,;:)])", spoken, text)
    return text


def expand_money(text: str) -> str:
    """ "$4.5 billion" -> "4.5 billion dollars", "£30m" -> "30 million pounds", "$3.50" -> "3 dollars 50 cents"."""

    def spoken(match: re.Match) -> str:
        one, many, sub_one, sub_many = CURRENCIES[match.group("symbol")]
        amount, scale = match.group("amount"), (match.group("scale") or "").lower()
        if scale:
            return f"{amount} {SCALES[scale]} {many}"
        whole, _, cents = amount.partition(".")
        unit = one if whole.replace(",", "") == "1" else many
        if cents and len(cents) == 2 and int(cents):
            sub = sub_one if int(cents) == 1 else sub_many
            return f"{whole} {unit} {int(cents)} {sub}"
        return f"{amount} {unit}"

    pattern = (r"(?P<symbol>[$£€¥])\s?(?P<amount>" + _NUMBER + r")"
               r"(?:\s?(?P<scale>(?:thousand|million|billion|trillion)\b|(?:bn|mn|tn|[kmb])\b))?")
    return re.sub(pattern, spoken, text)


def expand_percent(text: str) -> str:
    """ "5%" -> "5 percent"."""
    return re.sub(r"(\d)\s?%", r"\1 percent", text)


def expand_ranges(text: str) -> str:
    """Number ranges with a dash read with "to": "2010–2015" -> "2010 to 2015", "5-7" -> "5 to 7"."""
    return re.sub(r"(?<![\w-])(\d+(?:\.\d+)?)\s?[–—-]\s?(\d+(?:\.\d+)?)(?![\w-])", r"\1 to \2", text)


def expand_ordinals(text: str) -> str:
    """ "3rd" -> "third", "21st" -> "twenty-first"."""
    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: num2words(int(m.group(1)), to="ordinal"), text)


def expand_times(text: str) -> str:
    """Clock times: "3:30" -> "three thirty", "10:05" -> "ten oh five", "9:00" -> "nine o'clock"."""

    def spoken(match: re.Match) -> str:
        hour, minute = int(match.group(1)), int(match.group(2))
        if minute == 0:
            return f"{num2words(hour)} o'clock" if not match.group(3) else num2words(hour)
        minutes = f"oh {num2words(minute)}" if minute < 10 else num2words(minute)
        return f"{num2words(hour)} {minutes}"

    return re.sub(r"\b([01]?\d|2[0-3]):([0-5]\d)\b(?=(\s*[ap]\.?m\b)?)", spoken, text)


def expand_decades(text: str) -> str:
    """ "1990s" -> "nineteen nineties", "the '80s" -> "the eighties"."""

    def plural(words: str) -> str:
        return re.sub(r"y$", "ies", words) if words.endswith("y") else words + "s"

    text = re.sub(r"\b(1[1-9]|20)(\d0)s\b", lambda m: plural(num2words(int(m.group(0)[:-1]), to="year")), text)
    return re.sub(r"[’']([2-9]0)s\b", lambda m: plural(num2words(int(m.group(1)))), text)


def expand_years(text: str) -> str:
    """Four-digit numbers from 1100 to 2099 standing alone read as years: "1981" -> "nineteen eighty-one"."""
    return re.sub(r"(?<![\d,.$£€])\b(1[1-9]\d\d|20\d\d)\b(?![\d,]\d|\.\d)", lambda m: num2words(int(m.group(1)), to="year"), text)


def expand_numbers(text: str) -> str:
    """Remaining numbers as cardinal words: "5,000" -> "five thousand", "4.5" -> "four point five"."""
    return re.sub(r"(?<![\w.])(" + _NUMBER + r")(?![\w])", lambda m: _words(m.group(1)), text)


def spell_dotted_acronyms(text: str) -> str:
    """Dotted acronyms are read as letters: "U.S." -> "U S", "p.m." -> "p m" (keeping a sentence's final stop)."""

    def letters(match: re.Match) -> str:
        spelled = " ".join(match.group(0).replace(".", ""))
        return spelled + ("." if match.end() == len(text) else "")

    return re.sub(r"(?<!\w)(?:[A-Za-z]\.){2,}(?!\w)", letters, text)


def expand_symbols(text: str) -> str:
    """Symbols read as words: "&" -> "and", "+" between words -> "plus", "=" -> "equals"."""
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"(?<=\w)\s?\+\s?(?=\w)", " plus ", text)
    return re.sub(r"\s=\s", " equals ", text)


def tidy_spaces(text: str) -> str:
    """Collapse runs of white space left by other rules."""
    return re.sub(r"\s+", " ", text).strip()


NORMALIZERS = (
    expand_title_abbreviations,
    expand_saint_street,
    expand_number_sign,
    expand_plain_abbreviations,
    expand_money,
    expand_percent,
    expand_ranges,
    expand_ordinals,
    expand_times,
    expand_decades,
    expand_years,
    expand_numbers,
    spell_dotted_acronyms,
    expand_symbols,
    tidy_spaces,
)


def normalize(text: str) -> str:
    """Apply every normalisation rule in order."""
    for rule in NORMALIZERS:
        text = rule(text)
    return text

"""Speech normalisation: small rules that rewrite written forms into words an engine reads right.

Each rule is a function from text to text with one job; `normalize` applies them in the order of
NORMALIZERS: web addresses and abbreviations first, then dates, money and units while the numbers
in them are still digits, then the generic number rules, then letters and symbols.
Measured on the text-normalisation benchmark in shared/eval with scripts/eval.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Callable

from num2words import num2words

# Titles read in full before a name ("Gen. Haftar" -> "General Haftar"); British style drops the stop.
TITLE_ABBREVIATIONS = {
    "Gen": "General", "Lt": "Lieutenant", "Col": "Colonel", "Maj": "Major", "Capt": "Captain",
    "Sgt": "Sergeant", "Adm": "Admiral", "Cmdr": "Commander", "Gov": "Governor", "Sen": "Senator",
    "Rep": "Representative", "Pres": "President", "Dr": "Doctor", "Prof": "Professor", "Mr": "Mister",
    "Mrs": "Missus", "Ms": "Miz", "Rev": "Reverend", "Hon": "Honourable", "Fr": "Father", "Sr": "Senior", "Jr": "Junior",
}
UNDOTTED_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Capt", "Sgt", "Lt", "Rev")
# Abbreviations read the same wherever they stand.
PLAIN_ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "approx.": "approximately",
    "Inc.": "Incorporated", "Corp.": "Corporation", "Ltd.": "Limited", "Ltd": "Limited", "ltd": "limited",
    "Co.": "Company", "Dept.": "Department", "vs": "versus",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_BY_NAME = {**{m.lower(): m for m in MONTHS}, **{m[:3].lower(): m for m in MONTHS}, "sept": "September"}
_MONTH = r"(?P<month>" + "|".join(sorted({m for m in MONTHS} | {m[:3] for m in MONTHS} | {"Sept"}, key=len, reverse=True)) + r")\.?"
CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
              "€": ("euro", "euros", "cent", "cents"), "¥": ("yen", "yen", "sen", "sen")}
SCALES = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million", "million": "million",
          "bn": "billion", "b": "billion", "billion": "billion", "tn": "trillion", "trillion": "trillion"}
# Units read after a number: written form -> (singular, plural).
UNITS = {
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "hp": ("horsepower", "horsepower"), "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
    "TB": ("terabyte", "terabytes"), "kB": ("kilobyte", "kilobytes"), "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "km2": ("square kilometer", "square kilometers"), "km²": ("square kilometer", "square kilometers"),
    "m2": ("square meter", "square meters"), "m²": ("square meter", "square meters"),
    "sq mi": ("square mile", "square miles"), "ha": ("hectare", "hectares"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"), "ms": ("millisecond", "milliseconds"),
}
_UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
# Capitalised acronyms said as words; every other all-capital word of 2-5 letters is spelled out.
WORD_ACRONYMS = frozenset({
    "NATO", "NASA", "ISIS", "UNESCO", "UNICEF", "OPEC", "FIFA", "UEFA", "NAFTA", "AIDS", "COVID", "LASER", "RADAR",
    "SCUBA", "SWAT", "ASEAN", "OFCOM", "OFSTED", "INTERPOL", "EUROPOL", "FRONTEX", "HAMAS", "MERS", "SARS", "NASDAQ",
    "CERN", "IKEA", "LEGO", "DARPA", "FEMA", "GIF", "JPEG", "PIN", "SIM", "WASP", "YOLO", "ANZAC", "SEAL", "SEALS",
})
# Names after which a Roman numeral is a regnal ordinal: "Louis XIV" -> "Louis the fourteenth".
REGNAL_NAMES = frozenset({
    "Alexander", "Alfonso", "Amadeus", "Benedict", "Boniface", "Carl", "Casimir", "Catherine", "Charles", "Christian",
    "Clement", "Constantine", "Edward", "Elizabeth", "Ferdinand", "Francis", "Frederick", "Friedrich", "George",
    "Gregory", "Gustav", "Gustavus", "Haakon", "Harald", "Henri", "Henry", "Innocent", "Ivan", "James", "John",
    "Juan", "Leo", "Leopold", "Louis", "Ludwig", "Mary", "Mehmed", "Murad", "Napoleon", "Nicholas", "Olaf", "Otto",
    "Paul", "Peter", "Philip", "Philippe", "Pius", "Ptolemy", "Rama", "Ramesses", "Richard", "Selim", "Sixtus",
    "Stephen", "Urban", "Victor", "Wilhelm", "William", "Willem",
})
# Words after which even a one-letter Roman numeral ("World War I", "Division I") is a number.
SERIES_WORDS = frozenset({
    "War", "Division", "Part", "Chapter", "Volume", "Vol", "Type", "Class", "Phase", "Act", "Book", "Section",
    "Grade", "Stage", "Level", "League", "Series", "Mark", "Title", "Article", "Appendix", "Round", "Tier", "Unit",
})
_ROMAN = r"(?=[IVXL])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
GREEK_LETTERS = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                         "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
                         "sigma sigma tau upsilon phi chi psi omega".split()))
GREEK_LETTERS.update({letter.upper(): name for letter, name in GREEK_LETTERS.items() if letter != "ς"})
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()

_NAME_AHEAD = r"(?=\s+(?:[A-Z]|\[\[))"  # a capitalised name follows, or a name the lexicon turned into phonemes
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


CARDINAL_MAX_DIGITS = 15  # past the quadrillions a number is a code or noise (num2words overflows): its digits are read


def _digits(digits: str) -> str:
    return " ".join(DIGIT_WORDS[int(digit)] for digit in digits)


def _words(number: str) -> str:
    """Cardinal words for a written number: "5,000" -> "five thousand", "4.50" -> "four point five zero"."""
    whole, _, decimals = number.replace(",", "").partition(".")
    if len(whole) > CARDINAL_MAX_DIGITS:
        words = _digits(whole)
    else:
        try:
            words = num2words(int(whole or "0"))
        except ValueError:
            return number
    if decimals:
        words += " point " + _digits(decimals)
    return words


def _ordinal(number: int) -> str:
    if number >= 10**CARDINAL_MAX_DIGITS:
        return _digits(str(number)) + "th"
    return num2words(number, to="ordinal")


def _year(number: int) -> str:
    """ "1905" -> "nineteen o five", "2004" -> "two thousand and four"."""
    return num2words(number, to="year").replace("oh-", "o ")


def expand_urls(text: str) -> str:
    """Web and e-mail addresses are said briefly: "https://www.bbc.co.uk/news/x" -> "bbc dot co dot uk"."""

    def host(match: re.Match) -> str:
        name = re.sub(r"^www\.", "", match.group("host").lower())
        return " dot ".join(name.split("."))

    # Starting only where a run of address characters starts keeps this linear on "A.A.A.A...".
    text = re.sub(r"(?<![\w.+-])(?P<user>[\w.+-]+)@(?P<host>[\w-]+(?:\.[\w-]+)+)\b",
                  lambda m: f"{m.group('user').replace('.', ' dot ')} at {host(m)}", text)
    return re.sub(r"\b(?:https?://|www\.)(?P<host>(?:www\.)?[\w-]+(?:\.[\w-]+)+)(?:[/?#][^\s]*)?", host, text)


def expand_title_abbreviations(text: str) -> str:
    """Read titles in full before a capitalised name: "Gen. Haftar" -> "General Haftar", "Mr Smith" -> "Mister Smith"."""
    dotted = r"\b(" + "|".join(TITLE_ABBREVIATIONS) + r")\." + _NAME_AHEAD
    text = re.sub(dotted, lambda m: TITLE_ABBREVIATIONS[m.group(1)], text)
    undotted = r"\b(" + "|".join(UNDOTTED_TITLES) + r")\b(?!\.)(?=\s+(?:[A-Z][a-z]|\[\[))"
    return re.sub(undotted, lambda m: TITLE_ABBREVIATIONS[m.group(1).capitalize()], text, flags=re.I)


def expand_saint_street(text: str) -> str:
    """ "St." is Saint before a name ("St. Petersburg") and Street after one ("Downing St.")."""
    text = re.sub(r"\bSt\.?" + _NAME_AHEAD, "Saint", text)
    text = re.sub(r"(?<=[A-Za-z]\s)St\.\s*$", "Street.", text)
    return re.sub(r"(?<=[A-Za-z]\s)St\.", "Street", text)


def expand_number_sign(text: str) -> str:
    """ "No. 10" and "#7" -> "number 10", "number 7"."""
    text = re.sub(r"\b[Nn]o\.\s*(?=\d)", "number ", text)
    return re.sub(r"#\s?(?=\d)", "number ", text)


def expand_plain_abbreviations(text: str) -> str:
    """Common abbreviations read the same anywhere: "e.g." -> "for example", "Inc." -> "Incorporated"."""
    for written, spoken in PLAIN_ABBREVIATIONS.items():
        text = re.sub(r"(?<![\w.])" + re.escape(written) + r"(?=\s|$|[,;:)])", spoken, text)
    return text


def expand_dates(text: str, day_first: bool = False) -> str:
    """Dates with ordinals: "May 26, 2004" -> "May twenty-sixth 2004", "12 Oct 2012" -> "the twelfth of October 2012".

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
        return f"the {_ordinal(int(m.group('day')))} of {month(m.group('month'))}{year}"

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
        return numeric(int(m.group(3)), int(m.group(2)), m.group(1)) or m.group(0)

    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, text)
    text = re.sub(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])", slashed, text)
    year = r"(?:\s*,?\s*(?P<year>\d{4})\b)?"
    text = re.sub(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b" + year, month_first, text)
    return re.sub(r"(?<![\d,.])\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?!\w)" + year, day_month, text)


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
        return f"{whole} {unit}" if cents and not int(cents) else f"{amount} {unit}"

    pattern = (r"(?P<symbol>[$£€¥])\s?(?P<amount>" + _NUMBER + r")"
               r"(?:\s?(?P<scale>(?:thousand|million|billion|trillion)\b|(?:bn|mn|tn|[kmb])\b))?")
    return re.sub(pattern, spoken, text)


def expand_percent(text: str) -> str:
    """ "5%" -> "5 percent"."""
    return re.sub(r"(\d)\s?%", r"\1 percent", text)


def expand_units(text: str) -> str:
    """Units after a number: "8.7 km" -> "8.7 kilometers", "1 kg" -> "1 kilogram", "280/km2" -> "280 per square kilometer"."""

    def spoken(match: re.Match) -> str:
        singular, plural = UNITS[match.group("unit")]
        if match.group("per"):
            return f"{match.group('number')} per {singular}"
        return f"{match.group('number')} {singular if match.group('number') == '1' else plural}"

    pattern = r"(?<![\w.])(?P<number>" + _NUMBER + r")\s?(?P<per>/\s?)?(?P<unit>" + _UNIT + r")(?![\w/²])"
    return re.sub(pattern, spoken, text)


def expand_ranges(text: str) -> str:
    """Number ranges read with "to": "2010–2015" -> "2010 to 2015", "5-7" -> "5 to 7" (not codes like "COVID-19")."""
    number = r"(\d+(?:\.\d+)?)"
    text = re.sub(r"(?<![\w-])" + number + r"\s?–\s?" + number + r"(?![\w-])", r"\1 to \2", text)
    return re.sub(r"(?<![\w-])" + number + r"-" + number + r"(?![\w-])", r"\1 to \2", text)


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
        return f"{num2words(top)} {name}"

    return re.sub(r"(?<![\d/.,])(\d{1,2})/([2-9]|1[0-2])(?![\d/])", spoken, text)


def expand_month_abbreviations(text: str) -> str:
    """ "Jan. 2027" -> "January 2027", "Sept. 5" -> "September 5": a dotted month before a number
    (without the dot, "Jan" may be a name)."""
    return re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.(?=\s+\d)",
                  lambda m: MONTH_BY_NAME[m.group(1).lower()], text)


def expand_ordinals(text: str) -> str:
    """ "3rd" -> "third", "21st" -> "twenty-first"."""
    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: _ordinal(int(m.group(1))), text)


def expand_times(text: str) -> str:
    """Clock times: "3:30" -> "three thirty", "10:05" -> "ten o five", "9:00" -> "nine o'clock",
    "10:30am" -> "ten thirty a m", "3pm" -> "three p m" (dotted "p.m." is the acronym rule's)."""

    def spoken(match: re.Match) -> str:
        hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3)
        if minute == 0:
            said = num2words(hour) if half or match.group(4) else f"{num2words(hour)} o'clock"
        else:
            said = f"{num2words(hour)} {f'o {num2words(minute)}' if minute < 10 else num2words(minute)}"
        return f"{said} {half.lower()} m" if half else said

    text = re.sub(r"\b([01]?\d|2[0-3]):([0-5]\d)(?:\s?([aApP])[mM]\b|\b(?=(\s*[ap]\.m\b)?))", spoken, text)
    return re.sub(r"\b(1[0-2]|0?[1-9])\s?([aApP])[mM]\b", lambda m: f"{num2words(int(m.group(1)))} {m.group(2).lower()} m", text)


def expand_decades(text: str) -> str:
    """ "1990s" -> "nineteen nineties", "the '80s" -> "the eighties"."""

    def plural(words: str) -> str:
        return re.sub(r"y$", "ies", words) if words.endswith("y") else words + "s"

    text = re.sub(r"\b(1[1-9]|20)(\d0)s\b", lambda m: plural(_year(int(m.group(0)[:-1]))), text)
    return re.sub(r"[’']([2-9]0)s\b", lambda m: plural(num2words(int(m.group(1)))), text)


def _roman_value(numeral: str) -> int:
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def expand_roman_numerals(text: str) -> str:
    """Roman numerals after names: "Louis XIV" -> "Louis the fourteenth", "World War II" -> "World War two".

    One-letter numerals (I, V, X) only count after a ruler's name or words such as War or Part,
    so the pronoun "I" stays a pronoun.
    """

    def spoken(match: re.Match) -> str:
        name, numeral = match.group(1), match.group(2)
        if len(numeral) == 1 and name not in REGNAL_NAMES and name not in SERIES_WORDS:
            return match.group(0)
        value = _roman_value(numeral)
        return f"{name} the {_ordinal(value)}" if name in REGNAL_NAMES else f"{name} {num2words(value)}"

    return re.sub(r"\b([A-Z][A-Za-z]+)\s+(" + _ROMAN + r")\b(?![.'’]?\w|\.\s*[A-Z]\b)", spoken, text)


def expand_years(text: str) -> str:
    """Four-digit numbers from 1100 to 2099 standing alone read as years: "1981" -> "nineteen eighty-one"."""
    return re.sub(r"(?<![\d,.$£€])\b(1[1-9]\d\d|20\d\d)\b(?![\d,]\d|\.\d)", lambda m: _year(int(m.group(1))), text)


def split_letter_number_codes(text: str) -> str:
    """Codes of capitals and digits are read letters then number: "G7" -> "G 7", "F-16" -> "F 16", "COVID-19" -> "COVID 19"."""
    return re.sub(r"\b([A-Z]{1,5})-?(\d{1,4})\b(?!\.\d)", r"\1 \2", text)


def expand_numbers(text: str) -> str:
    """Remaining numbers as cardinal words: "5,000" -> "five thousand", "4.5" -> "four point five"."""
    return re.sub(r"(?<![\w.])(" + _NUMBER + r")(?![\w])", lambda m: _words(m.group(1)), text)


def spell_dotted_acronyms(text: str) -> str:
    """Dotted acronyms are read as letters: "U.S." -> "U S", "p.m." -> "p m" (keeping a sentence's final stop)."""

    def letters(match: re.Match) -> str:
        spelled = " ".join(match.group(0).replace(".", ""))
        return spelled + ("." if match.end() == len(text) else "")

    return re.sub(r"(?<!\w)(?:[A-Za-z]\.){2,}(?!\w)", letters, text)


def spell_capital_acronyms(text: str) -> str:
    """All-capital words of two to five letters are spelled ("BBC" -> "B B C"), except acronyms said as words
    (NATO, UNESCO) and text that is all in capitals, like a shouted headline."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    if words and sum(word.isupper() for word in words) > len(words) / 2:
        return text
    return re.sub(r"\b[A-Z]{2,5}\b", lambda m: m.group(0) if m.group(0) in WORD_ACRONYMS else " ".join(m.group(0)), text)


def name_greek_letters(text: str) -> str:
    """Greek letters standing alone are named: "α" -> "alpha"."""
    return re.sub(r"(?<!\w)[α-ωΑ-Ως](?!\w)", lambda m: GREEK_LETTERS.get(m.group(0), m.group(0)), text)


def expand_symbols(text: str) -> str:
    """Symbols read as words: "&" -> "and", "+" -> "plus", "=" -> "equals", "@name" -> "at name", "#tag" -> "hashtag tag"."""
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
    text = re.sub(r"(?<!\s)\s*\(([^()]*)\)\s*", lambda m: f", {m.group(1).strip()}, " if m.group(1).strip() else " ", text)
    text = re.sub(r",\s*([,.;:!?])", r"\1", text)  # no comma right before other punctuation
    return re.sub(r"^\s*,\s*", "", text)


def tidy_spaces(text: str) -> str:
    """Collapse runs of white space left by other rules."""
    return re.sub(r"\s+", " ", text).strip()


NORMALIZERS: tuple[Callable[[str], str], ...] = (
    tidy_spaces,  # first too: with no runs of white space, every "\s*" below matches in linear time
    expand_urls,
    expand_title_abbreviations,
    expand_saint_street,
    expand_number_sign,
    expand_plain_abbreviations,
    expand_month_abbreviations,
    expand_dates,
    expand_money,
    expand_percent,
    expand_units,
    expand_ranges,
    expand_fractions,
    expand_ordinals,
    expand_times,
    expand_decades,
    expand_roman_numerals,
    expand_years,
    split_letter_number_codes,
    expand_numbers,
    spell_dotted_acronyms,
    spell_capital_acronyms,
    name_greek_letters,
    expand_symbols,
    pause_at_dashes_and_parentheses,
    tidy_spaces,
)


def normalizers(day_first: bool = False) -> tuple[Callable[[str], str], ...]:
    """The rule chain for a reader's conventions (day_first: 12/03 is the 12th of March)."""
    if not day_first:
        return NORMALIZERS
    return tuple(partial(expand_dates, day_first=True) if rule is expand_dates else rule for rule in NORMALIZERS)


def normalize(text: str, rules: tuple[Callable[[str], str], ...] = NORMALIZERS) -> str:
    """Apply every normalisation rule in order."""
    for rule in rules:
        text = rule(text)
    return text

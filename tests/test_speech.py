import pytest

from briefing import speech

CASES = [
    (speech.expand_title_abbreviations, "Gen. Haftar and Sen. Warren met Dr. Who", "General Haftar and Senator Warren met Doctor Who"),
    (speech.expand_title_abbreviations, "the gen. population", "the gen. population"),
    (speech.expand_saint_street, "St. Petersburg is not on Downing St.", "Saint Petersburg is not on Downing Street."),
    (speech.expand_saint_street, "10 Downing St. said no", "10 Downing Street said no"),
    (speech.expand_number_sign, "No. 10 said no.", "number 10 said no."),
    (speech.expand_plain_abbreviations, "oil, gas, etc. and Acme Inc. vs. Foo Ltd.", "oil, gas, et cetera and Acme Incorporated versus Foo Limited"),
    (speech.expand_money, "$4.5 billion", "4.5 billion dollars"),
    (speech.expand_money, "£30m and €2bn", "30 million pounds and 2 billion euros"),
    (speech.expand_money, "$1 and $3.50", "1 dollar and 3 dollars 50 cents"),
    (speech.expand_percent, "up 5% or 12.5 %", "up 5 percent or 12.5 percent"),
    (speech.expand_ranges, "in 2010–2015, 5-7 people", "in 2010 to 2015, 5 to 7 people"),
    (speech.expand_ranges, "COVID-19 and F-16", "COVID-19 and F-16"),
    (speech.expand_ordinals, "the 3rd and 21st", "the third and twenty-first"),
    (speech.expand_times, "at 3:30 p.m. or 10:05 or 9:00", "at three thirty p.m. or ten oh five or nine o'clock"),
    (speech.expand_decades, "the 1990s and the '80s", "the nineteen nineties and the eighties"),
    (speech.expand_years, "born in 1981, died 2003", "born in nineteen eighty-one, died two thousand and three"),
    (speech.expand_years, "5,000 soldiers and 1500.5", "5,000 soldiers and 1500.5"),
    (speech.expand_numbers, "5,000 soldiers, 100 of 176", "five thousand soldiers, one hundred of one hundred and seventy-six"),
    (speech.expand_numbers, "4.5 and 12", "four point five and twelve"),
    (speech.spell_dotted_acronyms, "a U.S. air raid", "a U S air raid"),
    (speech.spell_dotted_acronyms, "back in the U.K.", "back in the U K."),
    (speech.expand_symbols, "Marks & Spencer, 2+2 = 4", "Marks and Spencer, 2 plus 2 equals 4"),
    (speech.tidy_spaces, "  too   many  ", "too many"),
]


@pytest.mark.parametrize("rule, written, spoken", CASES)
def test_rule(rule, written, spoken):
    assert rule(written) == spoken


def test_every_rule_has_a_case_and_a_docstring():
    assert {rule for rule, _, _ in CASES} == set(speech.NORMALIZERS)
    assert all(rule.__doc__ for rule in speech.NORMALIZERS)


@pytest.mark.parametrize("written, spoken", [
    ("An ISIS militia, bombarded in a U.S. air raid, beheaded 12 policemen.",
     "An ISIS militia, bombarded in a U S air raid, beheaded twelve policemen."),
    ("5,000 soldiers to defend infrastructure", "five thousand soldiers to defend infrastructure"),
    ("Gen. Haftar spent $4.5 billion in 2015, 5% more.",
     "General Haftar spent four point five billion dollars in twenty fifteen, five percent more."),
])
def test_normalize_applies_the_rules_together(written, spoken):
    assert speech.normalize(written) == spoken

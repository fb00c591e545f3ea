import pytest

from briefing.script import speech

CASES = [
    (speech.expand_urls, "See https://www.bbc.co.uk/news/world-123 now", "See bbc dot co dot uk now"),
    (speech.expand_urls, "Write to press.office@example.org.", "Write to press dot office at example dot org."),
    (speech.expand_title_abbreviations, "Mr Smith and mr Lambert", "Mister Smith and Mister Lambert"),
    (speech.expand_dates, "May 26, 2004 and June 20 they", "May twenty-sixth 2004 and June twentieth they"),
    (speech.expand_dates, "on 12 Oct. 2012, or 3rd December", "on the twelfth of October 2012, or the third of December"),
    (speech.expand_dates, "11/10/2008 and 2016-03-12", "November tenth, 2008 and March twelfth, 2016"),
    (speech.expand_dates, "May I help, 45 May", "May I help, 45 May"),
    (speech.expand_units, "8.7 km, 1 kg, 173 hp, 280.0/km2", "8.7 kilometers, 1 kilogram, 173 horsepower, 280.0 per square kilometer"),
    (speech.expand_units, "a 5 mph wind at 30 °C", "a 5 miles per hour wind at 30 degrees Celsius"),
    (speech.expand_fractions, "1/2 and 3/4 and 2/3", "one half and three quarters and two thirds"),
    (speech.expand_roman_numerals, "Louis XIV, World War II, World War I, Alfredo II", "Louis the fourteenth, World War two, World War one, Alfredo two"),
    (speech.expand_roman_numerals, "Then I went; Dvornyk , V . ;", "Then I went; Dvornyk , V . ;"),
    (speech.split_letter_number_codes, "G7, F-16 and COVID-19", "G 7, F 16 and COVID 19"),
    (speech.spell_capital_acronyms, "The BBC and NATO met the CEO", "The B B C and NATO met the C E O"),
    (speech.spell_capital_acronyms, "BREAKING NEWS FROM THE UN", "BREAKING NEWS FROM THE UN"),
    (speech.name_greek_letters, "the α and Ω of it, not αβγ", "the alpha and omega of it, not αβγ"),
    (speech.expand_title_abbreviations, "Gen. Haftar and Sen. Warren met Dr. Who", "General Haftar and Senator Warren met Doctor Who"),
    (speech.expand_title_abbreviations, "the gen. population", "the gen. population"),
    (speech.expand_saint_street, "St. Petersburg is not on Downing St.", "Saint Petersburg is not on Downing Street."),
    (speech.expand_saint_street, "10 Downing St. said no", "10 Downing Street said no"),
    (speech.expand_number_sign, "No. 10 said no, # 7 seed", "number 10 said no, number 7 seed"),
    (speech.expand_plain_abbreviations, "oil, gas, etc. and Acme Inc. vs. Foo Ltd.", "oil, gas, et cetera and Acme Incorporated versus Foo Limited"),
    (speech.expand_money, "$4.5 billion", "4.5 billion dollars"),
    (speech.expand_money, "£30m and €2bn", "30 million pounds and 2 billion euros"),
    (speech.expand_money, "$1 and $3.50", "1 dollar and 3 dollars 50 cents"),
    (speech.expand_percent, "up 5% or 12.5 %", "up 5 percent or 12.5 percent"),
    (speech.expand_ranges, "in 2010–2015, 5-7 people", "in 2010 to 2015, 5 to 7 people"),
    (speech.expand_ranges, "COVID-19 and F-16, pages 25 - 26", "COVID-19 and F-16, pages 25 - 26"),
    (speech.expand_ordinals, "the 3rd and 21st", "the third and twenty-first"),
    (speech.expand_times, "at 3:30 p.m. or 10:05 or 9:00", "at three thirty p.m. or ten o five or nine o'clock"),
    (speech.expand_times, "at 10:30am, 7:00 PM or 3pm", "at ten thirty a m, seven p m or three p m"),
    (speech.expand_times, "the 1:0 score, 12pmx", "the 1:0 score, 12pmx"),
    (speech.expand_month_abbreviations, "by Jan. 2027, Sept. 5 and Jan Smith", "by January 2027, September 5 and Jan Smith"),
    (speech.expand_decades, "the 1990s and the '80s", "the nineteen nineties and the eighties"),
    (speech.expand_years, "born in 1981, died 2003, built 1905", "born in nineteen eighty-one, died two thousand and three, built nineteen o five"),
    (speech.expand_years, "5,000 soldiers and 1500.5", "5,000 soldiers and 1500.5"),
    (speech.expand_numbers, "5,000 soldiers, 100 of 176", "five thousand soldiers, one hundred of one hundred and seventy-six"),
    (speech.expand_numbers, "4.5 and 12 and 4.0", "four point five and twelve and four point zero"),
    (speech.spell_dotted_acronyms, "a U.S. air raid", "a U S air raid"),
    (speech.spell_dotted_acronyms, "back in the U.K.", "back in the U K."),
    (speech.expand_symbols, "Marks & Spencer, 2+2 = 4", "Marks and Spencer, 2 plus 2 equals 4"),
    (speech.expand_symbols, "@BBCNews and #Libya", "at BBCNews and hashtag Libya"),
    (speech.pause_at_dashes_and_parentheses, "Haftar and — according to Le Monde — troops", "Haftar and, according to Le Monde, troops"),
    (speech.pause_at_dashes_and_parentheses, "the parliament (in Tobruk) voted (again).", "the parliament, in Tobruk, voted, again."),
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
    ("On 3 Dec 2016 at 3:30 p.m. the EU and UN met at No. 10.",
     "On the third of December twenty sixteen at three thirty p m the E U and U N met at number ten."),
])
def test_normalize_applies_the_rules_together(written, spoken):
    assert speech.normalize(written) == spoken


@pytest.mark.parametrize("written, day_first, spoken", [
    ("12/03/2016", False, "December third, twenty sixteen"),
    ("12/03/2016", True, "March twelfth, twenty sixteen"),
])
def test_numeric_dates_follow_the_reader_convention(written, day_first, spoken):
    assert speech.normalize(written, speech.normalizers(day_first=day_first)) == spoken

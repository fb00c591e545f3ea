import pytest

from briefing.script import speech

CASES = [
    (
        speech.expand_urls,
        "See https://www.bbc.co.uk/news/world-123 now",
        "See bbc dot co dot uk slash news slash world 123 now",
    ),
    (speech.expand_urls, "Write to press.office@example.org.", "Write to press dot office at example dot org."),
    (
        speech.expand_urls,
        "Read example.org/story or bbc.co.uk.",
        "Read example dot org slash story or bbc dot co dot uk.",
    ),
    (speech.expand_title_abbreviations, "Mr Smith and mr Lambert", "Mister Smith and Mister Lambert"),
    (speech.expand_dates, "May 26, 2004 and June 20 they", "May twenty-sixth 2004 and June twentieth they"),
    (
        speech.expand_dates,
        "on 12 Oct. 2012, or 3rd December",
        "on the twelfth of October 2012, or the third of December",
    ),
    (speech.expand_dates, "11/10/2008 and 2016-03-12", "November tenth, 2008 and the twelfth of March 2016"),
    (speech.expand_dates, "the 15 May issue", "the fifteenth of May issue"),
    (speech.expand_dates, "May I help, 45 May", "May I help, 45 May"),
    (
        speech.expand_units,
        "8.7 km, 1 kg, 173 hp, 280.0/km2",
        "8.7 kilometers, 1 kilogram, 173 horsepower, 280.0 per square kilometer",
    ),
    (speech.expand_units, "a 5 mph wind at 30 °C", "a 5 miles per hour wind at 30 degrees Celsius"),
    (speech.expand_fractions, "1/2 and 3/4 and 2/3", "one half and three quarters and two thirds"),
    (
        speech.expand_roman_numerals,
        "Louis XIV, World War II, World War I, Alfredo II",
        "Louis the fourteenth, World War two, World War one, Alfredo two",
    ),
    (speech.expand_roman_numerals, "Then I went; Dvornyk , V . ;", "Then I went; Dvornyk , V . ;"),
    (speech.expand_roman_numerals, "class V and type II", "class five and type two"),
    (speech.spell_initialisms, "PbS, cDNA, ssDNA and NTDs", "P b S, c D N A, s s D N A and N T D's"),
    (speech.expand_money, "CHF 20, 20 CHF and USD 5m", "20 Swiss francs, 20 Swiss francs and 5 million dollars"),
    (
        speech.expand_money,
        "N500m, ₦2bn, ₹40 crore, R$ 5",
        "500 million naira, 2 billion naira, 40 crore rupees, 5 reais",
    ),
    (speech.expand_money, "N95 masks and the N5 road", "N95 masks and the N5 road"),
    (speech.read_digit_codes, "+44 20 7946 0958", "plus four four, two o, seven nine four six, o nine five eight"),
    (speech.expand_urls, "example.org/oil-exports today", "example dot org slash oil exports today"),
    (speech.expand_urls, "www.nytimes.com/2014/06/19/x-y.html or a.com/b?id=5", "nytimes dot com or a dot com"),
    (speech.spell_initialisms, "pp and Mss, the Bt", "p p and M s s, the B t"),
    (speech.spell_initialisms, "McGee, DeLay, iPod, hmm, Shh, rhythm", "McGee, DeLay, iPod, hmm, Shh, rhythm"),
    (speech.expand_number_sign, "vol 24, Vol. 3, p. 8, pp. 5", "volume 24, Volume 3, page 8, pages 5"),
    (speech.expand_plain_abbreviations, "Warner Bros. and Hwy 61, eds.", "Warner Brothers and Highway 61, editors"),
    (speech.expand_saint_street, "st Kilda and York st # 4", "Saint Kilda and York Street # 4"),
    (speech.expand_title_abbreviations, "mt Eden and Pvt Ryan", "Mount Eden and Private Ryan"),
    (speech.expand_name_suffixes, "Joseph Mabry , sr", "Joseph Mabry , Senior"),
    (speech.split_letter_number_codes, "G7, F-16 and COVID-19", "G 7, F 16 and COVID 19"),
    (speech.read_capitals, "The BBC and NATO met the CEO", "The B B C and NATO met the C E O"),
    (speech.read_capitals, "BREAKING NEWS FROM THE UN", "BREAKING NEWS FROM THE UN"),
    (
        speech.read_capitals,
        "PARIS (Reuters) - It would NOT stop, the US said",
        "Paris (Reuters) - It would Not stop, the U S said",
    ),
    (
        speech.read_capitals,
        "MATCH RULES: the FBI kept DVDs and CEOs",
        "Match Rules: the F B I kept D V D's and C E O's",
    ),
    (speech.read_capitals, "the DNA of NASA and the WHO", "the D N A of NASA and the W H O"),
    (speech.title_case_datelines, "KYIV, Ukraine (AP) — Drones hit", "Kyiv, Ukraine (AP) — Drones hit"),
    (speech.title_case_datelines, "NEW YORK (Reuters) - Stocks fell", "New York (Reuters) - Stocks fell"),
    (speech.title_case_datelines, "NATO said on Monday", "NATO said on Monday"),
    (
        speech.expand_name_suffixes,
        "Martin Luther King Jr. said, as did Smith, Sr.",
        "Martin Luther King Junior said, as did Smith, Senior",
    ),
    (
        speech.expand_state_abbreviations,
        "SACRAMENTO, Calif. (AP) and Springfield, Ill., too",
        "SACRAMENTO, California (AP) and Springfield, Illinois, too",
    ),
    (speech.expand_state_abbreviations, "a Calif. law", "a Calif. law"),
    (
        speech.expand_slashed_idioms,
        "open 24/7 since 9/11, but 3/7 of them",
        "open twenty-four seven since nine eleven, but 3/7 of them",
    ),
    (
        speech.read_digit_codes,
        "Call 555-123-4567 or 020 7946 0958",
        "Call five five five, one two three, four five six seven or o two o, seven nine four six, o nine five eight",
    ),
    (
        speech.read_digit_codes,
        "ISBN 978-0-306-40615-7, about 5 10 15",
        "ISBN nine seven eight, o, three o six, four o six one five, seven, about 5 10 15",
    ),
    (speech.read_digit_codes, "dial 555-0100 from 2010-2015", "dial five five five, o one o o from 2010-2015"),
    (speech.expand_negative_numbers, "Level -1, a low of −5 and 3-1", "Level minus 1, a low of minus 5 and 3-1"),
    (
        speech.expand_temperatures,
        "It hit 40C, or 104F; a 5C drop",
        "It hit 40 degrees Celsius, or 104 degrees Fahrenheit; a 5 degrees Celsius drop",
    ),
    (speech.expand_temperatures, "the G7C summit and 1C", "the G7C summit and 1 degree Celsius"),
    (speech.expand_vulgar_fractions, "3¾ miles and ½ cup", "3 and three quarters miles and a half cup"),
    (
        speech.read_model_numbers,
        "a Boeing 737 and an A 320 in 300 towns",
        "a Boeing seven thirty-seven and an A three twenty in 300 towns",
    ),
    (speech.read_model_numbers, "Flight 101 on March 300", "Flight one o one on March 300"),
    (speech.read_model_numbers, "His 307 yards, Circular 230", "His 307 yards, Circular 230"),
    (speech.read_model_numbers, "Boeing 787 and CA 242", "Boeing seven eighty-seven and CA two forty-two"),
    (speech.american_spelling, "The Theatre centre's colour programme", "The Theater center's color program"),
    (
        speech.add_british_and,
        "two thousand one, one hundred twenty, two thousand three hundred",
        "two thousand and one, one hundred and twenty, two thousand three hundred",
    ),
    (speech.name_greek_letters, "the α and Ω of it, not αβγ", "the alpha and omega of it, not αβγ"),
    (
        speech.expand_title_abbreviations,
        "Gen. Haftar and Sen. Warren met Dr. Who",
        "General Haftar and Senator Warren met Doctor Who",
    ),
    (speech.expand_title_abbreviations, "the gen. population", "the gen. population"),
    (speech.expand_title_abbreviations, "Mt. Everest and Ft. Worth", "Mount Everest and Fort Worth"),
    (speech.expand_saint_street, "St. Petersburg is not on Downing St.", "Saint Petersburg is not on Downing Street."),
    (speech.expand_saint_street, "10 Downing St. said no", "10 Downing Street said no"),
    (speech.expand_number_sign, "No. 10 said no, # 7 seed", "number 10 said no, number 7 seed"),
    (
        speech.expand_plain_abbreviations,
        "oil, gas, etc. and Acme Inc. vs. Foo Ltd.",
        "oil, gas, etcetera and Acme Incorporated versus Foo Limited",
    ),
    (speech.expand_plain_abbreviations, "see pp. 4-9 of vol. 2", "see pages 4-9 of volume 2"),
    (speech.expand_money, "$4.5 billion", "4.5 billion dollars"),
    (speech.expand_money, "£30m and €2bn", "30 million pounds and 2 billion euros"),
    (speech.expand_money, "$1 and $3.50", "1 dollar and 3 dollars 50 cents"),
    (speech.expand_money, "$17 Million and Rs. 500 and ₹2", "17 million dollars and 500 rupees and 2 rupees"),
    (speech.expand_percent, "up 5% or 12.5 %", "up 5 percent or 12.5 percent"),
    (speech.expand_ranges, "in 2010–2015, 5-7 people", "in 2010 to 2015, 5 to 7 people"),
    (speech.expand_ranges, "COVID-19 and F-16, from 1914 - 1918", "COVID-19 and F-16, from 1914 to 1918"),
    (speech.expand_ordinals, "the 3rd and 21st", "the third and twenty-first"),
    (speech.expand_times, "at 3:30 p.m. or 10:05 or 9:00", "at three thirty p.m. or ten o five or nine o'clock"),
    (speech.expand_times, "at 10:30am, 7:00 PM or 3pm", "at ten thirty a m, seven p m or three p m"),
    (speech.expand_times, "the 1:0 score, 12pmx", "the 1:0 score, 12pmx"),
    (speech.expand_times, "at 10.30pm, or 9 a.m. ET", "at ten thirty p m, or 9 a.m. Eastern time"),
    (
        speech.expand_month_abbreviations,
        "by Jan. 2027, Sept. 5 and Jan Smith",
        "by January 2027, September 5 and Jan Smith",
    ),
    (speech.expand_decades, "the 1990s and the '80s", "the nineteen nineties and the eighties"),
    (speech.expand_decades, "in his 70s, the late ' 40s", "in his seventies, the late forties"),
    (speech.expand_decades, "1,970s and 4.50s", "1,970s and 4.50s"),
    (speech.read_number_plurals, "four CN 235s and two XP 75s", "four CN two thirty-fives and two XP seventy-fives"),
    (speech.read_number_plurals, "the 747s landed", "the seven forty-sevens landed"),
    (speech.read_number_plurals, "4.75s and F-16s", "4.75s and F-16s"),
    (speech.expand_ratios, "a 1:50000 map, a 1 : 25,000 scale", "a 1 to 50000 map, a 1 to 25,000 scale"),
    (speech.expand_ratios, "at 10:30 and 1:05:20", "at 10:30 and 1:05:20"),
    (speech.expand_years, "In 1078 and in 1005", "In ten seventy-eight and in 1005"),
    (
        speech.expand_years,
        "born in 1981, died 2003, built 1905",
        "born in nineteen eighty-one, died two thousand three, built nineteen o five",
    ),
    (speech.expand_years, "5,000 soldiers and 1500.5", "5,000 soldiers and 1500.5"),
    (
        speech.expand_numbers,
        "5,000 soldiers, 100 of 176",
        "five thousand soldiers, one hundred of one hundred seventy-six",
    ),
    (speech.expand_numbers, "4.5 and 12 and 4.0", "four point five and twelve and four point zero"),
    (
        speech.expand_numbers,
        "2.30 and 2.06 and 100.00",
        "two point three o and two point o six and one hundred point o o",
    ),
    (speech.expand_numbers, "version 1.2.3 hit .300", "version one point two point three hit point three o o"),
    (speech.spell_dotted_acronyms, "a U.S. air raid", "a U S air raid"),
    (speech.spell_dotted_acronyms, "back in the U.K.", "back in the U K."),
    (speech.expand_symbols, "Marks & Spencer, 2+2 = 4", "Marks and Spencer, 2 plus 2 equals 4"),
    (speech.expand_symbols, "@BBCNews and #Libya", "at BBCNews and hashtag Libya"),
    (
        speech.pause_at_dashes_and_parentheses,
        "Haftar and — according to Le Monde — troops",
        "Haftar and, according to Le Monde, troops",
    ),
    (
        speech.pause_at_dashes_and_parentheses,
        "the parliament (in Tobruk) voted (again).",
        "the parliament, in Tobruk, voted, again.",
    ),
    (speech.tidy_spaces, "  too   many  ", "too many"),
]


@pytest.mark.parametrize("rule, written, spoken", CASES)
def test_rule(rule, written, spoken):
    assert rule(written) == spoken


def test_every_rule_has_a_case_and_a_docstring():
    every = set(speech.NORMALIZERS) | set(speech.normalizers(style="british"))
    assert {rule for rule, _, _ in CASES} == every
    assert all(rule.__doc__ for rule in every)


@pytest.mark.parametrize(
    "written, spoken",
    [
        (
            "An ISIS militia, bombarded in a U.S. air raid, beheaded 12 policemen.",
            "An ISIS militia, bombarded in a U S air raid, beheaded twelve policemen.",
        ),
        ("5,000 soldiers to defend infrastructure", "five thousand soldiers to defend infrastructure"),
        (
            "Gen. Haftar spent $4.5 billion in 2015, 5% more.",
            "General Haftar spent four point five billion dollars in twenty fifteen, five percent more.",
        ),
        (
            "On 3 Dec 2016 at 3:30 p.m. the EU and UN met at No. 10.",
            "On the third of December twenty sixteen at three thirty p m the E U and U N met at number ten.",
        ),
    ],
)
def test_normalize_applies_the_rules_together(written, spoken):
    assert speech.normalize(written) == spoken


@pytest.mark.parametrize(
    "written, day_first, spoken",
    [
        ("12/03/2016", False, "December third, twenty sixteen"),
        ("12/03/2016", True, "March twelfth, twenty sixteen"),
    ],
)
def test_numeric_dates_follow_the_reader_convention(written, day_first, spoken):
    assert speech.normalize(written, speech.normalizers(day_first=day_first)) == spoken


@pytest.mark.parametrize(
    "written, american, british",
    [
        (
            "It cost $39,014 in 2001.",
            "It cost thirty-nine thousand fourteen dollars in two thousand one.",
            "It cost thirty-nine thousand and fourteen dollars in two thousand and one.",
        ),
        (
            "The theatre's 101st programme",
            "The theater's one hundred first program",
            "The theatre's one hundred and first programme",
        ),
    ],
)
def test_numbers_and_spelling_follow_the_voice_style(written, american, british):
    assert speech.normalize(written) == american
    assert speech.normalize(written, speech.normalizers(style="british")) == british


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Putin in Москва, Ελλάδα and 北京 新闻", "Putin in Moskva, Ellada and Beijing Xinwen"),
        ("This is שלום Morning ☕, done ✅.", "This is Morning, done."),
        ("at 20°C for €5, Café", "at 20°C for €5, Café"),
    ],
)
def test_names_in_other_scripts_are_said_in_latin_letters_or_left_out(written, spoken):
    """The rule said first around the stories (intro, outro, headlines) for an English voice."""
    assert speech.speak_other_scripts(written) == spoken

"""English normalization: one case (or a few) per rule, through the public normalizer."""

from __future__ import annotations

import pytest

from ttscli.text.en.normalizer import EnglishNormalizer
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget

US = EnglishNormalizer("en-us")
GB = EnglishNormalizer("en-gb")

CASES = [
    # numbers
    ("cardinal", "I have 42 apples.", "I have forty-two apples."),
    ("cardinal-large", "It has 1234567 parts.", "It has one million two hundred thirty-four thousand five hundred "
                                                "sixty-seven parts."),
    ("thousands-separator", "About 1,234 people.", "About one thousand two hundred thirty-four people."),
    ("ordinal", "The 21st and 3rd and 100th.", "The twenty-first and third and one hundredth."),
    ("decimal", "Pi is 3.14 and .5 too.", "Pi is three point one four and point five too."),
    ("negative", "It fell to -7.", "It fell to minus seven."),
    ("leading-zero", "Agent 007 and zip 02139.", "Agent zero zero seven and zip zero two one three nine."),
    ("alnum", "MP3 and 4K in 3D.", "MP three and four K in three D."),
    ("letter-dash-digit", "COVID-19 and F-16.", "COVID nineteen and F sixteen."),
    ("fraction", "Add 1/2 and 3/4 cups.", "Add one half and three quarters cups."),
    ("vulgar-fraction", "1½ cups and ¾ pie.", "one and a half cups and three quarters pie."),
    # years and decades
    ("year", "Born in 1905, died in 2010.", "Born in nineteen oh five, died in twenty ten."),
    ("year-bare", "The 1492 voyage.", "The fourteen ninety-two voyage."),
    ("year-era", "It fell in 476 AD.", "It fell in four seventy-six AD."),
    ("decade", "The 1990s and the 1800s.", "The nineteen nineties and the eighteen hundreds."),
    ("decade-short", "Back in the '80s and 60s.", "Back in the eighties and sixties."),
    ("year-short", "In '85 and in ’09.", "In eighty-five and in oh nine."),
    ("multiplier", "It ran 3x faster at 2.5× zoom.", "It ran three times faster at two point five times zoom."),
    ("feet-inches", "He is 5 ft 10 in tall, she is 5' 4\".", "He is five feet ten inches tall, she is five feet four inches."),
    ("versus-mid-sentence", "Kramer vs. Kramer won.", "Kramer versus Kramer won."),
    # money and percent
    ("money-dollars-cents", "Dr. Smith paid $42.50.", "Doctor Smith paid forty-two dollars and fifty cents."),
    ("money-one", "Just $1.", "Just one dollar."),
    ("money-cents-only", "Only $0.99.", "Only ninety-nine cents."),
    ("money-euro", "It costs €20.", "It costs twenty euros."),
    ("money-euro-suffix", "It costs 20 €.", "It costs twenty euros."),
    ("money-pound", "A £3.20 ticket.", "A three pounds and twenty pence ticket."),
    ("money-yen", "It is ¥500.", "It is five hundred yen."),
    ("money-scale", "A $1.5 million deal.", "A one point five million dollars deal."),
    ("money-cent-sign", "Only 50¢.", "Only fifty cents."),
    ("percent", "Up 45% or 3.5%.", "Up forty-five percent or three point five percent."),
    # times
    ("time-pm", "At 5:30 pm.", "At five thirty PM."),
    ("time-am-dots", "At 9 a.m. Then we left.", "At nine AM. Then we left."),
    ("time-am-midsentence", "At 9 a.m. we left.", "At nine AM we left."),
    ("time-oclock", "At 12:00 sharp.", "At twelve o'clock sharp."),
    ("time-oh", "At 7:05 pm.", "At seven oh five PM."),
    ("time-24h", "At 14:30.", "At fourteen thirty."),
    ("time-joined", "From 9am to 5pm.", "From nine AM to five PM."),
    # dates
    ("date-abbrev-month", "On Jan. 7 we met.", "On January seventh we met."),
    ("date-ordinal", "On March 3rd, 2024.", "On March third, twenty twenty-four."),
    ("date-numeric-mdy", "On 12/05/2024.", "On December fifth, twenty twenty-four."),
    ("date-numeric-impossible-mdy", "On 25/12/2024.", "On the twenty-fifth of December, twenty twenty-four."),
    ("date-iso", "On 2024-05-12.", "On May twelfth, twenty twenty-four."),
    ("date-day-month", "On 7 January 2024.", "On the seventh of January, twenty twenty-four."),
    ("date-month-year", "In May 2024.", "In May twenty twenty-four."),
    # ranges and scores
    ("range", "Ages 20–25.", "Ages twenty to twenty-five."),
    ("range-hyphen", "Ages 20-25.", "Ages twenty to twenty-five."),
    ("score", "They won 21–17.", "They won twenty-one to seventeen."),
    ("pages", "See pp. 20–25.", "See pages twenty to twenty-five."),
    ("page", "See p. 7.", "See page seven."),
    ("year-range", "From 1990–1995.", "From nineteen ninety to nineteen ninety-five."),
    ("money-range", "It costs $10–$20.", "It costs ten dollars to twenty dollars."),
    # phone numbers
    ("phone-us", "Call (555) 123-4567.", "Call five five five, one two three, four five six seven."),
    ("phone-dashes", "Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
    ("phone-local", "Call 555-1234.", "Call five five five, one two three four."),
    ("phone-international", "Call +44 20 7946 0958.",
     "Call plus four four, two zero, seven nine four six, zero nine five eight."),
    ("phone-dialed", "Dial 911 or call 311.", "Dial nine one one or call three one one."),
    # units
    ("unit-km", "Run 5 km.", "Run five kilometers."),
    ("unit-singular", "Just 1 km.", "Just one kilometer."),
    ("unit-m", "A 10 m wall.", "A ten meters wall."),
    ("unit-min", "Wait 30 min.", "Wait thirty minutes."),
    ("unit-kg", "It weighs 2 kg.", "It weighs two kilograms."),
    ("unit-celsius", "It was 25°C.", "It was twenty-five degrees Celsius."),
    ("unit-fahrenheit", "It was -3 °F.", "It was minus three degrees Fahrenheit."),
    ("unit-mb", "A 500 MB file.", "A five hundred megabytes file."),
    ("unit-speed", "At 60 mph or 12 km/h.", "At sixty miles per hour or twelve kilometers per hour."),
    ("unit-word-kept", "Wait 5 minutes.", "Wait five minutes."),
    # Roman numerals
    ("roman-chapter", "Chapter IV begins.", "Chapter four begins."),
    ("roman-part-i", "Part I of the book.", "Part one of the book."),
    ("roman-regnal", "Henry VIII and Elizabeth II.", "Henry the Eighth and Elizabeth the Second."),
    ("roman-regnal-first", "Henry I of England.", "Henry the First of England."),
    ("roman-pronoun-kept", "Henry I think is here.", "Henry I think is here."),
    ("roman-war", "World War II ended.", "World War two ended."),
    ("roman-not-a-word", "I like MIX and CD.", "I like MIX and CD."),
    # abbreviations
    ("abbr-titles", "Mr. and Mrs. Smith met Prof. Jones.", "Mister and Missus Smith met Professor Jones."),
    ("abbr-dr", "Ask Dr. Who.", "Ask Doctor Who."),
    ("abbr-saint", "We flew to St. Louis.", "We flew to Saint Louis."),
    ("abbr-street", "He lives on Main St. in town.", "He lives on Main Street in town."),
    ("abbr-street-end", "He lives at 10 Elm St. Then he left.", "He lives at ten Elm Street. Then he left."),
    ("abbr-mount", "We climbed Mt. Everest.", "We climbed Mount Everest."),
    ("abbr-etc-end", "Apples, pears, etc. Then more.", "Apples, pears, et cetera. Then more."),
    ("abbr-etc-mid", "Apples, etc. are fruit.", "Apples, et cetera are fruit."),
    ("abbr-incl", "All incl. tax.", "All including tax."),
    ("abbr-vs", "Cats vs. dogs and Roe v. Wade.", "Cats versus dogs and Roe versus Wade."),
    ("abbr-eg-ie", "Fruit, e.g. apples, i.e. food.", "Fruit, for example apples, that is food."),
    ("abbr-with", "Tea w/ milk, w/o sugar, aka chai.", "Tea with milk, without sugar, also known as chai."),
    ("abbr-et-al", "Smith et al. showed it.", "Smith and others showed it."),
    ("abbr-number", "Room No. 5 and #1.", "Room number five and number one."),
    ("abbr-initialism", "The U.S. Army and the U.K.", "The U-S Army and the U-K."),
    # URLs and e-mail
    ("url", "Visit https://example.com/docs today.", "Visit HTTPS colon slash slash example dot com slash docs today."),
    ("url-www", "Go to www.example.org.", "Go to WWW dot example dot org."),
    ("email", "Mail jane.doe@example.com now.", "Mail jane dot doe at example dot com now."),
    # symbols
    ("symbols", "Rock & roll, 2 + 2 = 4.", "Rock and roll, two plus two equals four."),
    ("about", "About ~5 people.", "About about five people."),
]


@pytest.mark.parametrize("rule,written,spoken", CASES, ids=[c[0] for c in CASES])
def test_rule(rule, written, spoken):
    assert US.normalize(written) == spoken


def test_british_style_and_day_first_dates():
    assert GB.normalize("It cost 105 pounds on 12/05/2024.") == \
        "It cost one hundred and five pounds on the twelfth of May, twenty twenty-four."


@pytest.mark.parametrize("order,expected", [("mdy", "December fifth, twenty twenty-four"),
                                            ("dmy", "the twelfth of May, twenty twenty-four")])
def test_date_order_option(order, expected):
    assert EnglishNormalizer("en-us", date_order=order).normalize("12/05/2024") == expected


def test_ymd_order_reads_year_first_dates():
    assert EnglishNormalizer("en-us", date_order="ymd").normalize("2024/05/12") == "May twelfth, twenty twenty-four"


def test_heading_roman_numeral():
    assert US.normalize("IV. The Return", heading=True) == "Four. The Return"
    assert US.normalize("IV. The Return", heading=False) == "IV. The Return"
    assert US.normalize("I am here", heading=True) == "I am here"


def _spoken(text: str) -> list[str]:
    return [s.text for s in segments(text, Budget(), FrontEndOptions())]


def test_typography_through_front_end():
    assert _spoken("He said “don’t” — then left… Wait... what?") == ["He said \"don't\", then left…", "Wait… what?"]


def test_emoji_and_control_characters_dropped_with_debug_note(caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="ttscli"):
        assert _spoken("I \u2764\ufe0f \U0001F355 pizza\u200b!\x07") == ["I pizza!"]
    assert any("dropped 5" in r.getMessage() for r in caplog.records)


def test_markdown_heading_reads_roman_numeral():
    assert _spoken("# IV\n\nText.") == ["Four.", "Text."]
    assert _spoken("## Chapter XII: The End") == ["Chapter twelve: The End."]


def test_spoken_form_is_unchanged():
    text = "Doctor Smith paid forty-two dollars and fifty cents on January seventh."
    assert US.normalize(text) == text
    assert US.normalize(US.normalize("Dr. Smith paid $42.50 on Jan. 7.")) == text

"""The language hook: num2words numbers for es/fr/de/it/pt, pass-through elsewhere, plugins."""

from __future__ import annotations

import pytest

from ttscli.text import languages
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget

CASES = [
    ("es", "Tengo 1.234 libros y 42 % y -3.", "Tengo mil doscientos treinta y cuatro libros y cuarenta y dos "
                                               "por ciento y menos tres."),
    ("es", "El 1º y 20 €.", "El primero y veinte euros."),
    ("fr", "Il a 1 234,5 points, 2e place, 12 %.", "Il a mille deux cent trente-quatre virgule cinq points, "
                                                  "deuxième place, douze pour cent."),
    ("de", "Es kostet 3,50 € und 1.000 Leute.", "Es kostet drei Euro fünfzig und eintausend Leute."),
    ("it", "Sono 21 anni e 3,5 %.", "Sono ventuno anni e tre virgola cinque percento."),
    ("pt", "São 1.000.000 de pessoas no 1º dia.", "São um milhão de pessoas no primeiro dia."),
]


@pytest.mark.parametrize("lang,written,spoken", CASES)
def test_numbers_in_other_languages(lang, written, spoken):
    assert languages.normalizer_for(lang).normalize(written) == spoken


def test_region_variants_use_the_base_language():
    assert languages.normalizer_for("pt-BR").normalize("42") == "quarenta e dois"
    assert languages.normalizer_for("es_419").normalize("42") == "cuarenta y dos"


def test_other_languages_pass_through_to_espeak():
    text = "価格は 1000 円です。 Цена 42 рубля."
    assert languages.normalizer_for("ja").normalize(text) == text
    assert languages.normalizer_for("ru").normalize("Цена  42 рубля.") == "Цена 42 рубля."


def test_register_a_language_plugin():
    class Shout:
        code = "xx"

        def normalize(self, text, heading=False):
            return text.upper()

        def say_as(self, kind, text, fmt=None):
            return None

    languages.register("xx", lambda lang, order: Shout())
    try:
        segs = list(segments("quiet words.", Budget(), FrontEndOptions(lang="xx-yy")))
        assert [s.text for s in segs] == ["QUIET WORDS."]
    finally:
        languages._REGISTRY.pop("xx")


def test_lang_option_changes_normalization():
    segs = list(segments("Es kostet 5 €.", Budget(), FrontEndOptions(lang="de")))
    assert segs[0].text == "Es kostet fünf Euro."


@pytest.mark.parametrize("lang,number,spoken", [("es", "13", "decimotercero"), ("es", "22", "vigesimosegundo"),
                                                ("fr", "1", "premier"), ("fr", "80", "quatre-vingtième"),
                                                ("it", "21", "ventunesimo")])
def test_say_as_ordinal_uses_the_language_rules(lang, number, spoken):
    text = f'<speak><say-as interpret-as="ordinal">{number}</say-as></speak>'
    assert [s.text for s in segments(text, Budget(), FrontEndOptions(lang=lang))] == [spoken]

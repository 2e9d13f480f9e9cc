"""Lazily compiled patterns (ttscli.text.lazy_re): the same results as re.compile's, compiled
only when used, so prose with a digit leaves the money, date and web rules uncompiled."""

from __future__ import annotations

import re

from ttscli.text.lazy_re import LazyPattern, lazy


def test_every_method_answers_as_the_compiled_pattern():
    source, flags = r"(?P<n>\d+)\s*(cats?|dogs?)", re.IGNORECASE
    text = "3 Cats, 12 dogs and 1 DOG; none here"
    for name, args in (("sub", (r"\2 x\1", text)), ("subn", ("_", text)), ("search", (text,)),
                       ("match", (text,)), ("fullmatch", ("7 dogs",)), ("findall", (text,)), ("split", (text,))):
        got, want = getattr(lazy(source, flags), name)(*args), getattr(re.compile(source, flags), name)(*args)
        if isinstance(want, re.Match):
            assert got.span() == want.span() and got.groupdict() == want.groupdict(), name
        else:
            assert got == want, name
    assert [m.group("n") for m in lazy(source, flags).finditer(text)] == ["3", "12", "1"]
    pat = lazy(source, flags)
    assert pat.pattern == source and pat.flags == flags and "compiled" not in vars(pat)  # not compiled by asking
    assert pat.groupindex == {"n": 1} and pat.compiled.pattern == source


def _compiled(module) -> set[str]:
    return {name for name, value in vars(module).items() if isinstance(value, LazyPattern) and "compiled" in vars(value)}


def test_prose_with_a_digit_compiles_few_rules():
    from ttscli.text.en import dates, money, web
    from ttscli.text.en.normalizer import EnglishNormalizer

    modules = (dates, money, web)
    before = {m.__name__: _compiled(m) for m in modules}
    spoken = EnglishNormalizer().normalize("Night 1. One winter a storm came in from the north, and the keeper stayed.")
    assert spoken.startswith("Night one.")
    for m in modules:
        new = _compiled(m) - before[m.__name__]
        assert all(name.startswith("_") for name in new), (m.__name__, new)  # quick checks, not the rules
    assert EnglishNormalizer().normalize("It cost $5 on May 5 at 3:30 pm.") == \
        "It cost five dollars on May fifth at three thirty PM."
    assert {"MONEY_PREFIX"} <= _compiled(money) and {"MONTH_DAY"} <= _compiled(dates)

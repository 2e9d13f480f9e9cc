"""Token → codec-code mappings, checked against examples worked out by hand from the
published formulas (Orpheus: code = N - 10 - 4096·(k mod 7); SNAC frame layout
t0 | t1 t4 | t2 t3 t5 t6; NeuTTS: <|speech_c|> = code c)."""

from __future__ import annotations

import numpy as np
import pytest

from ttscli.families.orpheus.backend import FrameParser, audio_code, audio_number
from ttscli.families.orpheus.codec import snac_codebooks
from ttscli.runtime.llama import NumberedTokens

# Orpheus' real ids: <custom_token_N> = 128256 + N, so the first audio token
# (<custom_token_10>) is 128266 and the last (<custom_token_28681>) is 156937.
ORPHEUS_AUDIO = NumberedTokens("<custom_token_{}>", base=128266, first=10, count=7 * 4096)


@pytest.mark.parametrize(
    ("token_id", "index", "code"),
    [
        (128266, 0, 0),  # the first audio token, slot 0: code 0 (kept: upstream clients drop it)
        (128266 + 1234, 0, 1234),
        (128266 + 4095, 7, 4095),  # slot 0 again at k = 7
        (128266 + 4096 + 17, 1, 17),  # slot 1 starts 4096 ids later
        (128266 + 2 * 4096 + 4095, 2, 4095),
        (128266 + 6 * 4096, 6, 0),
        (156937, 6, 4095),  # the very last audio id
        (128266 + 4096, 0, None),  # a slot-1 token where slot 0 is expected
        (128266 + 4095, 1, None),  # a slot-0 token where slot 1 is expected
    ],
)
def test_orpheus_code_formula(token_id, index, code):
    number = ORPHEUS_AUDIO.number(token_id)
    assert number == token_id - 128256
    assert audio_code(number, index) == code
    if code is not None:
        assert 128256 + audio_number(code, index) == token_id


def test_orpheus_ids_outside_the_audio_range_carry_no_code():
    assert ORPHEUS_AUDIO.number(128265) is None  # <custom_token_9>
    assert ORPHEUS_AUDIO.number(128258) is None  # <custom_token_2>, end of speech
    assert ORPHEUS_AUDIO.number(156938) is None  # past <custom_token_28681>
    assert ORPHEUS_AUDIO.id(10) == 128266 and ORPHEUS_AUDIO.id(28681) == 156937


def test_orpheus_parser_builds_frames_and_skips_misplaced_tokens():
    # Two frames of codes, by hand: frame 0 = 5 6 7 8 9 10 11, frame 1 = 0 4095 1 2 3 4 5.
    frames = [[5, 6, 7, 8, 9, 10, 11], [0, 4095, 1, 2, 3, 4, 5]]
    ids = [128256 + audio_number(c, k) for k, c in enumerate(frames[0] + frames[1])]
    stray = [128257, 128266 + 3 * 4096 + 1, 128000]  # start-of-speech, a slot-3 token at slot 0, BOS
    parser = FrameParser(ORPHEUS_AUDIO)
    out = []
    for token in stray + ids[:9] + [ids[0]] + ids[9:]:  # ids[0] is a slot-0 token where slot 2 is due
        out += parser.feed(token)
    assert out == frames
    assert parser.ignored == 4
    assert parser.frame == []  # nothing left over


def test_orpheus_parser_keeps_an_incomplete_frame_pending():
    parser = FrameParser(ORPHEUS_AUDIO)
    got = [parser.feed(128256 + audio_number(c, k)) for k, c in enumerate([1, 2, 3])]
    assert got == [[], [], []] and parser.frame == [1, 2, 3]


def test_snac_codebook_layout_by_hand():
    frames = np.array([[10, 11, 12, 13, 14, 15, 16], [20, 21, 22, 23, 24, 25, 26]])
    c0, c1, c2 = snac_codebooks(frames)
    assert c0.tolist() == [10, 20]
    assert c1.tolist() == [11, 14, 21, 24]
    assert c2.tolist() == [12, 13, 15, 16, 22, 23, 25, 26]
    assert c0.dtype == np.int64


def test_neutts_speech_tokens_contiguous_table():
    # NeuTTS-Air as converted: <|speech_0|> = 151684 ... <|speech_65535|> = 217219.
    speech = NumberedTokens("<|speech_{}|>", base=151684, first=0, count=65536)
    assert speech.number(151684) == 0
    assert speech.number(151684 + 1234) == 1234
    assert speech.number(217219) == 65535
    assert speech.number(151683) is None and speech.number(217220) is None
    assert speech.id(42) == 151726


def test_numbered_tokens_from_a_table():
    table = NumberedTokens("<custom_token_{}>", by_id={300: 10, 301: 4106, 350: 10 + 4096 * 6 + 7})
    table.by_number = {n: t for t, n in table.by_id.items()}
    assert table.number(301) == 4106 and audio_code(4106, 1) == 0
    assert table.number(350) == 24593 and audio_code(24593, 6) == 7
    assert table.number(999) is None and table.id(10) == 300

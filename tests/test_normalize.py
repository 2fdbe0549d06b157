"""Property tests for ydsearch.pipeline.normalize."""
from hypothesis import given, settings
from hypothesis import strategies as st

from ydsearch.pipeline.normalize import normalize, strip_noise

from .strategies import chinese_text

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
GLOSS = st.builds(lambda a, t, b: f"({a}{t}{b})",
                  st.sampled_from(["d", "zh", "q", "l", "x", ""]),
                  st.sampled_from(list(TONED)),
                  st.sampled_from(["ng", "n", "", "i", "o"]))


@settings(max_examples=300)
@given(chinese_text())
def test_idempotent(text):
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=300)
@given(chinese_text())
def test_offsets_monotonic_and_in_bounds(text):
    norm = normalize(text)
    idx = [norm.source_index(i) for i in range(len(norm.text))]
    assert all(0 <= i < len(text) for i in idx)
    assert idx == sorted(idx) and len(set(idx)) == len(idx)
    start, end = norm.source_span(0, len(norm.text))
    assert 0 <= start <= end <= len(text)


@given(st.lists(st.tuples(HAN, GLOSS), min_size=1, max_size=12))
def test_pinyin_glosses_are_stripped(pairs):
    glossed = "".join(c + g for c, g in pairs)
    plain = "".join(c for c, _ in pairs)
    assert strip_noise(glossed) == plain
    assert normalize(glossed).text == normalize(plain).text


@given(st.text(alphabet=st.characters(min_codepoint=0xFF10, max_codepoint=0xFF5A)
               .filter(lambda c: c.isalnum()), max_size=30))
def test_full_width_folds_to_half_width(text):
    assert normalize(text).text == "".join(chr(ord(c) - 0xFEE0) for c in text)


def test_parentheses_that_are_not_pinyin_survive():
    assert "(芜湖段)" in normalize("长江岸线(蕪湖段)整治").text
    assert "(2024—2026年)" in normalize("三年行动计划(2024—2026年)").text
    assert "(下转二版)" in normalize("(下转二版)").text


def test_zhe_corrections():
    assert normalize("著力增强").text == "着力增强"
    assert normalize("效果显著").text == "效果显著"
    assert normalize("當(dāng)前").text == "当前"


def test_unrepairable_damage_is_marked_not_joined():
    from ydsearch.pipeline.normalize import LOST

    assert normalize("鄧?yán)^敢").text == f"邓{LOST}敢"
    assert normalize("吳政??;").text == f"吴政{LOST};"

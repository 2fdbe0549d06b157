"""The substring index: every string of one or more characters finds exactly the
paragraphs that contain it, with its number of occurrences in each."""
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ydsearch.engine.sabuild import SubstringBuilder
from ydsearch.engine.substrings import SubstringFileError, SubstringIndex, fold

ALPHABET = "长三角一体化生态绿色aB1 ，。𠀀"


def build(texts, **columns):
    b = SubstringBuilder({name: "<i4" for name in columns}, ["who"])
    b.add_batch([fold(t) for t in texts], columns,
                {"who": [t[:1] or None for t in texts]})
    f = io.BytesIO()
    b.write(f)
    return SubstringIndex.from_buffer(f.getvalue())


def brute(texts, pattern):
    out = []
    for t in texts:
        t = fold(t)
        n, i = 0, t.find(pattern)
        while i >= 0:
            n, i = n + 1, t.find(pattern, i + 1)
        out.append(n)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=12),
       st.text(ALPHABET, min_size=1, max_size=4))
def test_counts_equal_brute_force(texts, pattern):
    ix = build(texts)
    assert ix.counts(fold(pattern)).tolist() == brute(texts, fold(pattern))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(ALPHABET, min_size=1, max_size=30), min_size=1, max_size=8), st.data())
def test_every_substring_of_a_paragraph_finds_it(texts, data):
    ix = build(texts)
    d = data.draw(st.integers(0, len(texts) - 1))
    t = fold(texts[d])
    a = data.draw(st.integers(0, len(t) - 1))
    b = data.draw(st.integers(a + 1, len(t)))
    assert ix.counts(t[a:b])[d] >= 1
    assert ix.doc_text(d) == t


def test_no_match_across_paragraphs_and_case_folded():
    ix = build(["长三角", "一体化", "Yangtze RIVER"], year=[2019, 0, 2024])
    assert ix.counts("角一").tolist() == [0, 0, 0]
    assert ix.counts("river").tolist() == [0, 0, 1]
    assert ix.counts("三角").tolist() == [1, 0, 0]
    assert ix.columns["year"].tolist() == [2019, 0, 2024]
    assert ix.lengths().tolist() == [3, 3, 13]


def test_merge_copies_paragraphs_and_columns():
    src = build(["甲乙丙", "乙丙丁", "丙丁戊"], year=[1, 2, 3])
    b = SubstringBuilder({"year": "<i4"}, ["who"])
    b.add_batch(["丁戊", "乙"], {"year": [7, 8]}, {"who": ["丁", None]})
    b.add_from(src, np.array([2, 0]))
    f = io.BytesIO()
    b.write(f)
    merged = SubstringIndex.from_buffer(f.getvalue())
    assert [merged.doc_text(i) for i in range(4)] == ["丁戊", "乙", "丙丁戊", "甲乙丙"]
    assert merged.counts("丙").tolist() == [0, 0, 1, 1]
    assert merged.columns["year"].tolist() == [7, 8, 3, 1]
    assert [merged.value("who", i) for i in range(4)] == ["丁", None, "丙", "甲"]


def test_empty_segment():
    ix = build([])
    assert ix.ndocs == 0 and ix.counts("长").tolist() == []


@pytest.mark.parametrize("damage", ["truncate", "magic", "header"])
def test_damaged_files_are_refused(damage):
    b = SubstringBuilder({})
    b.add_batch(["长三角一体化发展"] * 50, {})
    f = io.BytesIO()
    b.write(f)
    data = bytearray(f.getvalue())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "magic":
        data[0:4] = b"XXXX"
    else:
        data[20:30] = b"}}}}}}}}}}"
    with pytest.raises(SubstringFileError):
        SubstringIndex.from_buffer(bytes(data))

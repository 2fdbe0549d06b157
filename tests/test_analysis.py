"""The analysers: ordinal positions, offsets into the original text, both scripts alike."""
from hypothesis import given, settings

from collections import Counter

from ydsearch.engine.analysis import WordTokenizer
from ydsearch.pipeline.normalize import normalize
from ydsearch.engine.segmenter import Segmenter

from .strategies import chinese_text


def tokens(tokenizer, text, mode):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in tokenizer(text, positions=True, chars=True, mode=mode)]


def test_index_mode_emits_subwords_at_parent_position():
    toks = tokens(WordTokenizer(), "长三角地区主要领导座谈会", "index")
    by_text = {t[0]: t[1] for t in toks}
    assert by_text["长三角"] == by_text["三角"] == 0
    assert by_text["地区"] == 1
    assert by_text["座谈会"] == by_text["座谈"]


def test_query_mode_is_precise():
    words = [t[0] for t in tokens(WordTokenizer(), "一体化", "query")]
    assert words == ["一体化"]


def test_punctuation_is_never_a_token_and_latin_is_lowercased():
    words = [t[0] for t in tokens(WordTokenizer(), "发展5G，GDP增长。", "query")]
    assert "，" not in words and "。" not in words
    assert "gdp" in words


def test_traditional_and_simplified_give_the_same_tokens():
    trad = [t[:2] for t in tokens(WordTokenizer(), "長三角地區主要領導座談會", "index")]
    simp = [t[:2] for t in tokens(WordTokenizer(), "长三角地区主要领导座谈会", "index")]
    assert trad == simp


def test_offsets_point_into_the_original_text_with_glosses():
    text = "長(zhǎng)三角地區(qū)一體化"
    toks = tokens(WordTokenizer(), text, "index")
    assert toks
    for word, _, s, e in toks:
        assert normalize(text[s:e]).text == word
    assert ("长三角", 0, 0, 10) in toks


@settings(max_examples=150, deadline=None)
@given(chinese_text())
def test_positions_are_ordinal_and_offsets_in_bounds(text):
    toks = tokens(WordTokenizer(), text, "index")
    positions = [p for _, p, _, _ in toks]
    assert positions == sorted(positions)
    assert sorted(set(positions)) == list(range(len(set(positions))))
    for _, _, s, e in toks:
        assert 0 <= s < e <= len(text)


@settings(max_examples=150, deadline=None)
@given(chinese_text())
def test_the_indexing_fast_path_counts_the_analysers_tokens(text):
    """What the index stores (Segmenter.index_counts) is what the analyser emits."""
    seg = Segmenter()
    simplified = normalize(text).text
    assert seg.index_counts(simplified) == Counter(w.text for w in seg.index_words(simplified))
    assert seg.index_counts(simplified) == seg.index_counts(simplified)   # memo is transparent


def test_segmenter_is_picklable_without_its_dictionary():
    import pickle

    seg = Segmenter()
    seg.query_words("长三角")
    clone = pickle.loads(pickle.dumps(seg))
    assert clone._jieba is None
    assert [w.text for w in clone.query_words("长三角")] == ["长三角"]

"""ydsearch's whoosh codec: what it writes, whoosh's own API and the bulk numpy
reader read back the same, whichever path wrote it."""
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from whoosh import fields, index as wix, query as wq
from whoosh.filedb.filestore import FileStorage

from ydsearch.engine.codec import YdCodec
from ydsearch.engine.postings import (YdTermInfo, decode_postings, encode_postings,
                                      read_postings)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 200_000), min_size=1, max_size=300, unique=True),
       st.sampled_from(["ones", "small", "big", "float"]))
def test_postings_encoding_round_trips(ids, kind):
    ids = np.array(sorted(ids), dtype=np.int64)
    rng = np.random.default_rng(len(ids))
    weights = {"ones": np.ones(len(ids)), "small": rng.integers(1, 200, len(ids)),
               "big": rng.integers(1, 70_000, len(ids)),
               "float": rng.random(len(ids)) * 3}[kind].astype(np.float32)
    flags, data = encode_postings(ids, weights)
    got_ids, got_w = decode_postings(flags, len(ids), data)
    assert got_ids.tolist() == ids.tolist()
    assert np.allclose(got_w, weights)


def _docs(n, seed=1):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(40)]
    return [" ".join(rng.choice(words[:4] if rng.random() < 0.6 else words)
                     for _ in range(rng.randint(1, 25))) for _ in range(n)]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """An index written by whoosh's own writer through the codec (per-posting path)."""
    folder = tmp_path_factory.mktemp("codec")
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(phrase=False, stored=True))
    ix = wix.create_in(str(folder), schema)
    docs = _docs(6000)
    w = ix.writer(codec=YdCodec())
    for i, body in enumerate(docs):
        w.add_document(id=str(i), body=body)
    w.commit(merge=False)
    return ix, docs


def _expected(docs, word):
    return [(i, b.split().count(word)) for i, b in enumerate(docs) if word in b.split()]


@pytest.mark.parametrize("word", ["w0", "w1", "w39", "nothere"])
def test_whoosh_api_and_bulk_reader_agree(written, word):
    ix, docs = written
    exp = _expected(docs, word)
    with ix.searcher() as s:
        reader = next(iter(s.reader().leaf_readers()))[0]
        ids, weights = reader._terms.postings("body", word.encode())
        assert list(zip(ids.tolist(), weights.tolist())) == exp
        if not exp:
            return
        matcher = s.reader().postings("body", word)
        assert [(i, matcher.value_as("frequency")) for i in [matcher.id()]] == [exp[0]]
        assert list(s.reader().postings("body", word).all_ids()) == [e[0] for e in exp]
        m = s.reader().postings("body", word)
        target = exp[len(exp) // 2][0]
        m.skip_to(target)
        assert m.id() == target
        assert len(s.search(wq.Term("body", word), limit=None)) == len(exp)
        assert s.stored_fields(3)["body"] == docs[3]


def test_long_lists_span_blocks_and_short_ones_are_inlined(written):
    ix, docs = written
    with ix.searcher() as s:
        reader = next(iter(s.reader().leaf_readers()))[0]
        long = reader._terms.term_info("body", b"w0")
        short = reader._terms.term_info("body", b"w39")
        assert isinstance(long, YdTermInfo) and not long.is_inlined()
        assert long.doc_frequency() > 1024          # more than one block
        assert len(_expected(docs, "w39")) < 64 or not short.is_inlined()


def test_bulk_writer_fields_match_per_term_writing(tmp_path):
    """The vectorised term table (short lists inline) equals writing term by term."""
    from ydsearch.engine.codec import YdFieldWriter
    from whoosh.codec.whoosh3 import W3Segment

    storage = FileStorage(str(tmp_path)).create()
    rng = np.random.default_rng(3)
    terms, postings = [], []
    for t in range(300):
        n = int(rng.choice([1, 2, 5, 63, 64, 65, 2000]))
        ids = np.sort(rng.choice(200_000 if t % 7 == 0 else 5000, size=n, replace=False))
        w = rng.integers(1, 300 if t % 5 else 3, size=n).astype(np.float32)
        terms.append(f"t{t:04d}".encode())
        postings.append((ids.astype(np.int64), w))
    field = fields.TEXT(phrase=False)
    for mode in ("bulk", "each"):
        seg = W3Segment(YdCodec(), mode)
        fw = YdFieldWriter(YdCodec(), storage, seg)
        fw.start_field("body", field)
        if mode == "bulk":
            counts = np.array([len(p[0]) for p in postings])
            ends = np.cumsum(counts)
            ids = np.concatenate([p[0] for p in postings])
            w = np.concatenate([p[1] for p in postings])
            fw.add_field_arrays(terms, ends - counts, ends, ids, w, np.full(len(ids), 7))
        else:
            for t, (ids, w) in zip(terms, postings):
                fw.add_term_arrays(t, ids, w, np.full(len(ids), 7))
        fw.finish_field()
        fw.close()
        tr = YdCodec().terms_reader(storage, seg)
        for t, (ids, w) in zip(terms, postings):
            info = tr.term_info("body", t)
            got_ids, got_w = read_postings(tr._postfile, info)
            assert got_ids.tolist() == ids.tolist() and got_w.tolist() == w.tolist()
            assert info.doc_frequency() == len(ids) and info.max_weight() == w.max()
            assert info.is_inlined() == (len(ids) < 64)
        tr.close()

"""The inlining codec stores and reads postings exactly as whoosh's own codec does."""
from whoosh import index as wix
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec

import ydsearch
from ydsearch.engine.codec import InliningCodec
from ydsearch.engine.index import INDEX_NAME, paragraph_fields
from ydsearch.engine.schema import build_schema

QUERIES = [wq.Term("words", "一体化"), wq.Term("words", "淀山湖"), wq.Phrase("chars", ["一体", "体化"]),
           wq.Phrase("words", ["长三角", "一体化"]), wq.Term("speaker", "李强"),
           wq.NumericRange("year", 2019, 2020), wq.Prefix("chars", "湖")]


def build(folder, codec, batches=4):
    docs = list(ydsearch.read_documents([ydsearch.bundled_seeds()]))
    ix = wix.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
    for k in range(batches):  # several commits, so segments are merged
        w = ix.writer(codec=codec)
        for doc in docs[k::batches]:
            for para in doc.paragraphs:
                w.add_document(**paragraph_fields(doc, para))
        w.commit()
    return ix


def results(ix):
    with ix.searcher() as s:
        out = []
        for q in QUERIES:
            hits = s.search(q, limit=None)
            out.append(sorted((h["id"], round(h.score, 6)) for h in hits))
        return out


def test_same_results_as_whoosh_codec(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours = build(tmp_path / "a", InliningCodec())
    theirs = build(tmp_path / "b", W3Codec())
    got = results(ours)
    assert got == results(theirs)
    assert all(got), "every query has hits"


def test_merged_segments_keep_every_posting(tmp_path):
    ix = build(tmp_path, InliningCodec(), batches=5)
    w = ix.writer(codec=InliningCodec())
    w.commit(optimize=True)  # one segment: every posting read back and rewritten
    assert len(ix._segments()) == 1
    with ix.searcher() as s:
        assert s.doc_count() == 115
        assert len(s.search(wq.Term("words", "一体化"), limit=None)) > 40

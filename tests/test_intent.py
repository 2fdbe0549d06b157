"""A speaker's name typed together with a topic (``李强长三角``) is read as the
two terms, on the five seeds: the same passages, in the same order, as
``李强 长三角``, in either script; a run that occurs as typed stays one term."""
import pytest

from ydsearch.pipeline.normalize import normalize


@pytest.fixture
def ix(seed_index):
    """The session's index of the five seeds (tests/conftest.py), read only."""
    return seed_index


def ranked(ix, query):
    r = ix.search(query, limit=50)
    return r.parsed, r.total, r.related, [(h.id, h.score) for h in r]


@pytest.mark.parametrize("typed, spaced", [
    ("李强长三角", "李强 长三角"),
    ("李強長三角", "李强 长三角"),
    ("车俊生态", "车俊 生态"),
    ("长三角李锦斌", "李锦斌 长三角"),
])
def test_a_name_and_a_topic_typed_together_read_as_two_terms(ix, typed, spaced):
    got, want = ranked(ix, typed), ranked(ix, spaced)
    assert got[1:] == want[1:]
    assert got[0].startswith("AND(") and got[3]
    said = [h for h in ix.search(typed, limit=5) if h.speaker in spaced.split()]
    assert said, "the speaker's own paragraphs come first"


def test_what_occurs_as_typed_stays_one_term(ix):
    assert ix.search("习近平总书记").parsed == 'TEXT("习近平总书记")'
    seen = 0
    for h in ix.search("李强 OR 吴政隆 OR 车俊 OR 李锦斌", limit=200):
        text = normalize(h.text).text
        for name in ("李强", "吴政隆", "车俊", "李锦斌"):
            at = text.find(name)
            if at < 0:
                continue
            run = text[at:at + len(name) + 4]
            if len(run) == len(name) + 4 and all("\u4e00" <= c <= "\u9fff" for c in run):
                assert ix.search(run).parsed == f'TEXT("{run}")', run
                seen += 1
    assert seen >= 5


def test_quoted_names_the_collective_speaker_and_short_rests_are_not_split(ix):
    assert ix.search('"李强长三角"').parsed == 'PHRASE("李强长三角")'
    assert ix.search("会议生态绿色").parsed == 'TEXT("会议生态绿色")'
    assert ix.search("李强说").parsed == 'TEXT("李强说")'

"""Ranking on the five seeds: relaxed matching, its tiers, each named signal,
related passages, the lexicon and speaker intent -- as ``search`` and the
CLI show them to a user.  Judged orderings live in test_search.py and in
``bench/judged``; these tests pin the rules the order is built from."""
import json

import pytest

import ydsearch
from ydsearch.query.rank import PROXIMITY_CLOSE, WEIGHTS
from ydsearch.pipeline.normalize import normalize
from tests.cli_helpers import isolated, one_error_line, yd  # noqa: F401 - fixtures


@pytest.fixture
def ix(seed_index):
    """The session's index of the five seeds (tests/conftest.py), read only."""
    return seed_index


def text(hit) -> str:
    return normalize(hit.text).text


def strict_ids(ix, query) -> set:
    r = ix.search(query, limit=1000)
    return {h.id for h in r.hits[:r.total]}


def covered_share(term: str, paragraph: str) -> float:
    """Share of the term's characters covered by its bigrams found in the paragraph."""
    hit = [term[k:k + 2] in paragraph for k in range(len(term) - 1)]
    return sum(any(hit[max(0, k - 1):k + 1]) for k in range(len(term))) / len(term)


def test_a_natural_query_finds_the_paragraphs_holding_enough_of_its_parts(ix):
    r = ix.search("长三角生态环境保护", limit=50, explain=True)
    assert r.total > 0 and not any("长三角生态环境保护" in text(h) for h in r)
    for h in r.hits[:r.total]:
        assert "exact" not in h.explain
        assert covered_share("长三角生态环境保护", text(h)) >= 0.75 or h.explain.get("heading")
    assert r.related > 0
    for h in r.hits[r.total:]:
        assert covered_share("长三角生态环境保护", text(h)) < 0.75


def test_exact_beats_close_beats_scattered_in_the_proximity_signal(ix):
    term = "一体化高质量发展"
    r = ix.search(term, limit=100, explain=True)
    levels = {}
    for h in r.hits[:r.total]:
        if h.kind == "body":
            exact = term in text(h)
            levels.setdefault(exact, set()).add(round(h.explain["proximity"], 3))
    assert len(levels[True]) == 1
    top = levels[True].pop()
    assert {round(x / top, 2) for x in levels[False]} == {0.6, 0.2}   # close, scattered


def test_lead_prefers_paragraphs_that_open_with_the_term(ix):
    r = ix.search("生态环境", limit=100, explain=True)
    body = [(text(h).index("生态环境"), h.explain.get("lead", 0)) for h in r.hits[:r.total]
            if h.kind == "body" and "生态环境" in text(h)]
    assert len(body) > 5
    body.sort()
    leads = [lead for _, lead in body]
    assert leads == sorted(leads, reverse=True)           # earlier, more
    assert leads[0] > 0.9 * max(leads) and body[0][0] < 30
    assert all(lead == 0 for offset, lead in body if offset > 400)
    assert any(lead < 0.1 * leads[0] for lead in leads)


def test_an_early_scattered_word_does_not_outrank_the_exact_term(ix):
    r = ix.search("区域协同", limit=100, explain=True)
    exact = [h.explain["lead"] for h in r if "区域协同" in text(h) and h.explain.get("lead")]
    loose = [h.explain["lead"] for h in r.hits[:r.total]
             if "区域协同" not in text(h) and h.explain.get("lead")]
    assert exact and loose and max(loose) <= PROXIMITY_CLOSE * max(exact)


def test_paragraphs_with_every_term_come_before_those_with_some(ix):
    r = ix.search("生态绿色 疫情", limit=60)
    both = strict_ids(ix, "生态绿色") & strict_ids(ix, "疫情")
    assert r.total == len(both) > 0 and r.related > 0
    assert {h.id for h in r.hits[:r.total]} == both
    for h in r.hits[r.total:]:
        assert h.id not in both


def test_explain_parts_add_up_to_the_score(ix):
    for q in ("生态绿色 疫情", "科创", "习近平 生态环境", "大气 OR 水污染"):
        for h in ix.search(q, limit=15, explain=True):
            assert sum(h.explain.values()) == pytest.approx(h.score, abs=0.01), (q, h.id)
            assert all(v for v in h.explain.values())       # zero signals are left out


def test_explain_does_not_change_the_order_or_the_scores(ix):
    for q in ("生态绿色 疫情", "安徽融入长三角", "大气 OR 水污染", "韩正 长三角", "科创"):
        plain = ix.search(q, limit=40)
        told = ix.search(q, limit=40, explain=True)
        assert [(h.id, h.score) for h in plain] == [(h.id, h.score) for h in told], q
        assert not plain.hits[0].explain and told.hits[0].explain


def test_the_heading_is_evidence_for_the_paragraphs_under_it(ix):
    r = ix.search("习近平 生态环境", limit=30, explain=True)
    under = [h for h in r if h.explain.get("heading") and "生态环境" not in text(h)]
    assert under, "paragraphs under a heading naming the subject match it"
    assert all(h.id in {x.id for x in r.hits[:r.total]} for h in under)


def test_the_document_is_evidence_for_its_paragraphs(ix):
    from ydsearch import browse
    term = "公共卫生应急"
    r = ix.search(term, limit=200, explain=True)
    docs = {}
    richer = 0
    for h in r:
        if h.doc_id not in docs:
            shown = browse.show(ix, h.doc_id)
            docs[h.doc_id] = "\n".join(normalize(p["text"]).text for p in shown.paragraphs)
        own, whole = covered_share(term, text(h)), covered_share(term, docs[h.doc_id])
        assert whole >= own
        coverage, context = h.explain.get("coverage", 0.0), h.explain.get("context", 0.0)
        if own and h.kind == "body":
            weights = WEIGHTS["context"] / WEIGHTS["coverage"]
            assert context / coverage == pytest.approx(weights * whole / own, rel=1e-3), h.id
        richer += whole > own
    assert richer > 0, "some paragraphs hold part of the term, their document the rest"


def test_a_named_speaker_prefers_what_they_say_over_mentions(ix):
    r = ix.search("习近平 生态环境", limit=30, explain=True)
    said = [k for k, h in enumerate(r.hits[:r.total]) if h.speaker == "习近平"]
    mention = [k for k, h in enumerate(r.hits[:r.total]) if h.speaker != "习近平"]
    assert said and mention and max(said) < min(mention)
    assert all(r.hits[k].explain["speaker"] > 0 for k in said)
    assert all("speaker" not in r.hits[k].explain for k in mention)


def test_lexicon_expansions_match_below_the_literal(ix):
    r = ix.search("科创", limit=30, explain=True)
    literal = [k for k, h in enumerate(r) if "科创" in text(h)]
    expanded = [k for k, h in enumerate(r) if "科创" not in text(h)]
    assert literal and expanded and max(literal) < min(expanded)
    for k in expanded:
        assert "科技创新" in text(r[k]) and r[k].explain["lexicon"] > 0
    assert r.total == len(literal) + len(expanded)      # an expansion is a match


def test_a_run_of_words_the_lexicon_knows_is_expanded_inside_a_longer_term(tmp_path):
    """``长三角区域协作``: its words 区域 + 协作 form an entry of the user's lexicon,
    so a paragraph with 长三角 and what the entry stands for matches the term."""
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("区域协作 = 分工合作\n", encoding="utf-8")
    with ydsearch.open_index(tmp_path / "index", create=True) as made:
        made.add(ydsearch.bundled_seeds())
    without = ydsearch.open_index(tmp_path / "index")
    with_it = ydsearch.open_index(tmp_path / "index", lexicon=lexicon)
    before = strict_ids(without, "长三角区域协作")
    after = strict_ids(with_it, "长三角区域协作")
    gained = after - before
    assert gained and before < after
    for h in with_it.search("长三角区域协作", limit=200).hits:
        if h.id in gained:
            assert "长三角" in text(h) and "分工合作" in text(h) and "区域协作" not in text(h)
    without.close()
    with_it.close()


def test_operators_stay_strict_and_related_passages_follow(ix):
    r = ix.search("疫情 AND 复工复产", limit=40)
    assert r.total == ix.count("疫情 AND 复工复产") >= 1 and r.related > 0
    for h in r.hits[:r.total]:
        assert "疫情" in text(h) and "复工复产" in text(h)
    assert any("疫情" not in text(h) or "复工复产" not in text(h) for h in r.hits[r.total:])


def test_related_passages_keep_negations_and_filters(ix):
    r = ix.search("疫情 AND 复工复产 -李强", limit=100, year=2020)
    assert r.related > 0
    for h in r:
        assert h.speaker != "李强" and h.date.startswith("2020")
    rr = ix.search("(生态环境保护 OR 绿色发展) -示范区", limit=200)
    assert rr.related > 0
    assert all("示范区" not in text(h) for h in rr)


def test_quoted_phrases_have_no_related_passages(ix):
    r = ix.search('"世界级港口群"', limit=50)
    assert r.related == 0 and r.total == len(r.hits)


def test_cli_count_line_says_which_is_which(yd):
    plain = yd("query", "生态绿色 疫情", "-n", "1")
    assert plain.exit_code == 0
    assert "passages contain every term; " in plain.stderr and "more match some of them" in \
        plain.stderr
    boolean = yd("query", "疫情 AND 复工复产", "-n", "1")
    assert boolean.exit_code == 0
    assert "1 passage matches the query; " in boolean.stderr and "more match part of it" in \
        boolean.stderr
    single = yd("query", '"世界级港口群"', "-n", "1")
    assert "1 passage matches (showing 1–1)" in single.stderr


def test_json_carries_both_counts(yd):
    r = yd("query", "生态绿色 疫情", "--json", "-n", "3")
    data = json.loads(r.stdout)
    assert data["total"] >= 1 and data["related"] >= 1


# -- the user's lexicon ---------------------------------------------------------------

@pytest.fixture
def lexicon_file(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("# a team's shorthand\n青绿带 = 生态绿色一体化\n", encoding="utf-8")
    return path


def test_a_user_lexicon_expands_queries_by_option_and_environment(yd, lexicon_file):
    without = yd("query", "青绿带", "--json")
    assert json.loads(without.stdout)["total"] == 0
    for args, env in (((f"--lexicon={lexicon_file}",), None),
                      ((), {"YDSEARCH_LEXICON": str(lexicon_file)})):
        r = yd(*args, "query", "青绿带", "--json", "--explain", env=env)
        assert r.exit_code == 0, r.stderr
        data = json.loads(r.stdout)
        assert data["total"] > 0
        assert all("生态绿色一体化" in normalize(h["text"]).text
                   for h in data["hits"][:data["total"]])
        assert data["explain"]["terms"][0]["expansions"] == ["生态绿色一体化"]


@pytest.mark.parametrize("content, message", [
    ("青绿带 生态绿色\n", "mine.txt:1: expected 'TERM = EXPANSION"),
    (b"\xff\xfe\x00bad", "is not UTF-8 text"),
])
def test_a_bad_lexicon_is_one_line_and_exit_2(yd, tmp_path, content, message):
    path = tmp_path / "mine.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    one_error_line(yd(f"--lexicon={path}", "query", "青绿带"), 2, message)


def test_a_missing_lexicon_is_one_line_and_exit_2(yd, tmp_path):
    r = yd("--lexicon", tmp_path / "none.txt", "query", "生态")
    one_error_line(r, 2, "cannot read the lexicon", "none.txt")

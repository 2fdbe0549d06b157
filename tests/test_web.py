"""The web page and its JSON API, through Flask's test client on the seed index.

What a reader of the page sees (hits, marks, facets, chart, errors) is read
back from the HTML with a small parser (``tests/drivers/html.py``); the API is
compared with the CLI's ``--json`` on the same index.
"""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.drivers.html import parse
import ydsearch
from ydsearch import browse
from ydsearch.cli.app import cli
from ydsearch.web import create_app


@pytest.fixture(scope="module")
def app(seed_index_path):
    return create_app(seed_index_path)


@pytest.fixture
def client(app):
    return app.test_client()


def page(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:2000])
    assert r.mimetype == "text/html"
    return parse(r.get_data(as_text=True))


def api(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, (url, r.get_data(as_text=True)[:2000])
    assert r.mimetype == "application/json"
    return json.loads(r.get_data(as_text=True))


def cli_json(seed_index_path, *args):
    result = CliRunner().invoke(cli, ["--index", str(seed_index_path), *map(str, args), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def hits(doc):
    return doc.find_all("article", "hit")


def error_text(doc):
    e = doc.find(id="error")
    return e.text.strip() if e is not None else None


# -- the search page ---------------------------------------------------------------------
def test_search_page_shows_the_libraries_hits_in_order_with_marks(client, seed_index):
    doc = page(client, "/?q=生态绿色")
    expected = seed_index.search("生态绿色", limit=10)
    cards = hits(doc)
    assert [c.find("a", "id").text.split("·")[-1].strip() for c in cards] == \
        [h.id for h in expected]
    assert f"共 {expected.total} 段匹配" in doc.find("p", "count").text
    for card, hit in zip(cards, expected):
        marks = [m.text for m in card.find("p", "text").find_all("mark")]
        exact = "生态绿色" in hit.text_simplified
        assert marks and (set(marks) == {"生态绿色"} if exact else
                          all(ydsearch.normalize(m).text in "生态绿色" for m in marks))
        assert card.find("p", "text").text == hit.snippet
        header = card.find("header").text
        for part in (hit.speaker, hit.meeting, hit.date):
            assert part in header
    labels = {"meeting": "会议日期", "published": "发布日期"}      # which date each one is
    for card, hit in zip(cards, expected):
        assert card.find("span", "date").find("small").text == labels[hit.date_kind]
        if hit.speaker_role:
            assert hit.speaker_role in card.find("span", "role").text


def test_the_passage_is_shown_in_its_script_with_a_switch_to_simplified(client):
    doc = page(client, "/?q=科技创新&year=2019")
    card = hits(doc)[0]
    assert "李锦斌" in card.find("header").text
    assert [m.text for m in card.find_all("mark")] == ["科技創新"]        # as published
    switch = doc.find("p", "script").find("a")
    assert switch.text == "简体"
    doc = page(client, switch.get("href"))
    card = hits(doc)[0]
    assert [m.text for m in card.find_all("mark")] == ["科技创新"]
    assert "長三角" not in card.find("p", "text").text and "长三角" in card.find("p", "text").text
    assert doc.find("input", type="hidden", name="script").get("value") == "simplified"


def test_every_facet_link_adds_its_filter_and_finds_as_many_as_it_counted(client):
    doc = page(client, "/?q=一体化")
    facets = doc.find_all("section", "facet")
    assert [f.get("data-facet") for f in facets] == ["year", "speaker", "meeting"]
    followed = 0
    for facet in facets:
        name = facet.get("data-facet")
        for link in facet.find_all("a"):
            count = int(link.find("span", "n").text)
            href = link.get("href")
            assert parse_qs(urlsplit(href).query)[name] == [link.get("data-value")]
            filtered = page(client, href)
            assert f"共 {count} 段匹配" in filtered.find("p", "count").text, href
            chip = filtered.find("ul", "chips").text
            assert link.get("data-value") in chip
            chosen = filtered.find("section", "facet", **{"data-facet": name}).find("li", "chosen")
            assert chosen.find("a").get("data-value") == link.get("data-value")
            followed += 1
    assert followed >= 8


def test_a_chosen_filter_can_be_removed_from_its_chip(client):
    doc = page(client, "/?q=一体化&year=2020&speaker=李强")
    assert "共 1 段匹配" in doc.find("p", "count").text or hits(doc)
    chips = doc.find("ul", "chips").find_all("a")
    assert len(chips) == 2
    href = next(a.get("href") for a in chips if "2020" in a.text)
    assert parse_qs(urlsplit(href).query) == {"q": ["一体化"], "speaker": ["李强"]}


@pytest.mark.parametrize("query", ["一体化", "生态绿色", "长三角 -疫情", "会议"])
def test_the_year_chart_draws_the_trend_of_the_query(client, seed_index, query):
    doc = page(client, f"/?q={query}")
    svg = doc.find("svg", "chart-year")
    drawn = [re.fullmatch(r"(\d+)：(\d+) 段", t.text).groups() for t in svg.find_all("title")]
    trend = browse.trend(seed_index, query, by="year")
    assert [(int(y), int(n)) for y, n in drawn] == [(b["key"], b["count"]) for b in trend.buckets]
    note = doc.find("section", "chart").text
    assert (f"另有 {trend.unattributed} 段没有年份" in note) == bool(trend.unattributed)
    bar = svg.find("a")
    assert parse_qs(urlsplit(bar.get("href")).query)["year"] == [drawn[0][0]]


def test_the_speaker_tab_draws_the_trend_by_speaker(client, seed_index):
    doc = page(client, "/?q=一体化&chart=speaker")
    svg = doc.find("svg", "chart-speaker")
    drawn = [t.text for t in svg.find_all("title")]
    trend = browse.trend(seed_index, "一体化", by="speaker")
    assert drawn == [f"{b['key']}：{b['count']} 段" for b in trend.buckets[:10]]
    tab = doc.find("h2", "tabs").find("a")
    assert tab.text == "按年份" and "chart" not in tab.get("href")


def test_pages_of_results(client, seed_index):
    total = seed_index.count("一体化")
    assert total > 20
    doc = page(client, "/?q=一体化&page=2")
    ranks = [int(c.find("span", "rank").text.rstrip(".")) for c in hits(doc)]
    assert ranks == list(range(11, 21))
    pager = doc.find("nav", "pager")
    assert pager.find("strong").text == "2"
    assert parse_qs(urlsplit(pager.find("a", rel="next").get("href")).query)["page"] == ["3"]
    assert "page" not in pager.find("a", rel="prev").get("href")
    doc = page(client, "/?q=一体化&page=99")
    assert not hits(doc) and "没有第 99 页" in doc.find("section", "hits").text


def test_filters_alone_list_a_speakers_passages(client, seed_index):
    doc = page(client, "/?speaker=李強")                      # Traditional works
    assert len(hits(doc)) == seed_index.count("", speaker="李强") > 0
    assert all(c.find("a", "speaker").text == "李强" for c in hits(doc))


def test_no_match_says_so_and_offers_to_drop_each_filter(client):
    doc = page(client, "/?q=科技创新&speaker=李强&year=2019")
    assert "没有段落匹配" in doc.find("p", "count").text
    offers = doc.find("div", "none").find_all("a")
    assert len(offers) == 2 and not hits(doc)


def test_the_landing_page_has_the_form_and_examples(client, seed_index):
    doc = page(client, "/")
    assert doc.find("input", id="q").get("value") == ""
    assert f"{seed_index.doc_count():,}" in doc.find("section", "landing").text
    example = doc.find("a", "example")
    assert len(hits(page(client, example.get("href")))) > 0


def test_a_form_sent_with_empty_fields_is_redirected_to_a_clean_address(client):
    r = client.get("/?q=生态绿色&speaker=&year=&from=&to=&city=&province=&meeting=&kind=")
    assert r.status_code == 302
    assert parse_qs(urlsplit(r.location).query) == {"q": ["生态绿色"]}


# -- errors on the page --------------------------------------------------------------------
@pytest.mark.parametrize("query", ['科技"创新', "colour:红", "year:abc", "(长三角", "长三角 OR"])
def test_query_syntax_errors_are_shown_where_the_query_was_typed(client, query):
    from ydsearch import QuerySyntaxError, parse_query

    with pytest.raises(QuerySyntaxError) as parsed:
        parse_query(query)
    quoted = query.replace('"', "%22")
    doc = page(client, f"/?q={quoted}", status=400)
    assert str(parsed.value) in error_text(doc)
    q = doc.find("input", id="q")
    assert q.get("value") == query and q.get("aria-invalid") == "true"
    marked = doc.find("p", "at-column").find("mark", "bad").text
    assert marked == query[parsed.value.column - 1]
    body = api(client, f"/api/search?q={quoted}", status=400)
    assert body == {"error": str(parsed.value), "status": 400, "param": "q",
                    "column": parsed.value.column}


@pytest.mark.parametrize("url, param", [("/?q=x&year=abc", "year"), ("/?q=x&from=2020-13", "from"),
                                        ("/?q=x&kind=footer", "kind"), ("/?q=x&page=0", "page"),
                                        ("/?q=x&page=abc", "page"), ("/?q=x&script=latin", "script"),
                                        ("/?q=x&from=2021&to=2020", "from")])
def test_bad_parameters_are_400_with_a_message_naming_them(client, url, param):
    doc = page(client, url, status=400)
    assert param in error_text(doc)
    body = api(client, url.replace("/?", "/api/search?"), status=400 if param not in (
        "script",) else 200)
    if param != "script":
        assert body["param"] == param and param in body["error"]


def test_lengths_are_bounded(client):
    assert "2000" in error_text(page(client, "/?q=" + "长" * 2001, status=400))
    assert "200" in error_text(page(client, "/?q=x&speaker=" + "李" * 201, status=400))
    assert api(client, "/api/search?q=x&limit=101", status=400)["param"] == "limit"
    assert api(client, "/api/search?q=x&offset=9901", status=400)["param"] == "offset"


def test_a_query_of_markup_is_shown_as_text(client):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    for url in (f"/?q={evil}", f"/?q=x&speaker={evil}", f"/?q={evil}&year=abc"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40), name=st.sampled_from(["speaker", "year", "from", "to", "city",
                                                    "kind", "page", "meeting", "chart"]),
       value=st.text(max_size=12))
def test_any_parameters_give_a_page_or_a_400_never_a_crash(client, q, name, value):
    for path in ("/", "/api/search", "/api/trend"):
        r = client.get(path, query_string={"q": q, name: value})
        assert r.status_code in (200, 302, 400), (path, q, name, value, r.status_code)
        if r.status_code != 302 and r.mimetype == "text/html":
            # Whatever was typed comes back as the box's value, escaped: the page parses
            # to the same string (markup in it would have broken the attribute).
            assert parse(r.get_data(as_text=True)).find("input", id="q").get("value") == q.strip()


# -- one passage ---------------------------------------------------------------------------
def test_a_passage_with_its_neighbours_and_its_documents_facts(client, seed_index):
    hit = seed_index.search("科技创新", speaker="李锦斌", year=2019)[0]
    doc = page(client, f"/p/{hit.id.replace('#', '%23')}")
    items = doc.find("ol", "paragraphs").find_all("li")
    assert [int(li.get("id")) for li in items] == [i for i in range(hit.index - 2, hit.index + 3)]
    focus = doc.find("li", "focus")
    assert focus.get("id") == str(hit.index) and focus.find("p", "text").text == hit.text
    facts = doc.find("dl", "facts").text
    assert hit.meeting_date and hit.published
    for value in (hit.meeting, hit.meeting_date, hit.published, hit.city, hit.doc_id):
        assert value in facts
    more = doc.find("p", "script").find_all("a")
    wider = next(a.get("href") for a in more if a.text == "多一段")
    assert len(page(client, wider).find("ol", "paragraphs").find_all("li")) == 7


def test_a_document_id_shows_the_whole_document(client, seed_index):
    shown = browse.show(seed_index, "001_c5f8348639d988a3")
    doc = page(client, "/p/001_c5f8348639d988a3")
    assert len(doc.find("ol", "paragraphs").find_all("li")) == len(shown.paragraphs)


@pytest.mark.parametrize("pid", ["nope", "000_cc6c4b9cc009c9ed%23999", "..%2F..%2Fetc%2Fpasswd",
                                 "%00"])
def test_unknown_passages_are_404(client, pid):
    doc = page(client, f"/p/{pid}", status=404)
    assert doc.find("p", "error").text
    assert api(client, f"/api/p/{pid}", status=404)["status"] == 404


# -- the JSON API is the CLI's --json --------------------------------------------------------
@pytest.mark.parametrize("args", [["生态绿色"], ["一体化", "--year", "2019..2020", "--page", "2"],
                                  ["科技创新", "--speaker", "李強", "--full"],
                                  ["长三角", "--from", "2020-06", "--to", "2024", "--city", "温州"],
                                  ["一体化", "--explain", "-n", "3", "--context", "1"]])
def test_api_search_is_the_json_of_the_cli(client, seed_index_path, args):
    names = {"--from": "from", "--to": "to", "-n": "limit", "--context": "context"}
    params, i = {"q": args[0]}, 1
    while i < len(args):
        key = names.get(args[i], args[i].lstrip("-"))
        if args[i] in ("--full", "--explain"):
            params[key], i = "1", i + 1
        else:
            params[key], i = args[i + 1], i + 2
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert json.loads(r.get_data(as_text=True)) == cli_json(seed_index_path, "query", *args)


def test_api_search_facets_are_the_libraries(client, seed_index):
    body = api(client, "/api/search?q=一体化&facets=1")
    assert body == seed_index.search("一体化", facets=True).to_dict()
    assert set(body["facets"]) == {"year", "speaker", "meeting"}


@pytest.mark.parametrize("url, args", [("/api/meetings", ["meetings"]),
                                       ("/api/speakers", ["speakers"]),
                                       ("/api/speakers?all=1", ["speakers", "--all"]),
                                       ("/api/trend?q=一体化", ["trend", "一体化"]),
                                       ("/api/trend?q=一体化&by=speaker&province=浙江",
                                        ["trend", "一体化", "--by", "speaker", "--province", "浙江"]),
                                       ("/api/p/000_cc6c4b9cc009c9ed%2312?context=1",
                                        ["show", "000_cc6c4b9cc009c9ed#12", "--context", "1"])])
def test_the_other_apis_are_the_json_of_their_commands(client, seed_index_path, url, args):
    assert api(client, url) == cli_json(seed_index_path, *args)


def test_lists_as_pages(client, seed_index):
    doc = page(client, "/meetings")
    rows = doc.find("tbody").find_all("tr")
    meetings = browse.meetings(seed_index)
    assert len(rows) == len(meetings) and sum(len(m.documents) for m in meetings) == 5
    assert len(doc.find("tbody").find_all("a", "doc")) == 5          # every report listed
    doc = page(client, "/speakers")
    names = [r.find("a").text for r in doc.find("tbody").find_all("tr")]
    assert names == [s.name for s in browse.speakers(seed_index)]
    link = doc.find("tbody").find("a").get("href")
    assert hits(page(client, link))
    everyone = page(client, "/speakers?all=1")
    assert "会议" in [r.find("a").text for r in everyone.find("tbody").find_all("tr")]


# -- safe by default ---------------------------------------------------------------------
def test_read_only_and_strict_headers(client):
    r = client.post("/?q=x")
    assert r.status_code == 405 and "POST" not in r.headers["Allow"]
    assert "GET" in r.headers["Allow"]
    assert client.post("/api/search?q=x").status_code == 405
    r = client.get("/?q=生态绿色")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_assets_come_from_the_package_and_nothing_else(client):
    doc = page(client, "/")
    css = doc.find("link", rel="stylesheet").get("href")
    js = doc.find("script").get("src")
    for url, mime in ((css, "text/css"), (js, "text/javascript")):
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == mime and r.data
    for bad in ("/static/..%2Fapp.py", "/static/../app.py", "/static/app.py",
                "/static/%2Fetc%2Fpasswd", "/templates/base.html"):
        assert client.get(bad).status_code == 404


def test_the_host_header_is_checked_when_asked(seed_index_path):
    app = create_app(seed_index_path, allowed_hosts={"127.0.0.1", "localhost"})
    c = app.test_client()
    assert c.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    r = c.get("/", headers={"Host": "attacker.example:8000"})
    assert r.status_code == 400 and b"attacker.example" in r.data
    assert c.get("/api/meetings", headers={"Host": "x.example"}).status_code == 400


def test_only_web_addresses_are_linked(tmp_path):
    from ydsearch import open_index, parse_article

    text = "长三角生态绿色一体化发展示范区建设取得新进展。"
    with open_index(tmp_path / "ix", create=True) as ix:
        ix.add_documents([parse_article(text, doc_id="a", url="javascript:alert(1)"),
                          parse_article(text, doc_id="b", url="https://example.org/b",
                                        source="某报")])
    c = create_app(tmp_path / "ix").test_client()
    doc = page(c, "/?q=生态绿色")
    links = [a.get("href") for a in doc.find("section", "hits").find_all("a")]
    assert "https://example.org/b" in links
    assert not any(h.startswith("javascript") for h in links)
    source = doc.find("a", "source")
    assert source.text == "某报" and "noopener" in source.get("rel")
    assert page(c, "/p/a").find("h1").find("a") is None
    assert page(c, "/p/b").find("h1").find("a").get("href") == "https://example.org/b"

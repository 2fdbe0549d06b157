"""Filter values: normalised onto the index's (市/省 suffixes, script), suggestions
when they match nothing (library and CLI), and speakers with query filters."""
import json

from hypothesis import given, settings, strategies as st

from tests.cli_helpers import invoke, isolated, one_error_line, yd  # noqa: F401
from ydsearch import browse
from ydsearch.query import suggest


# -- library ---------------------------------------------------------------------------
def test_field_values_are_what_the_index_holds(seed_index):
    speakers = suggest.field_values(seed_index, "speaker")
    assert {"李强", "李锦斌", "习近平"} <= set(speakers) and speakers["李强"] == 4
    assert set(suggest.field_values(seed_index, "province")) == {"上海", "安徽", "浙江"}


def test_suffixes_and_script_are_mapped_onto_stored_values(seed_index):
    r = suggest.resolve_filters(seed_index, city="芜湖市", province="安徽省", speaker="李錦斌")
    assert r.filters == {"city": "芜湖", "province": "安徽", "speaker": "李锦斌"}
    assert ("city", "芜湖市", "芜湖") in r.changed and ("province", "安徽省", "安徽") in r.changed
    assert not r.unknown
    same = seed_index.search("", city="芜湖", province="安徽", speaker="李锦斌").total
    assert seed_index.search("", **r.filters).total == same > 0
    assert suggest.resolve_filters(seed_index, province="上海市").filters == {"province": "上海"}


def test_unknown_values_get_the_closest_existing_ones(seed_index):
    r = suggest.resolve_filters(seed_index, speaker="李锦彬", city="芜胡", year="2019")
    assert r.filters["year"] == "2019"
    found = {u.name: u for u in r.unknown}
    assert found["speaker"].suggestions == ("李锦斌",)
    assert found["city"].suggestions == ("芜湖",)
    assert suggest.describe_unknown(found["speaker"]) == \
        "no speaker 李锦彬 in the index; did you mean 李锦斌?"
    assert suggest.resolve_filters(seed_index, speaker="习近平总书记").unknown[0].suggestions \
        == ("习近平",)
    assert suggest.resolve_filters(seed_index, speaker="王小明").unknown[0].suggestions == ()


def test_meeting_suggestions_are_meeting_names(seed_index):
    r = suggest.resolve_filters(seed_index, meeting="主要领导坐谈会")
    names = r.unknown[0].suggestions
    assert names and all("主要领导座谈会" in n for n in names)
    assert not suggest.resolve_filters(seed_index, meeting="主要领导座谈会").unknown


def test_unknown_fields_inside_the_query(seed_index):
    found = suggest.unknown_query_fields(seed_index, "科技创新 speaker:李锦彬 city:芜湖")
    assert [(u.name, u.value, u.suggestions) for u in found] == \
        [("speaker", "李锦彬", ("李锦斌",))]
    assert suggest.unknown_query_fields(seed_index, '"unbalanced') == []


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=8), st.text(min_size=0, max_size=8))
def test_edit_distance_is_a_distance(a, b):
    d = suggest.edit_distance(a, b)
    assert d == suggest.edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["李强", "李锦斌", "习近平", "车俊", "许继伟"]),
       st.integers(0, 2), st.sampled_from("甲乙丙丁"))
def test_one_wrong_character_finds_the_name(name, at, wrong):
    at = min(at, len(name) - 1)
    typo = name[:at] + wrong + name[at + 1:]
    values = {"李强": 4, "李锦斌": 3, "习近平": 37, "车俊": 3, "许继伟": 5, "吴劲": 1}
    assert name in suggest.closest(values, typo)


# -- command line ------------------------------------------------------------------------
def test_cli_suffix_is_searched_in_the_stored_form(yd):
    plain = yd("query", "科技创新", "--city", "芜湖", "--json")
    suffixed = yd("query", "科技创新", "--city", "芜湖市", "--json")
    assert json.loads(suffixed.stdout)["hits"] == json.loads(plain.stdout)["hits"]
    assert json.loads(plain.stdout)["total"] > 0
    assert "--city 芜湖市: searching 芜湖" in suffixed.stderr
    r = yd("query", "一体化", "--province", "安徽省", "--count")
    assert r.exit_code == 0 and int(r.stdout) == int(yd("query", "一体化", "--province", "安徽",
                                                         "--count").stdout) > 0


def test_cli_did_you_mean(yd):
    r = yd("query", "科技创新", "--speaker", "李锦彬")
    assert r.exit_code == 0 and r.stdout == ""
    assert r.stderr.strip() == ("no passage matches '科技创新' with --speaker 李锦彬; no speaker "
                                "李锦彬 in the index; did you mean 李锦斌?")
    r = yd("query", "科技创新 speaker:李锦彬")
    assert "did you mean 李锦斌?" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = yd("trend", "科技创新", "--city", "芜胡")
    assert r.exit_code == 0 and "did you mean 芜湖?" in r.stderr
    # an existing value that happens not to match keeps the usual hint
    r = yd("query", "科技创新", "--speaker", "李强", "--year", 2019)
    assert "did you mean" not in r.stderr and "try fewer words" in r.stderr


def test_cli_speakers_take_the_query_filters(yd, seed_index):
    all_rows = json.loads(yd("speakers", "--json").stdout)
    r = yd("speakers", "--year", 2019, "--json")
    rows = json.loads(r.stdout)
    assert rows and all(s["years"] == [2019] for s in rows)
    assert len(rows) < len(all_rows)
    for s in rows:
        assert s["paragraphs"] == seed_index.count("", speaker=s["name"], year="2019")
    rows = json.loads(yd("speakers", "生态绿色", "--json").stdout)
    for s in rows:
        assert s["paragraphs"] == seed_index.count("生态绿色", speaker=s["name"])
    wuhu = json.loads(yd("speakers", "--city", "芜湖市", "--meeting", "座谈会", "--json").stdout)
    assert wuhu and all(m.startswith("2019") for s in wuhu for m in s["meetings"])
    r = yd("speakers", "--speaker", "李锦彬")
    assert r.exit_code == 0 and r.stdout == "" and "did you mean 李锦斌?" in r.stderr


def test_browse_speakers_filters_equal_search_counts(seed_index):
    for kw in ({"city": "湖州"}, {"year": "2024"}, {"meeting": "领导小组"}):
        rows = browse.speakers(seed_index, include_collective=True, **kw)
        assert sum(s.paragraphs for s in rows) == \
            seed_index.count("", **kw) - _unattributed(seed_index, kw)


def _unattributed(ix, kw):
    return sum(1 for h in ix.search("", limit=1000, **kw) if not h.speaker)

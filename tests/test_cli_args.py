"""Natural arguments: --index before or after any command, several query words,
a leading -word, and the hint for options that do not exist."""
import json

import pytest

from tests.cli_helpers import headers, invoke, isolated, one_error_line, yd  # noqa: F401
from ydsearch.cli.app import cli

INDEXED_COMMANDS = ("index", "query", "show", "speakers", "meetings", "stats", "trend", "parse")


def test_every_command_that_reads_an_index_shows_index_in_its_help():
    for name in INDEXED_COMMANDS:
        r = invoke(name, "--help")
        assert r.exit_code == 0 and "--index PATH" in r.stdout, name
        assert "YDSEARCH_INDEX" in r.stdout, name
    assert "--index PATH" in invoke("--help").stdout


@pytest.mark.parametrize("args", [
    ("query", "生态绿色", "--json"), ("speakers", "--json"), ("meetings", "--json"),
    ("stats", "--json"), ("trend", "一体化", "--json"), ("show", "000_cc6c4b9cc009c9ed#3", "--json"),
])
def test_index_option_after_the_command_equals_before(seed_index_path, args):
    before = invoke("--index", seed_index_path, *args)
    after = invoke(*args, "--index", seed_index_path)
    middle = invoke(args[0], "--index", seed_index_path, *args[1:])
    assert before.exit_code == after.exit_code == middle.exit_code == 0, after.stderr
    assert before.stdout == after.stdout == middle.stdout
    assert json.loads(after.stdout)


def test_command_index_wins_over_the_environment(seed_index_path, tmp_path):
    missing = tmp_path / "missing"
    r = invoke("stats", "--json", "--index", seed_index_path, env={"YDSEARCH_INDEX": str(missing)})
    assert r.exit_code == 0 and json.loads(r.stdout)["documents"] == 5
    one_error_line(invoke("stats", env={"YDSEARCH_INDEX": str(missing)}), 3, "no index at")


def test_index_command_builds_where_index_after_it_says(tmp_path):
    target = tmp_path / "ix"
    r = invoke("index", "--json", "--index", target)
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["documents"] == 5
    assert invoke("stats", "--index", target).exit_code == 0


def test_several_words_equal_the_quoted_query(yd):
    quoted = yd("query", "生态绿色 示范区", "--json")
    words = yd("query", "生态绿色", "示范区", "--json")
    assert quoted.exit_code == words.exit_code == 0
    assert json.loads(words.stdout)["hits"] == json.loads(quoted.stdout)["hits"]
    assert json.loads(words.stdout)["query"] == "生态绿色 示范区"
    assert json.loads(words.stdout)["total"] > 0
    r = yd("trend", "生态绿色", "示范区", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == json.loads(quoted.stdout)["total"]


def test_leading_dash_word_excludes_it(yd):
    everything = json.loads(yd("query", "长三角", "--json", "-n", 200).stdout)
    without = yd("query", "-疫情", "长三角", "--json", "-n", 200)
    assert without.exit_code == 0, without.stderr
    data = json.loads(without.stdout)
    assert data["query"] == "-疫情 长三角"
    assert data["parsed"] == json.loads(yd("query", "NOT 疫情 长三角", "--json").stdout)["parsed"]
    assert 0 < data["total"] < everything["total"]
    assert not any("疫情" in h["text_simplified"] for h in data["hits"])
    # after other words, after options, and with a field
    assert yd("query", "长三角", "-疫情", "-n", 1, "--count").stdout.strip() == str(data["total"])
    r = yd("query", "长三角", "-speaker:李强", "--count")
    assert r.exit_code == 0 and int(r.stdout) == \
        int(yd("query", "长三角 NOT speaker:李强", "--count").stdout)


def test_option_values_that_start_with_a_dash_stay_values(yd):
    # the value of -n is taken by -n; a negative limit is still refused by its type
    one_error_line(yd("query", "长三角", "-n", "-1"), 2, "--limit")


@pytest.mark.parametrize("args, needle", [
    (("query", "长三角", "-x"), "NOT x"),
    (("query", "-bogus", "长三角"), "NOT bogus"),
    (("trend", "一体化", "--bogus"), "NOT bogus"),
])
def test_unknown_ascii_option_gets_a_one_line_hint(yd, args, needle):
    line = one_error_line(yd(*args), 2, "No such option", needle)
    assert "--" in line


def test_a_query_of_only_negations_is_still_an_error(yd):
    one_error_line(yd("query", "-疫情"), 2, "negation")
    one_error_line(yd("query", "--", "-李强"), 2, "negation")


def test_a_misspelt_option_is_suggested_not_taken_for_a_word(yd):
    line = one_error_line(yd("query", "长三角", "--limt", "3"), 2, "--limit")
    assert "NOT" not in line


def test_other_commands_keep_their_errors(yd):
    one_error_line(yd("meetings", "extra"), 2, "extra")
    one_error_line(yd("stats", "-x"), 2, "-x")
    assert "NOT" not in yd("stats", "-x").stderr


def test_cli_object_is_importable_from_app():
    assert cli.name == "ydsearch" and set(cli.commands) >= set(INDEXED_COMMANDS) | {"parse"}


def test_ctrl_c_while_the_default_index_is_built(isolated, monkeypatch):
    from ydsearch.cli import defaults

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(defaults, "_build", interrupted)
    r = invoke("query", "生态绿色")
    assert r.exit_code == 130 and r.stdout == ""
    assert r.stderr.strip().splitlines()[-1] == (
        "Interrupted; the default index was not finished; the next command builds it again")

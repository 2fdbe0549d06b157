"""The ranking-quality benchmark (``bench/quality*.py``) and its judged sets.

* the metrics on examples computed by hand (nDCG@10 with gains 2^g - 1 and the
  ideal from all judgments, recall@10 of the grade >= 2 paragraphs);
* re-anchoring a judgment by fingerprint when its paragraph id moved;
* the baseline's analyser and BM25 on hand-made paragraphs;
* the judged sets: they load, every judged seed paragraph exists (or re-anchors),
  every query parses, the files hold no corpus text;
* the evaluation runs end to end on the seeds (no score thresholds: the figures
  are the lead's to move).

The scale-corpus test is marked slow and skips without the corpus
(``$YDSEARCH_SCALE_CORPUS``, else ``shared/corpora/scale`` beside the checkout or a parent).
"""
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import ydsearch

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
JUDGED = BENCH / "judged"

if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import numpy as np  # noqa: E402

import quality  # noqa: E402
from quality_bm25 import BM25, cjk_tokens  # noqa: E402
from quality_corpus import META_FIELDS, Paragraphs, fingerprint  # noqa: E402
from quality_metrics import average, judged_at_k, ndcg_at_k, recall_at_k  # noqa: E402
from quality_rankers import make_ranker  # noqa: E402
from quality_sets import KINDS, JudgedSet, Query, anchor, load_set, validate  # noqa: E402
from quality_splits import assign_splits  # noqa: E402

CORPUS = Path(quality.default_corpus() or "/nonexistent")

L3 = math.log2(3)


# --- metrics ------------------------------------------------------------------------------

def test_ndcg_by_hand():
    grades = {"a": 3, "b": 2, "c": 0, "d": 1}
    # DCG of [b, a, x] = (2^2-1)/log2 2 + (2^3-1)/log2 3 ; ideal [a, b, d] = 7 + 3/log2 3 + 1/2
    expected = (3 + 7 / L3) / (7 + 3 / L3 + 0.5)
    assert ndcg_at_k(["b", "a", "x"], grades) == pytest.approx(expected)
    assert ndcg_at_k(["a", "b", "d"], grades) == pytest.approx(1.0)
    assert ndcg_at_k(["c", "x"], grades) == 0.0


def test_ndcg_ideal_counts_unretrieved_judgments_and_stops_at_k():
    grades = {"a": 3, "z": 3}
    assert ndcg_at_k(["a"], grades) == pytest.approx(7 / (7 + 7 / L3))
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at_k(ranked, grades) == 0.0
    assert ndcg_at_k(ranked, grades, k=11) > 0


def test_ndcg_undefined_without_a_positive_judgment():
    assert ndcg_at_k(["a"], {"a": 0, "b": 0}) is None
    assert ndcg_at_k([], {}) is None


def test_recall_counts_grade_two_and_up():
    grades = {"a": 3, "b": 2, "c": 1, "d": 0}
    assert recall_at_k(["c", "a", "d"], grades) == pytest.approx(0.5)
    assert recall_at_k(["b", "a"], grades) == 1.0
    assert recall_at_k(["c"], grades) == 0.0
    assert recall_at_k(["c"], grades, min_grade=1) == pytest.approx(1 / 3)
    assert recall_at_k(["a"], {"a": 1}) is None
    ranked = [f"x{i}" for i in range(10)] + ["a", "b"]
    assert recall_at_k(ranked, grades) == 0.0


def test_judged_share_and_average():
    assert judged_at_k(["a", "x", "b", "y"], {"a": 0, "b": 3}) == 0.5
    assert judged_at_k([], {"a": 1}) is None
    assert average([0.5, None, 1.0]) == pytest.approx(0.75)
    assert average([None]) is None


# --- paragraphs, fingerprints, re-anchoring -----------------------------------------------

def make_paras(rows):
    """Paragraphs from (id, text[, speaker]) rows, metadata left empty."""
    p = Paragraphs()
    for row in rows:
        pid, text = row[0], row[1]
        norm = ydsearch.normalize(text).text
        p.ids.append(pid)
        p.texts.append(text)
        p.norms.append(norm)
        p.fps.append(fingerprint(text))
        p.years.append(2020)
        for name in META_FIELDS:
            p.meta[name].append(None)
        p.meta["speaker"][-1] = row[2] if len(row) > 2 else None
        p.meta["doc_id"][-1] = pid.split("#")[0]
    return p


def test_fingerprint_definition():
    text = "  示范区建设  "
    norm = ydsearch.normalize(text).text.strip()
    assert fingerprint(text) == hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]
    assert fingerprint(text) == fingerprint("示范区建设")
    assert fingerprint("示范区建设") != fingerprint("示范区")


def one_query(judgments):
    return JudgedSet("t", [Query("q1", "x", "topic", "tune",
                                 {pid: {"grade": g, "fp": fp} for pid, (g, fp) in judgments.items()})])


def test_anchor_keeps_ids_whose_paragraph_is_unchanged():
    paras = make_paras([("d#0", "甲段"), ("d#1", "乙段")])
    jset = anchor(one_query({"d#1": (2, fingerprint("乙段"))}), paras)
    assert jset.queries[0].grades == {"d#1": 2}
    assert (jset.reanchored, jset.lost) == (0, 0)


def test_anchor_follows_a_renumbered_paragraph_in_its_document():
    # the pipeline now keeps a heading line: every paragraph of d moved down by one
    old = {"d#0": (1, fingerprint("甲段")), "d#1": (3, fingerprint("乙段"))}
    paras = make_paras([("d#0", "新的标题"), ("d#1", "甲段"), ("d#2", "乙段")])
    q = anchor(one_query(old), paras).queries[0]
    assert q.grades == {"d#1": 1, "d#2": 3}
    assert (q.reanchored, q.lost) == (2, 0)


def test_anchor_prefers_the_nearest_copy_in_the_same_document():
    paras = make_paras([("d#0", "重复段"), ("d#1", "别的"), ("d#2", "别的二"), ("d#3", "重复段"),
                        ("e#0", "重复段")])
    q = anchor(one_query({"d#4": (2, fingerprint("重复段"))}), paras).queries[0]
    assert q.grades == {"d#3": 2}


def test_anchor_elsewhere_only_when_unambiguous():
    paras = make_paras([("e#0", "唯一段"), ("f#0", "两处段"), ("g#0", "两处段")])
    q = anchor(one_query({"d#0": (3, fingerprint("唯一段")),
                          "d#1": (2, fingerprint("两处段")),
                          "d#2": (1, fingerprint("已删除的段"))}), paras).queries[0]
    assert q.grades == {"e#0": 3}
    assert (q.reanchored, q.lost) == (1, 2)


def test_anchor_keeps_the_higher_grade_on_collision():
    paras = make_paras([("d#0", "甲段"), ("d#1", "乙段")])
    q = anchor(one_query({"d#0": (1, fingerprint("乙段")), "d#1": (3, fingerprint("乙段"))}),
               paras).queries[0]
    assert q.grades == {"d#1": 3}
    assert (q.reanchored, q.lost) == (1, 0)


def test_validate_rejects_malformed_sets():
    good = {"qid": "q", "query": "长三角", "kind": "topic", "split": "tune",
            "judgments": {"d#0": {"grade": 2, "fp": "0123456789ab"}}}
    validate({"queries": [good]})
    for bad in ({"split": "train"}, {"query": " "},
                {"judgments": {"d0": {"grade": 2, "fp": "0123456789ab"}}},
                {"judgments": {"d#0": {"grade": 4, "fp": "0123456789ab"}}},
                {"judgments": {"d#0": {"grade": 1, "fp": "xyz"}}}):
        with pytest.raises(ValueError):
            validate({"queries": [{**good, **bad}]})
    with pytest.raises(ValueError):
        validate({"queries": [good, good]})


# --- splits -----------------------------------------------------------------------------

def test_splits_keep_groups_together_and_hold_out_about_a_third_per_kind():
    drafts = [{"qid": f"{k}{i}", "kind": k} for k in ("topic", "paraphrase") for i in range(6)]
    drafts += [{"qid": f"i{i}", "kind": "speaker intent", "group": f"g{i}"} for i in range(3)]
    drafts += [{"qid": f"f{i}", "kind": "filtered", "group": f"g{i}"} for i in range(3)]
    split = assign_splits(drafts)
    assert split == assign_splits(drafts)                       # deterministic
    for i in range(3):
        assert split[f"i{i}"] == split[f"f{i}"]
    for kind in ("topic", "paraphrase", "speaker intent"):
        held = sum(split[d["qid"]] == "holdout" for d in drafts if d["kind"] == kind)
        assert held == (2 if kind != "speaker intent" else 1)


# --- the baseline -----------------------------------------------------------------------

def test_cjk_tokens_like_lucene_cjk_analyzer():
    assert cjk_tokens("长三角G60科创走廊") == ["长三", "三角", "g60", "科创", "创走", "走廊"]
    assert cjk_tokens("长江、黄河") == ["长江", "黄河"]
    assert cjk_tokens("沪 苏") == ["沪", "苏"]
    assert cjk_tokens("ＡＢＣ１２３") == ["abc123"]
    assert cjk_tokens("長江") == ["長江"]            # raw text: no script conversion


def test_bm25_lucene_formula_by_hand():
    bm = BM25([["a", "b"], ["c"]], k1=1.2, b=0.75)
    # n=1 of N=2: idf = ln(1 + 1.5/1.5); dl=2, avgdl=1.5
    idf = math.log(2)
    expected = idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 1.5))
    assert bm.scores(["a"]) == pytest.approx([expected, 0.0], rel=1e-5)
    assert list(bm.has_any(["a", "c"])) == [True, True]
    assert list(bm.has_all(["a", "c"])) == [False, False]


def test_baseline_or_semantics_and_speaker_filter():
    paras = make_paras([
        ("d#0", "推进长三角一体化发展", "甲"),
        ("d#1", "长江经济带的生态保护", "乙"),
        ("d#2", "这一段与查询无关", "乙"),
        ("d#3", "长三角与长江经济带协同", "乙"),
    ])
    ranker = make_ranker("baseline", paras)
    top = ranker.rank("长三角 长江经济带")
    assert top[0] == "d#3" and set(top) == {"d#0", "d#1", "d#3"}
    assert ranker.rank("长三角 speaker:乙") == ["d#3"]
    assert ranker.rank("長江經濟帶") == []           # the baseline does not fold scripts
    strict = make_ranker("strict-and", paras)
    assert strict.rank("长三角 长江经济带") == ["d#3"]


# --- the judged sets --------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds():
    return quality.load_evaluation_set("seeds")


def test_seeds_set_is_complete_and_anchors(seeds):
    jset, paras = seeds
    assert len(jset.queries) >= 75
    assert {q.kind for q in jset.queries} <= set(KINDS)
    assert {q.split for q in jset.queries} == {"tune", "holdout"}
    row_of = paras.row_of()
    assert jset.lost == 0
    for q in jset.queries:
        assert q.grades, q.qid
        assert set(q.grades) <= set(row_of), q.qid
        assert any(g >= 2 for g in q.grades.values()), q.qid
    stored = [pid for q in jset.queries for pid in q.judgments]
    missing = [pid for pid in stored if pid not in row_of]
    assert len(missing) <= jset.reanchored


def test_seeds_holdout_covers_every_kind(seeds):
    jset, _ = seeds
    for kind in {q.kind for q in jset.queries}:
        splits = {q.split for q in jset.queries if q.kind == kind}
        assert splits == {"tune", "holdout"}, kind


@pytest.mark.parametrize("name", ["seeds", "scale"])
def test_every_query_parses(name):
    jset = load_set(name)
    assert len(jset.queries) >= (75 if name == "seeds" else 36)
    for q in jset.queries:
        ydsearch.parse_query(q.query)


@pytest.mark.parametrize("name", ["seeds", "scale"])
def test_set_files_hold_queries_ids_and_fingerprints_only(name):
    """No corpus text: the only Han characters in a set file are those of its queries."""
    raw = (JUDGED / f"{name}.json").read_text("utf-8")
    data = json.loads(raw)
    assert set(data) <= {"name", "note", "queries"}
    for q in data["queries"]:
        assert set(q) == {"qid", "query", "kind", "split", "judgments"}
        assert all(set(j) == {"grade", "fp"} for j in q["judgments"].values())
        raw = raw.replace(json.dumps(q["query"], ensure_ascii=False), "")
    assert not [ch for ch in raw if "\u3400" <= ch <= "\u9fff"]


def test_evaluation_runs_end_to_end_on_the_seeds(seeds, seed_index):
    jset, paras = seeds
    runs = {"ydsearch": quality.evaluate(jset, make_ranker("ydsearch", paras, index=seed_index)),
            "baseline": quality.evaluate(jset, make_ranker("baseline", paras))}
    for results in runs.values():
        assert [r["qid"] for r in results] == [q.qid for q in jset.queries]
        for r in results:
            assert r["ndcg"] is None or 0.0 <= r["ndcg"] <= 1.0
            assert r["recall"] is None or 0.0 <= r["recall"] <= 1.0
            assert len(r["top"]) <= 10
        summary = quality.summarise(results)
        assert set(summary) == {"all", "tune", "holdout"}
        assert summary["tune"]["overall"]["queries"] + summary["holdout"]["overall"]["queries"] \
            == len(jset.queries)
    report = quality.format_report(jset, runs, per_query=True)
    for heading in ("## tune", "## holdout", "## all", "## per query"):
        assert heading in report
    assert "| ydsearch | **all** |" in report and "| baseline | **all** |" in report


def test_cli_on_the_seeds():
    p = subprocess.run([sys.executable, str(BENCH / "quality.py"), "--set", "seeds",
                        "--rankers", "baseline", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["set"] == "seeds" and out["lost"] == 0
    assert set(out["rankers"]) == {"baseline"}
    assert len(out["rankers"]["baseline"]["per_query"]) == out["queries"]


def test_cli_reports_a_missing_scale_corpus(tmp_path):
    p = subprocess.run([sys.executable, str(BENCH / "quality.py"), "--set", "scale",
                        "--corpus", str(tmp_path / "absent.jsonl.gz")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "not found" in p.stderr


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="scale corpus not available")
def test_scale_set_anchors_and_evaluates():
    jset, paras = quality.load_evaluation_set("scale", str(CORPUS))
    assert len(paras) > 100_000
    assert jset.lost <= jset.judgments // 100
    results = quality.evaluate(jset, make_ranker("baseline", paras))
    assert len(results) == len(jset.queries)
    assert quality.summarise(results)["holdout"]["overall"]["queries"] > 0

"""The pipeline on real news: 3,000 items spread over every year of the scale corpus.

Accuracy thresholds of issue 11 (no timings): lines of real text kept in a
paragraph, items filed under their broadcast year, speaker names and roles
without stray words.  The corpus is read from its path (or
``$YDSEARCH_SCALE_CORPUS``) and these tests skip when it is absent; nothing
from it is copied into the repository.
"""
import collections
import re

import pytest

from tests.scale_checks import (records, sample_lines, scale_path, squeeze, stray_name,
                                stray_role, text_lines)
from ydsearch.pipeline.article import parse_article

pytestmark = pytest.mark.slow
# A headline: no sentence or clause punctuation, ends in a character of a word.
HEADLINE = r"^[^。！？；：，,;:]*[\u4e00-\u9fffA-Za-z0-9%]$"


@pytest.fixture(scope="module")
def parsed():
    path = scale_path()
    if not path.is_file():
        pytest.skip(f"scale corpus not found at {path}")
    out = []
    for item in records(sample_lines(path)):
        doc = parse_article(item["text"], doc_id=item["id"], title=item.get("title"),
                            published=item.get("date"), url=item.get("url"))
        out.append((item, doc))
    return out


def test_the_sample_spans_every_year(parsed):
    years = collections.Counter(item["date"][:4] for item, _ in parsed)
    assert len(parsed) == 3000
    assert set(years) >= {"2017", "2020", "2021", "2022", "2023", "2024", "2025", "2026"}


def test_lines_of_real_text_are_in_a_paragraph(parsed):
    total = kept = 0
    for item, doc in parsed:
        body = "".join(squeeze(p.text) for p in doc.paragraphs)
        for line in text_lines(item["text"]):
            total += 1
            kept += squeeze(line) in body
    assert total > 10000
    assert kept / total >= 0.995, (kept, total)


def test_items_are_filed_under_their_broadcast_year(parsed):
    right = sum(doc.year == int(item["date"][:4]) for item, doc in parsed)
    assert right / len(parsed) >= 0.999, len(parsed) - right
    for item, doc in parsed:          # a date in the text never replaces the broadcast date
        if doc.date_kind == "published":
            assert doc.date == item["date"]


def test_speaker_names_and_roles_carry_no_stray_words(parsed):
    names = {p.speaker for _, d in parsed for p in d.paragraphs if p.speaker} - {"会议"}
    roles = {p.speaker_role for _, d in parsed for p in d.paragraphs if p.speaker_role}
    assert len(names) > 100 and len(roles) > 100
    bad_names = sorted(n for n in names if stray_name(n))
    bad_roles = sorted(r for r in roles if stray_role(r))
    assert len(bad_names) <= 0.01 * len(names), bad_names
    assert len(bad_roles) <= 0.01 * len(roles), bad_roles


def test_every_hit_can_be_cited(parsed):
    assert all(doc.url and doc.url.startswith("http") for item, doc in parsed if item.get("url"))


def test_digest_headlines_stay_paragraphs_as_headings(parsed):
    digests = 0
    for item, doc in parsed:       # a digest: three or more headlines between its stories
        lines = [squeeze(line) for line in text_lines(item["text"])]
        short = [line for line in lines if len(line) <= 30 and re.match(HEADLINE, line)]
        if len(short) < 3:
            continue
        digests += 1
        headings = {squeeze(p.text) for p in doc.paragraphs if p.kind == "heading"}
        assert set(short) <= headings, item["id"]
    assert digests >= 20

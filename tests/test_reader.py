"""ydsearch.pipeline.reader: discovery, decoding and refusals."""
import gzip
import json
import os
from pathlib import Path

import pytest

from ydsearch.errors import CorpusError
from ydsearch.pipeline.normalize import strip_noise
from ydsearch.pipeline.reader import iter_sources

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix):
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


def encodable(text, enc):
    return "".join(c for c in strip_noise(text) if _ok(c, enc))


def _ok(ch, enc):
    try:
        ch.encode(enc)
        return True
    except UnicodeEncodeError:
        return False


def test_seed_folder_read_in_order():
    sources = list(iter_sources([SEEDS]))
    assert [s.doc_id for s in sources][:2] == ["000_cc6c4b9cc009c9ed", "001_c5f8348639d988a3"]
    assert len(sources) == 5
    assert all(len(s.content_hash) == 64 for s in sources)


@pytest.mark.parametrize("enc,prefix", [("utf-8-sig", "001"), ("gb18030", "001"),
                                        ("gb18030", "003"), ("big5", "004")])
def test_encodings_decode(tmp_path, enc, prefix):
    text = encodable(seed(prefix), enc if enc != "utf-8-sig" else "utf-8")
    path = tmp_path / f"{prefix}.txt"
    path.write_bytes(text.encode(enc))
    (src,) = iter_sources([path])
    assert src.text == text
    assert src.doc_id == prefix


@pytest.mark.parametrize("name,data,needle", [
    ("nul.txt", b"abc\x00def\xe4\xb8\xad", "NUL"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\r\n\xef\xbb\xbf", "empty"),
    ("bad.txt", b"\xff\xfe\xfd\xfc\xff\xff\xfa", "decode"),
    ("ctrl.txt", bytes(range(1, 32)) * 20, "binary"),
])
def test_refusals_name_the_file(tmp_path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as err:
        list(iter_sources([path]))
    assert name in str(err.value) and needle in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_and_wrong_suffix(tmp_path):
    with pytest.raises(CorpusError, match="nothere.txt"):
        list(iter_sources([tmp_path / "nothere.txt"]))
    other = tmp_path / "x.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="x.pdf"):
        list(iter_sources([other]))


def test_on_error_collects_and_continues(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text("长三角一体化发展座谈会召开。", "utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")  # skipped silently inside a folder
    (tmp_path / ".hidden.txt").write_text("隐藏", "utf-8")
    errors = []
    sources = list(iter_sources([tmp_path], on_error=lambda p, m: errors.append((p, m))))
    assert [s.doc_id for s in sources] == ["b"]
    assert len(errors) == 1 and errors[0][0].endswith("a.txt")


def _jsonl_lines():
    return [
        json.dumps({"id": "x-1", "title": "甲", "date": "2020-06-06", "text": "第一段。\n第二段。"},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"title": "乙", "text": "无编号。"}, ensure_ascii=False),
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_bad_line_reported_others_kept(tmp_path, gz):
    data = ("\n".join(_jsonl_lines()) + "\n").encode("utf-8")
    path = tmp_path / ("batch.jsonl.gz" if gz else "batch.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    errors = []
    sources = list(iter_sources([path], on_error=lambda p, m: errors.append(p)))
    assert [s.doc_id for s in sources] == ["x-1", "batch-3"]
    assert sources[0].meta == {"title": "甲", "published": "2020-06-06"}
    assert errors == [f"{path}:2"]
    got = []
    with pytest.raises(CorpusError, match=r"batch\.jsonl(\.gz)?:2"):
        for s in iter_sources([path]):
            got.append(s.doc_id)
    assert got == ["x-1", "batch-3"]


def test_sidecar_meta(tmp_path):
    (tmp_path / "004_x.txt").write_text(seed("004"), "utf-8")
    (tmp_path / "004_x.meta.json").write_text(json.dumps({"year": 2024, "source": "滁州网"}), "utf-8")
    (src,) = iter_sources([tmp_path])
    assert src.meta == {"year": 2024, "source": "滁州网"}


def test_directory_recursion_and_symlink_loop(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "deep.txt").write_text("会议召开。", "utf-8")
    (tmp_path / "top.txt").write_text("会议召开。", "utf-8")
    try:
        os.symlink(tmp_path, sub / "loop")
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")
    ids = [s.doc_id for s in iter_sources([tmp_path])]
    assert ids == ["deep", "top"]


def test_huge_txt_refused(tmp_path, monkeypatch):
    import ydsearch.pipeline.reader as reader

    monkeypatch.setattr(reader, "MAX_TXT_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("长" * 200, "utf-8")
    with pytest.raises(CorpusError, match="big.txt.*too large"):
        list(iter_sources([path]))


# -- items located, content hashed by content only -----------------------------------
def test_paths_are_absolute_and_jsonl_items_carry_their_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("会议召开。", "utf-8")
    Path("b.jsonl").write_text("\n" + json.dumps({"id": "n1", "text": "第一段。"}) + "\n", "utf-8")
    txt, item = iter_sources(["a.txt", "b.jsonl"])
    assert txt.path == str(tmp_path / "a.txt") and txt.line is None and txt.where == txt.path
    assert (item.path, item.line) == (str(tmp_path / "b.jsonl"), 2)
    assert item.where == f"{tmp_path / 'b.jsonl'}:2 (id n1)"


def test_an_item_with_empty_text_is_read_not_refused(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"id": "empty", "title": "无正文", "text": ""},
        {"id": "missing", "title": "缺"},
        {"id": "ok", "text": "正文。"})) + "\n", "utf-8")
    errors = []
    got = [s.doc_id for s in iter_sources([path], on_error=lambda p, m: errors.append((p, m)))]
    assert got == ["empty", "ok"]
    assert errors == [(f"{path}:2", "no 'text' field (id missing)")]


def test_same_content_under_another_name_has_the_same_hash(tmp_path):
    text = seed("004")
    (tmp_path / "one.txt").write_text(text, "utf-8")
    (tmp_path / "two.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    big5 = encodable(text, "big5")
    (tmp_path / "three.txt").write_bytes(big5.encode("big5"))
    (tmp_path / "four.txt").write_text(big5, "utf-8")
    line = json.dumps({"id": "five", "text": text}, ensure_ascii=False)
    (tmp_path / "five.jsonl").write_text(line + "\n", "utf-8")
    h = {s.doc_id: s.content_hash for s in iter_sources([tmp_path])}
    assert h["one"] == h["two"] == h["five"]     # name, BOM, line endings, container: no matter
    assert h["three"] == h["four"] != h["one"]   # the encoding neither; the text does


def test_stated_metadata_is_part_of_the_content(tmp_path):
    (tmp_path / "a.txt").write_text("会议召开。", "utf-8")
    before = next(iter_sources([tmp_path])).content_hash
    (tmp_path / "a.meta.json").write_text(json.dumps({"year": 2020}), "utf-8")
    assert next(iter_sources([tmp_path])).content_hash != before

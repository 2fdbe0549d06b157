"""Incremental indexing: skip unchanged, replace changed, never duplicate; the manifest."""
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from ydsearch import bundled_seeds
from ydsearch.errors import (IndexLockedError, IndexNotFoundError, YdsearchError)
from ydsearch.engine.index import Index, open_index
from ydsearch.engine.manifest import MANIFEST_NAME, current_manifest


def _paragraph_ids(ix):
    return [f["id"] for f in ix.searcher().all_stored_fields()]


def _per_doc(ix):
    return Counter(f["doc_id"] for f in ix.searcher().all_stored_fields())


def _assert_no_duplicates(ix):
    ids = _paragraph_ids(ix)
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert ix.doc_count() == len(ids)


@pytest.fixture
def seeds_copy(tmp_path):
    src = tmp_path / "seeds"
    shutil.copytree(bundled_seeds(), src)
    return src


@pytest.fixture
def built(tmp_path, seeds_copy):
    ix = Index.create(tmp_path / "index")
    report = ix.add(seeds_copy)
    assert report.documents == 5 and not report.refused
    yield ix
    ix.close()


def test_reindexing_unchanged_files_skips_them(built, seeds_copy):
    before = _per_doc(built)
    report = built.add(seeds_copy)
    assert (report.documents, report.paragraphs, report.skipped_unchanged) == (0, 0, 5)
    assert _per_doc(built) == before
    _assert_no_duplicates(built)


def test_indexing_the_same_folder_twice_duplicates_nothing(tmp_path, seeds_copy):
    ix = Index.create(tmp_path / "index")
    first = ix.add(seeds_copy, batch_size=2)
    n = ix.doc_count()
    second = ix.add([seeds_copy, seeds_copy / "000_cc6c4b9cc009c9ed.txt"], batch_size=2)
    assert first.paragraphs == n and second.documents == 0
    assert ix.doc_count() == n
    _assert_no_duplicates(ix)


def test_changed_file_replaces_its_paragraphs(built, seeds_copy):
    f = seeds_copy / "004_77abf43838bf8768.txt"
    doc_id = f.stem
    before = _per_doc(built)
    f.write_text(f.read_text(encoding="utf-8")
                 + "\n\n会议强调，要以量子通信走廊建设为抓手，推动长三角科技创新共同体建设取得新突破。\n",
                 encoding="utf-8")
    report = built.add(seeds_copy)
    assert (report.documents, report.replaced, report.skipped_unchanged) == (1, 1, 4)
    after = _per_doc(built)
    assert after[doc_id] == report.paragraphs == before[doc_id] + 1
    assert {k: v for k, v in after.items() if k != doc_id} == \
        {k: v for k, v in before.items() if k != doc_id}
    _assert_no_duplicates(built)
    result = built.search("量子通信走廊")
    assert result.total and {h.doc_id for h in result[:result.total]} == {doc_id}
    # and shrinking it back replaces again, without leftovers
    shutil.copy(bundled_seeds() / f.name, f)
    report = built.add(seeds_copy)
    assert report.replaced == 1 and _per_doc(built) == before
    assert built.search("量子通信走廊").total == 0


def test_same_doc_id_twice_in_one_run_is_refused_naming_both(tmp_path, seeds_copy):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    name = "003_dc0062237cc1f7e7.txt"
    shutil.copy(seeds_copy / name, a / name)
    (b / name).write_text("長三角一體化會議在杭州召開\n\n會議強調，要共同推進生態綠色一體化發展示範區建設。\n",
                          encoding="utf-8")
    for batch in (2000, 1):   # within one batch, and across commits
        ix = Index.create(tmp_path / f"index{batch}")
        report = ix.add([a, b], batch_size=batch)
        assert report.documents == 1
        assert len(report.refused) == 1
        path, msg = report.refused[0]
        assert path == str(b / name)
        assert str(a / name) in msg and "duplicate" in msg
        assert _per_doc(ix) == Counter({Path(name).stem: report.paragraphs})
        _assert_no_duplicates(ix)
        ix.close()


def test_same_doc_id_twice_in_one_jsonl_is_refused(tmp_path):
    src = tmp_path / "batch.jsonl"
    lines = [{"id": "x1", "text": "长三角会议在上海召开。\n\n会议强调要推进一体化。"},
             {"id": "x1", "text": "长三角会议在南京召开。\n\n会议强调要推进生态绿色。"},
             {"id": "x2", "text": "长三角会议在合肥召开。\n\n会议强调要推进科技创新。"}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n",
                   encoding="utf-8")
    ix = Index.create(tmp_path / "index")
    report = ix.add(src)
    assert report.documents == 2 and len(report.refused) == 1
    assert "'x1'" in report.refused[0][1]
    assert set(_per_doc(ix)) == {"x1", "x2"}
    assert ix.search("南京").total == 0      # the first x1 wins
    _assert_no_duplicates(ix)


def test_create_over_an_existing_index_starts_afresh(built):
    path = built.path
    built.close()
    ix = Index.create(path)
    assert ix.doc_count() == 0
    assert ix.search("长三角").total == 0
    report = ix.add(bundled_seeds())
    assert report.documents == 5 and report.skipped_unchanged == 0
    _assert_no_duplicates(ix)
    assert sorted(p.name for p in path.glob("*.toc")) == [p.name for p in path.glob("*.toc")]
    assert len(list(path.glob("*.toc"))) == 1


def test_manifest_records_the_versions(built):
    data = json.loads((built.path / MANIFEST_NAME).read_text(encoding="utf-8"))
    for key in ("format", "format_version", "schema_version", "dictionary_hash", "segmenter",
                "normalizer_version"):
        assert data[key] == current_manifest()[key], key
    assert data["format"] == "ydsearch-index" and data["created"]


def test_open_missing_and_open_or_create(tmp_path):
    with pytest.raises(IndexNotFoundError):
        open_index(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    ix = open_index(tmp_path / "new", create=True)
    assert ix.doc_count() == 0 and (tmp_path / "new" / MANIFEST_NAME).is_file()
    ix.close()
    assert open_index(tmp_path / "new", create=True).doc_count() == 0


def test_create_refuses_a_folder_that_is_not_an_index(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(YdsearchError, match="not a ydsearch index"):
        Index.create(folder)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_create_over_the_leftovers_of_a_killed_rebuild(tmp_path):
    """No manifest, a lock file and a half-written TOC: --rebuild must still work."""
    folder = tmp_path / "index"
    Index.create(folder).close()
    (folder / MANIFEST_NAME).unlink()
    (folder / "_paragraphs_2.toc.1700000000.123").write_bytes(b"\0" * 10)
    (folder / "paragraphs_abcdefabcdefabcd.trm").write_bytes(b"\0" * 10)
    assert (folder / "paragraphs_WRITELOCK").exists()
    ix = Index.create(folder)
    assert ix.add(bundled_seeds()).documents == 5
    assert not (folder / "_paragraphs_2.toc.1700000000.123").exists()


def test_rebuild_waits_for_a_running_writer(built):
    """Index.create takes the writer lock: it never deletes a writer's files under it."""
    writer = built._writer(1)
    try:
        with pytest.raises(IndexLockedError, match="locked by another writer"):
            Index.create(built.path, lock_timeout=0.3)
        assert (built.path / MANIFEST_NAME).exists()
    finally:
        writer.cancel()
    assert Index.open(built.path).doc_count() == built.doc_count() > 0


def test_document_without_text_is_skipped_and_counted_not_stored(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "chrome.txt").write_text("分享到\n\n扫一扫\n", encoding="utf-8")
    ix = Index.create(tmp_path / "index")
    report = ix.add(src)
    assert report.documents == 0 and report.skipped_empty == 1 and report.refused == []
    assert ix.doc_count() == 0


def test_open_or_create_recovers_from_an_interrupted_first_create(tmp_path):
    """Killed between whoosh's empty TOC and the manifest: nothing to lose, start again."""
    folder = tmp_path / "index"
    Index.create(folder).close()
    (folder / MANIFEST_NAME).unlink()
    ix = open_index(folder, create=True)
    assert ix.doc_count() == 0 and (folder / MANIFEST_NAME).exists()
    ix.close()
    # but an index with content and no manifest is never opened nor wiped silently
    ix = Index.open(folder)
    ix.add(bundled_seeds() / "004_77abf43838bf8768.txt")
    ix.close()
    (folder / MANIFEST_NAME).unlink()
    from ydsearch.errors import IndexIncompatibleError
    with pytest.raises(IndexIncompatibleError, match="--rebuild"):
        open_index(folder, create=True)


def test_a_paragraph_too_long_to_be_prose_is_refused(tmp_path):
    from ydsearch.engine.prepare import MAX_PARAGRAPH_CHARS

    src = tmp_path / "src"
    src.mkdir()
    (src / "oneline.txt").write_text("长三角一体化发展，" * (MAX_PARAGRAPH_CHARS // 9 + 1),
                                     encoding="utf-8")
    ix = Index.create(tmp_path / "index")
    report = ix.add(src)
    assert report.documents == 0 and "line breaks" in report.refused[0][1]
    assert ix.doc_count() == 0


def test_merges_stay_under_the_bound(tmp_path, monkeypatch):
    from ydsearch.engine import writer

    monkeypatch.setattr(writer, "SEGMENT_LIMIT", 90)
    monkeypatch.setattr(writer, "MAX_SEGMENTS", 2)
    with open_index(tmp_path / "ix", create=True) as ix:
        report = ix.add(bundled_seeds(), batch_size=1)             # five commits
        sizes = [s.ndocs for s in ix.view().segments]
        assert sum(sizes) == report.paragraphs == 115
        merged = [n for n in sizes if n > 53]                     # bigger than any one document
        assert merged and all(n <= 90 for n in merged)
        assert len(sizes) < 5                                       # small ones were merged
        assert ix.search('"生态绿色"').total == 5
        assert ix.check(deep=True) == 115


def test_a_changed_document_is_merged_away_and_its_old_paragraphs_never_return(tmp_path,
                                                                               monkeypatch):
    from ydsearch.engine import writer

    monkeypatch.setattr(writer, "MAX_SEGMENTS", 1)
    src = tmp_path / "src"
    shutil.copytree(bundled_seeds(), src)
    with open_index(tmp_path / "ix", create=True) as ix:
        ix.add(src)
        f = src / "004_77abf43838bf8768.txt"
        f.write_text(f.read_text(encoding="utf-8") + "\n\n会议强调，要建设量子通信走廊。\n",
                     encoding="utf-8")
        report = ix.add(src)                                        # delete + add + merge
        assert report.replaced == 1
        assert len(ix.view().segments) == 1                         # merged, deletions dropped
        _assert_no_duplicates(ix)
        assert ix.search('"量子通信走廊"').total == 1
        assert ix.search('"生态绿色"').total == 5

"""Crash safety, concurrency, damaged or hostile index folders.

Real indexing processes (``tests/drivers/slow_index.py``) are SIGKILLed at
chosen points -- inside a commit, exactly, and at wall-clock times -- and the
index is then checked to be exactly its last commit: whole documents only, no
duplicate, every query answers, and the same command finishes the work.
"""
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from ydsearch import bundled_seeds
from ydsearch.errors import (IndexCorruptError, IndexIncompatibleError, IndexLockedError,
                             IndexNotFoundError)
from ydsearch.engine.index import Index, open_index
from ydsearch.engine.manifest import MANIFEST_NAME

from .drivers.articles import expected_paragraphs, make_articles

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "drivers" / "slow_index.py"
SMALL_SEED = bundled_seeds() / "004_77abf43838bf8768.txt"
HANG = 60          # generous guard for any subprocess
N_ARTICLES = 24
BATCH = 3


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_driver(index, *sources, args=(), timeout=HANG):
    cmd = [sys.executable, str(DRIVER), str(index), *map(str, sources), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env())


def start_driver(index, *sources, args=()):
    cmd = [sys.executable, str(DRIVER), str(index), *map(str, sources), *map(str, args)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env())


def wait_for_line(proc, prefix, timeout=HANG):
    """Read the driver's stdout until a line starts with ``prefix``; return the lines read."""
    lines, found = [], threading.Event()

    def reader():
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith(prefix):
                found.set()
                return
        found.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    assert found.wait(timeout), f"no {prefix!r} line within {timeout} s: {lines}"
    assert lines and lines[-1].startswith(prefix), (lines, proc.stderr.read())
    return lines


def cli(*args, env=None):
    from click.testing import CliRunner
    from ydsearch.cli.app import cli as command

    return CliRunner().invoke(command, [str(a) for a in args], env=env)


def assert_waits_then_fails(result, needle):
    """A writer that found the lock taken: one line saying it waits, then one error."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("another process is writing the index at ")
    assert "waiting up to 0.5 s" in lines[0]
    assert lines[1].startswith("Error: ") and needle in lines[1]


def assert_one_error_line(result, code, *needles):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def check_consistent(path, expected):
    """The index at ``path`` holds whole documents of ``expected`` only; return their ids."""
    if not (Path(path) / MANIFEST_NAME).exists():
        # killed before its first commit (even before the manifest): no index yet
        assert not list(Path(path).glob("*.seg")) if Path(path).is_dir() else True
        with pytest.raises((IndexNotFoundError, IndexIncompatibleError)):
            Index.open(path)
        return set()
    with Index.open(path) as ix:
        stored = list(ix.searcher().all_stored_fields())
        ids = Counter(f["id"] for f in stored)
        assert all(n == 1 for n in ids.values()), "duplicated paragraphs"
        per_doc = Counter(f["doc_id"] for f in stored)
        for doc_id, n in per_doc.items():
            assert n == expected[doc_id], f"{doc_id}: {n} of {expected[doc_id]} paragraphs"
        assert ix.doc_count() == len(stored) == ix.check(deep=True)
        res = ix.search("长三角 一体化")
        assert res.total >= 0
        if per_doc:
            assert ix.search("会议编号").total == len(per_doc)
        return set(per_doc)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles") / "src"
    make_articles(folder, N_ARTICLES)
    return folder, expected_paragraphs(folder)


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory, corpus):
    folder, expected = corpus
    path = tmp_path_factory.mktemp("clean") / "index"
    with Index.create(path) as ix:
        ix.add(folder)
        rows = sorted((f["id"], f["text"]) for f in ix.searcher().all_stored_fields())
    assert len(rows) == sum(expected.values())
    return rows


def assert_equals_clean_build(path, clean_rows):
    with Index.open(path) as ix:
        rows = sorted((f["id"], f["text"]) for f in ix.searcher().all_stored_fields())
    assert rows == clean_rows


# -- crash safety -------------------------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_at_exact_points_of_a_commit(tmp_path, corpus, clean_build):
    """Die (SIGKILL) inside a commit: right after taking the lock, with the segment
    written but no TOC, with the TOC written but not renamed, and just after it is
    published (before whoosh cleans up)."""
    folder, expected = corpus
    order = sorted(expected)
    for point in ("locked", "segment", "toc-temp", "renamed"):
        index = tmp_path / f"index-{point}"
        p = run_driver(index, folder, args=["--batch", BATCH, "--die", point,
                                            "--die-at-commit", 2])
        assert p.returncode == -signal.SIGKILL, (point, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr
        assert p.stdout.count("commit-end") == 1, p.stdout
        committed = (1 + (point == "renamed")) * BATCH
        docs = check_consistent(index, expected)
        assert docs == set(order[:committed]), (point, p.stdout)
        p = run_driver(index, folder, args=["--batch", BATCH])
        assert p.returncode == 0, p.stdout + p.stderr
        report = json.loads(p.stdout.split("done ", 1)[1])
        assert report["skipped_unchanged"] == committed
        assert check_consistent(index, expected) == set(expected)
        assert_equals_clean_build(index, clean_build)
        # what the killed commit left was removed by the next writer
        assert not [f for f in os.listdir(index) if ".toc." in f or f.endswith(".tmp")]
        assert len(list(index.glob("*.toc"))) == 1
        live = {f.name.split(".")[0] for f in index.glob("paragraphs_*.sub")}
        assert all(f.name.split(".")[0] in live for f in index.glob("paragraphs_*")
                   if f.name != "paragraphs_WRITELOCK")


@pytest.mark.slow
def test_sigkill_at_wall_clock_times_and_mid_commit(tmp_path, corpus, clean_build):
    folder, expected = corpus
    index = tmp_path / "index"
    outcomes = []
    for delay in (0.5, 1.0, 2.0, "commit-begin"):
        # a short pause after each article keeps a run going for a few seconds
        proc = start_driver(index, folder, args=["--batch", 3, "--doc-delay", 0.1])
        try:
            if delay == "commit-begin":
                wait_for_line(proc, "commit-begin")
            else:
                time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(HANG)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(HANG)
        err = proc.stderr.read()
        assert "Traceback" not in err, err
        outcomes.append((delay, proc.returncode, len(check_consistent(index, expected))))
    assert all(rc in (-signal.SIGKILL, 0) for _, rc, _ in outcomes), outcomes
    p = run_driver(index, folder, args=["--batch", 3])
    assert p.returncode == 0, p.stdout + p.stderr
    assert check_consistent(index, expected) == set(expected)
    assert_equals_clean_build(index, clean_build)


def test_sigkill_during_rebuild_is_refused_then_rebuilt(tmp_path, corpus):
    folder, expected = corpus
    index = tmp_path / "index"
    assert run_driver(index, SMALL_SEED).returncode == 0
    p = run_driver(index, folder, args=["--rebuild", "--die", "create"])
    assert p.returncode == -signal.SIGKILL, p.stdout + p.stderr
    # old files gone, no manifest yet: refused (never half-trusted), with the remedy
    with pytest.raises((IndexIncompatibleError, IndexNotFoundError), match="--rebuild|index"):
        Index.open(index)
    r = cli("--index", index, "query", "长三角")
    assert_one_error_line(r, 3)
    r = cli("--index", index, "index", "--rebuild", SMALL_SEED)
    assert r.exit_code == 0, r.stderr
    with Index.open(index) as ix:
        assert ix.search("长三角").total > 0


# -- concurrency ---------------------------------------------------------------------------------
def _subset(corpus, tmp_path, name, n, start=0):
    folder, _ = corpus
    dst = tmp_path / name
    dst.mkdir()
    for f in sorted(folder.glob("*.txt"))[start:start + n]:
        shutil.copy(f, dst / f.name)
    return dst


def test_second_writer_times_out_clearly_and_a_killed_writer_leaves_no_stale_lock(
        tmp_path, corpus):
    _, expected = corpus
    index = tmp_path / "index"
    slow = _subset(corpus, tmp_path, "slow", 6)
    other = _subset(corpus, tmp_path, "other", 3, start=10)
    Index.create(index).close()
    holder = start_driver(index, slow, args=["--doc-delay", 5, "--batch", 1000])
    try:
        wait_for_line(holder, "writer")
        # library: bounded wait, then IndexLockedError
        with Index.open(index) as ix:
            with pytest.raises(IndexLockedError, match="locked by another writer"):
                ix.add(other, lock_timeout=0.5)
        # CLI: says that it waits, then one error line, exit 1, no traceback
        r = cli("--index", index, "index", other, env={"YDSEARCH_LOCK_TIMEOUT": "0.5"})
        assert_waits_then_fails(r, "locked by another writer")
        # a rebuild does not wipe the files under the running writer either
        r = cli("--index", index, "index", "--rebuild", other,
                env={"YDSEARCH_LOCK_TIMEOUT": "0.5"})
        assert_waits_then_fails(r, "locked")
        # readers are not blocked
        with Index.open(index) as ix:
            assert ix.search("长三角").total == 0
        # kill the writer while it holds the lock: the OS drops the flock
        holder.send_signal(signal.SIGKILL)
        holder.wait(HANG)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(HANG)
    assert (index / "paragraphs_WRITELOCK").exists()      # the stale lock file is there
    with Index.open(index) as ix:
        report = ix.add(other, lock_timeout=5)
    assert report.documents == 3
    assert check_consistent(index, expected) == {p.stem for p in other.glob("*.txt")}


def test_two_cli_writers_at_once_both_finish_or_one_is_refused(tmp_path, corpus):
    _, expected = corpus
    index = tmp_path / "index"
    a = _subset(corpus, tmp_path, "a", 5)
    b = _subset(corpus, tmp_path, "b", 5, start=5)
    r = cli("--index", index, "index", SMALL_SEED)
    assert r.exit_code == 0, r.stderr
    cmd = [sys.executable, "-m", "ydsearch", "--index", str(index), "index"]
    procs = [subprocess.Popen(cmd + [str(src)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=_env(), cwd=tmp_path) for src in (a, b)]
    results = [(p.wait(HANG), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for rc, err in results:
        assert "Traceback" not in err, err
        assert rc == 0 or (rc == 1 and "locked by another writer" in err), (rc, err)
    assert any(rc == 0 for rc, _ in results)
    seeds = {SMALL_SEED.stem}
    with Index.open(index) as ix:
        docs = Counter(f["doc_id"] for f in ix.searcher().all_stored_fields())
        assert all(docs[d] == expected[d] for d in docs if d not in seeds)
        ids = [f["id"] for f in ix.searcher().all_stored_fields()]
        assert len(ids) == len(set(ids))
    wanted = seeds | {p.stem for (rc, _), src in zip(results, (a, b)) if rc == 0
                      for p in src.glob("*.txt")}
    assert set(docs) == wanted


@pytest.mark.slow
def test_searches_during_indexing_answer_from_the_last_commit(tmp_path, corpus):
    _, expected = corpus
    index = tmp_path / "index"
    src = _subset(corpus, tmp_path, "src", 16)
    Index.create(index).close()
    long_lived = Index.open(index)
    proc = start_driver(index, src, args=["--batch", 2])
    seen, rounds = [], 0
    try:
        while proc.poll() is None or rounds == 0:
            n = long_lived.search("会议编号", limit=0).total
            with Index.open(index) as fresh:      # opening races the writer's cleanup
                m = fresh.search("会议编号", limit=0).total
                stored = list(fresh.searcher().all_stored_fields())   # same or later commit
            per_doc = Counter(f["doc_id"] for f in stored)
            assert all(per_doc[d] == expected[d] for d in per_doc)   # whole docs only
            assert m <= len(per_doc)
            seen.append((n, m))
            rounds += 1
            time.sleep(0.1)           # leave the writer some of the two cores
        assert proc.wait(HANG) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(HANG)
        long_lived.close()
    firsts = [n for n, _ in seen]
    assert firsts == sorted(firsts), "a reader went back in time"
    with Index.open(index) as ix:
        assert ix.search("会议编号", limit=0).total == 16


# -- damaged or incompatible index folders --------------------------------------------------------
@pytest.fixture
def index_copy(tmp_path, seed_index_path):
    dst = tmp_path / "index"
    shutil.copytree(seed_index_path, dst)
    return dst


def _edit_manifest(path, **changes):
    mf = path / MANIFEST_NAME
    data = json.loads(mf.read_text(encoding="utf-8"))
    data.update(changes)
    mf.write_text(json.dumps(data), encoding="utf-8")


def _segments(path, ext=""):
    """The files of the index's segments (those ending in ``ext``), smallest first."""
    return sorted((p for p in path.glob("paragraphs_*" + ext) if "WRITELOCK" not in p.name),
                  key=lambda p: p.stat().st_size)


def _truncate(path, ext):
    seg = _segments(path, ext)[-1]
    os.truncate(seg, seg.stat().st_size // 2)


FAULTS = {
    "schema version": (lambda p: _edit_manifest(p, schema_version=999),
                       IndexIncompatibleError, "schema_version"),
    "dictionary": (lambda p: _edit_manifest(p, dictionary_hash="0" * 16),
                   IndexIncompatibleError, "dictionary_hash"),
    "segmenter": (lambda p: _edit_manifest(p, segmenter="jieba-0.0"),
                  IndexIncompatibleError, "segmenter"),
    "not our manifest": (lambda p: (p / MANIFEST_NAME).write_text('{"format": "other"}'),
                         IndexIncompatibleError, "not a ydsearch index manifest"),
    "garbled manifest": (lambda p: (p / MANIFEST_NAME).write_bytes(b"\xff{"),
                         IndexCorruptError, "unreadable"),
    "no manifest": (lambda p: (p / MANIFEST_NAME).unlink(),
                    IndexIncompatibleError, "without a ydsearch manifest"),
    "truncated segment": (lambda p: _truncate(p, ".pst"), IndexCorruptError, "damaged"),
    "truncated term table": (lambda p: _truncate(p, ".trm"), IndexCorruptError, "damaged"),
    "truncated stored fields": (lambda p: _truncate(p, "._stored.col"), IndexCorruptError,
                                "damaged"),
    "truncated substring index": (lambda p: _truncate(p, ".sub"), IndexCorruptError,
                                  "damaged"),
    "empty segment": (lambda p: os.truncate(_segments(p)[0], 0), IndexCorruptError, "damaged"),
    "missing segment": (lambda p: _segments(p)[0].unlink(), IndexCorruptError, "missing"),
    "missing substring index": (lambda p: _segments(p, ".sub")[0].unlink(),
                                IndexCorruptError, "missing"),
    "missing toc": (lambda p: [t.unlink() for t in p.glob("*.toc")],
                    IndexCorruptError, "table of contents"),
    "truncated toc": (lambda p: [os.truncate(t, 40) for t in p.glob("*.toc")],
                      IndexCorruptError, "damaged"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_damaged_or_incompatible_index_is_one_clear_error(index_copy, fault):
    mutate, error, needle = FAULTS[fault]
    mutate(index_copy)
    with pytest.raises(error) as exc:
        open_index(index_copy)
    msg = str(exc.value)
    assert needle in msg and "ydsearch index --rebuild" in msg and "\n" not in msg
    r = cli("--index", index_copy, "query", "长三角")
    assert_one_error_line(r, 3, "--rebuild")
    if fault != "no manifest":        # (see test_foreign_index_without_manifest_...)
        r = cli("--index", index_copy, "index", SMALL_SEED)
        assert_one_error_line(r, 3, "--rebuild")
    if fault in ("dictionary", "truncated segment", "missing toc", "garbled manifest"):
        # and the remedy works
        r = cli("--index", index_copy, "index", "--rebuild", SMALL_SEED)
        assert r.exit_code == 0, r.stderr
        with Index.open(index_copy) as ix:
            assert ix.search("长三角").total > 0


def test_damage_after_open_surfaces_as_index_corrupt_error(index_copy):
    ix = Index.open(index_copy)
    try:
        assert ix.search("长三角").total > 0
        for seg in _segments(index_copy, ".sub"):   # a writer elsewhere would never do this
            with open(seg, "r+b") as f:
                f.write(b"\xff" * 64)
        # a new commit appears (so the searcher refreshes onto the damaged files)
        toc = next(index_copy.glob("*.toc"))
        gen = int(toc.stem.rsplit("_", 1)[1])
        shutil.copy(toc, toc.with_name(f"_paragraphs_{gen + 1}.toc"))
        with pytest.raises(IndexCorruptError, match="damaged"):
            ix.search("长三角")
    finally:
        ix.close()


def test_index_path_that_is_a_file(tmp_path):
    f = tmp_path / "index"
    f.write_text("not a folder", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="not a directory"):
        open_index(f)
    with pytest.raises(IndexCorruptError, match="not a directory"):
        Index.create(f)
    assert_one_error_line(cli("--index", f, "query", "长三角"), 3, "not a directory")
    assert_one_error_line(cli("--index", f, "index", bundled_seeds()), 3, "not a directory")
    assert f.read_text(encoding="utf-8") == "not a folder"


def test_read_only_index(index_copy, monkeypatch):
    """Searching works, writing fails with one line (exit 3).  As root chmod does
    not stop writes, so the refusal of the lock file is simulated there."""
    os.chmod(index_copy, 0o555)
    try:
        simulated = os.access(index_copy, os.W_OK)      # root: writes would succeed
        if simulated:
            from whoosh.util import filelock

            def refuse(self, blocking=False):
                raise PermissionError(13, "Permission denied", self.filename)

            monkeypatch.setattr(filelock.FcntlLock, "acquire", refuse)
        changed = index_copy.parent / "changed.txt"        # something to write
        changed.write_text(SMALL_SEED.read_text(encoding="utf-8") + "\n会议强调，要共建量子走廊。\n",
                           encoding="utf-8")
        with Index.open(index_copy) as ix:
            assert ix.search("长三角").total > 0
            with pytest.raises(IndexCorruptError, match="cannot write the index.*Permission"):
                ix.add(changed)
            assert ix.add(bundled_seeds()).skipped_unchanged == 5   # nothing to write: fine
        assert cli("--index", index_copy, "query", "长三角").exit_code == 0
        assert_one_error_line(cli("--index", index_copy, "index", changed), 3,
                              "cannot write the index")
        assert_one_error_line(cli("--index", index_copy, "index", "--rebuild",
                                  bundled_seeds()), 3, "cannot write the index")
    finally:
        os.chmod(index_copy, 0o755)
    with Index.open(index_copy) as ix:       # nothing was lost
        assert ix.search("长三角").total > 0


# -- pickle safety -----------------------------------------------------------------------------
class _Payload:
    """Unpickling this creates the marker file (a harmless stand-in for any code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _malicious_toc(folder, marker):
    """A whoosh 2.7 table of contents whose pickled schema runs code."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    folder.mkdir(parents=True, exist_ok=True)
    stream = FileStorage(str(folder)).create_file("_paragraphs_1.toc")
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(_CURRENT_TOC_VERSION)
    for n in (2, 7, 4):
        stream.write_varint(n)
    stream.write_string(pickle.dumps(_Payload(marker), 2))
    stream.write_int(1)
    stream.write_int(0)
    stream.write_pickle([])
    stream.close()


def test_the_malicious_toc_is_live(tmp_path):
    """Control: whoosh itself does run the payload (so the next tests mean something)."""
    from whoosh import index as wix

    folder, marker = tmp_path / "evil", tmp_path / "pwned"
    _malicious_toc(folder, marker)
    with pytest.raises(Exception):
        wix.open_dir(str(folder), indexname="paragraphs")
    assert marker.exists()


@pytest.mark.parametrize("manifest", [None, b"not json", b'{"format": "ydsearch-index"}',
                                      b'{"format": "whoosh"}', b"[]"])
def test_malicious_toc_without_a_valid_manifest_is_never_unpickled(tmp_path, manifest):
    folder, marker = tmp_path / "evil", tmp_path / "pwned"
    _malicious_toc(folder, marker)
    if manifest is not None:
        (folder / MANIFEST_NAME).write_bytes(manifest)
    with pytest.raises((IndexIncompatibleError, IndexCorruptError)):
        open_index(folder)
    with pytest.raises((IndexIncompatibleError, IndexCorruptError)):
        open_index(folder, create=True)
    assert_one_error_line(cli("--index", folder, "query", "长三角"), 3)
    assert_one_error_line(cli("--index", folder, "stats"), 3)
    if manifest is not None:
        assert_one_error_line(cli("--index", folder, "index", bundled_seeds()), 3)
    assert not marker.exists()


def test_malicious_schema_with_a_valid_manifest_is_never_unpickled(tmp_path):
    """ydsearch never reads the pickled schema: the payload cannot run."""
    from ydsearch.engine.manifest import write_manifest

    folder, marker = tmp_path / "evil", tmp_path / "pwned"
    _malicious_toc(folder, marker)
    write_manifest(folder)
    with open_index(folder) as ix:                  # its (empty) segment list is plain data
        assert ix.doc_count() == 0
    assert cli("--index", folder, "query", "长三角").exit_code == 0
    assert not marker.exists()


@pytest.mark.parametrize("where", ["toc segments", "term table header"])
def test_payloads_planted_in_a_real_index_never_run(index_copy, tmp_path, where):
    """A valid manifest and whole files, but a payload where whoosh keeps a pickle:
    refused as damaged (exit 3), and the payload never runs."""
    import whoosh.filedb.filestore as fs

    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker), 2)
    if where == "toc segments":
        toc = next(index_copy.glob("*.toc"))
        data = toc.read_bytes()
        # the segment list is the last pickle of the TOC: replace it
        from whoosh.index import TOC
        storage = fs.FileStorage(str(index_copy))
        gen = int(toc.stem.rsplit("_", 1)[1])
        stream = storage.open_file(toc.name)
        for _ in range(3):
            stream.read_varint()
        stream.read_int(), stream.read_int()
        for _ in range(3):
            stream.read_varint()
        stream.skip_string()
        stream.read_int(), stream.read_int()
        at = stream.tell()
        stream.close()
        toc.write_bytes(data[:at] + payload)
        assert gen >= 1 and TOC   # (whoosh itself would run it: see the control test)
    else:
        trm = next(index_copy.glob("paragraphs_*.trm"))
        data = bytearray(trm.read_bytes())
        # the hash file's header pickle ends 4 bytes before the end (its length)
        exlen = int.from_bytes(data[-4:], "big")
        start = len(data) - 4 - exlen
        new = payload.ljust(exlen, b".")
        assert len(new) == exlen
        data[start:start + exlen] = new
        trm.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="damaged"):
        open_index(index_copy)
    assert_one_error_line(cli("--index", index_copy, "query", "长三角"), 3, "--rebuild")
    assert not marker.exists()

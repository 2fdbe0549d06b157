"""Ctrl-C and concurrency, end to end with real ``python -m ydsearch`` processes.

SIGINT is sent to the whole process group, as a terminal's Ctrl-C is (so the
parsing workers get it too), at chosen moments of a run over articles made
from the seeds.  After it: exit 130, one ``Interrupted; …`` line and no
traceback on stderr, no process left, no file in the index folder that its
last commit does not refer to, the committed documents whole; and running the
same command again completes the index with every article exactly once.
"""
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.drivers.articles import expected_paragraphs, make_articles
from ydsearch.engine.index import Index
from ydsearch.engine.locks import writer_active

ROOT = Path(__file__).resolve().parent.parent
HANG = 60            # seconds before a test declares a process hung (not a timing check)


def _env():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for var in ("YDSEARCH_INDEX", "YDSEARCH_DEBUG", "COLUMNS"):
        env.pop(var, None)
    return env


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)   # as a shell starts a foreground job


def start_index(index, folder, *extra, stderr=subprocess.PIPE):
    return subprocess.Popen(
        [sys.executable, "-m", "ydsearch", "--index", str(index), "index", str(folder),
         "--batch-size", "10", "--workers", "2", *map(str, extra)],
        stdout=subprocess.PIPE, stderr=stderr, env=_env(), cwd=ROOT,
        start_new_session=True, preexec_fn=_default_sigint)


def run_index(index, folder, *extra):
    return subprocess.run(
        [sys.executable, "-m", "ydsearch", "--index", str(index), "index", str(folder),
         "--batch-size", "10", *map(str, extra)],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600)


def ctrl_c(proc):
    """What a terminal does on Ctrl-C: SIGINT to the foreground process group."""
    os.killpg(proc.pid, signal.SIGINT)


def group_gone(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def unreferenced_files(index):
    """Files of the index folder that its latest table of contents does not refer to."""
    from whoosh.filedb.filestore import FileStorage

    from ydsearch.engine.schema import build_schema
    from ydsearch.engine.toc import read_toc

    toc = read_toc(FileStorage(str(index)), "paragraphs", build_schema())
    segments = {s.segment_id() for s in toc.segments}
    allowed = {"ydsearch.json", "paragraphs_WRITELOCK", f"_paragraphs_{toc.generation}.toc"}
    out = []
    for name in os.listdir(index):
        m = re.match(r"(paragraphs_[0-9a-z]+)\.", name)
        if name in allowed or (m and m.group(1) in segments):
            continue
        out.append(name)
    return out


def indexed_paragraphs(index):
    """doc_id -> paragraphs stored, checking no paragraph id is stored twice."""
    with Index.open(index) as ix:
        ids = [s["id"] for s in ix.searcher().all_stored_fields()]
    assert len(ids) == len(set(ids)), "a paragraph is indexed twice"
    return Counter(i.split("#")[0] for i in ids)


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    make_articles(folder, 160, seed=7)
    return folder, expected_paragraphs(folder)


@pytest.fixture
def started_index(tmp_path, articles):
    """Makes an existing index holding one article (so the run under test creates nothing)."""
    folder, expected = articles
    made = []

    def make():
        index = tmp_path / f"index{len(made)}"
        r = run_index(index, sorted(folder.glob("*.txt"))[0])
        assert r.returncode == 0, r.stderr
        made.append(index)
        return index
    return make


def interrupted_run(new_index, folder, ready, send, what, attempts=3):
    """Start an index run, wait until ``ready(index)``, ``send(proc)`` the signal.

    A run that completed before the signal reached it (the last commit was being
    written when the test looked: the process exits milliseconds later), or
    before the test saw it ready, says nothing about interrupts; it is tried
    again on a fresh index.
    """
    for _ in range(attempts):
        index = new_index()
        proc = start_index(index, folder)
        if not wait_until(lambda: ready(index), proc, what, may_end=True):
            finish(proc)
            continue
        send(proc)
        out, err = finish(proc)
        if not (proc.returncode == 0 and err.startswith("indexed ")):
            return proc, index, out, err
    pytest.fail(f"{attempts} runs finished before the signal reached them")


def wait_until(condition, proc, what, may_end=False):
    """Poll ``condition`` until true; False if the run ended first and ``may_end``."""
    deadline = time.monotonic() + HANG
    while not condition():
        if proc.poll() is not None:
            if may_end and proc.returncode == 0:
                return False
            pytest.fail(f"the run ended ({proc.returncode}) before {what}: "
                        f"{proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"never saw {what}")
        time.sleep(0.02)
    return True


def committed_docs(index) -> int:
    try:
        with Index.open(index) as ix:
            return len({s["doc_id"] for s in ix.searcher().all_stored_fields()})
    except Exception:  # noqa: BLE001 - between a commit's steps: try again
        return 0


def finish(proc):
    try:
        out, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the interrupted run did not exit (hung)")
    return out, err.decode() if isinstance(err, bytes) else err


def check_interrupted(proc, index, err, articles, already=1):
    folder, expected = articles
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Interrupted; "), err
    assert "Traceback" not in err
    assert group_gone(proc.pid), "a worker process outlived the interrupted run"
    assert unreferenced_files(index) == []
    assert not (index / "paragraphs.tmp").exists()
    kept = indexed_paragraphs(index)
    for doc, n in kept.items():            # committed documents are whole
        assert n == expected[doc], doc
    m = re.search(r"the ([\d,]+ )?documents? committed by this run (are|is) kept", lines[0])
    said = (int(m.group(1).replace(",", "")) if m.group(1) else 1) if m else 0
    assert said == len(kept) - already, err
    # the same command again: resumes, and every article is there exactly once
    r = run_index(index, folder)
    assert r.returncode == 0, r.stderr
    assert f"({len(kept)} unchanged skipped" in r.stderr
    assert indexed_paragraphs(index) == Counter(expected)
    assert unreferenced_files(index) == []
    return kept


def test_ctrl_c_while_writing_keeps_the_commits_and_resumes(started_index, articles):
    proc, index, out, err = interrupted_run(started_index, articles[0],
                                            lambda ix: committed_docs(ix) > 15, ctrl_c,
                                            "two commits")
    assert out == b""
    kept = check_interrupted(proc, index, err, articles)
    assert 15 < len(kept) < len(articles[1])


def test_ctrl_c_while_workers_parse_before_any_commit(tmp_path, articles):
    def new_index():
        index = tmp_path / f"index{len(list(tmp_path.iterdir()))}"
        Index.create(index).close()
        return index
    proc, index, out, err = interrupted_run(new_index, articles[0], writer_active, ctrl_c,
                                            "the writer at work")
    kept = check_interrupted(proc, index, err, articles, already=0)
    assert "nothing from this run was committed" in err or kept


def test_sigint_to_the_main_process_alone(started_index, articles):
    proc, index, out, err = interrupted_run(   # `kill -INT pid`: the workers get nothing
        started_index, articles[0], lambda ix: committed_docs(ix) > 5,
        lambda p: p.send_signal(signal.SIGINT), "a commit")
    check_interrupted(proc, index, err, articles)


def test_ctrl_c_while_committing_on_a_terminal(started_index, articles):
    """stderr on a pseudo-terminal: the progress bar is drawn; SIGINT as soon as it
    says committing…; the bar is cleared and the last line is the interruption."""
    index = started_index()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = start_index(index, articles[0], stderr=slave)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + HANG
    while b"committing" not in seen.split(b"\n")[-1] or seen.count(b"committing") < 2:
        if time.monotonic() > deadline or proc.poll() is not None:
            break
        if select.select([master], [], [], 0.05)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    assert b"committing" in seen, seen[-500:]
    ctrl_c(proc)
    proc.wait(HANG)
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as e:      # EIO: the other side is closed
            assert e.errno == errno.EIO
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert re.search(r"\d+%\|.*\| [\d.]+k?/[\d.]+k? \[\d\d:\d\d<\d\d:\d\d, ", text), text[-400:]
    assert "documents," in text and "paragraphs" in text
    shown = [line.strip() for line in re.split(r"[\r\n]", text) if line.strip()]
    assert shown[-1].startswith("Interrupted; "), shown[-3:]
    assert "Traceback" not in text
    proc.stderr = None
    check_interrupted(proc, index, shown[-1], articles)


def test_a_failed_commit_leaves_no_files_and_the_next_run_completes(tmp_path, articles,
                                                                    monkeypatch):
    """A full disk in the middle of a commit: the error propagates, the dead
    segment's files are deleted, the commits before stay, a re-run completes."""
    from whoosh import writing

    folder, expected = articles
    index = tmp_path / "index"
    ix = Index.create(index)
    real = writing.SegmentWriter._assemble_segment
    commits = []

    def full_disk(self):
        commits.append(1)
        if len(commits) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self)

    monkeypatch.setattr(writing.SegmentWriter, "_assemble_segment", full_disk)
    with pytest.raises(OSError, match="No space left"):
        ix.add(folder, batch_size=10)
    assert unreferenced_files(index) == []
    kept = indexed_paragraphs(index)
    assert len(kept) == 20 and all(expected[d] == n for d, n in kept.items())
    monkeypatch.setattr(writing.SegmentWriter, "_assemble_segment", real)
    report = ix.add(folder, batch_size=10)
    ix.close()
    assert report.skipped_unchanged == 20 and report.documents == len(expected) - 20
    assert indexed_paragraphs(index) == Counter(expected)
    assert unreferenced_files(index) == []


def test_files_of_a_killed_writer_go_at_the_next_run(tmp_path, articles):
    """SIGKILL cannot be cleaned up after: the next writer deletes what the
    dead one left (here: a whole segment written, its commit never made)."""
    folder, expected = articles
    index = tmp_path / "index"
    driver = ROOT / "tests" / "drivers" / "slow_index.py"
    p = subprocess.run([sys.executable, str(driver), str(index), str(folder), "--batch", "40",
                        "--die", "segment", "--die-at-commit", "2"],
                       capture_output=True, text=True, env=_env(), timeout=600)
    assert p.returncode == -signal.SIGKILL, p.stderr
    assert unreferenced_files(index)            # the dead segment is there
    r = run_index(index, folder)
    assert r.returncode == 0, r.stderr
    assert unreferenced_files(index) == []
    assert indexed_paragraphs(index) == Counter(expected)


def test_a_waiting_writer_says_so_once_and_a_first_build_is_announced(tmp_path, articles):
    from ydsearch.errors import IndexLockedError

    folder, _ = articles
    index = tmp_path / "index"
    Index.create(index).close()
    driver = ROOT / "tests" / "drivers" / "slow_index.py"
    holder = subprocess.Popen([sys.executable, str(driver), str(index), str(folder),
                               "--doc-delay", "5", "--batch", "1000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(), start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "writer"
        waits = []
        with Index.open(index) as ix:
            with pytest.raises(IndexLockedError):
                ix.add(sorted(folder.glob("*.txt"))[-1], lock_timeout=0.3,
                       on_wait=lambda: waits.append(1))
        assert waits == [1]
        # a reader of the empty index being built is told so (exit 1, one line)
        r = subprocess.run([sys.executable, "-m", "ydsearch", "--index", str(index), "query",
                            "长三角"], capture_output=True, text=True, env=_env(), cwd=ROOT,
                           timeout=HANG)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.strip().splitlines() == [
            f"Error: the index at {index} is being built by another process and holds no "
            f"passage yet; try again when it has committed its first batch"]
    finally:
        holder.kill()
        holder.wait(HANG)
    # writer gone: the empty index is just empty again
    r = subprocess.run([sys.executable, "-m", "ydsearch", "--index", str(index), "query",
                        "长三角"], capture_output=True, text=True, env=_env(), cwd=ROOT,
                       timeout=HANG)
    assert r.returncode == 0 and "no passage matches" in r.stderr


def test_ctrl_c_in_the_middle_of_writing_a_segment_is_quiet(tmp_path, articles, monkeypatch):
    """Ctrl-C while a commit writes the term table: the half-written segment goes,
    nothing complains when what was suspended is collected, a re-run completes."""
    import gc

    from ydsearch.engine import codec

    folder, expected = articles
    index = tmp_path / "index"
    real = codec.YdFieldWriter.add_field_arrays
    calls = []

    def interrupted(self, *args, **kwargs):
        calls.append(id(self))
        if len(set(calls)) == 2 and calls.count(id(self)) == 3:   # 3 fields into commit 2
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(codec.YdFieldWriter, "add_field_arrays", interrupted)
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    ix = Index.create(index)
    with pytest.raises(KeyboardInterrupt):
        ix.add(folder, batch_size=100)
    gc.collect()
    assert unraisable == []
    assert unreferenced_files(index) == [] and not (index / "paragraphs.tmp").exists()
    assert sum(indexed_paragraphs(index).values()) > 0         # the first commit stays
    monkeypatch.setattr(codec.YdFieldWriter, "add_field_arrays", real)
    ix.add(folder, batch_size=100)
    ix.close()
    assert indexed_paragraphs(index) == Counter(expected)


# -- the scale corpus (slow; read from its path, never copied into the repository) -----------
SCALE = Path(os.environ.get("YDSEARCH_SCALE_CORPUS")
             or ROOT.parent / "shared" / "corpora" / "scale" / "xwlb_2017_2026.jsonl.gz")
if not SCALE.is_file():
    SCALE = Path("/work/shared/corpora/scale/xwlb_2017_2026.jsonl.gz")


@pytest.mark.slow
@pytest.mark.skipif(not SCALE.is_file(), reason=f"scale corpus not found at {SCALE}")
@pytest.mark.parametrize("moment", ["parsing", "after a commit"])
def test_ctrl_c_on_twelve_thousand_news_items(tmp_path, moment):
    """The case that hung: Ctrl-C while the workers parse a 12,000-item .jsonl.gz
    (the process waited forever on its pool; version 1 was 12 s in, this one
    indexes all of it in about 7 s, so 1.5 s), and Ctrl-C after the first commit."""
    import gzip
    from itertools import islice

    part = tmp_path / "slice.jsonl.gz"
    with gzip.open(SCALE, "rb") as src, gzip.open(part, "wb") as dst:
        dst.writelines(islice(src, 12000))
    index = tmp_path / "index"
    Index.create(index).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ydsearch", "--index", str(index), "index", str(part),
         "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
        cwd=ROOT, start_new_session=True, preexec_fn=_default_sigint)
    if moment == "parsing":
        wait_until(lambda: writer_active(index), proc, "the writer at work")
        time.sleep(1.5)
    else:
        deadline = time.monotonic() + 900
        while committed_docs(index) == 0 and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.5)
    ctrl_c(proc)
    out, err = finish(proc)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Interrupted; "), err
    assert group_gone(proc.pid)
    assert unreferenced_files(index) == [] and not (index / "paragraphs.tmp").exists()
    kept = indexed_paragraphs(index)
    if moment != "parsing":
        assert f"the {len(kept):,} documents committed by this run are kept" in lines[0]


@pytest.mark.parametrize("when", ["after the table of contents", "before it"])
def test_an_interrupt_at_the_edge_of_a_commit_is_counted_from_the_disk(tmp_path, articles,
                                                                      monkeypatch, when):
    """Ctrl-C that falls between a commit reaching the disk and ``commit()``
    returning: the report counts what is on disk, not what a counter saw."""
    from ydsearch.engine import writer as writer_module
    from ydsearch.engine.report import IndexReport

    folder, expected = articles
    files = sorted(folder.glob("*.txt"))[:25]
    real_commit = writer_module.BulkWriter.commit
    calls = []

    def commit(self, *a, **k):
        calls.append(1)
        if len(calls) == 2:
            if when == "before it":
                raise KeyboardInterrupt
            real_commit(self, *a, **k)
            raise KeyboardInterrupt
        return real_commit(self, *a, **k)

    monkeypatch.setattr(writer_module.BulkWriter, "commit", commit)
    report = IndexReport()
    with Index.create(tmp_path / "index") as ix:
        with pytest.raises(KeyboardInterrupt):
            ix.add(files, report=report, batch_size=10)
    kept = indexed_paragraphs(tmp_path / "index")
    assert report.committed == len(kept) == (20 if when == "after the table of contents" else 10)
    assert unreferenced_files(tmp_path / "index") == []


def test_an_interrupt_while_the_workers_stop_keeps_the_count(tmp_path, articles, monkeypatch):
    """Ctrl-C after the last commit, while the parsing workers are being stopped:
    every document was committed, and the report says so."""
    from ydsearch.engine.report import IndexReport
    from ydsearch.pipeline import parallel

    folder, expected = articles
    files = sorted(folder.glob("*.txt"))[:25]
    real = parallel.in_workers

    class Results:
        def __init__(self, inner):
            self.inner = inner

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.inner)

        def close(self):
            self.inner.close()
            raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "in_workers", lambda *a, **k: Results(real(*a, **k)))
    report = IndexReport()
    with Index.create(tmp_path / "index") as ix:
        with pytest.raises(KeyboardInterrupt):
            ix.add(files, report=report, batch_size=10, workers=2)
    kept = indexed_paragraphs(tmp_path / "index")
    assert report.committed == len(kept) == 25

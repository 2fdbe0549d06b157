"""A real indexing process for the crash and concurrency tests.

    python tests/drivers/slow_index.py INDEX SOURCE... [--batch N] [--rebuild]
        [--doc-delay S] [--lock-timeout S] [--die POINT] [--die-at-commit K]

Indexes SOURCE into INDEX with ``Index.add`` and prints one line per event on
stdout (flushed): ``writer`` when it holds the writer lock (first document
added), ``commit-begin K`` / ``commit-end K`` around each commit, ``done
{report json}`` at the end, ``error <Type>: <message>`` on a ydsearch error
(exit code of the error).

``--die POINT`` makes the process SIGKILL itself at a chosen moment of the
K-th commit (``--die-at-commit``, default 2), so "killed during a commit" is
exact rather than a race:

* ``segment``  -- the new segment's files are written, the table of contents not;
* ``toc-temp`` -- the new TOC is written to its temporary name, not renamed;
* ``renamed``  -- the new TOC is in place, old files not cleaned up yet;
* ``create``   -- (with --rebuild) old files removed, new manifest not written;
* ``locked``   -- right after taking the writer lock for the K-th batch.

``--doc-delay`` sleeps after each document (keeps the writer lock held).
"""
import argparse
import json
import os
import signal
import sys
import time


def _die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("index")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--doc-delay", type=float, default=0.0)
    ap.add_argument("--lock-timeout", type=float, default=10.0)
    ap.add_argument("--die", choices=["segment", "toc-temp", "renamed", "create", "locked"])
    ap.add_argument("--die-at-commit", type=int, default=2)
    args = ap.parse_args(argv)

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(os.path.dirname(here)))
    import whoosh.index as wix
    import whoosh.writing as wwr
    from ydsearch.engine import index as yix
    from ydsearch.errors import YdsearchError

    def say(*parts):
        print(*parts, flush=True)

    state = {"commit": 0, "in_commit": False, "writer_said": False}

    def dying(point):
        return args.die == point and state["in_commit"] \
            and state["commit"] == args.die_at_commit

    orig_commit = wwr.SegmentWriter.commit

    def commit(self, *a, **kw):
        state["commit"] += 1
        state["in_commit"] = True
        say("commit-begin", state["commit"])
        orig_commit(self, *a, **kw)
        state["in_commit"] = False
        say("commit-end", state["commit"])

    wwr.SegmentWriter.commit = commit

    from ydsearch.engine import writer as ywriter
    orig_flush = ywriter.BulkWriter._flush_segment

    def flush_segment(self):
        orig_flush(self)
        if dying("segment"):
            _die()

    ywriter.BulkWriter._flush_segment = flush_segment

    from whoosh.filedb.filestore import FileStorage
    orig_rename = FileStorage.rename_file

    def rename_file(self, old, new, safe=False):
        if dying("toc-temp"):
            _die()
        orig_rename(self, old, new, safe=safe)
        if dying("renamed"):
            _die()

    FileStorage.rename_file = rename_file

    orig_writer = yix.Index._writer

    def _writer(self, timeout, *extra, **kwargs):
        w = orig_writer(self, timeout, *extra, **kwargs)
        if not state["writer_said"]:
            state["writer_said"] = True
            say("writer")
        if args.die == "locked" and state["commit"] + 1 == args.die_at_commit:
            _die()
        return w

    yix.Index._writer = _writer

    if args.die == "create":
        def create(*a, **kw):
            _die()

        wix.TOC.create = create

    def progress(docs, paragraphs):
        if args.doc_delay:
            time.sleep(args.doc_delay)

    try:
        if args.rebuild:
            ix = yix.Index.create(args.index, lock_timeout=args.lock_timeout)
        else:
            ix = yix.Index.open_or_create(args.index)
        with ix:
            report = ix.add(args.sources, batch_size=args.batch,
                            lock_timeout=args.lock_timeout, progress=progress)
    except YdsearchError as e:
        say(f"error {type(e).__name__}: {e}")
        return e.exit_code
    say("done", json.dumps(report.to_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Judged query sets: the file format, loading, and re-anchoring by fingerprint.

A set is a JSON file (``bench/judged/*.json``)::

    {"name": "seeds", "corpus": "...", "queries": [
        {"qid": "s01", "query": "生态绿色 speaker:李强", "kind": "filtered", "split": "tune",
         "judgments": {"001_c5f8348639d988a3#14": {"grade": 3, "fp": "0123456789ab"}, ...}}]}

The fingerprint is the first 12 hex digits of sha1 of the paragraph's normalised
text (:func:`quality_corpus.fingerprint`).  Paragraph ids are ``<doc_id>#<n>``
and move when the pipeline changes which lines become paragraphs; when the
paragraph at a judged id no longer has the judged fingerprint, the judgment is
*re-anchored* to the paragraph that has it — in the same document, nearest to
the old position, else anywhere if exactly one paragraph has it — or counted
as *lost*.  Two judgments landing on one paragraph keep the higher grade.
"""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from quality_corpus import Paragraphs

HERE = Path(__file__).resolve().parent
JUDGED_DIR = HERE / "judged"
KINDS = ("topic", "paraphrase", "slogan/abbreviation", "speaker intent", "filtered",
         "traditional", "phrase", "boolean")
SPLITS = ("tune", "holdout")
_FP_RE = re.compile(r"[0-9a-f]{12}\Z")


@dataclass
class Query:
    qid: str
    query: str
    kind: str
    split: str
    judgments: Dict[str, dict]            # as stored: id -> {"grade", "fp"}
    grades: Dict[str, int] = field(default_factory=dict)   # resolved: current id -> grade
    reanchored: int = 0
    lost: int = 0


@dataclass
class JudgedSet:
    name: str
    queries: List[Query]
    path: Optional[str] = None

    @property
    def reanchored(self) -> int:
        return sum(q.reanchored for q in self.queries)

    @property
    def lost(self) -> int:
        return sum(q.lost for q in self.queries)

    @property
    def judgments(self) -> int:
        return sum(len(q.judgments) for q in self.queries)


def set_path(name_or_path) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".json" or p.is_file():
        return p
    return JUDGED_DIR / f"{name_or_path}.json"


def validate(data: dict) -> None:
    """Raise ValueError naming the first problem of a set's JSON."""
    seen = set()
    for q in data.get("queries", []):
        qid = q.get("qid")
        if not qid or qid in seen:
            raise ValueError(f"missing or repeated qid {qid!r}")
        seen.add(qid)
        if not isinstance(q.get("query"), str) or not q["query"].strip():
            raise ValueError(f"{qid}: no query")
        if q.get("split") not in SPLITS:
            raise ValueError(f"{qid}: split must be one of {SPLITS}")
        if not q.get("kind"):
            raise ValueError(f"{qid}: no kind")
        for pid, j in q.get("judgments", {}).items():
            if "#" not in pid:
                raise ValueError(f"{qid}: {pid!r} is not a paragraph id")
            if j.get("grade") not in (0, 1, 2, 3):
                raise ValueError(f"{qid}: {pid}: grade must be 0-3")
            if not _FP_RE.match(str(j.get("fp", ""))):
                raise ValueError(f"{qid}: {pid}: fingerprint must be 12 hex digits")


def load_set(name_or_path) -> JudgedSet:
    path = set_path(name_or_path)
    data = json.loads(Path(path).read_text("utf-8"))
    validate(data)
    queries = [Query(q["qid"], q["query"], q["kind"], q["split"], dict(q["judgments"]))
               for q in data["queries"]]
    return JudgedSet(data.get("name", Path(path).stem), queries, str(path))


def _split_id(pid: str):
    doc, _, n = pid.rpartition("#")
    return doc, int(n) if n.isdigit() else -1


def anchor(jset: JudgedSet, paras: Paragraphs) -> JudgedSet:
    """Resolve every judgment to a current paragraph id (in place; returns the set)."""
    row_of = paras.row_of()
    by_fp = paras.rows_by_fp()
    for q in jset.queries:
        q.grades, q.reanchored, q.lost = {}, 0, 0
        for pid, j in q.judgments.items():
            row = row_of.get(pid)
            if row is not None and paras.fps[row] == j["fp"]:
                target = pid
            else:
                target = _reanchor(pid, j["fp"], paras, by_fp)
                if target is None:
                    q.lost += 1
                    continue
                q.reanchored += 1
            q.grades[target] = max(j["grade"], q.grades.get(target, 0))
    return jset


def _reanchor(pid: str, fp: str, paras: Paragraphs, by_fp) -> Optional[str]:
    rows = by_fp.get(fp, [])
    if not rows:
        return None
    doc, n = _split_id(pid)
    same_doc = [r for r in rows if _split_id(paras.ids[r])[0] == doc]
    if same_doc:
        return paras.ids[min(same_doc, key=lambda r: abs(_split_id(paras.ids[r])[1] - n))]
    return paras.ids[rows[0]] if len(rows) == 1 else None


def dump_set(name: str, queries: List[dict], path, note: Optional[str] = None) -> None:
    """Write a set in its canonical form (judgments sorted by id, one query a block)."""
    data = {"name": name}
    if note:
        data["note"] = note
    data["queries"] = [
        {"qid": q["qid"], "query": q["query"], "kind": q["kind"], "split": q["split"],
         "judgments": {pid: {"grade": j["grade"], "fp": j["fp"]}
                       for pid, j in sorted(q["judgments"].items(), key=_id_key)}}
        for q in queries]
    validate(data)
    Path(path).write_text(_render(data), "utf-8")


def _render(data: dict) -> str:
    """JSON with one query header and one judgment per line (diffs stay readable)."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    head = ",\n".join(f" {dump(k)}: {dump(v)}" for k, v in data.items() if k != "queries")
    blocks = []
    for q in data["queries"]:
        fields = ", ".join(f"{dump(k)}: {dump(q[k])}" for k in ("qid", "query", "kind", "split"))
        rows = ",\n".join(f"   {dump(pid)}: {dump(j)}" for pid, j in q["judgments"].items())
        blocks.append(f"  {{{fields}, \"judgments\": {{\n{rows}}}}}")
    return "{\n" + head + ",\n \"queries\": [\n" + ",\n".join(blocks) + "]\n}\n"


def _id_key(item):
    doc, n = _split_id(item[0])
    return doc, n

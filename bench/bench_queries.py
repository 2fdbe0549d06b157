"""The fixed query set of the benchmark and its translations for FTS5 and stock whoosh.

The 30 queries (``QUERIES``) are written in the ydsearch query language; the
latency stage also times three single characters (``SINGLE_CHARS``, a category
of their own; ``ALL_QUERIES`` is both).  The other two
systems have no filters, no normalisation and (FTS5) no segmentation of their
own, so each query is translated from ydsearch's parsed AST:

* FTS5: every free-text term is cut by ydsearch's query mode
  (``Segmenter().query_words`` on the normalised term); an unquoted term becomes
  the AND of its words, a quoted one an FTS5 phrase ``"a b"``; OR / NOT keep
  their meaning; filters (``year:``, ``speaker:``…) are DROPPED.
* stock whoosh (jieba ``ChineseAnalyzer``): the query string as typed, minus
  the filters, with ``-x`` written as whoosh's ``NOT x``; whoosh's default
  ``QueryParser`` and the analyser do the rest (no Traditional → Simplified).
"""
import re
from typing import List, Optional, Tuple

# (category, query) — fixed: change it and the numbers stop being comparable.
QUERIES: List[Tuple[str, str]] = [
    ("single", "一体化"),
    ("single", "长三角"),
    ("single", "生态绿色"),
    ("single", "新质生产力"),
    ("single", "碳达峰"),
    ("two-word", "科技创新 长三角"),
    ("two-word", "乡村振兴 粮食"),
    ("three-word", "长三角 生态绿色 一体化"),
    ("phrase", '"高质量发展"'),
    ("phrase", '"长三角一体化"'),
    ("phrase", '"一带一路"'),
    ("phrase", '"生态绿色一体化发展示范区"'),
    ("filter", "一体化 year:2023"),
    ("filter", "讲话 speaker:习近平"),
    ("filter", "发展 year:2020..2021"),
    ("filter", "数字经济 year:2022.."),
    ("traditional", "長三角"),
    ("traditional", "生態綠色"),
    ("traditional", "一體化發展"),
    ("rare", "淀山湖"),
    ("rare", "沪宁合"),
    ("rare", "G60科创走廊"),
    ("common", "发展"),
    ("common", "中国"),
    ("common", "会议"),
    ("boolean", "创新 OR 改革"),
    ("boolean", "经济 -疫情"),
    ("boolean", "(长三角 OR 京津冀) 协同发展"),
    ("boolean", "改革 NOT 开放"),
    ("boolean", "上海 OR 江苏 OR 浙江 OR 安徽"),
]

#: Single characters: the worst case for exact-substring search (every paragraph
#: holding the character matches).  A category of their own, beside the 30.
SINGLE_CHARS: List[Tuple[str, str]] = [
    ("single-char", "的"),
    ("single-char", "会"),
    ("single-char", "中"),
]
#: What the latency stage times: the 30 fixed queries, then the single characters.
ALL_QUERIES: List[Tuple[str, str]] = QUERIES + SINGLE_CHARS

_FILTER_RE = re.compile(r"(?<!\S)-?[A-Za-z\u4e00-\u9fff]+[:：](\"[^\"]*\"|\S+)")
_NEG_RE = re.compile(r"(?<!\S)-(?=\S)")


def has_filter(query: str) -> bool:
    from ydsearch.query import lang as ql

    def walk(n):
        if isinstance(n, (ql.Field, ql.YearRange, ql.DateRange)):
            return True
        if isinstance(n, (ql.And, ql.Or)):
            return any(walk(i) for i in n.items)
        if isinstance(n, ql.Not):
            return walk(n.item)
        return False

    return walk(ql.parse(query))


def _fts_string(words: List[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def fts5_query(query: str, segmenter) -> Optional[str]:
    """The FTS5 MATCH expression for ``query`` (None when nothing is left)."""
    from ydsearch.query import lang as ql

    def conv(n) -> Optional[str]:
        if isinstance(n, ql.Text):
            words = [w.text for w in segmenter.query_words(n.value)]
            if not words:
                return None
            if n.phrase or len(words) == 1:
                return _fts_string(words)
            return "(" + " AND ".join(_fts_string([w]) for w in words) + ")"
        if isinstance(n, (ql.Field, ql.YearRange, ql.DateRange)):
            return None  # filters are dropped for FTS5
        if isinstance(n, ql.Or):
            parts = [p for p in (conv(i) for i in n.items) if p]
            return "(" + " OR ".join(parts) + ")" if parts else None
        if isinstance(n, ql.And):
            pos = [p for p in (conv(i) for i in n.items if not isinstance(i, ql.Not)) if p]
            neg = [p for p in (conv(i.item) for i in n.items if isinstance(i, ql.Not)) if p]
            if not pos:
                return None
            expr = "(" + " AND ".join(pos) + ")" if len(pos) > 1 else pos[0]
            for p in neg:
                expr = f"({expr} NOT {p})"
            return expr
        if isinstance(n, ql.Not):
            return None  # a lone negation has no FTS5 form; querylang refuses it anyway
        raise TypeError(type(n).__name__)

    return conv(ql.parse(query))


def stock_query(query: str) -> str:
    """The query string given to the stock recipe's whoosh ``QueryParser``."""
    q = _FILTER_RE.sub(" ", query)
    q = _NEG_RE.sub("NOT ", q)
    return " ".join(q.split())

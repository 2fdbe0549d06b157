"""What the templates show: hits as marked-up runs, links that add or drop a
filter, pages, and the few values that need care (web addresses, scripts).

Nothing here builds HTML: the templates do, and Jinja2 escapes every value.
"""
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode, urlsplit

from ..present import place, to_simplified_spans

Span = Tuple[int, int]
DATE_KINDS = {"meeting": "会议日期", "published": "发布日期"}
KIND_LABELS = {"body": "正文", "heading": "标题", "caption": "图片说明"}


def runs(text: str, spans: Sequence[Span]) -> List[Tuple[str, bool]]:
    """``text`` cut into (piece, matched) runs; overlapping spans are merged."""
    out: List[Tuple[str, bool]] = []
    pos = 0
    for s, e in sorted(tuple(x) for x in spans):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def safe_url(url: Optional[str]) -> Optional[str]:
    """``url`` when it is an http(s) address, else None (never a ``javascript:`` link)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def in_script(text: str, spans: Sequence[Span], simplified: bool):
    """(text, spans) in the script asked for: as published, or Simplified."""
    if not simplified:
        return text, [tuple(s) for s in spans]
    return to_simplified_spans(text, spans)


@dataclass(frozen=True)
class HitView:
    rank: int
    id: str
    doc_id: str
    kind: str
    speaker: Optional[str]
    role: Optional[str]
    meeting: Optional[str]
    date: Optional[str]
    date_label: Optional[str]
    place: str
    source: Optional[str]
    url: Optional[str]
    runs: List[Tuple[str, bool]]
    year: Optional[int]


def hit_view(hit, simplified: bool = False, full: bool = False) -> HitView:
    """A :class:`~ydsearch.models.Hit` as the page shows it (the CLI's header order)."""
    text, spans = (hit.text, hit.highlights) if full else (hit.snippet, hit.snippet_highlights)
    text, spans = in_script(text, spans, simplified)
    return HitView(rank=hit.rank, id=hit.id, doc_id=hit.doc_id, kind=hit.kind,
                   speaker=hit.speaker, role=hit.speaker_role,
                   meeting=hit.meeting or hit.title, date=hit.date,
                   date_label=DATE_KINDS.get(hit.date_kind or ""),
                   place=place(hit.city, hit.province), source=hit.source,
                   url=safe_url(hit.url), runs=runs(text, spans), year=hit.year)


def paragraph_text(p: dict, simplified: bool) -> str:
    text = p.get("text") or ""
    return to_simplified_spans(text, ())[0] if simplified else text


class Links:
    """URLs of ``path`` with the current parameters, some changed.

    ``links(year=2020)`` adds or replaces a parameter, ``links(year=None)`` drops
    it; the page number is dropped unless given, since a new filter starts at 1.
    """

    def __init__(self, path: str, params: Dict[str, str]):
        self.path = path
        self.params = dict(params)

    def __call__(self, **changes) -> str:
        new = {k: v for k, v in self.params.items() if k != "page"}
        for k, v in changes.items():
            if v is None or v == "":
                new.pop(k, None)
            else:
                new[k] = str(v)
        return self.path + ("?" + urlencode(new) if new else "")


def page_numbers(page: int, pages: int, around: int = 2) -> List[Optional[int]]:
    """Page numbers to link: first, last and ``around`` each side; None for a gap."""
    keep = {1, pages} | set(range(page - around, page + around + 1))
    out: List[Optional[int]] = []
    for n in range(1, pages + 1):
        if n in keep:
            out.append(n)
        elif out and out[-1] is not None:
            out.append(None)
    return out


def active_filters(filters: Dict[str, str], links: Callable[..., str]) -> List[dict]:
    """The filters in force, each with the link that drops it."""
    labels = {"speaker": "发言人", "year": "年份", "from": "起", "to": "止", "city": "城市",
              "province": "省份", "meeting": "会议", "kind": "类型"}
    return [{"name": k, "label": labels.get(k, k),
             "value": KIND_LABELS.get(v, v) if k == "kind" else v,
             "remove": links(**{k: None})} for k, v in filters.items()]

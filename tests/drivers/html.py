"""A small HTML reader for the web tests: the page as a tree, found by tag, class or id.

Built on the standard library's ``html.parser``; tolerant of HTML5 (void
elements, unclosed ``<p>``/``<li>``).  ``Element.text`` is the decoded text, so
tests compare what a reader sees, not markup.
"""
from html.parser import HTMLParser
from typing import Dict, List, Optional

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "rect", "circle", "path", "line"}


class Element:
    def __init__(self, tag: str, attrs: Dict[str, Optional[str]], parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: List = []          # Elements and strings

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> List[str]:
        return (self.attrs.get("class") or "").split()

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def iter(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.iter()

    def find_all(self, tag: Optional[str] = None, cls: Optional[str] = None, **attrs) -> List:
        out = []
        for e in self.iter():
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes:
                continue
            if any(e.attrs.get(k.rstrip("_")) != v for k, v in attrs.items()):
                continue
            out.append(e)
        return out

    def find(self, tag: Optional[str] = None, cls: Optional[str] = None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.node = self.root

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li") and self.node.tag == tag:      # implied end tag
            self.node = self.node.parent
        el = Element(tag, dict(attrs), self.node)
        self.node.children.append(el)
        if tag not in VOID:
            self.node = el

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Element(tag, dict(attrs), self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(html: str) -> Element:
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root

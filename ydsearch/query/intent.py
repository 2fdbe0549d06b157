"""Reading a run of characters that names a speaker and a topic as two terms.

Users of Chinese search type without spaces: ``韩正长三角`` means what
``韩正 长三角`` means, the paragraphs where 韩正 speaks about 长三角.  An
unquoted term is read as its speaker and the rest when

* its first or last query-mode word is the name of a speaker in the index
  (a person: not the collective ``会议``),
* the rest has at least two characters, and
* the term never occurs as typed in the index (``习近平新时代中国特色社会主义思想``
  occurs, and stays one term).

The speaker term then has the speaker intent of :mod:`.rank`; ``--explain`` and
the ``parsed`` field show the two terms.
"""
from . import lang as ql

#: Speakers that are not people: a term starting with them is not split.
NOT_PEOPLE = frozenset({"会议"})


def split_speaker_terms(node, matcher):
    """``node`` with each qualifying term (see the module docstring) replaced
    by ``AND(speaker, rest)``; everything else unchanged."""
    if isinstance(node, ql.Text):
        return _split(node, matcher)
    if isinstance(node, (ql.And, ql.Or)):
        return type(node)(tuple(split_speaker_terms(x, matcher) for x in node.items))
    return node            # negations, fields and ranges stay as typed


def _split(node: "ql.Text", matcher):
    if node.phrase:
        return node
    plan = matcher.plan(node)
    names = matcher.speakers - NOT_PEOPLE
    if len(plan.words) < 2 or len(plan.runs) != 1:
        return node
    words, term = plan.words, plan.runs[0]            # normalised: either script
    if term in names or matcher.doc_frequency("sub", term) > 0:
        return node                                   # a name, or occurs as typed
    first, last = words[0], words[-1]
    if first in names and term.startswith(first) and len(term) - len(first) >= 2:
        name, rest = first, term[len(first):]
    elif last in names and term.endswith(last) and len(term) - len(last) >= 2:
        name, rest = last, term[:-len(last)]
    else:
        return node
    rest_node = _split(ql.Text(rest.strip(), column=node.column), matcher)
    return ql.And((ql.Text(name, column=node.column), rest_node))

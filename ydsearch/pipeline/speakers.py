"""Who is speaking in each paragraph.

A paragraph is attributed to a person when it reports what they *said*, not
when it narrates what they *did*.  Its speaker comes from the first sentence
that opens with a speech cue: ``X说/指出/强调/表示/认为/要求…``, ``X在讲话中指出``,
``X在主持会议时强调``, ``市委书记X出席会议并强调``, ``就…，X强调``; ``他/她指出``
(the last named speaker); ``会议指出/强调/认为/确定/要求`` and ``大家一致认为``
(the collective speaker ``会议``).  Verbs that also narrate an act (``通报``,
``介绍``, ``宣布``, ``部署``…) count only when what follows is the speech
(``他介绍说``, ``王毅宣布：``), and no verb counts when ``了`` follows it:
``车俊代表与会各方通报了会议主要成果`` and ``易炼红主持会议`` have no speaker.
A lead-in ending in ``——`` or ``：`` passes its speaker to the paragraphs that
follow it, up to the next heading.

Names are never guessed: ``X`` must be a name the document states with a role
(``国家主席习近平``), an attendee or deck name, or a name in the gazetteer.
"""
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .people import TITLES, gazetteer

COLLECTIVE = "会议"
# Verbs of speech: the sentence reports what was said (never with 了 after them).
SPEECH_VERBS = "说|称|指出|强调|表示|认为|要求|提出|坦言|希望|建议|呼吁|谈到|讲话指出"
# Verbs that may narrate an act: speech only when the words follow (``介绍说``, ``宣布：``).
REPORTING_VERBS = "通报|介绍|宣布|总结|回顾|部署|点评"
VERBS = rf"(?:{SPEECH_VERBS})(?!了)|(?:{REPORTING_VERBS})(?=说|称|[，,：:])"
_SENTENCE_RE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_LEAD_RE = re.compile(
    r"^(?:[^，,。：:“”]{2,14}(?:消息|讯|电)\s*(?:[(（][^)）]{0,24}[)）])?\s*[:：]\s*)?"
    r"(?:(?:就|在|对于|关于|针对|谈到|对|围绕|结合|当天|会上|随后|最后|会议期间)[^，,。；]{0,30}[，,]"
    r"|(?:会见|会谈|会晤|通话|见证|出席)[^，,。；“”]{0,20}?(?:时|中|后)[，,])?"
)
_ROLE_ONLY_RE = re.compile(rf"^[^，,。；“”]{{0,40}}(?:{TITLES})$")
_CONNECT_RE = re.compile(
    r"^(?:同志|总书记|主席|总理|委员长)?(?:\d{1,2}日|今天|昨天|当天|当地时间\d{1,2}日)?(?:[上下]午|晚间?)?"
    r"(?:出席(?:会议|活动|仪式)?并|(?:发表)?(?:讲话|致辞)[，,]?|在[^，,。；“”]{1,24}?(?:时|中|上|后)[，,]?|主持(?:会议)?[，,]?"
    r"|[，,]?代表[^，,。；“”]{1,30}?|也|还|随后|最后|接着|同时|进一步|再次|特别|明确|一再|多次|首先)*"
    rf"(?:{VERBS})"
)
# ``X介绍了…，表示…``: a clause of what X did, then what X said (X stays the subject:
# a new subject after the comma, ``…，林德贝里表示``, does not match).
_THEN_SAID_RE = re.compile(rf"^[^，,。；;“”！？]{{1,40}}[，,](?:并|还|也|同时)?(?:{SPEECH_VERBS})(?!了)")
_PRONOUN_RE = re.compile(r"^(?:他|她)")
# A bare title standing for the one person the document gives that title to.
_TITLE_ALIAS_RE = re.compile(r"^(总书记|总理|委员长|主席|习主席)")
_COLLECTIVE_RE = re.compile(
    r"^(?:会议(?:还|并|同时|进一步|一致)?(?:指出|强调|认为|确定|要求|提出|明确|号召)"
    r"|(?:大家|与会[^，,。；]{0,6}?)一致(?:认为|表示|同意|强调))"
)


def _sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def _named(sentence: str, names: Sequence[str]) -> Optional[str]:
    """The known name that opens ``sentence`` as a speaker, if any."""
    s = _LEAD_RE.sub("", sentence, count=1)
    window = s[:48]
    for name in names:  # longest first
        pos = window.find(name)
        while pos != -1:
            before, after = s[:pos], s[pos + len(name):]
            if not before or _ROLE_ONLY_RE.match(before):
                if _CONNECT_RE.match(after):
                    return name
                if _THEN_SAID_RE.match(after):
                    return name
            pos = window.find(name, pos + 1)
    return None


def title_aliases(text: str, names: Sequence[str]) -> Dict[str, str]:
    """``总书记`` → ``习近平`` when the document calls exactly one person that."""
    found: Dict[str, set] = {}
    for name in names:
        for m in re.finditer(rf"{re.escape(name)}(总书记|总理|委员长|主席)", text):
            found.setdefault(m.group(1), set()).add(name)
    aliases = {t: next(iter(ns)) for t, ns in found.items() if len(ns) == 1}
    if "主席" in aliases:
        aliases["习主席"] = aliases["主席"] if aliases["主席"] == "习近平" else None
    return {t: n for t, n in aliases.items() if n}


def _antecedent(before: str, names: Sequence[str], aliases: Dict[str, str],
                last: Optional[str]) -> Optional[str]:
    """The person a pronoun points back to: the last one named before it."""
    best, where = last, -1
    for name in list(names) + list(aliases):
        pos = before.rfind(name)
        if pos > where:
            best, where = aliases.get(name, name), pos
    return best


def sentence_cue(sentence: str, names: Sequence[str], last: Optional[str],
                 aliases: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The speaker a sentence opens with: a name, ``会议``, or ``last`` for a pronoun."""
    s = _LEAD_RE.sub("", sentence, count=1)
    if _COLLECTIVE_RE.match(s):
        return COLLECTIVE
    if _PRONOUN_RE.match(s) and _CONNECT_RE.match(s[1:]):
        return last
    m = _TITLE_ALIAS_RE.match(s)
    if m and aliases and m.group(1) in aliases and _CONNECT_RE.match(s[m.end():]):
        return aliases[m.group(1)]
    return _named(sentence, names)


def paragraph_cue(text: str, names: Sequence[str], last: Optional[str],
                  aliases: Optional[Dict[str, str]] = None) -> Optional[str]:
    done = 0
    for sentence in _sentences(text):
        start = text.find(sentence, done)
        done = start + len(sentence)
        ante = _antecedent(text[:start], names, aliases or {}, last)
        who = sentence_cue(sentence, names, ante, aliases)
        if who:
            return who
    return None


def assign(paragraphs: Sequence[Tuple[str, str]], people: Dict[str, Optional[str]],
           extra_names: Iterable[str] = ()) -> List[Tuple[Optional[str], Optional[str]]]:
    """``(speaker, speaker_role)`` for each ``(kind, simplified_text)`` paragraph."""
    text = "\n".join(t for _, t in paragraphs)
    names = sorted((n for n in set(people) | set(extra_names) | gazetteer() if n in text),
                   key=len, reverse=True)
    aliases = title_aliases(text, names)
    out: List[Tuple[Optional[str], Optional[str]]] = []
    last_person: Optional[str] = None
    lead: Optional[str] = None
    for kind, text in paragraphs:
        if kind != "body":
            lead = None
            out.append((None, None))
            continue
        who = paragraph_cue(text, names, last_person, aliases)
        if who is None:
            who = lead
        else:
            lead = None
        if who and who != COLLECTIVE:
            last_person = who
        if who and text.rstrip().endswith(("——", "：", ":", "—")):
            lead = who
        out.append((who, people.get(who) if who and who != COLLECTIVE else None))
    return out

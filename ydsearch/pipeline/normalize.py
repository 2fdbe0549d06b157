"""Script normalisation with an offset map back to the source text.

``normalize(text)`` is pure and idempotent.  It

1. drops web-scrape noise: pinyin glosses (``當(dāng)前`` → ``當前``; only
   parentheses holding nothing but tone-marked pinyin, so ``(芜湖段)`` and
   ``(2024—2026年)`` survive), zero-width characters, and marks characters lost
   to ``?`` (``??``, ``?fù)``) with one ``□``, so the text on either side of
   the gap never joins into a false word (``鄧?yán)^敢`` → ``鄧□敢``, not ``鄧敢``);
2. folds full-width ASCII to half-width and odd spaces to a plain space;
3. converts Traditional to Simplified with OpenCC ``t2s``;
4. applies a small correction table for OpenCC's misses in this domain
   (``著力`` → ``着力``, ``随著`` → ``随着``; ``显著`` and ``著名`` stay).

Every character of the result comes from exactly one character of the input,
so ``Normalized.source_span`` maps a span of the result back to the input.
OpenCC ``t2s`` is character-for-character on this corpus; where a conversion
would change the length of a chunk, that chunk is converted one character at a
time and characters whose conversion is not a single character are kept as
they are.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Tuple

# Tone-marked vowels, ü, and the plain letters pinyin uses.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = "a-zü" + _TONED
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# One or more glosses directly after a Han character, ASCII or full-width brackets.
GLOSS_RE = re.compile(
    rf"(?<=[{_HAN}])(?:[(（](?=[{_PINYIN}]*[{_TONED}])[{_PINYIN}]{{1,7}}[)）])+"
)
# Characters lost to '?': a '?' standing for a character and the remains of its
# gloss ('?fù)'), or a run of two or more '?'.  A stray '^' after a damaged
# gloss is part of the same damage.
DAMAGE_RE = re.compile(rf"(?:\?[{_PINYIN}]{{1,7}}\)\^?|\?{{2,}})+")
# What stands for characters lost to '?' damage that could not be repaired: not a
# Han character, so no word, name or bigram is ever made across the gap.
LOST = "\u25a1"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACES = "\u00a0\u2002\u2003\u2009\u202f\u205f"
_NOISE_RE = re.compile(
    rf"[{_ZERO_WIDTH}]|{GLOSS_RE.pattern}|{DAMAGE_RE.pattern}"
)

# Every piece of noise holds one of these (a cheap test before the full pattern).
_NOISE_HINT = re.compile(f"[(（?{_ZERO_WIDTH}]")

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD.update({ord(c): 0x20 for c in _SPACES})

# OpenCC leaves 著 where Simplified writes 着 (a verb or aspect marker).
_CORRECTIONS = (
    (re.compile(r"(?<![显昭卓])著(?=[力眼重手陆想落实急迷装])"), "着"),
    (re.compile(r"(?<=[意味随沿朝接本向穿试看跟带顺冲对靠踏守盯怀绕])著(?![名作称述录书者])"), "着"),
)
_CHUNK_RE = re.compile(r"[^\n。！？；!?;]*[\n。！？；!?;]?")


@dataclass(frozen=True)
class Normalized:
    """A normalised string and where each of its characters came from.

    ``offsets`` is ``None`` when the mapping is the identity (nothing was
    dropped), else ``offsets[i]`` is the index in the source of result char ``i``.
    """

    text: str
    source_length: int
    offsets: Optional[Tuple[int, ...]] = None

    def source_index(self, i: int) -> int:
        """Source index of result character ``i`` (``len(text)`` maps to the end)."""
        if i >= len(self.text):
            return self.source_length
        return i if self.offsets is None else self.offsets[i]

    def source_span(self, start: int, end: int) -> Tuple[int, int]:
        """The source span covering result span ``[start, end)``."""
        if end <= start:
            s = self.source_index(start)
            return s, s
        return self.source_index(start), self.source_index(end - 1) + 1


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported lazily: the CLI must start without it

    return opencc.OpenCC("t2s")


def _drop_noise(text: str) -> Tuple[str, Optional[Tuple[int, ...]]]:
    """Remove glosses, damage and zero-width characters, keeping an offset map."""
    if not _NOISE_HINT.search(text) or not _NOISE_RE.search(text):
        return text, None
    kept, offsets, pos = [], [], 0
    for m in _NOISE_RE.finditer(text):
        kept.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        if m.group().startswith("?"):  # lost characters: mark the gap, never join its sides
            kept.append(LOST)
            offsets.append(m.start())
        pos = m.end()
    kept.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(kept), tuple(offsets)


def _t2s_chunk(chunk: str, convert) -> str:
    out = convert(chunk)
    if len(out) == len(chunk):
        return out
    chars = []
    for ch in chunk:
        c = convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def to_simplified(text: str) -> str:
    """OpenCC t2s, forced to be character-for-character, plus the correction table."""
    convert = _converter().convert
    out = convert(text)
    if len(out) != len(text):
        out = "".join(_t2s_chunk(c, convert) for c in _CHUNK_RE.findall(text))
    if "著" in out:
        for pattern, repl in _CORRECTIONS:
            out = pattern.sub(repl, out)
    return out


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for search; see the module docstring."""
    cleaned, offsets = _drop_noise(text)
    folded = fold_width(cleaned)
    simplified = to_simplified(folded)
    # t2s can map a character to one that forms noise again (rare); settle it.
    again, more = _drop_noise(simplified)
    if more is not None:
        offsets = more if offsets is None else tuple(offsets[i] for i in more)
        simplified = again
    return Normalized(simplified, len(text), offsets)


def strip_noise(text: str) -> str:
    """Only step 1 of :func:`normalize`: the cleaned text in its own script."""
    return _drop_noise(text)[0]


# Runs of characters to fold: replacing only them is several times faster than
# translating every character of the text (full-width punctuation is sparse).
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000" + _SPACES + "]+")


def _fold_run(m: "re.Match") -> str:
    return m.group().translate(_FOLD)


def fold_width(text: str) -> str:
    """Full-width ASCII and odd spaces to their plain forms."""
    return _WIDE_RE.sub(_fold_run, text)

"""Decode a text file's bytes: UTF-8 (with or without BOM), else GB18030 or Big5.

A legacy decode is chosen by how Chinese the result looks (Han characters
against characters a wrong decode tends to produce); binary data is refused.
"""
import unicodedata
from typing import Optional, Tuple

_BOM = b"\xef\xbb\xbf"
_LEGACY = ("gb18030", "big5", "cp950")


def _odd(ch: str) -> bool:
    """Characters a wrong legacy decode tends to produce."""
    cat = unicodedata.category(ch)
    if cat in ("Cc",):
        return ch not in "\t\n\r\f"
    if cat in ("Co", "Cn", "Cs"):
        return True
    cp = ord(ch)
    # kana, Greek, Cyrillic, box drawing, compatibility forms, rare extensions
    return (0x3040 <= cp <= 0x30FF or 0x0370 <= cp <= 0x04FF
            or 0x2500 <= cp <= 0x257F or 0xFE30 <= cp <= 0xFE4F
            or 0x3400 <= cp <= 0x4DBF or 0xE000 <= cp <= 0xF8FF or cp > 0xFFFF)


def _score(text: str) -> Tuple[int, int]:
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    odd = sum(1 for c in text if _odd(c))
    return han - 4 * odd, -odd


def decode_bytes(data: bytes) -> Tuple[Optional[str], str]:
    """Decode a text file's bytes: ``(text, "")`` or ``(None, reason)``."""
    if b"\x00" in data:
        return None, "binary file (contains NUL bytes)"
    if data.startswith(_BOM):
        try:
            return data[len(_BOM):].decode("utf-8"), ""
        except UnicodeDecodeError:
            return None, "not valid UTF-8 after its byte-order mark"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in _LEGACY:
        try:
            candidates.append((_score(text := data.decode(enc)), text))
        except UnicodeDecodeError:
            continue
    if not candidates:
        return None, "cannot decode (not UTF-8, GB18030 or Big5)"
    (score, neg_odd), text = max(candidates, key=lambda c: c[0])
    if -neg_odd * 10 > max(len(text), 1):
        return None, "cannot decode (binary or unknown encoding)"
    return text, ""


def looks_binary(text: str) -> bool:
    ctrl = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    return ctrl * 20 > max(len(text), 1)

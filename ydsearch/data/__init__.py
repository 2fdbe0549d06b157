"""Data files shipped with ydsearch: the segmenter's dictionary (``userdict.txt``),
national leaders (``people.txt``), the lexicon (``lexicon.txt``) and the meeting
calendar (``calendar.json``)."""
from importlib import resources


def read_text(name: str) -> str:
    """The text of one shipped data file (UTF-8)."""
    return resources.files(__name__).joinpath(name).read_text("utf-8")

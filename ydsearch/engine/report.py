"""What one ``Index.add`` did."""
from dataclasses import dataclass, field
from typing import List, Tuple


@dataclass
class IndexReport:
    """What one ``Index.add`` did."""

    documents: int = 0
    paragraphs: int = 0
    skipped_unchanged: int = 0
    skipped_duplicates: int = 0
    skipped_empty: int = 0
    replaced: int = 0
    refused: List[Tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: documents of this run in commits that landed (all of them unless interrupted)
    committed: int = 0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "paragraphs": self.paragraphs,
                "skipped_unchanged": self.skipped_unchanged,
                "skipped_duplicates": self.skipped_duplicates,
                "skipped_empty": self.skipped_empty, "replaced": self.replaced,
                "refused": [{"path": p, "reason": r} for p, r in self.refused],
                "seconds": round(self.seconds, 3)}

"""Hypothesis strategies shared by the tests: text shaped like the corpus."""
from pathlib import Path

from hypothesis import strategies as st

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_SEED_CHARS = sorted(set("".join(p.read_text("utf-8") for p in SEEDS.glob("*.txt"))))


def chinese_text(max_size=60):
    """Strings drawn from the seeds' own characters, plus glosses, '?' and wide forms."""
    pieces = st.one_of(
        st.sampled_from(_SEED_CHARS),
        st.sampled_from(["(dāng)", "(qū)", "??", "?fù)", "（芜湖段）", "ＡＢＣ", "１２", "　", "著力", "显著"]),
        st.characters(blacklist_categories=("Cs",)),
    )
    return st.lists(pieces, max_size=max_size).map("".join)

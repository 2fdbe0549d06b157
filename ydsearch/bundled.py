"""Where the bundled seed articles are: inside the installed package, or in the checkout."""
from pathlib import Path


def bundled_seeds() -> Path:
    """The folder of the five bundled seed articles."""
    here = Path(__file__).resolve().parent
    installed = here / "seeds"
    if installed.is_dir():
        return installed
    checkout = here.parent / "seeds"
    if checkout.is_dir():
        return checkout
    from importlib import resources

    return Path(str(resources.files("ydsearch.seeds")))

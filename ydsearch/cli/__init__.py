"""The terminal face of ydsearch: a click command group over the library."""
from .app import cli, main

__all__ = ["cli", "main"]

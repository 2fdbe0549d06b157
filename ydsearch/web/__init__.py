"""``ydsearch serve``: a local, read-only web page and JSON API over an index.

``create_app(index_path)`` (in :mod:`.app`) makes the Flask application; the
server itself is in :mod:`.server`.  Flask is imported only when this package is.
"""
from .app import create_app

__all__ = ["create_app"]

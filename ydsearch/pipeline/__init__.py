"""Text → documents: read files, clean, normalise, extract facts and speakers.

``article.parse_article`` is the pure entry point; ``article.read_documents``
reads files and parses them; ``parallel.parse_documents`` does the same in
worker processes.
"""

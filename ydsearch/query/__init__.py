"""A query string → ranked hits: the query language, its compilation, ranking,
highlighting and snippets."""

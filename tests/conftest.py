"""Shared fixtures: one index of the bundled seed articles, built once per test session.

* ``seed_index_path`` -- the folder of that index (treat it as read-only; copy
  it with ``shutil.copytree`` to change anything);
* ``seed_index`` -- an open :class:`ydsearch.engine.index.Index` on it.
"""
import pytest


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory):
    from ydsearch import bundled_seeds
    from ydsearch.engine.index import Index

    path = tmp_path_factory.mktemp("seed-index") / "index"
    ix = Index.create(path)
    try:
        report = ix.add(bundled_seeds())
    finally:
        ix.close()
    assert report.documents == 5 and not report.refused, report.to_dict()
    return path


@pytest.fixture(scope="session")
def seed_index(seed_index_path):
    from ydsearch.engine.index import Index

    ix = Index.open(seed_index_path)
    yield ix
    ix.close()

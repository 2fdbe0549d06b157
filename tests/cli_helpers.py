"""Helpers shared by the command-line tests: run the CLI in-process (CliRunner,
stdout and stderr apart) on the shared seed index, and check error lines."""
import re

import pytest
from click.testing import CliRunner

from ydsearch.cli import defaults
from ydsearch.cli.app import cli


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No YDSEARCH_INDEX/NO_COLOR/YDSEARCH_LEXICON from outside; the default index lives in tmp_path."""
    for var in ("YDSEARCH_INDEX", "NO_COLOR", "COLUMNS", "YDSEARCH_DEBUG", "YDSEARCH_LEXICON"):
        monkeypatch.delenv(var, raising=False)
    default = tmp_path / "default-index"
    monkeypatch.setattr(defaults, "default_index_path", lambda: default)
    return default


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.fixture
def yd(seed_index_path):
    """Run ydsearch on the shared seed index (``--index`` before the command)."""
    def run(*args, env=None):
        return invoke("--index", seed_index_path, *args, env=env)
    return run


def one_error_line(result, code, *needles):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for n in needles:
        assert n in lines[0]
    return lines[0]


def headers(stdout):
    return [line for line in stdout.splitlines() if re.match(r"\d+\. ", line)]

"""Every ``$ ydsearch …`` example of the README runs, and prints what the README shows.

Run on the seed index (what the default index holds); output is compared with
whitespace removed, so wrapping to a terminal's width does not matter, and a
line ``…`` in the README stands for lines left out.
"""
import os
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from tests.cli_helpers import isolated  # noqa: F401
from ydsearch.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def examples():
    """(command line, expected output lines) of each ``$ ydsearch`` in a plain code block."""
    out, fence, current = [], None, None
    for line in README.splitlines():
        if line.startswith("```"):
            fence = line[3:] if fence is None else None
            current = None
        elif fence == "" and line.startswith("$ ydsearch "):
            current = (line[2:], [])
            out.append(current)
        elif fence == "" and current is not None:
            current[1].append(line)
    return out


def squash(text: str) -> str:
    return "".join(text.split())


def test_there_are_examples_of_the_new_options():
    commands = " ".join(c for c, _ in examples())
    for option in ("--count", "--facets", "-f csv", "-f md", "-o passages.csv", "-疫情",
                   "speakers --year", "--speaker 李锦彬"):
        assert option in commands, option


def test_every_example_prints_what_the_readme_shows(seed_index_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                  # -o FILE lands here
    for command, expected in examples():
        args = shlex.split(command)[1:]
        r = CliRunner().invoke(cli, args, env={"YDSEARCH_INDEX": str(seed_index_path),
                                               "COLUMNS": "104"})   # the width it was shown at
        assert "Traceback" not in r.stdout + r.stderr, command
        assert r.exit_code in (0, 2), (command, r.stderr)
        # the README shows source files as seen from the checkout (``seeds/…``)
        streams = [squash(s.replace(f"{ROOT}{os.sep}", "")) for s in (r.stdout, r.stderr)]
        at = [0, 0]
        for line in expected:
            if line.strip() in ("", "…"):
                continue
            want = squash(line)
            for i, text in enumerate(streams):
                found = text.find(want, at[i])
                if found >= 0:
                    at[i] = found + len(want)
                    break
            else:
                raise AssertionError((command, line, r.stdout, r.stderr))

"""The README stays true: its library example runs, its commands exist, its fields are real."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def section(title):
    start = README.index(title)
    nxt = README.find("\n## ", start + 1)
    return README[start: nxt if nxt > 0 else None]


def test_library_example_runs():
    code = re.search(r"```python\n(.*?)```", section("## Using as a library"), re.S).group(1)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "5 documents, 115 paragraphs"
    assert lines[1] == "2 of 2 passages"                 # len(result), result.total
    assert any("车俊" in line and "生态绿色" in line for line in lines[2:-1])
    assert lines[-2] == "芜湖 [('李锦斌',)]"              # suffix dropped; did you mean
    assert lines[-1] == "李强"
    shown = re.search(r"prints\n\n```\n(.*?)```", section("## Using as a library"), re.S)
    assert shown.group(1).splitlines() == lines


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    block = section("## Quick start")
    commands = re.findall(r"```sh\n(.*?)\n```", block, re.S)
    assert len(commands) == 2
    assert 'ydsearch query "生态绿色"' in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_command_is_documented_and_has_help():
    from click.testing import CliRunner
    from ydsearch.cli.app import cli

    for name, command in cli.commands.items():
        assert f"`ydsearch {name}" in README, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, name


@pytest.mark.parametrize("field", ["rank", "score", "id", "doc_id", "highlights", "snippet",
                                   "speaker_role", "meeting_date", "text_simplified"])
def test_json_fields_in_readme_are_the_hit_fields(field):
    from dataclasses import fields

    from ydsearch.models import Hit

    assert field in {f.name for f in fields(Hit)}
    assert f'"{field}"' in section("### JSON output")

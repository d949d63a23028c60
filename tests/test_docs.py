"""Every command is documented: in the README's CLI table, and with an example in its --help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from truce.cli.main import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix: tuple[str, ...] = ()):  # typer vendors click: duck-type groups
    for name, cmd in sorted(group.commands.items()):
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_in_readme_and_help_has_an_example(path, cmd):
    assert f"truce {' '.join(path)}" in README, f"`truce {' '.join(path)}` is not in README.md"
    assert "Example" in (cmd.help or ""), f"`truce {' '.join(path)} --help` has no example"


def test_there_are_commands():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"agreement list", "agreement check", "agreement show", "agreement new", "classify", "demo"} <= names

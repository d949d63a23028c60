"""Every command and command group of `truce` teaches with an example in its --help."""

from __future__ import annotations

import typer

from truce.cli.main import app


def _walk(cmd, path=("truce",)):
    yield path, cmd
    for name, sub in (getattr(cmd, "commands", None) or {}).items():
        yield from _walk(sub, (*path, name))


def test_every_command_and_group_has_an_example():
    root = typer.main.get_command(app)
    missing = [" ".join(path) for path, cmd in _walk(root)
               if len(path) > 1 and "Example:" not in (cmd.help or "")]
    assert missing == []

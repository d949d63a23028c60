"""``handle_errors``: what the shell prints when a command fails on a file rather than on
truce's own checks (no traceback ever)."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from truce.cli.errors import handle_errors

runner = CliRunner()


def _app(exc: BaseException) -> typer.Typer:
    app = typer.Typer()

    @app.command("boom")
    @handle_errors
    def boom() -> None:
        raise exc

    app.command("noop")(lambda: None)
    return app


def test_an_os_error_is_one_line_naming_the_file_and_exit_1():
    r = runner.invoke(_app(PermissionError(13, "Permission denied", "/srv/out/x.md")), ["boom"])
    assert r.exit_code == 1
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert r.stderr.strip() == "error: /srv/out/x.md: Permission denied"


def test_a_closed_pipe_stops_quietly(monkeypatch):
    from truce.cli import errors

    monkeypatch.setattr(errors, "_silence_stdout", lambda: None)  # keep the runner's stdout
    r = runner.invoke(_app(BrokenPipeError(32, "Broken pipe")), ["boom"])
    assert r.exit_code == 1
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert r.stderr == ""

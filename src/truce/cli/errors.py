"""Turning library errors into one-line CLI messages and exit codes (2: bad input, 1: failure)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from truce.errors import TruceError

F = TypeVar("F", bound=Callable[..., Any])

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code=code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def handle_errors(func: F) -> F:
    """Decorator for commands: a TruceError becomes a one-line message and its exit code; an
    OSError (a file that cannot be read or written) one line and exit 1; a closed stdout pipe
    exit 1 quietly.  No traceback reaches the user."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TruceError as exc:
            raise fail(exc.message.replace("[", r"\["), exc.exit_code) from None
        except BrokenPipeError:  # the reader went away (`truce ... | head`): stop quietly
            _silence_stdout()
            raise typer.Exit(code=1) from None
        except OSError as exc:  # a file the command had to read or write: one line, no traceback
            where = f"{exc.filename}: " if exc.filename is not None else ""
            reason = exc.strerror or str(exc)
            raise fail(f"{where}{reason}".replace("[", r"\["), 1) from None

    return wrapper  # type: ignore[return-value]

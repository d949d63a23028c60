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


def handle_errors(func: F) -> F:
    """Decorator for commands: a TruceError becomes a one-line message and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TruceError as exc:
            raise fail(exc.message.replace("[", r"\["), exc.exit_code) from None

    return wrapper  # type: ignore[return-value]

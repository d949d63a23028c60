"""Shared output helpers: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from rich.console import Console

console = Console(highlight=False)


class Format(StrEnum):
    table = "table"
    json = "json"


def print_json(obj: Any) -> None:
    """Print JSON to stdout (not through rich, so it stays machine-readable)."""
    print(json.dumps(obj, indent=2, sort_keys=False, default=str))

"""Render the daily report's model as Markdown, self-contained HTML and canonical JSON.

Pure renderings of the model: no figure is computed here, so the Markdown and the HTML show
exactly the figures of the JSON.  The same model gives the same bytes.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

import jinja2
import markupsafe

from truce.reports.daily.model import AREA_LABELS, FIRE_KINDS

_SIDE_LABELS = {"undetermined": "undetermined"}


def _num(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}"


def _signed(v: int) -> str:
    return f"+{v:,}" if v > 0 else (f"−{-v:,}" if v < 0 else "0")


def _km(v: Any) -> str:
    return "–" if v is None else f"{float(v):,.1f}"


def _utc(v: Any) -> str:
    """``2025-01-06T07:10:00Z`` as ``2025-01-06 07:10 UTC``."""
    t = str(v or "")
    if len(t) >= 16 and t[10] == "T" and t.endswith(("Z", "+00:00")):
        return f"{t[:10]} {t[11:16]} UTC"
    return t


def _code(v: Any) -> markupsafe.Markup:
    """Escaped text with `backticked` spans as <code>."""
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(markupsafe.escape(v))))


def _md_cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("truce.reports", "templates"),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    env.filters.update(num=_num, signed=_signed, cell=_md_cell, km=_km, utc=_utc, code=_code)
    env.globals.update(FIRE_KINDS=FIRE_KINDS, AREA_LABELS=AREA_LABELS)
    return env


def figure_names(model: Mapping[str, Any]) -> dict[str, str]:
    """The file names of the figures beside the Markdown report."""
    return {"map": f"report-{model['date']}-map.png", "trend": f"report-{model['date']}-trend.png"}


def render_markdown(model: Mapping[str, Any]) -> str:
    """The report as Markdown; figures are referenced by :func:`figure_names`."""
    return _env(False).get_template("daily.md.j2").render(m=model, fig=figure_names(model))


def render_html(model: Mapping[str, Any], figures: Mapping[str, bytes] | None = None) -> str:
    """The report as one self-contained HTML page: inline CSS, figures (PNG bytes keyed ``map``
    and ``trend``) as data URIs, nothing fetched from the network."""
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii")
            for k, v in (figures or {}).items()}
    return _env(True).get_template("daily.html.j2").render(m=model, uris=uris)


def render_json(model: Mapping[str, Any]) -> str:
    """The model as canonical JSON: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(model, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

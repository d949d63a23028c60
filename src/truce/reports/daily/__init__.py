"""The daily report: its model (every figure, as JSON-ready data), its renderings (Markdown,
self-contained HTML, canonical JSON) and its figures (map, trend)."""

from truce.reports.daily.model import build_daily_model
from truce.reports.daily.render import render_html, render_json, render_markdown

__all__ = ["build_daily_model", "render_html", "render_json", "render_markdown"]

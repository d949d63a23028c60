"""Split report text into headings, paragraphs and numbered sentences.

Numbering follows the simulator: sentences are numbered 1, 2, ... per file, in order, across
paragraphs; headings (a block of one line that does not end like a sentence, e.g.
"Daily report — Observation post 85, Donetsk region, 8 December 2024" or "Summary") are not
numbered.  Blocks are separated by blank lines; a line starting with a bullet starts a block.
A period ends a sentence when whitespace and a capital, digit, bullet or quote follow, unless it
closes an abbreviation ("approx.", "e.g.", "No.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLETS = "•●▪◦‣*-–"
#: Abbreviations after which a period does not end a sentence (lower case, without the dot).
ABBREVIATIONS: frozenset[str] = frozenset({
    "approx", "e.g", "i.e", "mr", "ms", "mrs", "dr", "no", "nos", "cf", "st", "vs", "lt", "col",
    "gen", "maj", "capt", "sgt", "etc.,", "fig", "incl", "est", "ca", "sq",
})  # fmt: skip

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9•\u0400-\u04FF])")
_LAST_WORD = re.compile(r"(\S+)$")
_BULLET_LINE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+")
_SENTENCE_END = (".", "!", "?", ".)", ".\"", ".”", ":", ";")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its 1-based number in the file, the paragraph (1-based) and the text."""

    number: int
    paragraph: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A report: its headings (in order) and its numbered sentences."""

    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]


def blocks(text: str) -> list[str]:
    """Blocks of text: separated by blank lines; a bulleted line starts its own block; the
    lines of a block are joined with a space and the bullet dropped."""
    out: list[str] = []
    cur: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if cur:
                out.append(" ".join(cur))
                cur = []
            continue
        m = _BULLET_LINE.match(line)
        if m and line[0] in BULLETS and not (line[0] in "-–" and line[1:2].isdigit()):
            if cur:
                out.append(" ".join(cur))
            cur = [line[m.end():]]
            continue
        cur.append(line)
    if cur:
        out.append(" ".join(cur))
    return out


def is_heading(block: str, *, before_text: bool = True) -> bool:
    """A block that does not end like a sentence: a title or report heading before the first
    paragraph, or a short one ("Summary") anywhere.  A long unterminated block after the text has
    started is a truncated sentence, not a heading."""
    b = block.rstrip()
    if b.endswith(_SENTENCE_END):
        return False
    return len(b) < 40 or (before_text and len(b) < 300)


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences (see the module docstring)."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        end = m.start() + 1
        w = _LAST_WORD.search(paragraph, start, end)
        word = w.group(1).lower().rstrip(".").lstrip("(\"'“") if w else ""
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word not in "ai"):
            continue  # "approx. 3 km", "e.g. Avdiivka", initials "J. Smith"
        piece = paragraph[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def split(text: str) -> Document:
    """Headings and numbered sentences of a report.

    Examples
    --------
    >>> d = split("Daily report — Patrol team 3, Donetsk region, 8 December 2024\\n\\n"
    ...           "Positioned in Avdiivka, the team heard an explosion about 2 km. "
    ...           "It also heard two bursts approx. 3 km south.\\n")
    >>> d.headings
    ('Daily report — Patrol team 3, Donetsk region, 8 December 2024',)
    >>> [(s.number, s.text[:20]) for s in d.sentences]
    [(1, 'Positioned in Avdiiv'), (2, 'It also heard two bu')]
    """
    headings: list[str] = []
    sentences: list[Sentence] = []
    para = 0
    for b in blocks(text):
        if is_heading(b, before_text=para == 0):
            headings.append(b)
            continue
        para += 1
        for s in split_sentences(b):
            sentences.append(Sentence(len(sentences) + 1, para, s))
    return Document(tuple(headings), tuple(sentences))

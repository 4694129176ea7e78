"""Reads the seed article itself, so coverage tests check the store against
the source text rather than against a copy of it."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.settings import PROJECT_ROOT

SEED_PATH = PROJECT_ROOT.parent / "shared" / "seeds" / "000_2a3cff948478ff93.txt"


@lru_cache(maxsize=1)
def lines() -> list[str]:
    assert SEED_PATH.exists(), f"seed article not found at {SEED_PATH}"
    return [line.strip() for line in SEED_PATH.read_text(encoding="utf-8").splitlines()]


def _between(start: str, end: str) -> list[str]:
    text = lines()
    i = next(n for n, line in enumerate(text) if line.startswith(start))
    j = next(n for n in range(i + 1, len(text)) if text[n].startswith(end))
    return [line for line in text[i + 1 : j] if line]


def comparison_rows() -> list[tuple[str, str, str]]:
    """(area, ISO 9001 cell, CMMI cell) of the core-differences table."""
    cells = _between("Here are the most important differences", "Should I Get CMMI")
    assert cells[:3] == ["Area", "ISO 9001:2015", "CMMI V2.0"], cells[:3]
    body = cells[3:]
    return [tuple(body[n : n + 3]) for n in range(0, len(body), 3)]


def industry_fit_rows() -> list[dict]:
    """Rows of the "Should I Get CMMI Appraisal?" table: role, qualifier, label, why."""
    cells = _between("Why", "The bottom line")
    rows, n = [], 0
    while n < len(cells):
        role = cells[n]
        qualifier = None
        if cells[n + 1].startswith("("):
            qualifier = cells[n + 1].strip("()")
            n += 1
        label = re.sub(r"^\W+\s*", "", cells[n + 1])
        rows.append({"role": role, "qualifier": qualifier, "label": label, "why": cells[n + 2]})
        n += 3
    return rows


def practices() -> list[str]:
    return _between("However, ISO 9001 provides useful management practices", "Organizations that already have")


def examples() -> list[dict]:
    text = lines()
    found = []
    for n, line in enumerate(text):
        match = re.match(r"Example (\d): (.+)", line)
        if match:
            decision = next(later for later in text[n + 1 :] if later.startswith("Decision:"))
            found.append(
                {
                    "number": int(match.group(1)),
                    "title": match.group(2),
                    "decision": decision[len("Decision:") :].strip(),
                }
            )
    return found


def process_steps(header_start: str) -> list[tuple[str, str]]:
    text = lines()
    i = next(n for n, line in enumerate(text) if line.startswith(header_start))
    steps = []
    for line in text[i + 1 :]:
        match = re.match(r"\d\. (.+?) – (.+)", line)
        if not match:
            break
        steps.append((match.group(1), match.group(2)))
    return steps


def tips() -> list[str]:
    return _between("Here are some final tips", "We hope this guide")

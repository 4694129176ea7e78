"""Figures, goals and ratios from a results dict; the markdown table; the README section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def _get(results: dict, pipeline: str, *path: str):
    value = results["pipelines"].get(pipeline, {})
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _at_least(limit: float) -> Callable[[float, Optional[float]], bool]:
    return lambda ours, _baseline: ours >= limit


def _at_most(limit: float) -> Callable[[float, Optional[float]], bool]:
    return lambda ours, _baseline: ours <= limit


def figures(results: dict) -> list[dict]:
    """One row per figure: ours, baseline, ours/baseline, the goal and whether it is met."""
    users = results["settings"]["users"]
    store_ms = results["store"]["slowest_ms"]
    rows = [
        ("intent macro-F1", "", ("nlu", "intent_macro_f1"), "≥ 0.95", _at_least(0.95), 3),
        ("entity F1", "", ("nlu", "entity_f1"), "≥ 0.90", _at_least(0.90), 3),
        (
            "reply latency p50, 1 user",
            "ms",
            ("load", "1", "p50_ms"),
            "≤ 1.2× baseline",
            lambda o, b: b is not None and o <= 1.2 * b,
            0,
        ),
        ("reply latency p95, 1 user", "ms", ("load", "1", "p95_ms"), "", None, 0),
        ("of which NLU: /model/parse p50, 1 user", "ms", ("nlu", "parse_p50_ms"), "", None, 0),
        (f"reply latency p50, {users} users", "ms", ("load", str(users), "p50_ms"), "", None, 0),
        (f"reply latency p95, {users} users", "ms", ("load", str(users), "p95_ms"), "≤ 400 ms", _at_most(400), 0),
        (f"throughput, {users} users", "msg/s", ("load", str(users), "throughput"), "≥ 20", _at_least(20), 1),
        ("failed requests", "", ("load", "errors"), "0", _at_most(0), 0),
        ("Rasa server RSS after load", "MiB", ("rss_mib",), "≤ 1536 MiB", _at_most(1536), 0),
        ("start until ready", "s", ("start_seconds",), "≤ 60 s", _at_most(60), 1),
        ("training", "s", ("training", "seconds"), "≤ 300 s", _at_most(300), 0),
    ]
    out = []
    for name, unit, path, goal, check, digits in rows:
        ours, baseline = _get(results, "ours", *path), _get(results, "baseline", *path)
        ratio = ours / baseline if isinstance(ours, (int, float)) and baseline else None
        met = check(ours, baseline) if check and isinstance(ours, (int, float)) else None
        out.append(
            {
                "figure": name,
                "unit": unit,
                "ours": ours,
                "baseline": baseline,
                "ratio": ratio,
                "goal": goal,
                "met": met,
                "digits": digits,
            }
        )
    out.append(
        {
            "figure": f"store lookup (slowest method's median: {results['store']['slowest']})",
            "unit": "ms",
            "ours": store_ms,
            "baseline": None,
            "ratio": None,
            "goal": "≤ 5 ms",
            "met": store_ms <= 5 if store_ms is not None else None,
            "digits": 2,
            "note": "same store and code for both pipelines",
        }
    )
    answers = results.get("answers") or {}
    answer_ms = answers.get("median_ms")
    out.append(
        {
            "figure": f"answer composed in the action server (median over {answers.get('question_kinds')} "
            "question kinds)",
            "unit": "ms",
            "ours": answer_ms,
            "baseline": None,
            "ratio": None,
            "goal": "≤ 5 ms",
            "met": answer_ms <= 5 if answer_ms is not None else None,
            "digits": 2,
            "note": "same action server for both pipelines",
        }
    )
    return out


def _fmt(value, digits: int) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        f"Measured {results['measured_at']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gib']:.0f} GiB RAM), {machine['os']}, Python {machine['python']}, "
        f"Rasa {machine['rasa']}; load average {machine['load_before']} before, {machine['load_after']} after.",
        "",
        "| figure | ours | baseline (stock `rasa init` config) | ours / baseline | goal | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in results["figures"]:
        unit = f" ({row['unit']})" if row["unit"] else ""
        ratio = (
            _fmt(row["ratio"], 2)
            if row["ratio"] is not None
            else ("—" if row["baseline"] is None and row.get("note") else "n/a")
        )
        met = {True: "yes", False: "**no**", None: "—"}[row["met"]]
        lines.append(
            f"| {row['figure']}{unit} | {_fmt(row['ours'], row['digits'])} | "
            f"{_fmt(row['baseline'], row['digits'])} | {ratio} | {row['goal']} | {met} |"
        )
    notes = []
    heldout = results["heldout"]
    if heldout["status"] == "missing":
        notes.append(f"Held-out NLU set {heldout['path']} is missing: no F1 figures.")
    else:
        notes.append(f"NLU: {heldout['examples']} held-out examples from {heldout['path']}.")
    settings = results["settings"]
    notes.append(
        f"Load: REST webhook on localhost, at most {settings['messages_single']} messages (1 user) and "
        f"{settings['messages_concurrent']} messages ({settings['users']} users), each level at most "
        f"{settings['max_seconds']:.0f} s; latencies are medians/percentiles over all replies."
    )
    for name in ("ours", "baseline"):
        training = _get(results, name, "training") or {}
        if training.get("reused"):
            notes.append(
                f"Training time of {name} reused from the measured training of {training['measured_at']} "
                "(--reuse-models; nothing changed since)."
            )
    for name in ("ours", "baseline"):
        if _get(results, name, "error"):
            notes.append(f"{name}: {_get(results, name, 'error')}")
    if results["store"].get("note"):
        notes.append(results["store"]["note"])
    return "\n".join(lines + [""] + [f"- {n}" for n in notes]) + "\n"


def update_readme(readme: Path, table: str) -> None:
    """Put the table between the Benchmark section's markers (added if missing)."""
    text = readme.read_text(encoding="utf-8")
    block = f"{README_START}\n{table}{README_END}"
    if README_START in text and README_END in text:
        pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
        text = pattern.sub(lambda _m: block, text)
    else:
        text = (
            text.rstrip("\n")
            + "\n\n## Benchmark\n`./run bench` (see `bench/README.md`); latest run:\n\n"
            + block
            + "\n"
        )
    readme.write_text(text, encoding="utf-8")

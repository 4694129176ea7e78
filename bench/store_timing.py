"""Knowledge store lookup times: the median over many calls of each method the answers use."""

from __future__ import annotations

import time
from typing import Callable

from bench.metrics import median
from bot.answers import AnswerComposer
from bot.store import KnowledgeStore
from bot.store.snapshot import SnapshotCache


def lookups(store: KnowledgeStore) -> dict[str, Callable[[], object]]:
    return {
        "resolve(framework, 'iso 9k')": lambda: store.resolve("framework", "iso 9k"),
        "framework(iso9001)": lambda: store.framework("iso9001"),
        "facts(overview, iso9001)": lambda: store.facts(topic="overview", framework_key="iso9001"),
        "process(cmmi)": lambda: store.process("cmmi"),
        "timeline_estimates(iso9001)": lambda: store.timeline_estimates("iso9001"),
        "cost_items(cmmi)": lambda: store.cost_items("cmmi"),
        "comparison()": store.comparison,
        "industry_fit()": store.industry_fit,
        "maturity_levels()": store.maturity_levels,
        "outcome(iso9001_only)": lambda: store.outcome("iso9001_only"),
        "aliases(framework)": lambda: store.aliases("framework"),
    }


def time_answers(store: KnowledgeStore, rounds: int = 5) -> dict[str, float]:
    """Milliseconds to compose the reply to each question kind as the action server
    does (the content digest check, then the in-memory snapshot): the median and
    the slowest kind's median, over `rounds` passes over the whole catalogue."""
    cache = SnapshotCache(store)
    keys = list(cache.get().questions)
    per_key: dict[str, list[float]] = {k: [] for k in keys}
    for _ in range(rounds):
        for key in keys:
            start = time.perf_counter()
            AnswerComposer(cache.get()).reply([key], message="how long does it take for us?", named=["cmmi"])
            per_key[key].append((time.perf_counter() - start) * 1000)
    medians = {k: median(v) for k, v in per_key.items()}
    return {
        "median_ms": median(list(medians.values())),
        "slowest_ms": max(medians.values()),
        "question_kinds": len(keys),
    }


def time_lookups(store: KnowledgeStore, calls: int = 200) -> dict[str, float]:
    """Median milliseconds per call of each lookup (after one warm-up call)."""
    medians = {}
    for name, call in lookups(store).items():
        call()
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        medians[name] = median(samples)
    return medians

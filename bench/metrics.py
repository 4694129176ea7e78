"""Latency figures. Plain Python, no Rasa. The NLU quality figures (intent
macro-F1, entity F1) are bench.nlu_metrics, shared with ./run eval-nlu.
"""

from __future__ import annotations

from typing import Optional, Sequence


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0..100), linear between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> Optional[float]:
    return percentile(values, 50)

"""Quality and latency figures. Plain Python, no Rasa.

Definitions (shared with the NLU evaluation of the question-answering work):
- intent macro-F1: the mean over the intents present in the held-out set of
  each intent's F1 (a prediction of an intent absent from the set counts as a
  false negative of the true intent only);
- entity F1: micro-averaged over (entity, value) spans: per example the
  multiset of expected (entity, value) pairs against the predicted ones.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence


def f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def intent_f1_per_label(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """F1 of each intent present in `expected`."""
    scores = {}
    for label in sorted(set(expected)):
        tp = sum(1 for e, p in zip(expected, predicted) if e == label and p == label)
        fp = sum(1 for e, p in zip(expected, predicted) if e != label and p == label)
        fn = sum(1 for e, p in zip(expected, predicted) if e == label and p != label)
        scores[label] = f1(tp, fp, fn)
    return scores


def intent_macro_f1(expected: Sequence[str], predicted: Sequence[str]) -> Optional[float]:
    scores = intent_f1_per_label(expected, predicted)
    return sum(scores.values()) / len(scores) if scores else None


def normalise_value(value: object) -> str:
    return " ".join(str(value).casefold().split())


def entity_micro_f1(
    expected: Sequence[Sequence[tuple[str, str]]], predicted: Sequence[Sequence[tuple[str, str]]]
) -> Optional[float]:
    """Micro F1 over (entity, value) pairs, example by example; None if there are none at all."""
    tp = fp = fn = 0
    for gold, pred in zip(expected, predicted):
        gold_c = Counter((e, normalise_value(v)) for e, v in gold)
        pred_c = Counter((e, normalise_value(v)) for e, v in pred)
        hits = sum((gold_c & pred_c).values())
        tp += hits
        fp += sum(pred_c.values()) - hits
        fn += sum(gold_c.values()) - hits
    if tp + fp + fn == 0:
        return None
    return f1(tp, fp, fn)


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

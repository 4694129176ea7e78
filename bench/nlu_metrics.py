"""NLU quality figures: the one set of definitions that `./run eval-nlu`
(bench.eval_nlu, the model loaded in-process) and `./run bench` (bench.heldout,
the served model's /model/parse) both use. Plain Python: no Rasa import, so
it runs on parse dicts from either.

Definitions
- Precision tp/(tp+fp), recall tp/(tp+fn), F1 their harmonic mean; each is 0
  where its denominator is 0.
- Intent accuracy: the share of examples whose predicted intent is the expected
  one (after the fallback classifier: nlu_fallback counts as a miss).
- Intent macro-F1: the unweighted mean of the per-intent F1 over the intents
  present in the expected labels, each F1 unrounded. A predicted label absent
  from them (nlu_fallback, say) gets no term of its own: it is only a false
  negative of the true intent.
- Entity F1 (type+value), the headline figure: micro-averaged over all
  examples. Per example, the *set* of expected (entity type, value) pairs is
  compared with the set of predicted ones: tp in both, fp predicted only, fn
  expected only. Values are compared casefolded with white space collapsed; a
  pair found twice (two extractors on one span, or a value named twice) counts
  once. `question` entities are left out on both sides: they are the question
  kinds, scored by question_scores.
- Entity F1 (exact span): the same over (type, value, start, end), so the
  characters the entity covers must match too.
- The expected value of an annotated entity: its annotated value, else the
  training file's synonym for it, else (the project's convention) the
  knowledge store key its text resolves to through the aliases table
  (expected_value).
- Question kind (question_scores): a held-out question is right when the
  first `question` entity of an `ask_question` parse is its key (or, for a
  two-part question, its second key), or when its key is any of the parse's
  question entities; anything else predicts "<intent>". Accuracy and
  macro-F1 are the intent definitions above over the keys; top-3 accuracy
  also counts the key among the first three of question_ranking.
- A figure with nothing to count (no examples, no entities at all) is None,
  not 0.
Rounding is for reports only (4 places in the JSON of eval-nlu and in
question_scores); every average is taken over unrounded values.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Optional, Sequence

QUESTION_ENTITY = "question"
REPORT_PLACES = 4


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def f1(tp: int, fp: int, fn: int) -> float:
    return precision_recall_f1(tp, fp, fn)[2]


def rounded(value: Optional[float]) -> Optional[float]:
    """A figure as reports give it (None stays None)."""
    return None if value is None else round(value, REPORT_PLACES)


def prf_report(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 rounded for a report, and the support (tp + fn)."""
    return {
        **dict(zip(("precision", "recall", "f1"), map(rounded, precision_recall_f1(tp, fp, fn)))),
        "support": tp + fn,
    }


# -- intents -------------------------------------------------------------------


def label_counts(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) of each label present in `expected`."""
    counts = {}
    for label in sorted(set(expected)):
        tp = sum(1 for e, p in zip(expected, predicted) if e == label and p == label)
        fp = sum(1 for e, p in zip(expected, predicted) if e != label and p == label)
        fn = sum(1 for e, p in zip(expected, predicted) if e == label and p != label)
        counts[label] = (tp, fp, fn)
    return counts


def intent_f1_per_label(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """F1 of each intent present in `expected`."""
    return {label: f1(*c) for label, c in label_counts(expected, predicted).items()}


def intent_macro_f1(expected: Sequence[str], predicted: Sequence[str]) -> Optional[float]:
    scores = intent_f1_per_label(expected, predicted)
    return sum(scores.values()) / len(scores) if scores else None


def accuracy(expected: Sequence[str], predicted: Sequence[str]) -> Optional[float]:
    return sum(e == p for e, p in zip(expected, predicted)) / len(expected) if expected else None


# -- entities ------------------------------------------------------------------


def normalise_value(value: object) -> str:
    return " ".join(str(value).casefold().split())


def expected_value(
    entity: str,
    value: object,
    span: str,
    synonyms: Mapping[str, str],
    resolve: Optional[Callable[[str, str], Optional[str]]] = None,
) -> str:
    """The value an annotated entity is expected with. `synonyms` maps casefolded
    text to the training file's synonym; `resolve(entity, text)` is the store's
    alias look-up (None where it knows the text not)."""
    value = str(value)
    if value.casefold() in synonyms:
        return synonyms[value.casefold()]
    if value == span and resolve is not None:
        return resolve(entity, span) or value
    return value


def entity_pairs(entities: Optional[Iterable[Mapping]], spans: bool = False) -> list[tuple]:
    """(entity, value) of Rasa entity dicts, or (entity, value, start, end) with
    `spans`, leaving out `question` entities."""
    keys = ("entity", "value", "start", "end") if spans else ("entity", "value")
    return [
        tuple(str(e.get(k)) if k == "value" else e.get(k) for k in keys)
        for e in entities or []
        if e.get("entity") != QUESTION_ENTITY
    ]


def _entity_set(items: Iterable[tuple]) -> set[tuple]:
    return {(item[0], normalise_value(item[1]), *item[2:]) for item in items if item[0] != QUESTION_ENTITY}


def entities_match(expected: Iterable[tuple], predicted: Iterable[tuple]) -> bool:
    """The example's entities are all found, and nothing else (as entity F1 counts them)."""
    return _entity_set(expected) == _entity_set(predicted)


def entity_counts(expected: Sequence[Iterable[tuple]], predicted: Sequence[Iterable[tuple]]) -> dict[str, list[int]]:
    """[tp, fp, fn] per entity type, example by example, of (entity, value[, start, end]) tuples."""
    counts: dict[str, list[int]] = {}
    for gold, pred in zip(expected, predicted):
        gold_set, pred_set = _entity_set(gold), _entity_set(pred)
        for column, items in enumerate((gold_set & pred_set, pred_set - gold_set, gold_set - pred_set)):
            for item in items:
                counts.setdefault(item[0], [0, 0, 0])[column] += 1
    return dict(sorted(counts.items()))


def entity_micro_f1(expected: Sequence[Iterable[tuple]], predicted: Sequence[Iterable[tuple]]) -> Optional[float]:
    """Micro F1 over the entity sets of all examples; None if there are no entities at all."""
    counts = entity_counts(expected, predicted).values()
    tp, fp, fn = (sum(c[column] for c in counts) for column in range(3))
    return f1(tp, fp, fn) if tp + fp + fn else None


# -- question kinds ------------------------------------------------------------


def question_scores(items: list[dict], parsed: list[dict]) -> dict:
    """Question-kind accuracy, top-3 accuracy and macro-F1 of parse results (Rasa's
    parse dicts: intent, `question` entities, question_ranking) against the held-out
    items (text, key, optional also); figures rounded for a report."""
    gold, predicted, top3_hits, errors, parts_hit = [], [], 0, [], 0
    for item, parse in zip(items, parsed):
        keys = [e["value"] for e in parse.get("entities") or [] if e["entity"] == QUESTION_ENTITY]
        ranking = [r["question"] for r in parse.get("question_ranking") or []]
        intent = (parse.get("intent") or {}).get("name")
        first = keys[0] if keys and intent == "ask_question" else f"<{intent}>"
        expected = [item["key"]] + ([item["also"]] if item.get("also") else [])
        # a two-part question is right when its first part is; both parts are counted apart
        hit = first in expected or item["key"] in keys
        gold.append(item["key"])
        predicted.append(item["key"] if hit else first)
        top3_hits += item["key"] in ranking[:3] or hit
        if item.get("also"):
            parts_hit += item["also"] in keys
        if not hit:
            errors.append({"text": item["text"], "key": item["key"], "predicted": first, "ranking": ranking})
    return {
        "questions": len(items),
        "accuracy": rounded(accuracy(gold, predicted)),
        "top3_accuracy": rounded(top3_hits / len(items)) if items else None,
        "macro_f1": rounded(intent_macro_f1(gold, predicted)),
        "two_part_questions": sum(1 for i in items if i.get("also")),
        "second_part_found": parts_hit,
        "errors": errors,
    }

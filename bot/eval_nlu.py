"""Evaluate the trained NLU model on the held-out test set.

    python -m bot.eval_nlu [--model models/assistant.tar.gz] [--data tests/nlu/heldout.yml] [--out var/eval]

Reports intent macro-F1 (over the intents in the test set, after the fallback
classifier, so a fallback counts as a miss) and entity F1. Entities are compared
per message as (entity type, normalised value) pairs, which is what the
assistant acts on; span-exact F1 (type, value, start, end) is reported beside it.
Imports Rasa (to load the model); the scoring functions are plain Python."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.answers import SOURCES_HEADING
from bot.settings import PROJECT_ROOT

DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
DEFAULT_DATA = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
DEFAULT_QUESTIONS = PROJECT_ROOT / "tests" / "nlu" / "questions_heldout.yml"
DEFAULT_OUT = PROJECT_ROOT / "var" / "eval"


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": tp + fn}


def intent_scores(gold: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(gold))
    per_intent = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        per_intent[label] = _prf(tp, fp, fn)
    macro = sum(s["f1"] for s in per_intent.values()) / len(per_intent) if per_intent else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "per_intent": per_intent}


def entity_scores(gold: list[list[tuple]], predicted: list[list[tuple]]) -> dict:
    tp = fp = fn = 0
    per_type: Counter = Counter()
    for g, p in zip(gold, predicted):
        g, p = set(g), set(p)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
        for item in g & p:
            per_type[(item[0], "tp")] += 1
        for item in p - g:
            per_type[(item[0], "fp")] += 1
        for item in g - p:
            per_type[(item[0], "fn")] += 1
    types = sorted({t for t, _ in per_type})
    return {
        **_prf(tp, fp, fn),
        "per_type": {t: _prf(per_type[(t, "tp")], per_type[(t, "fp")], per_type[(t, "fn")]) for t in types},
    }


def evaluate(model: Path, data: Path) -> dict:
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines

    examples = load_data(str(data)).nlu_examples
    agent = Agent.load(str(model))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(ex.get("text")) for ex in examples]

    parsed = asyncio.run(parse_all())
    gold_intents = [ex.get("intent") for ex in examples]
    pred_intents = [(p.get("intent") or {}).get("name") for p in parsed]

    # question kinds are scored on their own held-out set (evaluate_questions)
    def pairs(entities) -> list[tuple]:
        return [(e["entity"], str(e["value"])) for e in entities or [] if e["entity"] != "question"]

    def spans(entities) -> list[tuple]:
        return [(e["entity"], str(e["value"]), e["start"], e["end"]) for e in entities or []
                if e["entity"] != "question"]

    gold_entities = [ex.get("entities") for ex in examples]
    pred_entities = [p.get("entities") for p in parsed]
    errors = [
        {"text": ex.get("text"), "intent": g, "predicted": p,
         "entities": pairs(ge), "predicted_entities": pairs(pe)}
        for ex, g, p, ge, pe in zip(examples, gold_intents, pred_intents, gold_entities, pred_entities)
        if g != p or set(pairs(ge)) != set(pairs(pe))
    ]
    return {
        "model": str(model),
        "data": str(data),
        "examples": len(examples),
        "intent": intent_scores(gold_intents, pred_intents),
        "entity": entity_scores([pairs(e) for e in gold_entities], [pairs(e) for e in pred_entities]),
        "entity_span_exact": entity_scores([spans(e) for e in gold_entities], [spans(e) for e in pred_entities]),
        "errors": errors,
    }


def _words_before_sources(text: str) -> int:
    return len(text.split(SOURCES_HEADING, 1)[0].split())


def evaluate_questions(model: Path, data: Path = DEFAULT_QUESTIONS) -> dict:
    """Question-kind accuracy, top-3 accuracy and macro-F1 on the held-out
    questions, and the length of the first message the user would get."""
    import logging
    import statistics

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from bot.answers import AnswerComposer, subjects_in_parts
    from bot.store import default_store
    from bot.store.snapshot import SnapshotCache

    configure_structlog(logging.WARNING)
    items = yaml.safe_load(data.read_text(encoding="utf-8"))["questions"]
    agent = Agent.load(str(model))
    composer = AnswerComposer(SnapshotCache(default_store()).get())

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(item["text"]) for item in items]

    parsed = asyncio.run(parse_all())
    result = question_scores(items, parsed)
    lengths = []
    for item, parse in zip(items, parsed):
        keys = [e["value"] for e in parse.get("entities") or [] if e["entity"] == "question"]
        intent = (parse.get("intent") or {}).get("name")
        if keys and intent == "ask_question":
            entities = parse.get("entities") or []
            guesses = [e for e in entities if e["entity"] == "question"]
            named = [str(e["value"]) for e in entities if e["entity"] == "framework"]
            reply = composer.reply(keys, message=item["text"], named=named,
                                   part_subjects=subjects_in_parts(entities, guesses))
            if reply.found:
                lengths.append(_words_before_sources(reply.text))
    errors = result.pop("errors")
    return {
        "model": str(model),
        "data": str(data),
        **result,
        "first_message_words": {
            "median": statistics.median(lengths) if lengths else None,
            "max": max(lengths) if lengths else None,
            "over_60": sum(n > 60 for n in lengths),
            "replies": len(lengths),
        },
        "errors": errors,
    }


def question_scores(items: list[dict], parsed: list[dict]) -> dict:
    """Question-kind accuracy, top-3 accuracy and macro-F1 of parse results (Rasa's
    parse dicts: intent, `question` entities, question_ranking) against the held-out
    items (text, key, optional also)."""
    gold, predicted, top3_hits, errors, parts_hit = [], [], 0, [], 0
    for item, parse in zip(items, parsed):
        keys = [e["value"] for e in parse.get("entities") or [] if e["entity"] == "question"]
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
    scores = intent_scores(gold, predicted)
    return {
        "questions": len(items),
        "accuracy": scores["accuracy"],
        "top3_accuracy": round(top3_hits / len(items), 4) if items else 0.0,
        "macro_f1": scores["macro_f1"],
        "two_part_questions": sum(1 for i in items if i.get("also")),
        "second_part_found": parts_hit,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval-nlu")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"error: no trained model at {args.model}: run ./run train first", file=sys.stderr)
        return 2
    result = evaluate(args.model, args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / "nlu_heldout.json"
    out_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"held-out examples: {result['examples']}")
    print(f"intent macro-F1: {result['intent']['macro_f1']:.3f} (accuracy {result['intent']['accuracy']:.3f})")
    print(f"entity F1 (type+value): {result['entity']['f1']:.3f}; span-exact: {result['entity_span_exact']['f1']:.3f}")
    for err in result["errors"]:
        print(f"  miss: {err['text']!r}: {err['intent']} -> {err['predicted']}; "
              f"{sorted(err['entities'])} -> {sorted(err['predicted_entities'])}")
    questions = evaluate_questions(args.model, args.questions)
    (args.out / "questions_heldout.json").write_text(json.dumps(questions, indent=2), encoding="utf-8")
    words = questions["first_message_words"]
    print(f"held-out questions: {questions['questions']}: question-kind accuracy {questions['accuracy']:.3f}, "
          f"top-3 {questions['top3_accuracy']:.3f}, macro-F1 {questions['macro_f1']:.3f}; second part of "
          f"{questions['two_part_questions']} two-part questions found: {questions['second_part_found']}")
    print(f"first message: median {words['median']} words, max {words['max']}, over 60: {words['over_60']}")
    for err in questions["errors"]:
        print(f"  miss: {err['text']!r}: {err['key']} -> {err['predicted']} (top 3: {err['ranking']})")
    print(f"results: {out_file}, {args.out / 'questions_heldout.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Evaluate the trained NLU model on the held-out test set.

    python -m bench.eval_nlu [--model models/assistant.tar.gz] [--data tests/nlu/heldout.yml] [--out var/eval]

Reports intent macro-F1 and accuracy, entity F1 (type+value, and exact span)
and the question-kind figures, all as defined in bench.nlu_metrics (the same
module the benchmark scores with). Imports Rasa (to load the model); the
scoring is plain Python."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import yaml

from bench import nlu_metrics as metrics
from bench.nlu_metrics import question_scores  # noqa: F401  (bench.compare_classifiers imports it from here)
from bot.answers import split_sources
from bot.settings import PROJECT_ROOT

DEFAULT_MODEL = PROJECT_ROOT / "models" / "assistant.tar.gz"
DEFAULT_DATA = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
DEFAULT_QUESTIONS = PROJECT_ROOT / "tests" / "nlu" / "questions_heldout.yml"
DEFAULT_OUT = PROJECT_ROOT / "var" / "eval"


def intent_scores(gold: list[str], predicted: list[str]) -> dict:
    """Intent macro-F1, accuracy and per-intent figures (bench.nlu_metrics), rounded for the report."""
    per_intent = {label: metrics.prf_report(*c) for label, c in metrics.label_counts(gold, predicted).items()}
    return {
        "macro_f1": metrics.rounded(metrics.intent_macro_f1(gold, predicted)),
        "accuracy": metrics.rounded(metrics.accuracy(gold, predicted)),
        "per_intent": per_intent,
    }


def entity_scores(gold: list[list[tuple]], predicted: list[list[tuple]]) -> dict:
    """Entity micro precision, recall, F1 and support, and per entity type (bench.nlu_metrics), rounded."""
    per_type = metrics.entity_counts(gold, predicted)
    tp, fp, fn = (sum(c[column] for c in per_type.values()) for column in range(3))
    return {
        **metrics.prf_report(tp, fp, fn),
        "f1": metrics.rounded(metrics.entity_micro_f1(gold, predicted)),
        "per_type": {t: metrics.prf_report(*c) for t, c in per_type.items()},
    }


def evaluate(model: Path, data: Path, resolve=None) -> dict:
    """Intent and entity figures on the held-out set (definitions in bench.nlu_metrics).
    `resolve(entity, text)` gives an unannotated entity's expected value; by default
    the knowledge store's aliases."""
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines

    if resolve is None:
        from bot.store import default_store

        resolve = default_store().resolve
    training_data = load_data(str(data))
    synonyms = {str(k).casefold(): v for k, v in training_data.entity_synonyms.items()}
    examples = training_data.nlu_examples
    agent = Agent.load(str(model))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(ex.get("text")) for ex in examples]

    parsed = asyncio.run(parse_all())
    gold_intents = [ex.get("intent") for ex in examples]
    pred_intents = [str((p.get("intent") or {}).get("name")) for p in parsed]

    def expected(ex) -> list[dict]:
        text = ex.get("text")
        return [
            {
                **e,
                "value": metrics.expected_value(
                    e["entity"],
                    e.get("value", text[e["start"] : e["end"]]),
                    text[e["start"] : e["end"]],
                    synonyms,
                    resolve,
                ),
            }
            for e in ex.get("entities") or []
        ]

    gold_entities = [expected(ex) for ex in examples]
    pred_entities = [p.get("entities") for p in parsed]
    gold_pairs = [metrics.entity_pairs(e) for e in gold_entities]
    pred_pairs = [metrics.entity_pairs(e) for e in pred_entities]
    errors = [
        {"text": ex.get("text"), "intent": g, "predicted": p, "entities": ge, "predicted_entities": pe}
        for ex, g, p, ge, pe in zip(examples, gold_intents, pred_intents, gold_pairs, pred_pairs)
        if g != p or not metrics.entities_match(ge, pe)
    ]
    return {
        "model": str(model),
        "data": str(data),
        "examples": len(examples),
        "intent": intent_scores(gold_intents, pred_intents),
        "entity": entity_scores(gold_pairs, pred_pairs),
        "entity_span_exact": entity_scores(
            [metrics.entity_pairs(e, spans=True) for e in gold_entities],
            [metrics.entity_pairs(e, spans=True) for e in pred_entities],
        ),
        "errors": errors,
    }


def _words_before_sources(text: str) -> int:
    return len(split_sources(text)[0].split())


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
            reply = composer.reply(
                keys, message=item["text"], named=named, part_subjects=subjects_in_parts(entities, guesses)
            )
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
        print(
            f"  miss: {err['text']!r}: {err['intent']} -> {err['predicted']}; "
            f"{sorted(err['entities'])} -> {sorted(err['predicted_entities'])}"
        )
    questions = evaluate_questions(args.model, args.questions)
    (args.out / "questions_heldout.json").write_text(json.dumps(questions, indent=2), encoding="utf-8")
    words = questions["first_message_words"]
    print(
        f"held-out questions: {questions['questions']}: question-kind accuracy {questions['accuracy']:.3f}, "
        f"top-3 {questions['top3_accuracy']:.3f}, macro-F1 {questions['macro_f1']:.3f}; second part of "
        f"{questions['two_part_questions']} two-part questions found: {questions['second_part_found']}"
    )
    print(f"first message: median {words['median']} words, max {words['max']}, over 60: {words['over_60']}")
    for err in questions["errors"]:
        print(f"  miss: {err['text']!r}: {err['key']} -> {err['predicted']} (top 3: {err['ranking']})")
    print(f"results: {out_file}, {args.out / 'questions_heldout.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

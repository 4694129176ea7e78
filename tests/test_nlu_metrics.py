"""bench.nlu_metrics, the scoring of ./run eval-nlu and ./run bench, on tiny hand-made
examples. The expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import pytest

from bench import nlu_metrics as m
from bench.eval_nlu import entity_scores, intent_scores, question_scores

EXPECTED_INTENTS = ["greet", "greet", "greet", "ask_cost", "ask_cost", "goodbye"]
PREDICTED_INTENTS = ["greet", "greet", "ask_cost", "ask_cost", "nlu_fallback", "goodbye"]


def test_intent_macro_f1_and_accuracy():
    # greet: tp 2, fp 0, fn 1 -> P 1, R 2/3, F1 0.8; ask_cost: tp 1, fp 1, fn 1 -> 0.5;
    # goodbye: 1.0; nlu_fallback is not an expected intent: no term of its own.
    assert m.intent_f1_per_label(EXPECTED_INTENTS, PREDICTED_INTENTS) == pytest.approx(
        {"ask_cost": 0.5, "goodbye": 1.0, "greet": 0.8}
    )
    assert m.intent_macro_f1(EXPECTED_INTENTS, PREDICTED_INTENTS) == pytest.approx(2.3 / 3)
    assert m.accuracy(EXPECTED_INTENTS, PREDICTED_INTENTS) == pytest.approx(4 / 6)
    assert m.intent_macro_f1([], []) is None and m.accuracy([], []) is None


def test_eval_report_rounds_only_at_the_end():
    scores = intent_scores(EXPECTED_INTENTS, PREDICTED_INTENTS)
    assert scores["macro_f1"] == 0.7667 and scores["accuracy"] == 0.6667
    assert scores["per_intent"]["greet"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3}


EXPECTED_ENTITIES = [
    [("framework", "iso9001")],
    [("framework", "cmmi"), ("industry", "software")],
    [],
    [("level", "3")],
    [("level", "3")],
]
PREDICTED_ENTITIES = [
    [("framework", "ISO9001"), ("framework", " iso9001")],  # one pair after normalising: counts once
    [("framework", "cmmi"), ("question", "cost")],  # question kinds are not entities here
    [("industry", "aerospace"), ("framework", "as9100")],
    [("level", "2")],
    [("level", "3")],
]


def test_entity_f1_is_micro_over_sets_of_type_value_pairs():
    # tp 3 (iso9001, cmmi, level 3), fp 3 (aerospace, as9100, level 2), fn 2 (software, level 3)
    # -> P 1/2, R 3/5, F1 = 2 * 0.3 / 1.1 = 6/11.
    assert m.entity_micro_f1(EXPECTED_ENTITIES, PREDICTED_ENTITIES) == pytest.approx(6 / 11)
    assert m.entity_counts(EXPECTED_ENTITIES, PREDICTED_ENTITIES) == {
        "framework": [2, 1, 0],
        "industry": [0, 1, 1],
        "level": [1, 1, 1],
    }
    report = entity_scores(EXPECTED_ENTITIES, PREDICTED_ENTITIES)
    assert (report["precision"], report["recall"], report["f1"], report["support"]) == (0.5, 0.6, 0.5455, 5)
    assert report["per_type"]["framework"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert m.entity_micro_f1([[]], [[("question", "cost")]]) is None
    assert m.entities_match([("framework", "cmmi")], [("framework", "CMMI"), ("question", "cost")])
    assert not m.entities_match([("framework", "cmmi")], [])


def test_exact_span_entity_f1_needs_the_same_characters():
    rasa_entities = [
        {"entity": "framework", "value": "cmmi", "start": 0, "end": 4, "extractor": "A"},
        {"entity": "framework", "value": "cmmi", "start": 9, "end": 13, "extractor": "B"},
        {"entity": "question", "value": "cost", "start": 0, "end": 13},
    ]
    assert m.entity_pairs(rasa_entities) == [("framework", "cmmi"), ("framework", "cmmi")]
    gold = [("framework", "cmmi", 0, 4)]
    predicted = m.entity_pairs(rasa_entities, spans=True)
    assert predicted == [("framework", "cmmi", 0, 4), ("framework", "cmmi", 9, 13)]
    # spans: tp 1, fp 1 -> P 1/2, R 1, F1 2/3; as (type, value) pairs the two are one hit.
    assert m.entity_micro_f1([gold], [predicted]) == pytest.approx(2 / 3)
    assert (
        m.entity_micro_f1([m.entity_pairs([{"entity": "framework", "value": "cmmi"}])], [m.entity_pairs(rasa_entities)])
        == 1.0
    )


def test_expected_value_is_annotation_then_synonym_then_store_alias():
    synonyms = {"capability model": "cmmi"}
    resolve = {("framework", "iso 9k"): "iso9001"}.get

    def value(annotated, span):
        return m.expected_value("framework", annotated, span, synonyms, lambda e, t: resolve((e, t)))

    assert value("capability model", "capability model") == "cmmi"
    assert value("iso 9k", "iso 9k") == "iso9001"
    assert value("iso9001", "nine thousand one") == "iso9001"
    assert value("as 9100", "as 9100") == "as 9100"  # unknown to both: kept


def test_question_scores():
    items = [
        {"text": "a", "key": "cost"},
        {"text": "b", "key": "how_long", "also": "cost"},
        {"text": "c", "key": "cost"},
        {"text": "d", "key": "is_cert"},
    ]

    def parse(intent, keys, ranking):
        return {
            "intent": {"name": intent},
            "entities": [{"entity": "question", "value": k} for k in keys],
            "question_ranking": [{"question": k} for k in ranking],
        }

    parsed = [
        parse("ask_question", ["cost"], ["cost"]),
        parse("ask_question", ["cost"], ["cost", "how_long"]),  # a two-part question: its second key first
        parse("greet", [], ["how_long", "cost"]),  # a miss, but in the top 3
        parse("ask_question", ["cost"], ["cost", "how_long", "x", "is_cert"]),
    ]  # a miss, 4th
    # gold cost, how_long, cost, is_cert; predicted cost, how_long, <greet>, cost -> accuracy 2/4;
    # F1 cost 0.5 (tp 1, fp 1, fn 1), how_long 1, is_cert 0 -> macro 0.5; top-3 3/4.
    scores = question_scores(items, parsed)
    assert {k: v for k, v in scores.items() if k != "errors"} == {
        "questions": 4,
        "accuracy": 0.5,
        "top3_accuracy": 0.75,
        "macro_f1": 0.5,
        "two_part_questions": 1,
        "second_part_found": 1,
    }
    assert [(e["text"], e["predicted"]) for e in scores["errors"]] == [("c", "<greet>"), ("d", "cost")]

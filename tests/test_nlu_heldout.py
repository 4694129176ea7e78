"""NLU quality on the held-out set (tests/nlu/heldout.yml), never used for training."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bench.eval_nlu import DEFAULT_DATA, DEFAULT_OUT, evaluate
from bot.settings import PROJECT_ROOT
from tests.servers import MODEL_PATH

MIN_INTENT_MACRO_F1 = 0.90
MIN_ENTITY_F1 = 0.90


def _texts(path: Path) -> set[str]:
    """Examples compared without case and punctuation."""
    return {
        " ".join(re.sub(r"[^\w\s]", " ", ex.get("text").lower()).split()) for ex in load_data(str(path)).nlu_examples
    }


def test_heldout_set_is_large_and_disjoint_from_training_data():
    heldout = _texts(DEFAULT_DATA)
    assert len(heldout) >= 150
    training = _texts(PROJECT_ROOT / "data" / "nlu")
    assert not heldout & training, sorted(heldout & training)[:10]


@pytest.fixture(scope="module")
def result():
    assert MODEL_PATH.exists(), "no trained model: run ./run train first"
    result = evaluate(MODEL_PATH, DEFAULT_DATA)
    # same file as ./run eval-nlu, so a test run also leaves the measured numbers
    DEFAULT_OUT.mkdir(parents=True, exist_ok=True)
    (DEFAULT_OUT / "nlu_heldout.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def test_intent_macro_f1_on_heldout_set(result):
    misses = [(e["text"], e["intent"], e["predicted"]) for e in result["errors"] if e["intent"] != e["predicted"]]
    assert result["intent"]["macro_f1"] >= MIN_INTENT_MACRO_F1, misses


def test_entity_f1_on_heldout_set(result):
    misses = [
        (e["text"], e["entities"], e["predicted_entities"])
        for e in result["errors"]
        if set(map(tuple, e["entities"])) != set(map(tuple, e["predicted_entities"]))
    ]
    assert result["entity"]["f1"] >= MIN_ENTITY_F1, misses


# -- the question catalogue: which question a message asks ------------------------
MIN_QUESTION_ACCURACY = 0.90
MIN_HELDOUT_QUESTIONS = 400
MAX_MEDIAN_FIRST_MESSAGE_WORDS = 60


def test_heldout_questions_are_many_and_never_trained_on():
    import yaml

    from bench.eval_nlu import DEFAULT_QUESTIONS
    from bot.nlu.questions import question_examples

    items = yaml.safe_load(DEFAULT_QUESTIONS.read_text(encoding="utf-8"))["questions"]
    assert len(items) >= MIN_HELDOUT_QUESTIONS
    norm = lambda t: " ".join(re.sub(r"[^\w\s]", " ", t.lower()).split())  # noqa: E731
    training = {norm(t) for t, _ in question_examples(PROJECT_ROOT / "content")} | _texts(PROJECT_ROOT / "data" / "nlu")
    assert not {norm(i["text"]) for i in items} & training


@pytest.fixture(scope="module")
def question_result():
    from bench.eval_nlu import evaluate_questions

    assert MODEL_PATH.exists(), "no trained model: run ./run train first"
    result = evaluate_questions(MODEL_PATH)
    DEFAULT_OUT.mkdir(parents=True, exist_ok=True)
    (DEFAULT_OUT / "questions_heldout.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def test_question_kind_accuracy_on_heldout_questions(question_result):
    misses = [(e["text"], e["key"], e["predicted"]) for e in question_result["errors"]]
    assert question_result["accuracy"] >= MIN_QUESTION_ACCURACY, misses[:20]


def test_first_messages_on_heldout_questions_are_short(question_result):
    assert question_result["first_message_words"]["median"] <= MAX_MEDIAN_FIRST_MESSAGE_WORDS

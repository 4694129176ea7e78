"""The intent and question classifier (plain Python + scikit-learn), trained on
the project's data and the question catalogue's examples."""

from __future__ import annotations

import io
import pickle
import re
import zipfile

import numpy as np
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.intent_model import SAVE_FORMAT, IntentModel, TooFewExamples, UntrustedModel
from bot.nlu.questions import QuestionReader, question_examples, question_guards
from bot.settings import PROJECT_ROOT

COMMANDS = ("forget_me", "stop_recommendation", "restart_recommendation")


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.fixture(scope="module")
def training():
    examples = load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples
    return [ex.get("text") for ex in examples], [ex.get("intent") for ex in examples]


@pytest.fixture(scope="module")
def reader(training) -> QuestionReader:
    return QuestionReader.train(
        *training,
        question_examples(PROJECT_ROOT / "content"),
        protected_intents=COMMANDS,
        subjects={"cmmi": "CMMI", "iso9001": "ISO 9001"},
        guards=question_guards(PROJECT_ROOT / "content"),
    )


@pytest.fixture(scope="module")
def model(reader) -> IntentModel:
    return reader.model


# Misspelt, abbreviated and chatty forms that are in neither the training data
# nor the held-out set (the first test checks the training side).
UNSEEN = [
    ("hw much wud iso9k cost us", "cost"),
    ("how lnog does cmmi tkae", "how_long"),
    ("certifcation vs apraisal whats the diff", "certification_vs_appraisal"),
    ("thx a ton", "<thank>"),
    ("whats the best pizza place nearby", "<out_of_scope>"),
    ("which practises carry over from iso9001 into cmmi", "transfer_practices"),
]


def _read(reader: QuestionReader, text: str) -> str:
    reading = reader.read(text)
    if reading.intent_ranking[0][0] == "ask_question" and reading.questions:
        return reading.questions[0].key
    return f"<{reading.intent_ranking[0][0]}>"


def test_unseen_phrasings_are_not_in_the_training_data(training):
    seen = {_normalised(text) for text in training[0]}
    seen |= {_normalised(text) for text, _ in question_examples(PROJECT_ROOT / "content")}
    assert not {_normalised(text) for text, _ in UNSEEN} & seen


@pytest.mark.parametrize("text, expected", UNSEEN)
def test_unseen_phrasings_get_the_right_question_or_intent(reader, text, expected):
    assert _read(reader, text) == expected, reader.read(text).question_ranking


def test_a_question_in_two_parts_gets_both_kinds_in_order(reader):
    keys = [q.key for q in reader.read("what would iso 9001 cost us and how long does it take?").questions]
    assert keys == ["cost", "how_long"]


def test_numbered_questions_are_each_read(reader):
    text = (
        "hi. 1st: how long does iso 9001 take for 80 ppl? 2nd: what's ML3 going to cost roughly? "
        "3rd: who does the appraisal"
    )
    assert [q.key for q in reader.read(text).questions] == ["how_long", "cost", "who_audits"]


def test_it_in_a_later_part_is_the_framework_named_before(reader):
    text = (
        "40 person software shop selling to banks. cmmi certified... "
        "is it mandatory for public sector?? and whats the difference with iso"
    )
    assert [q.key for q in reader.read(text).questions] == ["cmmi_required_defense", "main_difference"]


def test_a_question_about_a_correction_just_made_is_that_question(reader):
    text = "sorry correction, i checked with HR we're actually 80 ppl not 40, does that change the timeline?"
    assert [q.key for q in reader.read(text).questions] == ["how_long"]


def test_and_what_about_x_asks_the_question_before_about_x(reader):
    keys = [q.key for q in reader.read("do government contracts require cmmi, and what about iso 9001").questions]
    assert keys == ["cmmi_required_defense", "iso_required_government"]


@pytest.mark.parametrize(
    "text", ["is CMMI even worth it for 6 people? sounds expensive", "can we get cmmi level 2 in 6 weeks"]
)
def test_a_number_that_is_no_level_never_asks_about_levels_above_5(reader, text):
    assert "level_above_5" not in [k for k, _ in reader.read(text).question_ranking]


def test_a_level_above_5_still_asks_about_it(reader):
    assert _read(reader, "is there such a thing as cmmi lvl 7") == "level_above_5"


def test_a_single_question_with_and_is_one_question(reader):
    keys = [q.key for q in reader.read("how long does it take to get iso 9001 and cmmi?").questions]
    assert keys == ["how_long"]


@pytest.mark.parametrize("name", ["Dana Whitfield", "Forrest Gates", "Will Stopford", "Grace Level"])
def test_spelling_correction_never_changes_a_name(model, name):
    assert model.corrected(name) == name.lower()


@pytest.mark.parametrize("typed", ["forgot", "forgey me", "dana forgett", "restat"])
def test_spelling_correction_never_produces_a_command_word(model, typed):
    corrected = model.corrected(typed)
    assert not {"forget", "stop", "restart"} & set(corrected.split()), corrected


def test_ranking_is_best_first_with_probabilities(model):
    ranking = model.rank("how much does cmmi cost", limit=5)
    assert len(ranking) == 5
    confidences = [c for _, c in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    full = model.rank("how much does cmmi cost", limit=len(model.intents))
    assert sum(c for _, c in full) == pytest.approx(1.0, abs=1e-6)


def test_saved_model_ranks_the_same(model):
    restored = IntentModel.from_bytes(model.to_bytes())
    assert restored.rank("is iso 9001 worth it for a bank") == model.rank("is iso 9001 worth it for a bank")


def test_saved_model_is_not_a_pickle_and_predicts_identically(model):
    data = model.to_bytes()
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(data)
    with zipfile.ZipFile(io.BytesIO(data)) as saved:  # skops: JSON schema and numpy arrays
        for name in saved.namelist():
            assert name.endswith((".json", ".npy", ".npz")), name
            if name.endswith(".npy"):
                np.load(io.BytesIO(saved.read(name)), allow_pickle=False)
    restored = IntentModel.from_bytes(data)
    texts = [t for t, _ in UNSEEN] + ["how lnog does cmmi tkae", "Dana Whitfield", "forgey me", "hello"]
    for text in texts:
        assert restored.corrected(text) == model.corrected(text)
        assert restored.rank(text, limit=len(model.intents)) == model.rank(text, limit=len(model.intents))
    assert restored.intents == model.intents
    assert restored.subject_names == model.subject_names


class _NotAModelPart:
    pass


def test_loading_rejects_untrusted_types_and_pickles(model):
    import skops.io as sio

    with pytest.raises(UntrustedModel, match="_NotAModelPart"):
        IntentModel.from_bytes(sio.dumps({"format": SAVE_FORMAT, "pipeline": _NotAModelPart()}))
    with pytest.raises(TypeError, match="not a skops file"):
        IntentModel.from_bytes(pickle.dumps(model))


def test_an_intent_with_one_example_is_a_clear_error():
    texts = ["hi", "hello", "bye", "goodbye", "thanks"]
    intents = ["greet", "greet", "goodbye", "goodbye", "thank"]
    with pytest.raises(TooFewExamples, match="thank"):
        IntentModel().fit(texts, intents)


def test_an_untrained_model_ranks_nothing():
    assert IntentModel().rank("hello") == []


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("how lnog does cmmi tkae", "how long does cmmi take"),
        ("we are a sofware compnay with 50 employes", "we are a software company with 50 employees"),
        # real words the training data lacks stay as typed: "weaving" is one letter
        # from "leaving", "song" from "long"
        ("underwater basket weaving", "underwater basket weaving"),
        ("sing me a song", "sing me a song"),
    ],
)
def test_spelling_correction_fixes_typos_not_words(model, typed, meant):
    assert model.corrected(typed) == meant

"""Our intent/question classifier beside Rasa's stock components, and our spelling
corrector beside symspellpy, on the held-out questions.

    python -m bench.compare_classifiers [--questions tests/nlu/questions_heldout.yml] [--json FILE]

Both classifiers are trained on the same data as `./run train` gives ours: the
Rasa NLU data in data/nlu plus the catalogue's examples (content/catalogue), each
question kind a label `ask_question/<key>` (bot.nlu.questions.training_set).

  ours   components.nlu.LinearIntentClassifier (TF-IDF words + char_wb 1-5,
         calibrated LinearSVC, spelling correction, QuestionReader)
  rasa   WhitespaceTokenizer + CountVectorsFeaturizer (words) + CountVectorsFeaturizer
         (char_wb 1-4) + LogisticRegressionClassifier, Rasa's components run in
         Python with a temporary model storage

Each is scored twice: "reader" puts the classifier's label ranking through our
QuestionReader (one `ask_question` intent, multi-part questions, ...), which is how
the classifier would be used in the bot; "flat" takes its top label as it is. Both
then go through Rasa's FallbackClassifier with config.yml's thresholds, and are
scored by bench.eval_nlu.question_scores (the function `./run eval-nlu` uses).

The spelling part trains ours once, then swaps its corrector: symspellpy (what
bot.nlu.intent_model.SpellingCorrector uses), the project's former own
symmetric-delete lookup over the same words with the same protections
(OwnSymmetricDeleteCorrector below), and none (lower case only), on the held-out
questions as they are and with one typo put in each (with_typos, fixed seed).
Reported: question accuracy and macro-F1 with each, time per message, typos
repaired, and the messages the two lookups change differently."""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

from bench.eval_nlu import DEFAULT_QUESTIONS, question_scores
from bot.nlu.aliases import edit_distance
from bot.nlu.intent_model import SPELLING_LONG_WORD, SPELLING_MIN_LENGTH, SpellingCorrector
from bot.nlu.questions import PREFIX, QUESTION_INTENT, QuestionReader, question_examples, training_set
from bot.settings import PROJECT_ROOT, get_settings

NLU_DATA = PROJECT_ROOT / "data" / "nlu"
CONFIG = PROJECT_ROOT / "config.yml"
TYPO_SEED = 9001


def _deletions(word: str, depth: int) -> set[str]:
    """word with up to depth letters removed (symmetric-delete spelling lookup)."""
    result, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        result |= frontier
    return result


class OwnSymmetricDeleteCorrector(SpellingCorrector):
    """The project's spelling lookup before symspellpy (bot.nlu.intent_model until
    it switched), kept to compare: SpellingCorrector with its own symmetric-delete
    index over the same dictionary (the training words and their counts, command
    words left out), the same rules for which words are looked up (not a training
    or common English word, at least four letters, one edit up to seven letters,
    two from eight) and the same protected tokens (SpellingCorrector._token)."""

    _index: dict[str, list[str]] | None = None

    def _candidates(self, word: str, depth: int) -> set[str]:
        if self._index is None:
            self._index = {}
            for known in self.counts:
                if known in self.protected_targets:
                    continue
                for deleted in _deletions(known, 2):
                    self._index.setdefault(deleted, []).append(known)
        return {c for d in _deletions(word, depth) for c in self._index.get(d, ())}

    def correct_word(self, word: str) -> str:
        if word in self.counts or word in self.english_words or len(word) < SPELLING_MIN_LENGTH:
            return word
        limit = 1 if len(word) < SPELLING_LONG_WORD else 2
        scored = [(edit_distance(word, c, limit), -self.counts[c], c) for c in self._candidates(word, limit)]
        best = min((s for s in scored if s[0] <= limit), default=None)
        return best[2] if best else word


# -- Rasa components run directly -------------------------------------------------
class _Graph:
    """Creates Rasa graph components as the graph would (defaults merged in), with
    one temporary model storage."""

    def __init__(self, storage_dir: Path):
        from rasa.engine.graph import ExecutionContext, GraphSchema
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        self.storage = LocalModelStorage(storage_dir)
        self._context = lambda name: ExecutionContext(GraphSchema({}), model_id="bench", node_name=name)

    def make(self, cls, name: str, config: dict | None = None):
        from rasa.engine.storage.resource import Resource

        merged = {**cls.get_default_config(), **(config or {})}
        return cls.create(merged, self.storage, Resource(name), self._context(name))


def _fallback_config() -> dict:
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    step = next(s for s in pipeline if s["name"] == "FallbackClassifier")
    return {k: v for k, v in step.items() if k != "name"}


_SEPARATOR = ":"


class RasaStockModel:
    """Rasa's WhitespaceTokenizer, CountVectorsFeaturizers and
    LogisticRegressionClassifier behind IntentModel's interface (`intents`,
    `rank`), so QuestionReader can read with it as it reads with ours."""

    def __init__(
        self,
        graph: _Graph,
        char_max_ngram: int = 4,
        word_counts: bool = True,
        corrector: Callable[[str], str] | None = None,
    ):
        from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
        from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
        from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

        self.tokenizer = graph.make(WhitespaceTokenizer, "tokenizer")
        self.featurizers = ([graph.make(CountVectorsFeaturizer, "cvf_words")] if word_counts else []) + [
            graph.make(
                CountVectorsFeaturizer,
                "cvf_chars",
                {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": char_max_ngram},
            )
        ]
        # ranking_length 0: every label's probability, which QuestionReader sums
        self.classifier = graph.make(LogisticRegressionClassifier, "lr", {"ranking_length": 0})
        self.corrector = corrector
        self.subject_names: dict[str, str] = {}

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "RasaStockModel":
        from rasa.shared.nlu.training_data.message import Message
        from rasa.shared.nlu.training_data.training_data import TrainingData

        # Rasa reads "a/b" as a retrieval intent's response key: the labels go in as "a:b"
        data = TrainingData(
            [
                Message.build(text=self._text(t), intent=label.replace("/", _SEPARATOR, 1))
                for t, label in zip(texts, labels)
            ]
        )
        self.tokenizer.process_training_data(data)
        for featurizer in self.featurizers:
            featurizer.train(data)
            featurizer.process_training_data(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lbfgs's max_iter=100 convergence warning (Rasa's default)
            self.classifier.train(data)
        return self

    def _text(self, text: str) -> str:
        return self.corrector(text) if self.corrector else text

    @property
    def intents(self) -> list[str]:
        return [str(c).replace(_SEPARATOR, "/", 1) for c in self.classifier.clf.classes_]

    def rank(self, text: str, limit: int = 10) -> list[tuple[str, float]]:
        from rasa.shared.nlu.training_data.message import Message

        message = Message.build(text=self._text(text))
        for component in [self.tokenizer, *self.featurizers, self.classifier]:
            component.process([message])
        return [
            (r["name"].replace(_SEPARATOR, "/", 1), float(r["confidence"]))
            for r in message.get("intent_ranking")[:limit]
        ]


def _reader_parse(component, fallback, texts: Sequence[str]) -> list[dict]:
    """Parse dicts as the served model gives them: our component's process()
    (QuestionReader), then Rasa's FallbackClassifier."""
    from rasa.shared.nlu.training_data.message import Message

    messages = [Message.build(text=t) for t in texts]
    component.process(messages)
    fallback.process(messages)
    return [
        {
            "intent": m.get("intent"),
            "entities": m.get("entities") or [],
            "question_ranking": m.get("question_ranking") or [],
        }
        for m in messages
    ]


def _flat_parse(model, fallback, texts: Sequence[str]) -> list[dict]:
    """Top label as it is: `ask_question/<key>` is the intent ask_question and the
    question key; then Rasa's FallbackClassifier on the label ranking."""
    from rasa.shared.nlu.training_data.message import Message

    parsed = []
    for text in texts:
        ranking = model.rank(text, limit=10)
        message = Message.build(text=text)
        name, confidence = ranking[0]
        message.set("intent", {"name": name, "confidence": confidence})
        message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
        fallback.process([message])
        intent = message.get("intent")
        entities, questions = [], [(n[len(PREFIX) :], c) for n, c in ranking if n.startswith(PREFIX) and n != PREFIX]
        if intent["name"].startswith(PREFIX):
            key = intent["name"][len(PREFIX) :]
            intent = {**intent, "name": QUESTION_INTENT}
            entities = [{"entity": "question", "value": key}] if key else []
        parsed.append(
            {
                "intent": intent,
                "entities": entities,
                "question_ranking": [{"question": k, "confidence": c} for k, c in questions[:3]],
            }
        )
    return parsed


def _scores(items: list[dict], parsed: list[dict]) -> dict:
    s = question_scores(items, parsed)
    return {
        "accuracy": s["accuracy"],
        "macro_f1": s["macro_f1"],
        "top3_accuracy": s["top3_accuracy"],
        "misses": len(s["errors"]),
    }


_TYPO_WORD = re.compile(r"\b[a-z]{5,}\b")


def with_typos(text: str, rng: random.Random) -> str:
    """text with one typo (adjacent swap, deletion, insertion or substitution of a
    letter) in one lower-case word of five letters or more, if it has one."""
    words = list(_TYPO_WORD.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    w, typo = m.group(), m.group()
    while typo == w:  # a swap of two equal letters, or a letter put in for itself, is no typo
        i = rng.randrange(1, len(w) - 1)  # never the first letter
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        edit = rng.choice(["swap", "delete", "insert", "substitute"])
        if edit == "swap":
            typo = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        elif edit == "delete":
            typo = w[:i] + w[i + 1 :]
        elif edit == "insert":
            typo = w[:i] + letter + w[i:]
        else:
            typo = w[:i] + letter + w[i + 1 :]
    return text[: m.start()] + typo + text[m.end() :]


def _ms_per_message(corrector: Callable[[str], str], texts: Sequence[str], rounds: int = 5) -> float:
    corrector(texts[0])  # builds a lazy index
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            corrector(text)
        runs.append((time.perf_counter() - start) * 1000 / len(texts))
    return round(statistics.median(runs), 4)


def run(questions_path: Path) -> dict:
    import logging

    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    from components.nlu import LinearIntentClassifier

    configure_structlog(logging.WARNING)
    items = yaml.safe_load(questions_path.read_text(encoding="utf-8"))["questions"]
    texts = [item["text"] for item in items]
    content_dir = get_settings().content_dir
    nlu = load_data(str(NLU_DATA))
    examples = [ex for ex in nlu.intent_examples if ex.get("text")]
    train_texts, train_labels = training_set(
        [ex.get("text") for ex in examples], [ex.get("intent") for ex in examples], question_examples(content_dir)
    )
    result: dict[str, Any] = {
        "heldout_questions": len(items),
        "training_examples": len(train_texts),
        "labels": len(set(train_labels)),
        "fallback": _fallback_config(),
    }
    with tempfile.TemporaryDirectory(prefix="compare-classifiers-") as tmp:
        graph = _Graph(Path(tmp))
        fallback = graph.make(FallbackClassifier, "fallback", result["fallback"])

        # ours: the component as `rasa train` runs it, on data/nlu (it adds the catalogue itself)
        ours = graph.make(LinearIntentClassifier, "ours")
        start = time.perf_counter()
        ours.train(nlu)
        ours_seconds = time.perf_counter() - start
        model = ours.reader.model
        assert sorted(model.intents) == sorted(set(train_labels)), "ours trained on other labels"
        result["ours"] = {
            "train_seconds": round(ours_seconds, 2),
            "reader": _scores(items, _reader_parse(ours, fallback, texts)),
            "flat": _scores(items, _flat_parse(model, fallback, texts)),
        }

        def stock(name: str, **kwargs) -> dict:
            (Path(tmp) / name).mkdir()
            lr = RasaStockModel(_Graph(Path(tmp) / name), **kwargs)
            start = time.perf_counter()
            lr.fit(train_texts, train_labels)
            seconds = time.perf_counter() - start
            lr.subject_names = model.subject_names
            component = graph.make(LinearIntentClassifier, f"reader-{name}")
            component.reader = QuestionReader(lr)  # type: ignore[arg-type]  (duck-typed IntentModel)
            return {
                "train_seconds": round(seconds, 2),
                "reader": _scores(items, _reader_parse(component, fallback, texts)),
                "flat": _scores(items, _flat_parse(lr, fallback, texts)),
            }

        result["rasa"] = {
            "components": "WhitespaceTokenizer, CountVectorsFeaturizer (words), "
            "CountVectorsFeaturizer (char_wb 1-4), LogisticRegressionClassifier",
            **stock("rasa"),
        }
        # the same with our spelling corrector in front (training and messages), for reference
        result["rasa_with_our_corrector"] = stock("rasa-corrected", corrector=model.corrected)

        # spelling correctors, in our classifier: symspellpy (SpellingCorrector, what it
        # uses), the former own symmetric-delete lookup, none
        symspell = model._speller
        own = OwnSymmetricDeleteCorrector(train_texts, symspell.english_words, symspell.protected_targets)
        rng = random.Random(TYPO_SEED)
        noisy = [with_typos(t, rng) for t in texts]
        noisy_items = [{**item, "text": t} for item, t in zip(items, noisy)]
        spelling: dict[str, Any] = {
            "typo_seed": TYPO_SEED,
            "messages_with_a_typo": sum(a != b for a, b in zip(texts, noisy)),
        }
        for name, corrector in [("symspellpy", symspell), ("own_symmetric_delete", own), ("none", None)]:
            model._speller = corrector
            entry = {
                "reader": _scores(items, _reader_parse(ours, fallback, texts)),
                "reader_with_typos": _scores(noisy_items, _reader_parse(ours, fallback, noisy)),
            }
            if corrector is not None:
                entry["ms_per_message"] = _ms_per_message(corrector, texts)
                entry["ms_per_message_with_typos"] = _ms_per_message(corrector, noisy)
                # a typo is repaired when the typed message reads as the clean one does
                entry["typos_repaired"] = sum(corrector(n) == corrector(t) for t, n in zip(texts, noisy) if t != n)
            spelling[name] = entry
        model._speller = symspell
        # dictionary / index build, which both do on first use (not in the times per message)
        build = time.perf_counter()
        SpellingCorrector(train_texts, symspell.english_words, symspell.protected_targets)._lookup()
        spelling["symspellpy"]["build_seconds"] = round(time.perf_counter() - build, 3)
        build = time.perf_counter()
        OwnSymmetricDeleteCorrector(train_texts, symspell.english_words, symspell.protected_targets)._candidates("", 0)
        spelling["own_symmetric_delete"]["build_seconds"] = round(time.perf_counter() - build, 3)
        differ = [(t, own(t), symspell(t)) for t in texts + noisy if own(t) != symspell(t)]
        spelling["outputs_differ"] = len(differ)
        spelling["differences"] = [{"text": t, "own_symmetric_delete": a, "symspellpy": b} for t, a, b in differ[:10]]
        result["spelling"] = spelling
    return result


def _print(result: dict) -> None:
    print(
        f"training: {result['training_examples']} examples, {result['labels']} labels; "
        f"held-out questions: {result['heldout_questions']}; fallback {result['fallback']}"
    )
    print(
        f"{'classifier':26} {'train s':>8} {'acc':>6} {'macro-F1':>8} {'top-3':>6}   flat: {'acc':>6} {'macro-F1':>8}"
    )
    for name in ("ours", "rasa", "rasa_with_our_corrector"):
        r = result[name]
        print(
            f"{name:26} {r['train_seconds']:8.2f} {r['reader']['accuracy']:6.3f} {r['reader']['macro_f1']:8.3f} "
            f"{r['reader']['top3_accuracy']:6.3f}         {r['flat']['accuracy']:6.3f} {r['flat']['macro_f1']:8.3f}"
        )
    sp = result["spelling"]
    print(
        f"corrector (typos: {sp['messages_with_a_typo']} messages, seed {sp['typo_seed']})"
        f"       clean: {'ms/msg':>7} {'acc':>6} {'macro-F1':>8}   typos: {'ms/msg':>7} {'acc':>6} {'macro-F1':>8}"
        f" {'repaired':>8} {'build s':>7}"
    )
    for name in ("symspellpy", "own_symmetric_delete", "none"):
        s = sp[name]
        ms = f"{s['ms_per_message']:7.3f}" if "ms_per_message" in s else f"{'-':>7}"
        ms2 = f"{s['ms_per_message_with_typos']:7.3f}" if "ms_per_message" in s else f"{'-':>7}"
        rep = f"{s['typos_repaired']:8d}" if "typos_repaired" in s else f"{'-':>8}"
        bld = f"{s['build_seconds']:7.3f}" if "build_seconds" in s else f"{'-':>7}"
        print(
            f"{name:48} {ms} {s['reader']['accuracy']:6.3f} {s['reader']['macro_f1']:8.3f}          {ms2} "
            f"{s['reader_with_typos']['accuracy']:6.3f} {s['reader_with_typos']['macro_f1']:8.3f} {rep} {bld}"
        )
    print(f"messages (clean or with typos) the two correctors change differently: {sp['outputs_differ']}")
    for d in result["spelling"]["differences"]:
        print(f"  {d['text']!r}: own {d['own_symmetric_delete']!r}, symspellpy {d['symspellpy']!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_classifiers")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    result = run(args.questions)
    _print(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

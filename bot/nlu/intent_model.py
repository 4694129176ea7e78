"""Intent classifier: TF-IDF word and character n-grams into a linear SVM with
calibrated probabilities.

Plain Python (scikit-learn); the Rasa component in components/nlu.py
wraps it. Why not DIET for intents: on this project's ~1,500 examples and the
held-out set in tests/nlu/heldout.yml, this model scored higher (intent macro-F1
0.965 against 0.928), trains in a few seconds instead of eight minutes, and
classifies a message in about 4 ms. Character n-grams (1-5, inside word
boundaries) make it tolerant of glued forms and small typos; a misspelt word the
training data never had is also replaced by the closest training word ("lnog" ->
"long", "apraisal" -> "appraisal"; symspellpy's lookup) before classification, while a common English
word stays as it is ("weaving" is not turned into "leaving"). The calibration
gives probabilities that the FallbackClassifier's thresholds can be applied to.

Saved without pickle (to_bytes / from_bytes): the scikit-learn pipeline with skops
(loading accepts only the types in SAVED_TYPES beside skops' own trusted ones,
and refuses a file with any other), the spelling corrector's words as JSON.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from symspellpy import SymSpell, Verbosity

# Cross-validation folds for the probability calibration; an intent needs at
# least two examples, and gets fewer folds if it has fewer than this.
CALIBRATION_FOLDS = 5

WORD = re.compile(r"[a-z]+")
# Spelling correction: words of at least four letters, one edit (a swap of two
# adjacent letters counts as one) up to seven letters, two from eight on.
SPELLING_MIN_LENGTH = 4
SPELLING_LONG_WORD = 8
# Words at least this frequent in English (log probability from spaCy's lookup
# tables, spacy-lookups-data) are real words, never corrected: about 32,000
# words; typical typos ("sofware", "compnay", "lnog") are rarer than this.
COMMON_WORD_LOG_PROB = -15.0
# symspellpy's default: it indexes the deletions of each word's first 7 letters
SYMSPELL_PREFIX_LENGTH = 7


def common_english_words(min_log_prob: float = COMMON_WORD_LOG_PROB) -> frozenset[str]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        probabilities = json.load(f)
    return frozenset(w for w, p in probabilities.items() if p >= min_log_prob and w.isalpha() and w.islower())


class TooFewExamples(ValueError):
    pass


# A token the corrector never touches: it has a capital, a digit, or an @ / dot
# inside (names, "ISO", "9001", "ml3", emails, domains).
_PROTECTED = re.compile(r"[A-Z0-9@]|\w\.\w")
TOKEN = re.compile(r"\S+")


class SpellingCorrector:
    """Replaces a word that is neither in the training vocabulary nor a common
    English word by the closest training word (fewest edits, a swap of adjacent
    letters counting as one, then the most frequent), looked up with symspellpy
    (symmetric delete). It never changes names, numbers or emails, and never
    produces a word of `protected_targets` (the words of commands such as
    "forget me"), so a typo is never turned into a command.

    symspellpy replaced an own symmetric-delete lookup with the same rules:
    identical output on the held-out questions with and without typos (see
    bench/README.md); the former is kept in bench/compare_classifiers.py."""

    def __init__(
        self,
        texts: Sequence[str],
        english_words: frozenset[str] = frozenset(),
        protected_targets: frozenset[str] = frozenset(),
    ):
        self.counts = Counter(word for text in texts for word in WORD.findall(text.lower()))
        self.english_words = english_words
        self.protected_targets = protected_targets
        self._symspell: SymSpell | None = None

    def to_json(self) -> str:
        """The corrector's words (the index is rebuilt on first use)."""
        return json.dumps(
            {
                "counts": dict(self.counts),
                "english_words": sorted(self.english_words),
                "protected_targets": sorted(self.protected_targets),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "SpellingCorrector":
        data = json.loads(text)
        corrector = cls((), frozenset(data["english_words"]), frozenset(data["protected_targets"]))
        corrector.counts = Counter({str(w): int(n) for w, n in data["counts"].items()})
        return corrector

    def _lookup(self) -> SymSpell:
        """The symspellpy dictionary of the training words, built on first use."""
        if self._symspell is None:
            symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=SYMSPELL_PREFIX_LENGTH)
            for word, count in self.counts.items():
                if word not in self.protected_targets:
                    symspell.create_dictionary_entry(word, count)
            self._symspell = symspell
        return self._symspell

    def correct_word(self, word: str) -> str:
        if word in self.counts or word in self.english_words or len(word) < SPELLING_MIN_LENGTH:
            return word
        limit = 1 if len(word) < SPELLING_LONG_WORD else 2
        # Verbosity.TOP: the closest word, and of those the most frequent
        found = self._lookup().lookup(word, Verbosity.TOP, max_edit_distance=limit)
        return found[0].term if found else word

    def _token(self, token: str) -> str:
        if _PROTECTED.search(token):
            return token.lower()
        return WORD.sub(lambda m: self.correct_word(m.group()), token.lower())

    def __call__(self, text: str) -> str:
        return TOKEN.sub(lambda m: self._token(m.group()), text)


class IntentModel:
    def __init__(self, c: float = 1.0, max_char_ngram: int = 5, random_state: int = 42):
        self.c = c
        self.max_char_ngram = max_char_ngram
        self.random_state = random_state
        self._pipeline: Pipeline | None = None
        self._speller: SpellingCorrector | None = None
        # framework key -> name, kept for QuestionReader (see bot.nlu.questions)
        self.subject_names: dict[str, str] = {}
        # question key -> the pattern a message must match to ask it (see bot.nlu.questions)
        self.question_guards: dict[str, str] = {}

    @property
    def intents(self) -> list[str]:
        return list(self._pipeline.classes_) if self._pipeline is not None else []

    def fit(self, texts: Sequence[str], intents: Sequence[str], protected_intents: Sequence[str] = ()) -> "IntentModel":
        """Train on texts and their labels. Words that occur only in the examples of
        protected_intents (commands) are never the result of a spelling correction."""
        counts = Counter(intents)
        if len(counts) < 2:
            raise TooFewExamples("intent classification needs at least two intents")
        rare = sorted(intent for intent, n in counts.items() if n < 2)
        if rare:
            raise TooFewExamples(f"these intents have fewer than 2 training examples: {', '.join(rare)}")
        folds = min(CALIBRATION_FOLDS, min(counts.values()))
        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", sublinear_tf=True)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, self.max_char_ngram), sublinear_tf=True)),
            ]
        )
        command_words = {w for t, i in zip(texts, intents) if i in protected_intents for w in WORD.findall(t.lower())}
        other_words = {w for t, i in zip(texts, intents) if i not in protected_intents for w in WORD.findall(t.lower())}
        self._speller = SpellingCorrector(texts, common_english_words(), frozenset(command_words - other_words))
        svm = LinearSVC(C=self.c, random_state=self.random_state)
        self._pipeline = Pipeline(
            [
                ("features", features),
                ("classifier", CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)),
            ]
        )
        # an array, not a list: the calibration's per-class fold check compares y == label
        self._pipeline.fit(list(texts), np.asarray(intents))
        return self

    def corrected(self, text: str) -> str:
        """text as the classifier reads it: lower case, typos corrected."""
        return self._speller(text) if self._speller is not None else text.lower()

    def rank(self, text: str, limit: int = 10) -> list[tuple[str, float]]:
        """The most likely intents for text, best first, with probabilities."""
        if self._pipeline is None:
            return []
        probabilities = self._pipeline.predict_proba([self.corrected(text)])[0]
        ranked = sorted(zip(self._pipeline.classes_, probabilities), key=lambda p: -p[1])
        return [(str(intent), float(p)) for intent, p in ranked[:limit]]

    def to_bytes(self) -> bytes:
        """The model as a skops file (a zip of JSON and .npy arrays, no pickle)."""
        import skops.io as sio

        state = {
            "format": SAVE_FORMAT,
            "params": {"c": self.c, "max_char_ngram": self.max_char_ngram, "random_state": self.random_state},
            "pipeline": self._pipeline,
            "speller": self._speller.to_json() if self._speller is not None else None,
            "subject_names": dict(self.subject_names),
            "question_guards": dict(self.question_guards),
        }
        return sio.dumps(state, compression=zipfile.ZIP_DEFLATED)

    @staticmethod
    def from_bytes(data: bytes) -> "IntentModel":
        """A model saved by to_bytes. Raises UntrustedModel if the file holds a type
        that is neither skops-trusted nor one of SAVED_TYPES, before building anything."""
        import skops.io as sio

        if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
            raise TypeError("not a saved IntentModel (not a skops file)")
        untrusted = set(sio.get_untrusted_types(data=data)) - set(SAVED_TYPES)
        if untrusted:
            raise UntrustedModel(f"the saved model holds untrusted types: {', '.join(sorted(untrusted))}")
        state = sio.loads(data, trusted=list(SAVED_TYPES))
        if not isinstance(state, dict) or state.get("format") != SAVE_FORMAT:
            raise TypeError("not a saved IntentModel")
        pipeline = state["pipeline"]
        if pipeline is not None and not isinstance(pipeline, Pipeline):
            raise TypeError("not a saved IntentModel")
        model = IntentModel(**state["params"])
        model._pipeline = pipeline
        model._speller = SpellingCorrector.from_json(state["speller"]) if state["speller"] is not None else None
        model.subject_names = {str(k): str(v) for k, v in state["subject_names"].items()}
        model.question_guards = {str(k): str(v) for k, v in state.get("question_guards", {}).items()}
        return model


class UntrustedModel(ValueError):
    pass


SAVE_FORMAT = "bot.nlu.intent_model/1"
# Types of a saved model that skops 0.9 does not trust by default: the fitted
# calibration's private classes and the TF-IDF's sparse idf diagonal (skops stores
# it with scipy's save_npz, no pickle). Loading accepts these and no others.
SAVED_TYPES: tuple[str, ...] = (
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)

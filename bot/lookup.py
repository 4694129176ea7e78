"""The closest stored fact to a question the catalogue does not cover.

TF-IDF over the facts' words (and the titles of the questions they answer),
built once per content snapshot. A fact is offered only above a similarity
threshold, so an unrelated question gets the honest no-answer reply."""

from __future__ import annotations

import threading
from typing import Callable, Optional

from sklearn.feature_extraction.text import TfidfVectorizer

from bot.store import models as m
from bot.store.snapshot import ContentSnapshot

# Cosine similarity a fact needs to be "the closest I have" (measured on the
# held-out questions: below it, the closest fact was rarely on topic).
MIN_SIMILARITY = 0.3
_STOP_WORDS = "english"


class FactIndex:
    def __init__(self, snapshot: ContentSnapshot):
        self.facts: list[m.Fact] = list(snapshot.facts.values())
        titles: dict[str, list[str]] = {}
        for question in snapshot.questions.values():
            for by_subject in question.facts.values():
                for facts in by_subject.values():
                    for fact in facts:
                        titles.setdefault(fact.key, []).append(question.title)
        documents = [f"{f.text} {' '.join(titles.get(f.key, []))}" for f in self.facts]
        self.vectorizer = TfidfVectorizer(stop_words=_STOP_WORDS, sublinear_tf=True, ngram_range=(1, 2))
        self.matrix = self.vectorizer.fit_transform(documents) if documents else None

    def closest(self, message: str, fits: Callable[[m.Fact], bool]) -> Optional[tuple[m.Fact, float]]:
        if self.matrix is None or not message.strip():
            return None
        query = self.vectorizer.transform([message])
        if query.nnz == 0:
            return None
        scores = (self.matrix @ query.T).toarray().ravel()
        for best in scores.argsort()[::-1]:
            if fits(self.facts[best]):
                return self.facts[best], float(scores[best])
        return None


_indexes: dict[str, FactIndex] = {}
_lock = threading.Lock()


def closest_fact(
    snapshot: ContentSnapshot,
    message: str,
    fits: Callable[[m.Fact], bool] = lambda fact: True,
    min_similarity: float = MIN_SIMILARITY,
) -> Optional[m.Fact]:
    """The stored fact most like the message that fits the user's situation, or None."""
    with _lock:
        index = _indexes.get(snapshot.digest)
        if index is None:
            _indexes.clear()
            index = _indexes[snapshot.digest] = FactIndex(snapshot)
    found = index.closest(message, fits)
    return found[0] if found and found[1] >= min_similarity else None

"""Entity matcher built from the store's aliases, with spaCy (blank `en`, no
downloaded model) and a small edit-distance fallback for typos.

Plain Python: the Rasa component in components/nlu.py wraps it. The
aliases come from content/*.yml at training time and are saved with the model,
so matching needs no database at inference; values are the store's keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import spacy
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

# When one alias text names several entity types ("defense" is an industry and a
# customer type), this order decides unless another extractor (e.g. DIET) labelled the span.
ENTITY_PRIORITY = ("framework", "maturity_level", "customer_type", "industry")
# Fuzzy matching only for aliases this long, and never for maturity-level names
# ("defined", "managed" are ordinary words).
FUZZY_MIN_LENGTH = 5
FUZZY_ENTITIES = ("framework", "industry", "customer_type")
# Bare level names count only when the message talks about levels.
LEVEL_CONTEXT = ("level", "maturity", "ml")


@dataclass(frozen=True)
class AliasRow:
    entity: str
    value: str
    text: str


@dataclass
class Match:
    entity: str
    value: str
    start: int
    end: int
    text: str
    # every (entity, value) the matched text can name, best first
    candidates: tuple[tuple[str, str], ...] = ()


def aliases_from_content(content_dir: Path) -> list[AliasRow]:
    """The aliases the loader would store, straight from content/*.yml."""
    from bot.store import models as m
    from bot.store.loader import parse_content

    rows = [AliasRow(o.entity, o.value, o.text) for o in parse_content(content_dir) if isinstance(o, m.Alias)]
    return sorted(rows, key=lambda r: (r.entity, r.text))


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (adjacent swaps) distance, stopping early above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class AliasMatcher:
    def __init__(self, aliases: Iterable[AliasRow]):
        self.aliases = list(aliases)
        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.by_text: dict[str, list[tuple[str, str]]] = {}
        for row in self.aliases:
            self.by_text.setdefault(row.text, []).append((row.entity, row.value))
        for owners in self.by_text.values():
            owners.sort(key=lambda ev: ENTITY_PRIORITY.index(ev[0]) if ev[0] in ENTITY_PRIORITY else 99)
        # plurals ("defense contractors") name the same value
        for text, owners in list(self.by_text.items()):
            if text[-1].isalpha() and text[-1] != "s" and len(text) >= 4:
                self.by_text.setdefault(text + "s", owners)
        for text in self.by_text:
            self.matcher.add(text, [self.nlp.make_doc(text)])
        # single-token aliases for typo matching
        self.fuzzy_targets = [
            (text, owners)
            for text, owners in self.by_text.items()
            if len(text) >= FUZZY_MIN_LENGTH
            and len(self.nlp.make_doc(text)) == 1
            and any(e in FUZZY_ENTITIES for e, _ in owners)
        ]

    def resolve(self, entity: str, text: str) -> Optional[str]:
        """The store key for what a user wrote as `entity`, typos allowed."""
        norm = " ".join(str(text).lower().split())
        for ent, value in self.by_text.get(norm, []):
            if ent == entity:
                return value
        if entity in FUZZY_ENTITIES and len(norm) >= FUZZY_MIN_LENGTH:
            best = self._closest(norm)
            if best:
                for ent, value in best:
                    if ent == entity:
                        return value
        return None

    def _closest(self, word: str) -> Optional[list[tuple[str, str]]]:
        limit = 1 if len(word) < 12 else 2
        best, best_d = None, limit + 1
        for text, owners in self.fuzzy_targets:
            if word[0] != text[0] and not word[0].isdigit():
                continue  # typos rarely hit the first letter; keeps false matches down
            d = edit_distance(word, text, limit)
            if d < best_d:
                best, best_d = owners, d
        return best if best_d <= limit else None

    def match(self, text: str) -> list[Match]:
        doc = self.nlp.make_doc(text)
        lowered = text.lower()
        level_talk = any(w in lowered for w in LEVEL_CONTEXT)
        spans = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            if (
                not level_talk
                and all(e == "maturity_level" for e, _ in self.by_text[self.nlp.vocab.strings[match_id]])
                and not any(ch.isdigit() for ch in span.text)
            ):
                continue
            spans.append(span)
        spans = filter_spans(spans)
        taken = {i for span in spans for i in range(span.start, span.end)}
        matches = [self._to_match(span, self._owners(span)) for span in spans]
        for token in doc:
            if token.i in taken or not any(c.isalpha() for c in token.text):
                continue
            squeezed = token.lower_.replace(".", "")  # "C.M.M.I"
            owners: Optional[list[tuple[str, str]]] = self.by_text.get(squeezed) if squeezed != token.lower_ else None
            if owners is None and len(token.text) >= FUZZY_MIN_LENGTH:
                owners = self._closest(token.lower_)
            if owners:
                matches.append(self._to_match(doc[token.i : token.i + 1], owners))
        others = [mt for mt in matches if mt.entity == "framework" and mt.value != "cmmi"]
        # "aspice level 2", "cmmc L2": another model's level, not a CMMI maturity level
        return sorted(
            (
                mt
                for mt in matches
                if mt.entity != "maturity_level" or not any(0 <= mt.start - o.end <= 3 for o in others)
            ),
            key=lambda mt: mt.start,
        )

    def _owners(self, span) -> list[tuple[str, str]]:
        for key in (span.text.lower(), " ".join(t.lower_ for t in span), self.nlp.make_doc(span.text.lower()).text):
            if key in self.by_text:
                return self.by_text[key]
        # the PhraseMatcher matched on tokens, so one of the alias texts has the same tokens
        tokens = [t.lower_ for t in span]
        for text, owners in self.by_text.items():
            if [t.lower_ for t in self.nlp.make_doc(text)] == tokens:
                return owners
        raise KeyError(span.text)

    @staticmethod
    def _to_match(span, owners: list[tuple[str, str]]) -> Match:
        entity, value = owners[0]
        return Match(entity, value, span.start_char, span.end_char, span.text, tuple(owners))


def main() -> None:
    """Print the aliases from content/ (the ./run fingerprint includes them)."""
    from bot.settings import get_settings

    for row in aliases_from_content(get_settings().content_dir):
        print(f"{row.entity}\t{row.value}\t{row.text}")


if __name__ == "__main__":
    main()

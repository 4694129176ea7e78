"""Which catalogue questions a message asks. Plain Python around IntentModel.

One model is trained on the Rasa intents (greet, start_recommendation, ...) and
on the catalogue's questions, each question kind a label of its own
(`ask_question/<key>`). For Rasa, every question label is one intent,
`ask_question`, whose confidence is their summed probability (so the
FallbackClassifier compares "a question" with "a greeting", not two close
question kinds), and the question kinds found become `question` entities.

A message with up to three questions ("what does ISO 9001 cost and who does the
audit?") is split at question marks, sentence ends and "and"/"also" where each
part on its own is confidently a different question kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from bot.nlu.intent_model import IntentModel
from bot.profile import ORDINAL, QUESTION_LIKE, asks_for_recommendation, sentence_asks

QUESTION_INTENT = "ask_question"
PREFIX = QUESTION_INTENT + "/"
MAX_PARTS = 3
# A part of a message counts as a question of its own at this probability.
PART_CONFIDENCE = 0.45
PART_MIN_WORDS = 3
# ...or of two words ("and how long?") at this probability
SHORT_PART_WORDS = 2
SHORT_PART_CONFIDENCE = 0.6
# The question sentences of a message weigh as much as the whole only from this many words.
FOCUS_MIN_WORDS = 4
# a part whose "that" is the context still wins when it is this many times surer than the whole
CONTEXT_OUTWEIGHED = 5
# "what about cost?" reads as a follow-up; its question kind counts at this probability.
FOLLOWUP_QUESTION_CONFIDENCE = 0.3
FOLLOWUP_INTENT = "ask_followup"
# Statement intents of the guided recommendation: a message that reads as a
# question ("we're 30 people, commercial only. Is CMMI a certification?") and asks
# a known kind at QUESTION_OVER_STATEMENT is a question, whatever the context.
# A greeting with more in it: the second intent counts when this likely.
GREETING = "greet"
GREETING_MAX_WORDS = 3
GREETING_AND_MORE = 0.15
STATEMENT_INTENTS = ("start_recommendation", "inform_recommendation", "correct_recommendation")
QUESTION_OVER_STATEMENT = 0.3
_SENTENCES = re.compile(r"(?<=[?!.])\s+|\n+|\?(?=\w)")
# "and" joins two questions only before a question word: "do we need iso 9001 and as9100
# or is as9100 enough?" is one question
_ASKING = r"(?:who|what|what's|whats|how|which|when|where|why|is|are|does|do|did|can|could|should|would|will)\b"
# "1st: how long? 2nd: what's ML3 going to cost? 3rd: who does the appraisal": a numbered part
# or "first, what does iso cost, second how long": "2nd:" or "2)" anywhere, "second" after a comma
_NUMBERED = r"(?:\(?[1-5](?:st|nd|rd|th)?\s*[:)]|q[1-5]\s*:)"
_ORDINAL_LEAD = re.compile(rf"^\W*(?:{_NUMBERED}|{ORDINAL}\b[:,.-]?)\s*", re.I)
_JOINS = re.compile(
    rf",?\s+(?:and also|and|also|plus)\s+(?={_ASKING})|;\s*|,\s+(?={_ASKING})|\s+(?={_NUMBERED})|"
    rf",\s+(?={ORDINAL}\b)",
    re.I,
)
_CLAUSE_BREAKS = re.compile(r",\s*|;\s*|\s+(?:and|but|or)\s+", re.I)


_INTERJECTION = re.compile(
    r"^\s*(?:(?:wait|hold on|hang on|hmm+|um+|uh+|oh|ah|sorry|btw|by the way)\b[\s,.!:;-]+|"
    # "Quick q: what are the CMMI levels?"
    r"(?:(?:a |one )?(?:quick|short|simple|small|another|other|different|last|next) )?(?:q|qn|question)\s*[:,.-]\s*)"
    r"(?=\w)",
    re.I,
)


def reads_as_question(text: str) -> bool:
    """A question mark, or a sentence that starts like a question."""
    # "last one: how do i check ...": a lead-in before a colon asks nothing
    sentences = [p for s in _SENTENCES.split(text) if s for p in re.split(r":\s+", s)]
    return "?" in text or any(QUESTION_LIKE.search(s.strip()) for s in sentences if s.strip())


def asking_sentences(text: str) -> list[str]:
    """The sentences of the message that ask something; a short one which only ends with
    a question mark ("kind of both? keep the customer happy") asks nothing."""
    sentences = [p.strip() for s in _SENTENCES.split(text) if s for p in re.split(r":\s+", s) if p.strip()]
    return [sentence for sentence in sentences if sentence_asks(sentence)]


def asks_at_prompt(text: str) -> bool:
    return bool(asking_sentences(text))


@dataclass(frozen=True)
class QuestionGuess:
    key: str
    confidence: float
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    intent_ranking: list[tuple[str, float]]
    # question kinds asked, in the order of the message (empty if not a question)
    questions: list[QuestionGuess]
    # the best question kinds for the whole message, for evaluation (top 3)
    question_ranking: list[tuple[str, float]]
    # for an unclear message that refers to something ("what's it built on then?"):
    # its best question kind if "it" is each framework, for the action to pick the
    # conversation's (the NLU does not know the conversation)
    ranking_by_subject: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


# Words that refer back to the conversation's subject.
_PRONOUN = re.compile(r"\b(?:it|its|it's|that|this|they|them|this one|that one)\b", re.I)
# A message whose best question kind is less likely than this gets the per-subject readings.
REFERENCE_CONFIDENCE = 0.3


def subject_names(content_dir: Path) -> dict[str, str]:
    """Framework key -> name ("cmmi" -> "CMMI"), from the content, for reading "it"."""
    from bot.store import models as m
    from bot.store.loader import parse_content

    return {o.key: o.name for o in parse_content(content_dir) if isinstance(o, m.Framework)}


def question_examples(content_dir: Path) -> list[tuple[str, str]]:
    """(text, question key) for every example of the catalogue in content_dir."""
    from bot.store import models as m
    from bot.store.loader import parse_content

    pairs = []
    for obj in parse_content(content_dir):
        if isinstance(obj, m.CatalogueQuestion):
            pairs += [(e.text, obj.key) for e in obj.examples]
    return pairs


def question_guards(content_dir: Path) -> dict[str, str]:
    """Question key -> the pattern a message must match to ask it (asked_only_if)."""
    from bot.store import models as m
    from bot.store.loader import parse_content

    return {
        o.key: o.asked_only_if
        for o in parse_content(content_dir)
        if isinstance(o, m.CatalogueQuestion) and o.asked_only_if
    }


def training_set(
    texts: Sequence[str], intents: Sequence[str], questions: Sequence[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """The one classifier's (texts, labels): the Rasa intents, `ask_question` as the
    bare label `ask_question/`, and each catalogue example as `ask_question/<key>`."""
    labels = [PREFIX if i == QUESTION_INTENT else i for i in intents]
    return list(texts) + [t for t, _ in questions], labels + [PREFIX + k for _, k in questions]


class QuestionReader:
    def __init__(self, model: IntentModel):
        self.model = model
        # saved with the model (IntentModel.to_bytes)
        self.subjects: dict[str, str] = getattr(model, "subject_names", {})
        self.guards = {k: re.compile(p, re.I) for k, p in getattr(model, "question_guards", {}).items()}

    @staticmethod
    def train(
        texts: Sequence[str],
        intents: Sequence[str],
        questions: Sequence[tuple[str, str]],
        protected_intents: Sequence[str],
        subjects: Optional[dict[str, str]] = None,
        guards: Optional[dict[str, str]] = None,
        **model_args,
    ) -> "QuestionReader":
        model = IntentModel(**model_args)
        model.fit(*training_set(texts, intents, questions), protected_intents=protected_intents)
        model.subject_names = dict(subjects or {})
        model.question_guards = dict(guards or {})
        return QuestionReader(model)

    def _rank(self, text: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        # "wait, is cmmi a certification?": a leading interjection asks nothing
        text = _INTERJECTION.sub("", text, count=1) or text
        ranking = self.model.rank(text, limit=len(self.model.intents))
        intents: dict[str, float] = {}
        questions: list[tuple[str, float]] = []
        ruled_out = 0.0
        for label, p in ranking:
            if label.startswith(PREFIX):
                intents[QUESTION_INTENT] = intents.get(QUESTION_INTENT, 0.0) + p
                guard = self.guards.get(label[len(PREFIX) :])
                if guard is not None and not guard.search(text):
                    ruled_out += p  # "is CMMI worth it for 6 people?" does not ask about level 6
                elif label != PREFIX:
                    questions.append((label[len(PREFIX) :], p))
            else:
                intents[label] = intents.get(label, 0.0) + p
        if ruled_out and questions:
            # still a question: the other kinds share what the ruled-out one had
            scale = intents[QUESTION_INTENT] / (intents[QUESTION_INTENT] - ruled_out)
            questions = [(k, p * scale) for k, p in questions]
        return sorted(intents.items(), key=lambda kv: -kv[1]), questions

    def read(self, text: str) -> Reading:
        intents, questions = self._rank(text)
        if (
            len(intents) > 1
            and intents[0][0] == GREETING
            and len(text.split()) > GREETING_MAX_WORDS
            and intents[1][1] >= GREETING_AND_MORE
        ):
            # "hello, help me choose pls", "hi, is anyone there? what is iso 9001": the request counts
            intents = [intents[1], intents[0]] + intents[2:]
        if (
            intents
            and intents[0][0] in STATEMENT_INTENTS
            and questions
            and reads_as_question(text)
            and not asks_for_recommendation(text)
            and self._asks_a_known_kind(text, questions)
        ):
            top = intents[0][1]
            intents = [(QUESTION_INTENT, top)] + [(i, p * 0.5) for i, p in intents if i != QUESTION_INTENT]
        guesses: list[QuestionGuess] = []
        if (
            intents
            and intents[0][0] == FOLLOWUP_INTENT
            and questions
            and questions[0][1] >= FOLLOWUP_QUESTION_CONFIDENCE
        ):
            guesses = [QuestionGuess(questions[0][0], questions[0][1], 0, len(text))]
        elif intents and intents[0][0] == QUESTION_INTENT and questions:
            questions = self._weigh_the_question(text, questions)
            guesses = self._parts(text) or [self._the_question(text, questions[0])]
        by_subject: dict[str, list[tuple[str, float]]] = {}
        if questions and questions[0][1] < REFERENCE_CONFIDENCE and _PRONOUN.search(text):
            for key, name in self.subjects.items():
                _, ranked = self._rank(_PRONOUN.sub(name, text, count=1))
                by_subject[key] = ranked[:3]
        return Reading(intents, guesses, questions[:3], by_subject)

    def _asks_a_known_kind(self, text: str, questions: list[tuple[str, float]]) -> bool:
        """A description with questions in it ("we're a 60-person aerospace shop and hold
        AS9100. Do we also need ISO 9001, and is CMMI worth a look?") asks them."""
        return (
            questions[0][1] >= QUESTION_OVER_STATEMENT
            or self._weigh_the_question(text, questions)[0][1] >= QUESTION_OVER_STATEMENT
            or bool(self._question_parts(text))
        )

    def _weigh_the_question(self, text: str, questions: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """In a message of context and a question ("we have 400 staff on three sites.
        how long would 9001 take?"), the question sentences count as much as the
        whole message, so the context does not decide what is asked."""
        sentences = [text[s:e] for s, e in _split(text, _SENTENCES, [(0, len(text))])]
        asked = [s for s in sentences if QUESTION_LIKE.search(s.strip())]
        if len(sentences) < 2 or not asked or len(asked) == len(sentences):
            return questions
        if len(" ".join(asked).split()) < FOCUS_MIN_WORDS:
            # "...or whether it's a certificate we can hang on the wall. Is it?": a short
            # question asks about the last clause before it
            before = sentences[sentences.index(asked[0]) - 1] if sentences.index(asked[0]) > 0 else ""
            clauses = [before[s:e] for s, e in _split(before, _CLAUSE_BREAKS, [(0, len(before))])]
            if not clauses:
                return questions
            asked = [clauses[-1]] + asked
        _, focused = self._rank(" ".join(asked))
        combined: dict[str, float] = {k: p / 2 for k, p in questions}
        for key, p in focused:
            combined[key] = combined.get(key, 0.0) + p / 2
        return sorted(combined.items(), key=lambda kv: -kv[1])

    def _the_question(self, text: str, best: tuple[str, float]) -> QuestionGuess:
        """The one question of a message: the whole message's best kind, unless that is
        unclear and one part alone asks a kind clearly ("...cmmi certified... is it
        mandatory for public sector??" where the rest is context)."""
        whole = QuestionGuess(best[0], best[1], 0, len(text))
        if best[1] >= PART_CONFIDENCE:
            return whole
        parts = self._question_parts(text)
        if len(parts) != 1 or parts[0].confidence <= best[1]:
            return whole
        part = parts[0]
        # "...only user stories. does that rule out cmmi?": "that" is the context, which counts
        refers_to_context = _PRONOUN.search(text[part.start : part.end]) and not self._last_named(text[: part.start])
        # "...CMMC level 2 and CMMI. Are those the same thing? Do we need both?": another question counts too
        asks_more = len([s for s in _question_spans(text) if QUESTION_LIKE.search(text[s[0] : s[1]].strip())]) > 1
        # ...unless the whole message hardly reads as any kind ("we're actually 80 ppl not
        # 40, does that change the timeline?": the timeline, for the size just told)
        counts = refers_to_context and best[1] * CONTEXT_OUTWEIGHED > part.confidence
        return whole if counts or asks_more else part

    def _parts(self, text: str) -> list[QuestionGuess]:
        """The questions of a multi-part message, or [] if it asks one."""
        guesses = self._question_parts(text)
        return guesses if len(guesses) > 1 else []

    def _question_parts(self, text: str) -> list[QuestionGuess]:
        """The parts of a message that ask a known question kind, in order. A part is a
        question of its own only if it reads as one; the rest ("we're a 150-person
        defense contractor.") is context."""
        spans = _question_spans(text)
        guesses: list[QuestionGuess] = []
        for start, end in spans:
            part = _ORDINAL_LEAD.sub("", text[start:end], count=1)
            words = len(part.split())
            if words < SHORT_PART_WORDS or not QUESTION_LIKE.search(part.strip()):
                continue
            needed = PART_CONFIDENCE if words >= PART_MIN_WORDS else SHORT_PART_CONFIDENCE
            intents, questions = self._rank(part)
            if questions and questions[0][1] < needed and _PRONOUN.search(part):
                # "cmmi certified... is it mandatory for public sector?": "it" is the framework named before
                named = self._last_named(text[:start])
                if named:
                    intents, questions = self._rank(_PRONOUN.sub(named, part, count=1))
            if intents[0][0] == FOLLOWUP_INTENT and guesses:
                # "do government contracts require cmmi, and what about iso 9001": the question
                # before, asked of the framework this part names
                guesses = self._asked_again(text, guesses, start, end)
                continue
            if intents[0][0] != QUESTION_INTENT or not questions or questions[0][1] < needed:
                continue
            key, p = questions[0]
            if all(g.key != key for g in guesses):
                guesses.append(QuestionGuess(key, p, start, end))
        return guesses[:MAX_PARTS]

    def _asked_again(self, text: str, guesses: list[QuestionGuess], start: int, end: int) -> list[QuestionGuess]:
        """The guesses with a follow-up part ("and what about iso 9001") added as the
        previous question about the framework it names, or as more of the previous
        part if that is the same question kind."""
        previous = guesses[-1]
        asked, now = text[previous.start : previous.end], self._last_named(text[start:end])
        before = self._last_named(asked)
        if not now or not before or now == before:
            return guesses
        _, questions = self._rank(re.sub(re.escape(before), now, asked, flags=re.I))
        if not questions or questions[0][1] < PART_CONFIDENCE:
            return guesses
        key, p = questions[0]
        if key == previous.key:
            return guesses[:-1] + [QuestionGuess(key, previous.confidence, previous.start, end)]
        if any(g.key == key for g in guesses):
            return guesses
        return guesses + [QuestionGuess(key, p, start, end)]

    def _last_named(self, text: str) -> Optional[str]:
        """The framework named last in text ("CMMI"), or None."""
        last: tuple[int, Optional[str]] = (-1, None)
        for key, name in self.subjects.items():
            for match in re.finditer(rf"\b(?:{re.escape(name)}|{re.escape(key)})\b", text, re.I):
                last = max(last, (match.start(), name), key=lambda found: found[0])
        return last[1]

    def best_question(self, text: str) -> Optional[str]:
        reading = self.read(text)
        return reading.question_ranking[0][0] if reading.question_ranking else None


def _question_spans(text: str) -> list[tuple[int, int]]:
    """The spans of a message that could each be a question: its sentences, cut at joins."""
    return _split(text, _JOINS, _split(text, _SENTENCES, [(0, len(text))]))


def _split(text: str, pattern: re.Pattern, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result = []
    for start, end in spans:
        cut = start
        for match in pattern.finditer(text, start, end):
            if match.start() > cut:
                result.append((cut, match.start()))
            cut = match.end()
        if cut < end:
            result.append((cut, end))
    return [(s, e) for s, e in result if text[s:e].strip()]

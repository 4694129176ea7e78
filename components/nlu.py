"""Rasa graph components around QuestionReader and AliasMatcher (the only NLU module
that imports Rasa).

LinearIntentClassifier sets the intent and its ranking, and for a question the
`question` entities (catalogue keys, one per part of a multi-part question) and
`question_ranking` (the top three keys, for evaluation), from QuestionReader.
The catalogue's examples are read from content/ at training time.

AliasEntityExtractor sets the entities from the store's aliases. The pipeline has
no other entity extractor now (see config.yml); if one (e.g. DIET) runs before it:
alias matches win, an entity of the other extractor that overlaps a match only
chooses between the entity types the matched text can name ("defense" as
industry or customer type), and one elsewhere is kept only if its text resolves
to a store key, so every entity value is a key of the store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import aliases as aliases_module
from bot.nlu import questions as questions_module
from bot.nlu.aliases import ENTITY_PRIORITY, AliasMatcher, AliasRow, aliases_from_content
from bot.nlu.intent_model import IntentModel
from bot.nlu.questions import QuestionReader, question_examples, question_guards, subject_names
from bot.settings import get_settings


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _source(module) -> bytes:
    with open(module.__file__, "rb") as f:
        return f.read()


# Rasa's training cache keys a component on its config, its inputs, the source of its
# class alone (inspect.getsource) and fingerprint_addon: not this module's other code
# (_TrainedFromOneFile below) nor the modules of bot/nlu/ the components call, nor the
# content/ they read at training time. The add-ons below hash those, so `rasa train`
# retrains a component exactly when one of them changes (measured: bench/README.md,
# "Training cache").
_THIS_MODULE = Path(__file__).read_bytes()


def _nlu_sources() -> bytes:
    """Every module of bot/nlu/, which the question reader is built from."""
    folder = Path(questions_module.__file__).parent
    return b"\0".join(path.name.encode() + b"\0" + path.read_bytes() for path in sorted(folder.glob("*.py")))


class _TrainedFromOneFile(GraphComponent):
    """What both components share: the config with defaults, and one file written
    when trained and read back when the model is loaded."""

    FILENAME: str

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, saved: Optional[bytes] = None
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._restore(saved)

    def _restore(self, saved: Optional[bytes]) -> None:
        """Set up from the saved file's bytes (None before training)."""
        raise NotImplementedError

    def _save(self, data: bytes) -> Resource:
        with self._model_storage.write_to(self._resource) as path:
            (path / self.FILENAME).write_bytes(data)
        return self._resource

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext):
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context: ExecutionContext, **kwargs: Any):
        try:
            with model_storage.read_from(resource) as path:
                saved = (path / cls.FILENAME).read_bytes()
        except (ValueError, FileNotFoundError):  # a model trained without this component's file
            saved = None
        return cls(config, model_storage, resource, saved)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(_TrainedFromOneFile, IntentClassifier):
    FILENAME = "intent_model.skops"  # IntentModel.to_bytes: skops, no pickle

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # c: the SVM's regularisation; ranking_length: intents kept in intent_ranking;
        # protected_intents: commands no spelling correction may produce;
        # content_dir: where the question catalogue is read at training time (default: CONTENT_DIR)
        return {
            "c": 1.0,
            "max_char_ngram": 5,
            "ranking_length": 10,
            "random_seed": 42,
            "protected_intents": ["forget_me", "stop_recommendation", "restart_recommendation"],
            "content_dir": None,
        }

    def _restore(self, saved: Optional[bytes]) -> None:
        self.reader = QuestionReader(IntentModel.from_bytes(saved)) if saved else None

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # what training reads besides Rasa's data: the catalogue's examples and the
        # framework names (saved with the model), and the code that builds the reader
        content_dir = config.get("content_dir") or get_settings().content_dir
        examples = json.dumps([question_examples(content_dir), question_guards(content_dir)]).encode()
        subjects = json.dumps(subject_names(content_dir), sort_keys=True).encode()
        return _digest(_THIS_MODULE, _nlu_sources(), examples, subjects)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [ex for ex in training_data.intent_examples if ex.get(TEXT)]
        content_dir = self._config["content_dir"] or get_settings().content_dir
        self.reader = QuestionReader.train(
            [ex.get(TEXT) for ex in examples],
            [ex.get(INTENT) for ex in examples],
            question_examples(content_dir),
            protected_intents=self._config["protected_intents"],
            subjects=subject_names(content_dir),
            guards=question_guards(content_dir),
            c=self._config["c"],
            max_char_ngram=self._config["max_char_ngram"],
            random_state=self._config["random_seed"],
        )
        return self._save(self.reader.model.to_bytes())

    def process(self, messages: List[Message]) -> List[Message]:
        if self.reader is None:
            return messages
        for message in messages:
            # a button payload ("/intent{...}") is read too: Rasa's RegexMessageHandler
            # replaces the result later, but the FallbackClassifier needs an intent first
            text = message.get(TEXT) or ""
            reading = self.reader.read(text)
            if not reading.intent_ranking:
                continue
            ranking = reading.intent_ranking[: self._config["ranking_length"]]
            name, confidence = ranking[0]
            message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
            message.set(
                "question_ranking",
                [{"question": k, "confidence": c} for k, c in reading.question_ranking],
                add_to_output=True,
            )
            if reading.ranking_by_subject:
                message.set(
                    "question_ranking_by_subject",
                    {
                        s: [{"question": k, "confidence": c} for k, c in ranked]
                        for s, ranked in reading.ranking_by_subject.items()
                    },
                    add_to_output=True,
                )
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "question"]
            entities += [
                {
                    "entity": "question",
                    "value": q.key,
                    "start": q.start,
                    "end": q.end,
                    "confidence_entity": q.confidence,
                    "extractor": self.__class__.__name__,
                }
                for q in reading.questions
            ]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class AliasEntityExtractor(_TrainedFromOneFile, EntityExtractorMixin):
    FILENAME = "aliases.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # content_dir: where the aliases come from at training time (default: CONTENT_DIR)
        return {"content_dir": None}

    def _restore(self, saved: Optional[bytes]) -> None:
        rows = json.loads(saved.decode("utf-8")) if saved else []
        self.matcher = AliasMatcher([AliasRow(**row) for row in rows]) if rows else None

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The aliases come from content/, which Rasa's training cache does not see.
        content_dir = config.get("content_dir") or get_settings().content_dir
        rows = json.dumps([row.__dict__ for row in aliases_from_content(content_dir)]).encode()
        return _digest(_THIS_MODULE, _source(aliases_module), rows)

    def train(self, training_data: TrainingData) -> Resource:
        content_dir = self._config["content_dir"] or get_settings().content_dir
        aliases = aliases_from_content(content_dir)
        self.matcher = AliasMatcher(aliases)
        return self._save(json.dumps([row.__dict__ for row in aliases]).encode("utf-8"))

    def process(self, messages: List[Message]) -> List[Message]:
        if self.matcher is None:
            return messages
        for message in messages:
            message.set(ENTITIES, self.combine(message.get(TEXT) or "", message.get(ENTITIES, [])), add_to_output=True)
        return messages

    def combine(self, text: str, predicted: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        if self.matcher is None:
            return predicted
        matches = self.matcher.match(text)
        result = []
        for match in matches:
            entity, value = match.entity, match.value
            for other in predicted:
                if other["start"] < match.end and match.start < other["end"]:
                    for cand_entity, cand_value in match.candidates:
                        if cand_entity == other["entity"]:
                            entity, value = cand_entity, cand_value
                            break
            result.append(
                {"entity": entity, "value": value, "start": match.start, "end": match.end, "confidence_entity": 1.0}
            )
        result = self.add_extractor_name(result)
        for other in predicted:
            if other["entity"] not in ENTITY_PRIORITY:  # not an alias entity (e.g. `question`): keep it
                result.append(other)
                continue
            if any(other["start"] < mt.end and mt.start < other["end"] for mt in matches):
                continue
            resolved = self.matcher.resolve(other["entity"], text[other["start"] : other["end"]])
            if resolved is None and other["entity"] == "maturity_level":
                digits = [c for c in text[other["start"] : other["end"]] if c in "12345"]
                resolved = digits[0] if len(digits) == 1 else None
            if resolved is not None:
                result.append({**other, "value": resolved})
        return sorted(result, key=lambda e: e["start"])

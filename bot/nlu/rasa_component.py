"""Rasa graph component around AliasMatcher (the only NLU module that imports Rasa).

Runs after DIETClassifier: alias matches win; a DIET entity that overlaps a match
only chooses between the entity types the matched text can name ("defense" as
industry or customer type); a DIET entity elsewhere is kept only if its text
resolves to a store key, so every entity value is a key of the store."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.aliases import AliasMatcher, AliasRow, aliases_from_content
from bot.settings import get_settings

ALIASES_FILE = "aliases.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class AliasEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # content_dir: where the aliases come from at training time (default: CONTENT_DIR)
        return {"content_dir": None}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 aliases: Optional[List[AliasRow]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.matcher = AliasMatcher(aliases) if aliases else None

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> "AliasEntityExtractor":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context: ExecutionContext, **kwargs: Any):
        try:
            with model_storage.read_from(resource) as path:
                rows = json.loads((path / ALIASES_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, [AliasRow(**row) for row in rows])

    def train(self, training_data: TrainingData) -> Resource:
        content_dir = self._config["content_dir"] or get_settings().content_dir
        aliases = aliases_from_content(content_dir)
        self.matcher = AliasMatcher(aliases)
        with self._model_storage.write_to(self._resource) as path:
            (path / ALIASES_FILE).write_text(json.dumps([row.__dict__ for row in aliases]), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.matcher is None:
            return messages
        for message in messages:
            message.set(ENTITIES, self.combine(message.get(TEXT) or "", message.get(ENTITIES, [])), add_to_output=True)
        return messages

    def combine(self, text: str, predicted: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
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
            result.append({"entity": entity, "value": value, "start": match.start, "end": match.end,
                           "confidence_entity": 1.0})
        result = self.add_extractor_name(result)
        for other in predicted:
            if any(other["start"] < mt.end and mt.start < other["end"] for mt in matches):
                continue
            value = self.matcher.resolve(other["entity"], text[other["start"]:other["end"]])
            if value is None and other["entity"] == "maturity_level":
                digits = [c for c in text[other["start"]:other["end"]] if c in "12345"]
                value = digits[0] if len(digits) == 1 else None
            if value is not None:
                result.append({**other, "value": value})
        return sorted(result, key=lambda e: e["start"])

"""The held-out NLU set and its evaluation against a running Rasa server (/model/parse)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import requests

from bench import nlu_metrics
from bench.metrics import median


@dataclass
class Example:
    text: str
    intent: str
    entities: list[tuple[str, str]]


def load_examples(path: Path, resolve: Optional[Callable[[str, str], Optional[str]]] = None) -> list[Example]:
    """Examples from a Rasa NLU file. An entity's expected value is its annotated
    value, else the file's synonym for it, else (the project's convention) the
    knowledge store key its text resolves to through the aliases table."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    synonyms = {str(k).casefold(): v for k, v in data.entity_synonyms.items()}
    examples = []
    for message in data.intent_examples:
        text = message.get("text")
        entities = []
        for ent in message.get("entities") or []:
            span = text[ent["start"] : ent["end"]]
            value = nlu_metrics.expected_value(ent["entity"], ent.get("value", span), span, synonyms, resolve)
            entities.append((ent["entity"], value))
        examples.append(Example(text, message.get("intent"), entities))
    return examples


def evaluate(rasa_url: str, path: Path, resolve=None, timeout: float = 30) -> dict:
    """Intent macro-F1 and entity F1 of the served model on the held-out set
    (definitions in bench.nlu_metrics, shared with ./run eval-nlu).
    A missing file gives {"status": "missing"} instead of an error."""
    if not path.exists():
        return {"status": "missing", "path": str(path)}
    examples = load_examples(path, resolve)
    predicted_intents, predicted_entities, mistakes, parse_ms = [], [], [], []
    with requests.Session() as session:
        for example in examples:
            start = time.perf_counter()
            resp = session.post(f"{rasa_url}/model/parse", json={"text": example.text}, timeout=timeout)
            parse_ms.append((time.perf_counter() - start) * 1000)
            resp.raise_for_status()
            parsed = resp.json()
            intent = (parsed.get("intent") or {}).get("name") or ""
            entities = nlu_metrics.entity_pairs(parsed.get("entities"))
            predicted_intents.append(intent)
            predicted_entities.append(entities)
            if intent != example.intent or not nlu_metrics.entities_match(example.entities, entities):
                mistakes.append(
                    {
                        "text": example.text,
                        "expected": example.intent,
                        "predicted": intent,
                        "expected_entities": example.entities,
                        "predicted_entities": sorted(entities),
                    }
                )
    expected_intents = [e.intent for e in examples]
    return {
        "status": "ok",
        "path": str(path),
        "examples": len(examples),
        "intent_macro_f1": nlu_metrics.intent_macro_f1(expected_intents, predicted_intents),
        "intent_accuracy": nlu_metrics.accuracy(expected_intents, predicted_intents),
        "entity_f1": nlu_metrics.entity_micro_f1([e.entities for e in examples], predicted_entities),
        # NLU's share of a reply's latency (one user, no dialogue policy, no action).
        "parse_p50_ms": median(parse_ms),
        "intent_f1": nlu_metrics.intent_f1_per_label(expected_intents, predicted_intents),
        "mistakes": mistakes,
    }

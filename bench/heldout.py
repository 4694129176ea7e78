"""The held-out NLU set and its evaluation against a running Rasa server (/model/parse)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import requests

from bench import metrics


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
            span = text[ent["start"]:ent["end"]]
            value = str(ent.get("value", span))
            if value.casefold() in synonyms:
                value = synonyms[value.casefold()]
            elif value == span and resolve is not None:
                value = resolve(ent["entity"], span) or value
            entities.append((ent["entity"], value))
        examples.append(Example(text, message.get("intent"), entities))
    return examples


def evaluate(rasa_url: str, path: Path, resolve=None, timeout: float = 30) -> dict:
    """Intent macro-F1 and entity F1 of the served model on the held-out set.
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
            # Two extractors finding the same span count once.
            spans = {(e["entity"], str(e.get("value")), e.get("start"), e.get("end")) for e in parsed.get("entities", [])}
            entities = [(entity, value) for entity, value, _, _ in spans]
            predicted_intents.append(intent)
            predicted_entities.append(entities)
            if intent != example.intent or metrics.entity_micro_f1([example.entities], [entities]) not in (None, 1.0):
                mistakes.append({"text": example.text, "expected": example.intent, "predicted": intent,
                                 "expected_entities": example.entities, "predicted_entities": sorted(entities)})
    expected_intents = [e.intent for e in examples]
    return {
        "status": "ok",
        "path": str(path),
        "examples": len(examples),
        "intent_macro_f1": metrics.intent_macro_f1(expected_intents, predicted_intents),
        "intent_accuracy": sum(e == p for e, p in zip(expected_intents, predicted_intents)) / len(examples)
        if examples else None,
        "entity_f1": metrics.entity_micro_f1([e.entities for e in examples], predicted_entities),
        # NLU's share of a reply's latency (one user, no dialogue policy, no action).
        "parse_p50_ms": metrics.median(parse_ms),
        "intent_f1": metrics.intent_f1_per_label(expected_intents, predicted_intents),
        "mistakes": mistakes,
    }

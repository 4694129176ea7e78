"""Fixes to Rasa 3.6.21 itself, applied when Rasa imports this package (every
server here starts with the channels in credentials.yml, which live in it).

Action results are validated with a schema checked once. Rasa validates every
response of the action server with `jsonschema.validate`, which re-checks the
schema against its meta-schema on every call: with jsonschema 4.17 that was about
70% of the Rasa server's CPU time per message (profiled with cProfile over 50
messages). A validator built once gives the same verdict; an invalid response
still goes through Rasa's own method, so it raises Rasa's own error.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_original_validate_action_result = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _action_response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _action_response_validator().is_valid(result):
        return True
    return _original_validate_action_result(self, result)


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result

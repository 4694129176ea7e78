"""Fixes to Rasa itself (channels/rasa_fixes.py) keep Rasa's behaviour."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import channels  # noqa: F401 - applies the fixes, as Rasa's start-up does

VALID = {
    "events": [{"event": "slot", "name": "framework", "value": "cmmi", "timestamp": None}],
    "responses": [{"text": "CMMI is a capability maturity model.", "buttons": []}],
}


def test_the_fix_is_applied_by_importing_the_channels():
    from channels.rasa_fixes import _validate_action_result

    assert RemoteAction._validate_action_result is _validate_action_result


def test_a_valid_action_server_response_is_accepted():
    assert RemoteAction("action_answer_question", None)._validate_action_result(VALID) is True


@pytest.mark.parametrize("invalid", [
    {"events": "not a list"},
    {"events": [{"event": "no such event"}]},
    {"events": [{"name": "framework"}]},
    {"responses": "not a list"},
])
def test_an_invalid_response_raises_rasas_own_error(invalid):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer_question", None)._validate_action_result(invalid)

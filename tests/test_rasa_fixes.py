"""Fixes to Rasa itself (channels/rasa_fixes.py) keep Rasa's behaviour."""

from __future__ import annotations

import logging

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

import channels  # noqa: F401 - applies the fixes, as Rasa's start-up does
from channels import rasa_fixes

VALID = {
    "events": [{"event": "slot", "name": "framework", "value": "cmmi", "timestamp": None}],
    "responses": [{"text": "CMMI is a capability maturity model.", "buttons": []}],
}


def test_the_fix_is_applied_by_importing_the_channels():
    from channels.rasa_fixes import _validate_action_result

    assert RemoteAction._validate_action_result is _validate_action_result


@pytest.fixture
def schema_checks(monkeypatch) -> list:
    """Each check of the action response schema against its meta-schema, as it happens."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    checks = []
    check_schema = cls.check_schema

    def counting(schema_to_check, *args, **kwargs):
        checks.append(schema_to_check)
        return check_schema(schema_to_check, *args, **kwargs)

    monkeypatch.setattr(cls, "check_schema", counting)
    return checks


def test_the_schema_is_checked_once_not_on_every_response(schema_checks):
    action = RemoteAction("action_answer_question", None)
    action._validate_action_result(VALID)  # the validator may be built on the first call
    schema_checks.clear()
    for _ in range(5):
        assert action._validate_action_result(VALID) is True
    assert schema_checks == [], "the action response schema was re-checked on every response"


def test_a_valid_action_server_response_is_accepted():
    assert RemoteAction("action_answer_question", None)._validate_action_result(VALID) is True


@pytest.mark.parametrize(
    "invalid",
    [
        {"events": "not a list"},
        {"events": [{"event": "no such event"}]},
        {"events": [{"name": "framework"}]},
        {"responses": "not a list"},
    ],
)
def test_an_invalid_response_raises_rasas_own_error(invalid):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer_question", None)._validate_action_result(invalid)


def test_applying_again_changes_nothing():
    patched = RemoteAction._validate_action_result
    assert rasa_fixes.apply() == ["validate_action_result_with_a_schema_checked_once"]
    assert rasa_fixes.apply() == ["validate_action_result_with_a_schema_checked_once"]
    assert RemoteAction._validate_action_result is patched
    # Rasa's own method is wrapped once, not the fix wrapping itself
    assert getattr(patched.__wrapped__, rasa_fixes.FIX_ATTRIBUTE, None) is None
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer_question", None)._validate_action_result({"events": "not a list"})


def test_the_fixes_are_written_for_the_installed_rasa():
    assert {fix.rasa_version for fix in rasa_fixes.FIXES} == {rasa_fixes.installed_rasa_version()}


def test_on_another_rasa_version_rasa_is_left_alone_with_a_warning(monkeypatch, caplog):
    rasas_own = RemoteAction._validate_action_result.__wrapped__
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas_own)  # restored afterwards
    with caplog.at_level(logging.WARNING, logger="channels.rasa_fixes"):
        assert rasa_fixes.apply(rasa_version="3.7.0") == []
    assert RemoteAction._validate_action_result is rasas_own
    assert "written for Rasa 3.6.21 and Rasa 3.7.0 is installed" in caplog.text

    assert rasa_fixes.apply() == ["validate_action_result_with_a_schema_checked_once"]
    assert RemoteAction._validate_action_result is rasa_fixes._validate_action_result
    assert RemoteAction._validate_action_result.__wrapped__ is rasas_own

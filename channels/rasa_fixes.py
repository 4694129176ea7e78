"""Fixes to Rasa itself, each written for one Rasa version and applied only on it.

Where they are applied: `apply()`, called once from channels/__init__.py. Rasa
imports the `channels` package at start-up because credentials.yml names its
channel classes, so every `rasa run` here (./run start, ./run prod, the tests'
servers) gets the fixes before it serves a message. `apply()` is idempotent.

Each fix names the Rasa version it was written for (it replaces private Rasa
code). On any other installed version it is not applied: a warning is logged
and Rasa is left alone, so an upgrade runs stock Rasa until the fix is checked
against the new version (and its version updated, or the fix deleted).

Fixes:

validate_action_result_with_a_schema_checked_once (Rasa 3.6.21). Rasa validates
every response of the action server with `jsonschema.validate`, which re-checks
the schema against its meta-schema on every call: with jsonschema 4.17 that was
about 70% of the Rasa server's CPU time per message (profiled with cProfile over
50 messages). A validator built once gives the same verdict; an invalid response
still goes through Rasa's own method, so it raises Rasa's own error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Text

logger = logging.getLogger(__name__)

# Set on each function that replaces Rasa's, to the fix's name: how apply() tells
# a fix already in place (so applying twice never wraps Rasa's code twice).
FIX_ATTRIBUTE = "__rasa_fix__"


@dataclass(frozen=True)
class Fix:
    name: str
    rasa_version: str  # the one version it was written for; not applied on any other
    is_applied: Callable[[], bool]
    patch: Callable[[], None]


def installed_rasa_version() -> str:
    from rasa.version import __version__

    return __version__


# --- validate_action_result_with_a_schema_checked_once ----------------------------


@lru_cache(maxsize=1)
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the schema checked once."""
    if _action_response_validator().is_valid(result):
        return True
    return _validate_action_result.__wrapped__(self, result)  # Rasa's own: raises its own error


def _validate_action_result_is_applied() -> bool:
    from rasa.core.actions.action import RemoteAction

    return getattr(RemoteAction._validate_action_result, FIX_ATTRIBUTE, None) == _VALIDATE_ONCE.name


def _patch_validate_action_result() -> None:
    from rasa.core.actions.action import RemoteAction

    _validate_action_result.__wrapped__ = RemoteAction._validate_action_result
    setattr(_validate_action_result, FIX_ATTRIBUTE, _VALIDATE_ONCE.name)
    RemoteAction._validate_action_result = _validate_action_result


_VALIDATE_ONCE = Fix(
    name="validate_action_result_with_a_schema_checked_once",
    rasa_version="3.6.21",
    is_applied=_validate_action_result_is_applied,
    patch=_patch_validate_action_result,
)

FIXES = (_VALIDATE_ONCE,)


def apply(rasa_version: Optional[str] = None) -> List[str]:
    """Applies each fix written for the installed Rasa (or `rasa_version`), once.
    Returns the names of the fixes in place afterwards."""
    version = rasa_version or installed_rasa_version()
    in_place = []
    for fix in FIXES:
        if fix.is_applied():
            in_place.append(fix.name)
        elif version != fix.rasa_version:
            logger.warning(
                "Rasa fix %s not applied: it was written for Rasa %s and Rasa %s is installed; "
                "check whether it is still needed (channels/rasa_fixes.py)",
                fix.name,
                fix.rasa_version,
                version,
            )
        else:
            fix.patch()
            in_place.append(fix.name)
    return in_place

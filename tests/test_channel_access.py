"""Who may act in a conversation, without a running server: the REST webhook's
token rule and the socket.io session ids the server issues."""

from __future__ import annotations

import dataclasses

import pytest

from bot.settings import get_settings
from channels.rest import REST_OFF, REST_TOKEN_NEEDED, access_refusal
from channels.socketio import SessionIds


@pytest.fixture
def settings(monkeypatch):
    for name in ("PRODUCTION", "REST_WEBHOOK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return get_settings()


def test_rest_webhook_is_open_in_development(settings):
    assert access_refusal(settings, None) is None


def test_rest_webhook_is_off_in_production_without_a_token(settings):
    production = dataclasses.replace(settings, production=True)
    assert access_refusal(production, None) == (404, REST_OFF)
    assert access_refusal(production, "Bearer anything") == (404, REST_OFF)


@pytest.mark.parametrize("production", [True, False])
def test_rest_webhook_with_a_token_answers_only_that_bearer_token(settings, production):
    protected = dataclasses.replace(settings, production=production, rest_webhook_token="s3cret-token")
    assert access_refusal(protected, "Bearer s3cret-token") is None
    for wrong in (None, "", "Bearer wrong", "s3cret-token", "Bearer s3cret-token ", "Basic s3cret-token"):
        assert access_refusal(protected, wrong) == (401, REST_TOKEN_NEEDED), wrong


def test_the_environment_sets_production_and_the_token(monkeypatch):
    monkeypatch.setenv("PRODUCTION", "1")
    monkeypatch.setenv("REST_WEBHOOK_TOKEN", "from-env")
    settings = get_settings()
    assert settings.production and settings.rest_webhook_token == "from-env"


def test_session_ids_are_issued_signed_and_checked():
    ids = SessionIds("server-secret")
    issued = ids.issue()
    assert ids.is_issued(issued)
    assert SessionIds("server-secret").is_issued(issued), "another replica with the same secret accepts it"
    assert not SessionIds("another-secret").is_issued(issued)
    token, signature = issued.split(".")

    def flip_last(text: str) -> str:
        return text[:-1] + ("1" if text[-1] == "0" else "0")

    tampered_signature, tampered_token = f"{token}.{flip_last(signature)}", f"{flip_last(token)}.{signature}"
    for forged in (token, tampered_signature, tampered_token, "U0123ABCD", "", None, 42, f"{issued}.x"):
        assert not ids.is_issued(forged), forged
    assert len({ids.issue() for _ in range(100)}) == 100

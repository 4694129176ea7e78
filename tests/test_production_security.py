"""Security of the production stack: the HTTP API token-protected (and not
exposed through nginx), servers on loopback, CORS and socket.io limited to the
widget's origin, no secrets in the configuration files."""

from __future__ import annotations

import re
import socket

import pytest
import requests
import socketio
import yaml

from bot.settings import PROJECT_ROOT
from tests.widget_client import WidgetClient

EVIL_ORIGIN = "http://evil.example"


def listening_addresses(port: int) -> set[str]:
    """The local addresses listening on a TCP port (from /proc/net/tcp and tcp6)."""
    found = set()
    for path, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(path) as table:
            for line in list(table)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    if width == 8:
                        found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                    else:
                        raw = b"".join(bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8))
                        found.add(socket.inet_ntop(socket.AF_INET6, raw))
    return found


def test_action_server_and_replicas_listen_on_loopback_only(prod):
    stack = prod.stack
    for port in [stack.action_port, *stack.rasa_ports]:
        assert listening_addresses(port) == {"127.0.0.1"}, port


def test_rasa_http_api_needs_the_token_and_is_not_exposed_through_nginx(prod):
    replica = prod.replica(0)
    for path in ["/status", "/conversations/someone/tracker", "/domain"]:
        assert requests.get(f"{replica}{path}", timeout=30).status_code == 401, path
        assert requests.get(f"{replica}{path}", params={"token": "wrong"}, timeout=30).status_code == 401
        assert requests.get(f"{prod.proxy}{path}", params={"token": prod.token}, timeout=30).status_code == 404
    assert requests.get(f"{replica}/status", params={"token": prod.token}, timeout=30).status_code == 200
    resp = requests.post(f"{prod.proxy}/model/parse", json={"text": "hi"}, timeout=30)
    assert resp.status_code == 404


@pytest.mark.parametrize("target", ["replica", "nginx"])
def test_cors_allows_only_the_widget_origin(prod, target):
    base = prod.replica(0) if target == "replica" else prod.proxy
    url = f"{base}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = requests.options(url, headers={"Origin": prod.origin, **preflight}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == prod.origin
    refused = requests.options(url, headers={"Origin": EVIL_ORIGIN, **preflight}, timeout=30)
    assert "Access-Control-Allow-Origin" not in refused.headers
    post = requests.post(url, json={"sender": "cors", "message": ""}, headers={"Origin": EVIL_ORIGIN}, timeout=30)
    assert "Access-Control-Allow-Origin" not in post.headers


@pytest.mark.parametrize("target", ["replica", "nginx"])
def test_socketio_refuses_other_origins(prod, target):
    base = prod.replica(0) if target == "replica" else prod.proxy
    with pytest.raises(socketio.exceptions.ConnectionError):
        WidgetClient(base, EVIL_ORIGIN)
    client = WidgetClient(base, prod.origin)
    client.close()


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif node is not None:
        yield path, node


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.prod.yml", "credentials.yml"])
def test_configuration_files_hold_no_secrets(name):
    config = yaml.safe_load((PROJECT_ROOT / name).read_text()) or {}
    for path, value in _leaves(config):
        if re.search(r"pass|secret|token|key$|signing", path[-1], re.I) and path[-1] not in {"key_prefix"}:
            assert re.fullmatch(r"\$\{[A-Z0-9_]+\}", str(value)), (
                f"{name}: {'.'.join(path)} must come from the environment"
            )
    text = (PROJECT_ROOT / "endpoints.prod.yml").read_text()
    assert "password: ${" in text

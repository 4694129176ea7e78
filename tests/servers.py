"""Start the trained assistant (Rasa + action server) and the web page for end-to-end tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.settings import PROJECT_ROOT
from bot.wait_ready import wait_ready

MODEL_PATH = PROJECT_ROOT / "models" / "assistant.tar.gz"
BIN = Path(sys.executable).parent
# Test-only Slack credentials: the assistant under test talks to tests/fake_slack.py.
TEST_SLACK_TOKEN = "xoxb-test-token"
TEST_SLACK_SIGNING_SECRET = "test-signing-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(PROJECT_ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra)
    return env


@dataclass
class Assistant:
    rasa_url: str
    action_url: str
    processes: list
    log_dir: Path

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        resp = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout,
        )
        resp.raise_for_status()
        return resp.json()

    def stop(self) -> None:
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_assistant(
    log_dir: Path,
    database_url: str,
    cors_origins: tuple[str, ...] = (),
    endpoints: Path | str = "endpoints.yml",
    **env_extra: str,
) -> Assistant:
    """Rasa (REST, socket.io and Slack channels of credentials.yml) and the action server, on free ports.
    cors_origins: pages allowed to talk to Rasa from a browser (the web widget);
    endpoints: e.g. a test's own tracker store."""
    assert MODEL_PATH.exists(), f"no trained model at {MODEL_PATH}: run ./run train first"
    rasa_port, action_port = free_port(), free_port()
    action_url = f"http://127.0.0.1:{action_port}"
    env = base_env(DATABASE_URL=database_url, ACTION_SERVER_URL=f"{action_url}/webhook", **env_extra)
    log_dir.mkdir(parents=True, exist_ok=True)
    actions = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
        cwd=PROJECT_ROOT, env=env, stdout=open(log_dir / "actions.log", "w"), stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--model", str(MODEL_PATH), "--port", str(rasa_port),
         "--credentials", "credentials.yml", "--endpoints", str(endpoints),
         *(["--cors", *cors_origins] if cors_origins else [])],
        cwd=PROJECT_ROOT, env=env, stdout=open(log_dir / "rasa.log", "w"), stderr=subprocess.STDOUT,
    )
    assistant = Assistant(f"http://127.0.0.1:{rasa_port}", action_url, [actions, rasa], log_dir)
    # Loading the model takes minutes when other trainings share the 2 cores.
    if not wait_ready([f"{assistant.rasa_url}/", f"{action_url}/health"], timeout=900):
        assistant.stop()
        raise RuntimeError(f"assistant did not start; logs in {log_dir}")
    return assistant


@dataclass
class WebPage:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_web(log_dir: Path, port: int, rasa_url: str) -> WebPage:
    """The chat page (python -m bot.web), its widget talking to `rasa_url`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(port), "--rasa-url", rasa_url],
        cwd=PROJECT_ROOT, env=base_env(), stdout=open(log_dir / "web.log", "w"), stderr=subprocess.STDOUT,
    )
    page = WebPage(f"http://127.0.0.1:{port}", process)
    if not wait_ready([f"{page.url}/"], timeout=30):
        page.stop()
        raise RuntimeError(f"web page did not start; logs in {log_dir}")
    return page

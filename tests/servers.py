"""Start the trained assistant (Rasa + action server) for end-to-end tests."""
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
    log_dir: Path, database_url: str, endpoints: Path | str = "endpoints.yml", **env_extra: str
) -> Assistant:
    """Rasa and the action server on free ports; `endpoints` e.g. for a test's own tracker store."""
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
         "--credentials", "credentials.yml", "--endpoints", str(endpoints)],
        cwd=PROJECT_ROOT, env=env, stdout=open(log_dir / "rasa.log", "w"), stderr=subprocess.STDOUT,
    )
    assistant = Assistant(f"http://127.0.0.1:{rasa_port}", action_url, [actions, rasa], log_dir)
    if not wait_ready([f"{assistant.rasa_url}/", f"{action_url}/health"], timeout=480):
        assistant.stop()
        raise RuntimeError(f"assistant did not start; logs in {log_dir}")
    return assistant

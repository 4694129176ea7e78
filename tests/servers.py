"""Start the trained assistant (Rasa + action server) and the web page for end-to-end tests,
with tools/launcher.py (as ./run start and deploy/stack.py do)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from tools.launcher import BIN, MODEL, Launcher, StartError, base_env, free_port  # noqa: F401 - used by tests

MODEL_PATH = MODEL
# Test-only Slack credentials: the assistant under test talks to tests/fake_slack.py.
TEST_SLACK_TOKEN = "xoxb-test-token"
TEST_SLACK_SIGNING_SECRET = "test-signing-secret"


@dataclass
class Assistant:
    rasa_url: str
    action_url: str
    launcher: Launcher
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
        self.launcher.stop()


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
    # Loading the model takes minutes when other trainings share the 2 cores.
    launcher = Launcher(log_dir, base_env(DATABASE_URL=database_url, **env_extra), timeout=900)
    actions = launcher.actions(free_port())
    rasa = launcher.rasa(
        free_port(), endpoints=str(endpoints), cors=cors_origins, action_server_url=f"{actions.url}/webhook"
    )
    try:
        launcher.wait([rasa, actions], "the assistant")
    except StartError:
        launcher.stop()
        raise
    return Assistant(rasa.url, actions.url, launcher, log_dir)


@dataclass
class WebPage:
    url: str
    launcher: Launcher

    def stop(self) -> None:
        self.launcher.stop()


def start_web(log_dir: Path, port: int, rasa_url: str) -> WebPage:
    """The chat page (python -m web), its widget talking to `rasa_url`."""
    launcher = Launcher(log_dir)
    page = launcher.web(port, rasa_url)
    try:
        launcher.wait([page], "the web page", timeout=30)
    except StartError:
        launcher.stop()
        raise
    return WebPage(page.url, launcher)

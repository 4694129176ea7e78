"""The Rasa project itself: data validation and test stories on the trained model."""

from __future__ import annotations

import subprocess

from bot.settings import PROJECT_ROOT
from tests.servers import BIN, MODEL_PATH, base_env


def run_rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "rasa"), *args], cwd=PROJECT_ROOT, env=base_env(), capture_output=True, text=True, timeout=timeout
    )


def test_training_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warning")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_test_stories_pass_without_prediction_errors(tmp_path):
    result = run_rasa(
        "test",
        "core",
        "--model",
        str(MODEL_PATH),
        "--stories",
        "tests/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path / "results"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

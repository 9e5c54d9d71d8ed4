"""Copy the test readers' clips and a piece of real kitchen noise into tests/data/voices (reproducible).

    .venv/bin/python scripts/prepare_voice_test_data.py

Sources (local mirrors of public GitHub repositories, both CC BY 4.0): LibriSpeech train-clean-100 readers
from resemble-ai/Resemblyzer (the test readers of scripts/voice_readers.py), and `doing_the_dishes.wav` from
LCAV/pyroomacoustics. Writes 16 kHz mono 16-bit WAV files, cut short to keep the repository small.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voice_readers import SAMPLE_RATE, audio, readers, split

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "voices"
CLIP_SECONDS = 12.0  # 8 s to calibrate and 4 s to judge: what the tests use
NOISE_REPO = Path("/work/.mirror/LCAV+pyroomacoustics/repo")
NOISE_PATH = "examples/input_samples/doing_the_dishes.wav"
NOISE_START_S, NOISE_SECONDS = 20.0, 12.0  # a stretch with clattering plates and running water


def main() -> None:
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

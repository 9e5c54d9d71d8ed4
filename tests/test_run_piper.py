"""`vertraag run --input X.wav --speak-to out.wav --tts piper` with the Piper test voice installed: the
session speaks with Piper (the log says so), and the mix has vertraag's voice where the prompts are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests import audio_gen as ag
from tests.piper_voice import VOICE_NAME, install_copy
from tests.test_run_cli import RAISE_DB, run_cli
from tests.test_run_engines import events_of

pytestmark = pytest.mark.slow

ADDED_RMS = 0.01  # vertraag's voice in the mix: clearly more than the recording alone
PROMPT_WINDOW_S = 2.0


def test_a_run_mixes_piper_speech_in_at_the_prompts(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_copy(models)
    calm = ag.espeak_conversation(ag.CALM_SENTENCES * 2)
    half = len(calm) // 2
    scene = np.concatenate([calm[:half], ag.scale_db(calm[half:], RAISE_DB), ag.silence(6.0)])
    wav = ag.write_wav(tmp_path / "ruzie.wav", scene)
    mix = tmp_path / "met-vertraag.wav"

    proc = run_cli(
        "-v",
        "run",
        "--input",
        wav,
        "--json",
        "--engine",
        "none",
        "--tts",
        "piper",
        "--speak-to",
        mix,
        env={"VERTRAAG_MODELS_DIR": str(models)},
    )

    assert proc.returncode == 0, proc.stderr
    assert f"speaking with Piper ({VOICE_NAME})" in proc.stderr
    assert "speech failed" not in proc.stderr  # no chime stood in for a prompt
    prompts = [e for e in events_of(proc.stdout) if e["type"] == "prompt"]
    assert prompts, proc.stdout
    audio, rate = sf.read(str(mix), dtype="float32")
    original, _ = sf.read(str(wav), dtype="float32")
    original = np.pad(original, (0, max(0, len(audio) - len(original))))
    for prompt in prompts:
        at = int(prompt["t"] * rate)
        added = audio[at : at + int(PROMPT_WINDOW_S * rate)] - original[at : at + int(PROMPT_WINDOW_S * rate)]
        assert np.sqrt(np.mean(added**2)) > ADDED_RMS, prompt  # Piper's speech is in the mix there

"""`PiperRenderer`: a neural Dutch voice (Piper, ONNX, offline), rendered to sound at the player's rate.

Piper (`piper-tts` on PyPI) turns text into speech with a voice network (`NAME.onnx` + `NAME.onnx.json`,
managed by `vertraag model`). Loading a voice takes ~0.7 s, a prompt ~0.5 s on one core here and a few times
that on a Pi 4: the `CachedRenderer` in front of it and the render-ahead at start-up hide both.
- Construction loads the voice and renders a warm-up text: a broken or missing voice is one clear
  `SpeechUnavailable` line there (and the next engine speaks), never a failure mid-session.
- Piper gives one chunk per sentence; they are joined with a short pause, so a prompt split into short
  sentences is said as short sentences.
- Piper's phonemiser (a built-in espeak-ng) is one per process: one lock around synthesis.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound, silence
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts.base import CALM_RATE_WPM, WARM_UP_TEXT

log = logging.getLogger(__name__)

INSTALL_HINT = "installeer Piper met `pip install 'vertraag[piper]'` (scripts/setup.sh doet dat)"
# Piper's voices speak at about 160 words per minute at length_scale 1.0 (a "medium" Dutch voice reading
# prompts); a longer length_scale is slower speech, so the calm rate of the settings maps onto it.
PIPER_NATURAL_WPM = 160
SENTENCE_PAUSE_S = 0.35  # between sentences: a breath, so short sentences land one by one
SILENT_PEAK = 1e-4  # a render whose loudest sample stays below this (-80 dBFS) has no speech in it

_SYNTH_LOCK = threading.Lock()  # Piper's espeak-ng phonemiser is one per process


# onnxruntime would spread one render over every core; the render-ahead runs beside the recogniser, which
# needs its cores live, so the voice gets one (a render takes a little longer, listening never waits).
ONNX_THREADS = 1
CPU = "CPUExecutionProvider"


def load_piper(onnx: Path) -> Any:
    """The Piper voice in `onnx` (its .onnx.json beside it) on ONNX_THREADS; imports Piper lazily.
    (`PiperVoice.load` does the same with onnxruntime's default of all cores.)"""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    with onnx.with_name(onnx.name + ".json").open(encoding="utf-8") as config:
        settings = PiperConfig.from_dict(json.load(config))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = ONNX_THREADS
    options.inter_op_num_threads = ONNX_THREADS
    session = onnxruntime.InferenceSession(str(onnx), sess_options=options, providers=[CPU])
    return PiperVoice(session=session, config=settings)


class PiperRenderer:
    """A `Renderer` over one Piper voice. Raises `SpeechUnavailable` at construction when Piper is not
    installed or the voice does not load or speak."""

    def __init__(self, onnx: Path, *, rate_wpm: int = CALM_RATE_WPM, rate: int = OUTPUT_RATE) -> None:
        self.onnx = onnx
        self.name = onnx.name.removesuffix(".onnx")
        self._rate = rate
        try:
            from piper import SynthesisConfig
        except ImportError as exc:
            raise SpeechUnavailable(f"Piper is niet geïnstalleerd; {INSTALL_HINT}.") from exc
        try:
            self._voice = load_piper(onnx)
        except Exception as exc:  # onnxruntime and json raise many kinds; all mean "this voice does not load"
            log.info("loading Piper voice %s failed: %r", onnx, exc)
            raise SpeechUnavailable(
                f"De Piper-stem {onnx} laadt niet ({type(exc).__name__}): installeer hem opnieuw met "
                f"`vertraag model download {self.name}` of `vertraag model install {self.name}.onnx`."
            ) from exc
        self._config = SynthesisConfig(length_scale=PIPER_NATURAL_WPM / rate_wpm)
        self.render(WARM_UP_TEXT)

    def render(self, text: str) -> Sound:
        if not text.strip():
            return silence(0, self._rate)
        try:
            with _SYNTH_LOCK:
                chunks = list(self._voice.synthesize(text, syn_config=self._config))
        except Exception as exc:  # onnxruntime errors: the voice cannot say this
            log.warning("Piper failed on %r: %r", text, exc)
            raise SpeechUnavailable(f"De Piper-stem {self.name} kan niet spreken ({exc}).") from exc
        if not chunks:
            raise SpeechUnavailable(f"De Piper-stem {self.name} gaf geen geluid voor '{text}'.")
        source_rate = int(chunks[0].sample_rate)
        pause = np.zeros(round(SENTENCE_PAUSE_S * source_rate), dtype=np.float32)
        parts: list[np.ndarray[Any, np.dtype[np.float32]]] = []
        for chunk in chunks:
            if parts:
                parts.append(pause)
            parts.append(np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1))
        samples = np.concatenate(parts)
        if len(samples) == 0 or float(np.abs(samples).max()) < SILENT_PEAK:
            raise SpeechUnavailable(f"De Piper-stem {self.name} gaf stilte voor '{text}'.")
        return Sound(samples, source_rate).resampled(self._rate)

    def close(self) -> None:
        """Nothing to free explicitly: the ONNX session goes with the object."""

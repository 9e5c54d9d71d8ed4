"""Knowing the two voices: the voice tracker, and each partner's calm speech to enrol it from.

    calm speech (the calibration's sentences, or `vertraag run --calibration A.wav B.wav`)
        -> speech frames (vad.py) -> tracker.enroll(partner, samples)   (voices/: numbers, never audio)
                                  -> the partner's calm level (the median smoothed speech level, as the
                                     raised-voice detector measures it)

The samples live in memory only while a partner is enrolled; what is kept is the tracker's numbers.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import FRAME_SECONDS, SAMPLE_RATE, Frame
from vertraag.config import Settings, VadSettings
from vertraag.errors import UserError
from vertraag.events import SPEECH_END
from vertraag.loudness import SpeechLoudness, frame_dbfs
from vertraag.vad import SpeechProbability, VoiceActivity
from vertraag.voices import PARTNERS, VoiceTracker

log = logging.getLogger(__name__)

LEVEL_DECIMALS = 1
# Less calm speech than this says too little about a voice (the calibration asks for two sentences, ~8 s).
MIN_ENROLL_S = 2.0


def load_voices(tracker: VoiceTracker, voices: dict[str, Any] | None) -> bool:
    """A profile's voices into the tracker; False when it has none (an older profile) or they do not fit."""
    if voices is None:
        return False
    try:
        tracker.load_profile(voices)
    except ValueError as exc:
        log.warning("the profile's voices do not fit: %s", exc)
        return False
    return True


def new_tracker() -> VoiceTracker:
    """The voice tracker vertraag listens with (voices/)."""
    from vertraag.voices.tracker import GmmTracker

    return GmmTracker()


@dataclass
class CalmSpeech:
    """What a stretch of calm speech gave: its speech samples and its calm level."""

    samples: npt.NDArray[np.int16]
    baseline_db: float | None

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


class CalmListener:
    """Feed frames of calm speech; collects the speech segments' samples and the smoothed speech levels."""

    def __init__(self, vad: VadSettings, *, speech_probability: SpeechProbability | None = None) -> None:
        self._voice = VoiceActivity(vad, probability=speech_probability)
        self._loudness = SpeechLoudness()
        self._levels: list[float] = []
        self._chunks: list[npt.NDArray[np.int16]] = []
        self.speech_s = 0.0
        self.in_segment = False  # the last frame was inside a speech segment (what a recogniser should hear)

    def add(self, frame: Frame) -> bool:
        """One frame; True when it ended a speech segment."""
        level = frame_dbfs(frame.samples)
        decision = self._voice.update(frame, level_db=level)
        smoothed = self._loudness.update(level, is_speech=decision.is_speech)
        if decision.is_speech and smoothed is not None:
            self._levels.append(smoothed)
            self.speech_s += FRAME_SECONDS
        self.in_segment = decision.in_segment
        if decision.in_segment:
            self._chunks.append(frame.samples)
        return any(e.type == SPEECH_END for e in decision.events)

    def result(self) -> CalmSpeech:
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        baseline = round(statistics.median(self._levels), LEVEL_DECIMALS) if self._levels else None
        return CalmSpeech(samples.astype(np.int16), baseline)


def calm_speech(frames: Iterable[Frame], vad: VadSettings) -> CalmSpeech:
    listener = CalmListener(vad)
    for frame in frames:
        listener.add(frame)
    return listener.result()


def enroll_files(tracker: VoiceTracker, paths: Sequence[Path], settings: Settings) -> list[float | None]:
    """Enrol partner a from the first file's calm speech, b from the second; their calm levels."""
    from vertraag.audio.wav_source import WavSource

    if len(paths) != len(PARTNERS):
        raise UserError("Geef bij --calibration twee WAV-bestanden: eerst partner a, dan partner b.")
    levels: list[float | None] = []
    for partner, path in zip(PARTNERS, paths, strict=True):
        source = WavSource(path)
        try:
            calm = calm_speech(source.frames(), settings.vad)
        finally:
            source.close()
        if calm.seconds < MIN_ENROLL_S:
            raise UserError(
                f"In {path} hoor ik te weinig rustige spraak om een stem van te leren; geef een opname met"
                " minstens twee rustige zinnen."
            )
        tracker.enroll(partner, calm.samples)
        levels.append(calm.baseline_db)
    return levels

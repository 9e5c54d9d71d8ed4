"""The benchmark's conversations: calm turns of real Dutch with triggers at known times.

- `word_scene`: calm turns with an espeak-ng trigger sentence (an absolute, a threat) every few sentences;
  each trigger is a `Mark` with the start and end of its speech.
- `raised_scene`: calm turns with a sustained raised voice (the same real speech, louder) now and then;
  each `Mark` starts where the louder speech starts.

Everything sits on a quiet room's noise (ROOM_NOISE_DBFS): digital silence between sentences would be
cheaper to listen to than any room. Deterministic: the same seconds give the same audio.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bench import compose as c
from vertraag.audio.frames import SAMPLE_RATE

ABSOLUTE, THREAT, RAISED = "absolute", "threat", "raised_voice"
# Trigger sentences, with the espeak-ng voice and speed that Whisper base hears right (measured for
# tests/test_session_whisper.py).
TRIGGERS = (
    (ABSOLUTE, "Je bent er nooit voor mij.", "nl", 130),
    (THREAT, "Als je dat nog een keer doet, dan ga ik weg.", "nl+f2", 120),
)
GAP_S = 1.5  # between sentences: a breath, and long enough for an utterance to end
CALM_START_S = 12.0  # calm speech first: the calm level and pace are learned from the first seconds
CALM_BETWEEN_TRIGGERS_S = 7.0  # calm speech after each trigger sentence
RAISE_DB = 10.0  # a raised voice: clearly above the 6 dB threshold
RAISED_S = 6.0  # a sustained raised voice lasts at least this long (the hold time is 1.5 s)
# Calm speech after a raised voice: more than the 20 s between two interventions, so each one is answered.
CALM_AFTER_RAISED_S = 22.0
ROOM_NOISE_DBFS = -65.0  # a quiet living room through a laptop microphone
NOISE_SEED = 1


@dataclass(frozen=True)
class Mark:
    kind: str  # ABSOLUTE, THREAT or RAISED
    start: float  # seconds of scene audio where its speech starts
    end: float  # ... and ends


@dataclass(frozen=True)
class Scene:
    audio: c.Audio
    marks: tuple[Mark, ...]

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


class _Builder:
    """Appends speech with GAP_S between pieces and remembers where each marked piece's speech is."""

    def __init__(self) -> None:
        self.parts: list[c.Audio] = []
        self.samples = 0
        self.marks: list[Mark] = []
        self._clips = _calm_clips()

    @property
    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def add(self, audio: c.Audio, kind: str | None = None) -> None:
        if self.parts:
            self._append(c.silence(GAP_S))
        start = self.seconds
        self._append(audio)
        if kind is not None:
            self.marks.append(Mark(kind, start, self.seconds))

    def calm(self, seconds: float, *, db: float = 0.0, kind: str | None = None) -> None:
        """Real clips, taking turns, for at least `seconds` (`db` louder than calm)."""
        pieces: list[c.Audio] = []
        total = 0.0
        while total < seconds:
            clip = next(self._clips)
            pieces.append(c.scale_db(clip, db) if db else clip)
            total += len(clip) / SAMPLE_RATE + GAP_S
        self.add(c.concat_with_silence(pieces, gap_s=GAP_S), kind)

    def scene(self) -> Scene:
        self._append(c.silence(GAP_S))
        speech = np.concatenate(self.parts).astype(np.float64)
        noise = np.random.default_rng(NOISE_SEED).standard_normal(len(speech))
        noise *= c.FULL_SCALE * 10 ** (ROOM_NOISE_DBFS / 20)
        audio = np.clip(np.round(speech + noise), -c.FULL_SCALE, c.INT16_MAX).astype(np.int16)
        return Scene(audio, tuple(self.marks))

    def _append(self, audio: c.Audio) -> None:
        self.parts.append(audio)
        self.samples += len(audio)


def _calm_clips() -> Iterator[c.Audio]:
    """The real clips of both speakers taking turns, at the calm level, without their quiet edges; cycling."""
    her, him = c.clips("nathalie"), c.clips("flemishguy")
    turns = [clip for pair in zip(her, him, strict=False) for clip in pair]
    levelled = [c.at_level(c.trim_silence(clip.samples()), c.CALM_SPEECH_DBFS) for clip in turns]
    while True:
        yield from levelled


def _trigger(index: int) -> tuple[str, c.Audio]:
    kind, text, voice, speed = TRIGGERS[index % len(TRIGGERS)]
    return kind, c.at_level(c.espeak_nl(text, voice=voice, speed=speed), c.CALM_SPEECH_DBFS)


def word_scene(seconds: float) -> Scene:
    """Calm turns with a trigger sentence every CALM_BETWEEN_TRIGGERS_S or so, about `seconds` long."""
    build = _Builder()
    build.calm(min(CALM_START_S, seconds))
    index = 0
    while build.seconds < seconds:
        kind, audio = _trigger(index)
        build.add(audio, kind)
        build.calm(min(CALM_BETWEEN_TRIGGERS_S, seconds))
        index += 1
    return build.scene()


def raised_scene(seconds: float) -> Scene:
    """Calm turns with a sustained raised voice every half minute or so, about `seconds` long."""
    build = _Builder()
    build.calm(min(CALM_START_S, seconds))
    while build.seconds < seconds:
        build.calm(RAISED_S, db=RAISE_DB, kind=RAISED)
        build.calm(min(CALM_AFTER_RAISED_S, seconds))
    return build.scene()

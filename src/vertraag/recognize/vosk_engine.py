"""The default recogniser: Vosk (Kaldi), streaming, with its own endpointing, partials and word times.

Frames go straight into `vosk.KaldiRecognizer`. When Vosk detects the end of an utterance it returns a final
result, which becomes an `Utterance` with word times in session seconds. In between, its partial result is
read every PARTIAL_POLL_MS of audio; only the prefix that two successive partials agree on counts as said
(`HypothesisBuffer`), and a `Partial` is reported when that stable text changed, at most once per
`partial_interval_ms` of audio. Vosk cuts utterances itself, so `is_speech` is not used.

Vosk's text is lowercase without punctuation. Grammar mode (`grammar=[...]`) limits recognition to a few
words, for short voice commands; words the model does not know are left out with a warning.
Models are loaded from a directory only (never `Model(lang=...)`, which downloads), once per process.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vosk

from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.config import RecognizerSettings
from vertraag.errors import UserError
from vertraag.models.store import vosk_problems
from vertraag.recognize.base import Partial, RecognizerEvent, Utterance, Word
from vertraag.recognize.hypothesis import HypothesisBuffer

log = logging.getLogger(__name__)

KALDI_LOG_QUIET = -1  # Kaldi's own log: warnings and errors only (0 = its chatty info lines)
KALDI_LOG_VERBOSE = 0
UNKNOWN_WORD = "[unk]"  # Vosk's garbage word: lets a grammar reject speech that is not a command
PARTIAL_POLL_MS = 160  # read the partial this often: fine enough for LocalAgreement, cheap on a Pi
DEFAULT_PARTIAL_INTERVAL_MS = RecognizerSettings.partial_interval_ms  # the settings' default, not a copy
MODEL_CACHE_SIZE = 2  # a free model and, rarely, a second one; each holds ~100 MB
MS_PER_SECOND = 1000


class VoskRecognizer:
    """A `Recognizer` on Vosk. Not thread-safe: feed it from one thread (see `RecognizerWorker`)."""

    def __init__(
        self,
        model_dir: Path,
        *,
        partial_interval_ms: int = DEFAULT_PARTIAL_INTERVAL_MS,
        grammar: Sequence[str] | None = None,
        verbose: bool = False,
    ) -> None:
        vosk.SetLogLevel(KALDI_LOG_VERBOSE if verbose else KALDI_LOG_QUIET)
        self._model = load_model(model_dir)
        self._grammar = _grammar_json(self._model, grammar) if grammar is not None else None
        self._partial_interval = partial_interval_ms * SAMPLE_RATE // MS_PER_SECOND
        self._poll_interval = PARTIAL_POLL_MS * SAMPLE_RATE // MS_PER_SECOND
        self._recognizer = self._new_kaldi_recognizer()
        self._hypothesis = HypothesisBuffer()
        self._fed = 0  # samples given to the Kaldi recogniser since it was made (its clock)
        self._origin: int | None = None  # session sample at which the Kaldi clock read zero
        self._last_poll = 0
        self._last_emit: int | None = None
        self._emitted_stable = ""

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        events: list[RecognizerEvent] = []
        if self._origin is not None and frame.start != self._origin + self._fed:
            log.warning("Audio gap before %.2f s: closing the utterance in progress", frame.t)
            events.extend(self.finish())
        if self._origin is None:
            self._origin = frame.start - self._fed
        self._fed += len(frame.samples)
        if self._recognizer.AcceptWaveform(frame.pcm_bytes()):
            events.extend(self._final(self._recognizer.Result()))
        elif self._fed - self._last_poll >= self._poll_interval:
            self._last_poll = self._fed
            events.extend(self._partial(frame))
        return events

    def finish(self) -> list[RecognizerEvent]:
        events = self._final(self._recognizer.FinalResult())
        self._recognizer.Reset()  # the Kaldi clock keeps running; a new frame sets a new origin
        self._origin = None
        return events

    def close(self) -> None:
        self._recognizer = None

    def _new_kaldi_recognizer(self) -> Any:
        if self._grammar is None:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        else:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar)
        recognizer.SetWords(True)
        recognizer.SetMaxAlternatives(0)
        return recognizer

    def _partial(self, frame: Frame) -> list[RecognizerEvent]:
        text = json.loads(self._recognizer.PartialResult()).get("partial", "")
        words = [w for w in text.split() if w != UNKNOWN_WORD]
        hypothesis = self._hypothesis.update(words)
        due = self._last_emit is None or self._fed - self._last_emit >= self._partial_interval
        if hypothesis.stable_text == self._emitted_stable or not due:
            return []
        self._last_emit = self._fed
        self._emitted_stable = hypothesis.stable_text
        return [Partial(t=frame.t_end, stable=hypothesis.stable_text, pending=hypothesis.pending_text)]

    def _final(self, result_json: str) -> list[RecognizerEvent]:
        self._hypothesis.reset()
        self._emitted_stable = ""
        self._last_emit = None
        words = self._words(json.loads(result_json).get("result", []))
        if not words:
            return []
        text = " ".join(w.text for w in words)
        return [Utterance(text=text, start=words[0].start, end=words[-1].end, words=tuple(words))]

    def _words(self, raw: list[dict[str, Any]]) -> list[Word]:
        origin_s = (self._origin or 0) / SAMPLE_RATE
        return [
            Word(
                text=str(item["word"]),
                start=origin_s + float(item["start"]),
                end=origin_s + float(item["end"]),
                confidence=float(item["conf"]) if "conf" in item else None,
            )
            for item in raw
            if item.get("word") and item["word"] != UNKNOWN_WORD
        ]


def _grammar_json(model: Any, grammar: Sequence[str]) -> str:
    """The grammar as Vosk takes it: the known words (UTF-8, not \\u escapes, which Vosk does not decode)."""
    known = [w for w in dict.fromkeys(grammar) if model.vosk_model_find_word(w) >= 0]
    for word in set(grammar) - set(known):
        log.warning("Word %r is not in the model's vocabulary; left out of the grammar", word)
    if not known:
        raise UserError(
            "Geen van de opdrachtwoorden staat in de woordenlijst van het model: kies andere woorden."
        )
    if model.vosk_model_find_word(UNKNOWN_WORD) >= 0:
        known.append(UNKNOWN_WORD)
    return json.dumps(known, ensure_ascii=False)


def load_model(model_dir: Path) -> Any:
    """The `vosk.Model` in `model_dir`, loaded once per process; a UserError when it is not a model."""
    path = model_dir.expanduser().resolve()
    problem = _model_dir_problem(path)
    if problem is None:
        try:
            return _load_cached(path)
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            log.debug("vosk.Model(%s) failed: %s", path, exc)
            problem = "Vosk kan het model daar niet laden (beschadigd of onvolledig?)"
    raise UserError(
        f"Geen bruikbaar Vosk-model in {path}: {problem}. Haal het Nederlandse model op met "
        "'vertraag model download', of kopieer de zip erheen en gebruik 'vertraag model install BESTAND.zip'."
    )


def _model_dir_problem(path: Path) -> str | None:
    """Why `path` is not a Vosk model directory (in Dutch), or None when it looks like one."""
    if not path.exists():
        return "die map bestaat niet"
    if not path.is_dir():
        return "dat is geen map"
    if not any(path.iterdir()):
        return "de map is leeg"
    missing = vosk_problems(path)  # the one definition of a Vosk model folder (models/store.py)
    if missing:
        return f"de map bevat geen compleet Vosk-model (ontbreekt: {', '.join(missing)})"
    return None


@functools.lru_cache(maxsize=MODEL_CACHE_SIZE)
def _load_cached(path: Path) -> Any:
    log.info("Loading Vosk model %s", path)
    return vosk.Model(str(path))

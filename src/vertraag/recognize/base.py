"""The `Recognizer` protocol and what it reports. Only the engine modules import vosk or faster_whisper.

Times are seconds of session audio. A recogniser is fed every frame in order (with the voice-activity
decision for that frame, which engines without their own endpointing use to cut utterances) and returns
whatever it can say so far. `finish()` flushes the last utterance at the end of the audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from vertraag.audio.frames import Frame


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds of session audio
    end: float
    confidence: float | None = None  # 0..1 where the engine gives one

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"word": self.text, "start": self.start, "end": self.end}
        if self.confidence is not None:
            out["conf"] = self.confidence
        return out


@dataclass(frozen=True)
class Partial:
    """The current hypothesis of an utterance in progress. Only `stable` is treated as said."""

    t: float  # audio time at which this hypothesis was made
    stable: str  # the prefix that stayed the same across updates
    pending: str  # the rest, which may still change


@dataclass(frozen=True)
class Utterance:
    """A final result: the text of one utterance and its words with times."""

    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()


RecognizerEvent = Partial | Utterance


class Recognizer(Protocol):
    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        """Feed one frame; return what became known (possibly nothing)."""
        ...

    def finish(self) -> list[RecognizerEvent]:
        """End of audio: return the last utterance, if any. The recogniser can be fed again afterwards."""
        ...

    def close(self) -> None:
        """Release the engine (threads, memory)."""
        ...

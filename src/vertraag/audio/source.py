"""`AudioSource`: what the pipeline reads audio from (a WAV file, a microphone, a fake in tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from vertraag.audio.frames import Frame


class AudioSource(Protocol):
    """Yields frames of 16 kHz mono int16 in audio-time order until the audio ends or `close()` is called.

    A source raises `vertraag.errors.UserError` with a clear sentence when it cannot deliver audio at all.
    """

    def frames(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...

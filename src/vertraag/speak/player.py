"""Where sounds go: the `Player` protocol, and the players that need no sound card.

`SoundDevicePlayer` (the loudspeaker, through sounddevice) lives in `device_player.py`, the only module here
that imports sounddevice; it is re-exported from this module.
"""

from __future__ import annotations

from typing import Protocol

from vertraag.speak.device_player import SoundDevicePlayer
from vertraag.speak.sound import Sound

__all__ = ["NullPlayer", "Player", "RecordingPlayer", "SoundDevicePlayer"]


class Player(Protocol):
    def play(self, sound: Sound) -> None:
        """Queue `sound` after whatever is playing and return at once. Raises `PlaybackUnavailable`."""
        ...

    def stop(self) -> None:
        """Drop what is playing and queued (e.g. on Ctrl-C)."""
        ...

    @property
    def busy(self) -> bool:
        """Whether something is still playing or queued."""
        ...

    def close(self) -> None: ...


class NullPlayer:
    """Plays nothing (a run on a recording, or no speaker wanted)."""

    busy = False

    def play(self, sound: Sound) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingPlayer:
    """A stand-in for tests: keeps every sound it was asked to play, in order, and plays nothing."""

    busy = False

    def __init__(self) -> None:
        self.sounds: list[Sound] = []
        self.stops = 0
        self.closed = False

    def play(self, sound: Sound) -> None:
        self.sounds.append(sound)

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        self.closed = True

"""vertraag's own voice as the session runner sees it: play this at audio time `at`, and how long it lasts.

("voice" in speak/ is vertraag's own speech; who of the couple is speaking is voices/, and whether anyone
speaks at all is voice activity, vad.py.)


- `SpeakerVoice`: live, through a `speak.Speaker` (pyttsx3 or a voice folder, played with sounddevice). The
  microphone can hear it, so the runner keeps the microphone deaf while it plays (half-duplex).
- `SilentVoice`: for a recording: nothing is played; a prompt lasts as long as it would take to say at the
  calm rate, so the session's timing is what it would have been.
- `MixdownVoice`: for a recording with `--speak-to OUT.wav`: renders every sound and keeps it with its time,
  to be mixed into the recording (`speak/mixdown.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vertraag.speak.sound import Sound
    from vertraag.speak.speaker import Speaker

SECONDS_PER_MINUTE = 60.0
# Lengths of the synthesised sounds when nothing is rendered (speak/tones.py makes them this long).
CHIME_SECONDS = 2.5
# A pause after each sentence when estimating how long a prompt takes to say.
SENTENCE_PAUSE_S = 0.4


@dataclass(frozen=True)
class Breath:
    """A guided breath: in for `inhale_s`, out for `exhale_s`, `cycles` times (protocols and interventions
    ask for one)."""

    inhale_s: float
    exhale_s: float
    cycles: int

    @property
    def seconds(self) -> float:
        return (self.inhale_s + self.exhale_s) * self.cycles


class Voice(Protocol):
    @property
    def audible(self) -> bool:
        """True when the microphone hears this voice (live): the runner then applies half-duplex."""
        ...

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float: ...

    def chime(self, kind: str, *, at: float) -> float: ...

    def breathe(self, breath: Breath, *, at: float) -> float: ...

    def hush(self) -> None: ...

    def close(self) -> None: ...


def spoken_seconds(text: str, rate_wpm: int) -> float:
    """How long `text` takes to say at `rate_wpm`, with a breath after each sentence."""
    words = len(text.split())
    sentences = sum(text.count(mark) for mark in ".?!") or 1
    return words / rate_wpm * SECONDS_PER_MINUTE + sentences * SENTENCE_PAUSE_S


class SilentVoice:
    """Plays nothing; estimates lengths (a recording)."""

    audible = False

    def __init__(self, rate_wpm: int) -> None:
        self._rate_wpm = rate_wpm

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        return spoken_seconds(text, self._rate_wpm)

    def chime(self, kind: str, *, at: float) -> float:
        return CHIME_SECONDS

    def breathe(self, breath: Breath, *, at: float) -> float:
        return breath.seconds

    def hush(self) -> None:
        return None

    def close(self) -> None:
        return None


class SpeakerVoice:
    """Live: through the speaker, heard by the microphone."""

    audible = True

    def __init__(self, speaker: Speaker) -> None:
        self._speaker = speaker

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        return self._speaker.say(prompt_id, variant + 1, text)  # recordings are numbered from 1

    def chime(self, kind: str, *, at: float) -> float:
        return self._speaker.chime(kind)

    def breathe(self, breath: Breath, *, at: float) -> float:
        return self._speaker.breathe(breath.inhale_s, breath.exhale_s, breath.cycles)

    def hush(self) -> None:
        self._speaker.stop()

    def close(self) -> None:
        self._speaker.close()


class MixdownVoice:
    """A recording with --speak-to: every sound rendered and kept with its audio time."""

    audible = False

    def __init__(self, speaker: Speaker) -> None:
        self._speaker = speaker
        self.placed: list[tuple[float, Sound]] = []

    def _place(self, at: float, sound: Sound) -> float:
        self.placed.append((at, sound))
        return sound.seconds

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        return self._place(at, self._speaker.sound_for(prompt_id, variant + 1, text))

    def chime(self, kind: str, *, at: float) -> float:
        from vertraag.speak.tones import chime

        return self._place(at, chime(kind=kind))

    def breathe(self, breath: Breath, *, at: float) -> float:
        from vertraag.speak.tones import breath_guide

        return self._place(at, breath_guide(breath.inhale_s, breath.exhale_s, breath.cycles))

    def hush(self) -> None:
        """A sound cut short: drop the part after now (done when mixing: later sounds overwrite)."""

    def close(self) -> None:
        self._speaker.close()

"""`Speaker`: what the session calls to be heard - prompts, chimes and the breath guide.

It never lets a sound problem stop a session. A prompt comes from the voice folder when there is a
recording, else from the (cached) synthetic voice, else - when synthesis fails - it is the soft chime, so
the caller always has something to play. Synthesis goes one sentence at a time (each cached, joined with a
short pause): the fixed sentences of a prompt are rendered ahead, and only a sentence with a live word in it
("Ik hoorde 'nooit'.") is rendered when it is said. When playing fails, `can_play` turns False, the length
is returned all the same, and the session goes on with the text on screen; the next sound tries the speaker
again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import numpy as np

from vertraag.phrases import sentences
from vertraag.speak.errors import PlaybackUnavailable, SpeechUnavailable
from vertraag.speak.player import Player
from vertraag.speak.sound import Sound, silence
from vertraag.speak.tones import OUTPUT_RATE, breath_guide, chime
from vertraag.speak.tts.base import RENDER_TIMEOUT_S, Renderer
from vertraag.speak.tts.cache import CachedRenderer
from vertraag.speak.voice_folder import VoiceFolder

log = logging.getLogger(__name__)

FALLBACK_CHIME = "soft"  # what a prompt sounds like when it cannot be spoken
CLOSE_WAIT_S = RENDER_TIMEOUT_S  # a render-ahead finishes its current sentence within a render's timeout
SENTENCE_PAUSE_S = 0.35  # between the sentences of a prompt: a breath, so short sentences land one by one


class Speaker:
    def __init__(
        self,
        *,
        renderer: Renderer | None,
        player: Player,
        voice_folder: VoiceFolder | None = None,
        rate: int = OUTPUT_RATE,
    ) -> None:
        if renderer is None:
            self._renderer: CachedRenderer | None = None
        else:
            self._renderer = renderer if isinstance(renderer, CachedRenderer) else CachedRenderer(renderer)
        self._player = player
        self._voice_folder = voice_folder
        self.rate = rate
        self.can_play = True
        self._speech_failed = renderer is None  # logged once: a chime stands in for every prompt
        self._chimes: dict[str, Sound] = {}
        self._closing = threading.Event()
        self._preparing = threading.Lock()
        self._recorded: dict[tuple[str, int], Sound] = {}
        if renderer is None:
            log.info("no speech renderer: prompts without a recording are played as a chime")

    def prepare(self, prompts: Iterable[tuple[str, int, str]], texts: Iterable[str] = ()) -> int:
        """Make (prompt_id, variant, text) ready to play (recordings read, the rest rendered), and the loose
        sentences `texts` (parts of interventions, reframes); returns how many sentences were rendered."""
        said = [text for prompt_id, variant, text in prompts if self._recording(prompt_id, variant) is None]
        parts = list(dict.fromkeys(p for text in [*said, *texts] for p in sentences(text)))
        with self._preparing:  # close() waits for the sentence being rendered, then the rest is dropped
            if self._renderer is not None and parts:
                failed = self._renderer.prepare(parts, stop=self._closing)
                if failed:
                    log.warning("%d of %d sentences could not be rendered ahead", failed, len(parts))
        self._chime(FALLBACK_CHIME)
        return len(parts) if self._renderer is not None else 0

    def sound_for(self, prompt_id: str, variant: int, text: str) -> Sound:
        """The prompt as sound: recorded, else synthesised, else the soft chime. Never raises."""
        recorded = self._recording(prompt_id, variant)
        if recorded is not None:
            return recorded
        if self._renderer is not None:
            try:
                return self._synthesise(self._renderer, text)
            except SpeechUnavailable as exc:
                if not self._speech_failed:
                    log.warning("speech failed (%s); a chime stands in for prompts", exc.message)
                    self._speech_failed = True
        return self._chime(FALLBACK_CHIME)

    def say(self, prompt_id: str, variant: int, text: str) -> float:
        """Play the prompt; returns how long it lasts in seconds."""
        return self._play(self.sound_for(prompt_id, variant, text))

    def chime(self, kind: str = "soft") -> float:
        return self._play(self._chime(kind))

    def breathe(self, inhale_s: float, exhale_s: float, cycles: int) -> float:
        return self._play(breath_guide(inhale_s, exhale_s, cycles, self.rate))

    def stop(self) -> None:
        """Silence now (e.g. Ctrl-C, or a partner starts speaking)."""
        self._player.stop()

    @property
    def busy(self) -> bool:
        return self._player.busy

    def close(self) -> None:
        # A render-ahead still running stops after its current sentence: an engine (onnxruntime) must not be
        # mid-render when the program exits.
        self._closing.set()
        if self._preparing.acquire(timeout=CLOSE_WAIT_S):
            self._preparing.release()
        else:
            log.warning("the render-ahead did not stop within %.0f s", CLOSE_WAIT_S)
        self._player.close()
        if self._renderer is not None:
            self._renderer.close()

    def _play(self, sound: Sound) -> float:
        try:
            self._player.play(sound)
        except PlaybackUnavailable as exc:
            if self.can_play:
                log.warning("cannot play sound: %s", exc.message)
            self.can_play = False
        else:
            if not self.can_play:
                log.info("playing sound again")
            self.can_play = True
        return sound.seconds

    def _synthesise(self, renderer: CachedRenderer, text: str) -> Sound:
        parts = [renderer.render(part).resampled(self.rate) for part in sentences(text)]
        if not parts:
            return silence(0, self.rate)
        pause = silence(SENTENCE_PAUSE_S, self.rate).samples
        joined = [parts[0].samples]
        for part in parts[1:]:
            joined += [pause, part.samples]
        return Sound(np.concatenate(joined), self.rate)

    def _chime(self, kind: str) -> Sound:
        if kind not in self._chimes:
            self._chimes[kind] = chime(self.rate, kind=kind)
        return self._chimes[kind]

    def _recording(self, prompt_id: str, variant: int) -> Sound | None:
        if self._voice_folder is None:
            return None
        key = (prompt_id, variant)
        if key not in self._recorded:
            sound = self._voice_folder.sound(prompt_id, variant)
            if sound is None:
                return None
            self._recorded[key] = sound.resampled(self.rate)
        return self._recorded[key]

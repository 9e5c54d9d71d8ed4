"""`Pyttsx3Renderer`: Dutch speech through pyttsx3 (which drives libespeak-ng), rendered to sound, not played.

pyttsx3 has sharp edges (see the field notes), so it is handled like this:
- ONE engine on ONE thread of its own: pyttsx3 hangs when two threads call it. Renders from any thread are
  queued to that thread. libespeak-ng is one engine per process, so a module lock also keeps two renderers
  (e.g. in tests) from driving it at the same time.
- A warm-up render at start: the first run of a fresh engine is unreliable, and it proves the voice exists.
- Each text is saved with `save_to_file` into an anonymous in-memory file (`memfd`, reached through
  /proc/self/fd), read back and closed; we play it ourselves, so we know exactly when it ends. Nothing is
  left in /tmp, even when the program is killed (where there is no memfd: a private folder per render).
- pyttsx3's espeak driver prints "Audio saved to ..." on stdout, which would corrupt `vertraag run --json`.
  That `print` is replaced, in that driver module only, by a debug log line; nothing else is touched.
- A render that takes longer than `timeout_s` means the engine hangs: `SpeechUnavailable`, then and for
  every later render (the stuck thread cannot be freed; it is a daemon thread and ends with the program).
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vertraag.errors import UserError
from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound, read_wav, silence
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts.base import (
    CALM_RATE_WPM,
    DUTCH_VOICE,
    RENDER_TIMEOUT_S,
    START_TIMEOUT_S,
    WARM_UP_TEXT,
)

log = logging.getLogger(__name__)

ESPEAK_DRIVER_MODULE = "pyttsx3.drivers.espeak"
CLOSE_JOIN_S = 1.0  # close() waits this long for the thread; a hung one is left (it is a daemon)
INSTALL_HINT = "installeer espeak-ng met 'sudo apt install espeak-ng'"
HUNG = "De spraakmotor (pyttsx3) reageert niet meer; vertraag gaat verder zonder gesproken zinnen."

PROC_FDS = Path("/proc/self/fd")  # Linux: a path that opens one of our own file descriptors
_ENGINE_LOCK = threading.Lock()  # libespeak-ng is one engine per process, whatever the number of renderers


def open_pyttsx3() -> Any:
    """The pyttsx3 engine (pyttsx3 keeps one per process), with its stdout print turned into a log line."""
    import pyttsx3

    engine = pyttsx3.init()
    driver = sys.modules.get(ESPEAK_DRIVER_MODULE)
    if driver is not None:
        driver.print = _log_driver_print  # type: ignore[attr-defined]  # shadows the builtin in that module
    return engine


def _log_driver_print(*args: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(map(str, args)))


@contextmanager
def scratch_wav() -> Iterator[Path]:
    """A path pyttsx3 can write one render to and we can read it back from; gone afterwards."""
    if hasattr(os, "memfd_create") and PROC_FDS.is_dir():
        fd = os.memfd_create("vertraag-tts")
        try:
            yield PROC_FDS / str(fd)
        finally:
            os.close(fd)
        return
    folder = Path(tempfile.mkdtemp(prefix="vertraag-tts-"))  # mkdtemp: readable by this user only
    try:
        yield folder / "prompt.wav"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class _Job:
    text: str
    result: Future[Sound] = field(default_factory=Future)


class Pyttsx3Renderer:
    """A `Renderer` over pyttsx3 with a Dutch voice at a calm rate. Raises `SpeechUnavailable` at
    construction when pyttsx3, libespeak-ng or the voice is missing. Call `close()` when done."""

    def __init__(
        self,
        *,
        rate_wpm: int = CALM_RATE_WPM,
        voice: str = DUTCH_VOICE,
        timeout_s: float = RENDER_TIMEOUT_S,
        start_timeout_s: float = START_TIMEOUT_S,
        engine_factory: Callable[[], Any] = open_pyttsx3,
    ) -> None:
        self._rate_wpm = rate_wpm
        self._voice = voice
        self._voice_id = voice  # the engine's own id for it (e.g. "gmw/nl"), found when the engine starts
        self._timeout_s = timeout_s
        self._engine_factory = engine_factory
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._broken: str | None = None
        self._thread = threading.Thread(target=self._serve, name="vertraag-tts", daemon=True)
        self._thread.start()
        try:
            self._ask(WARM_UP_TEXT, start_timeout_s)
        except SpeechUnavailable:
            self.close()
            raise

    def render(self, text: str) -> Sound:
        if not text.strip():  # pyttsx3 hangs or repeats the last text when given nothing
            return silence(0, OUTPUT_RATE)
        return self._ask(text, self._timeout_s)

    def close(self) -> None:
        self._jobs.put(None)
        if self._broken != HUNG:  # a hung thread will not end; do not wait for it
            self._thread.join(timeout=CLOSE_JOIN_S)

    def _ask(self, text: str, timeout_s: float) -> Sound:
        if self._broken is not None:
            raise SpeechUnavailable(self._broken)
        job = _Job(text)
        self._jobs.put(job)
        try:
            return job.result.result(timeout=timeout_s)
        except FutureTimeout:
            log.error("pyttsx3 did not finish %r within %.1f s; speech is off from now on", text, timeout_s)
            self._broken = HUNG
            raise SpeechUnavailable(HUNG) from None

    # ---------------------------------------------------------------- the engine's own thread

    def _serve(self) -> None:
        engine: Any = None
        while (job := self._jobs.get()) is not None:
            try:
                with _ENGINE_LOCK, scratch_wav() as path:
                    if engine is None:
                        engine = self._start_engine()
                    sound = self._render_file(engine, job.text, path)
                job.result.set_result(sound)
            except Exception as exc:  # any failure inside pyttsx3/espeak is "no speech", never a crash
                log.warning("pyttsx3 failed on %r: %r", job.text, exc)
                if not isinstance(exc, SpeechUnavailable):
                    # pyttsx3 is left mid-loop after an exception and refuses to run again
                    exc = SpeechUnavailable(f"De spraakmotor (pyttsx3) faalt ({exc}); {INSTALL_HINT}.")
                    self._broken = exc.message
                job.result.set_exception(exc)

    def _start_engine(self) -> Any:
        try:
            engine = self._engine_factory()
        except Exception as exc:  # ImportError, OSError (no libespeak-ng), RuntimeError (init failed)
            raise SpeechUnavailable(f"pyttsx3 kan niet starten ({exc}); {INSTALL_HINT}.") from exc
        self._voice_id = self._find_voice(engine)
        return engine

    def _find_voice(self, engine: Any) -> str:
        ids = [str(v.id) for v in engine.getProperty("voices")]
        for voice_id in ids:
            if voice_id == self._voice or voice_id.endswith("/" + self._voice):
                return voice_id
        log.warning("no voice %r among %d pyttsx3 voices", self._voice, len(ids))
        raise SpeechUnavailable(f"De stem '{self._voice}' ontbreekt in espeak-ng; {INSTALL_HINT}.")

    def _render_file(self, engine: Any, text: str, path: Path) -> Sound:
        # Set every time: the engine is shared by the process and a property only holds until changed.
        engine.setProperty("voice", self._voice_id)
        engine.setProperty("rate", self._rate_wpm)
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        try:
            return read_wav(path)
        except UserError as exc:
            raise SpeechUnavailable(f"pyttsx3 schreef geen bruikbaar geluid ({exc.message}).") from exc

"""`Pyttsx3Renderer`: Dutch speech through pyttsx3 (which drives libespeak-ng), rendered to sound, not played.

pyttsx3 keeps ONE engine per process (`pyttsx3.init()` caches it) and libespeak-ng is one synthesiser per
process, so two renderers (or a renderer and the render-ahead thread) that drive it at once make ~2% of
renders come out empty or at the other renderer's rate (field notes). So:
- ONE worker thread owns the engine (`EngineWorker`, one per process for the real pyttsx3). Renderers only
  submit jobs (a text, a speaking style) to it and wait for the sound; the worker renders one job at a time
  and sets the voice and rate for each job, so every renderer keeps its own pace.
- Before each `runAndWait` the worker waits until espeak's own synthesis thread is idle (`IsPlaying()` is
  false): `runAndWait` right after queued property changes can see it busy, `Cancel()` and return early.
- A render that comes back empty for a text that has words is tried once more, then an error
  (`SpeechUnavailable`), never silence.
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
import time
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
from vertraag.speak.tts.base import CALM_DUTCH, START_TIMEOUT_S, WARM_UP_TEXT, SpeakingStyle

log = logging.getLogger(__name__)

ESPEAK_DRIVER_MODULE = "pyttsx3.drivers.espeak"
ESPEAK_BINDING_MODULE = "pyttsx3.drivers._espeak"
INSTALL_HINT = "installeer espeak-ng met 'sudo apt install espeak-ng'"
HUNG = "De spraakmotor (pyttsx3) reageert niet meer; vertraag gaat verder zonder gesproken zinnen."
# espeak finishes its own synthesis within milliseconds of a render; if it still says "playing" after this
# long, it is stuck, and the render goes ahead (the empty-render check below catches a bad result).
IDLE_WAIT_S = 2.0
IDLE_POLL_S = 0.005  # how often the worker asks espeak whether it is idle: short next to a ~50 ms render
SILENT_PEAK = 1e-4  # a render whose loudest sample stays below this (-80 dBFS) has no speech in it
PROC_FDS = Path("/proc/self/fd")  # Linux: a path that opens one of our own file descriptors


def open_pyttsx3() -> Any:
    """The pyttsx3 engine (pyttsx3 keeps one per process), with its stdout print turned into a log line."""
    import pyttsx3

    engine = pyttsx3.init()
    driver = sys.modules.get(ESPEAK_DRIVER_MODULE)
    if driver is not None:
        driver.print = _log_driver_print  # type: ignore[attr-defined]  # shadows the builtin in that module
    return engine


def espeak_is_playing() -> bool:
    """Whether libespeak-ng's own synthesis thread is still busy (False when pyttsx3 is not loaded)."""
    binding = sys.modules.get(ESPEAK_BINDING_MODULE)
    return bool(binding.IsPlaying()) if binding is not None else False


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


class SilentRender(SpeechUnavailable):
    """The engine wrote a file without speech for a text with words: an error, never played as silence."""


@dataclass
class _Job:
    text: str
    style: SpeakingStyle
    result: Future[Sound] = field(default_factory=Future)


class EngineWorker:
    """The one thread that drives a pyttsx3 engine; renderers submit jobs with `render()`."""

    def __init__(
        self,
        engine_factory: Callable[[], Any] = open_pyttsx3,
        *,
        is_playing: Callable[[], bool] = espeak_is_playing,
    ) -> None:
        self._engine_factory = engine_factory
        self._is_playing = is_playing
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._voice_ids: dict[str, str] = {}  # our voice name -> the engine's own id ("nl" -> "gmw/nl")
        self.broken: str | None = None  # set when the engine hangs or fails for good
        self._thread = threading.Thread(target=self._serve, name="vertraag-tts", daemon=True)
        self._thread.start()

    def render(self, text: str, style: SpeakingStyle, *, timeout_s: float | None = None) -> Sound:
        """`text` spoken in `style`; waits at most `timeout_s` (default: the style's) for the engine."""
        if self.broken is not None:
            raise SpeechUnavailable(self.broken)
        job = _Job(text, style)
        self._jobs.put(job)
        timeout_s = style.timeout_s if timeout_s is None else timeout_s
        try:
            return job.result.result(timeout=timeout_s)
        except FutureTimeout:
            log.error("pyttsx3 did not finish %r within %.1f s; speech is off from now on", text, timeout_s)
            self.broken = HUNG
            raise SpeechUnavailable(HUNG) from None

    # ---------------------------------------------------------------- the engine's own thread

    def _serve(self) -> None:
        engine: Any = None
        while True:
            job = self._jobs.get()
            try:
                if engine is None:
                    engine = self._start_engine()
                try:
                    sound = self._render_file(engine, job)
                except SilentRender:  # once more: a fresh engine's first run is unreliable (field notes)
                    log.info("pyttsx3 gave silence for %r; rendering it once more", job.text)
                    sound = self._render_file(engine, job)
                job.result.set_result(sound)
            except Exception as exc:  # any failure inside pyttsx3/espeak is "no speech", never a crash
                log.warning("pyttsx3 failed on %r: %r", job.text, exc)
                if not isinstance(exc, SpeechUnavailable):
                    # pyttsx3 is left mid-loop after an exception and refuses to run again
                    exc = SpeechUnavailable(f"De spraakmotor (pyttsx3) faalt ({exc}); {INSTALL_HINT}.")
                    self.broken = exc.message
                job.result.set_exception(exc)

    def _start_engine(self) -> Any:
        try:
            return self._engine_factory()
        except Exception as exc:  # ImportError, OSError (no libespeak-ng), RuntimeError (init failed)
            raise SpeechUnavailable(f"pyttsx3 kan niet starten ({exc}); {INSTALL_HINT}.") from exc

    def _voice_id(self, engine: Any, voice: str) -> str:
        if voice not in self._voice_ids:
            ids = [str(v.id) for v in engine.getProperty("voices")]
            found = [i for i in ids if i == voice or i.endswith("/" + voice)]
            if not found:
                log.warning("no voice %r among %d pyttsx3 voices", voice, len(ids))
                raise SpeechUnavailable(f"De stem '{voice}' ontbreekt in espeak-ng; {INSTALL_HINT}.")
            self._voice_ids[voice] = found[0]
        return self._voice_ids[voice]

    def _wait_idle(self) -> None:
        deadline = time.monotonic() + IDLE_WAIT_S
        while self._is_playing() and time.monotonic() < deadline:
            time.sleep(IDLE_POLL_S)

    def _render_file(self, engine: Any, job: _Job) -> Sound:
        # Set every time: the engine is shared by the process and a property only holds until changed.
        engine.setProperty("voice", self._voice_id(engine, job.style.espeak_voice))
        engine.setProperty("rate", job.style.rate_wpm)
        with scratch_wav() as path:
            engine.save_to_file(job.text, str(path))
            self._wait_idle()
            engine.runAndWait()
            try:
                sound = read_wav(path)
            except UserError as exc:
                raise SpeechUnavailable(f"pyttsx3 schreef geen bruikbaar geluid ({exc.message}).") from exc
        if len(sound.samples) == 0 or float(abs(sound.samples).max()) < SILENT_PEAK:
            raise SilentRender(f"pyttsx3 gaf stilte terug voor '{job.text}'.")
        return sound


_SHARED_LOCK = threading.Lock()
_shared: EngineWorker | None = None


def shared_worker() -> EngineWorker:
    """The process's one worker for the real pyttsx3 engine (started on first use)."""
    global _shared
    with _SHARED_LOCK:
        if _shared is None:
            _shared = EngineWorker()
        return _shared


class Pyttsx3Renderer:
    """A `Renderer` over pyttsx3 with a Dutch voice at a calm rate. Raises `SpeechUnavailable` at
    construction when pyttsx3, libespeak-ng or the voice is missing. Every renderer with the default engine
    shares the process's one worker; a test's own `engine_factory` gets a worker of its own."""

    def __init__(
        self,
        style: SpeakingStyle = CALM_DUTCH,
        *,
        start_timeout_s: float = START_TIMEOUT_S,
        engine_factory: Callable[[], Any] | None = None,
    ) -> None:
        self._style = style
        self._worker = shared_worker() if engine_factory is None else EngineWorker(engine_factory)
        self._worker.render(WARM_UP_TEXT, style, timeout_s=start_timeout_s)

    def render(self, text: str) -> Sound:
        if not text.strip():  # nothing to say: pyttsx3 hangs or repeats the last text when given nothing
            return silence(0, OUTPUT_RATE)
        return self._worker.render(text, self._style)

    def close(self) -> None:
        """Nothing to free: the worker lives as long as the process (pyttsx3's engine does too)."""


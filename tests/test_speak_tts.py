"""Text to speech with the real engines: Dutch speech at a calm pace, each text rendered once, nothing on
stdout (it would corrupt `vertraag run --json`), and a hung engine costs a timeout, never the session."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf

from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts import (
    CachedRenderer,
    EspeakRenderer,
    Pyttsx3Renderer,
    Renderer,
    SpeakingStyle,
    default_renderer,
)
from vertraag.speak.tts.espeak import parse_wav_stream

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None,
        reason="espeak-ng is not installed (sudo apt install espeak-ng alsa-utils)",
    ),
]

SENTENCE = "Laten we even rustig adem halen."  # six words, as a prompt would be
CALM_SECONDS = (1.5, 5.0)  # six words at a calm pace; espeak-ng's default pace says it in about 1.7 s
MIN_RMS = 0.01  # clearly audible speech, not a near-silent file
HANG_TIMEOUT_S = 0.3
THREADS = 4


class Counting:
    """A renderer wrapped to count how often it is really asked."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def render(self, text: str) -> Sound:
        self.calls.append(text)
        return self.inner.render(text)


@pytest.fixture(scope="module")
def pyttsx3_renderer() -> Iterator[Pyttsx3Renderer]:
    renderer = Pyttsx3Renderer()
    yield renderer
    renderer.close()


@pytest.fixture(scope="module")
def espeak_renderer() -> EspeakRenderer:
    return EspeakRenderer()


def _assert_calm_dutch(sound: Sound) -> None:
    assert sound.rate == OUTPUT_RATE
    assert CALM_SECONDS[0] <= sound.seconds <= CALM_SECONDS[1]
    assert float(np.sqrt(np.mean(sound.samples**2))) > MIN_RMS


@pytest.mark.parametrize("engine", ["pyttsx3_renderer", "espeak_renderer"])
def test_a_dutch_prompt_renders_once_and_prints_nothing(
    engine: str, request: pytest.FixtureRequest, capfd: pytest.CaptureFixture[str]
) -> None:
    counting = Counting(request.getfixturevalue(engine))
    cached = CachedRenderer(counting)
    first = cached.render(SENTENCE)
    again = cached.render(SENTENCE)
    _assert_calm_dutch(first)
    assert again is first
    assert counting.calls == [SENTENCE]
    assert capfd.readouterr().out == ""


def test_both_engines_speak_the_same_voice_and_pace(
    pyttsx3_renderer: Pyttsx3Renderer, espeak_renderer: EspeakRenderer
) -> None:
    a, b = pyttsx3_renderer.render(SENTENCE), espeak_renderer.render(SENTENCE)
    assert a.seconds == pytest.approx(b.seconds, rel=0.05)


def test_the_calm_rate_is_slower_than_espeak_default(espeak_renderer: EspeakRenderer) -> None:
    default_pace = subprocess.run(
        ["espeak-ng", "--stdout", "-v", "nl", SENTENCE], capture_output=True, check=True
    ).stdout
    assert espeak_renderer.render(SENTENCE).seconds > 1.2 * parse_wav_stream(default_pace).seconds


def test_text_that_looks_like_an_option_is_spoken(espeak_renderer: EspeakRenderer) -> None:
    assert espeak_renderer.render("-v en --help").seconds > CALM_SECONDS[0] / 2


def test_nothing_to_say_is_silence(
    pyttsx3_renderer: Pyttsx3Renderer, espeak_renderer: EspeakRenderer
) -> None:
    assert pyttsx3_renderer.render("  ").seconds == 0.0
    assert espeak_renderer.render("").seconds == 0.0


def test_prepare_renders_ahead_from_several_threads(espeak_renderer: EspeakRenderer) -> None:
    counting = Counting(espeak_renderer)
    cached = CachedRenderer(counting)
    texts = [SENTENCE, "Zeg het als een ik-boodschap.", SENTENCE]
    assert cached.prepare(texts) == 0
    assert all(text in cached for text in texts)
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(cached.render, texts * THREADS))
    assert sorted(counting.calls) == sorted(set(texts))


def test_concurrent_first_renders_share_one_render(espeak_renderer: EspeakRenderer) -> None:
    counting = Counting(espeak_renderer)
    cached = CachedRenderer(counting)
    with ThreadPoolExecutor(THREADS) as pool:
        sounds = list(pool.map(cached.render, [SENTENCE] * THREADS))
    assert counting.calls == [SENTENCE] and all(s is sounds[0] for s in sounds)


def test_two_pyttsx3_renderers_take_turns(pyttsx3_renderer: Pyttsx3Renderer) -> None:
    other = Pyttsx3Renderer(SpeakingStyle(rate_wpm=200))
    try:
        with ThreadPoolExecutor(2) as pool:
            slow, fast = pool.map(lambda r: r.render(SENTENCE), [pyttsx3_renderer, other])
    finally:
        other.close()
    assert fast.seconds < slow.seconds  # each kept its own pace on the one shared engine


def test_unknown_voice_is_speech_unavailable() -> None:
    with pytest.raises(SpeechUnavailable, match="espeak-ng"):
        EspeakRenderer(SpeakingStyle(espeak_voice="xx-geen-stem"))
    with pytest.raises(SpeechUnavailable, match="xx-geen-stem"):
        Pyttsx3Renderer(SpeakingStyle(espeak_voice="xx-geen-stem"))


def test_default_renderer_without_a_piper_voice_is_the_espeak_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERTRAAG_MODELS_DIR", str(tmp_path))  # no Piper voice installed
    assert isinstance(default_renderer(), EspeakRenderer)  # Piper, espeak-ng, pyttsx3: the order


class HangingEngine:
    """A pyttsx3 stand-in whose run loop never returns (as pyttsx3 does when two threads drive it)."""

    def __init__(self, *, hang_after: int) -> None:
        self.release = threading.Event()
        self._runs = 0
        self._hang_after = hang_after
        self._path = ""

    def getProperty(self, name: str) -> object:
        return [SimpleNamespace(id="gmw/nl")]

    def setProperty(self, name: str, value: object) -> None:
        pass

    def save_to_file(self, text: str, path: str) -> None:
        self._path = path

    def runAndWait(self) -> None:
        self._runs += 1
        if self._runs > self._hang_after:
            self.release.wait()
        # A WAV whatever the name, as pyttsx3 writes it (the path is an in-memory file without an extension).
        sf.write(self._path, np.full(OUTPUT_RATE, 0.1, dtype=np.float32), OUTPUT_RATE, format="WAV")


def test_a_hung_engine_is_speech_unavailable_not_a_hang() -> None:
    engine = HangingEngine(hang_after=1)  # the warm-up works, the first prompt hangs
    renderer = Pyttsx3Renderer(SpeakingStyle(timeout_s=HANG_TIMEOUT_S), engine_factory=lambda: engine)
    try:
        started = time.monotonic()
        with pytest.raises(SpeechUnavailable, match="reageert niet"):
            renderer.render(SENTENCE)
        assert time.monotonic() - started < 2 * HANG_TIMEOUT_S
        started = time.monotonic()
        with pytest.raises(SpeechUnavailable):
            renderer.render("Nog een zin.")
        assert time.monotonic() - started < HANG_TIMEOUT_S  # it does not wait again
    finally:
        engine.release.set()
        renderer.close()


def test_an_engine_that_hangs_at_start_fails_construction() -> None:
    engine = HangingEngine(hang_after=0)
    try:
        with pytest.raises(SpeechUnavailable):
            Pyttsx3Renderer(start_timeout_s=HANG_TIMEOUT_S, engine_factory=lambda: engine)
    finally:
        engine.release.set()


def test_importing_speak_needs_neither_sounddevice_nor_pyttsx3() -> None:
    code = (
        "import sys, vertraag.speak, vertraag.speak.tts.choose; "
        "print(*(m in sys.modules for m in ('sounddevice', 'pyttsx3', 'piper', 'onnxruntime')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"] * 4


class SilentEngine(HangingEngine):
    """A pyttsx3 stand-in that writes files without speech, after `speaks_for` good renders."""

    def __init__(self, *, speaks_for: int, silent_runs: int) -> None:
        super().__init__(hang_after=10**6)
        self._speaks_for = speaks_for
        self._silent_runs = silent_runs

    def runAndWait(self) -> None:
        self._runs += 1
        if self._runs > self._speaks_for and self._silent_runs > 0:
            self._silent_runs -= 1
            sf.write(self._path, np.zeros(OUTPUT_RATE, dtype=np.float32), OUTPUT_RATE, format="WAV")
            return
        sf.write(self._path, np.full(OUTPUT_RATE, 0.1, dtype=np.float32), OUTPUT_RATE, format="WAV")


def test_an_empty_render_is_an_error_not_silence() -> None:
    engine = SilentEngine(speaks_for=1, silent_runs=2)  # the warm-up speaks, then two silent runs
    renderer = Pyttsx3Renderer(engine_factory=lambda: engine)
    with pytest.raises(SpeechUnavailable, match="stilte"):
        renderer.render(SENTENCE)
    assert renderer.render(SENTENCE).seconds == 1.0  # the engine is not given up on for it


def test_one_empty_render_is_tried_once_more() -> None:
    engine = SilentEngine(speaks_for=0, silent_runs=1)  # a fresh engine's first run comes out empty
    renderer = Pyttsx3Renderer(engine_factory=lambda: engine)
    assert renderer.render(SENTENCE).seconds == 1.0

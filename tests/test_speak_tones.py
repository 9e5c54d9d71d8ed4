"""Chimes and the breath guide sound soft: right length, calm level, no clicks, a swell you can follow."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vertraag.speak.sound import Sound
from vertraag.speak.tones import CHIME_KINDS, OUTPUT_RATE, PEAK_DBFS, breath_guide, chime

PEAK_TOLERANCE_DB = 1.0
EDGE_LEVEL = 1e-3  # the first and last sample: silence, so starting and stopping cannot click
# The largest step between neighbouring samples. A click (a tone starting at its peak) jumps by the full
# -12 dBFS peak (0.25); a -12 dBFS sine of 1.4 kHz, far above the notes' fundamentals, stays below 0.1.
MAX_STEP = 0.1
SWELL_WINDOW_S = 0.25  # loudness measured over windows this long


def _peak_dbfs(sound: Sound) -> float:
    return float(20 * np.log10(np.max(np.abs(sound.samples))))


def _assert_soft(sound: Sound) -> None:
    assert abs(_peak_dbfs(sound) - PEAK_DBFS) < PEAK_TOLERANCE_DB
    assert abs(sound.samples[0]) < EDGE_LEVEL and abs(sound.samples[-1]) < EDGE_LEVEL
    assert np.max(np.abs(np.diff(sound.samples))) < MAX_STEP


def _window_rms(sound: Sound, start_s: float, end_s: float) -> list[float]:
    step = round(SWELL_WINDOW_S * sound.rate)
    x = sound.samples[round(start_s * sound.rate) : round(end_s * sound.rate)]
    return [float(np.sqrt(np.mean(x[i : i + step] ** 2))) for i in range(0, len(x) - step + 1, step)]


@pytest.mark.parametrize(
    ("kind", "min_s", "max_s"),
    [("soft", 2.0, 3.0), ("start", 0.8, 1.6), ("end", 0.8, 1.6), ("callback", 1.2, 2.0)],
)
def test_chimes_are_soft_and_short(kind: str, min_s: float, max_s: float) -> None:
    sound = chime(kind=kind)
    assert sound.rate == OUTPUT_RATE
    assert min_s <= sound.seconds <= max_s
    _assert_soft(sound)


def test_the_soft_chime_dies_away_like_a_bowl() -> None:
    levels = _window_rms(chime(), 0.0, chime().seconds)
    assert levels[1] > levels[len(levels) // 2] > levels[-1]


def test_start_rises_and_end_falls() -> None:
    def pitch(sound: Sound, start_s: float) -> float:
        x = sound.samples[round(start_s * sound.rate) : round((start_s + SWELL_WINDOW_S) * sound.rate)]
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
        return float(np.argmax(spectrum) * sound.rate / len(x))

    start, end = chime(kind="start"), chime(kind="end")
    second_note_s = 0.5  # the second note has taken over by then
    assert pitch(start, 0.05) < pitch(start, second_note_s)
    assert pitch(end, 0.05) > pitch(end, second_note_s)


def test_unknown_chime_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chime 'gong'"):
        chime(kind="gong")


def test_tones_are_the_same_every_time() -> None:
    for kind in CHIME_KINDS:
        assert np.array_equal(chime(kind=kind).samples, chime(kind=kind).samples)
    assert np.array_equal(breath_guide(4, 6, 2).samples, breath_guide(4, 6, 2).samples)


@pytest.mark.parametrize(("inhale_s", "exhale_s", "cycles"), [(4.0, 6.0, 3), (2.0, 3.0, 1), (4.0, 4.0, 2)])
def test_breath_guide_lasts_the_breaths(inhale_s: float, exhale_s: float, cycles: int) -> None:
    sound = breath_guide(inhale_s, exhale_s, cycles)
    assert sound.seconds == pytest.approx(cycles * (inhale_s + exhale_s), abs=1 / OUTPUT_RATE * cycles)
    _assert_soft(sound)


def test_breath_guide_swells_with_the_inhale_and_fades_with_the_exhale() -> None:
    inhale_s, exhale_s = 4.0, 6.0
    sound = breath_guide(inhale_s, exhale_s, 2)
    for cycle in range(2):
        start = cycle * (inhale_s + exhale_s)
        rising = _window_rms(sound, start, start + inhale_s)
        falling = _window_rms(sound, start + inhale_s, start + inhale_s + exhale_s)
        assert all(a < b for a, b in itertools.pairwise(rising))
        loud = [level for level in falling if level > 0]
        assert all(a > b for a, b in itertools.pairwise(loud))
        assert falling[-1] == 0.0  # the small pause before the next breath


def test_breath_guide_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        breath_guide(0, 6, 1)
    with pytest.raises(ValueError):
        breath_guide(4, 6, 0)

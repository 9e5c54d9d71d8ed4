"""The sounds vertraag makes without words: chimes and a guide to breathe along with.

Plain numpy synthesis, the same samples on every run. Everything is soft: every sound starts and ends at
zero through raised-cosine fades (no click on any loudspeaker), and peaks at `PEAK_DBFS`, well below full
scale, so a chime never startles anyone in a tense moment.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vertraag.speak.sound import Sound

Float = npt.NDArray[np.float64]

# espeak-ng (and so pyttsx3) synthesises at 22,050 Hz: prompts need no resampling, and it carries everything
# up to 11 kHz, far above what the chimes use and what a small Pi or laptop speaker reproduces.
OUTPUT_RATE = 22_050
PEAK_DBFS = -12.0  # calm level, with headroom for a speaker's own boost and for speech played right after
ATTACK_S = 0.015  # a soft mallet: long enough not to click, short enough to still sound struck
RELEASE_S = 0.06  # the very end of every sound fades to exactly zero

# The singing bowl: inharmonic partials (ratios of a measured Tibetan bowl), each (ratio, level, decay time
# constant in s); higher partials die away sooner, as in the real thing. The fundamental is doubled a little
# apart, which gives a bowl's slow shimmer.
BOWL_HZ = 330.0  # about E4: warm, and well above what small speakers lose
BOWL_PARTIALS = ((1.0, 1.0, 1.1), (2.71, 0.45, 0.6), (5.13, 0.18, 0.35), (8.33, 0.07, 0.2))
BOWL_SHIMMER_HZ = 0.7  # the doubled fundamental beats at twice this: a slow wave, not a wobble
BOWL_S = 2.5

# The note chimes: soft bell-like notes (a few harmonics, quick decay) that overlap a little.
NOTE_HARMONICS = ((1.0, 1.0), (2.0, 0.3), (3.0, 0.1))  # (multiple of the note, level)
NOTE_DECAY_S = 0.35  # time constant: a short, rounded note
NOTE_S = 0.8  # each note's length until its release has faded it out
NOTE_STEP_S = 0.4  # the next note starts this much later: one gentle phrase, not separate beeps
G4, C5, E5 = 392.0, 523.25, 659.26
NOTE_MELODIES = {
    "start": (G4, C5),  # rising: we begin
    "end": (C5, G4),  # falling: we come to rest
    "callback": (G4, C5, E5),  # rising further: the time-out is over, come back to the table
}
CHIME_KINDS = ("soft", *NOTE_MELODIES)

# The breath guide: a low tone whose loudness swells with the inhale and fades with the exhale. Its pitch
# glides up a little while breathing in and back down while breathing out, a second cue besides loudness.
BREATH_LOW_HZ = 174.6  # F3: low and calm
BREATH_HIGH_HZ = 196.0  # G3: the top of the inhale, a whole tone up
# Overtones so the tone is heard on small speakers too, which hardly reproduce 175 Hz itself.
BREATH_HARMONICS = ((1.0, 1.0), (2.0, 0.5), (3.0, 0.25), (4.0, 0.12))
BREATH_PAUSE_S = 0.3  # silence at the end of each exhale, so cycles do not run into each other
MAX_PAUSE_SHARE = 0.25  # ... but never more than this share of a short exhale


def chime(rate: int = OUTPUT_RATE, *, kind: str = "soft") -> Sound:
    """A soft chime: "soft" (a singing bowl, 2.5 s), "start", "end" or "callback" (two or three notes)."""
    if kind == "soft":
        x = _bowl(rate)
    elif kind in NOTE_MELODIES:
        x = _melody(NOTE_MELODIES[kind], rate)
    else:
        raise ValueError(f"unknown chime {kind!r}; choose one of {', '.join(CHIME_KINDS)}")
    return _finished(x, rate)


def breath_guide(inhale_s: float, exhale_s: float, cycles: int, rate: int = OUTPUT_RATE) -> Sound:
    """`cycles` breaths to follow: louder and a little higher while breathing in, softer while breathing out.
    Lasts cycles * (inhale_s + exhale_s)."""
    if inhale_s <= 0 or exhale_s <= 0 or cycles < 1:
        raise ValueError(f"a breath needs positive times and a cycle: {inhale_s}, {exhale_s}, {cycles}")
    n_in = round(inhale_s * rate)
    n_cycle = round((inhale_s + exhale_s) * rate)
    n_pause = round(min(BREATH_PAUSE_S, MAX_PAUSE_SHARE * exhale_s) * rate)
    n_out = n_cycle - n_in - n_pause
    swell = np.concatenate([_ramp(n_in), _ramp(n_out)[::-1], np.zeros(n_pause)])
    pitch = BREATH_LOW_HZ + (BREATH_HIGH_HZ - BREATH_LOW_HZ) * swell
    phase = 2 * np.pi * np.cumsum(pitch) / rate  # integrate the frequency: a glide without jumps
    tone = sum(level * np.sin(multiple * phase) for multiple, level in BREATH_HARMONICS)
    one_breath = _at_peak(np.asarray(tone) * swell)
    return Sound(np.tile(one_breath, cycles).astype(np.float32), rate)


def _bowl(rate: int) -> Float:
    t = np.arange(round(BOWL_S * rate)) / rate
    x = np.zeros_like(t)
    for ratio, level, decay_s in BOWL_PARTIALS:
        envelope = level * np.exp(-t / decay_s)
        if ratio == 1.0:
            x += envelope * 0.5 * (_sine(BOWL_HZ - BOWL_SHIMMER_HZ, t) + _sine(BOWL_HZ + BOWL_SHIMMER_HZ, t))
        else:
            x += envelope * _sine(BOWL_HZ * ratio, t)
    return x


def _melody(notes: tuple[float, ...], rate: int) -> Float:
    step, length = round(NOTE_STEP_S * rate), round(NOTE_S * rate)
    x = np.zeros(step * (len(notes) - 1) + length)
    for i, hz in enumerate(notes):
        x[i * step : i * step + length] += _note(hz, length, rate)
    return x


def _note(hz: float, n: int, rate: int) -> Float:
    t = np.arange(n) / rate
    x = sum(level * _sine(hz * multiple, t) for multiple, level in NOTE_HARMONICS)
    return _faded(np.asarray(x) * np.exp(-t / NOTE_DECAY_S), rate)


def _sine(hz: float, t: Float) -> Float:
    return np.sin(2 * np.pi * hz * t)


def _ramp(n: int) -> Float:
    """A raised-cosine rise from exactly 0 to exactly 1 in n samples."""
    return 0.5 - 0.5 * np.cos(np.pi * np.linspace(0.0, 1.0, n))


def _faded(x: Float, rate: int) -> Float:
    attack, release = round(ATTACK_S * rate), round(RELEASE_S * rate)
    out = x.copy()
    out[:attack] *= _ramp(attack)
    out[len(out) - release :] *= _ramp(release)[::-1]
    return out


def _at_peak(x: Float) -> Float:
    peak = float(np.max(np.abs(x)))
    return x * (10 ** (PEAK_DBFS / 20) / peak) if peak > 0 else x


def _finished(x: Float, rate: int) -> Sound:
    return Sound(_at_peak(_faded(x, rate)).astype(np.float32), rate)

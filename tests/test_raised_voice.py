"""Raised voice: frame -> level -> voice activity -> speech loudness -> detector, on real signals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests import audio_gen as g
from vertraag.audio.frames import FRAME_SECONDS, SAMPLE_RATE, frames_from_blocks
from vertraag.config import RaisedVoiceSettings, VadSettings
from vertraag.detect.raised_voice import RaisedVoiceDetector
from vertraag.events import BASELINE, RAISED_VOICE, SPEECH_END, SPEECH_START, Event
from vertraag.loudness import SpeechLoudness, frame_dbfs
from vertraag.vad import SileroSpeechProbability, VoiceActivity

DEFAULTS = RaisedVoiceSettings()
HOLD_S = DEFAULTS.hold_ms / 1000
# The brief's bar: a held rise is reported no later than the hold time plus this after the voice rose.
MAX_EXTRA_DELAY_S = 0.3
RISE_DB = 10.0  # shouting: clearly louder than calm speech
RISE_TOLERANCE_DB = 3.0  # speech level wanders; the reported rise must still say "about ten"
SMALL_RISE_DB = 4.0  # animated but calm: below the default threshold, must not count
PAUSE_S = 0.4  # between sentences
ESPEAK_VOICES = [("nl", 160), ("nl+f3", 190), ("nl+m3", 130)]  # (voice, words per minute)


def analyse(audio: g.Audio, *, block: int = 512, settings: RaisedVoiceSettings = DEFAULTS) -> list[Event]:
    """The events of the whole loudness chain over `audio`, delivered in blocks of `block` samples."""
    vad = VoiceActivity(VadSettings(), probability=SileroSpeechProbability())
    loudness = SpeechLoudness()
    detector = RaisedVoiceDetector(settings)
    events: list[Event] = []
    end = 0.0
    for frame in frames_from_blocks(g.blocks(audio, block)):
        decision = vad.update(frame)
        level = loudness.update(frame_dbfs(frame.samples), is_speech=decision.is_speech)
        events += decision.events + detector.update(frame.t, level, is_speech=decision.is_speech)
        end = frame.t_end
    return events + vad.finish(end)


def of_type(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.type == kind]


def sentences(voice: str = "nl", speed: int = 160) -> list[g.Audio]:
    return [
        g.at_level(g.espeak_nl(s, voice=voice, speed=speed), g.CALM_SPEECH_DBFS) for s in g.CALM_SENTENCES
    ]


def calm_then_louder(parts: list[g.Audio], rise_db: float, *, calm_count: int) -> tuple[g.Audio, float]:
    """The first `calm_count` parts calm, the rest `rise_db` louder; and the time the louder speech starts."""
    calm = g.concat_with_silence(parts[:calm_count], gap_s=PAUSE_S)
    loud = g.concat_with_silence([g.scale_db(p, rise_db) for p in parts[calm_count:]], gap_s=PAUSE_S)
    return np.concatenate((calm, g.silence(PAUSE_S), loud)), len(calm) / SAMPLE_RATE + PAUSE_S


def assert_one_timely_rise(events: list[Event], rise_at: float) -> None:
    raised = of_type(events, RAISED_VOICE)
    assert len(raised) == 1, events
    event = raised[0]
    assert rise_at + HOLD_S - FRAME_SECONDS <= event.t <= rise_at + HOLD_S + MAX_EXTRA_DELAY_S
    assert event.data["rise_db"] == pytest.approx(RISE_DB, abs=RISE_TOLERANCE_DB)
    assert rise_at - FRAME_SECONDS <= event.data["onset"] <= event.t - HOLD_S + FRAME_SECONDS


# ---------------------------------------------------------------- calm speech


@pytest.mark.parametrize(("voice", "speed"), ESPEAK_VOICES)
def test_calm_espeak_speech_is_not_raised(voice: str, speed: int) -> None:
    events = analyse(g.concat_with_silence(sentences(voice, speed), gap_s=PAUSE_S))
    assert of_type(events, RAISED_VOICE) == []
    (baseline,) = of_type(events, BASELINE)
    assert baseline.data["baseline_db"] == pytest.approx(g.CALM_SPEECH_DBFS, abs=3.0)


@pytest.mark.parametrize("speaker", ["flemishguy", "nathalie"])
def test_calm_real_speech_is_not_raised(speaker: str) -> None:
    audio, _ = g.real_speech(speaker, seconds=20.0)
    events = analyse(audio)
    assert of_type(events, RAISED_VOICE) == []
    assert len(of_type(events, BASELINE)) == 1


# ---------------------------------------------------------------- raised speech


@pytest.mark.parametrize(("voice", "speed"), ESPEAK_VOICES)
def test_ten_db_louder_second_half_is_raised_in_time(voice: str, speed: int) -> None:
    audio, rise_at = calm_then_louder(sentences(voice, speed), RISE_DB, calm_count=3)
    assert_one_timely_rise(analyse(audio), rise_at)


@pytest.mark.parametrize("speaker", ["flemishguy", "nathalie"])
def test_real_speech_ten_db_louder_is_raised_in_time(speaker: str) -> None:
    # Each clip levelled to calm speech: the recordings differ by a few dB, which would blur the +10 dB.
    parts = [
        g.at_level(g.trim_silence(c.samples(), floor_dbfs=-45.0), g.CALM_SPEECH_DBFS)
        for c in g.clips(speaker)[:8]
    ]
    audio, rise_at = calm_then_louder(parts, RISE_DB, calm_count=4)
    assert_one_timely_rise(analyse(audio), rise_at)


@pytest.mark.parametrize(("voice", "speed"), ESPEAK_VOICES[:2])
def test_four_db_louder_is_not_raised(voice: str, speed: int) -> None:
    audio, _ = calm_then_louder(sentences(voice, speed), SMALL_RISE_DB, calm_count=3)
    assert of_type(analyse(audio), RAISED_VOICE) == []


def test_a_given_baseline_is_used_without_learning() -> None:
    calm = g.concat_with_silence(sentences()[:2], gap_s=PAUSE_S)
    quiet_setting = dataclasses.replace(DEFAULTS, baseline_db=g.CALM_SPEECH_DBFS - RISE_DB)
    events = analyse(calm, settings=quiet_setting)  # this calm speech is 10 dB above the given calm level
    assert of_type(events, BASELINE) == []
    (raised,) = of_type(events, RAISED_VOICE)
    assert raised.data["baseline_db"] == pytest.approx(quiet_setting.baseline_db)
    assert raised.t <= of_type(events, SPEECH_START)[0].t + HOLD_S + MAX_EXTRA_DELAY_S


def test_a_raise_during_calibration_is_measured_against_the_calm_part() -> None:
    parts = sentences()
    first = parts[0]  # about 3 s: shorter than the default calibration time
    assert len(first) / SAMPLE_RATE * 1000 < DEFAULTS.calibration_ms
    audio, rise_at = calm_then_louder(parts, RISE_DB, calm_count=1)
    events = analyse(audio)
    (baseline,) = of_type(events, BASELINE)
    assert baseline.data["baseline_db"] == pytest.approx(g.CALM_SPEECH_DBFS, abs=3.0)
    assert_one_timely_rise(events, rise_at)


def test_cool_down_keeps_a_second_raise_quiet() -> None:
    calm, loud = sentences(), [g.scale_db(s, RISE_DB) for s in sentences()]
    # calm, shout, calm again, shout again about 5 s after the first: one event with the default cool-down.
    order = [calm[0], calm[1], loud[2], calm[3], loud[4], calm[5]]
    audio = g.concat_with_silence(order, gap_s=PAUSE_S)
    assert len(of_type(analyse(audio), RAISED_VOICE)) == 1
    short = dataclasses.replace(DEFAULTS, cooldown_ms=2000)
    assert len(of_type(analyse(audio, settings=short), RAISED_VOICE)) == 2


# ---------------------------------------------------------------- noise inside calm speech

NOISES = {
    "clap": lambda: g.clap(seed=11),
    "clapping": lambda: g.clapping(2.0, seed=11),
    "bang": lambda: g.bang(seed=11),
    "pan": lambda: g.pan_drop(seed=11),
    "door": lambda: g.door_slam(seed=11),
    "water": lambda: g.running_water(2.0, seed=11),
    "white": lambda: g.white_noise(2.0, seed=11),
    "music": lambda: g.music(2.0, seed=11),
}


@pytest.fixture(scope="module")
def calm_parts() -> list[g.Audio]:
    return sentences()


@pytest.mark.parametrize("extra_db", [0.0, 10.0, 20.0])
@pytest.mark.parametrize("name", sorted(NOISES))
def test_noise_in_calm_speech_is_never_raised_voice(
    name: str, extra_db: float, calm_parts: list[g.Audio]
) -> None:
    noise = g.at_level(NOISES[name](), g.CALM_SPEECH_DBFS + extra_db)
    before = g.concat_with_silence(calm_parts[:3], gap_s=PAUSE_S)
    after = g.concat_with_silence(calm_parts[3:5], gap_s=PAUSE_S)
    audio = g.concat_with_silence([before, noise, after], gap_s=PAUSE_S)
    noise_start = len(before) / SAMPLE_RATE + PAUSE_S
    noise_end = noise_start + len(noise) / SAMPLE_RATE
    events = analyse(audio)
    assert of_type(events, RAISED_VOICE) == []
    starts = [e.t for e in of_type(events, SPEECH_START)]
    ends = [e.t for e in of_type(events, SPEECH_END)]
    assert not any(start < noise_end and end > noise_start for start, end in zip(starts, ends, strict=True))


# ---------------------------------------------------------------- block size


def test_events_do_not_depend_on_block_size() -> None:
    audio, _ = calm_then_louder(sentences(), RISE_DB, calm_count=3)
    audio = np.concatenate((audio, g.at_level(g.clapping(2.0, seed=3), -6.0)))
    reference = analyse(audio, block=512)
    assert of_type(reference, RAISED_VOICE)
    for block in (160, 1000, 4096):
        assert analyse(audio, block=block) == reference


# ---------------------------------------------------------------- the detector's rules, on level sequences


def feed(detector: RaisedVoiceDetector, levels: list[tuple[float, float | None, bool]]) -> list[Event]:
    """Feed (seconds, level_db, is_speech) spans frame by frame; returns the events."""
    events, t = [], 0.0
    for seconds, level, speech in levels:
        for _ in range(round(seconds / FRAME_SECONDS)):
            events += detector.update(t, level, is_speech=speech)
            t += FRAME_SECONDS
    return events


BASE = -30.0
GIVEN = dataclasses.replace(DEFAULTS, baseline_db=BASE)
ABOVE = BASE + DEFAULTS.threshold_db + 1.0
BETWEEN = BASE + DEFAULTS.threshold_db - DEFAULTS.hysteresis_db / 2  # below threshold, above release
BELOW = BASE + DEFAULTS.threshold_db - DEFAULTS.hysteresis_db - 1.0


def test_a_dip_within_the_hysteresis_does_not_break_the_hold() -> None:
    events = feed(RaisedVoiceDetector(GIVEN), [(0.8, ABOVE, True), (0.3, BETWEEN, True), (0.8, ABOVE, True)])
    assert len(of_type(events, RAISED_VOICE)) == 1
    events = feed(RaisedVoiceDetector(GIVEN), [(0.8, ABOVE, True), (0.3, BELOW, True), (0.8, ABOVE, True)])
    assert of_type(events, RAISED_VOICE) == []


def test_a_short_pause_keeps_the_hold_and_a_long_one_breaks_it() -> None:
    short = (DEFAULTS.max_pause_ms / 1000) / 2
    long = (DEFAULTS.max_pause_ms / 1000) * 1.5
    events = feed(RaisedVoiceDetector(GIVEN), [(0.6, ABOVE, True), (short, ABOVE, False), (0.6, ABOVE, True)])
    assert len(of_type(events, RAISED_VOICE)) == 1
    events = feed(RaisedVoiceDetector(GIVEN), [(0.6, ABOVE, True), (long, ABOVE, False), (0.6, ABOVE, True)])
    assert of_type(events, RAISED_VOICE) == []


def test_no_new_rise_until_the_voice_came_down() -> None:
    no_cooldown = dataclasses.replace(GIVEN, cooldown_ms=0)
    staying_loud = feed(RaisedVoiceDetector(no_cooldown), [(6.0, ABOVE, True)])
    assert len(of_type(staying_loud, RAISED_VOICE)) == 1
    down_and_up = feed(
        RaisedVoiceDetector(no_cooldown), [(2.0, ABOVE, True), (0.5, BELOW, True), (2.0, ABOVE, True)]
    )
    assert len(of_type(down_and_up, RAISED_VOICE)) == 2


def test_detectors_are_independent() -> None:
    """One detector per partner: what one hears does not change the other."""
    first, second = RaisedVoiceDetector(GIVEN), RaisedVoiceDetector(DEFAULTS)
    assert len(of_type(feed(first, [(2.0, ABOVE, True)]), RAISED_VOICE)) == 1
    assert second.baseline_db is None
    assert feed(second, [(2.0, BASE, True)]) == []

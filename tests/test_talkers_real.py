"""Who is speaking, with the real voice tracker (voices/) and real voices (issue 15's tests): conversations
composed from real Dutch clips (tests/data/speech-nl, CC0) at the levels partners have at one microphone, run
through the real pipeline (Silero VAD, loudness, the tracker) and the session runner. No recogniser: these are
about voices and loudness.

- two calm voices 8 dB apart in the free protocol: no raised-voice prompt (the voices learned as they go);
- the quieter partner raising their voice: a raised-voice prompt, the event naming that partner;
- the listener talking over the speaker in the guided dialogue: an `interruption` prompt naming them;
- a voice 8 dB louder keeps its attribution;
- a same-gender pair: no false alarm on calm speech.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from bench.two_voices import Partner, Script, conversation, overlay

from tests import audio_gen as ag
from tests.session_scene import frames_of
from tests.voice_scenes import Reader, readers
from vertraag import assemble
from vertraag import events as ev
from vertraag.config import ProtocolSettings, Settings
from vertraag.enroll import calm_speech, new_tracker
from vertraag.events import Event
from vertraag.pipeline import Pipeline
from vertraag.voices import VoiceTracker

QUIET_DBFS, LOUD_DBFS = -34.0, -26.0  # two calm voices 8 dB apart (the trial: -34.3 and -26.6)
RAISE_DB = 10.0  # a raised voice: 10 dB over calm
CALM_S = 120.0
# The guided dialogue's opening (the welcome and the first turn's prompt, as SilentVoice times them) is
# waited out in silence before the partners speak.
OPENING_SILENCE_S = 45.0


@cache
def voice(speaker: str) -> tuple[ag.Audio, ...]:
    return tuple(c.samples() for c in ag.clips(speaker))


def run(
    audio: ag.Audio,
    *,
    protocol: str = "vrij",
    tracker: VoiceTracker | None = None,
    calm: tuple[float | None, float | None] | None = None,
) -> list[Event]:
    names = ProtocolSettings(name=protocol, partner_a="Anna", partner_b="Bram", breathing=False)
    settings = dataclasses.replace(Settings(), protocol=names)
    pipeline = Pipeline(settings, tracker=tracker if tracker is not None else new_tracker())
    for key, level in zip(("a", "b"), calm or (), strict=False):
        pipeline.calibrate_talker(key, baseline_db=level, calm_wps=None)
    runner = assemble.recording_runner(settings, pipeline=pipeline)
    return list(runner.run(frames_of(audio)))


def of(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.type == kind]


def interventions(events: list[Event]) -> list[Event]:
    guidance = ("protocol", "command", "i_message", "summary")
    return [e for e in of(events, ev.PROMPT) if e.data["reason"] not in guidance]


def enrolled(a: ag.Audio, b: ag.Audio) -> tuple[VoiceTracker, tuple[float | None, float | None]]:
    """A tracker that knows both voices from calm speech, and their calm levels (as `--calibration`)."""
    tracker = new_tracker()
    levels = []
    for key, audio in (("a", a), ("b", b)):
        calm = calm_speech(frames_of(audio), Settings().vad)
        tracker.enroll(key, calm.samples)
        levels.append(calm.baseline_db)
    return tracker, (levels[0], levels[1])


def calibration(clips: tuple[ag.Audio, ...], level: float) -> ag.Audio:
    """Two calm sentences (about 8 s), as the calibration asks."""
    return ag.concat_with_silence((ag.at_level(ag.trim_silence(c), level) for c in clips[-3:]), gap_s=0.5)


def shifted(script: Script, offset: float) -> Script:
    return [(s + offset, e + offset, who) for s, e, who in script]


def test_two_calm_voices_8_db_apart_learned_as_they_go_draw_no_raised_voice() -> None:
    audio, _ = conversation(
        Partner(voice("flemishguy")[:30], QUIET_DBFS),
        Partner(voice("nathalie")[:30], LOUD_DBFS),
        seconds=CALM_S,
    )
    events = run(audio)
    assert of(events, ev.RAISED_VOICE) == [] and interventions(events) == []
    talkers = {e.data["talker"] for e in of(events, ev.SPEECH_END)}
    assert {"a", "b"} <= talkers  # both voices were told apart


def test_the_quieter_partner_raising_their_voice_gets_a_prompt_naming_them() -> None:
    a, b = voice("flemishguy")[:30], voice("nathalie")[:30]
    calm, _ = conversation(Partner(a, QUIET_DBFS), Partner(b, LOUD_DBFS), seconds=60.0)
    loud, _ = conversation(
        Partner(a[12:], QUIET_DBFS + RAISE_DB), Partner(b, LOUD_DBFS), seconds=8.0, turn_s=8.0
    )
    tracker, levels = enrolled(
        calibration(voice("flemishguy"), QUIET_DBFS), calibration(voice("nathalie"), LOUD_DBFS)
    )
    events = run(np.concatenate([calm, loud]).astype(np.int16), tracker=tracker, calm=levels)
    raised = of(events, ev.RAISED_VOICE)
    assert [e.data["talker"] for e in raised] == ["a"], raised
    assert raised[0].data["onset"] >= len(calm) / ag.SAMPLE_RATE - 1.0
    assert [e.data["reason"] for e in interventions(events)] == ["raised_voice"]


def test_the_listener_talking_over_the_speaker_gets_an_interruption_prompt() -> None:
    a, b = voice("flemishguy")[:30], voice("nathalie")[:30]
    anna = ag.concat_with_silence((ag.at_level(ag.trim_silence(c), QUIET_DBFS) for c in a[:4]), gap_s=0.4)
    bram = ag.concat_with_silence((ag.at_level(ag.trim_silence(c), LOUD_DBFS) for c in b[:3]), gap_s=0.3)
    opening = ag.silence(OPENING_SILENCE_S)
    scene = np.concatenate([opening, anna])
    over_at = len(scene) / ag.SAMPLE_RATE - 1.0  # Bram starts before Anna has finished ...
    scene = overlay(scene, bram, over_at)  # ... and goes on for several seconds
    scene = np.concatenate([scene, ag.silence(3.0)]).astype(np.int16)
    tracker, levels = enrolled(
        calibration(voice("flemishguy"), QUIET_DBFS), calibration(voice("nathalie"), LOUD_DBFS)
    )
    events = run(scene, protocol="vertraag", tracker=tracker, calm=levels)
    phases = [e.data["phase"] for e in of(events, ev.PHASE)]
    assert phases[:2] == ["welkom", "spreken"], phases
    over = of(events, ev.TALKED_OVER)
    assert [(e.data["talker"], e.data["turn_of"]) for e in over] == [("b", "a")]
    said = [e for e in interventions(events) if e.data["reason"] == "interruption"]
    assert len(said) == 1 and said[0].data["text"].startswith("Bram,") and "Anna" in said[0].data["text"]
    assert of(events, ev.RAISED_VOICE) == []


def test_a_voice_8_db_louder_keeps_its_attribution() -> None:
    a, b = voice("flemishguy"), voice("nathalie")
    tracker, _ = enrolled(calibration(a, QUIET_DBFS), calibration(b, QUIET_DBFS))
    audio, script = conversation(Partner(a[:20], QUIET_DBFS + 8.0), Partner(b[:20], QUIET_DBFS), seconds=60.0)
    events = run(audio, tracker=tracker)
    right = wrong = 0
    for end in of(events, ev.SPEECH_END):
        middle = end.t - end.data["duration"] / 2
        said = [who for s, e, who in script if s - 0.5 <= middle < e + 0.5]
        if not said or end.data["talker"] is None:
            continue
        right, wrong = right + (end.data["talker"] == said[0]), wrong + (end.data["talker"] != said[0])
    assert wrong == 0 and right >= 10, (right, wrong)


def reader_pieces(reader: Reader) -> list[ag.Audio]:
    """A LibriSpeech reader's 12 s clip as four 3 s stretches of speech."""
    size = int(3.0 * ag.SAMPLE_RATE)
    return [reader.samples[i : i + size] for i in range(0, len(reader.samples) - size + 1, size)]


@pytest.mark.parametrize("gender", ["F", "M"])
def test_a_same_gender_pair_draws_no_false_alarm_on_calm_speech(gender: str) -> None:
    first, second = [r for r in readers() if r.gender == gender][:2]
    a, b = Partner(reader_pieces(first), QUIET_DBFS), Partner(reader_pieces(second), LOUD_DBFS)
    audio, _ = conversation(a, b, seconds=CALM_S, gap_s=0.7)
    events = run(audio)
    assert of(events, ev.RAISED_VOICE) == [] and interventions(events) == []

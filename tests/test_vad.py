"""Voice activity: real speech is found, silence and noise are not, segments follow the audio."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pytest

from tests import audio_gen as g
from vertraag.audio.frames import FRAME_SECONDS, SAMPLE_RATE, Frame, frames_from_blocks
from vertraag.config import VadSettings
from vertraag.events import SPEECH_END, SPEECH_START, Event
from vertraag.vad import SileroSpeechProbability, VoiceActivity, VoiceDecision, frame_voicing

# The brief's bar: at least this share of real recorded speech lies inside speech segments.
MIN_REAL_SPEECH_COVERAGE = 0.8
# Speech segments may overrun the end of speech into a noise that follows at once, by Silero's memory of the
# voice: measured up to 0.26 s (a bang); more would mean the noise itself was taken for speech.
MAX_OVERRUN_S = 0.3
# Louder than calm speech (g.CALM_SPEECH_DBFS) by this much: a noise that dwarfs the voice.
LOUD_NOISE_DB = 20.0
GAP_RIGHT_AFTER_S = 0.05  # noise starting right after the last word: Silero's memory is strongest


def run(audio: g.Audio, *, block: int = 512, settings: VadSettings | None = None) -> list[VoiceDecision]:
    """Decisions for every frame of `audio` delivered in blocks of `block` samples; `finish` events last."""
    vad = VoiceActivity(settings or VadSettings(), probability=SileroSpeechProbability())
    decisions = []
    last: Frame | None = None
    for frame in frames_from_blocks(g.blocks(audio, block)):
        decisions.append(vad.update(frame))
        last = frame
    end_events = vad.finish(last.t_end if last else 0.0)
    decisions.append(VoiceDecision(False, False, 0.0, end_events))
    return decisions


def events_of(decisions: Iterable[VoiceDecision]) -> list[Event]:
    return [e for d in decisions for e in d.events]


def segments(events: Iterable[Event]) -> list[tuple[float, float]]:
    """(start, end) in seconds from speech_start / speech_end pairs, checking they alternate."""
    out, start = [], None
    for event in events:
        if event.type == SPEECH_START:
            assert start is None, "two speech_start without a speech_end"
            start = event.t
        elif event.type == SPEECH_END:
            assert start is not None, "speech_end without speech_start"
            assert event.data["duration"] == pytest.approx(event.t - start, abs=0.002)
            out.append((start, event.t))
            start = None
    assert start is None, "a segment was left open after finish()"
    return out


def overlap(segs: Iterable[tuple[float, float]], a: float, b: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for start, end in segs)


# ---------------------------------------------------------------- real speech and silence


@pytest.mark.parametrize("speaker", ["flemishguy", "nathalie"])
def test_real_speech_lies_inside_segments(speaker: str) -> None:
    gap_s = 0.5
    audio, chosen = g.real_speech(speaker, seconds=20.0, gap_s=gap_s)
    segs = segments(events_of(run(audio)))
    covered = total = 0.0
    at = 0.0
    for clip in chosen:
        length = len(clip.samples()) / SAMPLE_RATE
        covered += overlap(segs, at, at + length)
        total += clip.duration_s
        at += length + gap_s
    assert covered / total >= MIN_REAL_SPEECH_COVERAGE


def test_silence_and_room_noise_give_no_segment() -> None:
    room = g.pink_noise(3.0, dbfs=-60.0, seed=3)  # a quiet room: fridge, far traffic
    audio = np.concatenate((g.silence(3.0), room, g.white_noise(3.0, dbfs=-55.0, seed=4)))
    decisions = run(audio)
    assert events_of(decisions) == []
    assert not any(d.is_speech or d.in_segment for d in decisions)


def test_speech_start_is_the_first_speech_frame_and_end_the_last() -> None:
    speech = g.at_level(g.espeak_nl("Zullen we morgen samen naar de markt gaan?"), g.CALM_SPEECH_DBFS)
    lead_s = 1.0
    audio = g.concat_with_silence([speech], edge_s=lead_s)
    (start, end), *rest = segments(events_of(run(audio)))
    assert rest == []
    assert start == pytest.approx(lead_s, abs=2 * FRAME_SECONDS)
    assert end == pytest.approx(lead_s + len(speech) / SAMPLE_RATE, abs=0.2)


def test_voicing_tells_vowels_from_noise() -> None:
    vowel = g.trim_silence(g.espeak_nl("aaa", speed=80))
    mid = len(vowel) // 2
    assert frame_voicing(vowel[mid : mid + 512]) > VadSettings().min_voicing
    for noise in (g.white_noise(0.1, seed=1), g.running_water(0.1, seed=1), g.clapping(0.1, seed=1)):
        assert frame_voicing(noise[:512]) < VadSettings().min_voicing
    assert frame_voicing(np.zeros(512, dtype=np.int16)) == 0.0


# ---------------------------------------------------------------- noise is not speech

NOISES: dict[str, Callable[[int], g.Audio]] = {
    "clap": lambda seed: g.clap(seed=seed),
    "clapping": lambda seed: g.clapping(2.0, seed=seed),
    "bang": lambda seed: g.bang(seed=seed),
    "pan": lambda seed: g.pan_drop(seed=seed),
    "door": lambda seed: g.door_slam(seed=seed),
    "water": lambda seed: g.running_water(2.0, seed=seed),
    "white": lambda seed: g.white_noise(2.0, seed=seed),
    "pink": lambda seed: g.pink_noise(2.0, seed=seed),
    "beeps": lambda seed: g.beeps(2.0),
    "music": lambda seed: g.music(2.0, seed=seed),
}


@pytest.mark.parametrize("name", sorted(NOISES))
def test_noise_alone_is_never_speech(name: str) -> None:
    for seed, level in ((1, g.CALM_SPEECH_DBFS), (2, g.CALM_SPEECH_DBFS + LOUD_NOISE_DB)):
        audio = g.concat_with_silence([g.at_level(NOISES[name](seed), level)], edge_s=0.5)
        decisions = run(audio)
        assert events_of(decisions) == [], f"{name} at {level} dBFS"
        assert not any(d.is_speech for d in decisions)


@pytest.mark.parametrize("name", sorted(NOISES))
def test_loud_noise_right_after_a_word_does_not_extend_the_speech(name: str) -> None:
    """Silero remembers the voice and scores noise just after it as speech; the guards end that."""
    speech = g.at_level(g.espeak_nl(g.CALM_SENTENCES[0]), g.CALM_SPEECH_DBFS)
    noise = g.at_level(NOISES[name](5), g.CALM_SPEECH_DBFS + LOUD_NOISE_DB)
    audio = g.concat_with_silence([speech, noise], gap_s=GAP_RIGHT_AFTER_S, edge_s=0.5)
    noise_start = 0.5 + (len(speech) / SAMPLE_RATE) + GAP_RIGHT_AFTER_S
    noise_end = noise_start + len(noise) / SAMPLE_RATE
    decisions = run(audio)
    segs = segments(events_of(decisions))
    assert len(segs) == 1
    assert overlap(segs, noise_start, noise_end) <= MAX_OVERRUN_S
    speech_frames_in_noise = [
        i * FRAME_SECONDS
        for i, d in enumerate(decisions)
        if d.is_speech and noise_start + MAX_OVERRUN_S <= i * FRAME_SECONDS < noise_end
    ]
    assert speech_frames_in_noise == []


# ---------------------------------------------------------------- the state machine, with a fake model


class ScriptedProbability:
    """A fake speech model: says "speech" (1.0) exactly inside the given time spans."""

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        self.spans = spans
        self.resets = 0

    def probability(self, frame: Frame) -> float:
        return 1.0 if any(a <= frame.t < b for a, b in self.spans) else 0.0

    def reset(self) -> None:
        self.resets += 1


def scripted_run(spans: list[tuple[float, float]], seconds: float) -> list[Event]:
    """A voiced hum under the scripted model, so only the model's answer (and the timing) decides."""
    hum = sum(g.tone(f, seconds, dbfs=-30.0).astype(np.float64) for f in (120.0, 240.0, 360.0))
    audio = np.asarray(hum, dtype=np.int16)
    vad = VoiceActivity(VadSettings(), probability=ScriptedProbability(spans))
    events = [e for f in frames_from_blocks([audio]) for e in vad.update(f).events]
    return events + vad.finish(seconds)


def test_a_burst_shorter_than_start_ms_is_not_speech() -> None:
    short = VadSettings().start_ms / 1000 - 2 * FRAME_SECONDS
    assert scripted_run([(1.0, 1.0 + short)], 3.0) == []


def test_pauses_shorter_than_stop_ms_do_not_split_a_segment() -> None:
    pause = VadSettings().stop_ms / 1000 - 3 * FRAME_SECONDS
    segs = segments(scripted_run([(1.0, 2.0), (2.0 + pause, 3.0)], 5.0))
    assert len(segs) == 1
    longer = VadSettings().stop_ms / 1000 + 3 * FRAME_SECONDS
    assert len(segments(scripted_run([(1.0, 2.0), (2.0 + longer, 3.0 + longer)], 6.0))) == 2


def test_speech_at_the_end_of_the_audio_is_closed_by_finish() -> None:
    events = scripted_run([(1.0, 10.0)], 3.0)
    assert [e.type for e in events] == [SPEECH_START, SPEECH_END]
    assert events[1].t == pytest.approx(3.0, abs=FRAME_SECONDS)


# ---------------------------------------------------------------- block size


def test_decisions_do_not_depend_on_block_size() -> None:
    speech = g.espeak_conversation(g.CALM_SENTENCES[:2])
    audio = np.concatenate((speech, g.at_level(g.clapping(2.0, seed=7), -10.0), speech))
    reference = run(audio, block=512)
    for block in (160, 1000, 4096):
        assert run(audio, block=block) == reference

"""The session over composed conversations: the real listening pipeline (VAD, loudness, raised voice, the
word detector) and the session runner, with a stand-in engine where exact words matter."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from tests import audio_gen as ag
from tests.session_scene import (
    SegmentRecognizer,
    TimedRecognizer,
    calm,
    frames_of,
    joined,
    prompts,
    run_session,
    seconds,
)
from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.speak.voice import Breath

PAUSE_S = 0.7
CALM_LINES = ["Ik wil graag even rustig met je praten.", "Zullen we morgen samen naar de markt gaan?"]
NOOIT = "je luistert ook nooit naar me"


def test_an_absolute_word_gets_its_invitation_after_the_sentence_not_during_it() -> None:
    opening = calm(CALM_LINES)
    trigger = calm(["Je luistert ook nooit naar me, en dan ga ik maar verder met praten."])
    audio = joined(opening, ag.silence(1.5), trigger, ag.silence(4.0))
    sentence_end = seconds(opening) + 1.5 + seconds(ag.trim_silence(trigger))
    recognizer = SegmentRecognizer(
        ["ik wil graag even rustig met je praten", "zullen we morgen naar de markt", NOOIT]
    )
    events = run_session(audio, recognizer=recognizer)
    (prompt,) = prompts(events)
    assert prompt.data["reason"] == "absolute"
    assert "'nooit'" in prompt.data["text"] and "gehoord" in prompt.data["text"]
    assert prompt.t >= sentence_end + PAUSE_S - 0.05  # never in the middle of the sentence
    assert prompt.t - prompt.data["trigger_t"] <= 1.5  # ... and soon after it


def test_a_sustained_louder_passage_pauses_with_a_breath_without_recognition() -> None:
    quiet = ag.espeak_conversation(ag.CALM_SENTENCES)
    loud = ag.scale_db(ag.espeak_conversation(ag.CALM_SENTENCES[:3]), 10.0)
    audio = joined(quiet, ag.silence(0.3), loud, ag.silence(3.0))
    events = run_session(audio)  # no engine: loudness only
    (prompt,) = prompts(events)
    assert prompt.data["reason"] == "raised_voice"
    assert seconds(quiet) <= prompt.data["trigger_t"] <= seconds(quiet) + 1.0
    assert prompt.t - prompt.data["trigger_t"] <= 1.5 + 0.3  # the hold time, then at once


def test_a_threat_pauses_at_once_while_the_speech_goes_on() -> None:
    threat = calm(["Als je zo doorgaat dan ga ik weg."])
    on = calm(["En ik meen het, ik ben er echt helemaal klaar mee en ik wil dat je dat weet."])
    opening = calm(CALM_LINES)
    audio = joined(opening, ag.silence(1.5), threat, ag.silence(0.3), on, ag.silence(2.0))
    start = seconds(opening) + 1.5
    end = start + seconds(ag.trim_silence(threat))
    recognizer = TimedRecognizer([(start, end + 0.3, "als je zo doorgaat dan ga ik weg")])
    events = run_session(audio, recognizer=recognizer)
    (prompt,) = prompts(events)
    assert prompt.data["reason"] == "threat"
    utterance = next(e for e in events if e.type == "utterance" and "weg" in e.data["text"])
    speech_ends = [e.t for e in events if e.type == "speech_end" and e.t > utterance.t]
    assert prompt.t <= utterance.t + 0.1 < speech_ends[0]  # said while the next sentence is still going


def test_danger_ends_the_exercise_with_the_help_line() -> None:
    audio = joined(
        calm(CALM_LINES), ag.silence(1.5), calm(["Ik ben bang voor je."]), ag.silence(2.0), calm(CALM_LINES)
    )
    recognizer = SegmentRecognizer(
        ["ik wil graag praten", "zullen we morgen", "ik ben bang voor je", NOOIT, NOOIT]
    )
    events = run_session(audio, recognizer=recognizer, protocol="vertraag", breathing=False)
    safety = prompts(events, "safety")
    assert len(safety) == 1 and "Veilig Thuis" in safety[0].data["text"] and "112" in safety[0].data["text"]
    end = [e for e in events if e.type == "session_end"]
    assert end and end[0].data["reason"] == "safety"
    assert not [p for p in prompts(events) if p.t > safety[0].t]  # nothing after it, not even for "nooit"


def test_repeated_raised_voices_propose_and_run_a_time_out() -> None:
    calm_part = ag.espeak_conversation(ag.CALM_SENTENCES)
    loud = ag.scale_db(ag.espeak_conversation(ag.CALM_SENTENCES[:2]), 10.0)
    parts = [calm_part]
    for _ in range(3):
        parts += [ag.silence(0.3), loud, ag.silence(12.0), ag.espeak_conversation(ag.CALM_SENTENCES[2:4])]
    audio = joined(*parts, ag.silence(60.0))
    events = run_session(audio, timeout_minutes=20)
    reasons = [p.data["reason"] for p in prompts(events)]
    assert "escalation" in reasons, reasons
    phases = [e.data["phase"] for e in events if e.type == "phase"]
    assert phases[-4:] == ["time-out", "tips", "meer-tijd", "pauze"], phases
    assert [e.data["protocol"] for e in events if e.type == "phase"][-1] == "time-out"


def test_turns_end_on_time_in_audio_time() -> None:
    audio = joined(*(calm(CALM_LINES) for _ in range(4)), ag.silence(90.0))
    events = run_session(audio, protocol="vertraag", breathing=False, turn_seconds=20, mirror_seconds=10)
    phases = [(e.t, e.data["phase"]) for e in events if e.type == "phase"]
    names = [p for _, p in phases]
    assert names[:4] == ["welkom", "spreken", "spiegelen", "aanvullen"], names
    t_speak, t_mirror = phases[1][0], phases[2][0]
    welcome_prompt = next(e for e in events if e.type == "prompt" and e.data["id"] == "spreken")
    # The turn's 20 s begin when its prompt is done, and end at a pause at most a few seconds later.
    assert 20.0 <= t_mirror - t_speak <= 20.0 + 25.0
    assert welcome_prompt.t == t_speak


class LoopbackVoice:
    """A speaker the microphone hears: each sound is mixed into the frames that follow, as in a room."""

    audible = True

    def __init__(self) -> None:
        self.placed: list[tuple[float, np.ndarray]] = []

    def _place(self, at: float, seconds_: float) -> float:
        tone = ag.at_level(ag.espeak_nl("Ik hoorde nooit. Wil je het anders zeggen?"), -20.0)
        self.placed.append((at, tone))
        return len(tone) / SAMPLE_RATE

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        return self._place(at, 0.0)

    def chime(self, kind: str, *, at: float) -> float:
        return self._place(at, 0.0)

    def breathe(self, breath: Breath, *, at: float) -> float:
        return self._place(at, 0.0)

    def hush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def heard(self, frames: Iterator[Frame]) -> Iterator[Frame]:
        for frame in frames:
            mixed = frame.samples.astype(np.int32)
            for at, sound in self.placed:
                offset = frame.start - round(at * SAMPLE_RATE)
                if -len(frame.samples) < offset < len(sound):
                    lo, hi = max(0, offset), min(len(sound), offset + len(frame.samples))
                    mixed[lo - offset : hi - offset] += sound[lo:hi]
            yield Frame(np.clip(mixed, -32768, 32767).astype(np.int16), frame.start)


def _loopback_prompts(*, half_duplex: bool) -> list[str]:
    audio = joined(calm(["Je luistert ook nooit naar me."]), ag.silence(90.0))
    voice = LoopbackVoice()
    voice.audible = half_duplex  # audible = the runner keeps the microphone deaf while it plays
    recognizer = SegmentRecognizer(every=NOOIT)  # whatever is heard "contains" nooit, as prompts would
    # A short gap between prompts, so that an echo would be answered well within the session.
    events = run_session(
        audio,
        recognizer=recognizer,
        voice=voice,
        frames=voice.heard(frames_of(audio)),
        session={"min_gap_s": 2.0},
    )
    return [p.data["reason"] for p in prompts(events)]


def test_its_own_prompts_heard_back_trigger_nothing() -> None:
    assert _loopback_prompts(half_duplex=True) == ["absolute"]
    # The same room without half-duplex: vertraag reacts to itself again and again (the test can fail).
    assert len(_loopback_prompts(half_duplex=False)) >= 3

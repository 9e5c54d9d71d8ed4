"""Speaking fast: against the talker's own calm pace, held over several sentences, then a gentle prompt."""

from __future__ import annotations

from tests import audio_gen as ag
from tests.session_scene import SegmentRecognizer, joined, prompts, run_session
from vertraag.config import SpeechRateSettings
from vertraag.detect.speech_rate import SpeechRateDetector
from vertraag.recognize.base import Utterance, Word

SENTENCES = [
    "Ik wil graag even rustig met je praten over de boodschappen van deze week.",
    "Zullen we morgen samen naar de markt gaan en daarna koffie drinken?",
    "Ik heb het gevoel dat we allebei erg moe zijn van het werk.",
    "Wat vind jij ervan als we het weekend rustig houden met de kinderen?",
]


def utterance(start: float, words: int, rate_wps: float) -> Utterance:
    step = 1.0 / rate_wps
    timed = tuple(Word(f"w{i}", start + i * step, start + (i + 1) * step) for i in range(words))
    return Utterance(" ".join(w.text for w in timed), start, timed[-1].end, timed)


def test_a_rushed_pace_held_over_several_sentences_is_noticed_once() -> None:
    detector = SpeechRateDetector(SpeechRateSettings())
    t, events = 0.0, []
    for _ in range(6):  # calm: 2.5 words/s, 18 s of speech
        events += detector.update(utterance(t, 8, 2.5))
        t += 5.0
    assert detector.calm_wps is not None and abs(detector.calm_wps - 2.5) < 0.01
    events += detector.update(utterance(t, 10, 4.5))  # one fast sentence is not a rushed pace
    assert events == []
    t += 4.0
    for _ in range(4):
        events += detector.update(utterance(t, 12, 4.5))
        t += 4.0
    assert len(events) == 1 and events[0].data["rate_wps"] >= 4.4 and events[0].data["calm_wps"] == 2.5


def test_a_calm_sentence_between_fast_ones_breaks_the_run() -> None:
    detector = SpeechRateDetector(SpeechRateSettings())
    t, events = 0.0, []
    for _ in range(6):
        detector.update(utterance(t, 8, 2.5))
        t += 5.0
    for _ in range(6):
        events += detector.update(utterance(t, 8, 4.5))
        events += detector.update(utterance(t + 2.5, 8, 2.6))
        t += 7.0
    assert events == []


def test_speaking_fast_gets_a_gentle_prompt_in_a_conversation() -> None:
    calm = ag.concat_with_silence(
        (ag.at_level(ag.espeak_nl(s, speed=130), ag.CALM_SPEECH_DBFS) for s in SENTENCES * 2), gap_s=1.5
    )
    fast = ag.concat_with_silence(
        (ag.at_level(ag.espeak_nl(s, speed=280), ag.CALM_SPEECH_DBFS) for s in SENTENCES * 2), gap_s=1.5
    )
    audio = joined(calm, ag.silence(1.5), fast, ag.silence(3.0))
    texts = [s.lower().strip(".?") for s in SENTENCES * 4]
    events = run_session(audio, recognizer=SegmentRecognizer(texts))
    said = prompts(events)
    assert [p.data["reason"] for p in said] == ["speech_rate"]
    assert said[0].t >= len(calm) / ag.SAMPLE_RATE  # during the fast part, not before

"""The report per voice (issue 15): each partner's speaking time side by side and how often someone talked
over the other's turn, in the same neutral tone; no score per person, nothing said is kept."""

from __future__ import annotations

from datetime import datetime

from vertraag.events import Event
from vertraag.report.collect import ReportCollector
from vertraag.report.page import session_page

SAID = "je luistert nooit naar me"


def report() -> dict[str, object]:
    names = {"a": "Anna", "b": "Bram"}
    collector = ReportCollector(started=datetime(2026, 12, 7, 20, 0), source="microfoon", names=names)
    stream = [
        Event("phase", 0.0, {"phase": "spreken", "protocol": "vertraag", "speaker": "Anna",
                             "listener": "Bram", "talker": "Anna", "seconds": 120}),
        Event("speech_start", 1.0),
        Event("speech_end", 31.0, {"duration": 30.0, "talker": "a", "confidence": 0.9}),
        Event("utterance", 31.0, {"text": SAID, "start": 1.0, "end": 31.0, "words": [], "talker": "a"}),
        Event("speech_start", 32.0),
        Event("speech_end", 38.0, {"duration": 6.0, "talker": "b", "confidence": 0.8}),
        Event("talked_over", 36.0, {"talker": "b", "turn_of": "a", "seconds": 4.0}),
        Event("prompt", 39.0, {"id": "onderbreking", "text": "Bram, ...", "reason": "interruption",
                               "trigger_t": 36.0}),
        Event("speech_start", 40.0),
        Event("speech_end", 42.5, {"duration": 2.5, "talker": None, "confidence": 0.4}),
        Event("speech_start", 43.0),
        Event("speech_end", 63.0, {"duration": 20.0, "talker": "b", "confidence": 0.9}),
    ]  # fmt: skip
    for event in stream:
        collector.add(event)
    return collector.report(until=70.0)


def test_each_partners_speaking_time_is_counted_by_voice_and_unsure_speech_apart() -> None:
    data = report()
    assert data["speaking"] == [
        {"partner": "a", "name": "Anna", "speech_s": 30.0},
        {"partner": "b", "name": "Bram", "speech_s": 26.0},
    ]
    assert data["speech_unsure_s"] == 2.5
    assert data["counts"]["talked_over"] == 1  # type: ignore[index]
    assert data["counts"]["prompts_by_reason"] == {"interruption": 1}  # type: ignore[index]


def test_the_page_shows_both_partners_side_by_side_without_blame_or_words() -> None:
    page = session_page(report())
    section = page[page.index("Wie hoeveel sprak") :]
    assert "Anna" in section and "Bram" in section and "0:30" in section and "0:26" in section
    assert "1 keer sprak iemand door de beurt van de ander heen" in section
    talked = section[section.index("keer sprak") - 40 : section.index("keer sprak") + 80]
    assert "Anna" not in talked and "Bram" not in talked  # who talked over whom is not on the page
    assert SAID not in page and "score" not in section.replace("geen score", "")


def test_talking_over_within_one_segment_counts_for_the_voice_that_spoke() -> None:
    collector = ReportCollector(
        started=datetime(2026, 12, 7, 20, 0), source="microfoon", names={"a": "A", "b": "B"}
    )
    collector.add(Event("speech_start", 0.0))
    for second, who in enumerate(["a", "a", "a", "b", "b", "b", "b", "b"]):
        collector.add(
            Event("voice", second + 1.0, {"talker": who, "start": float(second), "end": second + 1.0})
        )
    collector.add(Event("speech_end", 8.5, {"duration": 8.5, "talker": "a", "confidence": 0.6}))
    speaking = {p["partner"]: p["speech_s"] for p in collector.report()["speaking"]}
    assert speaking == {"a": 3.5, "b": 5.0}  # the last half second goes to the whole segment's talker

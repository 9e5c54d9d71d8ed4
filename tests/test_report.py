"""The session report: collected from the event stream, saved private, and `vertraag verslag`.

Fast tests: the collector on a scripted stream, the closing words, and real runs with the loudness-only engine
(`--engine none`) on composed recordings. The Whisper run on a composed conversation (words, privacy, no
socket, the page in Chromium) is in test_report_whisper.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests import audio_gen as ag
from tests.session_scene import frames_of
from tests.test_run_cli import run_cli
from vertraag.config import ProtocolSettings, Settings
from vertraag.events import Event
from vertraag.loudness import LevelMeter
from vertraag.pipeline import Pipeline
from vertraag.report.closing import closing_words
from vertraag.report.collect import ReportCollector
from vertraag.session import SessionConfig
from vertraag.session.runner import SessionRunner
from vertraag.speak.voice import SilentVoice

STARTED = datetime(2026, 12, 2, 20, 15).astimezone()
SECRET = "zeepaardje"  # a word that must never reach a file unless a transcript was asked for


def scripted_stream() -> list[Event]:
    """A short guided conversation with everything the report counts, in the order the runner yields it."""
    return [
        Event("phase", 0.0, {"protocol": "vertraag", "phase": "welkom", "speaker": None, "listener": None,
                             "seconds": 0}),
        Event("prompt", 0.0, {"id": "welkom", "text": "Welkom.", "reason": "protocol", "trigger_t": 0.0}),
        Event("phase", 10.0, {"protocol": "vertraag", "phase": "spreken", "speaker": "Anna",
                              "listener": "Bram", "talker": "Anna", "seconds": 30}),
        Event("speech_start", 11.0),
        Event("level", 12.0, {"level_db": -30.0, "speech_db": -28.0}),
        Event("baseline", 15.0, {"baseline_db": -28.0}),
        Event("utterance", 18.0, {"text": f"je luistert ook nooit naar me {SECRET}", "start": 11.0,
                                  "end": 18.0}),
        Event("finding", 18.0, {"category": "absolute", "match": "nooit", "reframe": "Wil je ...",
                                "text": f"je luistert ook nooit naar me {SECRET}"}),
        Event("speech_end", 18.6, {"duration": 7.0}),
        Event("timer", 19.0, {"running": False, "remaining": 21.0}),
        Event("prompt", 19.0, {"id": "woord", "text": "Ik hoorde 'nooit'.", "reason": "absolute",
                               "trigger_t": 18.0}),
        Event("timer", 24.0, {"running": True, "remaining": 21.0}),
        Event("speech_start", 25.0),
        Event("raised_voice", 27.0, {"rise_db": 9.0, "onset": 25.5}),
        Event("prompt", 28.0, {"id": "adem", "text": "Even ademen.", "reason": "raised_voice",
                               "trigger_t": 25.5}),
        Event("utterance", 30.0, {"text": "ik voelde me niet gehoord", "start": 25.0, "end": 30.0}),
        Event("finding", 30.0, {"category": "i_message", "match": "ik voelde me", "reframe": ""}),
        Event("speech_end", 30.6, {"duration": 5.0}),
        Event("speech_rate", 31.0, {"rate_wps": 4.0, "calm_wps": 2.5, "onset": 25.0}),
        Event("phase", 40.0, {"protocol": "time-out", "phase": "pauze", "speaker": None, "listener": None,
                              "seconds": 1200}),
        Event("phase", 1240.0, {"protocol": "vertraag", "phase": "spreken", "speaker": "Bram",
                                "listener": "Anna", "talker": "Bram", "seconds": 30}),
        Event("speech_start", 1241.0),
        Event("speech_end", 1251.0, {"duration": 9.4}),
        Event("prompt", 1260.0, {"id": "samenvatting", "text": "Dank jullie wel.", "reason": "summary",
                                 "trigger_t": 1260.0}),
        Event("session_end", 1270.0, {"reason": "done"}),
    ]


def collected(transcript: bool = False) -> dict[str, Any]:
    collector = ReportCollector(started=STARTED, source="opname", transcript=transcript, report_id="x")
    for event in scripted_stream():
        collector.add(event)
    return collector.report()


def test_the_collector_counts_what_the_stream_says() -> None:
    report = collected()
    counts = report["counts"]
    assert counts["prompts_by_reason"] == {"protocol": 1, "absolute": 1, "raised_voice": 1}
    assert counts["prompts"] == 3 and counts["interventions"] == 2  # the welcome is guidance
    assert counts["language"] == {"absolute": 1}
    assert counts["i_messages"] == 1
    assert counts["raised_voices"] == 1 and counts["fast_speech"] == 1
    assert counts["timeouts"] == 1 and report["timeouts"] == [[40.0, 1240.0]]
    assert counts["utterances"] == 2
    assert report["turns_taken"] == 2  # Anna's turn, then (after the break) Bram's
    assert report["pauses"] == [[19.0, 24.0]]
    assert report["baselines_db"] == [-28.0]
    assert report["levels"] == [[12.0, -30.0, -28.0]]
    # The conversation ends with its last event; the closing words and the end come after it.
    assert report["duration_s"] == 1251.0
    assert report["closing"] == "Dank jullie wel." and report["end_reason"] == "done"
    spoken = {(row["phase"], row["speaker"]): row["speech_s"] for row in report["phases"]}
    assert spoken[("spreken", "Anna")] == pytest.approx(12.0)
    assert spoken[("spreken", "Bram")] == pytest.approx(9.4)
    assert report["speech_s"] == pytest.approx(21.4)


def test_no_word_of_the_conversation_is_kept_unless_asked() -> None:
    private = json.dumps(collected())
    assert SECRET not in private and "nooit" not in private and "gehoord" not in private
    assert "transcript" not in collected()
    kept = collected(transcript=True)
    assert SECRET in json.dumps(kept)
    assert [u["text"] for u in kept["transcript"]["utterances"]][1] == "ik voelde me niet gehoord"
    assert kept["transcript"]["findings"][0]["match"] == "nooit"


def test_the_closing_words_begin_with_what_went_well() -> None:
    report = collected()
    words = closing_words(report, "done")
    assert words is not None
    sentences = [s for s in re.split(r"(?<=[.!?]) ", words)]
    assert 3 <= len(sentences) <= 4
    assert sentences[0].startswith("Dank jullie wel")
    assert "ik-boodschap" in sentences[1]  # the good news before the count of invitations
    assert "2 keer" in sentences[2]
    assert closing_words(report, "safety") is None  # a safety stop has its own words


def test_the_level_meter_gives_one_reading_a_second() -> None:
    meter = LevelMeter(interval_s=1.0)
    readings = []
    for i in range(100):  # 3.2 s of 32 ms frames, speech only within the second second
        t_end = (i + 1) * 0.032
        speech = 1.05 < t_end < 1.95
        reading = meter.update(t_end, -20.0 if speech else -60.0, is_speech=speech)
        if reading is not None:
            readings.append(reading)
    assert [round(t, 3) for t, _, _ in readings] == [1.0, 2.0, 3.0]
    assert readings[0][2] is None and readings[2][2] is None
    assert readings[1][2] == pytest.approx(-20.0)
    assert -60.0 < readings[1][1] < -20.0


# ---- real runs (loudness only) ---------------------------------------------------------------------------


def conversation(seconds: float, *, raise_at: float | None = None) -> ag.Audio:
    """Real Dutch clips of two speakers taking turns, calm; a +10 dB stretch after `raise_at` s."""
    her, him = ag.clips("nathalie"), ag.clips("flemishguy")
    parts, total = [], 0.0
    for clip in (c for pair in zip(her, him, strict=False) for c in pair):
        loud = raise_at is not None and raise_at <= total < raise_at + 8
        level = ag.CALM_SPEECH_DBFS + (10.0 if loud else 0.0)
        parts.append(ag.at_level(clip.samples(), level))
        total += clip.duration_s + 1.5
        if total >= seconds:
            break
    return ag.concat_with_silence(parts, gap_s=1.5, edge_s=1.0)


def events_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def expected_counts(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's counts, recomputed here from the printed event stream."""
    prompts = [e for e in events if e["type"] == "prompt" and e["reason"] != "summary"]
    findings = [e for e in events if e["type"] == "finding"]
    unsafe = Counter(f["category"] for f in findings if f["category"] != "i_message")
    return {
        "prompts": len(prompts),
        "interventions": sum(1 for p in prompts if p["reason"] not in ("protocol", "reply", "i_message")),
        "prompts_by_reason": dict(sorted(Counter(p["reason"] for p in prompts).items())),
        "language": dict(sorted(unsafe.items())),
        "i_messages": sum(1 for f in findings if f["category"] == "i_message"),
        "raised_voices": sum(1 for e in events if e["type"] == "raised_voice"),
        "fast_speech": sum(1 for e in events if e["type"] == "speech_rate"),
        "utterances": sum(1 for e in events if e["type"] == "utterance"),
    }


def only_report(folder: Path) -> dict[str, Any]:
    [path] = folder.glob("*.json")
    report: dict[str, Any] = json.loads(path.read_text())
    return report


def test_a_recording_gets_the_same_report_private_and_true_to_its_events(tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "gesprek.wav", conversation(45.0, raise_at=20.0))
    config = tmp_path / "config.toml"
    config.write_text('[protocol]\nname = "vertraag"\npartner_a = "Anna"\npartner_b = "Bram"\n'
                      "turn_seconds = 10\nmirror_seconds = 8\nbreathing = false\n")
    reports = tmp_path / "verslagen"
    proc = run_cli("run", "--input", wav, "--engine", "none", "--json", "--config", config,
                   "--report-dir", reports, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert proc.returncode == 0, proc.stderr
    events = events_of(proc.stdout)
    report = only_report(reports)
    # Private: a 0700 folder, 0600 files, no audio (no --record) and nothing in the data folder.
    assert stat.S_IMODE(os.stat(reports).st_mode) == 0o700
    assert sorted(p.suffix for p in reports.iterdir()) == [".html", ".json"]
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in reports.iterdir())
    assert not (tmp_path / "data").exists()
    # True to the events of the run.
    assert {k: report["counts"][k] for k in expected_counts(events)} == expected_counts(events)
    assert report["counts"]["raised_voices"] >= 1
    duration = len(sf.read(str(wav))[0]) / ag.SAMPLE_RATE
    assert report["duration_s"] == pytest.approx(duration, abs=0.05)
    assert len(report["levels"]) == int(duration)
    phases = [e for e in events if e["type"] == "phase"]
    assert [(r["phase"], r["speaker"], r["talker"], r["planned_s"]) for r in report["phases"]] == [
        (p["phase"], p["speaker"], p["talker"], p["seconds"]) for p in phases
    ]
    assert [r["start"] for r in report["phases"]] == [p["t"] for p in phases]
    assert report["turns_taken"] >= 1 and report["phases"][1]["speaker"] == "Anna"
    speech = sum(e["duration"] for e in events if e["type"] == "speech_end")
    assert sum(r["speech_s"] for r in report["phases"]) == pytest.approx(speech, abs=0.05)
    # The closing words: said as a prompt at the end (and shown), kept in the report, before session_end.
    [summary] = [e for e in events if e["type"] == "prompt" and e["reason"] == "summary"]
    assert events[-1]["type"] == "session_end" and summary["t"] == events[-1]["t"]
    assert events[-2] == summary
    assert report["closing"] == summary["text"] and summary["text"].startswith("Dank jullie wel")
    assert "Het verslag staat in" in proc.stderr


def test_the_page_is_one_self_contained_file(tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "gesprek.wav", conversation(15.0))
    proc = run_cli("run", "--input", wav, "--engine", "none", "--report-dir", tmp_path)
    assert proc.returncode == 0, proc.stderr
    [page] = tmp_path.glob("*.html")
    html = page.read_text()
    assert "<svg" in html and "Wat goed ging" in html
    # Nothing to fetch: no links, scripts, images, frames, imports; references only within the page
    # (the SVG's own `#id`s; its namespace URI is a name, not a fetch).
    fetches = r"<(link|script|img|iframe|object|embed)\b|@import|url\((?!#)|\bsrc=|href=\"(?!#)"
    assert not re.search(fetches, html, re.I)
    assert "xlink:href=\"#" in html  # the check does see the SVG's references
    assert html.index("Wat goed ging") < html.index("Waar vertraag even hielp")


def test_record_writes_the_audio_private_beside_the_report(tmp_path: Path) -> None:
    audio = conversation(10.0)
    wav = ag.write_wav(tmp_path / "gesprek.wav", audio)
    reports = tmp_path / "verslagen"
    proc = run_cli("run", "--input", wav, "--engine", "none", "--record", "--report-dir", reports)
    assert proc.returncode == 0, proc.stderr
    [recording] = reports.glob("*.wav")
    assert stat.S_IMODE(os.stat(recording).st_mode) == 0o600
    kept, rate = sf.read(str(recording), dtype="int16")
    assert rate == ag.SAMPLE_RATE
    # What vertraag listened to: the recording, its last frame filled up with silence.
    assert np.array_equal(kept[: len(audio)], audio) and 0 <= len(kept) - len(audio) < 512
    assert not kept[len(audio) :].any()
    assert "De opname staat in" in proc.stderr


def test_verslag_lists_opens_trends_and_deletes(tmp_path: Path) -> None:
    reports = tmp_path / "verslagen"
    # No desktop: `open` and `trend` print the page's path and start no browser.
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    for n, raise_at in enumerate((None, 5.0, 5.0)):
        wav = ag.write_wav(tmp_path / f"gesprek-{n}.wav", conversation(20.0, raise_at=raise_at))
        proc = run_cli("run", "--input", wav, "--engine", "none", "--report-dir", reports, env=env)
        assert proc.returncode == 0, proc.stderr
    listing = run_cli("verslag", "--report-dir", reports, env=env)
    assert listing.returncode == 0, listing.stderr
    lines = [line for line in listing.stdout.splitlines() if re.match(r"\s+\d+ ", line)]
    assert len(lines) == 3 and lines[0].split()[0] == "1"
    opened = run_cli("verslag", "open", "2", "--report-dir", reports, env=env)  # the folder after the action
    assert opened.returncode == 0 and ".html" in opened.stdout and "Dank jullie wel" in opened.stdout
    trend = run_cli("verslag", "--report-dir", reports, "trend", env=env)
    assert trend.returncode == 0, trend.stderr
    page = reports / "trend.html"
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600
    html = page.read_text()
    assert html.count("<tr>") == 4 and "<svg" in html  # a header and three sessions
    assert "Uitnodigingen per 10 min" in html and "Door de beurt heen" in html
    missing = run_cli("verslag", "--report-dir", reports, "open", "9", env=env)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    first_id = lines[0].split("(")[-1].rstrip(")")
    assert run_cli("verslag", "--report-dir", reports, "delete", "1", env=env).returncode == 0
    assert not list(reports.glob(f"{first_id}.*")) and len(list(reports.glob("*.json"))) == 2
    kept = run_cli("verslag", "--report-dir", reports, "delete", "--all", env=env)  # no 'ja': nothing goes
    assert kept.returncode == 0 and len(list(reports.glob("*.json"))) == 2
    gone = run_cli("verslag", "--report-dir", reports, "delete", "--all", "--yes", env=env)
    assert gone.returncode == 0 and list(reports.iterdir()) == []
    assert "Nog geen verslagen" in run_cli("verslag", "--report-dir", reports, env=env).stdout


# ---- the closing words in the session runner ---------------------------------------------------------------


class ListeningVoice(SilentVoice):
    """A silent voice that remembers what it was asked to say."""

    def __init__(self) -> None:
        super().__init__(Settings().voice.rate_wpm)
        self.said: list[tuple[str, str, float]] = []

    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        self.said.append((prompt_id, text, at))
        return super().say(prompt_id, variant, text, at=at)


def _run_with_closing(audio: ag.Audio, closing: Any) -> tuple[list[Event], ListeningVoice]:
    settings = dataclasses.replace(Settings(), protocol=ProtocolSettings(name="vrij"))
    config = SessionConfig.load(settings.protocol, settings.session, default_protocol="vrij")
    voice = ListeningVoice()
    pipeline = Pipeline(settings)
    runner = SessionRunner(pipeline, config, voice, tail_s=0.5, stop_when_ended=False, closing=closing)
    return list(runner.run(frames_of(audio))), voice


def test_the_runner_says_the_closing_words_at_the_end() -> None:
    audio = conversation(8.0)
    asked: list[tuple[str, float]] = []

    def closing(reason: str, t: float) -> str:
        asked.append((reason, t))
        return "Dank jullie wel."

    events, voice = _run_with_closing(audio, closing)
    end = len(audio) / ag.SAMPLE_RATE
    assert asked == [("end_of_input", pytest.approx(end, abs=0.04))]
    assert voice.said[-1] == ("samenvatting", "Dank jullie wel.", pytest.approx(end, abs=0.04))
    assert [e.type for e in events[-2:]] == ["prompt", "session_end"]
    assert events[-2].data["reason"] == "summary" and events[-2].t == events[-1].t
    quiet, voice = _run_with_closing(audio, lambda reason, t: None)  # nothing to say: nothing said
    assert [e for e in quiet if e.type == "prompt"] == [] and voice.said == []


def test_a_session_stopped_with_ctrl_c_shows_the_closing_words_and_is_saved(tmp_path: Path) -> None:
    from vertraag.report.session import SessionReport

    session = SessionReport.begin(tmp_path / "verslagen", live=True, transcript=False)
    for event in scripted_stream():
        if event.type != "session_end" and event.data.get("reason") != "summary":
            session.collector.add(event)
    lines = session.save(until=1255.0)  # Ctrl-C: no end, nothing said
    assert lines[0].startswith("Dank jullie wel") and "Het verslag staat in" in lines[1]
    report = only_report(tmp_path / "verslagen")
    assert report["end_reason"] == "stopped" and report["closing"] == lines[0]
    assert report["source"] == "microfoon" and report["duration_s"] == 1255.0
    assert SECRET not in json.dumps(report)


def test_the_page_shows_what_was_said_only_with_a_transcript() -> None:
    from vertraag.report.page import session_page

    private, kept = session_page(collected()), session_page(collected(transcript=True))
    assert SECRET not in private and "Wat er gezegd is" not in private
    assert "geen woord van het gesprek" in private
    assert SECRET in kept and "Wat er gezegd is" in kept
    # One shared view: the partners' names appear only as who had the word in a phase, never with a count.
    assert private.count("Anna") == 1 and private.count("Bram") == 1


def test_after_a_safety_stop_the_page_opens_with_help_and_does_not_ask_to_read_it_together() -> None:
    from vertraag.report.page import session_page

    calm = session_page(collected())
    report = collected()
    report["end_reason"] = "safety"
    stopped = session_page(report)
    for page in (calm, stopped):
        assert "0800-2000" in page and "112" in page and "113" in page and "1712" in page
    assert "Wat goed ging" in calm and "voor jullie samen" in calm
    assert "Wat goed ging" not in stopped and "voor jullie samen" not in stopped
    assert "niet samen te bekijken" in stopped and "gestopt voor de veiligheid" in stopped
    assert stopped.index("0800-2000") < stopped.index("Het gesprek in de tijd")  # the help comes first


# ---- vertraag start ----------------------------------------------------------------------------------------


def test_a_vertraag_start_session_saves_its_report_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tests.test_start_live import CHOICE, Room, _session
    from vertraag.start.live import Choice, LiveSession

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    _session(tmp_path, Room(), CHOICE)  # the couple's calibration, once

    class Talking(Room):
        """After the welcome, partner a says a sentence."""

        def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
            if prompt_id == "welkom":
                self.pending.append(np.concatenate([ag.silence(2.5), self.sentences[0]]))
            return super().say(prompt_id, variant, text, at=at)

    room = Talking()
    room.wait_from = 0
    room.gate.set()
    live = LiveSession(Settings(), source=room, voice=room, profiles=tmp_path, report=True)
    choice = Choice(**{**CHOICE.__dict__, "protocol": "vertraag"})
    worker = threading.Thread(target=live.run, args=(choice,), daemon=True)
    worker.start()
    seen: list[Event] = []
    while (event := live.events.get(timeout=60)) is not None:
        seen.append(event)
        if event.type == "speech_end":
            live.send("stop")  # q: the closing, then the end
    worker.join(timeout=60)
    assert not worker.is_alive()
    summary = [e for e in seen if e.type == "prompt" and e.data["reason"] == "summary"]
    assert len(summary) == 1 and "samenvatting" in room.asked  # said at the end
    folder = tmp_path / "data" / "vertraag" / "verslagen"
    report = only_report(folder)
    assert report["closing"] == summary[0].data["text"] and report["source"] == "microfoon"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert any("Het verslag staat in" in line for line in live.report_lines)


def test_the_trend_counts_talking_through_a_turn_and_an_older_report_shows_a_dash() -> None:
    from vertraag.report.trend import trend_rows

    now = collected()
    now["counts"]["talked_over"] = 2
    older = collected()
    del older["counts"]["talked_over"]  # saved before vertraag told the voices apart
    assert [row["talked_over"] for row in trend_rows([older, now])] == ["–", 2]

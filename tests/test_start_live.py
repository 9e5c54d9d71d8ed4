"""`vertraag start` without hardware: the calibration on a scripted room, the profile it leaves (mode 0600),
the profile reused next time, the session after it, and commands from another thread."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests import audio_gen as ag
from vertraag.audio.frames import FRAME_SAMPLES, Frame
from vertraag.config import Settings
from vertraag.events import CALIBRATION, Event
from vertraag.recognize.base import RecognizerEvent, Utterance, Word
from vertraag.speak.errors import PlaybackUnavailable
from vertraag.speak.speaker import Speaker
from vertraag.speak.voice import Breath, SpeakerVoice
from vertraag.start.live import METER, NOTICE, Choice, LiveSession
from vertraag.start.profile import PartnerCalm, Profile, load_profile, profile_path, save_profile

SAY_S = 2.0
REPLY_AFTER_S = 0.5  # the partner starts speaking this long after vertraag's request
ROOM_DBFS = -60.0
MAX_AUDIO_S = 300.0
LOUD_B_DB = 6.0  # partner b speaks louder than partner a


class Room:
    """A fake microphone and voice in one: when vertraag asks a partner for a sentence, that partner says
    one (partner b louder); otherwise there is quiet room noise. After the calibration the room waits for
    `gate` (the test's command) before it goes on."""

    audible = False

    def __init__(self) -> None:
        self.pending: list[np.ndarray] = []
        self.asked: list[str] = []
        self.gate = threading.Event()
        self.wait_from: int | None = None  # from this sample on, the room waits for the gate
        self.position = 0
        self.closed = False
        sentence = ag.espeak_nl("vandaag heb ik boodschappen gedaan en daarna een stukje gewandeld")
        self.sentences = [sentence, ag.scale_db(sentence, LOUD_B_DB)]

    # -- voice
    def say(self, prompt_id: str, variant: int, text: str, *, at: float) -> float:
        self.asked.append(prompt_id)
        if prompt_id == "kalibratie_zin":
            speech = self.sentences[len([a for a in self.asked if a == "kalibratie_zin"]) - 1]
            self.pending.append(np.concatenate([ag.silence(SAY_S + REPLY_AFTER_S), speech]))
        if prompt_id == "kalibratie_klaar":
            self.wait_from = self.position + int((SAY_S + 1.0) * ag.SAMPLE_RATE)
        return SAY_S

    def chime(self, kind: str, *, at: float) -> float:
        return 1.0

    def breathe(self, breath: Breath, *, at: float) -> float:
        return breath.seconds

    def hush(self) -> None:
        return None

    # -- source
    def frames(self) -> Iterator[Frame]:
        noise = ag.white_noise(MAX_AUDIO_S, dbfs=ROOM_DBFS)
        start, buffer = 0, np.zeros(0, dtype=np.int16)
        while start < len(noise) - FRAME_SAMPLES:
            waiting = self.wait_from is not None and start >= self.wait_from
            if waiting and not buffer.size and not self.gate.wait(timeout=30):
                return
            if not buffer.size and self.pending:
                buffer = self.pending.pop(0)
            chunk = noise[start : start + FRAME_SAMPLES].copy()
            take = min(FRAME_SAMPLES, buffer.size)
            chunk[:take] = buffer[:take]
            buffer = buffer[take:]
            yield Frame(chunk, start)
            start += FRAME_SAMPLES
            self.position = start

    def close(self) -> None:
        self.closed = True


def _drain(live: LiveSession) -> list[Event]:
    out = []
    while (event := live.events.get(timeout=60)) is not None:
        out.append(event)
    return out


def _session(tmp_path: Path, room: Room, choice: Choice, *, stop_after: str = CALIBRATION) -> list[Event]:
    live = LiveSession(Settings(), source=room, voice=room, profiles=tmp_path)
    worker = threading.Thread(target=live.run, args=(choice,), daemon=True)
    worker.start()
    seen: list[Event] = []
    while (event := live.events.get(timeout=60)) is not None:
        seen.append(event)
        if event.type == stop_after and (event.type != CALIBRATION or event.data.get("step") == "done"):
            live.send("stop")
            room.gate.set()
    worker.join(timeout=60)
    assert not worker.is_alive()
    return seen


CHOICE = Choice(name_a="Anna", name_b="Bram", pause_word="stoplicht", protocol="vrij")


def test_the_calibration_sets_each_partners_calm_level_and_leaves_a_private_profile(tmp_path: Path) -> None:
    room = Room()
    events = _session(tmp_path, room, CHOICE)
    steps = [e.data for e in events if e.type == CALIBRATION]
    assert [s["step"] for s in steps] == ["room", "a", "b", "done"]
    assert steps[0]["noise_db"] < -50
    a, b = steps[1]["baseline_db"], steps[2]["baseline_db"]
    assert a is not None and b is not None
    assert b - a == pytest.approx(LOUD_B_DB, abs=1.5)
    asked = [e.data["id"] for e in events if e.type == "prompt"]
    assert asked[:4] == ["kalibratie_begin", "kalibratie_zin", "kalibratie_zin", "kalibratie_klaar"]
    assert any("Anna" in str(e.data.get("text")) for e in events if e.type == "prompt")
    assert events[-1].type == "session_end" and events[-1].data["reason"] == "stopped"
    assert any(e.type == METER for e in events) and room.closed
    path = profile_path("Anna", "Bram", tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = load_profile("Bram", "Anna", tmp_path)  # the order of the names does not matter
    assert saved is not None and saved.partner_a.baseline_db == a and saved.pause_word == "stoplicht"


def test_a_saved_profile_is_reused_and_its_calm_levels_are_the_meters_marks(tmp_path: Path) -> None:
    _session(tmp_path, Room(), CHOICE)
    room = Room()
    room.wait_from = 0  # no calibration this time: the room waits for the test's command at once
    events = _session(
        tmp_path, room, Choice(**{**CHOICE.__dict__, "protocol": "vertraag"}), stop_after="phase"
    )
    assert not [e for e in events if e.type == CALIBRATION]
    assert "kalibratie_begin" not in room.asked
    phases = [e.data["phase"] for e in events if e.type == "phase"]
    assert phases[0] == "welkom" and "waardering-eerste" in phases  # q: the closing, not an abrupt end
    saved = load_profile("Anna", "Bram", tmp_path)
    assert saved is not None and saved.partner_a.baseline_db is not None and saved.partner_b.baseline_db
    marks = [e.data["calm_db"] for e in events if e.type == METER]
    # The meter's calm mark while both are addressed: the room's calm level, between the two.
    room = (saved.partner_a.baseline_db + saved.partner_b.baseline_db) / 2
    assert any(m is not None and abs(m - room) < 1e-6 for m in marks), marks[:5]


def test_q_during_the_calibration_stops_before_the_session(tmp_path: Path) -> None:
    room = Room()
    live = LiveSession(Settings(), source=room, voice=room, profiles=tmp_path)
    live.send("next")  # ignored: the session has not begun
    live.send("stop")
    live.run(CHOICE)
    events = [e for e in _drain(live) if e.type != METER]
    assert [e.type for e in events][-1] == "session_end"
    assert not profile_path("Anna", "Bram", tmp_path).exists()


class SaysPauseWord:
    """A recogniser that hears the couple's pause word once, a few seconds into the session."""

    def __init__(self, word: str, at_s: float) -> None:
        self.word, self.at_s, self.said = word, at_s, False

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        if self.said or frame.t < self.at_s:
            return []
        self.said = True
        return [Utterance(self.word, frame.t - 1.0, frame.t, (Word(self.word, frame.t - 1.0, frame.t),))]

    def finish(self) -> list[RecognizerEvent]:
        return []

    def close(self) -> None:
        return None


def test_the_pause_word_chosen_at_the_start_starts_a_time_out_and_is_kept_in_the_profile(
    tmp_path: Path,
) -> None:
    _session(tmp_path, Room(), CHOICE)  # calibrated, pause word "stoplicht"
    room = Room()
    room.wait_from = 0
    room.gate.set()
    live = LiveSession(
        Settings(), source=room, voice=room, profiles=tmp_path, recognizer=SaysPauseWord("rood", 5.0)
    )
    worker = threading.Thread(target=live.run, args=(Choice(**{**CHOICE.__dict__, "pause_word": "rood"}),))
    worker.start()
    seen = []
    while (event := live.events.get(timeout=60)) is not None:
        seen.append(event)
        if event.type == "phase" and event.data["protocol"] == "time-out":
            live.send("stop")
            live.send("stop")
    worker.join(timeout=60)
    assert any(e.type == "phase" and e.data["protocol"] == "time-out" for e in seen)
    saved = load_profile("Anna", "Bram", tmp_path)
    assert saved is not None and saved.pause_word == "rood"


class GoneSpeaker:
    """A loudspeaker that is not there (pulled out): every sound fails."""

    busy = False

    def play(self, sound: object) -> None:
        raise PlaybackUnavailable("Geen luidspreker gevonden.")

    def stop(self) -> None:
        return None

    def close(self) -> None:
        return None


def test_without_a_speaker_the_prompts_are_text_only_and_the_session_goes_on(tmp_path: Path) -> None:
    room = Room()
    room.wait_from = 0
    room.gate.set()
    _session(tmp_path, Room(), CHOICE)  # calibrated
    speaker = Speaker(renderer=None, player=GoneSpeaker())
    live = LiveSession(Settings(), source=room, voice=SpeakerVoice(speaker), profiles=tmp_path)
    choice = Choice(**{**CHOICE.__dict__, "protocol": "vertraag"})
    worker = threading.Thread(target=live.run, args=(choice,))
    worker.start()
    phases = []
    while (event := live.events.get(timeout=60)) is not None:
        if event.type == "phase":
            phases.append(event.data["phase"])
            if event.data["phase"] == "spreken":
                live.send("stop")
                live.send("stop")
    worker.join(timeout=60)
    assert not speaker.can_play
    assert phases[:3] == ["welkom", "ademen", "spreken"]  # the welcome and the breath were shown, then on


class WordsAtTheEnd:
    """A recogniser that reports, for each sentence, ten words spoken over four seconds (2.5 words/s)."""

    WORDS, SPAN_S = 10, 4.0

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        return []

    def finish(self) -> list[RecognizerEvent]:
        step = self.SPAN_S / self.WORDS
        words = tuple(Word(f"w{i}", i * step, (i + 1) * step) for i in range(self.WORDS))
        return [Utterance(" ".join(w.text for w in words), 0.0, self.SPAN_S, words)]

    def close(self) -> None:
        return None


def test_with_a_recogniser_the_calibration_also_sets_the_calm_speaking_rate(tmp_path: Path) -> None:
    room = Room()
    live = LiveSession(Settings(), source=room, voice=room, profiles=tmp_path, recognizer=WordsAtTheEnd())
    worker = threading.Thread(target=live.run, args=(CHOICE,))
    worker.start()
    steps = []
    while (event := live.events.get(timeout=60)) is not None:
        if event.type == CALIBRATION:
            steps.append(event.data)
            if event.data["step"] == "done":
                live.send("stop")
                room.gate.set()
    worker.join(timeout=60)
    assert [s["calm_wps"] for s in steps if s["step"] in ("a", "b")] == [2.5, 2.5]
    saved = load_profile("Anna", "Bram", tmp_path)
    assert saved is not None and saved.partner_b.calm_wps == 2.5


def test_a_profile_folder_that_cannot_be_written_is_one_line_and_the_session_goes_on(tmp_path: Path) -> None:
    taken = tmp_path / "bestand"
    taken.write_text("")  # the data folder is a file (XDG_DATA_HOME pointing to a file does this)
    room = Room()
    events = _session(taken / "profiles", room, CHOICE, stop_after="phase")
    notices = [e for e in events if e.type == NOTICE]
    assert len(notices) == 1 and "kalibratie kon niet bewaard" in str(notices[0].data["message"]), notices
    assert [e.data["step"] for e in events if e.type == CALIBRATION][-1] == "done"
    phase = next(e for e in events if e.type == "phase")  # the session began after that line
    assert events.index(phase) > events.index(notices[0])
    assert events[-1].type == "session_end" and not any(e.type == "error" for e in events)


class Vanishing:
    """A microphone that hears one calm sentence and is then lost, until the session interrupts the wait."""

    def __init__(self) -> None:
        self.lost = threading.Event()
        self.interrupted = threading.Event()

    def frames(self) -> Iterator[Frame]:
        sentence = ag.espeak_nl("vandaag heb ik boodschappen gedaan en daarna een stukje gewandeld")
        audio = np.concatenate([ag.silence(1.0), sentence, ag.silence(1.5)])
        for start in range(0, len(audio) - FRAME_SAMPLES, FRAME_SAMPLES):
            yield Frame(audio[start : start + FRAME_SAMPLES], start)
        self.lost.set()
        self.interrupted.wait(timeout=60)  # what ReconnectingSource does while the microphone is away

    def interrupt(self) -> None:
        self.interrupted.set()

    def close(self) -> None:
        self.interrupted.set()


def test_a_stop_from_outside_while_the_microphone_is_lost_ends_now_with_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    save_profile(Profile(PartnerCalm("Anna", -30.0), PartnerCalm("Bram", -30.0), "stoplicht"), tmp_path)
    source = Vanishing()
    live = LiveSession(Settings(), source=source, voice=Room(), profiles=tmp_path, report=True)
    worker = threading.Thread(target=live.run, args=(CHOICE,), daemon=True)
    worker.start()
    assert source.lost.wait(timeout=60)
    live.send("end")  # SIGTERM
    worker.join(timeout=5)
    assert not worker.is_alive()
    events = _drain(live)
    assert [e.data["reason"] for e in events if e.type == "session_end"] == ["stopped"]
    assert any("Het verslag staat in" in line for line in live.report_lines), live.report_lines
    assert len(list((tmp_path / "data" / "vertraag" / "verslagen").glob("*.json"))) == 1


def _session_with(tmp_path: Path, room: Room, choice: Choice, tracker: object) -> list[Event]:
    live = LiveSession(Settings(), source=room, voice=room, profiles=tmp_path, tracker=tracker)  # type: ignore[arg-type]
    worker = threading.Thread(target=live.run, args=(choice,), daemon=True)
    worker.start()
    seen: list[Event] = []
    while (event := live.events.get(timeout=60)) is not None:
        seen.append(event)
        if event.type == CALIBRATION and event.data.get("step") == "done":
            live.send("stop")
            room.gate.set()
    worker.join(timeout=60)
    return seen


def test_the_calibration_enrols_both_voices_and_the_profile_keeps_their_numbers(tmp_path: Path) -> None:
    from tests.voice_fake import ScriptedTracker

    tracker = ScriptedTracker([])
    _session_with(tmp_path, Room(), CHOICE, tracker)
    assert set(tracker.enrolled) == {"a", "b"} and min(tracker.enrolled.values()) > 2 * ag.SAMPLE_RATE
    saved = load_profile("Anna", "Bram", tmp_path)
    assert saved is not None and saved.voices == {"fake": ["a", "b"]}
    assert stat.S_IMODE(profile_path("Anna", "Bram", tmp_path).stat().st_mode) == 0o600


def test_an_older_profile_without_voices_calibrates_again_and_says_why(tmp_path: Path) -> None:
    from tests.voice_fake import ScriptedTracker
    from vertraag.start.profile import PartnerCalm, Profile, save_profile

    save_profile(Profile(PartnerCalm("Anna", -30.0), PartnerCalm("Bram", -28.0), "stoplicht"), tmp_path)
    events = _session_with(tmp_path, Room(), CHOICE, ScriptedTracker([]))
    steps = [e.data["step"] for e in events if e.type == CALIBRATION]
    assert steps[0] == "voices_missing" and steps[-1] == "done"
    from vertraag.render import render

    line = render(next(e for e in events if e.type == CALIBRATION))
    assert "stemmen" in line and "opnieuw" in line
    saved = load_profile("Anna", "Bram", tmp_path)
    assert saved is not None and saved.voices is not None

"""The live session behind `vertraag start`: calibration, then the protocol, on one worker thread.

    display (main thread)                          worker thread (this module)
      keys  -> send("next") -> command queue  ->   drained once per frame: runner.command(name, audio time)
      screen <- events queue  <-  every event of the one stream, plus `meter` (the level meter) and `error`

The worker owns the microphone, the pipeline, the session runner and the voice; the display never touches
them. Time is the frames' audio time; the session's clock starts at 0 when the protocol begins (after the
calibration). A lost microphone (ReconnectingSource calls `source_lost` / `source_back` on this thread,
between frames) holds the session, which says so, and goes on where it was when the microphone is back.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import queue
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vertraag import events as ev
from vertraag.assemble import build_runner, session_config
from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.audio.source import AudioSource
from vertraag.config import Settings
from vertraag.detect.words import WordDetector
from vertraag.enroll import load_voices
from vertraag.errors import UserError
from vertraag.events import Event
from vertraag.loudness import MIN_DBFS, frame_dbfs
from vertraag.phrases import message
from vertraag.pipeline import Pipeline
from vertraag.recognize.base import Recognizer
from vertraag.report.session import SessionReport
from vertraag.report.store import write_reason
from vertraag.session.actions import SOURCE_BACK, SOURCE_LOST
from vertraag.session.prompts import load_prompts
from vertraag.session.runner import SessionRunner
from vertraag.speak.voice import Voice
from vertraag.start.calibrate import Calibration, Cancelled
from vertraag.start.profile import Profile, load_profile, profiles_dir, save_profile
from vertraag.vad import SpeechProbability
from vertraag.voices import PARTNERS, VoiceTracker

log = logging.getLogger(__name__)

METER = "meter"  # display only (not in `run --json`): `level_db`, `calm_db`, `threshold_db` (None = unknown)
ERROR = "error"  # the session could not go on: `message`, one clear sentence
NOTICE = "notice"  # something the user should know while the session goes on (a file not saved): `message`
METER_EVERY_S = 0.1  # the meter moves ten times a second: smooth to the eye, cheap for the queue
REPORT_LEVEL_EVERY_S = 1.0  # the session report's loudness over time (the pipeline's `level` events)
STOP = "stop"
VOICES_MISSING = "voices_missing"  # calibration step: an older profile without voices, calibrating again
END = "end"  # a stop from outside (SIGTERM, SIGINT): end now, the closing words shown, not said


@dataclass(frozen=True)
class Choice:
    """What was chosen before the start (setup screen, config, or flags)."""

    name_a: str
    name_b: str
    pause_word: str
    protocol: str
    raised_voice: bool = True
    words: bool = True
    speech_rate: bool = True
    reuse_profile: bool = True  # use the couple's saved calibration when there is one


@dataclass
class LiveSession:
    settings: Settings
    source: AudioSource
    voice: Voice
    recognizer: Recognizer | None = None
    word_detector: WordDetector | None = None
    speech_probability: SpeechProbability | None = None
    tracker: VoiceTracker | None = None  # tells the partners' voices apart; None = one voice for the room
    profiles: Path | None = None  # the profiles folder; None = the user's data folder
    report: bool = False  # save the session report (README, "The report") in the user's data folder
    report_lines: list[str] = field(default_factory=list)  # what to show after the screen (the report's path)
    events: queue.Queue[Event | None] = field(default_factory=queue.Queue)  # None: the worker is done
    _commands: queue.SimpleQueue[str] = field(default_factory=queue.SimpleQueue)
    _runner: SessionRunner | None = None
    _pipeline: Pipeline | None = None
    _report: SessionReport | None = None
    _base: int | None = None  # the first sample of the session (after the calibration)
    _now: float = 0.0  # audio time of the session (0 = the protocol's start)
    _stopping: bool = False
    ended_from_outside: bool = False  # END was sent: the display closes at once

    # ---------------------------------------------------------------- from the display (any thread)

    def send(self, command: str) -> None:
        """A key or button: next | pause | resume | repeat | timeout | stop. Handled at the next frame."""
        if command == END:
            self.ended_from_outside = True
            interrupt = getattr(self.source, "interrupt", None)
            if callable(interrupt):
                interrupt()  # a lost microphone is not waited for: the session ends now
        if command in (STOP, END):
            self._stopping = True
        elif self._runner is None:
            return  # during the calibration only q counts: a stray key must not skip the welcome later
        self._commands.put(command)

    def profile_for(self, name_a: str, name_b: str) -> Profile | None:
        return load_profile(name_a, name_b, self.profiles)

    # ---------------------------------------------------------------- from the source (worker thread)

    def source_lost(self, reason: str) -> None:
        self._emit(Event(ev.SOURCE_PROBLEM, self._now, {"reason": reason}))
        if self._runner is not None:
            for event in self._runner.notify(SOURCE_LOST, self._now):
                self._emit(event)

    def source_back(self) -> None:
        if self._runner is not None:
            for event in self._runner.notify(SOURCE_BACK, self._now):
                self._emit(event)

    # ---------------------------------------------------------------- the worker

    def run(self, choice: Choice) -> None:
        """The whole session; every outcome ends with `None` on `events`. Never raises."""
        try:
            self._run(choice)
        except Cancelled:
            self._emit(Event(ev.SESSION_END, self._now, {"reason": "stopped"}))
        except UserError as exc:
            self._emit(Event(ERROR, self._now, {"message": exc.message}))
        except Exception as exc:  # the display must end cleanly whatever happens; the log keeps the details
            log.exception("the live session failed")
            self._emit(Event(ERROR, self._now, {"message": f"Er ging iets mis: {exc}"}))
        finally:
            for close in (self.source.close, self.voice.close):
                try:
                    close()
                except Exception:
                    log.exception("closing")
            self.events.put(None)

    def _run(self, choice: Choice) -> None:
        settings = with_choice(self.settings, choice)
        config = session_config(settings, live=True)
        frames = self._metered(self.source.frames())
        profile = self.profile_for(choice.name_a, choice.name_b) if choice.reuse_profile else None
        if profile is not None and self.tracker is not None and not load_voices(self.tracker, profile.voices):
            # Made before vertraag told the voices apart: two sentences each, and it knows who is who.
            self._emit(Event(ev.CALIBRATION, self._now, {"step": VOICES_MISSING}))
            profile = None
        if profile is None:
            profile = self._calibrate(frames, choice)
            self._save_profile(profile)
        elif profile.pause_word != choice.pause_word:  # chosen anew at the start: kept for next time
            self._save_profile(dataclasses.replace(profile, pause_word=choice.pause_word))
        names = {PARTNERS[0]: choice.name_a, PARTNERS[1]: choice.name_b}
        report = SessionReport.begin(None, live=True, transcript=False, names=names) if self.report else None
        if report is not None:
            report.notify = self._notice
        self._report = report
        pipeline = Pipeline(
            settings,
            recognizer=self.recognizer,
            word_detector=self.word_detector,
            speech_probability=self.speech_probability,
            level_every_s=REPORT_LEVEL_EVERY_S if report is not None else None,
            tracker=self.tracker,
        )
        partners = (profile.partner_a, profile.partner_b)
        for key, partner in zip(PARTNERS, partners, strict=True):
            pipeline.calibrate_talker(key, baseline_db=partner.baseline_db, calm_wps=partner.calm_wps)
        if self.tracker is None:  # one voice for the room: a calm level between the two
            pipeline.calibrate_talker(
                None,
                baseline_db=_mean([p.baseline_db for p in partners]),
                calm_wps=_mean([p.calm_wps for p in partners]),
            )
        self._pipeline = pipeline
        closing = report.closing if report is not None else None
        runner = build_runner(pipeline, config, self.voice, settings, live=True, closing=closing)
        self._runner = runner
        try:
            for event in runner.run(self._session_frames(frames)):
                self._pass(event)
        finally:
            if report is not None and pipeline.summary.speech_seconds > 0.0:
                self.report_lines += report.save(until=self._now)

    def _save_profile(self, profile: Profile) -> None:
        """A profile that cannot be written (a full disk) is said in one line; the session goes on."""
        try:
            save_profile(profile, self.profiles)
        except OSError as exc:
            log.warning("the profile was not saved: %s", exc)
            folder = (self.profiles or profiles_dir()).parent
            self._notice(message("profile_not_saved", reden=write_reason(exc, folder)))

    def _notice(self, text: str) -> None:
        self._emit(Event(NOTICE, self._now, {"message": text}))

    def _calibrate(self, frames: Iterator[Frame], choice: Choice) -> Profile:
        calibration = Calibration(
            frames=frames,
            voice=self.voice,
            prompts=load_prompts(),
            vad=self.settings.vad,
            emit=self._emit,
            tail_s=self.settings.session.half_duplex_tail_ms / 1000.0,
            recognizer=self.recognizer,
            tracker=self.tracker,
            speech_probability=self.speech_probability,
            cancelled=lambda: self._stopping,  # q during the calibration: stop before the session
        )
        return calibration.run(choice.name_a, choice.name_b, choice.pause_word)

    def _metered(self, frames: Iterator[Frame]) -> Iterator[Frame]:
        """The frames, with a `meter` event every METER_EVERY_S."""
        power, count, next_t = 0.0, 0, 0.0
        for frame in frames:
            power += 10.0 ** (frame_dbfs(frame.samples) / 10.0)
            count += 1
            if frame.t_end >= next_t:
                level = max(MIN_DBFS, 10.0 * math.log10(power / count)) if power > 0 else MIN_DBFS
                base = (self._base or 0) / SAMPLE_RATE  # in session time once the session runs
                self._emit(self._level(frame.t_end - base, level))
                power, count, next_t = 0.0, 0, frame.t_end + METER_EVERY_S
            yield frame

    def _level(self, t: float, level_db: float) -> Event:
        calm = self._pipeline.calm_db if self._pipeline is not None else None
        threshold = calm + self.settings.raised_voice.threshold_db if calm is not None else None
        return Event(METER, t, {"level_db": level_db, "calm_db": calm, "threshold_db": threshold})

    def _session_frames(self, frames: Iterator[Frame]) -> Iterator[Frame]:
        """The frames in session time (0 = the protocol's start), with the commands handled between them."""
        for frame in frames:
            if self._base is None:
                self._base = frame.start
            frame = Frame(frame.samples, frame.start - self._base)
            self._now = frame.t
            self._drain_commands()
            yield frame
        self._drain_commands()  # a stop that came while no frames did (the microphone lost) ends it here

    def _drain_commands(self) -> None:
        runner = self._runner
        while runner is not None:
            try:
                name = self._commands.get_nowait()
            except queue.Empty:
                return
            ended = runner.end_now(self._now) if name == END else runner.command(name, self._now)
            for event in ended:
                self._pass(event)

    def _pass(self, event: Event) -> None:
        """A session event: into the report, and to the display (the report's loudness is not the meter's)."""
        if self._report is not None:
            self._report.collector.add(event)
        if event.type not in (ev.PARTIAL, ev.LEVEL):
            self._emit(event)

    def _emit(self, event: Event) -> None:
        self.events.put(event)


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def with_choice(settings: Settings, choice: Choice) -> Settings:
    """The settings with the names, pause word, protocol and detectors chosen at the start."""
    protocol = dataclasses.replace(
        settings.protocol,
        name=choice.protocol,
        partner_a=choice.name_a,
        partner_b=choice.name_b,
        pause_word=choice.pause_word,
    )
    session = dataclasses.replace(
        settings.session, raised_voice=choice.raised_voice, words=choice.words, speech_rate=choice.speech_rate
    )
    return dataclasses.replace(settings, protocol=protocol, session=session)

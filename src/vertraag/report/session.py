"""The report side of one `vertraag run`: collect the events, say the closing words, save the files.

`cli_run` makes one `SessionReport` per run, hands every event to `collector`, passes `closing` to the
session runner (the words said at the end) and calls `save` when the run is over. `--record` wraps the frames
with `record`, which writes the audio as it comes (0600) to `<id>.wav.part`, renamed to `<id>.wav` when the
session is saved; without it no audio is written anywhere.

A file that cannot be written never ends the conversation: `notify` gets one Dutch line, the session goes on,
and nothing partial is left. The report is first saved when the closing words are made, so that they say
"the report is ready" only when it is (and a session stopped from outside has its report at once); `save`
writes its final version.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.errors import UserError
from vertraag.report.closing import closing_words, safety_stop
from vertraag.report.collect import ReportCollector
from vertraag.report.store import (
    PARTIAL,
    ensure_dir,
    free_id,
    new_id,
    open_private,
    reports_dir,
    write_reason,
)
from vertraag.report.text import words

log = logging.getLogger(__name__)

SOURCE_LIVE = "microfoon"
SOURCE_RECORDING = "opname"
STOPPED = "stopped"


@dataclass
class SessionReport:
    folder: Path
    chosen: bool
    collector: ReportCollector
    recording: Path | None = None  # the recording's final name (written as `<name>.part` until saved)
    audio_kept: list[Path] = field(default_factory=list)  # every sound file of this session vertraag wrote
    notify: Callable[[str], None] | None = None  # one line for the user when a file cannot be written
    _sink: Any = field(default=None, repr=False)
    _saved: bool = False  # the report is on disk under `collector.report_id`
    _failure: str = ""  # why the report could not be saved

    @classmethod
    def begin(
        cls, chosen: Path | None, *, live: bool, transcript: bool, names: dict[str, str] | None = None
    ) -> SessionReport:
        started = datetime.now().astimezone()
        folder = reports_dir(chosen)
        collector = ReportCollector(
            started=started,
            source=SOURCE_LIVE if live else SOURCE_RECORDING,
            transcript=transcript,
            names=dict(names or {}),
        )
        return cls(folder=folder, chosen=chosen is not None, collector=collector)

    def _prepare(self) -> None:
        """The folder and the session's id, made when the first file is about to be written."""
        if not self.collector.report_id:
            ensure_dir(self.folder, chosen=self.chosen)
            self.collector.report_id = new_id(self.folder, self.collector.started)

    def closing(self, reason: str, t: float) -> str | None:
        """The closing words; the report is saved first, so they say it is ready only when it is."""
        report = self.collector.report(until=t)
        said = closing_words(report, reason)
        if said is None:
            return None
        report["closing"], report["end_reason"] = said, reason
        if self._write(report) is None:
            return closing_words(report, reason, saved=False)
        return said

    def record(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Pass the frames through, writing them to `<id>.wav.part` (only with --record). When the recording
        cannot be written (a full disk), the user is told once, the part is removed and the frames go on."""
        try:
            self._open_recording()
        except UserError as exc:
            self._tell(words("screen", "not_recorded", reden=exc.message))
        except (OSError, RuntimeError) as exc:  # the WAV header could not be written
            self._tell(words("screen", "not_recorded", reden=write_reason(exc, self.folder)))
        for frame in frames:
            if self._sink is not None:
                try:
                    self._sink.write(frame.samples)
                except (OSError, RuntimeError) as exc:  # soundfile's LibsndfileError is a RuntimeError
                    why = write_reason(exc, self.folder)  # before the part is removed and frees the disk
                    self.discard_recording()
                    self._tell(words("screen", "not_recorded", reden=why))
            yield frame

    def _open_recording(self) -> None:
        import soundfile as sf

        self._prepare()
        for _ in range(2):  # the id may have been taken by a parallel run meanwhile: then the next free one
            self.recording = self.folder / f"{self.collector.report_id}.wav"
            try:
                fd = open_private(self._partial(self.recording))
                break
            except UserError:
                if not self._partial(self.recording).exists():
                    raise
                self.collector.report_id = free_id(self.folder, self.collector.report_id)
        else:
            raise UserError(f"Geen vrije naam voor de opname in {self.folder}.")
        try:
            self._sink = sf.SoundFile(fd, "w", SAMPLE_RATE, 1, "PCM_16", format="WAV", closefd=True)
        except BaseException:
            os.close(fd)
            self._partial(self.recording).unlink(missing_ok=True)
            raise
        self.audio_kept.append(self.recording)

    @staticmethod
    def _partial(path: Path) -> Path:
        return path.with_name(path.name + PARTIAL)

    def stop_recording(self) -> None:
        """Close the recording (its header is written now); it keeps its `.part` name until `save`."""
        if self._sink is not None:
            sink, self._sink = self._sink, None
            try:
                sink.close()
            except (OSError, RuntimeError) as exc:
                why = write_reason(exc, self.folder)
                self._forget_recording()
                self._tell(words("screen", "not_recorded", reden=why))

    def discard_recording(self) -> None:
        """Remove the recording (a run that failed, or a recording that could not be written)."""
        sink, self._sink = self._sink, None
        if sink is not None:
            try:
                sink.close()
            except (OSError, RuntimeError):
                log.info("closing the discarded recording failed", exc_info=True)
        self._forget_recording()

    def _forget_recording(self) -> None:
        if self.recording is not None:
            self._partial(self.recording).unlink(missing_ok=True)
            if self.recording in self.audio_kept:
                self.audio_kept.remove(self.recording)
        self.recording = None

    def _tell(self, line: str) -> None:
        if self.notify is not None:
            self.notify(line)
        else:
            log.warning("%s", line)

    def _write(self, report: dict[str, Any]) -> str | None:
        """Save `report` (the first time under a free id); None and the reason kept when it cannot be."""
        from vertraag.report.save import save_report, update_report

        try:
            self._prepare()
            report["id"] = self.collector.report_id
            report["audio_kept"] = bool(self.audio_kept)  # the page says "no sound kept" only when true
            if self._saved:
                _, html_path = update_report(report, self.folder)
            else:
                _, html_path = save_report(report, self.folder)
                self.collector.report_id, self._saved = str(report["id"]), True
        except UserError as exc:
            self._failure = exc.message
            return None
        return str(html_path)

    def save(self, *, until: float) -> list[str]:
        """Write `<id>.json` and `<id>.html`; the lines to show (the closing words when none were said)."""
        lines = []
        report = self.collector.report(until=until)
        if report["end_reason"] is None:
            report["end_reason"] = STOPPED  # Ctrl-C: the session had no end of its own
        if not report["closing"] and not safety_stop(report):
            # Nothing was said (stopped with Ctrl-C): the closing words are shown, and kept.
            report["closing"] = closing_words(report, report["end_reason"]) or ""
            if report["closing"]:
                lines.append(report["closing"])
        html_path = self._write(report)
        if html_path is None:
            lines.append(words("screen", "not_saved", reden=self._failure))
        else:
            lines.append(words("screen", "saved", pad=html_path))
        if self.recording is not None:
            lines += self._keep_recording()
        return lines

    def _keep_recording(self) -> list[str]:
        """The complete recording under its final name (the report's id); kept even without a report."""
        assert self.recording is not None
        final = self.folder / f"{self.collector.report_id}.wav"
        try:
            os.replace(self._partial(self.recording), final)
        except OSError as exc:
            why = write_reason(exc, self.folder)
            self._forget_recording()
            return [words("screen", "not_recorded", reden=why)]
        self.recording = final
        return [words("screen", "recorded", pad=final)]

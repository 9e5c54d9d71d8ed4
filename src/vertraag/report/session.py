"""The report side of one `vertraag run`: collect the events, say the closing words, save the files.

`cli_run` makes one `SessionReport` per run, hands every event to `collector`, passes `closing` to the
session runner (the words said at the end) and calls `save` when the run is over. `--record` wraps the frames
with `record`, which writes the audio as it comes (0600); without it no audio is written anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.errors import UserError
from vertraag.report.closing import closing_words
from vertraag.report.collect import ReportCollector
from vertraag.report.store import ensure_dir, new_id, open_private, reports_dir
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
    recording: Path | None = None
    audio_kept: list[Path] = field(default_factory=list)  # every sound file of this session vertraag wrote
    _sink: Any = field(default=None, repr=False)

    @classmethod
    def begin(cls, chosen: Path | None, *, live: bool, transcript: bool) -> SessionReport:
        started = datetime.now().astimezone()
        folder = reports_dir(chosen)
        collector = ReportCollector(
            started=started, source=SOURCE_LIVE if live else SOURCE_RECORDING, transcript=transcript
        )
        return cls(folder=folder, chosen=chosen is not None, collector=collector)

    def _prepare(self) -> None:
        """The folder and the session's id, made when the first file is about to be written."""
        if not self.collector.report_id:
            ensure_dir(self.folder, chosen=self.chosen)
            self.collector.report_id = new_id(self.folder, self.collector.started)

    def closing(self, reason: str, t: float) -> str | None:
        return closing_words(self.collector.report(until=t), reason)

    def record(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Pass the frames through, writing them to `<id>.wav` (only with --record)."""
        import soundfile as sf

        self._prepare()
        self.recording = self.folder / f"{self.collector.report_id}.wav"
        self.audio_kept.append(self.recording)
        fd = open_private(self.recording)
        fh = open(fd, "wb")  # noqa: SIM115 - closed in stop_recording, also when the run fails
        self._sink = (fh, sf.SoundFile(fh, "w", SAMPLE_RATE, 1, "PCM_16", format="WAV"))
        for frame in frames:
            self._sink[1].write(frame.samples)
            yield frame

    def stop_recording(self) -> None:
        if self._sink is not None:
            fh, wav = self._sink
            wav.close()
            fh.close()
            self._sink = None

    def save(self, *, until: float) -> list[str]:
        """Write `<id>.json` and `<id>.html`; the lines to show (the closing words when none were said)."""
        from vertraag.report.save import save_report

        lines = []
        report = self.collector.report(until=until)
        if report["end_reason"] is None:
            report["end_reason"] = STOPPED  # Ctrl-C: the session had no end of its own
        if not report["closing"] and report["end_reason"] != "safety":
            # Nothing was said (stopped with Ctrl-C): the closing words are shown, and kept.
            report["closing"] = closing_words(report, report["end_reason"]) or ""
            if report["closing"]:
                lines.append(report["closing"])
        try:
            self._prepare()
            report["id"] = self.collector.report_id
            report["audio_kept"] = bool(self.audio_kept)  # the page says "no sound kept" only when true
            _, html_path = save_report(report, self.folder)
        except UserError as exc:
            return [*lines, words("screen", "not_saved", reden=exc.message)]
        lines.append(words("screen", "saved", pad=html_path))
        if self.recording is not None:
            lines.append(words("screen", "recorded", pad=self.recording))
        return lines

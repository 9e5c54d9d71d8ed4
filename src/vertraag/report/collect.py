"""The report of one session, collected from its event stream as the events pass (no second analysis).

`ReportCollector.add(event)` takes every event of a run; `report()` gives a JSON-able dict (format below).
What was said is kept only with `transcript=True`: by default the report holds counts, times and categories,
never a word of the conversation (a word prompt names the word it heard, so prompt texts are left out too).

Report format (FORMAT_VERSION 1), every time in seconds of session audio:
    id, started (ISO local time), duration_s, speech_s, source ("microfoon" | "opname"), protocol, end_reason,
    turns_taken, phases [{phase, protocol, speaker, listener, talker, planned_s, start, end, speech_s}],
    counts {prompts, interventions, prompts_by_reason {reason: n}, language {category: n}, i_messages,
            raised_voices, fast_speech, timeouts, utterances, talked_over},
    speaking [{partner ("a" | "b"), name, speech_s}] (each partner's speech, by attributed voice) and
    speech_unsure_s (speech whose voice was not sure),
    levels [[t, level_db, speech_db | null]], baselines_db [..], prompts [{t, id, reason}],
    pauses [[start, end]], timeouts [[start, end]], closing (the spoken closing words),
    transcript (only when asked): [{t, text}] and the findings [{t, category, match}];
    audio_kept (added when saved, report/session.py): whether vertraag wrote any sound of the session.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vertraag import events as ev
from vertraag.events import Event
from vertraag.report.speaking import SpeakingTime
from vertraag.session.actions import Cue

FORMAT_VERSION = 1
# Prompt reasons that are not vertraag stepping in (guidance, replies to a command, acknowledging an
# I-message): `interventions` and the trend count only the others. "command" is the word category (an order
# said to the partner, nudged as one), never a reply: replies are "reply" (before issue 16 they were
# "command", so old reports count those replies as interventions).
GUIDANCE_REASONS = frozenset({Cue.PROTOCOL, Cue.REPLY, "i_message"})
SUMMARY_REASON = "summary"  # the closing words themselves: in the report as `closing`, not counted
I_MESSAGE = "i_message"
TIMEOUT_PROTOCOL = "time-out"
DECIMALS = 3  # as in the event stream (events.TIME_DECIMALS)


@dataclass
class _Phase:
    phase: str
    protocol: str
    speaker: str | None
    listener: str | None
    talker: str | None
    planned_s: float
    start: float


@dataclass
class ReportCollector:
    """Consumes a run's events as they pass; `report()` at the end."""

    started: datetime
    source: str
    transcript: bool = False
    report_id: str = ""
    names: dict[str, str] = field(default_factory=dict)  # partner key -> name
    _end_t: float = 0.0
    _end_reason: str | None = None
    _phases: list[_Phase] = field(default_factory=list)
    _speech: list[tuple[float, float]] = field(default_factory=list)
    _speech_open: float | None = None
    _levels: list[list[float | None]] = field(default_factory=list)
    _baselines: list[float] = field(default_factory=list)
    _prompts: list[dict[str, Any]] = field(default_factory=list)
    _reasons: Counter[str] = field(default_factory=Counter)
    _language: Counter[str] = field(default_factory=Counter)
    _i_messages: int = 0
    _raised: int = 0
    _fast: int = 0
    _utterances: int = 0
    _talked_over: int = 0
    _speaking: SpeakingTime = field(default_factory=SpeakingTime)  # per partner, by voice
    _pauses: list[list[float]] = field(default_factory=list)
    _pause_open: float | None = None
    _closing: str = ""
    _said: list[dict[str, Any]] = field(default_factory=list)
    _findings: list[dict[str, Any]] = field(default_factory=list)

    def add(self, event: Event) -> None:
        if not _after_the_conversation(event):
            self._end_t = max(self._end_t, event.t)
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(self, event)

    # ---- one method per event type ----------------------------------------------------------------

    def _phase(self, event: Event) -> None:
        data = event.data
        self._phases.append(
            _Phase(
                phase=str(data.get("phase", "")),
                protocol=str(data.get("protocol", "")),
                speaker=data.get("speaker"),
                listener=data.get("listener"),
                talker=data.get("talker"),
                planned_s=float(data.get("seconds", 0) or 0),
                start=event.t,
            )
        )

    def _speech_start(self, event: Event) -> None:
        self._speech_open = event.t
        self._speaking.segment_started()

    def _voice(self, event: Event) -> None:
        self._speaking.heard(event)

    def _speech_end(self, event: Event) -> None:
        duration = float(event.data.get("duration", 0.0))
        start = self._speech_open if self._speech_open is not None else event.t - duration
        self._speech.append((start, start + duration))
        self._speech_open = None
        self._speaking.segment_ended(event, duration)

    def _level(self, event: Event) -> None:
        speech = event.data.get("speech_db")
        self._levels.append(
            [
                round(event.t, DECIMALS),
                round(float(event.data["level_db"]), 1),
                None if speech is None else round(float(speech), 1),
            ]
        )

    def _baseline(self, event: Event) -> None:
        self._baselines.append(round(float(event.data["baseline_db"]), 1))

    def _prompt(self, event: Event) -> None:
        reason = str(event.data.get("reason", ""))
        if reason == SUMMARY_REASON:
            self._closing = str(event.data.get("text", ""))
            return
        self._reasons[reason] += 1
        entry: dict[str, Any] = {"t": round(event.t, DECIMALS), "id": event.data.get("id"), "reason": reason}
        if self.transcript:
            entry["text"] = event.data.get("text")
        self._prompts.append(entry)

    def _finding(self, event: Event) -> None:
        category = str(event.data.get("category", ""))
        if category == I_MESSAGE:
            self._i_messages += 1
        else:
            self._language[category] += 1
        if self.transcript:
            self._findings.append(
                {"t": round(event.t, DECIMALS), "category": category, "match": event.data.get("match")}
            )

    def _raised_voice(self, event: Event) -> None:
        self._raised += 1

    def _speech_rate(self, event: Event) -> None:
        self._fast += 1

    def _utterance(self, event: Event) -> None:
        self._utterances += 1
        if self.transcript:
            self._said.append({"t": round(event.t, DECIMALS), "text": event.data.get("text", "")})

    def _talked_over_event(self, event: Event) -> None:
        self._talked_over += 1

    def _timer(self, event: Event) -> None:
        if not event.data.get("running") and self._pause_open is None:
            self._pause_open = event.t
        elif event.data.get("running") and self._pause_open is not None:
            if event.t > self._pause_open:
                self._pauses.append([round(self._pause_open, DECIMALS), round(event.t, DECIMALS)])
            self._pause_open = None

    def _session_end(self, event: Event) -> None:
        self._end_reason = str(event.data.get("reason", ""))

    # ---- the report -----------------------------------------------------------------------------------

    def report(self, *, until: float | None = None) -> dict[str, Any]:
        """The report so far (`until`: the audio time the session ended, when later than its last event)."""
        end = max(self._end_t, until or 0.0)
        speech = list(self._speech)
        if self._speech_open is not None:  # speech still going when the input ended
            speech.append((self._speech_open, end))
        pauses = list(self._pauses)
        if self._pause_open is not None and end > self._pause_open:
            pauses.append([round(self._pause_open, DECIMALS), round(end, DECIMALS)])
        phases = self._phase_rows(end, speech)
        timeouts = _timeout_spans(phases)
        counts: dict[str, Any] = {
            "prompts": sum(self._reasons.values()),
            "interventions": sum(n for r, n in self._reasons.items() if r not in GUIDANCE_REASONS),
            "prompts_by_reason": dict(sorted(self._reasons.items())),
            "language": dict(sorted(self._language.items())),
            "i_messages": self._i_messages,
            "raised_voices": self._raised,
            "fast_speech": self._fast,
            "timeouts": len(timeouts),
            "utterances": self._utterances,
            "talked_over": self._talked_over,
        }
        report: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "id": self.report_id,
            "started": self.started.isoformat(timespec="seconds"),
            "duration_s": round(end, DECIMALS),
            "speech_s": round(sum(b - a for a, b in speech), DECIMALS),
            "source": self.source,
            "protocol": self._phases[0].protocol if self._phases else "",
            "end_reason": self._end_reason,
            "turns_taken": _turns_taken(phases),
            "phases": phases,
            "speaking": self._speaking.rows(self.names),
            "speech_unsure_s": self._speaking.seconds(None),
            "counts": counts,
            "levels": self._levels,
            "baselines_db": self._baselines,
            "prompts": self._prompts,
            "pauses": pauses,
            "timeouts": timeouts,
            "closing": self._closing,
        }
        if self.transcript:
            report["transcript"] = {"utterances": self._said, "findings": self._findings}
        return report

    def _phase_rows(self, end: float, speech: list[tuple[float, float]]) -> list[dict[str, Any]]:
        rows = []
        for i, phase in enumerate(self._phases):
            stop = self._phases[i + 1].start if i + 1 < len(self._phases) else end
            spoken = sum(max(0.0, min(b, stop) - max(a, phase.start)) for a, b in speech)
            rows.append(
                {
                    "phase": phase.phase,
                    "protocol": phase.protocol,
                    "speaker": phase.speaker,
                    "listener": phase.listener,
                    "talker": phase.talker,
                    "planned_s": phase.planned_s,
                    "start": round(phase.start, DECIMALS),
                    "end": round(stop, DECIMALS),
                    "speech_s": round(spoken, DECIMALS),
                }
            )
        return rows


def _turns_taken(phases: list[dict[str, Any]]) -> int:
    """How often the word went to a speaker: each run of phases with the same (named) speaker is one turn."""
    turns, previous = 0, None
    for row in phases:
        speaker = row["speaker"]
        if speaker is not None and speaker != previous:
            turns += 1
        previous = speaker
    return turns


def _timeout_spans(phases: list[dict[str, Any]]) -> list[list[float]]:
    """Each time-out taken: from its first phase to the first phase after it (or the end)."""
    spans: list[list[float]] = []
    for row in phases:
        if row["protocol"] != TIMEOUT_PROTOCOL:
            continue
        if spans and spans[-1][1] == row["start"]:
            spans[-1][1] = row["end"]
        else:
            spans.append([row["start"], row["end"]])
    return spans


def _after_the_conversation(event: Event) -> bool:
    """The closing words and the end: vertraag's last words, not part of the conversation's length."""
    return event.type == ev.SESSION_END or (
        event.type == ev.PROMPT and event.data.get("reason") == SUMMARY_REASON
    )


_HANDLERS = {
    ev.PHASE: ReportCollector._phase,
    ev.SPEECH_START: ReportCollector._speech_start,
    ev.SPEECH_END: ReportCollector._speech_end,
    ev.VOICE: ReportCollector._voice,
    ev.LEVEL: ReportCollector._level,
    ev.BASELINE: ReportCollector._baseline,
    ev.PROMPT: ReportCollector._prompt,
    ev.FINDING: ReportCollector._finding,
    ev.RAISED_VOICE: ReportCollector._raised_voice,
    ev.SPEECH_RATE: ReportCollector._speech_rate,
    ev.UTTERANCE: ReportCollector._utterance,
    ev.TIMER: ReportCollector._timer,
    ev.TALKED_OVER: ReportCollector._talked_over_event,
    ev.SESSION_END: ReportCollector._session_end,
}

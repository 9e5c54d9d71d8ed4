"""Decision latencies in audio time, read from a run's events and the scene's marks.

- words: from the end of a trigger sentence's speech to the word detector's finding for it (the decision);
  also to the prompt, which for an absolute waits for a pause by design (`pause_ms`).
- Vosk stand-in: from the end of each Vosk utterance (its own `end`) to its finding.
- raised voice: from the start of the louder speech to the pause prompt (the decision; or the time-out
  proposal, which answers the third raised voice in five minutes), and to the `raised_voice` event.
"""

from __future__ import annotations

from typing import Any

from bench.measure import spread
from bench.scenes import RAISED, Mark
from bench.session_runs import Emitted
from vertraag import events as ev

# A time belongs to a mark when it lies in the mark's speech, give or take this much (an engine's times
# are a little early or late at the edges).
EDGE_S = 0.5
ESCALATION = "escalation"  # the prompt reason of the time-out proposal


def _near(t: float, mark: Mark) -> bool:
    return mark.start - EDGE_S <= t <= mark.end + EDGE_S


def _overlaps(finding: Emitted, mark: Mark) -> bool:
    """The finding's utterance overlaps the mark's speech (its end includes the voice activity's hangover)."""
    data = finding.event.data
    return float(data["utterance_start"]) < mark.end and float(data["utterance_end"]) > mark.start


def word_latency(emitted: list[Emitted], marks: tuple[Mark, ...]) -> dict[str, Any]:
    findings = [e for e in emitted if e.event.type == ev.FINDING and e.event.data["category"] != "i_message"]
    prompts = [e for e in emitted if e.event.type == ev.PROMPT]
    triggers = [m for m in marks if m.kind != RAISED]
    decided, prompted = [], []
    for mark in triggers:
        hit = [f for f in findings if _overlaps(f, mark)]
        if hit:
            decided.append(hit[0].at - mark.end)
        said = [p for p in prompts if _near(float(p.event.data["trigger_t"] or -1.0), mark)]
        if said:
            prompted.append(said[0].event.t - mark.end)
    claimed = {id(f) for m in triggers for f in findings if _overlaps(f, m)}
    return {
        **spread(decided),
        "triggers": len(triggers),
        "missed": len(triggers) - len(decided),
        "false_findings": sum(1 for f in findings if id(f) not in claimed),
        "prompt": spread(prompted),  # an absolute waits for a pause; any prompt waits out `min_gap_s`
        "from": "end of the trigger sentence's speech",
    }


def stand_in_latency(emitted: list[Emitted]) -> dict[str, Any]:
    ends: dict[float, float] = {}
    for e in emitted:
        if e.event.type == ev.FINDING:
            ends.setdefault(float(e.event.data["utterance_end"]), e.at)
    return {
        **spread([at - end for end, at in ends.items()]),
        "vosk_ko_stand_in": True,
        "from": "the end of each Vosk utterance (its own `end`)",
    }


def raised_latency(emitted: list[Emitted], marks: tuple[Mark, ...], *, hold_s: float) -> dict[str, Any]:
    raised = [e for e in emitted if e.event.type == ev.RAISED_VOICE]
    # The third raised voice within five minutes is answered with the time-out proposal: a pause all the same.
    answers = (ev.RAISED_VOICE, ESCALATION)
    prompts = [e for e in emitted if e.event.type == ev.PROMPT and e.event.data["reason"] in answers]
    decided, detected = [], []
    wanted = [m for m in marks if m.kind == RAISED]
    for mark in wanted:
        said = [p for p in prompts if _near(float(p.event.data["trigger_t"]), mark)]
        if said:
            decided.append(said[0].event.t - mark.start)
        seen = [r for r in raised if _near(float(r.event.data["onset"]), mark)]
        if seen:
            detected.append(seen[0].at - mark.start)
    return {
        **spread(decided),
        "passages": len(wanted),
        "missed": len(wanted) - len(decided),
        "event": spread(detected),
        "hold_s": hold_s,
        "from": "the start of the louder speech",
    }

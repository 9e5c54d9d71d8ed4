"""Turn-taking that listens: noticing when one partner talks over the other in a phase where one has the word.

The pipeline says whose voice is heard (`voice` events about every second of a segment, and the whole
segment's talker on `speech_end`). In a talk phase with one expected talker (`phase.talker`), the other
partner's voice counts as talking over them when it lasts `talk_over_s` in one segment, or, outside the
mirroring phases, when it comes `times` times within `within_s` in stretches of at least `short_s`. A short
"ja" or "mm" never counts; an unsure voice never counts; the free protocol (no expected talker) never counts.
The thresholds are data: interventions.toml, [interruption]. Pure functions over the session's state; the
engine turns a `TalkedOver` into a pending `interruption` prompt, said at the next pause.
"""

from __future__ import annotations

import dataclasses

from vertraag.session.actions import TalkedOver
from vertraag.session.policy import INTERRUPTION, TurnRule
from vertraag.session.state import State

OTHER = {"a": "b", "b": "a"}


def whose_turn(state: State) -> str | None:
    """The partner who has the word now, or None (no talk phase, both may talk, a time-out, the closing)."""
    phase = state.phase
    if phase is None or phase.spec.kind != "talk" or state.stopping or state.in_timeout:
        return None
    return phase.talker if phase.talker in OTHER else None


def segment_started(state: State) -> State:
    return dataclasses.replace(state, over_s=0.0, over_noticed=False)


def heard(state: State, talker: object, seconds: float) -> tuple[State, TalkedOver | None]:
    """About a second of `talker`'s voice inside the running segment."""
    turn = whose_turn(state)
    if turn is None or talker != OTHER[turn]:
        return state, None
    over = state.over_s + seconds
    state = dataclasses.replace(state, over_s=over)
    if over < _rule(state).talk_over_s or state.over_noticed:
        return state, None
    return dataclasses.replace(state, over_noticed=True, overs=()), TalkedOver(OTHER[turn], turn, over)


def segment_ended(state: State, talker: object, duration: float, t: float) -> tuple[State, TalkedOver | None]:
    """The segment that ended at `t` was `talker`'s (None: unsure) and lasted `duration` seconds."""
    turn = whose_turn(state)
    noticed = state.over_noticed
    state = segment_started(state)
    if turn is None or talker != OTHER[turn] or noticed:
        return state, None
    rule = _rule(state)
    found = TalkedOver(OTHER[turn], turn, duration)
    if duration >= rule.talk_over_s:
        return dataclasses.replace(state, overs=()), found
    if duration < rule.short_s or _mirroring(state):
        return state, None
    recent = (*(x for x in state.overs if t - x <= rule.within_s), t)
    if len(recent) >= rule.times:
        return dataclasses.replace(state, overs=()), found
    return dataclasses.replace(state, overs=recent), None


def _mirroring(state: State) -> bool:
    """The listener gives back what they heard: the speaker's brief confirmations are welcome."""
    phase = state.phase
    return phase is not None and phase.listener is not None and phase.talker == phase.listener


def _rule(state: State) -> TurnRule:
    rule = state.config.policy[INTERRUPTION].turns
    assert rule is not None  # the policy loader always reads it for [interruption]
    return rule

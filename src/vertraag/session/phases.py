"""The phases room of the engine: enter a phase, the next one, time up, stop, the time-out.

A phase ends when its time is up, at the next pause in speech (at most phase_end_grace_s later), or on
"next"; "stop" runs the closing (a second "stop" ends at once); a time-out is inserted into the conversation
and the conversation goes on where it was.
"""

from __future__ import annotations

import dataclasses

from vertraag.session.actions import Action, Breathe, Chime, Cue, End, Ending, Hush, PhaseChange
from vertraag.session.policy import Reason
from vertraag.session.protocol import PhaseEnds, PhaseKind
from vertraag.session.state import TIMEOUT_PROTOCOL, Hold, Saying, State
from vertraag.session.talk import say_prompt

Step = tuple[State, list[Action]]


def enter(state: State, index: int) -> Step:
    config = state.config
    if index >= len(state.plan):
        if state.in_timeout:
            state = dataclasses.replace(state, plan=config.plan, in_timeout=False)
            return enter(state, state.resume_index)
        return end(state, Ending.STOPPED if state.stopping else Ending.DONE, [])
    phase = state.plan[index]
    state = dataclasses.replace(
        state,
        index=index,
        remaining_s=phase.seconds,
        time_up_at=None,
        reminded=False,
        pending=None,
        early_votes=0,
    )
    names = config.names
    actions: list[Action] = [
        PhaseChange(
            protocol=config.protocol.name if not state.in_timeout else TIMEOUT_PROTOCOL,
            phase=phase.id,
            kind=phase.spec.kind,
            speaker=names.get(phase.speaker) if phase.speaker else None,
            listener=names.get(phase.listener) if phase.listener else None,
            talker=phase.talker,
            seconds=phase.seconds,
        )
    ]
    if phase.spec.prompt is not None:
        state, say = say_prompt(state, phase.spec.prompt, Cue.PROTOCOL, state.now)
        actions.append(say)
        if phase.spec.breath is not None:
            actions.append(Breathe(phase.spec.breath))
        state = dataclasses.replace(state, saying=Saying.PHASE, holds=state.holds | {Hold.SAYING})
    return state, actions


def next_phase(state: State, *, hush: bool = False) -> Step:
    phase = state.phase
    actions: list[Action] = [Hush()] if hush else []
    if phase is not None and phase.spec.chime_end is not None:
        actions.append(Chime(phase.spec.chime_end))
    state = dataclasses.replace(state, saying=None, holds=state.holds - {Hold.SAYING})
    state, more = enter(state, state.index + 1)
    return state, actions + more


def time_up(state: State) -> Step:
    phase = state.phase
    assert phase is not None
    if phase.spec.ends == PhaseEnds.NEXT and not state.reminded and phase.spec.reminder is not None:
        state = dataclasses.replace(state, reminded=True, remaining_s=phase.seconds, time_up_at=None)
        state, say = say_prompt(state, phase.spec.reminder, Cue.PROTOCOL, state.now)
        return dataclasses.replace(state, saying=Saying.PHASE, holds=state.holds | {Hold.SAYING}), [say]
    grace = state.config.settings.phase_end_grace_s
    waited = state.now - (state.time_up_at if state.time_up_at is not None else state.now)
    if phase.spec.kind == PhaseKind.WAIT or in_pause(state) or waited >= grace:
        return next_phase(state)
    return state, []


def in_pause(state: State) -> bool:
    pause_s = state.config.settings.pause_ms / 1000.0
    return not state.speaking and state.now - state.silent_since >= pause_s


def stop(state: State) -> Step:
    config = state.config
    closing = len(config.plan) - len(config.protocol.closing)
    if state.stopping or state.in_timeout or not config.protocol.closing or state.index >= closing:
        return end(state, Ending.STOPPED, [Hush()] if state.saying is not None else [])
    state = dataclasses.replace(state, stopping=True, pending=None, proposal_t=None)
    state, actions = enter(state, closing)
    return state, [Hush(), *actions] if state.saying is not None else actions


def in_break(state: State) -> bool:
    """The time-out's wait is running (the partners are apart)."""
    phase = state.phase
    return state.in_timeout and phase is not None and phase.spec.kind == PhaseKind.WAIT


def _break_over(state: State) -> bool:
    """The time-out's wait is done: the partners are back (and may ask for more time)."""
    waits = [i for i, p in enumerate(state.plan) if p.spec.kind == PhaseKind.WAIT]
    return state.in_timeout and bool(waits) and state.index > waits[0]


def start_timeout(state: State) -> Step:
    """A break now; or, asked for when a break is just over ("more time"), another one."""
    config = state.config
    more_time = _break_over(state)
    if state.in_timeout and not more_time:
        return state, []
    if config.protocol.name == TIMEOUT_PROTOCOL or not config.timeout_plan:
        return state, []
    state = dataclasses.replace(
        state,
        plan=config.timeout_plan,
        in_timeout=True,
        resume_index=state.resume_index if more_time else max(state.index, 0),
        pending=None,
        proposal_t=None,
        escalations=(),
        holds=frozenset(),
    )
    state, actions = enter(dataclasses.replace(state, saying=None), 0)
    return state, [Hush(), *actions]


def end(state: State, reason: Ending | Reason, actions: list[Action]) -> Step:
    state = dataclasses.replace(state, ended=True, pending=None, holds=frozenset())
    return state, [*actions, End(reason)]

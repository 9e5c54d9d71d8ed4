"""The session engine: a pure step function over the one event stream, driven by audio time.

    state = initial_state(config)
    state, actions = start(state, now=0.0)
    state, actions = step(state, event, now)      # for every event, and a TICK per frame

No hardware, no engine, no clock: `now` is audio time passed in, so a two-minute turn is tested in
milliseconds. Timers are deadlines checked on each step. What vertraag says and when is data (protocols/,
interventions.toml, prompts.toml). The engine has three rooms:
- this module: the door and the clock (events in, commands, deadlines come due);
- interventions.py: notice, escalate, acknowledge, intervene (when vertraag steps in), with turns.py:
  talking over the partner who has the word;
- phases.py: enter, next, time up, stop, time-out (how the conversation moves on).

A running break ends early only when both want it (two voices, or a key): one "verder" or "volgende" gets a
calm reply that the break goes on.
"""

from __future__ import annotations

import dataclasses

from vertraag import events as ev
from vertraag.events import Event
from vertraag.session import commands as cmd
from vertraag.session import inbox, turns
from vertraag.session.actions import (
    PROMPT_DONE,
    SOURCE_BACK,
    SOURCE_LOST,
    Action,
    Cue,
    Ending,
    Hush,
    Say,
    Timer,
)
from vertraag.session.interventions import heard, noticed, talked_over, try_pending
from vertraag.session.phases import end, enter, in_break, in_pause, next_phase, start_timeout, stop, time_up
from vertraag.session.policy import SWITCHES, Signal
from vertraag.session.protocol import SPOKEN_KINDS
from vertraag.session.state import Hold, Saying, State
from vertraag.session.talk import say_prompt

Step = tuple[State, list[Action]]
BOTH_PARTNERS = 2  # voices needed to end a running break early (a key counts as both)


def start(state: State, now: float) -> Step:
    """Begin the session: the first phase."""
    state = dataclasses.replace(state, now=now, silent_since=now)
    state, actions = enter(state, 0)
    return _finish_step(state, actions)


def step(state: State, event: Event, now: float) -> Step:
    """One event at audio time `now` -> the new state and what to do."""
    if state.ended:
        return state, []
    before = state.timer_running
    state = _advance_clock(state, now)
    state, actions = _handle(state, event)
    if not state.ended:
        state, more = _due(state)
        actions += more
    return _finish_step(state, actions, before=before)


def finish(state: State, now: float) -> Step:
    """The input ended (end of a recording): end the session where it is."""
    if state.ended:
        return state, []
    state = _advance_clock(state, now)
    return end(state, Ending.END_OF_INPUT, [])


def _advance_clock(state: State, now: float) -> State:
    elapsed = max(0.0, now - state.now)
    if not state.timer_running:
        return dataclasses.replace(state, now=max(now, state.now))
    remaining = max(0.0, state.remaining_s - elapsed)
    time_up = state.time_up_at
    if remaining == 0.0 and time_up is None:
        time_up = state.now + state.remaining_s
    return dataclasses.replace(state, now=max(now, state.now), remaining_s=remaining, time_up_at=time_up)


def _finish_step(state: State, actions: list[Action], *, before: bool = False) -> Step:
    if state.timer_running != before:
        actions = [*actions, Timer(running=state.timer_running, remaining_s=state.remaining_s)]
    return state, actions


def _handle(state: State, event: Event) -> Step:
    if event.type == ev.SPEECH_START:
        return turns.segment_started(dataclasses.replace(state, speaking=True)), []
    if event.type == ev.SPEECH_END:
        state = dataclasses.replace(state, speaking=False, silent_since=event.t)
        segment = inbox.segment(event)
        return talked_over(*turns.segment_ended(state, segment.talker, segment.duration, event.t))
    if event.type == PROMPT_DONE:
        return _prompt_done(state)
    if event.type in (SOURCE_LOST, SOURCE_BACK):
        return _source(state, lost=event.type == SOURCE_LOST)
    commands, pause_word = state.config.commands, state.config.pause_word
    view = inbox.read(event, command_in=lambda text: commands.command(text, pause_word=pause_word))
    if isinstance(view, inbox.VoiceHeard):
        return talked_over(*turns.heard(state, view.talker, view.seconds))
    if isinstance(view, inbox.Command):
        return _command(state, view.command, by_voice=view.by_voice)
    if isinstance(view, inbox.Heard):
        return heard(state, view)
    if isinstance(view, inbox.Noticed) and _listening_for(state, view.signal):
        return noticed(state, view.signal, view.onset), []
    return state, []


def _listening_for(state: State, signal: Signal) -> bool:
    switch = SWITCHES.get(signal)
    return switch is None or switch(state.config.settings)


def _prompt_done(state: State) -> Step:
    saying = state.saying
    state = dataclasses.replace(state, saying=None, holds=state.holds - {Hold.SAYING})
    if saying == Saying.PROPOSAL:
        return dataclasses.replace(state, proposal_t=state.now), []
    phase = state.phase
    if saying == Saying.PHASE and phase is not None and phase.spec.kind in SPOKEN_KINDS:
        return next_phase(state)
    return state, []


def _source(state: State, *, lost: bool) -> Step:
    """The microphone went away (hold everything and say so) or came back (say so and go on)."""
    if lost == (Hold.SOURCE in state.holds):
        return state, []
    holds = state.holds | {Hold.SOURCE} if lost else state.holds - {Hold.SOURCE}
    cut = state.saying  # what vertraag was saying when the microphone went
    state = dataclasses.replace(state, holds=holds, pending=None, speaking=False, silent_since=state.now)
    state, actions = _reply(state, "microfoon_weg" if lost else "microfoon_terug", hush=cut is not None)
    phase = state.phase
    if not lost and phase is not None and phase.spec.kind in SPOKEN_KINDS:
        state, again = enter(state, state.index)  # a guide cut short is given again, whole
        actions += again
    return state, actions


def _command(state: State, command: str, *, by_voice: bool) -> Step:
    if command in (cmd.NEXT, cmd.RESUME) and in_break(state):
        return _end_break_early(state, by_voice=by_voice)
    if command == cmd.NEXT:
        return next_phase(state, hush=state.saying is not None)
    if command == cmd.PAUSE and Hold.USER not in state.holds:
        state = dataclasses.replace(state, holds=state.holds | {Hold.USER})
        return _reply(state, "pauze")
    if command == cmd.RESUME:
        if state.proposal_t is not None or state.saying == Saying.PROPOSAL:
            state = dataclasses.replace(state, proposal_t=None, escalations=())
            return _reply(state, "timeout_geannuleerd", hush=state.saying == Saying.PROPOSAL)
        if Hold.USER in state.holds:
            return _reply(dataclasses.replace(state, holds=state.holds - {Hold.USER}), "verder")
    if command == cmd.REPEAT and state.last_said is not None and state.saying is None:
        prompt, variant, text, said = state.last_said
        say = Say(prompt, variant, text, said, Cue.REPLY, state.now)
        return dataclasses.replace(state, saying=Saying.REPLY), [say]
    if command == cmd.STOP:
        return stop(state)
    if command == cmd.TIMEOUT:
        return start_timeout(state)
    return state, []


def _end_break_early(state: State, *, by_voice: bool) -> Step:
    """A running break ends early only when both want it: a key, or a second voice ("verder", "volgende").
    vertraag cannot yet tell the two voices apart, so two such commands count as both partners."""
    votes = state.early_votes + 1 if by_voice else BOTH_PARTNERS
    hush = state.saying is not None
    if votes < BOTH_PARTNERS:
        return _reply(dataclasses.replace(state, early_votes=votes), "timeout_loopt", hush=hush)
    return next_phase(dataclasses.replace(state, early_votes=0), hush=hush)


def _reply(state: State, prompt_id: str, *, hush: bool = False) -> Step:
    state, say = say_prompt(state, prompt_id, Cue.REPLY, state.now)
    return dataclasses.replace(state, saying=Saying.REPLY), [*([Hush()] if hush else []), say]


def _due(state: State) -> Step:
    """Whatever has come due at `state.now`: an intervention, the end of a phase, a time-out."""
    if state.saying is not None or Hold.SOURCE in state.holds:
        return state, []
    settings = state.config.settings
    if state.pending is not None:
        state, actions = try_pending(state)
        if actions:
            return state, actions
    if state.proposal_t is not None and state.now - state.proposal_t >= settings.timeout_accept_s:
        grace_over = state.now - state.proposal_t >= settings.timeout_accept_s + settings.phase_end_grace_s
        if in_pause(state) or grace_over:
            return start_timeout(state)
    phase = state.phase
    if phase is not None and phase.timed and state.remaining_s == 0.0 and Hold.USER not in state.holds:
        return time_up(state)
    return state, []


__all__ = ["finish", "start", "step"]

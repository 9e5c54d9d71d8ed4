"""The session engine: a pure step function over the one event stream, driven by audio time.

    state = initial_state(config)
    state, actions = start(state, now=0.0)
    state, actions = step(state, event, now)      # for every event, and a TICK per frame

No hardware, no engine, no clock: `now` is audio time passed in, so a two-minute turn is tested in
milliseconds. Timers are deadlines checked on each step. What vertraag says and when is data (protocols/,
interventions.toml, prompts.toml); this module decides the moment:
- a phase ends when its time is up, at the next pause in speech (at most phase_end_grace_s later), or on
  "next";
- an intervention waits for its moment ("pause": a pause in speech; "now": at once), at most one per
  min_gap_s, the highest priority first, gentle first and firmer when it goes on, never the same wording twice
  in a row; a stale one (the moment has passed) is dropped;
- talking over the partner who has the word is noticed (session/turns.py) and invited to wait, at a pause;
- repeated raised voices or threats propose a time-out, which starts unless someone says "verder";
- danger (safety) stops the exercise at once with the help lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from vertraag import events as ev
from vertraag.events import Event
from vertraag.session import commands as cmd
from vertraag.session import turns
from vertraag.session.actions import (
    COMMAND,
    PROMPT_DONE,
    SOURCE_BACK,
    SOURCE_LOST,
    Action,
    Breathe,
    Chime,
    End,
    Hush,
    PhaseChange,
    Say,
    TalkedOver,
    Timer,
)
from vertraag.session.policy import (
    AT_ONCE,
    ESCALATION,
    I_MESSAGE,
    INTERRUPTION,
    RAISED_VOICE,
    SAFETY,
    SPEECH_RATE,
    WORD_REASONS,
    Intervention,
)
from vertraag.session.state import (
    HOLD_SOURCE,
    HOLD_USER,
    HOLD_VOICE,
    TIMEOUT_PROTOCOL,
    VOICE_INTERVENTION,
    VOICE_PHASE,
    VOICE_PROPOSAL,
    VOICE_REPLY,
    Pending,
    State,
)
from vertraag.session.talk import minutes_text, params_for

PROTOCOL_REASON = "protocol"
COMMAND_REASON = "command"
Step = tuple[State, list[Action]]


def start(state: State, now: float) -> Step:
    """Begin the session: the first phase."""
    state = dataclasses.replace(state, now=now, silent_since=now)
    state, actions = _enter(state, 0)
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
    return _end(state, "end_of_input", [])


# ------------------------------------------------------------------------------------------ the clock


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


# ------------------------------------------------------------------------------------------ events in


def _handle(state: State, event: Event) -> Step:
    data: Mapping[str, Any] = event.data
    if event.type == ev.SPEECH_START:
        return turns.segment_started(dataclasses.replace(state, speaking=True)), []
    if event.type == ev.SPEECH_END:
        state = dataclasses.replace(state, speaking=False, silent_since=event.t)
        duration = float(data.get("duration", 0.0))
        return _talked_over(*turns.segment_ended(state, data.get("talker"), duration, event.t))
    if event.type == ev.VOICE:
        seconds = float(data.get("end", event.t)) - float(data.get("start", event.t))
        return _talked_over(*turns.heard(state, data.get("talker"), seconds))
    if event.type == PROMPT_DONE:
        return _prompt_done(state)
    if event.type == COMMAND:
        return _command(state, str(data.get("command", "")))
    if event.type in (SOURCE_LOST, SOURCE_BACK):
        return _source(state, lost=event.type == SOURCE_LOST)
    if event.type == ev.UTTERANCE:
        said = state.config.commands.command(str(data.get("text", "")), pause_word=state.config.pause_word)
        return _command(state, said) if said is not None else (state, [])
    if event.type == ev.FINDING:
        return _finding(state, event)
    if event.type == ev.RAISED_VOICE and state.config.settings.raised_voice:
        return _noticed(state, RAISED_VOICE, float(data.get("onset", event.t))), []
    if event.type == ev.SPEECH_RATE and state.config.settings.speech_rate:
        return _noticed(state, SPEECH_RATE, float(data.get("onset", event.t))), []
    return state, []


def _talked_over(state: State, found: TalkedOver | None) -> Step:
    if found is None or not _watching(state):
        return state, []
    return _noticed(state, INTERRUPTION, state.now), [found]


def _finding(state: State, event: Event) -> Step:
    category = str(event.data.get("category", ""))
    trigger = float(event.data.get("utterance_end", event.t))
    if category == SAFETY:
        return _intervene(state, Pending(SAFETY, trigger, state.config.policy[SAFETY].priority))
    if category == I_MESSAGE:
        return _acknowledge(state, trigger), []
    if category in WORD_REASONS and state.config.settings.words:
        word, reframe = str(event.data.get("match", "")), str(event.data.get("reframe", ""))
        return _noticed(state, category, trigger, word=word, reframe=reframe), []
    return state, []


def _noticed(state: State, reason: str, trigger_t: float, *, word: str = "", reframe: str = "") -> State:
    """Something worth a prompt: keep it as the pending intervention if it matters most."""
    if not _watching(state):
        return state
    policy = state.config.policy[reason]
    if policy.escalates:
        state = _count_escalation(state, trigger_t)
    return _offer(state, Pending(reason, trigger_t, policy.priority, word, reframe))


def _offer(state: State, candidate: Pending) -> State:
    if state.pending is not None and state.pending.priority >= candidate.priority:
        return state
    return dataclasses.replace(state, pending=candidate)


def _count_escalation(state: State, trigger_t: float) -> State:
    settings = state.config.settings
    recent = tuple(t for t in state.escalations if state.now - t <= settings.escalation_window_s)
    state = dataclasses.replace(state, escalations=(*recent, trigger_t))
    proposing = state.proposal_t is not None or state.voice == VOICE_PROPOSAL
    if len(state.escalations) >= settings.escalation_count and not proposing:
        policy = state.config.policy[ESCALATION]
        state = _offer(state, Pending(ESCALATION, trigger_t, policy.priority))
    return state


def _acknowledge(state: State, trigger_t: float) -> State:
    """An I-message, now and then, and only soon after an invitation to say it so: the reframe taking hold."""
    settings = state.config.settings
    after_nudge = state.now - state.last_word_nudge_t <= settings.firm_window_s
    if not after_nudge or state.now - state.last_ack_t < settings.i_message_gap_s or not _watching(state):
        return state
    return _offer(state, Pending(I_MESSAGE, trigger_t, state.config.policy[I_MESSAGE].priority))


def _watching(state: State) -> bool:
    """Interventions belong to talking phases (not to a guide, a breath or a break)."""
    phase = state.phase
    return phase is not None and phase.spec.kind == "talk" and not state.stopping


def _prompt_done(state: State) -> Step:
    voice = state.voice
    state = dataclasses.replace(state, voice=None, holds=state.holds - {HOLD_VOICE})
    if voice == VOICE_PROPOSAL:
        return dataclasses.replace(state, proposal_t=state.now), []
    phase = state.phase
    if voice == VOICE_PHASE and phase is not None and phase.spec.kind in ("guide", "breathing"):
        return _next_phase(state)
    return state, []


def _source(state: State, *, lost: bool) -> Step:
    """The microphone went away (hold everything and say so) or came back (say so and go on)."""
    if lost == (HOLD_SOURCE in state.holds):
        return state, []
    holds = state.holds | {HOLD_SOURCE} if lost else state.holds - {HOLD_SOURCE}
    cut = state.voice  # what vertraag was saying when the microphone went
    state = dataclasses.replace(state, holds=holds, pending=None, speaking=False, silent_since=state.now)
    state, actions = _reply(state, "microfoon_weg" if lost else "microfoon_terug", hush=cut is not None)
    phase = state.phase
    if not lost and phase is not None and phase.spec.kind in ("guide", "breathing"):
        state, again = _enter(state, state.index)  # a guide cut short is given again, whole
        actions += again
    return state, actions


# ------------------------------------------------------------------------------------------ commands


def _command(state: State, command: str) -> Step:
    if command == cmd.NEXT:
        return _next_phase(state, hush=state.voice is not None)
    if command == cmd.PAUSE and HOLD_USER not in state.holds:
        state = dataclasses.replace(state, holds=state.holds | {HOLD_USER})
        return _reply(state, "pauze")
    if command == cmd.RESUME:
        if state.proposal_t is not None or state.voice == VOICE_PROPOSAL:
            state = dataclasses.replace(state, proposal_t=None, escalations=())
            return _reply(state, "timeout_geannuleerd", hush=state.voice == VOICE_PROPOSAL)
        if HOLD_USER in state.holds:
            return _reply(dataclasses.replace(state, holds=state.holds - {HOLD_USER}), "verder")
    if command == cmd.REPEAT and state.last_said is not None and state.voice is None:
        prompt, variant, text, said = state.last_said
        say = Say(prompt, variant, text, said, COMMAND_REASON, state.now)
        return dataclasses.replace(state, voice=VOICE_REPLY), [say]
    if command == cmd.STOP:
        return _stop(state)
    if command == cmd.TIMEOUT:
        return _start_timeout(state)
    return state, []


def _reply(state: State, prompt_id: str, *, hush: bool = False) -> Step:
    state, say = _say(state, prompt_id, COMMAND_REASON, state.now)
    return dataclasses.replace(state, voice=VOICE_REPLY), [*([Hush()] if hush else []), say]


def _stop(state: State) -> Step:
    config = state.config
    closing = len(config.plan) - len(config.protocol.closing)
    if state.stopping or state.in_timeout or not config.protocol.closing or state.index >= closing:
        return _end(state, "stopped", [Hush()] if state.voice is not None else [])
    state = dataclasses.replace(state, stopping=True, pending=None, proposal_t=None)
    state, actions = _enter(state, closing)
    return state, [Hush(), *actions] if state.voice is not None else actions


def _start_timeout(state: State) -> Step:
    config = state.config
    if state.in_timeout or config.protocol.name == TIMEOUT_PROTOCOL or not config.timeout_plan:
        return state, []
    state = dataclasses.replace(
        state,
        plan=config.timeout_plan,
        in_timeout=True,
        resume_index=max(state.index, 0),
        pending=None,
        proposal_t=None,
        escalations=(),
        holds=frozenset(),
    )
    state, actions = _enter(dataclasses.replace(state, voice=None), 0)
    return state, [Hush(), *actions]


# ------------------------------------------------------------------------------------------ deadlines


def _due(state: State) -> Step:
    """Whatever has come due at `state.now`: an intervention, the end of a phase, a time-out."""
    if state.voice is not None or HOLD_SOURCE in state.holds:
        return state, []
    settings = state.config.settings
    if state.pending is not None:
        state, actions = _try_pending(state)
        if actions:
            return state, actions
    if state.proposal_t is not None and state.now - state.proposal_t >= settings.timeout_accept_s:
        grace_over = state.now - state.proposal_t >= settings.timeout_accept_s + settings.phase_end_grace_s
        if _in_pause(state) or grace_over:
            return _start_timeout(state)
    phase = state.phase
    if phase is not None and phase.timed and state.remaining_s == 0.0 and HOLD_USER not in state.holds:
        return _time_up(state)
    return state, []


def _try_pending(state: State) -> Step:
    pending, settings = state.pending, state.config.settings
    assert pending is not None
    policy = state.config.policy[pending.reason]
    if state.now - pending.trigger_t > settings.stale_after_s or not _watching(state):
        return dataclasses.replace(state, pending=None), []
    if HOLD_USER in state.holds and not policy.bypass_gap:
        return state, []
    if state.now - state.last_intervention_t < settings.min_gap_s and not policy.bypass_gap:
        return state, []
    if policy.when != AT_ONCE and not _in_pause(state):
        return state, []
    return _intervene(state, pending)


def _in_pause(state: State) -> bool:
    pause_s = state.config.settings.pause_ms / 1000.0
    return not state.speaking and state.now - state.silent_since >= pause_s


def _time_up(state: State) -> Step:
    phase = state.phase
    assert phase is not None
    if phase.spec.ends == "next" and not state.reminded and phase.spec.reminder is not None:
        state = dataclasses.replace(state, reminded=True, remaining_s=phase.seconds, time_up_at=None)
        state, say = _say(state, phase.spec.reminder, PROTOCOL_REASON, state.now)
        return dataclasses.replace(state, voice=VOICE_PHASE, holds=state.holds | {HOLD_VOICE}), [say]
    grace = state.config.settings.phase_end_grace_s
    waited = state.now - (state.time_up_at if state.time_up_at is not None else state.now)
    if phase.spec.kind == "wait" or _in_pause(state) or waited >= grace:
        return _next_phase(state)
    return state, []


# ------------------------------------------------------------------------------------------ speaking


def _intervene(state: State, pending: Pending) -> Step:
    policy: Intervention = state.config.policy[pending.reason]
    settings = state.config.settings
    # Gentle first; firmer when the same kind of thing (the same ladder of prompts) goes on.
    nudges = tuple((t, first) for t, first in state.recent if state.now - t <= settings.firm_window_s)
    level = sum(first == policy.prompts[0] for _, first in nudges)
    state, say = _say(state, policy.prompt(level), pending.reason, pending.trigger_t, pending)
    actions: list[Action] = [Hush()] if state.voice is not None else []
    actions.append(say)
    if policy.breath is not None:
        actions.append(Breathe(policy.breath))
    state = dataclasses.replace(
        state,
        pending=None,
        last_intervention_t=state.now,
        recent=nudges if pending.reason == I_MESSAGE else (*nudges, (state.now, policy.prompts[0])),
        last_ack_t=state.now if pending.reason == I_MESSAGE else state.last_ack_t,
        last_word_nudge_t=state.now if pending.reason in WORD_REASONS else state.last_word_nudge_t,
        voice=VOICE_PROPOSAL if pending.reason == ESCALATION else VOICE_INTERVENTION,
        holds=state.holds | {HOLD_VOICE} if policy.pause_timer else state.holds,
    )
    if policy.ends_session:
        return _end(state, pending.reason, actions)
    return state, actions


def _say(
    state: State, prompt_id: str, reason: str, trigger_t: float, pending: Pending | None = None
) -> tuple[State, Say]:
    config = state.config
    last = state.last_variant(prompt_id)
    variant = 0 if last is None else (last + 1) % config.prompts.count(prompt_id)
    params = params_for(
        state, word=pending.word if pending else "", reframe=pending.reframe if pending else ""
    )
    rendered = config.prompts.render(prompt_id, variant, params)
    variants = (*((k, v) for k, v in state.variants if k != prompt_id), (prompt_id, variant))
    state = dataclasses.replace(
        state, variants=variants, last_said=(prompt_id, variant, rendered.text, rendered.say)
    )
    return state, Say(prompt_id, variant, rendered.text, rendered.say, reason, trigger_t)


# ------------------------------------------------------------------------------------------ phases


def _next_phase(state: State, *, hush: bool = False) -> Step:
    phase = state.phase
    actions: list[Action] = [Hush()] if hush else []
    if phase is not None and phase.spec.chime_end is not None:
        actions.append(Chime(phase.spec.chime_end))
    state = dataclasses.replace(state, voice=None, holds=state.holds - {HOLD_VOICE})
    state, more = _enter(state, state.index + 1)
    return state, actions + more


def _enter(state: State, index: int) -> Step:
    config = state.config
    if index >= len(state.plan):
        if state.in_timeout:
            state = dataclasses.replace(state, plan=config.plan, in_timeout=False)
            return _enter(state, state.resume_index)
        return _end(state, "stopped" if state.stopping else "done", [])
    phase = state.plan[index]
    state = dataclasses.replace(
        state, index=index, remaining_s=phase.seconds, time_up_at=None, reminded=False, pending=None, overs=()
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
        state, say = _say(state, phase.spec.prompt, PROTOCOL_REASON, state.now)
        actions.append(say)
        if phase.spec.breath is not None:
            actions.append(Breathe(phase.spec.breath))
        state = dataclasses.replace(state, voice=VOICE_PHASE, holds=state.holds | {HOLD_VOICE})
    return state, actions


def _end(state: State, reason: str, actions: list[Action]) -> Step:
    state = dataclasses.replace(state, ended=True, pending=None, holds=frozenset())
    return state, [*actions, End(reason)]


__all__ = ["finish", "minutes_text", "start", "step"]

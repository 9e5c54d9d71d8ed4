"""The interventions room of the engine: notice, escalate, acknowledge, intervene.

- an intervention waits for its moment ("pause": a pause in speech; "now": at once), at most one per
  min_gap_s, the highest priority first, gentle first and firmer when it goes on, never the same wording twice
  in a row; a stale one (the moment has passed) is dropped;
- repeated raised voices or threats propose a time-out, which starts unless someone says "verder";
- danger (safety) stops the exercise at once with the help lines.
"""

from __future__ import annotations

import dataclasses

from vertraag.session.actions import Action, Breathe, Hush
from vertraag.session.inbox import Heard
from vertraag.session.phases import end, in_pause
from vertraag.session.policy import AT_ONCE, ESCALATION, I_MESSAGE, SAFETY, WORD_REASONS, Intervention, Reason
from vertraag.session.protocol import PhaseKind
from vertraag.session.state import Hold, Pending, Saying, State
from vertraag.session.talk import say_prompt

Step = tuple[State, list[Action]]


def heard(state: State, finding: Heard) -> Step:
    """Words of a category: safety stops the exercise, an I-message may be acknowledged, the rest nudged."""
    if finding.category == SAFETY:
        return intervene(state, Pending(SAFETY, finding.at, state.config.policy[SAFETY].priority))
    if finding.category == I_MESSAGE:
        return _acknowledge(state, finding.at), []
    if finding.category in WORD_REASONS and state.config.settings.words:
        return noticed(state, finding.category, finding.at, word=finding.match, reframe=finding.reframe), []
    return state, []


def noticed(state: State, reason: Reason, trigger_t: float, *, word: str = "", reframe: str = "") -> State:
    """Something worth a prompt: keep it as the pending intervention if it matters most."""
    if not watching(state):
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
    proposing = state.proposal_t is not None or state.saying == Saying.PROPOSAL
    if len(state.escalations) >= settings.escalation_count and not proposing:
        policy = state.config.policy[ESCALATION]
        state = _offer(state, Pending(ESCALATION, trigger_t, policy.priority))
    return state


def _acknowledge(state: State, trigger_t: float) -> State:
    """An I-message, now and then, and only soon after an invitation to say it so: the reframe taking hold."""
    settings = state.config.settings
    after_nudge = state.now - state.last_word_nudge_t <= settings.firm_window_s
    if not after_nudge or state.now - state.last_ack_t < settings.i_message_gap_s or not watching(state):
        return state
    return _offer(state, Pending(I_MESSAGE, trigger_t, state.config.policy[I_MESSAGE].priority))


def watching(state: State) -> bool:
    """Interventions belong to talking phases (not to a guide, a breath or a break)."""
    phase = state.phase
    return phase is not None and phase.spec.kind == PhaseKind.TALK and not state.stopping


def try_pending(state: State) -> Step:
    pending, settings = state.pending, state.config.settings
    assert pending is not None
    policy = state.config.policy[pending.reason]
    if state.now - pending.trigger_t > settings.stale_after_s or not watching(state):
        return dataclasses.replace(state, pending=None), []
    if Hold.USER in state.holds and not policy.bypass_gap:
        return state, []
    if state.now - state.last_intervention_t < settings.min_gap_s and not policy.bypass_gap:
        return state, []
    if policy.when != AT_ONCE and not in_pause(state):
        return state, []
    return intervene(state, pending)


def intervene(state: State, pending: Pending) -> Step:
    policy: Intervention = state.config.policy[pending.reason]
    settings = state.config.settings
    # Gentle first; firmer when the same kind of thing (the same ladder of prompts) goes on.
    nudges = tuple((t, first) for t, first in state.recent if state.now - t <= settings.firm_window_s)
    level = sum(first == policy.prompts[0] for _, first in nudges)
    state, say = say_prompt(state, policy.prompt(level), pending.reason, pending.trigger_t, pending)
    actions: list[Action] = [Hush()] if state.saying is not None else []
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
        saying=Saying.PROPOSAL if pending.reason == ESCALATION else Saying.INTERVENTION,
        holds=state.holds | {Hold.SAYING} if policy.pause_timer else state.holds,
    )
    if policy.ends_session:
        return end(state, pending.reason, actions)
    return state, actions

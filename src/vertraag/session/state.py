"""The session's state: what the engine knows between two events. Frozen; the engine returns a new one.

`SessionConfig` is what does not change during a session (the plan, the prompts, the policy, the settings);
`State` carries a reference to it so that `step(state, event, now)` needs nothing else.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from vertraag.config import ProtocolSettings, SessionSettings
from vertraag.session.commands import CommandWords, load_commands
from vertraag.session.policy import Intervention, Reason, load_policy
from vertraag.session.prompts import Prompts, load_prompts
from vertraag.session.protocol import PARTNER_A, PARTNER_B, Phase, PhaseKind, Protocol, load_protocol

TIMEOUT_PROTOCOL = "time-out"
SECONDS_PER_MINUTE = 60.0


class Saying(StrEnum):
    """What vertraag is saying now (State.saying)."""

    PHASE = "phase"  # the phase's own prompt or chime
    INTERVENTION = "intervention"
    PROPOSAL = "proposal"  # the time-out proposal; the wait for an objection starts when it is done
    REPLY = "reply"  # a reply to a command


class Hold(StrEnum):
    """Why the phase timer waits (State.holds)."""

    SAYING = "saying"  # vertraag speaks
    USER = "user"  # the couple paused
    SOURCE = "source"  # the microphone is gone; nothing is decided until it is back


@dataclass(frozen=True)
class SessionConfig:
    protocol: Protocol
    plan: tuple[Phase, ...]
    timeout_plan: tuple[Phase, ...]
    policy: Mapping[Reason, Intervention]
    prompts: Prompts
    commands: CommandWords
    settings: SessionSettings
    names: Mapping[str, str]  # partner key -> name as spoken
    pause_word: str
    timeout_minutes: float
    # The wall clock (epoch seconds) at audio time 0: only to name the clock time a break ends ("om 20.40
    # uur"); every decision runs on audio time.
    clock_start: float = 0.0

    @classmethod
    def load(
        cls,
        protocol: ProtocolSettings,
        session: SessionSettings,
        *,
        default_protocol: str,
        clock_start: float | None = None,
    ) -> SessionConfig:
        """The session for these settings, from phrases/nl/ (a broken data file is a UserError); it starts
        now on the wall clock unless `clock_start` says otherwise."""
        chosen = load_protocol(protocol.name or default_protocol)
        timeout = load_protocol(TIMEOUT_PROTOCOL)
        timeout_plan = timeout.plan(protocol)
        waits = [p.seconds for p in timeout_plan if p.spec.kind == PhaseKind.WAIT]
        return cls(
            protocol=chosen,
            plan=chosen.plan(protocol),
            timeout_plan=timeout_plan,
            policy=load_policy(),
            prompts=load_prompts(),
            commands=load_commands(),
            settings=session,
            names={PARTNER_A: protocol.partner_a, PARTNER_B: protocol.partner_b},
            pause_word=protocol.pause_word,
            timeout_minutes=(waits[0] if waits else 0.0) / SECONDS_PER_MINUTE,
            clock_start=time.time() if clock_start is None else clock_start,
        )


@dataclass(frozen=True)
class Pending:
    """An intervention waiting for its moment (a pause in speech, the end of the gap)."""

    reason: Reason
    trigger_t: float
    priority: int
    word: str = ""
    reframe: str = ""


@dataclass(frozen=True)
class State:
    config: SessionConfig = field(repr=False, compare=False)
    plan: tuple[Phase, ...]
    index: int = -1  # the phase in `plan`; -1 before the start
    in_timeout: bool = False  # `plan` is the time-out, inserted into the conversation
    resume_index: int = 0  # where the conversation goes on after an inserted time-out
    now: float = 0.0
    remaining_s: float = 0.0  # time left in a timed phase
    holds: frozenset[Hold] = frozenset()  # why the timer waits
    time_up_at: float | None = None  # when the phase's time ran out (it ends at the next pause)
    reminded: bool = False  # an `ends = "next"` phase gave its reminder
    speaking: bool = False
    silent_since: float = 0.0  # audio time of the end of the last speech
    saying: Saying | None = None  # what vertraag is saying now, None = quiet
    pending: Pending | None = None
    last_intervention_t: float = -math.inf
    recent: tuple[tuple[float, str], ...] = ()  # (time, first prompt of its ladder) of nudges: gentle -> firm
    escalations: tuple[float, ...] = ()  # times of raised voices and threats, for the time-out proposal
    proposal_t: float | None = None  # a time-out was proposed; the wait for an objection began here
    variants: tuple[tuple[str, int], ...] = ()  # last variant used, per prompt id
    last_said: tuple[str, int, str, str] | None = None  # (prompt, variant, text, say), for "herhaal"
    last_ack_t: float = -math.inf
    last_word_nudge_t: float = -math.inf  # an I-message soon after an invitation to use one is acknowledged
    early_votes: int = 0  # voices that asked to end a running break early (both partners must, or a key)
    stopping: bool = False  # "stop" was said: the closing runs; a second stop ends at once
    ended: bool = False

    @property
    def phase(self) -> Phase | None:
        return self.plan[self.index] if 0 <= self.index < len(self.plan) else None

    @property
    def timer_running(self) -> bool:
        phase = self.phase
        return (
            phase is not None and phase.timed and not self.holds and not self.ended and self.remaining_s > 0
        )

    def last_variant(self, prompt_id: str) -> int | None:
        return dict(self.variants).get(prompt_id)


def initial_state(config: SessionConfig) -> State:
    return State(config=config, plan=config.plan)

"""What vertraag says: a prompt's next variant, and the words that fill its placeholders (names, the word
heard, the reframe, minutes, the clock time a break ends)."""

from __future__ import annotations

import dataclasses
import math
import time
from typing import TYPE_CHECKING

from vertraag.session.actions import Cue, Say
from vertraag.session.protocol import PhaseKind

if TYPE_CHECKING:
    from vertraag.session.policy import Reason
    from vertraag.session.state import Pending, State

SECONDS_PER_MINUTE = 60.0
CLOCK_PLACEHOLDER = "{terugtijd"  # a prompt naming the clock time is only known when it is said
# Spoken lengths: "ongeveer anderhalve minuut" reads better than "1,5".
SPOKEN_HALVES = {0.5: "een halve minuut", 1.5: "anderhalve minuut"}


def minutes_text(seconds: float) -> str:
    """A length as spoken, with its unit: "een minuut", "anderhalve minuut", "2 minuten"."""
    minutes = round(seconds / SECONDS_PER_MINUTE * 2) / 2
    if minutes in SPOKEN_HALVES:
        return SPOKEN_HALVES[minutes]
    whole = max(1, round(minutes))
    return "een minuut" if whole == 1 else f"{whole} minuten"


def clock_text(epoch_s: float) -> tuple[str, str]:
    """A clock time (local, rounded up to the minute) as shown, "20.40 uur", and as a Dutch voice reads it
    well, "20 uur 40" (a voice reads "20.40" as "twintig punt veertig")."""
    moment = time.localtime(math.ceil(epoch_s / SECONDS_PER_MINUTE) * SECONDS_PER_MINUTE)
    hour, minute = moment.tm_hour, moment.tm_min
    return f"{hour}.{minute:02d} uur", f"{hour} uur {minute}" if minute else f"{hour} uur"


def break_ends_at(state: State) -> float:
    """Audio time a time-out ends: the running break's own end, or a break starting now."""
    phase = state.phase
    if state.in_timeout and phase is not None and phase.spec.kind == PhaseKind.WAIT:
        return state.now + state.remaining_s
    return state.now + state.config.timeout_minutes * SECONDS_PER_MINUTE


def params_for(state: State, *, word: str = "", reframe: str = "") -> dict[str, str]:
    config = state.config
    phase = state.phase
    names = config.names
    speaker = names.get(phase.speaker, "") if phase is not None and phase.speaker else ""
    listener = names.get(phase.listener, "") if phase is not None and phase.listener else ""
    break_length = minutes_text(config.timeout_minutes * SECONDS_PER_MINUTE)
    minutes = minutes_text(phase.seconds) if phase is not None and phase.timed else break_length
    back_shown, back_said = clock_text(config.clock_start + break_ends_at(state))
    return {
        "spreker": speaker,
        "luisteraar": listener,
        "eerste": names.get("a", ""),
        "tweede": names.get("b", ""),
        "woord": word,
        "reframe": reframe,
        "minuten": minutes,  # this phase's length (a turn's in a turn)
        "pauzeduur": break_length,  # a time-out's length, also when proposed during a turn
        "terugtijd": back_shown,
        "terugtijd_gezegd": back_said,
        "pauzewoord": config.pause_word,
    }


def foreseeable_prompts(state: State) -> list[tuple[str, int, str]]:
    """(prompt id, variant from 1, spoken text) of every phase prompt this session can say, for rendering
    ahead (interventions that name a word, and prompts that name the clock time, are rendered when they
    come: about 40 ms)."""
    config = state.config
    found: dict[tuple[str, int, str], None] = {}
    for plan in (config.plan, config.timeout_plan):
        for index, phase in enumerate(plan):
            at_phase = dataclasses.replace(state, plan=plan, index=index)
            for prompt_id in (phase.spec.prompt, phase.spec.reminder):
                if prompt_id is None:
                    continue
                for variant in range(config.prompts.count(prompt_id)):
                    if CLOCK_PLACEHOLDER in config.prompts.variants[prompt_id][variant].say:
                        continue  # names the clock time when it is said: rendered then
                    said = config.prompts.render(prompt_id, variant, params_for(at_phase)).say
                    found[(prompt_id, variant + 1, said)] = None
    return list(found)


def say_prompt(
    state: State, prompt_id: str, reason: Reason | Cue, trigger_t: float, pending: Pending | None = None
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

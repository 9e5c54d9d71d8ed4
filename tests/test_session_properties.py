"""Property tests: any sequence of events keeps the session's promises."""

from __future__ import annotations

import itertools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.session_driver import Drive
from vertraag.session.actions import End, PhaseChange, Timer

CATEGORIES = [
    "absolute",
    "attack",
    "contempt",
    "blame",
    "threat",
    "past",
    "defensive",
    "command",
    "i_message",
]
EVENTS = st.one_of(
    st.tuples(st.just("speech_start"), st.just({})),
    st.tuples(st.just("speech_end"), st.just({"duration": 1.0})),
    st.tuples(st.just("raised_voice"), st.just({"rise_db": 9.0})),
    st.tuples(st.just("speech_rate"), st.just({"rate_wps": 5.0})),
    st.tuples(
        st.just("finding"),
        st.builds(
            lambda c: {"category": c, "match": "nooit", "reframe": "Zeg het als ik."},
            st.sampled_from(CATEGORIES),
        ),
    ),
    st.tuples(
        st.just("command"),
        st.builds(
            lambda c: {"command": c}, st.sampled_from(["next", "pause", "resume", "repeat", "timeout"])
        ),
    ),
    st.tuples(
        st.just("utterance"),
        st.builds(lambda t: {"text": t}, st.sampled_from(["volgende", "verder", "ja", "pauze"])),
    ),
)
STEPS = st.lists(st.tuples(st.floats(min_value=0.0, max_value=40.0), EVENTS), max_size=40)
PROTOCOLS = st.sampled_from(["vrij", "vertraag", "spreker-luisteraar", "time-out"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol=PROTOCOLS, steps=STEPS)
def test_any_events_keep_the_invariants(
    protocol: str, steps: list[tuple[float, tuple[str, dict[str, object]]]]
) -> None:
    d = Drive(protocol, turn_seconds=20, mirror_seconds=10, timeout_minutes=20)
    for gap, (kind, data) in steps:
        d.wait(gap)
        d.feed(kind, **data)
        state = d.state
        # One phase at a time, inside the plan (or over).
        assert state.ended or 0 <= state.index < len(state.plan)
        # The timer is never negative.
        assert state.remaining_s >= 0.0
    gap = d.config.settings.min_gap_s
    times = [t for t, s in d.interventions() if s.reason != "safety"]
    assert all(b - a >= gap - 1e-6 for a, b in itertools.pairwise(times)), times
    assert all(a.remaining_s >= 0 for _, a in d.log if isinstance(a, Timer))
    # Every phase change names a phase of a plan; at most one end.
    assert all(isinstance(a.phase, str) and a.phase for _, a in d.log if isinstance(a, PhaseChange))
    assert sum(isinstance(a, End) for _, a in d.log) <= 1
    assert math.isfinite(d.state.now)

"""The conversation: protocols, a pure session engine, interventions and the prompts it speaks.

    config = SessionConfig.load(settings.protocol, settings.session, default_protocol="vertraag")
    state, actions = start(initial_state(config), now=0.0)
    state, actions = step(state, event, now)

protocol.py (phases as data) -> state.py + engine.py (the step function: the door and the clock), with its
rooms interventions.py (notice, escalate, intervene) and phases.py (enter, next, time up, stop, time-out) ->
policy.py (when to step in), prompts.py + talk.py (what to say), commands.py (voice commands) -> runner.py
(pipeline + engine + speaker).
"""

from vertraag.session.engine import finish, start, step
from vertraag.session.state import SessionConfig, State, initial_state

__all__ = ["SessionConfig", "State", "finish", "initial_state", "start", "step"]

"""What is rendered ahead at start-up: every sentence a session can say without a live word (phase prompts,
interventions, reframes), and none that holds the word heard, the reframe or the clock time."""

from __future__ import annotations

from vertraag.assemble import session_config
from vertraag.config import Settings
from vertraag.phrases import sentences
from vertraag.session.ahead import LIVE, reframe_texts, texts_ahead
from vertraag.session.state import SessionConfig, initial_state
from vertraag.session.talk import foreseeable_prompts, params_for

WORD = "nooit"


def _config() -> SessionConfig:
    return session_config(Settings(), live=True)


def test_phase_prompts_and_reframes_are_all_ready() -> None:
    state = initial_state(_config())
    ahead = set(texts_ahead(state))
    for _id, _variant, said in foreseeable_prompts(state):
        assert set(sentences(said)) <= ahead, said
    for reframe in reframe_texts():
        assert set(sentences(reframe)) <= ahead, reframe


def test_an_intervention_leaves_only_its_live_sentence_to_render() -> None:
    config = _config()
    state = initial_state(config)
    ahead = set(texts_ahead(state))
    reframe = reframe_texts()[0]
    for intervention in config.policy.values():
        for prompt_id in intervention.prompts:
            for variant in range(config.prompts.count(prompt_id)):
                said = config.prompts.render(
                    prompt_id, variant, params_for(state, word=WORD, reframe=reframe)
                )
                left = [s for s in sentences(said.say) if s not in ahead]
                assert all(WORD in s for s in left), (prompt_id, left)  # only the one naming the word


def test_nothing_live_is_rendered_ahead() -> None:
    state = initial_state(_config())
    clock_said = params_for(state)["terugtijd_gezegd"]
    for sentence in texts_ahead(state):
        assert LIVE not in sentence and "{" not in sentence
        assert clock_said not in sentence  # the time to come back is said when it is known

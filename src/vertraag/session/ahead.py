"""What a session can say without a live word in it, sentence by sentence, for rendering ahead at start-up.

The speaker renders (and caches) a prompt one sentence at a time, so everything fixed can be ready before the
session needs it: every phase prompt, every sentence of an intervention that does not carry the word just
heard or the reframe, and every reframe from `reframes.toml`. What is left for the moment itself is the one
sentence that names the word heard ("Ik hoorde 'nooit'.") or the clock time, a short render.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from vertraag.phrases import DEFAULT_LANGUAGE, language_dir, load_toml, sentences
from vertraag.session.state import State
from vertraag.session.talk import foreseeable_prompts, params_for

REFRAMES_FILE = "reframes.toml"
LIVE = "\x00"  # stands in for what is only known when said: a sentence holding it is rendered then
# The word heard, the reframe chosen for it, and the clock time to come back from a break.
LIVE_PLACEHOLDERS = ("woord", "reframe", "terugtijd", "terugtijd_gezegd")


def texts_ahead(state: State, *, phrases: Path | None = None) -> list[str]:
    """Every sentence without a live word that this session can say (phase prompts, interventions,
    reframes), each once, in the order a session is likely to need them."""
    found: dict[str, None] = {}
    for _prompt_id, _variant, said in foreseeable_prompts(state):
        found.update(dict.fromkeys(sentences(said)))
    config = state.config
    phases = (*config.plan, *config.timeout_plan)
    ids = [i for phase in phases for i in (phase.spec.prompt, phase.spec.reminder)]
    ids += [prompt_id for i in config.policy.values() for prompt_id in i.prompts]
    for plan in (config.plan, config.timeout_plan):
        for index in range(len(plan)):
            params = params_for(dataclasses.replace(state, plan=plan, index=index))
            params.update(dict.fromkeys(LIVE_PLACEHOLDERS, LIVE))
            for prompt_id in dict.fromkeys(i for i in ids if i is not None):
                for variant in range(config.prompts.count(prompt_id)):
                    said = config.prompts.render(prompt_id, variant, params).say
                    found.update(dict.fromkeys(s for s in sentences(said) if LIVE not in s))
    for reframe in reframe_texts(phrases):
        found.update(dict.fromkeys(sentences(reframe)))
    return list(found)


def reframe_texts(directory: Path | None = None) -> list[str]:
    """Every reframe in `reframes.toml`: the topics' and the fallbacks'."""
    data = load_toml((directory or language_dir(DEFAULT_LANGUAGE)) / REFRAMES_FILE)
    topics = data.get("topic", [])
    fallbacks = data.get("fallback", {})
    found = [str(t["reframe"]) for t in topics if isinstance(t, dict) and "reframe" in t]
    if isinstance(fallbacks, dict):
        found += [str(text) for text in fallbacks.values()]
    return found

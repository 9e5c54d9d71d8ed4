"""Render times of vertraag's speech engines on this machine: per prompt (median, max), the start-up
render-ahead, and the on-demand sentence that names a live word. Prints one JSON object; asserts nothing.

    .venv/bin/python bench/bench_tts.py                       # Piper (installed voice), espeak-ng, pyttsx3
    .venv/bin/python bench/bench_tts.py --piper-voice X.onnx  # Piper with this voice (e.g. the test voice)

`vertraag bench` measures the voice a session would speak with (`tts_figures("auto")`, its part "tts").

The prompts are the real ones: every phase prompt of the "vertraag" protocol and every intervention prompt
with a word and a reframe filled in, each rendered sentence by sentence as the speaker does, without a cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from vertraag.config import Settings
from vertraag.phrases import sentences
from vertraag.session.ahead import reframe_texts, texts_ahead
from vertraag.session.state import SessionConfig, initial_state
from vertraag.session.talk import foreseeable_prompts, params_for
from vertraag.speak.player import NullPlayer
from vertraag.speak.speaker import Speaker
from vertraag.speak.tts.base import Renderer
from vertraag.speak.tts.choose import AUTO, ESPEAK, PIPER, PYTTSX3, choose_renderer

LIVE_WORDS = ("nooit", "altijd", "jij bent zo egoïstisch", "het is jouw schuld", "doe normaal")
PROTOCOL = "vertraag"


def prompt_texts(config: SessionConfig) -> list[str]:
    """Every phase prompt, and every intervention prompt with a word heard and a reframe filled in."""
    state = initial_state(config)
    texts = [said for _id, _variant, said in foreseeable_prompts(state)]
    reframe = reframe_texts()[0]
    params = params_for(state, word=LIVE_WORDS[0], reframe=reframe)
    for prompt_id in dict.fromkeys(p for i in config.policy.values() for p in i.prompts):
        texts += [
            config.prompts.render(prompt_id, v, params).say for v in range(config.prompts.count(prompt_id))
        ]
    return list(dict.fromkeys(texts))


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def render_all(renderer: Renderer, texts: list[str]) -> None:
    for text in texts:
        renderer.render(text)


def measure(renderer: Renderer, config: SessionConfig) -> dict[str, object]:
    per_prompt = [timed(partial(render_all, renderer, sentences(text))) for text in prompt_texts(config)]
    live = [timed(partial(render_all, renderer, [f"Ik hoorde '{word}'."])) for word in LIVE_WORDS]
    state = initial_state(config)
    speaker = Speaker(renderer=renderer, player=NullPlayer())  # a fresh cache: the start-up's work
    ahead_s = timed(lambda: speaker.prepare(foreseeable_prompts(state), texts_ahead(state)))
    return {
        "prompts": len(per_prompt),
        "per_prompt_median_s": round(statistics.median(per_prompt), 3),
        "per_prompt_max_s": round(max(per_prompt), 3),
        "live_sentence_median_s": round(statistics.median(live), 3),
        "live_sentence_max_s": round(max(live), 3),
        "render_ahead_sentences": len(texts_ahead(state)),
        "render_ahead_s": round(ahead_s, 2),
    }


def tts_figures(engine: str, piper_voice: str | None = None) -> dict[str, object] | str:
    """The render times of `engine` ("auto": the one a session would choose), or "not available"."""
    settings = Settings()
    config = SessionConfig.load(settings.protocol, settings.session, default_protocol=PROTOCOL)
    started = time.perf_counter()
    chosen = choose_renderer(engine, rate_wpm=settings.voice.rate_wpm, piper_voice=piper_voice)
    load_s = time.perf_counter() - started
    if engine != AUTO and chosen.engine != engine:
        return "not available"
    return {"voice": chosen.label, "load_s": round(load_s, 2), **measure(chosen.renderer, config)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--piper-voice", help="a Piper voice: a name in the models folder or an .onnx path")
    parser.add_argument("--engines", default=f"{PIPER},{ESPEAK},{PYTTSX3}", help="which, comma-separated")
    args = parser.parse_args()
    results = {engine: tts_figures(engine, args.piper_voice) for engine in args.engines.split(",")}
    json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's figures as a short readable table (`vertraag bench --table`)."""

from __future__ import annotations

from typing import Any

NONE = "-"
PERCENT = 100.0


def _s(value: Any) -> str:
    return NONE if value is None else f"{value:.3f} s"


def _row(label: str, found: dict[str, Any] | None) -> str:
    if not found:
        return f"{label:34} {NONE}"
    return f"{label:34} p50 {_s(found.get('p50')):>9}  p95 {_s(found.get('p95')):>9}  n {found.get('n', 0)}"


VOICE_RUNS = {
    "gmm": "GMM, clean",
    "gmm_ge2e": "GMM + GE2E, clean",
    "gmm_kitchen": "GMM, kitchen 20 dB",
    "gmm_ge2e_kitchen": "GMM + GE2E, kitchen 20 dB",
}


def _voices(voices: dict[str, Any] | None) -> list[str]:
    if not voices:
        return []
    head = f"who is speaking ({voices.get('audio_s')} s of two voices)"
    lines = ["", f"{head:34} {'CPU %':>6}   decision p95   right/unsure"]
    for key, label in VOICE_RUNS.items():
        run = voices.get(key)
        if not isinstance(run, dict) or "cpu_per_audio_s" not in run:
            lines.append(f"  {label:32} {NONE if run is None else run.get('error', NONE)}")
            continue
        decision = run["decision_after_end_s"]["p95"] + run["decision_compute_s"]["p95"]
        lines.append(
            f"  {label:32} {run['cpu_per_audio_s'] * PERCENT:5.2f}   {decision:9.3f} s   "
            f"{run['right']}/{run['unsure']} of {run['segments']}"
        )
    return lines


def _tts(tts: dict[str, Any] | None) -> list[str]:
    if not tts:
        return []
    return [
        "",
        f"vertraag's voice: {tts['voice']} (loads in {tts['load_s']} s)",
        f"  {'a prompt, median / max':32} {tts['per_prompt_median_s']:.3f} / {tts['per_prompt_max_s']:.3f} s",
        f"  {'a live sentence, median / max':32} "
        f"{tts['live_sentence_median_s']:.3f} / {tts['live_sentence_max_s']:.3f} s",
        f"  {'render-ahead':32} {tts['render_ahead_s']} s, {tts['render_ahead_sentences']} sentences",
    ]


def render_table(figures: dict[str, Any]) -> str:
    decisions = figures["decision_latency_s"]
    lines = ["decision latency (audio time)"]
    lines.append(_row("  words, Vosk (Korean stand-in)", decisions["vosk"]))
    lines.append(_row("  words, Whisper base", decisions["whisper"]))
    lines.append(_row("  raised voice -> pause prompt", decisions["raised_voice"]))
    lines.append(_row("playback latency (sound card)", figures["playback_latency_s"]))
    lines.append("")
    lines.append(f"{'':34} {'CPU % of a core':>16} {'peak RSS MB':>12} {'start-up s':>11}")
    for engine in ("none", "vosk", "whisper"):
        cpu = figures["cpu_per_audio_s"].get(engine)
        rss = figures["peak_rss_mb"].get(engine)
        start = figures["startup_s"].get(engine)
        lines.append(
            f"{'  ' + engine:34} {NONE if cpu is None else f'{cpu * PERCENT:.2f}':>16} "
            f"{NONE if rss is None else f'{rss:.0f}':>12} {NONE if start is None else f'{start:.2f}':>11}"
        )
    lines += _voices(figures.get("voices"))
    lines += _tts(figures.get("tts"))
    soak = figures.get("soak")
    if soak:
        rss = soak["rss_mb"]
        lines += [
            "",
            f"soak {soak['audio_s'] / 60:.0f} min of audio in {soak['wall_s'] / 60:.1f} min: RSS "
            f"{rss.get('start')} -> {rss.get('after_first_pass', NONE)} -> {rss.get('end')} MB "
            f"(growth {soak['rss_growth_mb']} MB), errors {soak['errors']}",
        ]
    lines += ["", "targets"]
    for name, target in figures["targets"].items():
        met = {True: "met", False: f"MISSED by {target['over_by']}", None: "not measured"}[target["met"]]
        lines.append(f"  {name:32} {target['measured']!s:>10} <= {target['target']!s:<8} {met}")
    for part, error in figures["errors"].items():
        lines.append(f"error in {part}: {error}")
    return "\n".join(lines)

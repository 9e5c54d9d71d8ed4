"""The report after a real session, run as a user runs it (`vertraag run --input X.wav --report-dir DIR`) with
the real Whisper engine on a composed conversation: its counts equal the run's events; no audio and no word of
the conversation reach the disk; no network socket is opened (checked twice: a Python audit hook and strace,
each shown to catch a socket first); and the page opens in headless Chromium with the plot and the counts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from tests.test_report import events_of, expected_counts, only_report

pytestmark = pytest.mark.slow

# Said in the conversation and heard by Whisper base ("Ga dan voor een vakantiebaan in Ede!"), found in no
# data file of vertraag: if it reaches the disk, words of the conversation were kept.
DISTINCTIVE = "vakantiebaan"
GAP_S = 1.5
# Every Python-level socket operation (a socket made, connected, bound, a name looked up) goes to the log.
AUDIT_HOOK = '''
import os, sys
_log = os.environ.get("VERTRAAG_SOCKET_LOG")
if _log:
    def _hook(event, args):
        if event.startswith("socket."):
            with open(_log, "a") as fh:
                fh.write(event + " " + repr(args)[:200] + "\\n")
    sys.addaudithook(_hook)
'''
STRACE = ["strace", "-f", "--seccomp-bpf", "-e", "trace=%network"]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VOICE_RGB = (0x2F, 0x5D, 0x8A)  # report/plot.py VOICE_COLOUR: the loudness line
CARD_RGB = (0xEE, 0xF5, 0xEA)  # report/page.py: the "what went well" cards


def _calm(clips: list[ag.Clip], seconds: float) -> list[ag.Audio]:
    parts, total = [], 0.0
    while total < seconds and clips:
        clip = clips.pop(0)
        parts += [ag.at_level(clip.samples(), ag.CALM_SPEECH_DBFS), ag.silence(GAP_S)]
        total += clip.duration_s + GAP_S
    return parts


def composed_conversation() -> ag.Audio:
    """About a minute: two calm speakers, the distinctive sentence, a raised stretch, a threat, calm again."""
    her, him = ag.clips("nathalie"), ag.clips("flemishguy")
    pool = [c for pair in zip(her, him, strict=False) for c in pair if "vakantiebaan" not in c.transcript]
    distinctive = next(c for c in her if DISTINCTIVE in c.transcript)
    threat = ag.espeak_nl("Als je dat nog een keer doet, dan ga ik weg.", voice="nl+f2", speed=120)
    parts = [ag.silence(1.0), *_calm(pool, 10.0)]
    parts += [ag.at_level(distinctive.samples(), ag.CALM_SPEECH_DBFS), ag.silence(GAP_S), *_calm(pool, 6.0)]
    parts += [ag.scale_db(x, 10.0) for x in _calm(pool, 8.0)]
    parts += [*_calm(pool, 20.0), ag.at_level(threat, ag.CALM_SPEECH_DBFS), ag.silence(GAP_S)]
    parts += [*_calm(pool, 10.0), ag.silence(2.0)]
    return np.concatenate(parts)


def _hook_env(tmp: Path) -> dict[str, str]:
    hook_dir = tmp / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK)
    path = os.pathsep.join(p for p in (str(hook_dir), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "VERTRAAG_SOCKET_LOG": str(tmp / "sockets.log")}


def _strace_log(tmp: Path, name: str) -> Path:
    return tmp / f"{name}.strace"


def _network_calls(log: Path) -> list[str]:
    """The network system calls strace saw (process exits and signals are not calls)."""
    lines = log.read_text().splitlines()
    return [line for line in lines if "+++" not in line and "---" not in line and "resumed>" not in line]


@pytest.fixture(scope="module")
def session(whisper_base_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One session on the composed conversation, as a new user with an empty home runs it."""
    assert shutil.which("strace"), "strace is needed to check for sockets (scripts/setup.sh installs it)"
    tmp = tmp_path_factory.mktemp("report-session")
    wav = ag.write_wav(tmp / "gesprek.wav", composed_conversation())
    env = {
        "HOME": str(tmp / "home"),
        "XDG_DATA_HOME": str(tmp / "home" / ".local" / "share"),
        "XDG_CONFIG_HOME": str(tmp / "home" / ".config"),
        "XDG_CACHE_HOME": str(tmp / "home" / ".cache"),
        **_hook_env(tmp),
    }
    (tmp / "home").mkdir()
    # The checks can see a socket: the same hook and strace on a process that opens one.
    control = _strace_log(tmp, "control")
    opens_one = [sys.executable, "-c", "import socket; socket.socket().close()"]
    full_env = {**os.environ, **env}
    subprocess.run([*STRACE, "-o", str(control), *opens_one], env=full_env, check=True, timeout=60)
    hooked = (tmp / "sockets.log").read_text()
    assert "socket.__new__" in hooked and any("socket(" in line for line in _network_calls(control))
    (tmp / "sockets.log").unlink()
    reports = tmp / "verslagen"
    log = _strace_log(tmp, "session")
    proc = subprocess.run(
        [*STRACE, "-o", str(log), sys.executable, "-m", "vertraag", "run", "--input", str(wav), "--json",
         "--engine", "whisper", "--model", str(whisper_base_dir), "--report-dir", str(reports)],
        env={**os.environ, "VERTRAAG_CONFIG": "/nonexistent-on-purpose.toml", **env},
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return {"tmp": tmp, "wav": wav, "proc": proc, "reports": reports, "strace": log,
            "events": events_of(proc.stdout), "report": only_report(reports)}


def test_the_reports_counts_are_the_events_of_the_run(session: dict[str, Any]) -> None:
    report, events = session["report"], session["events"]
    assert {k: report["counts"][k] for k in expected_counts(events)} == expected_counts(events)
    assert report["counts"]["raised_voices"] >= 1
    assert report["counts"]["interventions"] >= 1
    said = [e for e in events if e["type"] == "prompt" and e["reason"] != "summary"]
    assert [(p["t"], p["reason"]) for p in report["prompts"]] == [(p["t"], p["reason"]) for p in said]
    [closing] = [e for e in events if e["type"] == "prompt" and e["reason"] == "summary"]
    assert report["closing"] == closing["text"]


def test_a_default_session_keeps_no_audio_and_no_words(session: dict[str, Any]) -> None:
    said = " ".join(e["text"].lower() for e in session["events"] if e["type"] == "utterance")
    assert DISTINCTIVE in said  # it was heard (on screen only) ...
    tmp: Path = session["tmp"]
    written = [p for p in tmp.rglob("*") if p.is_file() and p.name != "gesprek.wav"]
    assert any(p.suffix == ".html" for p in written)
    for path in written:  # ... and is in no file: not the report, not the data or cache folders
        assert DISTINCTIVE.encode() not in path.read_bytes().lower(), path
    sounds = [p for p in written if p.suffix.lower() in (".wav", ".flac", ".ogg", ".mp3", ".raw")]
    assert sounds == []
    data = tmp / "home" / ".local" / "share"
    assert not data.exists() or list(data.rglob("*")) == []  # --report-dir: nothing in the data folder


def test_the_session_opens_no_socket(session: dict[str, Any]) -> None:
    assert not (session["tmp"] / "sockets.log").exists()  # the audit hook saw no socket operation
    assert _network_calls(session["strace"]) == []  # and strace no network system call, in any thread


def _rgb_pixels(png: Path, rgb: tuple[int, int, int], *, tolerance: int = 12) -> int:
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    close = np.all(np.abs(pixels - np.array(rgb)) <= tolerance, axis=-1)
    return int(close.sum())


def test_the_page_opens_in_headless_chromium(session: dict[str, Any]) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for this test (scripts/setup.sh installs it)"
    tmp: Path = session["tmp"]
    [page] = session["reports"].glob("*.html")
    profile = tmp / "chromium-profile"
    shot = tmp / "verslag.png"
    flags = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert _rgb_pixels(shot, VOICE_RGB) > 300  # the loudness line of the plot is drawn
    assert _rgb_pixels(shot, CARD_RGB) > 20_000  # the cards with the counts are there
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    counts = session["report"]["counts"]
    assert "<svg" in dom and "Wat goed ging" in dom
    assert f'<td>keer ging een stem omhoog</td><td class="n">{counts["raised_voices"]}</td>' in dom
    assert f'<td>Alles wat vertraag zei</td><td class="n">{counts["prompts"]}</td>' in dom
    saved = os.environ.get("VERTRAAG_SCREENSHOT_TO")  # to look at the page yourself
    if saved:
        shutil.copy(shot, saved)

"""Issue 17, cases 1 and 5: a live `vertraag start` stopped from outside, and two live sessions at once.

Real processes on the virtual sound card, real signals. SIGTERM (systemd's stop, `kill`) and SIGINT
(`kill -INT`) must end a live session within STOP_WITHIN_S with the report saved and the closing words on
screen only; a second `vertraag start` while one holds the microphone says so in one line and exits 2, while
a recording (`run --input`) goes on beside it. Run under `flock /tmp/vertraag-sound.lock`.
"""

from __future__ import annotations

import functools
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from tests import audio_gen as ag
from tests.disk import fill, small_disk
from tests.start_process import WAIT_S, StartProcess
from tests.voice_profile import calibrated_profile
from vertraag.start.profile import Profile, save_profile

pytestmark = pytest.mark.sound

STOP_WITHIN_S = 5.0  # the promise: well inside systemd's TimeoutStopSec
SENTENCE = "Vandaag heb ik boodschappen gedaan en daarna een stukje gewandeld."
SHORT_PROMPTS = ("welkom", "spreken")  # the guided protocol's welcome and first turn
SHORT_PROMPT_S = 0.3
CONFIG = '[protocol]\npartner_a = "Anna"\npartner_b = "Bram"\nbreathing = false\n'
# A saved calibration with both voices enrolled, so the session starts without one (the calibration is tested
# in test_start_system). Its voices make it ~100 KB: a full disk below must first hold it.
PROFILE_DISK = "512k"


@functools.cache
def _profile() -> Profile:
    return calibrated_profile("Anna", "Bram", "time-out", levels=(-30.0, -30.0))


def private_env(base: dict[str, str], home: Path, data: Path | None = None) -> dict[str, str]:
    """The card's environment with this test's own data and runtime folders (the lock lives there)."""
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    data = data or home / "data"
    profiles = data / "vertraag" / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    save_profile(_profile(), profiles)
    (home / "config.toml").write_text(CONFIG)
    return {**base, "XDG_DATA_HOME": str(data), "XDG_RUNTIME_DIR": str(runtime)}


class Start(StartProcess):
    """`vertraag start` with this test's config (private_env has its data and runtime folders)."""

    def __init__(self, env: dict[str, str], home: Path, *extra: str) -> None:
        super().__init__(env, home / "config.toml", extra)

    def stop_with(self, signum: int) -> tuple[float, int, str]:
        """Send the signal; seconds until the process is gone, its exit code and stderr."""
        sent = time.monotonic()
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=WAIT_S)
        finally:
            self.kill()
        took = time.monotonic() - sent
        self.drain()
        return took, code, self.stderr()


def _play(env: dict[str, str], wav: Path) -> None:
    subprocess.run(["paplay", "-d", "vt_mic", str(wav)], env=env, check=True, timeout=WAIT_S)


def _talking(env: dict[str, str], home: Path, *extra: str) -> Start:
    """A live session that has heard some speech (so it has something to report). The guide's first two
    prompts come from a voice folder with a short chime each, so the test waits seconds, not half a minute."""
    sentence = ag.write_wav(home / "zin.wav", ag.at_level(ag.espeak_nl(SENTENCE), ag.CALM_SPEECH_DBFS))
    voice = home / "stem"
    voice.mkdir()
    for prompt_id in SHORT_PROMPTS:
        ag.write_wav(voice / f"{prompt_id}.wav", ag.tone(440.0, SHORT_PROMPT_S, dbfs=-30.0))
    session = Start(env, home, *extra, "--voice", str(voice))
    session.wait_for(lambda e: e["type"] == "phase", "the session's start")
    _play(env, sentence)
    session.wait_for(lambda e: e["type"] == "speech_end", "speech heard")
    return session


def _report(home: Path) -> dict[str, Any]:
    folder = home / "data" / "vertraag" / "verslagen"
    reports = sorted(folder.glob("*.json"))
    assert len(reports) == 1, sorted(p.name for p in folder.iterdir())
    assert reports[0].with_suffix(".html").stat().st_size > 0
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "a temporary file was left"
    data: dict[str, Any] = json.loads(reports[0].read_text())
    return data


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_from_outside_ends_a_live_session_within_seconds_with_its_report(
    tmp_path: Path, card_env: dict[str, str], signum: int
) -> None:
    env = private_env(card_env, tmp_path)
    # The guided protocol: `q` would lead into its closing round (two minutes); a signal must not.
    session = _talking(env, tmp_path, "--protocol", "vertraag")
    try:
        took, code, err = session.stop_with(signum)
    finally:
        session.kill()
    assert took < STOP_WITHIN_S, f"{took:.1f} s; stderr: {err}"
    assert code == 0 and "Traceback" not in err, err
    ends = [e for e in session.events if e["type"] == "session_end"]
    assert [e["reason"] for e in ends] == ["stopped"], session.events[-3:]
    closing = [e for e in session.events if e["type"] == "prompt" and e["id"] == "samenvatting"]
    assert len(closing) == 1 and "Het verslag staat klaar" in closing[0]["text"]  # shown, and it was saved
    phases = [e["phase"] for e in session.events if e["type"] == "phase"]
    assert not any(p.startswith(("waardering", "afsluiting")) for p in phases), phases  # no closing round
    report = _report(tmp_path)
    assert report["end_reason"] == "stopped" and report["closing"] == closing[0]["text"]
    assert report["speech_s"] > 0
    assert "Het verslag staat in" in err


def test_a_full_disk_is_one_line_each_and_the_conversation_goes_on(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    with small_disk(tmp_path / "vol", size=PROFILE_DISK) as disk:
        env = private_env(card_env, tmp_path, data=disk)
        # A new pause word is kept in the couple's profile at the start: on a full disk it cannot be.
        (tmp_path / "config.toml").write_text(CONFIG + 'pause_word = "even stil"\n')
        fill(disk)
        session = _talking(env, tmp_path, "--protocol", "vrij")
        try:
            took, code, err = session.stop_with(signal.SIGTERM)
        finally:
            session.kill()
        left = sorted(p.name for p in disk.rglob("*") if p.is_file())
    assert code == 0 and "Traceback" not in err, err
    notices = [e for e in session.events if e["type"] == "notice"]
    assert len(notices) == 1 and "kalibratie kon niet bewaard" in notices[0]["message"], notices
    assert "de schijf is vol" in notices[0]["message"]
    # ... and the conversation went on: it heard speech after that line, and ended when asked.
    assert any(e["type"] == "speech_end" and e["t"] >= notices[0]["t"] for e in session.events)
    closing = next(e for e in session.events if e["type"] == "prompt" and e["id"] == "samenvatting")
    assert "Het verslag staat klaar" not in closing["text"]  # it was not saved: the words do not promise it
    assert "Het verslag is niet bewaard" in err and "de schijf is vol" in err
    assert took < STOP_WITHIN_S
    assert left == ["anna--bram.json", "vol"], left  # nothing partial: no report, no temporary file


def test_a_live_run_with_record_stopped_by_sigterm_keeps_its_report_and_the_whole_recording(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    env = private_env(card_env, tmp_path)
    folder = tmp_path / "verslagen"
    sentence = ag.write_wav(tmp_path / "zin.wav", ag.at_level(ag.espeak_nl(SENTENCE), ag.CALM_SPEECH_DBFS))
    run = subprocess.Popen(
        [sys.executable, "-m", "vertraag", "run", "--json", "--engine", "none", "--protocol", "vrij",
         "--record", "--report-dir", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        time.sleep(2.0)  # the microphone is open
        _play(env, sentence)
        time.sleep(1.0)
        run.send_signal(signal.SIGTERM)
        code = run.wait(timeout=WAIT_S)
    finally:
        if run.poll() is None:
            run.kill()
    _, err = run.communicate()
    assert code == 130 and "Traceback" not in err, err
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3 and {Path(n).suffix for n in names} == {".json", ".html", ".wav"}, names
    assert json.loads(next(folder.glob("*.json")).read_text())["audio_kept"] is True
    wav = next(folder.glob("*.wav"))
    assert sf.info(str(wav)).duration > 3.0  # a complete header: the whole recording, not "0 s"


def test_a_second_live_session_is_refused_while_a_recording_may_run_beside_it(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    env = private_env(card_env, tmp_path)
    first = Start(env, tmp_path, "--protocol", "vrij")
    try:
        first.wait_for(lambda e: e["type"] == "phase", "the first session's start")
        second = subprocess.run(
            [sys.executable, "-m", "vertraag", "start", "--plain", "--yes", "--engine", "none",
             "--config", str(tmp_path / "config.toml")],
            capture_output=True, text=True, env=env, timeout=WAIT_S,
        )  # fmt: skip
        live_run = subprocess.run(
            [sys.executable, "-m", "vertraag", "run", "--engine", "none"],
            capture_output=True, text=True, env=env, timeout=WAIT_S,
        )  # fmt: skip
        recording = ag.write_wav(tmp_path / "opname.wav", ag.at_level(ag.espeak_nl(SENTENCE), -25.0))
        beside = subprocess.run(
            [sys.executable, "-m", "vertraag", "run", "--engine", "none", "--input", str(recording),
             "--report-dir", str(tmp_path / "elders")],
            capture_output=True, text=True, env=env, timeout=WAIT_S,
        )  # fmt: skip
        assert first.proc.poll() is None, "the first session must go on"
    finally:
        first.kill()
    for refused in (second, live_run):
        lines = refused.stderr.strip().splitlines()
        assert refused.returncode == 2 and len(lines) == 1, refused.stderr
        assert f"proces {first.proc.pid}" in lines[0] and "systemctl --user stop vertraag" in lines[0]
    assert beside.returncode == 0, beside.stderr
    # The lock goes with its holder, however it ended (here: killed).
    again = Start(env, tmp_path, "--protocol", "vrij")
    try:
        again.wait_for(lambda e: e["type"] == "phase", "a session after the first was killed")
    finally:
        again.kill()


def test_sigterm_at_the_question_about_the_model_ends_the_command_quietly(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    """Before any session (here: the question whether to go on without a speech model, on a terminal) a stop
    from outside is as quiet as Ctrl-C: "Gestopt.", exit code 0, no traceback."""
    env = private_env(card_env, tmp_path)
    main, child = os.openpty()  # a terminal: the question is only asked there
    command = [sys.executable, "-m", "vertraag", "start", "--config", str(tmp_path / "config.toml")]
    proc = subprocess.Popen(
        [*command, "--model", str(tmp_path / "geen-model")],
        stdin=child, stdout=child, stderr=child, env=env, close_fds=True,
    )  # fmt: skip
    os.close(child)
    seen = b""
    try:
        deadline = time.monotonic() + WAIT_S
        while b"[J/n]" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                seen += os.read(main, 4096)
        assert b"[J/n]" in seen, seen.decode(errors="replace")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=WAIT_S)
        seen += _read_rest(main)
    finally:
        proc.kill()
        os.close(main)
    said = seen.decode(errors="replace")
    assert code == 0, said
    assert "Gestopt." in said and "Traceback" not in said


def _read_rest(fd: int) -> bytes:
    rest = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal's other end is gone
            break
        if not chunk:
            break
        rest += chunk
    return rest

"""CPU budget of a live `vertraag start` session: the whole program (microphone, Silero, loudness, recogniser,
word detector, session, speech out) on a private virtual sound card, with speech playing into the microphone
all the time (the busiest case: a couple that never stops talking).

Prints the CPU time the process used per second of wall time (1.0 = one core fully busy) over `--seconds`,
and its peak resident memory. Needs the test packages (pulseaudio, pulseaudio-utils, espeak-ng). Asserts
nothing: speed depends on the machine.

    .venv/bin/python bench/bench_start.py [--engine none|vosk] [--model DIR] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sound_card import client_env, vsound  # noqa: E402
from tests.voice_profile import calibrated_profile  # noqa: E402

from vertraag.start.profile import save_profile  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "speech-nl"
STARTUP_S = 12.0  # model loading and the welcome; not counted
CONFIG = '[protocol]\npartner_a = "Anna"\npartner_b = "Bram"\nname = "vrij"\n'
KB_PER_MB = 1024


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / KB_PER_MB
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="none", choices=("none", "vosk", "whisper"))
    parser.add_argument("--model", help="model directory (default: the installed Dutch model)")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        private = {**os.environ, "VSOUND_DIR": str(tmp / "vs"), "VSOUND_SETTLE": "0.5"}
        if vsound("start", env=private).returncode != 0:
            sys.exit("cannot start the virtual sound card (scripts/vsound.sh start)")
        env = {
            **private,
            **client_env(private),
            "XDG_DATA_HOME": str(tmp / "data"),
            "PYTHONPATH": str(ROOT / "src"),
        }
        save_profile(calibrated_profile("Anna", "Bram", "time-out"), tmp / "data" / "vertraag" / "profiles")
        (tmp / "config.toml").write_text(CONFIG)
        speech = np.concatenate([sf.read(str(p), dtype="int16")[0] for p in sorted(CORPUS.glob("*.wav"))])
        sf.write(str(tmp / "speech.wav"), speech, 16000)
        command = [sys.executable, "-m", "vertraag", "start", "--json", "--yes", "--engine", args.engine,
                   "--config", str(tmp / "config.toml")]  # fmt: skip
        command += ["--model", args.model] if args.model else []
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        player = subprocess.Popen(
            ["sh", "-c", f"while true; do paplay -d vt_mic {tmp / 'speech.wav'}; done"],
            env=env,
            start_new_session=True,  # its own process group: the loop and its paplay end together
        )
        try:
            time.sleep(STARTUP_S)
            cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(args.seconds)
            cpu1, wall1 = cpu_seconds(proc.pid), time.monotonic()
            rss = peak_rss_mb(proc.pid)
        finally:
            os.killpg(player.pid, signal.SIGTERM)
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            vsound("stop", env=private)
    load = (cpu1 - cpu0) / (wall1 - wall0)
    print(f"engine {args.engine}: {load:.2f} CPU seconds per second ({load * 100:.0f}% of one core) "
          f"over {wall1 - wall0:.0f} s of live speech; peak RSS {rss:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

"""Issue 17 ("Nothing lost"), without the sound card: full disks, names in parallel, leftovers of killed runs,
deletes at once, and the smaller holes (a --speak-to path, a huge voice recording, a pipe given as a file,
the systemd unit's escaping, the speech engine's scratch files).

Real processes and real signals where the issue is about processes; a tmpfs of 64 KB for a full disk.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from tests.disk import fill, small_disk
from vertraag import events as ev
from vertraag.events import Event
from vertraag.report.collect import ReportCollector
from vertraag.report.session import SessionReport

SPEECH = Path(__file__).parent / "data" / "speech-nl" / "flemishguy_1011.wav"
WAIT_S = 60.0
PARALLEL_SAVES = 10  # processes saving a report of the same second into one folder
MANY_SESSIONS = 300  # enough files that two deletes at once overlap
STARTED = datetime(2026, 3, 1, 20, 15, 0).astimezone()


def vertraag(
    *args: str, env: dict[str, str] | None = None, timeout: float = WAIT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vertraag", *args],
        capture_output=True, text=True, timeout=timeout, check=False, env=env,
    )  # fmt: skip


def popen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vertraag", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _session(folder: Path, protocol: str = "vrij") -> SessionReport:
    """A report of a session of the same second every time, in which someone spoke for 4 s."""
    collector = ReportCollector(started=STARTED, source="opname", transcript=False)
    phase = {"protocol": protocol, "phase": "vrij", "speaker": None, "listener": None, "talker": None}
    for event in (
        Event(ev.PHASE, 0.0, {**phase, "seconds": 0}),
        Event(ev.SPEECH_START, 1.0),
        Event(ev.SPEECH_END, 5.0, {"duration": 4.0}),
    ):
        collector.add(event)
    return SessionReport(folder=folder, chosen=True, collector=collector)


def _save_one(folder: str, barrier: Any, marker: int) -> None:
    session = _session(Path(folder), protocol=f"p{marker}")  # the protocol tells which process wrote it
    barrier.wait()
    session.save(until=6.0)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ case 4: names and atomic writes


def test_reports_saved_in_the_same_second_by_parallel_processes_never_overwrite_each_other(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PARALLEL_SAVES)
    workers = [
        context.Process(target=_save_one, args=(str(tmp_path), barrier, n)) for n in range(PARALLEL_SAVES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=WAIT_S)
        assert worker.exitcode == 0
    reports = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert sorted(r["protocol"] for r in reports) == sorted(f"p{n}" for n in range(PARALLEL_SAVES))
    assert len({r["id"] for r in reports}) == PARALLEL_SAVES
    assert all((tmp_path / f"{r['id']}.html").stat().st_size > 0 for r in reports)
    assert not [name for name in _files(tmp_path) if name.startswith(".")]  # no temporary file left


def test_a_report_on_a_full_disk_is_one_line_leaves_nothing_and_the_closing_does_not_promise_it(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "vol") as disk:
        folder = disk / "verslagen"
        folder.mkdir()
        filler = fill(disk)
        session = _session(folder)
        closing = session.closing("done", 6.0)
        assert closing and "Dank jullie wel" in closing and "Het verslag staat klaar" not in closing
        lines = session.save(until=6.0)
        assert [line for line in lines if "niet bewaard" in line], lines
        assert _files(folder) == []  # no 0-byte JSON, no cut page, no temporary file
        assert "Nog geen verslagen" in vertraag("verslag", "--report-dir", str(folder)).stdout
        filler.unlink()  # room again: the same session saves whole, and now the words may promise it
        assert "Het verslag staat klaar" in (_session(folder).closing("done", 6.0) or "")
        assert [line for line in session.save(until=6.0) if "staat in" in line]
        assert len(list(folder.glob("*.json"))) == 2 and len(list(folder.glob("*.html"))) == 2


def test_two_deletes_of_everything_at_once_both_end_cleanly(tmp_path: Path) -> None:
    _session(tmp_path).save(until=6.0)
    first = next(tmp_path.glob("*.json"))
    for n in range(2, MANY_SESSIONS + 1):
        for suffix in (".json", ".html"):
            shutil.copyfile(first.with_suffix(suffix), tmp_path / f"{first.stem}-{n}{suffix}")
    deletes = [popen("verslag", "delete", "--all", "--yes", "--report-dir", str(tmp_path)) for _ in range(2)]
    results = [(proc.wait(timeout=WAIT_S), proc.communicate()) for proc in deletes]
    for code, (_, err) in results:
        assert code == 0 and "Traceback" not in err, err
    assert _files(tmp_path) == []


# ------------------------------------------------------------------ cases 2 and 3: recordings


def test_record_on_a_full_disk_says_so_once_and_the_run_goes_on_to_its_report(tmp_path: Path) -> None:
    with small_disk(tmp_path / "vol") as disk:  # 64 KB: two seconds of 16 kHz audio
        done = vertraag(
            "run", "--input", str(SPEECH), "--engine", "none", "--record", "--report-dir", str(disk)
        )
        files = _files(disk)
        report = json.loads(next(disk.glob("*.json")).read_text())
    assert report["audio_kept"] is False  # the page must not say the sound was kept: it was not
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    told = [line for line in done.stderr.splitlines() if "opname wordt niet bewaard" in line]
    assert len(told) == 1 and "de schijf is vol" in told[0], done.stderr
    assert "speech_end" in done.stdout or "spraak" in done.stdout.lower()  # the whole recording was heard
    assert [name for name in files if name.endswith(".json")] and not [n for n in files if ".wav" in n], files


def test_a_recording_stopped_with_sigterm_keeps_nothing_partial(tmp_path: Path) -> None:
    folder = tmp_path / "verslagen"
    run = popen("run", "--input", str(SPEECH), "--realtime", "--engine", "none", "--record",
                "--report-dir", str(folder))  # fmt: skip
    try:
        _wait_for_recording(folder)
        run.send_signal(signal.SIGTERM)
        code = run.wait(timeout=WAIT_S)
    finally:
        run.kill()
    _, err = run.communicate()
    assert code == 130 and "Traceback" not in err, err
    assert _files(folder) == []


def test_a_killed_recording_is_listed_by_verslag_as_such_and_deleted_with_everything(tmp_path: Path) -> None:
    folder = tmp_path / "verslagen"
    _session(folder_made(folder)).save(until=6.0)  # one finished session beside it
    run = popen("run", "--input", str(SPEECH), "--realtime", "--engine", "none", "--record",
                "--report-dir", str(folder))  # fmt: skip
    try:
        recording = _wait_for_recording(folder)
    finally:
        run.kill()  # kill -9: nothing of vertraag runs any more
        run.communicate()
    assert recording.exists()
    listed = vertraag("verslag", "--report-dir", str(folder))
    assert "opname zonder verslag" in listed.stdout and recording.name in listed.stdout, listed.stdout
    assert listed.stdout.count("uitnodigingen:") == 1  # the finished session is listed as before
    deleted = vertraag("verslag", "delete", "--all", "--yes", "--report-dir", str(folder))
    assert deleted.returncode == 0, deleted.stderr
    assert _files(folder) == []  # no audio left behind


def folder_made(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _wait_for_recording(folder: Path) -> Path:
    """The recording being written, once it holds some audio."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = [p for p in folder.glob("*.wav*") if p.stat().st_size > 0] if folder.is_dir() else []
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no recording in {folder}")


# ------------------------------------------------------------------ case 6: the smaller ones


def test_a_speak_to_path_that_cannot_be_written_is_refused_before_the_recording(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "uit.wav"
    done = vertraag("run", "--input", str(SPEECH), "--engine", "none", "--json", "--speak-to", str(out),
                    "--report-dir", str(tmp_path / "r"))  # fmt: skip
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "bestaat niet" in done.stderr and done.stdout == ""  # nothing of the recording was processed


@pytest.mark.parametrize("flag", ["--input", "--config"])
def test_a_pipe_given_as_a_file_is_refused_at_once(tmp_path: Path, flag: str) -> None:
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    args = ["--input", str(fifo)] if flag == "--input" else ["--input", str(SPEECH), "--config", str(fifo)]
    done = vertraag("run", "--engine", "none", *args, timeout=20)  # it used to wait for a writer forever
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "geen gewoon bestand" in done.stderr


def test_a_voice_folder_never_reads_a_recording_too_big_or_too_long_for_a_prompt(tmp_path: Path) -> None:
    from vertraag.speak.voice_folder import MAX_PROMPT_BYTES, MAX_PROMPT_S, VoiceFolder

    huge = tmp_path / "welkom.wav"
    with sf.SoundFile(huge, "w", 48000, 2, "FLOAT", format="WAV") as wav:
        wav.write([[0.0, 0.0]])
    with huge.open("r+b") as fh:
        fh.truncate(MAX_PROMPT_BYTES * 32)  # a 1 GB file (sparse: it takes no room on the disk)
    long_rate = 8000
    sf.write(tmp_path / "spreken.wav", [0.0] * int(long_rate * (MAX_PROMPT_S + 5)), long_rate)
    sf.write(tmp_path / "pauze.wav", [0.1] * 16000, 16000)
    started = time.monotonic()
    folder = VoiceFolder(tmp_path)
    assert folder.sound("welkom", 1) is None and folder.sound("spreken", 1) is None
    assert time.monotonic() - started < 1.0  # refused from the size and the header, not read
    sound = folder.sound("pauze", 1)
    assert sound is not None and sound.seconds == pytest.approx(1.0)


def _systemd_words(line: str) -> list[str]:
    """ExecStart's words as systemd reads them: specifiers and variables, then quotes with C escapes."""
    assert "%" not in line.replace("%%", "") and "$" not in line.replace("$$", ""), line
    line = line.replace("%%", "%").replace("$$", "$")
    return shlex.split(line, posix=True)  # double quotes with \\ and \" inside read as systemd reads them


def test_the_service_unit_escapes_specifiers_variables_and_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vertraag.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    config = tmp_path / '100% "mijn" $USER\\map' / "config.toml"
    config.parent.mkdir()
    config.write_text("")
    device = 'USB "Jabra" %h $HOME'
    assert main(["service", "install", "--config", str(config), "--input-device", device]) == 0
    unit = tmp_path / "cfg" / "systemd" / "user" / "vertraag.service"
    line = next(x for x in unit.read_text().splitlines() if x.startswith("ExecStart="))
    words = _systemd_words(line.removeprefix("ExecStart="))
    assert words[1:] == ["start", "--plain", "--yes", "--config", str(config), "--input-device", device]
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt install systemd): the unit was only parsed here")
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0 and "quoting" not in verify.stderr.lower(), verify.stderr


def test_a_killed_run_leaves_no_speech_scratch_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = (
        "from vertraag.speak.tts.pyttsx3_engine import Pyttsx3Renderer\n"
        "r = Pyttsx3Renderer(); r.render('Dag Anna.'); print('klaar', flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(scratch)})  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "klaar"
    finally:
        child.kill()  # kill -9: no clean-up code runs
        child.wait()
    assert list(scratch.iterdir()) == []


def test_a_report_whose_page_was_never_written_gets_one_when_opened(tmp_path: Path) -> None:
    _session(tmp_path).save(until=6.0)
    page = next(tmp_path.glob("*.html"))
    page.unlink()  # killed between the report and its page
    no_desktop = {**os.environ, "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    opened = vertraag("verslag", "open", "1", "--report-dir", str(tmp_path), env=no_desktop)
    assert opened.returncode == 0 and str(page) in opened.stdout, opened.stderr
    assert "<svg" in page.read_text() and (page.stat().st_mode & 0o777) == 0o600

"""WavSource: every WAV flavour a user may have arrives as the same 16 kHz mono frames; bad files say why."""

from __future__ import annotations

import math
import shutil
import time
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

from tests.unprivileged import run_as_nobody, shared_dir
from vertraag.audio.frames import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, Frame
from vertraag.audio.wav_source import WavSource
from vertraag.errors import EXIT_OK, EXIT_USER_ERROR, NothingToReport, UserError

DATA = Path(__file__).parent / "data" / "speech-nl"
TONE_HZ = 1000.0
TONE_DBFS = -12.0  # well below full scale, well above 8-bit quantisation noise
TONE_SECONDS = 1.3  # deliberately not a whole number of frames
LEVEL_TOLERANCE_DB = 0.5
FREQ_TOLERANCE_HZ = 2.0  # FFT bins are 1 Hz over the one second we analyse
EDGE_SECONDS = 0.1  # resampler filters ring at the start and end: measure the middle only

Floats = npt.NDArray[np.float64]


def tone(rate: int, channels: int, seconds: float = TONE_SECONDS) -> Floats:
    t = np.arange(round(rate * seconds)) / rate
    amplitude = 10 ** (TONE_DBFS / 20)
    mono = amplitude * np.sin(2 * math.pi * TONE_HZ * t)
    return np.repeat(mono[:, None], channels, axis=1)


def write_u8_with_wave(path: Path, data: Floats, rate: int) -> None:
    """8-bit WAV is unsigned: written with the standard library so the writer is independent of the reader."""
    u8 = np.clip(np.rint(data * 128) + 128, 0, 255).astype(np.uint8)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(data.shape[1])
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(u8.tobytes())


def samples_of(frames: list[Frame]) -> npt.NDArray[np.int16]:
    return np.concatenate([f.samples for f in frames])


def dbfs(x: npt.NDArray[np.int16]) -> float:
    rms = float(np.sqrt(np.mean((x.astype(np.float64) / 32768) ** 2)))
    return 20 * math.log10(rms)


def peak_hz(x: npt.NDArray[np.int16]) -> float:
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64) * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[int(np.argmax(spectrum))])


FLAVOURS = [
    # (name, libsndfile container, subtype, rate, channels); subtype None = 8-bit through `wave`
    ("u8-8k-mono", None, None, 8000, 1),
    ("pcm16-16k-mono", "WAV", "PCM_16", 16000, 1),
    ("pcm16-44k1-mono", "WAV", "PCM_16", 44100, 1),
    ("pcm24-48k-stereo", "WAV", "PCM_24", 48000, 2),
    ("pcm32-8k-mono", "WAV", "PCM_32", 8000, 1),
    ("float-48k-mono", "WAV", "FLOAT", 48000, 1),
    ("double-44k1-stereo", "WAV", "DOUBLE", 44100, 2),
    ("extensible-pcm16-48k-stereo", "WAVEX", "PCM_16", 48000, 2),
    ("extensible-float-44k1-6ch", "WAVEX", "FLOAT", 44100, 6),
]


@pytest.mark.parametrize(("name", "container", "subtype", "rate", "channels"), FLAVOURS)
def test_every_wav_flavour_keeps_length_pitch_and_level(
    tmp_path: Path, name: str, container: str | None, subtype: str | None, rate: int, channels: int
) -> None:
    path = tmp_path / f"{name}.wav"
    data = tone(rate, channels)
    if subtype is None:
        write_u8_with_wave(path, data, rate)
    else:
        sf.write(path, data, rate, format=container, subtype=subtype)

    source = WavSource(path)
    frames = list(source.frames())

    assert source.format.sample_rate == rate and source.format.channels == channels
    assert abs(source.duration_s - TONE_SECONDS) < 1 / SAMPLE_RATE + 1e-9
    assert abs(frames[-1].t_end - TONE_SECONDS) <= FRAME_SECONDS
    assert [f.start for f in frames] == [i * FRAME_SAMPLES for i in range(len(frames))]
    assert all(f.samples.dtype == np.int16 and len(f.samples) == FRAME_SAMPLES for f in frames)
    edge = int(EDGE_SECONDS * SAMPLE_RATE)
    middle = samples_of(frames)[edge : edge + SAMPLE_RATE]
    assert abs(peak_hz(middle) - TONE_HZ) <= FREQ_TOLERANCE_HZ
    assert abs(dbfs(middle) - (TONE_DBFS - 10 * math.log10(2))) <= LEVEL_TOLERANCE_DB  # a sine's RMS is -3 dB


def test_channels_are_averaged_to_mono(tmp_path: Path) -> None:
    """A tone on the right channel only comes out at half its amplitude (-6 dB), not lost and not doubled."""
    data = tone(SAMPLE_RATE, 2)
    data[:, 0] = 0.0
    path = tmp_path / "right-only.wav"
    sf.write(path, data, SAMPLE_RATE, subtype="PCM_16")
    out = samples_of(list(WavSource(path).frames()))[: len(data)]
    expected = np.rint(data[:, 1] * 32768 / 2)
    assert np.max(np.abs(out - expected)) <= 1


def test_real_16k_clip_passes_through_bit_exact() -> None:
    path = DATA / "nathalie_85.wav"
    original, rate = sf.read(path, dtype="int16")
    assert rate == SAMPLE_RATE
    out = samples_of(list(WavSource(path).frames()))
    np.testing.assert_array_equal(out[: len(original)], original)
    assert not out[len(original) :].any()  # the last frame is padded with silence, nothing else


def test_float_beyond_full_scale_is_clipped_not_wrapped(tmp_path: Path) -> None:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    loud = 1.5 * np.sin(2 * math.pi * TONE_HZ * t)
    path = tmp_path / "too-loud.wav"
    sf.write(path, loud, SAMPLE_RATE, subtype="FLOAT")
    out = samples_of(list(WavSource(path).frames()))[: len(loud)]
    assert np.all(out[loud >= 1.0] == 32767)
    assert np.all(out[loud <= -1.0] == -32768)
    assert np.all(np.sign(out[np.abs(loud) > 0.01]) == np.sign(loud[np.abs(loud) > 0.01]))


@pytest.mark.parametrize("rate", [16000, 44100])
def test_frames_do_not_depend_on_block_size(tmp_path: Path, rate: int) -> None:
    noise = np.random.default_rng(seed=7).normal(scale=0.1, size=(round(rate * 1.7), 2))
    path = tmp_path / "noise.wav"
    sf.write(path, noise, rate, subtype="PCM_24")
    reference = list(WavSource(path).frames())
    for block_samples in (37, FRAME_SAMPLES, 4099, 10 * rate):
        frames = list(WavSource(path, block_samples=block_samples).frames())
        assert [f.start for f in frames] == [f.start for f in reference]
        np.testing.assert_array_equal(samples_of(frames), samples_of(reference))


def test_realtime_takes_at_least_the_duration(tmp_path: Path) -> None:
    path = tmp_path / "short.wav"
    sf.write(path, tone(SAMPLE_RATE, 1, seconds=0.6), SAMPLE_RATE)
    source = WavSource(path, realtime=True)
    began = time.monotonic()
    frames = list(source.frames())
    elapsed = time.monotonic() - began
    assert elapsed >= frames[-1].t_end - 0.01  # a lower bound only: a busy machine may be slower


def test_close_stops_the_frames(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(path, tone(SAMPLE_RATE, 1, seconds=3.0), SAMPLE_RATE)
    source = WavSource(path)
    seen = []
    for frame in source.frames():
        seen.append(frame)
        if len(seen) == 2:
            source.close()
    assert len(seen) == 2


def _write_bad(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.wav"
    if kind == "missing":
        return path
    if kind == "directory":
        path.mkdir()
    elif kind == "zero-bytes":
        path.touch()
    elif kind == "text":
        path.write_text("Dit is een boodschappenlijstje, geen opname.\n" * 20, encoding="utf-8")
    elif kind == "mp3-renamed":
        sf.write(tmp_path / "real.mp3", tone(44100, 1), 44100, format="MP3")
        shutil.move(tmp_path / "real.mp3", path)
    elif kind == "truncated-header":
        sf.write(tmp_path / "whole.wav", tone(SAMPLE_RATE, 1), SAMPLE_RATE)
        path.write_bytes((tmp_path / "whole.wav").read_bytes()[:30])
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("missing", "bestaat niet"),
        ("directory", "is een map"),
        ("zero-bytes", "leeg (0 bytes)"),
        ("text", "geen leesbaar WAV-bestand"),
        ("mp3-renamed", "geen WAV-bestand maar MPEG"),
        ("truncated-header", "geen leesbaar WAV-bestand"),
    ],
)
def test_bad_input_says_what_is_wrong(tmp_path: Path, kind: str, says: str) -> None:
    path = _write_bad(tmp_path, kind)
    with pytest.raises(UserError) as caught:
        WavSource(path)
    error = caught.value
    assert not isinstance(error, NothingToReport)
    assert error.exit_code == EXIT_USER_ERROR
    assert says in error.message and str(path) in error.message
    assert "\n" not in error.message


def test_empty_wav_has_nothing_to_report(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    sf.write(path, np.zeros((0, 1)), SAMPLE_RATE, subtype="PCM_16")
    with pytest.raises(NothingToReport) as caught:
        WavSource(path)
    assert caught.value.exit_code == EXIT_OK
    assert caught.value.message == f"Het bestand {path} bevat geen geluid."


READ_AS_NOBODY = """
import sys
from vertraag.audio.wav_source import WavSource
from vertraag.errors import UserError
try:
    WavSource(sys.argv[1])
except UserError as exc:
    print(exc.message)
"""


def test_unreadable_file_says_so() -> None:
    """Root reads any file: the check runs as an unprivileged user (tests/unprivileged.py): no skip."""
    with shared_dir() as folder:
        path = folder / "private.wav"
        sf.write(path, tone(SAMPLE_RATE, 1), SAMPLE_RATE)
        path.chmod(0)
        done = run_as_nobody(READ_AS_NOBODY, str(path), workdir=folder)
    assert done.returncode == 0, done.stderr
    assert f"Het bestand {path} kan niet gelezen worden" in done.stdout
    assert "controleer de rechten" in done.stdout

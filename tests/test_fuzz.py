"""Fuzzed bad input, as `vertraag` meets it: never a traceback; exit code 0 or 2 with one line on stderr.

Hypothesis throws random TOML values at the settings, random bytes and broken headers at the WAV reader, and
random text (Unicode junk, NUL, very long lines) at `scan`. The commands run in this process (`cli.main`),
so an exception that escapes is a failing test, not a traceback someone has to spot in a log.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import audio_gen as ag
from vertraag import cli, cli_scan, known
from vertraag.audio.wav_source import WavSource
from vertraag.config import CONFIG_ENV, MODEL_ENV
from vertraag.config import check as config_check
from vertraag.detect.words import WordDetector
from vertraag.errors import EXIT_OK, EXIT_USER_ERROR, UserError

CONFIGS = 100  # the issue: a hundred random bad configs, one line each
WAVS = 60
TEXTS = 60
LONG_LINE_CHARS = 20_000  # a pasted essay on one line


def fuzz(examples: int) -> settings:
    """Bounded, repeatable and without a deadline: fast, and never flaky on a busy machine."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


SECTIONS = list(config_check.keys())
KEYS = sorted({key for keys in config_check.keys().values() for key in keys})


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "geen-config.toml"))
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # a session report stays in the test's folder


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ---- settings ---------------------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=6,
)
NAMES = st.sampled_from(KEYS) | st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1)
TABLES = st.dictionaries(NAMES, VALUES, max_size=4)
DOCUMENTS = st.dictionaries(st.sampled_from(SECTIONS) | NAMES, TABLES | VALUES, min_size=1, max_size=3)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml_document(doc: dict[str, Any]) -> str:
    plain = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    tables = [
        f"[{json.dumps(k)}]\n" + "".join(f"{json.dumps(key)} = {toml_value(v)}\n" for key, v in table.items())
        for k, table in doc.items()
        if isinstance(table, dict)
    ]
    return "\n".join(plain) + "\n" + "\n".join(tables)


def run_config(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`vertraag run --config PATH` on a recording that is not there: a config that passes gets that far."""
    code = cli.main(["run", "--config", str(path), "--input", str(path.parent / "geen.wav")])
    line = one_line(capsys.readouterr().err)
    assert code == EXIT_USER_ERROR
    assert str(path) in line or "geen.wav" in line
    return line


@fuzz(CONFIGS)
@given(doc=DOCUMENTS)
def test_random_configs_get_one_line_and_exit_code_2(
    doc: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml_document(doc), encoding="utf-8")
    run_config(path, capsys)


@fuzz(CONFIGS // 2)
@given(data=st.binary(max_size=200))
def test_random_bytes_as_config_get_one_line(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    run_config(path, capsys)


@fuzz(CONFIGS // 2)
@given(section=st.sampled_from(SECTIONS), data=st.data(), value=VALUES)
def test_every_key_with_a_random_value_is_taken_or_refused_in_one_line(
    section: str, data: st.DataObject, value: Any
) -> None:
    key = data.draw(st.sampled_from(config_check.keys()[section]))
    try:
        config_check.checked({section: {key: value}}, where="fuzz.toml", names=known.names())
    except UserError as exc:
        assert "\n" not in exc.message and exc.message.startswith("fuzz.toml: ")
        assert f"[{section}] {key} = " in exc.message


# ---- WAV files --------------------------------------------------------------------------------------------

RIFF_HEADER_BYTES = 44


def small_wav(tmp_path: Path) -> bytes:
    path = ag.write_wav(tmp_path / "goed.wav", (ag.silence(0.1) + 1000).astype(np.int16))
    return path.read_bytes()


def run_wav(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The WAV reader end to end without models: every frame of the file, or one line and exit code 2."""
    try:
        source = WavSource(path)
        for _ in source.frames():
            pass
    except UserError as exc:
        assert "\n" not in exc.message and exc.exit_code in (EXIT_OK, EXIT_USER_ERROR)
        return
    capsys.readouterr()


@fuzz(WAVS)
@given(data=st.binary(max_size=400))
def test_random_bytes_as_wav_are_one_line(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ruis.wav"
    path.write_bytes(data)
    run_wav(path, capsys)


@fuzz(WAVS)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, RIFF_HEADER_BYTES - 1), st.integers(0, 255)), min_size=1, max_size=6
    ),
    cut=st.none() | st.integers(0, RIFF_HEADER_BYTES + 64),
)
def test_broken_headers_are_one_line(
    changes: list[tuple[int, int]], cut: int | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(small_wav(tmp_path))
    for at, byte in changes:
        data[at] = byte
    path = tmp_path / "kapot.wav"
    path.write_bytes(bytes(data[:cut]))
    run_wav(path, capsys)


@pytest.mark.parametrize(
    ("field", "offset", "value"),
    [
        ("channels 0", 22, struct.pack("<H", 0)),
        ("channels 65535", 22, struct.pack("<H", 65535)),
        ("rate 0", 24, struct.pack("<I", 0)),
        ("rate 1 Hz", 24, struct.pack("<I", 1)),
        ("rate 4 GHz", 24, struct.pack("<I", 4_000_000_000)),
        ("bits 7", 34, struct.pack("<H", 7)),
        ("data size huge", 40, struct.pack("<I", 0xFFFFFFFF)),
    ],
)
def test_headers_that_lie_are_one_line_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, offset: int, value: bytes
) -> None:
    data = bytearray(small_wav(tmp_path))
    data[offset : offset + len(value)] = value
    path = tmp_path / "liegt.wav"
    path.write_bytes(bytes(data))
    code = cli.main(["run", "--input", str(path), "--engine", "none", "--json"])
    err = capsys.readouterr().err
    assert code in (EXIT_OK, EXIT_USER_ERROR), field
    line = one_line(err)
    if field == "rate 1 Hz":
        assert code == EXIT_USER_ERROR and "Hz" in line  # not half an hour of made-up audio


# ---- scan -------------------------------------------------------------------------------------------------

JUNK = st.text(alphabet=st.characters(codec=None), max_size=300)  # any code point: NUL, controls, emoji ...


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


@fuzz(TEXTS)
@given(lines=st.lists(JUNK, min_size=1, max_size=4))
def test_scan_answers_every_line_of_junk(lines: list[str], detector: WordDetector) -> None:
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    out = io.BytesIO()
    cli_scan.write(detector, (cli_scan._clean(line) for line in lines), out)
    # JSON Lines: only "\n" ends a record (U+2028 or U+0085 inside a text are text).
    records = [json.loads(line) for line in out.getvalue().decode("utf-8").split("\n")[:-1]]
    assert len(records) == len(lines)


@fuzz(TEXTS)
@given(data=st.binary(max_size=300))
def test_scan_reads_any_bytes_on_stdin(data: bytes, detector: WordDetector) -> None:
    out = io.BytesIO()
    cli_scan.write(detector, cli_scan._stdin_lines(io.BytesIO(data)), out)
    assert len(out.getvalue().splitlines()) == len(io.BytesIO(data).readlines())


@pytest.mark.parametrize(
    "text",
    [
        "je luistert " + "nooit " * (LONG_LINE_CHARS // 6),
        "x" * LONG_LINE_CHARS,
        "jij\x00bent\x00lui",
        "\ud800 nooit \udfff",
        "\u202eje bent altijd\u202c \U0001f643" * 100,
    ],
    ids=["long-words", "long-run", "nul", "surrogates", "bidi-emoji"],
)
def test_scan_command_on_hard_text(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["scan", text])
    out, err = capsys.readouterr()
    assert code == EXIT_OK and err == ""
    assert out.endswith("\n") and out.count("\n") == 1
    json.loads(out)

"""Which LibriSpeech readers train the voice background model and which ones measure and test attribution.

The readers are the 251 train-clean-100 readers in github resemble-ai/Resemblyzer, `audio_data/
librispeech_train-clean-100/` (LibriSpeech, Panayotov et al. 2015, CC BY 4.0), one clip of 2-17 s each.
The split is fixed by rule, not by hand: readers with a clip of at least MEASURE_MIN_S, in order of reader
id, the first MEASURE_PER_GENDER women and men measure (never train); the first TEST_PER_GENDER of those are
copied into tests/data/voices for the tests. Every other reader trains the background model.
The held-out test-set readers in the same repository are never used (kept for an independent measure).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf

MIRROR = Path("/work/.mirror/resemble-ai+Resemblyzer/repo")
FOLDER = "audio_data/librispeech_train-clean-100"
MEASURE_MIN_S = 13.0  # 8 s to calibrate and at least 5 s left to judge
MEASURE_PER_GENDER = 20
TEST_PER_GENDER = 4
SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Reader:
    reader_id: str
    gender: str  # "F" or "M", from SPEAKERS.TXT
    path: str  # inside the repository


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def _genders(repo: Path) -> dict[str, str]:
    text = _git(repo, "show", f"HEAD:{FOLDER}/SPEAKERS.TXT").decode()
    genders = {}
    for line in text.splitlines():
        if line.startswith(";"):
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) >= 2:
            genders[fields[0]] = fields[1]
    return genders


def readers(repo: Path = MIRROR) -> list[Reader]:
    names = _git(repo, "ls-tree", "-r", "--name-only", "HEAD", FOLDER).decode().split()
    genders = _genders(repo)
    found = []
    for name in names:
        if name.endswith(".flac"):
            reader_id = Path(name).name.split("-")[0]
            found.append(Reader(reader_id, genders[reader_id], name))
    return sorted(found, key=lambda r: int(r.reader_id))


def audio(reader: Reader, repo: Path = MIRROR) -> npt.NDArray[np.int16]:
    """The reader's clip as 16 kHz mono int16."""
    data, rate = sf.read(io.BytesIO(_git(repo, "show", f"HEAD:{reader.path}")), dtype="int16")
    if rate != SAMPLE_RATE:
        raise ValueError(f"{reader.path}: {rate} Hz, expected {SAMPLE_RATE}")
    return np.asarray(data, dtype=np.int16)


def split(all_readers: list[Reader], repo: Path = MIRROR) -> tuple[list[Reader], list[Reader], list[Reader]]:
    """(train, measure, test): test is a subset of measure; train shares no reader with measure."""
    long_enough = [r for r in all_readers if len(audio(r, repo)) >= MEASURE_MIN_S * SAMPLE_RATE]
    measure: list[Reader] = []
    test: list[Reader] = []
    for gender in ("F", "M"):
        of_gender = [r for r in long_enough if r.gender == gender]
        measure += of_gender[:MEASURE_PER_GENDER]
        test += of_gender[:TEST_PER_GENDER]
    chosen = {r.reader_id for r in measure}
    train = [r for r in all_readers if r.reader_id not in chosen]
    return train, measure, test


def dev(all_readers: list[Reader], repo: Path = MIRROR) -> list[Reader]:
    """Training readers kept aside to choose the decision margins on (never the measure readers): the
    last MEASURE_PER_GENDER women and men, by reader id, with a clip of at least MEASURE_MIN_S."""
    train, _, _ = split(all_readers, repo)
    long_enough = [r for r in train if len(audio(r, repo)) >= MEASURE_MIN_S * SAMPLE_RATE]
    return [
        r
        for gender in ("F", "M")
        for r in [x for x in long_enough if x.gender == gender][-MEASURE_PER_GENDER:]
    ]

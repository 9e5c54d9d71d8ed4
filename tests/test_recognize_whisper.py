"""The Whisper engine with multilingual Whisper base on the real Dutch clips of `tests/data/speech-nl`.

The whole corpus is one session (clips joined by pauses, one model load) decoded once per test run; the
voice-activity decision per frame is where the clips are. Run with `-s` to see the per-clip table.
"""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.audio_gen import Clip, clapping, clips, music, pink_noise, running_water, silence
from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame, Framer
from vertraag.config import RecognizerSettings
from vertraag.errors import UserError
from vertraag.recognize.base import Utterance
from vertraag.recognize.factory import create_recognizer
from vertraag.recognize.whisper_engine import WhisperRecognizer

pytestmark = pytest.mark.slow

KEYWORDS = ("nooit", "altijd")  # the absolutes a word detector reacts to
MIN_KEYWORD_RECALL = 0.9  # the bar: at least 90% of the clips with a keyword yield it
PAUSE_S = 1.0  # between clips: longer than the engine's end-of-utterance silence
TIME_SLACK_S = 0.05  # word and utterance times may round to the frame around a clip edge


@dataclass(frozen=True)
class Placed:
    clip: Clip
    start: float  # seconds of session audio
    end: float


@dataclass(frozen=True)
class CorpusRun:
    placed: list[Placed]
    heard: dict[str, list[Utterance]]  # clip file -> utterances inside its span


def normalised_words(text: str) -> set[str]:
    return {w.strip(string.punctuation + "“”‘’").lower() for w in text.split()}


def keywords_in(words: set[str]) -> set[str]:
    return words & set(KEYWORDS)


@pytest.fixture(scope="session")
def corpus_run(whisper_base_dir: Path) -> CorpusRun:
    pieces, placed, at = [], [], PAUSE_S
    pieces.append(silence(PAUSE_S))
    for clip in clips():
        samples = clip.samples()
        placed.append(Placed(clip, at, at + len(samples) / SAMPLE_RATE))
        pieces += [samples, silence(PAUSE_S)]
        at += len(samples) / SAMPLE_RATE + PAUSE_S
    spans = np.array([(p.start, p.end) for p in placed])
    recognizer = WhisperRecognizer(whisper_base_dir)
    results = []
    framer = Framer()
    for frame in [*framer.push(np.concatenate(pieces)), *framer.flush()]:
        results += recognizer.accept(frame, is_speech=_inside(frame, spans))
    results += recognizer.finish()
    recognizer.close()
    heard: dict[str, list[Utterance]] = {p.clip.file: [] for p in placed}
    for u in results:
        assert isinstance(u, Utterance)
        owner = next(p for p in placed if p.start - TIME_SLACK_S <= u.start and u.end <= p.end + TIME_SLACK_S)
        heard[owner.clip.file].append(u)
    _print_table(placed, heard)
    return CorpusRun(placed, heard)


def _inside(frame: Frame, spans: np.ndarray) -> bool:
    middle = (frame.start + FRAME_SAMPLES / 2) / SAMPLE_RATE
    return bool(np.any((spans[:, 0] <= middle) & (middle < spans[:, 1])))


def _print_table(placed: list[Placed], heard: dict[str, list[Utterance]]) -> None:
    for p in placed:
        said = " | ".join(u.text for u in heard[p.clip.file])
        mark = "*" if keywords_in(normalised_words(p.clip.transcript)) else " "
        print(f"{mark} {p.clip.file:22} {p.clip.transcript}\n    -> {said}", file=sys.stdout)


def test_keywords_are_heard_and_never_invented(corpus_run: CorpusRun) -> None:
    with_keyword, hits, invented = 0, [], []
    for p in corpus_run.placed:
        said = keywords_in({w.text for u in corpus_run.heard[p.clip.file] for w in u.words})
        expected = keywords_in(normalised_words(p.clip.transcript))
        if expected:
            with_keyword += 1
            if expected <= said:
                hits.append(p.clip.file)
        if said - expected:
            invented.append((p.clip.file, sorted(said - expected)))
    assert with_keyword >= 20, "the corpus should hold enough clips with a keyword"
    recall = len(hits) / with_keyword
    print(f"keyword recall {len(hits)}/{with_keyword} = {recall:.0%}; invented: {invented}")
    assert recall >= MIN_KEYWORD_RECALL
    assert invented == []


def test_every_clip_is_one_utterance_with_times_inside_it(corpus_run: CorpusRun) -> None:
    missing = [f for f, us in corpus_run.heard.items() if not us]
    assert len(missing) <= len(corpus_run.placed) // 20, f"clips with nothing recognised: {missing}"
    for p in corpus_run.placed:
        for u in corpus_run.heard[p.clip.file]:
            starts = [w.start for w in u.words]
            assert starts == sorted(starts)
            assert u.words[0].start == pytest.approx(u.start) and u.words[-1].end == pytest.approx(u.end)
            assert all(u.start <= w.start <= w.end <= u.end for w in u.words)
            assert p.start - TIME_SLACK_S <= u.start < u.end <= p.end + TIME_SLACK_S


def test_silence_and_clicks_are_not_decoded(whisper_base_dir: Path) -> None:
    recognizer = WhisperRecognizer(whisper_base_dir)
    framer = Framer()
    events = []
    audio = np.concatenate((silence(2.0), np.full(FRAME_SAMPLES * 2, 8000, dtype=np.int16), silence(2.0)))
    for frame in framer.push(audio):
        events += recognizer.accept(frame, is_speech=bool(np.any(frame.samples)))
    assert events + recognizer.finish() == []
    recognizer.close()


def test_noise_let_through_as_speech_is_not_transcribed(whisper_base_dir: Path) -> None:
    """Voice activity detection errs sometimes; Whisper then writes "MUZIEK." or invents a phrase."""
    recognizer = WhisperRecognizer(whisper_base_dir)
    events = []
    noises = (pink_noise(3.0, seed=4), music(3.0, seed=4), clapping(2.0, seed=4), running_water(3.0, seed=4))
    for noise in noises:
        framer = Framer()
        for frame in [*framer.push(np.concatenate((noise, silence(1.0)))), *framer.flush()]:
            events += recognizer.accept(frame, is_speech=bool(np.any(frame.samples)))
        events += recognizer.finish()
    recognizer.close()
    assert [u.text for u in events if isinstance(u, Utterance)] == []


def test_a_missing_model_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"model\.bin") as caught:
        create_recognizer(RecognizerSettings(engine="whisper"), tmp_path / "geen-model")
    assert str(tmp_path / "geen-model") in caught.value.message


def test_without_faster_whisper_the_user_is_told_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # what a missing package looks like to import
    monkeypatch.delitem(sys.modules, "vertraag.recognize.whisper_engine", raising=False)
    with pytest.raises(UserError, match=r"pip install 'vertraag\[whisper\]'"):
        create_recognizer(RecognizerSettings(engine="whisper"), tmp_path)


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="vosk, whisper, none"):
        create_recognizer(RecognizerSettings(engine="kaldi"), tmp_path)

"""The Vosk engine with a real model: the Korean small model from PyPI on Korean speech from espeak-ng.

The Dutch model cannot be had in the test environment; the Korean one runs the same streaming path
(partials, endpointing, word times, grammar). Nothing here asserts what a Korean sentence means: only what
a user of any model would notice.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tests.audio_gen import Audio, blocks, concat_with_silence, espeak_nl, silence, white_noise
from vertraag.audio.frames import SAMPLE_RATE, Framer
from vertraag.config import RecognizerSettings
from vertraag.errors import UserError
from vertraag.models import store
from vertraag.recognize.base import Partial, Recognizer, RecognizerEvent, Utterance
from vertraag.recognize.factory import create_recognizer
from vertraag.recognize.vosk_engine import VoskRecognizer

pytestmark = pytest.mark.slow

SENTENCE = "오늘 오후에 하우스 파티가 있습니다 우리는 학교에 갑니다"
GRAMMAR = ("하우스", "오후")  # two words the Korean model knows
SESSION_OFFSET_S = 7.0  # the clip starts this far into the session: word times must include it
TRAILING_SILENCE_S = 1.5  # long enough for Vosk's endpointer to close the utterance


@pytest.fixture(scope="module")
def korean() -> Audio:
    return concat_with_silence([espeak_nl(SENTENCE, voice="ko")], edge_s=0.5)


def run(
    recognizer: Recognizer, audio: Audio, *, start_s: float = 0.0, block_samples: int = 512
) -> list[RecognizerEvent]:
    """Feed `audio` (sound-card blocks cut into frames) from `start_s` of the session on, then finish."""
    framer = Framer(start_sample=round(start_s * SAMPLE_RATE))
    events: list[RecognizerEvent] = []
    for block in blocks(audio, block_samples):
        for frame in framer.push(block):
            events += recognizer.accept(frame, is_speech=True)
    for frame in framer.flush():
        events += recognizer.accept(frame, is_speech=True)
    return events + recognizer.finish()


@pytest.fixture(scope="module")
def undithered_model(vosk_ko_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean model with Kaldi's dither off, so that a decode is repeatable. Kaldi adds random dither
    (libc `rand()`, one state for the whole process) to the audio before its features: with it, two runs over
    the same frames differ in doubtful words, also after `srand`, whenever another thread draws a number in
    between (measured: four seeds, four different word lists; with `--dither=0`, one)."""
    copy = tmp_path_factory.mktemp("vosk-ko-undithered")
    for part in vosk_ko_model_dir.iterdir():
        if part.name != "conf":
            (copy / part.name).symlink_to(part)
    shutil.copytree(vosk_ko_model_dir / "conf", copy / "conf")
    with (copy / "conf" / "mfcc.conf").open("a", encoding="utf-8") as conf:
        conf.write("--dither=0\n")
    return copy


def utterances(events: Sequence[RecognizerEvent]) -> list[Utterance]:
    return [e for e in events if isinstance(e, Utterance)]


def test_partials_arrive_before_the_final_result(vosk_ko_model_dir: Path, korean: Audio) -> None:
    events = run(VoskRecognizer(vosk_ko_model_dir), korean)
    finals = utterances(events)
    assert finals, "no utterance recognised"
    first_final = events.index(finals[0])
    partials = [e for e in events[:first_final] if isinstance(e, Partial)]
    assert partials, "no partial before the first utterance"
    assert all(p.stable for p in partials), "a partial was reported without a stable part"
    assert partials[0].t < finals[0].end
    # The stable text grows; what was reported as said is the start of the final text.
    assert finals[0].text.startswith(partials[0].stable)


def test_word_times_are_ordered_and_inside_the_clip(vosk_ko_model_dir: Path, korean: Audio) -> None:
    audio = np.concatenate((korean, silence(TRAILING_SILENCE_S)))
    events = run(VoskRecognizer(vosk_ko_model_dir), audio, start_s=SESSION_OFFSET_S)
    words = [w for u in utterances(events) for w in u.words]
    assert len(words) >= 3
    clip_end = SESSION_OFFSET_S + len(korean) / SAMPLE_RATE
    for w in words:
        assert SESSION_OFFSET_S <= w.start <= w.end <= clip_end, w
        assert w.confidence is not None and 0.0 <= w.confidence <= 1.0
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    for u in utterances(events):
        assert u.start == u.words[0].start and u.end == u.words[-1].end


def test_times_continue_across_finish_and_reuse(vosk_ko_model_dir: Path, korean: Audio) -> None:
    recognizer = VoskRecognizer(vosk_ko_model_dir)
    first = utterances(run(recognizer, korean))
    later_s = 30.0
    second = utterances(run(recognizer, korean, start_s=later_s))
    assert first and second
    assert second[0].start == pytest.approx(first[0].start + later_s, abs=0.1)


def test_silence_and_hiss_yield_nothing(vosk_ko_model_dir: Path) -> None:
    quiet = np.concatenate((silence(3.0), white_noise(3.0, dbfs=-65.0, seed=1)))
    assert run(VoskRecognizer(vosk_ko_model_dir), quiet) == []


@pytest.mark.parametrize("kind", ["missing", "empty", "not a model", "a file"])
def test_a_bad_model_path_says_what_to_do(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "model"
    if kind == "empty":
        path.mkdir()
    elif kind == "not a model":
        path.mkdir()
        (path / "README").write_text("dit is geen model")
    elif kind == "a file":
        path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UserError) as caught:
        VoskRecognizer(path)
    message = caught.value.message
    assert str(path) in message
    assert "vertraag model download" in message and "vertraag model install" in message


def test_a_damaged_model_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"\0" * 64)
    with pytest.raises(UserError, match="vertraag model download"):
        VoskRecognizer(tmp_path)


def test_grammar_mode_only_hears_its_words(vosk_ko_model_dir: Path, korean: Audio) -> None:
    free = {w.text for u in utterances(run(VoskRecognizer(vosk_ko_model_dir), korean)) for w in u.words}
    assert free - set(GRAMMAR), "free recognition should hear more than the command words"
    command = espeak_nl("하우스", voice="ko")
    spoken_command = concat_with_silence([command], edge_s=0.5)
    for audio in (korean, spoken_command):
        heard = utterances(run(VoskRecognizer(vosk_ko_model_dir, grammar=GRAMMAR), audio))
        assert {w.text for u in heard for w in u.words} <= set(GRAMMAR)
    heard = utterances(run(VoskRecognizer(vosk_ko_model_dir, grammar=GRAMMAR), spoken_command))
    assert [u.text for u in heard] == ["하우스"]


def test_grammar_without_known_words_is_refused(vosk_ko_model_dir: Path) -> None:
    with pytest.raises(UserError, match="woordenlijst"):
        VoskRecognizer(vosk_ko_model_dir, grammar=["stopwoordenlijst"])


def test_block_size_and_threading_do_not_change_the_words(undithered_model: Path, korean: Audio) -> None:
    audio = np.concatenate((korean, silence(TRAILING_SILENCE_S), korean))
    settings = RecognizerSettings(engine="vosk")

    def words(recognizer: Recognizer, block_samples: int) -> list[tuple[str, float]]:
        try:
            events = run(recognizer, audio, block_samples=block_samples)
        finally:
            recognizer.close()
        return [(w.text, round(w.start, 2)) for u in utterances(events) for w in u.words]

    reference = words(create_recognizer(settings, undithered_model), 512)
    assert len(reference) >= 3
    assert words(create_recognizer(settings, undithered_model), 160) == reference
    assert words(create_recognizer(settings, undithered_model, threaded=True), 4000) == reference


def test_the_engine_and_the_model_store_agree_on_what_a_vosk_model_is(
    tmp_path: Path, vosk_ko_model_dir: Path
) -> None:
    """One definition (models/store.py): what the store calls incomplete, the engine refuses, saying why."""
    assert store.vosk_problems(vosk_ko_model_dir) == []
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"\0" * 64)
    missing = store.vosk_problems(tmp_path)
    assert "conf/model.conf" in missing
    with pytest.raises(UserError) as caught:
        VoskRecognizer(tmp_path)
    assert all(name in caught.value.message for name in missing)

"""The `Speaker` never lets a sound problem stop a session: no voice -> a chime, no speaker -> text only."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from vertraag.speak.errors import PlaybackUnavailable, SpeechUnavailable
from vertraag.speak.player import RecordingPlayer
from vertraag.speak.sound import Sound
from vertraag.speak.speaker import SENTENCE_PAUSE_S, Speaker
from vertraag.speak.tones import OUTPUT_RATE, breath_guide, chime
from vertraag.speak.tts import CachedRenderer, EspeakRenderer

PROMPTS = [
    ("pause_raised", 1, "Laten we even rustig adem halen."),
    ("pause_raised", 2, "Even pauze. Adem rustig in en uit."),
    ("i_message", 1, "Zeg het als een ik-boodschap."),
]
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (sudo apt install espeak-ng)"
)


class BrokenRenderer:
    def __init__(self) -> None:
        self.calls = 0

    def render(self, text: str) -> Sound:
        self.calls += 1
        raise SpeechUnavailable("De spraakmotor reageert niet meer.")


class NoSpeaker(RecordingPlayer):
    """A player whose device is gone until `back` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.back = False

    def play(self, sound: Sound) -> None:
        if not self.back:
            raise PlaybackUnavailable("Geen luidspreker gevonden.")
        super().play(sound)


class CountingEspeak:
    """The real espeak-ng renderer, counting how often it is asked."""

    def __init__(self) -> None:
        self.inner = EspeakRenderer()
        self.calls: list[str] = []

    def render(self, text: str) -> Sound:
        self.calls.append(text)
        return self.inner.render(text)


def test_failed_speech_plays_the_soft_chime_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    player = RecordingPlayer()
    speaker = Speaker(renderer=BrokenRenderer(), player=player)
    with caplog.at_level(logging.WARNING):
        lengths = [speaker.say(*prompt) for prompt in PROMPTS]
    soft = chime(OUTPUT_RATE, kind="soft")
    assert lengths == [soft.seconds] * len(PROMPTS)
    assert all(np.array_equal(sound.samples, soft.samples) for sound in player.sounds)
    assert caplog.text.count("speech failed") == 1


def test_no_renderer_at_all_chimes() -> None:
    player = RecordingPlayer()
    assert Speaker(renderer=None, player=player).say(*PROMPTS[0]) == chime().seconds
    assert len(player.sounds) == 1


def test_no_speaker_keeps_the_session_going(caplog: pytest.LogCaptureFixture) -> None:
    player = NoSpeaker()
    speaker = Speaker(renderer=BrokenRenderer(), player=player)
    with caplog.at_level(logging.WARNING):
        assert speaker.say(*PROMPTS[0]) == chime().seconds
        assert speaker.chime("end") == chime(kind="end").seconds
        assert speaker.breathe(4, 6, 2) == pytest.approx(20.0)
    assert speaker.can_play is False
    assert caplog.text.count("cannot play") == 1
    player.back = True  # the speaker is plugged in again: the next sound plays
    speaker.chime("start")
    assert speaker.can_play is True and len(player.sounds) == 1


def test_chimes_and_breaths_reach_the_player_in_order() -> None:
    player = RecordingPlayer()
    speaker = Speaker(renderer=None, player=player)
    speaker.chime("start")
    speaker.breathe(4, 6, 1)
    speaker.chime("callback")
    expected = [chime(kind="start"), breath_guide(4, 6, 1), chime(kind="callback")]
    assert [s.seconds for s in player.sounds] == [s.seconds for s in expected]
    speaker.stop()
    speaker.close()
    assert player.stops == 1 and player.closed


@needs_espeak
def test_prepared_prompts_are_not_rendered_again() -> None:
    renderer = CountingEspeak()
    player = RecordingPlayer()
    speaker = Speaker(renderer=renderer, player=player)
    sentences = ["Laten we even rustig adem halen.", "Even pauze.", "Adem rustig in en uit."]
    sentences.append("Zeg het als een ik-boodschap.")
    assert speaker.prepare(PROMPTS) == len(sentences)
    assert renderer.calls == sentences  # one render per sentence: the fixed sentences can be ready ahead
    for prompt in PROMPTS:
        assert speaker.say(*prompt) > 1.0
    assert renderer.calls == sentences
    assert all(sound.rate == OUTPUT_RATE for sound in player.sounds)


@needs_espeak
def test_a_live_word_renders_only_its_own_sentence_and_sentences_get_a_pause() -> None:
    renderer = CountingEspeak()
    speaker = Speaker(renderer=renderer, player=RecordingPlayer())
    reframe = "Probeer het eens zo: ik voelde me niet gehoord."
    speaker.prepare([], [reframe])
    sound = speaker.sound_for("woord", 1, f"Ik hoorde 'nooit'. {reframe}")
    assert renderer.calls == [reframe, "Ik hoorde 'nooit'."]
    alone = [renderer.inner.render(text).seconds for text in renderer.calls]
    assert sound.seconds == pytest.approx(sum(alone) + SENTENCE_PAUSE_S, abs=0.01)


@needs_espeak
def test_speech_at_another_output_rate_is_resampled() -> None:
    rate = 48_000
    speaker = Speaker(renderer=CachedRenderer(EspeakRenderer()), player=RecordingPlayer(), rate=rate)
    sound = speaker.sound_for(*PROMPTS[0])
    assert sound.rate == rate
    assert speaker.sound_for("onbekend", 1, "Tijd").rate == rate
    assert Speaker(renderer=None, player=RecordingPlayer(), rate=rate).sound_for(*PROMPTS[0]).rate == rate


@needs_espeak
def test_close_stops_a_render_ahead_after_its_current_sentence() -> None:
    import threading

    renderer = CountingEspeak()
    speaker = Speaker(renderer=renderer, player=RecordingPlayer())
    many = [f"Zin nummer {n} om vooraf te maken." for n in range(200)]
    ahead = threading.Thread(target=speaker.prepare, args=([], many))
    ahead.start()
    while not renderer.calls:
        threading.Event().wait(0.01)
    speaker.close()
    done = len(renderer.calls)  # close() waited for the sentence in progress: no engine is mid-render now
    ahead.join(timeout=1.0)
    assert not ahead.is_alive()
    assert len(renderer.calls) == done and 0 < done < len(many)

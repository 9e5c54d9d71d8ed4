"""Issue 11: the misses and false nudges a new user met, each fixed by a general rule (lemmas, 'te' + verdict,
dismissals that need a target), plus forms of the same sentences that the old surface rules missed."""

from __future__ import annotations

import pytest

from vertraag.detect.words import WordDetector


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


def nudges(detector: WordDetector, text: str) -> set[str]:
    return {f.category for f in detector.nudges(detector.find(text))}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ik pak morgen mijn koffers", "threat"),  # lemma: koffers -> koffer, pak -> pakken
        ("ik pakte gisteren al mijn koffer", "threat"),
        ("het lag echt niet aan mij", "defensive"),  # lemma: lag -> liggen
        ("het heeft nooit aan mij gelegen", "defensive"),
        ("je bent te dom", "attack"),
        ("Je bent te lui om af te wassen!", "attack"),
    ],
)
def test_named_misses_are_caught(detector: WordDetector, text: str, category: str) -> None:
    assert category in nudges(detector, text)
    assert category in nudges(detector, text.lower().replace("!", "").replace(",", ""))  # as Vosk gives it


@pytest.mark.parametrize(
    "text",
    [
        "krokodillentranen zijn een uitdrukking",
        "Boeiend, vertel verder!",
        "ik pak mijn koffers voor de vakantie",
        "het lag op de tafel naast mij",
    ],
)
def test_named_false_nudges_stay_calm(detector: WordDetector, text: str) -> None:
    assert nudges(detector, text) == set()
    assert nudges(detector, text.lower().replace("!", "").replace(",", "")) == set()

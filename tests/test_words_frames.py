"""Whole-sentence calm frames (phrases/nl/rules-frames.toml): a warm, self-directed, generic, negated or
I-message frame anywhere in a sentence keeps it calm, while the same words without the frame still nudge."""

from __future__ import annotations

import pytest

from vertraag.detect.words import WordDetector


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


def nudged(detector: WordDetector, text: str) -> set[str]:
    return {f.category for f in detector.nudges(detector.find(text))}


@pytest.mark.parametrize(
    ("framed", "bare", "category"),
    [
        ("ik voel me echt alleen als jij de hele avond op je laptop zit",
         "jij zit de hele avond op je laptop", "absolute"),
        ("Elke zondag bellen we je ouders, dat vind ik eigenlijk wel gezellig.",
         "elke zondag zeur je over mijn ouders", "absolute"),
        ("weet je wat ik zo fijn vind aan jou dat je nooit opgeeft", "je luistert ook nooit", "absolute"),
        ("het is altijd hetzelfde met die printer die doet het nooit als je hem nodig hebt",
         "jij bent er nooit als ik je nodig heb", "absolute"),
        ("Weet je nog, die zomer in Zeeland? Dat was zo'n fijne tijd.",
         "Weet je nog, die zomer in Zeeland? Toen liet je me ook al alleen.", "past"),
        ("jij was er altijd toen papa ziek was dat zal ik nooit vergeten",
         "jij was er niet eens op de begrafenis van papa", "past"),
        ("Ik zeg niet dat het jouw fout is. Ik zeg dat ik het moeilijk vind.", "Het is jouw fout.", "blame"),
        ("wacht wacht ik begin opnieuw dat kwam helemaal verkeerd uit", "wacht wacht ik ben nog niet klaar",
         "command"),
    ],
)  # fmt: skip
def test_a_calm_frame_keeps_the_sentence_calm(
    detector: WordDetector, framed: str, bare: str, category: str
) -> None:
    assert nudged(detector, framed) == set(), framed
    assert category in nudged(detector, bare), bare


@pytest.mark.parametrize(
    "text",
    [
        "Ik wil je echt nooit kwijtraken, weet je dat?",
        "ik laat je nooit meer los, toch",
        "ge moogt altijd bij mij komen als er iets is he",
        "je hebt de hele week hard gewerkt, ga lekker zitten",
        "mijn vader zei vroeger altijd dat je nooit moet opgeven",
    ],
)
def test_loving_and_caring_sentences_with_nooit_or_altijd_get_no_nudge(
    detector: WordDetector, text: str
) -> None:
    assert nudged(detector, text) == set()

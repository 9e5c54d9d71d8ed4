"""The category 'safety' (phrases/nl/rules-safety.toml): violence, fear of the partner and harm to oneself are
found, so that the session can stop the exercise and give the help lines; hurt feelings, everyday worries,
idioms and things hit, skipped or opened are not. Each sentence is checked as Whisper writes it (cased,
punctuated) and as Vosk does (lowercase, no punctuation)."""

from __future__ import annotations

import re

import pytest

from tests.test_scan_cli import scan
from vertraag.detect.words import NUDGE_CATEGORIES, SAFETY, WordDetector


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


def vosk_style(text: str) -> str:
    return re.sub(r"[^\w\s']", " ", text).lower()


def both_styles(sentences: list[str]) -> list[str]:
    return [style for text in sentences for style in (text, vosk_style(text))]


def categories(detector: WordDetector, text: str) -> set[str]:
    return {f.category for f in detector.find(text)}


MUST_TRIGGER = [
    # fear of the partner
    "Ik ben bang voor je.", "Ik ben bang voor jou.", "Ik was zo bang voor je.",
    "De kinderen zijn bang voor je.", "Hij is bang voor jou.", "Ik ben bang voor je, als je gedronken hebt.",
    "Ik durf niet meer naar huis.", "Ik durfde gisteren niet naar huis.", "Naar huis durf ik niet meer.",
    "Ik ben bang dat je me iets aandoet.", "Ik was bang dat hij me iets zou aandoen.",
    # violence, said, threatened or feared
    "Als je me nog één keer slaat...", "Als hij me nog één keer slaat, bel ik de politie.",
    "Je hebt me geslagen.", "Hij heeft me gisteren geslagen.", "Hij sloeg me.", "Je sloeg me.",
    "Toen sloeg je me.", "Ik doe je wat!", "Dan doe ik je wat.", "Ik maak je af.", "Dan maak ik je af.",
    "Ik vermoord je.", "Dan vermoord ik je.", "Ik sla je.", "Ik sla je verrot.", "Straks sla ik je verrot.",
    "Ik ga je slaan.", "Blijf van me af!", "Blijf met je handen van me af.", "Je deed me pijn.",
    "Hij deed me pijn.", "Je duwde me tegen de muur.", "Hij heeft me tegen de muur geduwd.",
    "Je hebt me opgesloten.", "Hij sloot me op in de badkamer.",
    # harm to oneself (the help line 113)
    "Ik wil niet meer leven.", "Soms wil ik niet meer leven.", "Ik doe mezelf iets aan.",
    "Ik ga mezelf iets aandoen.", "Ik zie het niet meer zitten om te leven.",
    "Ik zie het leven niet meer zitten.",
    # A choice (see the header of rules-safety.toml): the detector cannot hear a laugh, so a threat to kill is
    # safety even when it may be playful; only a game or a film in the sentence keeps it calm.
    "Ik vermoord je als je de laatste taart opeet.",
]  # fmt: skip

MUST_NOT_TRIGGER = [
    "Ik ben bang dat ik je kwijtraak.", "Ik ben bang dat we te laat komen.",
    "Ik was bang dat je boos zou zijn.", "Ik ben bang dat je boos wordt.", "Ik sla je record.",
    "Ik sla die vraag over.", "Ik sla een blik bier open.", "Je slaat de spijker op zijn kop.",
    "Ik ga dood van het lachen.", "De kinderen zijn bang voor onweer.", "Ik ben bang voor spinnen.",
    "Sla je arm om me heen.", "Ik kan je wel zoenen.", "Het doet me pijn dat je dat zegt.",
    "Je hebt me gekwetst.", "Ik ben bang voor je reactie.", "Ik ben niet bang voor je.", "Je duwt me weg.",
    "Maak je zin af.", "Ik maak je af met scrabble.", "Ik ben bang voor je als je zo hard rijdt.",
    "Ik wil zo niet meer leven.", "Ik zie het niet meer zitten met ons.", "Blijf van mijn spullen af.",
    "Je deed me pijn met wat je zei.", "Ik voel me veilig bij jou.",
]  # fmt: skip


@pytest.mark.parametrize("text", both_styles(MUST_TRIGGER))
def test_violence_fear_and_harm_to_oneself_are_safety(detector: WordDetector, text: str) -> None:
    assert SAFETY in categories(detector, text)


@pytest.mark.parametrize("text", both_styles(MUST_NOT_TRIGGER))
def test_hurt_feelings_worries_idioms_and_things_are_not(detector: WordDetector, text: str) -> None:
    assert SAFETY not in categories(detector, text)


def test_every_safety_rule_holds_as_vosk_writes_it(detector: WordDetector) -> None:
    """The rules' own examples and counter-examples (checked as written in test_words_rules.py), lowercase
    and without punctuation."""
    rules = [rule for rule in detector.rules if rule.category == SAFETY]
    missed = [e for rule in rules for e in rule.examples if SAFETY not in categories(detector, vosk_style(e))]
    fired = [e for rule in rules for e in rule.counter if SAFETY in categories(detector, vosk_style(e))]
    assert (missed, fired) == ([], [])


def test_a_safety_finding_is_a_nudge_without_a_reframe(detector: WordDetector) -> None:
    [finding] = detector.find("ik ben bang voor je")
    assert (finding.category, finding.match, finding.reframe) == (SAFETY, "bang voor je", "")
    assert finding.is_nudge and SAFETY in NUDGE_CATEGORIES
    assert detector.nudges([finding]) == [finding]


def test_the_words_of_a_safety_finding_belong_to_safety_alone(detector: WordDetector) -> None:
    # "blijf ..." is also the shape of an order: not on the same words as safety
    assert categories(detector, "Blijf van me af!") == {SAFETY}
    # ... while other categories on other words stay: the ultimatum "ga ik weg" is still a threat
    findings = detector.find("Als je me nog één keer slaat, ga ik weg.")
    found = [(f.category, f.match) for f in findings]
    assert found == [("safety", "je me nog één keer slaat"), ("threat", "ga ik weg")]


def test_scan_reports_safety() -> None:
    [record] = scan(stdin=b"ik ben bang voor je\n")
    [finding] = record["findings"]
    assert finding["category"] == SAFETY and finding["reframe"] == ""
    assert record["text"][finding["start"] : finding["end"]] == finding["match"] == "bang voor je"

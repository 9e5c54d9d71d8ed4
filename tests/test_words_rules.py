"""The word detector's rules, data files and robustness: what a user or a therapist editing the data meets."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from vertraag.detect.words import ALL_CATEGORIES, NUDGE_CATEGORIES, SAFETY, Finding, WordDetector
from vertraag.detect.words_verbs import infinitive
from vertraag.errors import UserError
from vertraag.phrases import language_dir

JUNK_SEED = 20240611
JUNK_LINES = 300
JUNK_MAX_CHARS = 200
# Code points for junk: ASCII, Latin accents, combining marks, Hebrew/Arabic (right-to-left), emoji, controls.
JUNK_RANGES = [(0, 0x7F), (0xC0, 0x17F), (0x300, 0x36F), (0x5D0, 0x5EA), (0x621, 0x64A), (0x1F600, 0x1F64F)]


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


def categories(detector: WordDetector, text: str) -> set[str]:
    return {f.category for f in detector.find(text)}


def test_every_rule_example_and_counter_example_holds(detector: WordDetector) -> None:
    failures = []
    for rule in detector.rules:
        failures += [
            f"{rule.id}: missed {e!r}" for e in rule.examples if rule.category not in categories(detector, e)
        ]
        failures += [
            f"{rule.id}: fired on {e!r}" for e in rule.counter if rule.category in categories(detector, e)
        ]
    assert failures == []
    assert sum(len(rule.examples) for rule in detector.rules) >= 100


def test_the_issue_examples(detector: WordDetector) -> None:
    [finding] = detector.find("je luistert ook nooit")
    assert (finding.category, finding.match) == ("absolute", "nooit")
    assert "niet gehoord" in finding.reframe
    assert detector.find("ik wil je nooit kwijt") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je negeert me altijd!", "onzeker"),
        ("je bent er nooit voor mij", "alleen"),
        ("Je bent lui.", "alles alleen te moeten doen"),
        ("stel je niet aan", "Vertel eens"),
        ("Jij belt morgen je moeder af, klaar.", "als een wens"),
    ],
)
def test_common_patterns_get_their_own_reframe(detector: WordDetector, text: str, expected: str) -> None:
    reframes = [f.reframe for f in detector.nudges(detector.find(text))]
    assert reframes and all(expected in r for r in reframes)


def test_every_nudge_category_has_an_inviting_reframe(detector: WordDetector) -> None:
    samples = {
        "absolute": "altijd weer dat gedoe met jou",
        "attack": "je bent een lafaard",
        "contempt": "nou en",
        "blame": "het is jouw schuld",
        "threat": "ik wil een scheiding",
        "past": "net als vorige keer",
        "defensive": "en jij dan",
        "command": "kop dicht",
    }
    # safety gets the help lines instead of an invitation (test_words_safety.py)
    assert set(samples) == NUDGE_CATEGORIES - {SAFETY}
    for category, text in samples.items():
        found = [f for f in detector.find(text) if f.category == category]
        assert found, text
        assert all(f.reframe.startswith("Wil je") and f.reframe.endswith("?") for f in found)


def test_i_messages_are_marked_but_never_nudged(detector: WordDetector) -> None:
    findings = detector.find("Sorry, je hebt gelijk. Ik voel me verdrietig.")
    assert [f.category for f in findings] == ["i_message"] * 3
    assert all(f.reframe == "" for f in findings)
    assert WordDetector.nudges(findings) == []
    assert "i_message" in ALL_CATEGORIES and "i_message" not in NUDGE_CATEGORIES


def test_findings_point_into_the_text_in_order(detector: WordDetector) -> None:
    text = "Ach gut. Je bent altijd zo egoïstisch, hou je mond!"
    findings = detector.find(text)
    assert {f.category for f in findings} == {"contempt", "absolute", "attack", "command"}
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.match
        assert finding.to_dict() == {
            "category": finding.category,
            "match": finding.match,
            "start": finding.start,
            "end": finding.end,
            "reframe": finding.reframe,
        }


def test_decomposed_accents_and_odd_apostrophes_are_read_like_plain_text(detector: WordDetector) -> None:
    decomposed = "je bent zo'n egoi\u0308st"
    [finding] = detector.find(decomposed)
    assert finding.category == "attack" and decomposed[finding.start : finding.end] == finding.match
    assert categories(detector, "JE BENT ZO’N EGOÏST") == {"attack"}


def test_junk_never_raises_and_spans_stay_valid(detector: WordDetector) -> None:
    rng = random.Random(JUNK_SEED)
    for _ in range(JUNK_LINES):
        text = "".join(
            chr(rng.randint(*rng.choice(JUNK_RANGES))) for _ in range(rng.randint(0, JUNK_MAX_CHARS))
        )
        text = rng.choice(["", "je bent lui ", "nooit "]) + text + rng.choice(["", " hou je mond", "\x00"])
        for finding in detector.find(text):
            assert isinstance(finding, Finding) and text[finding.start : finding.end] == finding.match
    assert detector.find("") == [] and detector.find("   \n\t") == []


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "nl"
    shutil.copytree(language_dir("nl"), target)
    return target


def test_a_broken_data_file_is_a_clear_user_error(data_copy: Path) -> None:
    (data_copy / "rules.toml").write_text('[[rule]]\ncategory = "attack"\npattern = "je bent @nope"\n')
    with pytest.raises(UserError, match="nope"):
        WordDetector.load(directory=data_copy)
    (data_copy / "rules.toml").write_text('[[rule]]\ncategory = "verwijt"\npattern = "je"\n')
    with pytest.raises(UserError, match="onbekende categorie"):
        WordDetector.load(directory=data_copy)
    (data_copy / "rules.toml").write_text("[[rule]\n")
    with pytest.raises(UserError, match="geen geldige TOML"):
        WordDetector.load(directory=data_copy)


def test_a_therapist_can_add_a_word(data_copy: Path) -> None:
    before = WordDetector.load(directory=data_copy)
    assert "attack" not in categories(before, "jij kwast")
    lexicon = data_copy / "lexicon-verdicts.toml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace('insult = ["lui",', 'insult = ["kwast", "lui",')
    )
    assert "attack" in categories(WordDetector.load(directory=data_copy), "jij kwast")


def test_a_therapist_can_mark_a_word_as_praise(data_copy: Path) -> None:
    """Any word after "je bent een" is a verdict unless listed as praise: one line fixes a false nudge."""
    before = WordDetector.load(directory=data_copy)
    assert "attack" in categories(before, "je bent een pareltje")
    lexicon = data_copy / "lexicon-verdicts.toml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace('praise = ["lief",', 'praise = ["pareltje", "lief",')
    )
    assert "attack" not in categories(WordDetector.load(directory=data_copy), "je bent een pareltje")


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("ruim", "ruimen"), ("geef", "geven"), ("zit", "zitten"), ("kalmeer", "kalmeren"),
     ("luister", "luisteren"), ("blijf", "blijven"), ("maak", "maken"), ("bemoei", "bemoeien"),
     ("stop", "stoppen")],
)  # fmt: skip
def test_infinitives_follow_dutch_spelling(stem: str, expected: str) -> None:
    assert infinitive(stem, {}) == expected


@pytest.mark.parametrize(
    "text",
    ["Je bent een slechte vriend, weet je dat?", "Jij bent een leugenaar, toch?", "jij bent een geldwolf",
     "je bent een opschepper hè"],
)  # fmt: skip
def test_a_tag_question_or_an_odd_insult_is_still_a_verdict(detector: WordDetector, text: str) -> None:
    assert "attack" in categories(detector, text)


@pytest.mark.parametrize(
    ("text", "is_order"),
    [("Ophouden, nu!", True), ("ruim je eigen bord op", True), ("kalmeer nu eens", True),
     ("Geef hier die telefoon.", True), ("geef me een knuffel", False), ("pak je jas, we gaan", False),
     ("ga je mee naar de markt", False), ("Wees voorzichtig op de fiets.", False), ("vind ik ook", False)],
)  # fmt: skip
def test_orders_by_their_shape_and_requests_stay_calm(
    detector: WordDetector, text: str, is_order: bool
) -> None:
    assert ("command" in categories(detector, text)) == is_order

"""The word detector's rules, data files and robustness: what a user or a therapist editing the data meets."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from vertraag.detect.words import ALL_CATEGORIES, NUDGE_CATEGORIES, SAFETY, Finding, WordDetector
from vertraag.detect.words.verbs import infinitive
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
        ("Je bent lui.", "alles alleen te doen"),
        ("stel je niet aan", "Vertel eens"),
        ("Jij belt morgen je moeder af, klaar.", "als wens"),
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
        # a spoken invitation, not a question: a final "?" makes the voice rise over the model sentence
        assert all(f.reframe.startswith("Probeer het eens") and not f.reframe.endswith("?") for f in found)


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
            "rule": finding.rule,
        }
        assert finding.rule in {rule.id for rule in detector.rules}
        assert finding.file.startswith("rules") and finding.file.endswith(".toml") and finding.pattern


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
    rule = '[[rule]]\nid = "a"\ncategory = "attack"\npattern = "je bent @nope"\n'
    (data_copy / "rules.toml").write_text(rule)
    with pytest.raises(UserError, match="nope"):
        WordDetector.load(directory=data_copy)
    (data_copy / "rules.toml").write_text('[[rule]]\nid = "a"\ncategory = "verwijt"\npattern = "je"\n')
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


RULE_HEAD = '[[rule]]\nid = "attack-test"\ncategory = "attack"\n'


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('pattern = "je bent lui"\nunles = ["zo"]\n', ["attack-test", "unles"]),  # a typo in a key
        ('pattern = "je bent lui"\nunless = "zo"\n', ["attack-test", "'unless'", "lijst"]),  # list as text
        ('patterns = ["je bent lui", ""]\n', ["attack-test", "'patterns'", "lege tekst"]),  # an empty pattern
        ('patterns = []\n', ["attack-test", "ontbreekt"]),
        ('pattern = "je bent, lui"\n', ["attack-test", "'patterns'", "nooit"]),  # punctuation in a word
        ('pattern = "je bent lui"\nnegatable = "ja"\n', ["attack-test", "'negatable'", "true"]),
        ('pattern = "je bent lui"\nrequires = ["lui", 3]\n', ["attack-test", "'requires'"]),
        ('pattern = "je bent =lui*"\n', ["attack-test", "lemma"]),
    ],
)
def test_a_broken_rule_is_refused_naming_file_rule_and_key(
    data_copy: Path, body: str, named: list[str]
) -> None:
    (data_copy / "rules.toml").write_text(RULE_HEAD + body, encoding="utf-8")
    with pytest.raises(UserError) as refused:
        WordDetector.load(directory=data_copy)
    assert "rules.toml" in str(refused.value)
    for part in named:
        assert part in str(refused.value)


def test_a_rule_without_an_id_is_refused(data_copy: Path) -> None:
    (data_copy / "rules.toml").write_text('[[rule]]\ncategory = "attack"\npattern = "je bent lui"\n')
    with pytest.raises(UserError, match="'id' ontbreekt"):
        WordDetector.load(directory=data_copy)


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [
        ("lexicon-verdicts.toml", 'insult = ["lui",', 'insult = "lui"\nx = ["lui",', ["insult", "lijst"]),
        ("lexicon.toml", "[settings]", "[setings]\n[settings]", ["setings"]),
        ("lexicon.toml", "conjunctions = [", 'conjuntions = ["en"]\nconjunctions = [', ["conjuntions"]),
        ("reframes.toml", 'key = "not-heard"', 'key = "not-heard"\nwoorden = ["x"]', ["not-heard", "woord"]),
        ("reframes.toml", 'categories = ["absolute", "attack"', 'categories = "absolute"\nx = ["attack"',
         ["categories"]),
        ("rules-frames.toml", "\n[frames]\n", '\n[frames]\nempty = []\n', ["empty", "leeg"]),
        ("rules-threat.toml", "[[rule]]", '[[rules]]\nid = "x"\n[[rule]]', ["rules-threat.toml", "rules"]),
    ],
)
def test_lexicon_reframes_and_frames_files_share_the_schema(
    data_copy: Path, file: str, old: str, new: str, named: list[str]
) -> None:
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as refused:
        WordDetector.load(directory=data_copy)
    assert file in str(refused.value)
    for part in named:
        assert part in str(refused.value)


def test_the_rules_header_documents_every_key() -> None:
    from vertraag.detect.words.rule_file import RULE_KEYS

    header = (language_dir("nl") / "rules.toml").read_text(encoding="utf-8").split("\n[[rule]]")[0]
    lines = [line[2:] for line in header.splitlines() if line.startswith("# ")]
    documented = {line.split()[0] for line in lines if line and not line.startswith(" ")}
    assert RULE_KEYS - documented == set()


DATA = Path(__file__).parent / "data"
# Rule examples are written fresh, never copied from the labelled sets that measure the detector (issue 11).
# Copies from blind sets D to F (and any later set) were rewritten; the older copies from the development,
# held-out and first blind sets are a known debt: their number may only go down.
LEGACY_SETS = ("utterances-dev.tsv", "utterances-heldout.tsv", "utterances-blind-a.tsv",
               "utterances-blind-b.tsv", "utterances-blind-c.tsv")  # fmt: skip
MAX_LEGACY_COPIES = 295
NEVER_READ_HERE = ("utterances-blind-g.tsv",)  # the untouched blind set: not even compared with


def _plain(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text.lower()).split())


def test_rule_examples_are_not_copied_from_the_labelled_sets(detector: WordDetector) -> None:
    sentences: dict[str, str] = {}
    # A sentence in a legacy set and a later one (two writers, one common sentence) counts as legacy.
    for path in sorted(DATA.glob("utterances-*.tsv"), key=lambda p: (p.name not in LEGACY_SETS, p.name)):
        if path.name in NEVER_READ_HERE:
            continue
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.startswith("#") and "\t" in raw:
                sentences.setdefault(_plain(raw.split("\t")[1]), path.name)
    copies = [
        (sentences[_plain(e)], f"{rule.id}: {e!r}")
        for rule in detector.rules
        for e in (*rule.examples, *rule.counter)
        if _plain(e) in sentences
    ]
    assert [c for name, c in copies if name not in LEGACY_SETS] == []
    assert sum(1 for name, _ in copies if name in LEGACY_SETS) <= MAX_LEGACY_COPIES

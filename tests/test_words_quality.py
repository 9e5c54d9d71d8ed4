"""Quality of the Dutch word detector on labelled sentences, printed as a per-category table.

The bar (issue 4): no calm line ('-') gets a nudge category; at least 95% of the argument lines get one;
category micro-F1 at least 0.9. It holds on the development set and on the held-out set (written before
tuning; see its header), and on blind sets A to F (see below). The read prompts of the real speech corpus
must get no nudge at all.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from vertraag.detect.words import NUDGE_CATEGORIES, WordDetector

DATA = Path(__file__).parent / "data"
MIN_DETECTED = 0.95  # share of argument lines that must get at least one nudge
MIN_MICRO_F1 = 0.9


@dataclass(frozen=True)
class Line:
    gold: frozenset[str]
    text: str


@dataclass(frozen=True)
class Score:
    table: str
    false_nudges: list[str]
    detected: float
    micro_f1: float
    missed: list[str]


def read_labelled(path: Path) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        labels, text = raw.split("\t")
        gold = frozenset() if labels == "-" else frozenset(labels.split(","))
        assert gold <= NUDGE_CATEGORIES, f"unknown label in {path.name}: {raw}"
        lines.append(Line(gold, text))
    return lines


def score(detector: WordDetector, lines: list[Line]) -> Score:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    false_nudges, missed = [], []
    for line in lines:
        predicted = {f.category for f in detector.nudges(detector.find(line.text))}
        for category in NUDGE_CATEGORIES:
            tp[category] += category in predicted and category in line.gold
            fp[category] += category in predicted and category not in line.gold
            fn[category] += category not in predicted and category in line.gold
        if not line.gold and predicted:
            false_nudges.append(f"{line.text!r} -> {sorted(predicted)}")
        if line.gold and not predicted:
            missed.append(line.text)
    arguments = sum(1 for line in lines if line.gold)
    rows = [f"{'category':<10} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>8}"]
    for category in [*sorted(NUDGE_CATEGORIES), "micro"]:
        t, p, n = (
            (sum(tp.values()), sum(fp.values()), sum(fn.values()))
            if category == "micro"
            else (tp[category], fp[category], fn[category])
        )
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(f"{category:<10} {precision:>6.3f} {recall:>6.3f} {f1:>6.3f} {t + n:>8}")
    detected = 1 - len(missed) / arguments
    rows.append(f"calm lines nudged: {len(false_nudges)} of {len(lines) - arguments}")
    rows.append(f"argument lines with a nudge: {arguments - len(missed)} of {arguments} ({detected:.1%})")
    return Score("\n".join(rows), false_nudges, detected, f1, missed)


# Blind set A (utterances-blind-a.tsv) was written by someone who never saw the rules, and was BLIND until the
# detector was tuned on it (first score: precision 0.99, recall 0.62, micro-F1 0.76). The misses were fixed by
# general rules (any word after "je bent een" is a verdict unless praise; frequency phrases; threat, past and
# blame shapes), not by listing its sentences; still, it is now a TUNING set.
# Blind set B (utterances-blind-b.tsv) was BLIND before tuning round 2 (first score: precision 0.94, recall
# 0.59, micro-F1 0.73; 77 of 121 argument lines caught; 4 of 119 calm lines nudged). Round 2 fixed causes,
# not sentences (orders by the shape of a Dutch imperative with a verb lexicon and derived infinitives;
# participles by shape; tag questions; sarcasm, mock pity and defensive shapes); it is now a TUNING set too.
# Blind set C (utterances-blind-c.tsv) was BLIND before tuning round 3 (first score: precision 0.96, recall
# 0.69, micro-F1 0.80; 86 of 120 argument lines caught; 3 of 120 calm lines nudged). Round 3 fixed causes by
# roles, not sentences (blame = the partner as cause + an outcome that is not good; threat = a condition about
# the partner going on + the speaker leaving; past = a specific earlier moment; attack by apposition and
# vocative; orders closed with 'klaar'/'begrepen?'); it is now a TUNING set too.
# Blind set D (utterances-blind-d.tsv) was BLIND before tuning round 4 (first score: precision 0.947,
# recall 0.766, micro-F1 0.847; 100 of 122 argument lines caught; 3 of 118 calm lines nudged). Round 4 fixed
# causes by roles (the partner doing good keeps 'altijd' calm; a specific moment + the partner's act is past;
# a condition + the speaker leaving is threat; comparison verdicts; mock exclamations); now a TUNING set too.
# Blind set E (utterances-blind-e.tsv) was BLIND before tuning round 5 (first score: precision 0.89, recall
# 0.73, micro-F1 0.805; 97 of 124 argument lines caught; 10 of 116 calm lines nudged). Round 5 put precision
# first: whole-sentence calm frames (rules-frames.toml: an I-message "ik voel me ... als jij", warmth, a fond
# memory, generic "je", care, denied blame, self-correction), then roles for recall (rules-roles.toml: orders
# with the partner as subject + "nu", leaving announced on its own, inverted verdicts, "waar was jij toen",
# turning it back, dismissing feelings, "als jij niet ... had"); it is now a TUNING set too.
# Blind set F (utterances-blind-f.tsv) was BLIND before tuning round 6 (first score, by the lead after round
# 5: precision 0.940, recall 0.887, micro-F1 0.913; 91 of 100 argument lines caught; 1 of 100 calm lines
# nudged). Round 6 fixed causes by role (rules-roles-spoken.toml: 'nog nooit' + a perfect tense, a bad habit
# stretched to 'alles', the partner's things put out, a moment held up ('denk maar aan die keer'), short
# dismissals, the reproach handed back; a third person's habit kept calm; '... klaar' without the comma);
# it is now a TUNING set too. Blind set G is the untouched one: never tune on it (tests/data/README.md).
# Round 7 (issue 11) tuned on no labelled set: lemmas (=word), general rules for the sentences a new user met,
# the role files dissolved into the per-category files, copied examples rewritten; then blind set H was
# scored once (test_blind_set_h_scored_once below).
# Every set the detector is tuned on, listed once in tests/data/tuning-sets.txt (also read by the benchmark).
TUNING_SETS = [
    line.strip()
    for line in (DATA / "tuning-sets.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
TUNED_BLIND_SETS = [name for name in TUNING_SETS if name.startswith("utterances-blind-")]
BLIND_MIN_MICRO_F1 = 0.9
BLIND_MIN_DETECTED = 0.9  # share of their argument lines that get a nudge


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


@pytest.mark.parametrize("name", ["utterances-dev.tsv", "utterances-heldout.tsv"])
def test_quality_bar(detector: WordDetector, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = score(detector, read_labelled(DATA / name))
    with capsys.disabled():  # the table is part of the result: shown with or without -s
        print(f"\n{name}\n{result.table}")
    assert not result.false_nudges, f"calm lines nudged: {result.false_nudges}"
    assert result.detected >= MIN_DETECTED, f"missed: {result.missed}"
    assert result.micro_f1 >= MIN_MICRO_F1, result.table


@pytest.mark.parametrize("name", TUNED_BLIND_SETS)
def test_quality_bar_on_formerly_blind_sets(
    detector: WordDetector, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = score(detector, read_labelled(DATA / name))
    with capsys.disabled():
        print(f"\n{name} (blind before tuning, now a tuning set)\n{result.table}")
    assert not result.false_nudges, f"calm lines nudged: {result.false_nudges}"
    assert result.detected >= BLIND_MIN_DETECTED, f"missed: {result.missed}"
    assert result.micro_f1 >= BLIND_MIN_MICRO_F1, result.table


# Read prompts whose words are an argument line in themselves: read aloud they are calm, but the detector
# judges words, not intent, and a couple saying them to each other would be nudged (issue 11: a 'te ... om te'
# exception built for this prompt hid "je bent te lui om af te wassen").
PROMPTS_THAT_ARE_ARGUMENT_LINES = {"Je bent gewoon te lui om te werken!": {"attack"}}


def test_read_prompts_of_the_speech_corpus_get_no_nudge(detector: WordDetector) -> None:
    manifest = (DATA / "speech-nl" / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    transcripts = {row.split("\t")[3] for row in manifest}
    assert len(transcripts) >= 40
    nudged = {t: {f.category for f in detector.nudges(detector.find(t))} for t in transcripts}
    assert {t: m for t, m in nudged.items() if m} == PROMPTS_THAT_ARE_ARGUMENT_LINES


def test_vosk_style_text_gets_the_same_categories_as_whisper_style(detector: WordDetector) -> None:
    lines = [
        line
        for name in TUNING_SETS
        for line in read_labelled(DATA / name)
    ]
    whisper_style = [line.text for line in lines if line.text != line.text.lower() or "," in line.text]
    assert len(whisper_style) >= 30
    for text in whisper_style:
        vosk = re.sub(r"[^\w\s']", " ", text).lower()
        original = {f.category for f in detector.find(text)}
        assert {f.category for f in detector.find(vosk)} == original, text


MIN_PUNCTUATION_FREE_AGREEMENT = 0.95  # issue 11: Vosk gives lowercase words without any punctuation
# All but letters, digits, spaces and an apostrophe inside a word (Vosk writes "zo'n", "m'n" as words).
_PUNCTUATION = re.compile(r"[^\w\s']|(?<!\w)'|'(?!\w)")


def as_vosk_gives_it(text: str) -> str:
    """Lowercase, no punctuation: the clause and sentence boundaries of commas and stops are lost."""
    return " ".join(_PUNCTUATION.sub(" ", text).lower().split())


@pytest.mark.parametrize("name", TUNING_SETS)
def test_every_tuning_set_without_punctuation_gets_the_same_categories(
    detector: WordDetector, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = read_labelled(DATA / name)
    differ = []
    for line in lines:
        punctuated = {f.category for f in detector.nudges(detector.find(line.text))}
        bare = {f.category for f in detector.nudges(detector.find(as_vosk_gives_it(line.text)))}
        if punctuated != bare:
            differ.append(f"{line.text!r}: {sorted(punctuated)} -> {sorted(bare)}")
    agreement = 1 - len(differ) / len(lines)
    with capsys.disabled():
        print(f"\n{name} without punctuation: same categories on {agreement:.1%} of {len(lines)} lines")
    assert agreement >= MIN_PUNCTUATION_FREE_AGREEMENT, differ


# Blind set H (utterances-blind-h.tsv) was written by a separate session that never saw the rules, after
# round 7 (issue 11), and scored ONCE when round 7 was finished and committed: the figure is in README.md and
# tests/data/README.md. It is a measure, never a tuning set: not listed in tuning-sets.txt, and this test
# prints its score without a bar, so that nobody is tempted to tune until it passes.
BLIND_H = DATA / "utterances-blind-h.tsv"


@pytest.mark.skipif(not BLIND_H.exists(), reason="blind set H not (yet) in tests/data")
def test_blind_set_h_scored_once(detector: WordDetector, capsys: pytest.CaptureFixture[str]) -> None:
    lines = read_labelled(BLIND_H)
    result = score(detector, lines)
    with capsys.disabled():
        print(f"\n{BLIND_H.name} (BLIND: a measure, never tuned on)\n{result.table}")
    assert len(lines) >= 50

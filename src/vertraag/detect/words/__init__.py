"""The Dutch word detector: finds unsafe language in an utterance and suggests an I-message instead.

    detector = WordDetector.load()          # data: phrases/nl (lexicon*.toml, rules*.toml, reframes.toml)
    detector.find("je luistert ook nooit")  # [Finding(category='absolute', match='nooit', ...)]

Categories: absolute, attack, contempt, blame, threat, past, defensive, command (the nudges), safety
(violence, fear of the partner, harm to oneself: also a nudge, but with an empty reframe; the session stops
the exercise and gives the help lines instead) and i_message (a positive marker: "ik voel me ...", "sorry",
"je hebt gelijk"; counted, never nudged). The words of a safety finding belong to safety alone: findings of
other categories that overlap it are dropped ("blijf van me af" is no order to rephrase). The words, the
context rules and the reframes are data that a therapist can read and extend; this module only runs them:
text analysis (text.py), patterns (pattern.py, compile.py), rule conditions (rules.py), loading (lexicon.py,
rule_file.py, with vertraag/datafile.py), verb forms (verbs.py): the modules of this package.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vertraag.detect.category import CATEGORIES
from vertraag.detect.words.lexicon import Lexicon, load_lexicon
from vertraag.detect.words.pattern import Pattern
from vertraag.detect.words.rule_file import I_MESSAGE, SAFETY, WITHOUT_REFRAME
from vertraag.detect.words.rules import CONTEXT_WORDS, Hit, Rule, find_hit
from vertraag.detect.words.text import Text, analyse
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir

log = logging.getLogger(__name__)

__all__ = ["ALL_CATEGORIES", "I_MESSAGE", "NUDGE_CATEGORIES", "SAFETY", "Finding", "WordDetector"]

NUDGE_CATEGORIES = frozenset(c for c in CATEGORIES if c != I_MESSAGE)  # what the session may respond to
ALL_CATEGORIES = CATEGORIES


@dataclass(frozen=True)
class Finding:
    """One thing found in an utterance: `match` is `text[start:end]` of the text given to `find`."""

    category: str
    match: str
    start: int  # character offsets in the utterance text
    end: int
    reframe: str  # a Dutch invitation to say it as an I-message; "" for i_message and safety
    rule: str = ""  # the stable id of the rule that fired ("threat-packing"), as written in its file
    pattern: str = ""  # the pattern of that rule that matched, as written
    file: str = ""  # the rule's file in phrases/<language>/ ("rules-threat.toml")

    @property
    def is_nudge(self) -> bool:
        return self.category in NUDGE_CATEGORIES

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "match": self.match,
            "start": self.start,
            "end": self.end,
            "reframe": self.reframe,
            "rule": self.rule,
        }

    def explain(self) -> str:
        """One line for a therapist: which rule fired, where it is written, and on which words."""
        where = f"regel {self.rule} in {self.file}"
        return f'{self.category}: "{self.match}" <- {where}, patroon "{self.pattern}"'


class WordDetector:
    """Runs the lexicon's rules over an utterance. Build once (`load`), then call `find` per utterance."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._first_pass = _TriggerIndex(r for r in lexicon.rules if not r.with_category)
        self._second_pass = _TriggerIndex(r for r in lexicon.rules if r.with_category)
        # Per reframe topic: the words its patterns can start with, and whether any starts with a prefix
        # instead; a topic none of whose words is near a finding is skipped without trying its patterns.
        self._topic_starts = {
            t.key: (
                frozenset().union(*(p.first_words for p in t.patterns)),
                any(p.starts_open for p in t.patterns),
            )
            for t in lexicon.topics
        }

    @classmethod
    def load(cls, language: str = DEFAULT_LANGUAGE, *, directory: Path | None = None) -> WordDetector:
        """The detector for `language` from phrases/<language>/; a broken data file is a UserError."""
        lexicon = load_lexicon(directory if directory is not None else language_dir(language))
        log.debug("word detector: %d rules, %d reframe topics", len(lexicon.rules), len(lexicon.topics))
        return cls(lexicon)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._lexicon.rules

    @staticmethod
    def nudges(findings: Iterable[Finding]) -> list[Finding]:
        """Only the findings the session may respond to (not the i_message markers)."""
        return [f for f in findings if f.is_nudge]

    def find(self, text: str) -> list[Finding]:
        """Everything found in `text`, in text order. Never raises on any string."""
        if not isinstance(text, str) or not text.strip():
            return []
        analysed = analyse(text, self._lexicon.text)
        hits = self._first_pass.hits(analysed, self._lexicon, found={})
        found: dict[int, set[str]] = {}
        for hit in hits:
            found.setdefault(hit.clause, set()).add(hit.rule.category)
        hits += self._second_pass.hits(analysed, self._lexicon, found=found)
        return [self._finding(analysed, hit) for hit in _safety_first(_without_overlaps(hits))]

    def _finding(self, text: Text, hit: Hit) -> Finding:
        start, end = text.starts[hit.first], text.ends[hit.last - 1]
        return Finding(
            category=hit.rule.category,
            match=text.source[start:end],
            start=start,
            end=end,
            reframe=self._reframe(text, hit),
            rule=hit.rule.id,
            pattern=hit.pattern,
            file=hit.rule.file,
        )

    def _reframe(self, text: Text, hit: Hit) -> str:
        category = hit.rule.category
        if category in WITHOUT_REFRAME:
            return ""
        lo, hi = text.clauses[hit.clause]
        lo, hi = max(lo, hit.first - CONTEXT_WORDS), min(hi, hit.last + CONTEXT_WORDS)
        present = set(text.words[lo:hi])
        for topic in self._lexicon.topics:
            if hit.rule.reframe is not None:
                if topic.key == hit.rule.reframe:
                    return topic.reframe
                continue
            if topic.categories and category not in topic.categories:
                continue
            starts, by_prefix = self._topic_starts[topic.key]
            if not by_prefix and starts.isdisjoint(present):
                continue
            if any(_may_occur(p, present) and p.search(text.words, lo, hi) for p in topic.patterns):
                return topic.reframe
        return self._lexicon.fallbacks[category]


class _TriggerIndex:
    """Patterns by the words they can start with, so each word only tries the patterns it can start.

    Each pattern also needs one word of some word sets somewhere in the text ("je bent ~ @insult" needs an
    insult). The distinct word sets are numbered and indexed by word, so a text finds the numbers of the sets
    it meets with one look-up per word (and lemma); a candidate is tried when its numbers are a subset."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_word: dict[str, list[_Candidate]] = {}
        self._by_lemma: dict[str, list[_Candidate]] = {}
        self._by_prefix: list[tuple[str, _Candidate]] = []
        set_numbers: dict[frozenset[str], int] = {}
        for rule in rules:
            for pattern in rule.patterns:
                needs = frozenset(
                    set_numbers.setdefault(n, len(set_numbers)) for n in pattern.needs + _required_words(rule)
                )
                candidate = (rule, pattern, needs)
                for word in pattern.first_words:
                    self._by_word.setdefault(word, []).append(candidate)
                for found in pattern.first_lemmas:
                    self._by_lemma.setdefault(found, []).append(candidate)
                self._by_prefix.extend((prefix, candidate) for prefix in pattern.first_prefixes)
        self._prefixes = tuple(prefix for prefix, _ in self._by_prefix)
        sets_of_word: dict[str, set[int]] = {}
        for word_set, number in set_numbers.items():
            for word in word_set:
                sets_of_word.setdefault(word, set()).add(number)
        self._sets_of_word = {word: frozenset(numbers) for word, numbers in sets_of_word.items()}

    def hits(self, text: Text, lexicon: Lexicon, *, found: Mapping[int, set[str]]) -> list[Hit]:
        hits: list[Hit] = []
        met: set[int] = set()  # the numbers of the word sets of which the text holds a word (or lemma)
        for word in {*text.words, *text.lemmas}:
            numbers = self._sets_of_word.get(word)
            if numbers:
                met.update(numbers)
        for i, word in enumerate(text.words):
            candidates = self._by_word.get(word)
            if self._by_lemma and text.lemmas[i] in self._by_lemma:
                candidates = (candidates or []) + self._by_lemma[text.lemmas[i]]
            if self._prefixes and word.startswith(self._prefixes):
                extra = [c for prefix, c in self._by_prefix if word.startswith(prefix)]
                candidates = (candidates or []) + extra
            if not candidates:
                continue
            fired: set[str] = set()
            for rule, pattern, needs in candidates:
                if rule.id in fired or not needs <= met:
                    continue
                if rule.with_category and not rule.with_category & found.get(text.clause_of[i], set()):
                    continue
                hit = find_hit(text, rule, pattern, i, lexicon.valence)
                if hit is not None:
                    hits.append(hit)
                    fired.add(rule.id)
        return hits


# A rule and one of its patterns, with the numbers of the word sets a text needs (a word of each) before
# matching is tried.
_Candidate = tuple[Rule, Pattern, frozenset[int]]


def _required_words(rule: Rule) -> tuple[frozenset[str], ...]:
    """Cheap pre-filter: a rule that `requires` patterns needs one of the words they start with in the text
    (unless one of them starts with a prefix, which a set cannot test)."""
    if not rule.requires or any(p.starts_open for p in rule.requires):
        return ()
    return (frozenset().union(*(p.first_words for p in rule.requires)),)


def _may_occur(pattern: Pattern, present: set[str]) -> bool:
    """Cheap pre-check: can the pattern start at any of these words?"""
    return pattern.starts_open or not pattern.first_words.isdisjoint(present)


def _safety_first(hits: list[Hit]) -> list[Hit]:
    """The words of a safety hit belong to safety alone: hits of other categories on them are dropped."""
    safety = [(h.first, h.last) for h in hits if h.rule.category == SAFETY]
    if not safety:
        return hits
    return [
        h
        for h in hits
        if h.rule.category == SAFETY or not any(h.first < last and first < h.last for first, last in safety)
    ]


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """In text order; of overlapping hits of one category only the longest (then the first) stays."""
    kept: list[Hit] = []
    reach: dict[str, int] = {}  # per category: one past the last word of the hits kept so far
    for hit in sorted(hits, key=lambda h: (h.first, -(h.last - h.first))):
        if hit.first < reach.get(hit.rule.category, -1):
            continue
        kept.append(hit)
        reach[hit.rule.category] = hit.last
    return kept

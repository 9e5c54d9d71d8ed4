"""Rules: a pattern plus the context that must (or must not) surround it, and how they are applied.

A rule fires where its pattern matches and every condition holds. Conditions look at a window of words
around the match, clipped to the clause (or the sentence, with `scope = "sentence"`), so a long run-on
transcript never lets one word's context reach across the whole text. What each field means is documented
for therapists in the header of `phrases/nl/rules.toml`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vertraag.detect.words.pattern import Pattern
from vertraag.detect.words.text import Text

# How far conditions look from a match: a spoken clause is rarely longer, and a bound keeps junk linear.
CONTEXT_WORDS = 10
# How far the tone of a sentence ("lief", "in de steek") is looked for around an absolute word such as
# "nooit": close enough to belong to the same statement in a run-on transcript without punctuation.
VALENCE_WORDS = 8
# "niet altijd", "het is niet jouw schuld": a negation this close before a match changes its meaning.
NEGATION_WORDS = 2
# "Pak je jas, we gaan": a reason or plan right after an order makes it a request. Only the next clauses
# count (and a bound keeps a run-on junk line linear).
NEXT_CLAUSES = 2
# A calm frame ("ik voel me ... als jij", "dat vind ik gezellig", "dat zal ik nooit vergeten") may stand
# anywhere in the sentence or the one right after it ("Weet je nog, die zomer? Dat was zo fijn."); this
# bound keeps a run-on junk line linear.
FRAME_WORDS = 16

POSITIVE = "positive"
NEGATIVE = "negative"
NEUTRAL = "neutral"
SCOPE_CLAUSE = "clause"
SCOPE_SENTENCE = "sentence"


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    patterns: tuple[Pattern, ...]
    subject: frozenset[str] | None = None  # the clause's subject must be one of these
    addressed: bool = False  # the partner must be addressed near the match ("je", "jou", not "voor je")
    unless: tuple[Pattern, ...] = ()  # none of these may occur near the match (the match included)
    negated_unless_holds: bool = False  # an `unless` right after "niet"/"nooit" cannot cancel ("nooit leuk")
    requires: tuple[Pattern, ...] = ()  # one of these must occur near the match
    unless_before: frozenset[str] = frozenset()  # none of these among the NEGATION_WORDS before the match
    unless_after: frozenset[str] = frozenset()  # none of these among the NEGATION_WORDS after it
    negatable: bool = False  # a negation word in the match or the word before it cancels it
    cancel_valence: str | None = None  # POSITIVE or NEGATIVE: the tone that turns the match into praise
    scope: str = SCOPE_CLAUSE
    not_in_questions: bool = False  # not when the match opens a question ("ben je moe vandaag?")
    opens_sentence: bool = False  # only when the match opens its sentence ("omdat jij ..., stond ik ...")
    opens_clause: bool = False  # only when the match opens its clause, after interjections ("nou, ga zitten")
    unless_next_clause: tuple[Pattern, ...] = ()  # none of these may open a later clause of the sentence
    unless_in_sentence: tuple[Pattern, ...] = ()  # calm frames: none may occur in the sentence or the next
    frame_starts: frozenset[str] = frozenset()  # the words the calm frames can start with ...
    frame_prefixes: bool = False  # ... unless one starts with a prefix, which a set cannot test
    with_category: frozenset[str] = frozenset()  # only where one of these was already found in the clause
    reframe: str | None = None  # a reframe topic to use instead of looking one up
    examples: tuple[str, ...] = ()  # sentences that must give this category (checked by the tests)
    counter: tuple[str, ...] = ()  # sentences that must not give it
    file: str = ""  # the file the rule is written in ("rules-threat.toml"), for `vertraag scan --explain`


@dataclass(frozen=True)
class Valence:
    """The tone words that decide whether 'nooit'/'altijd' is a reproach or praise."""

    positive: tuple[Pattern, ...]
    negative: tuple[Pattern, ...]
    negations: frozenset[str]


@dataclass(frozen=True)
class Hit:
    rule: Rule
    clause: int
    first: int  # first word of the match
    last: int  # one past the last word
    pattern: str = ""  # the source of the pattern that matched


def find_hit(text: Text, rule: Rule, pattern: Pattern, first_word: int, valence: Valence) -> Hit | None:
    """The hit of `rule` if `pattern` (one of its patterns) matches at word `first_word` in context.

    A pattern may run on to the end of the sentence ("klopt | dat", "huil | maar lekker"): it was written as
    one phrase. Its conditions look within the rule's scope, the clause unless it says "sentence"."""
    clause = text.clause_of[first_word]
    sentence_end = text.sentences[text.sentence_of_clause[clause]][1]
    end = pattern.match_at(text.words, first_word, sentence_end, clause_end=text.clauses[clause][1])
    if end <= first_word:
        return None
    if not _holds(text, rule, clause, first_word, end, _scope(text, clause, rule.scope), valence):
        return None
    return Hit(rule=rule, clause=clause, first=first_word, last=end, pattern=pattern.source)


def _scope(text: Text, clause: int, scope: str) -> tuple[int, int]:
    if scope == SCOPE_SENTENCE:
        return text.sentences[text.sentence_of_clause[clause]]
    return text.clauses[clause]


def _holds(
    text: Text, rule: Rule, clause: int, first: int, last: int, bounds: tuple[int, int], valence: Valence
) -> bool:
    words = text.words
    lo, hi = max(bounds[0], first - CONTEXT_WORDS), max(last, min(bounds[1], last + CONTEXT_WORDS))
    if rule.subject is not None and text.subjects[clause] not in rule.subject:
        return False
    if rule.not_in_questions and _opens_question(text, clause, first):
        return False
    if rule.opens_sentence and text.sentences[text.sentence_of_clause[clause]][0] != first:
        return False
    if rule.opens_clause and text.heads[clause] != first:
        return False
    if rule.unless_next_clause and _calm_continuation(text, clause, rule.unless_next_clause):
        return False
    if rule.addressed and not any(text.partner_refs[lo:hi]):
        return False
    before = words[max(bounds[0], first - NEGATION_WORDS) : first]
    if rule.unless_before and any(w in rule.unless_before for w in before):
        return False
    after = words[last : min(hi, last + NEGATION_WORDS)]
    if rule.unless_after and any(w in rule.unless_after for w in after):
        return False
    if rule.negatable and any(w in valence.negations for w in (*before[-1:], *words[first:last])):
        return False
    if rule.negated_unless_holds:
        if any(_unnegated(pattern, words, lo, hi, valence.negations) for pattern in rule.unless):
            return False
    elif any(pattern.search(words, lo, hi) for pattern in rule.unless):
        return False
    if rule.requires and not any(pattern.search(words, lo, hi) for pattern in rule.requires):
        return False
    if rule.unless_in_sentence and _framed(text, clause, first, last, rule):
        return False
    return not (rule.cancel_valence and tone(text, clause, first, last, valence) == rule.cancel_valence)


def _unnegated(pattern: Pattern, words: Sequence[str], lo: int, hi: int, negations: frozenset[str]) -> bool:
    """Does `pattern` match in words[lo:hi], other than right after one of `negations` ('nooit gezellig')?"""
    return any(
        pattern.can_start(words[p])
        and (p == 0 or words[p - 1] not in negations)
        and pattern.match_at(words, p, hi) >= 0
        for p in range(lo, hi)
    )


def _calm_continuation(text: Text, clause: int, patterns: Sequence[Pattern]) -> bool:
    """Does a later clause of the same sentence open with one of `patterns` ("pak je jas, we gaan")?"""
    sentence = text.sentence_of_clause[clause]
    for later in range(clause + 1, min(len(text.clauses), clause + 1 + NEXT_CLAUSES)):
        if text.sentence_of_clause[later] != sentence:
            break
        lo, hi = text.clauses[later]
        if any(p.match_at(text.words, lo, hi) >= 0 for p in patterns if lo < hi):
            return True
    return False


def _framed(text: Text, clause: int, first: int, last: int, rule: Rule) -> bool:
    """Does a calm frame occur in the match's sentence or the next one (within FRAME_WORDS of the match)?"""
    sentence = text.sentence_of_clause[clause]
    start = text.sentences[sentence][0]
    end = text.sentences[min(sentence + 1, len(text.sentences) - 1)][1]
    lo, hi = max(start, first - FRAME_WORDS), min(end, last + FRAME_WORDS)
    if not rule.frame_prefixes and rule.frame_starts.isdisjoint(text.words[lo:hi]):
        return False  # cheap pre-filter: no frame can start in the window
    return any(pattern.search(text.words, lo, hi) for pattern in rule.unless_in_sentence)


def _opens_question(text: Text, clause: int, first: int) -> bool:
    sentence = text.sentence_of_clause[clause]
    return text.questions[sentence] and text.sentences[sentence][0] == first


def tone(text: Text, clause: int, first: int, last: int, valence: Valence) -> str:
    """NEGATIVE if a negative tone word is near the match, else POSITIVE if a positive one is, else NEUTRAL.

    The match itself is left out ("alleen" in "alleen maar" is not loneliness). The window starts in the
    clause before, in the same sentence: "ik vind het heerlijk dat je altijd zingt" is warm."""
    lo, hi = text.clauses[clause]
    if clause > 0 and text.sentence_of_clause[clause - 1] == text.sentence_of_clause[clause]:
        lo = text.clauses[clause - 1][0]  # the framing clause: "ik vind het heerlijk | dat je altijd zingt"
    windows = ((max(lo, first - VALENCE_WORDS), first), (last, min(hi, last + VALENCE_WORDS)))
    if _any_in(text.words, windows, valence.negative):
        return NEGATIVE
    if _any_in(text.words, windows, valence.positive):
        return POSITIVE
    return NEUTRAL


def _any_in(words: Sequence[str], windows: Sequence[tuple[int, int]], patterns: Sequence[Pattern]) -> bool:
    return any(pattern.search(words, a, b) for a, b in windows for pattern in patterns if a < b)

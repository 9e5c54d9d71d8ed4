"""Text analysis for the word detector: words, clauses, sentences, and who each clause is about.

A recogniser's text (Vosk: lowercase, no punctuation; Whisper: cased, punctuated) becomes a `Text`: the
normalised words (lowercase, accents removed, contractions expanded) with their character spans in the
original string, cut into sentences (at . ! ? ;) and clauses (also at commas and at conjunctions such as
"en", "maar", "omdat"). Each clause gets a subject guess: the partner ("je", "jij", "ge", "u"), the speaker
("ik", "we"), someone or something else ("hij", "de bus"), or none (an imperative, a fragment). Which words
play which role is data (`phrases/nl/lexicon.toml`, section [text]), not code.

Everything here is linear in the length of the text: one regular expression without nested repetition, one
pass over the words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import simplemma

# A word: letters/digits with combining accents, optionally joined by apostrophes ("zo'n", "m'n").
# No nested quantifiers over the same characters, so matching is linear (no catastrophic backtracking).
_WORD_RE = re.compile(r"[\w\u0300-\u036f]+(?:['’`][\w\u0300-\u036f]+)*")
_SENTENCE_MARKS = frozenset(".!?;…")
_CLAUSE_MARKS = frozenset(',:()"“”—–')
_NORMALISE_CACHE_SIZE = 1 << 16  # distinct word forms kept; plenty for a conversation, bounded for junk input

LEMMA_LANGUAGE = "nl"  # simplemma's Dutch data, shipped inside its wheel (no download)

SUBJECT_PARTNER = "partner"
SUBJECT_SELF = "self"
SUBJECT_OTHER = "other"
SUBJECT_NONE = "none"
SUBJECTS = frozenset({SUBJECT_PARTNER, SUBJECT_SELF, SUBJECT_OTHER, SUBJECT_NONE})


@lru_cache(maxsize=_NORMALISE_CACHE_SIZE)
def normalise_word(word: str) -> str:
    """Lowercase without accents or odd apostrophes: 'Egoïst' -> 'egoist', 'zo’n' -> "zo'n"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.casefold().replace("’", "'").replace("`", "'")


@lru_cache(maxsize=_NORMALISE_CACHE_SIZE)
def lemma(word: str) -> str:
    """The dictionary form of a normalised word by simplemma's Dutch data ('koffers' -> 'koffer', 'lag' ->
    'liggen'); the word itself when simplemma does not know it. Cached: a look-up ~1 us, a hit ~0.1 us."""
    if not word:
        return word  # simplemma refuses an empty string (a word of only combining marks normalises to "")
    found = simplemma.lemmatize(word, lang=LEMMA_LANGUAGE)
    return normalise_word(found) if isinstance(found, str) and found else word


def is_one_word(text: str) -> bool:
    """Is `text` exactly one word as `analyse` cuts words (letters, digits, inner apostrophes)?"""
    return _WORD_RE.fullmatch(text) is not None


@dataclass(frozen=True)
class TextRules:
    """The roles of words in clause cutting and subject guessing (from lexicon.toml [text])."""

    conjunctions: frozenset[str]  # a clause starts at these words ("en", "maar", "omdat" ...)
    no_split: frozenset[tuple[str, str]]  # ... except in these pairs ("elke keer als", "alleen maar")
    particles: frozenset[str]  # conjunctions that are often particles ("huil maar lekker") ...
    particle_openers: frozenset[str]  # ... and split only before these ("maar jij", "maar dat") or pronouns
    coordinators: frozenset[str]  # a clause starting with these may share the subject of the one before
    prepositions: frozenset[str]  # "voor je", "met jou": the partner is not the subject there
    determiners: frozenset[str]  # a clause starting "de bus ...", "mijn zus ..." is about someone else
    subjects: Mapping[str, str]  # pronoun -> SUBJECT_PARTNER / SUBJECT_SELF / SUBJECT_OTHER
    partner_objects: frozenset[str]  # "jou": the partner, but never the subject
    partner_subject_only: frozenset[str]  # "jij": the partner even after a preposition ("kom op jij ...")
    finite_verbs: frozenset[str]  # "bent", "hebt": a pronoun right before one of these is a subject
    replacements: Mapping[str, str]  # contractions and spoken forms: "m'n" -> "mijn", "t" -> "het"
    subject_window: int  # the subject is among the first words of a clause (Dutch puts the verb second)
    adverbials: frozenset[tuple[str, ...]] = frozenset()  # "de hele tijd zit je ...": skipped at clause start
    tags: frozenset[tuple[str, ...]] = frozenset()  # "..., weet je dat?", "..., toch?": not a real question
    interjections: frozenset[str] = frozenset()  # "nou", "zeg", "en": may stand before a clause's first verb
    possessed: frozenset[str] = frozenset()  # "je broer": after these "je" is "your", not the subject


@dataclass(frozen=True)
class Text:
    """An analysed utterance. Index i refers to the i-th word everywhere."""

    source: str
    words: tuple[str, ...]  # normalised
    starts: tuple[int, ...]  # character span of each word in `source`
    ends: tuple[int, ...]
    clause_of: tuple[int, ...]  # clause index of each word
    clauses: tuple[tuple[int, int], ...]  # (first word, one past the last word)
    sentence_of_clause: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]
    questions: tuple[bool, ...]  # per sentence: ends in a question mark
    subjects: tuple[str, ...]  # per clause
    partner_refs: tuple[bool, ...]  # per word: addresses the partner, not after a preposition
    heads: tuple[int, ...] = ()  # per clause: its first word after interjections ("nou, ga zitten")
    lemmas: tuple[str, ...] = ()  # per word: its dictionary form ("koffers" -> "koffer")


def analyse(source: str, rules: TextRules) -> Text:
    """Words, clauses, sentences and subjects of `source` (any string; never raises)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    breaks: list[int] = []  # 0 = none, 1 = clause break before this word, 2 = sentence break
    gaps: list[str] = []  # the text before each word (and, last, after the last word)
    previous_end = 0
    for found in _WORD_RE.finditer(source):
        gap = source[previous_end : found.start()]
        gaps.append(gap)
        norm = normalise_word(found.group())
        norm = rules.replacements.get(norm, norm)
        previous = words[-1] if words else ""
        breaks.append(_break_kind(gap, norm, previous, rules))
        spoken_break = breaks[-2] == 1 and gaps[-2].isspace() if previous else False
        if previous in rules.particles and spoken_break and not _opens_clause(norm, rules):
            breaks[-2] = 0  # "huil maar lekker", "je hebt dat vorig jaar gezegd": not a new clause (a comma
            # before it still ends the clause: "je was er altijd voor me, dat vergeet ik nooit")
        words.append(norm)
        starts.append(found.start())
        ends.append(found.end())
        previous_end = found.end()
    gaps.append(source[previous_end:])
    clauses, clause_sentence, sentences = _segment(breaks)
    questions = tuple("?" in gaps[hi] and not _ends_in_tag(words, lo, hi, rules) for lo, hi in sentences)
    clause_of = [0] * len(words)
    for index, (lo, hi) in enumerate(clauses):
        for i in range(lo, hi):
            clause_of[i] = index
    refs = _partner_refs(words, breaks, rules)
    subjects = _subjects(words, clauses, clause_sentence, refs, rules)
    return Text(
        source=source,
        words=tuple(words),
        starts=tuple(starts),
        ends=tuple(ends),
        clause_of=tuple(clause_of),
        clauses=tuple(clauses),
        sentence_of_clause=tuple(clause_sentence),
        sentences=tuple(sentences),
        questions=questions,
        subjects=tuple(subjects),
        partner_refs=tuple(refs),
        heads=tuple(_head(words, lo, hi, rules) for lo, hi in clauses),
        lemmas=tuple(lemma(word) for word in words),
    )


def _head(words: list[str], lo: int, hi: int, rules: TextRules) -> int:
    while lo < hi - 1 and words[lo] in rules.interjections:
        lo += 1
    return lo


def _ends_in_tag(words: list[str], lo: int, hi: int, rules: TextRules) -> bool:
    """'Je bent een leugenaar, toch?': a statement with a tag question stays a statement."""
    return any(hi - len(tag) > lo and tuple(words[hi - len(tag) : hi]) == tag for tag in rules.tags)


def _break_kind(gap: str, word: str, previous: str, rules: TextRules) -> int:
    if gap and not gap.isspace():
        if any(ch in _SENTENCE_MARKS for ch in gap):
            return 2
        if any(ch in _CLAUSE_MARKS for ch in gap):
            return 1
    if word in rules.conjunctions and (previous, word) not in rules.no_split:
        return 1
    return 0


def _opens_clause(word: str, rules: TextRules) -> bool:
    return (
        word in rules.particle_openers
        or word in rules.subjects
        or word in rules.partner_objects
        or word in rules.determiners
    )


def _segment(
    breaks: list[int],
) -> tuple[list[tuple[int, int]], list[int], list[tuple[int, int]]]:
    clauses: list[tuple[int, int]] = []
    clause_sentence: list[int] = []
    sentences: list[tuple[int, int]] = []
    clause_start = sentence_start = 0
    for i, kind in enumerate(breaks):
        if i == 0 or kind == 0:
            continue
        clauses.append((clause_start, i))
        clause_sentence.append(len(sentences))
        clause_start = i
        if kind == 2:
            sentences.append((sentence_start, i))
            sentence_start = i
    clauses.append((clause_start, len(breaks)))
    clause_sentence.append(len(sentences))
    sentences.append((sentence_start, len(breaks)))
    return clauses, clause_sentence, sentences


def _partner_refs(words: list[str], breaks: list[int], rules: TextRules) -> list[bool]:
    """Per word: the partner is meant, not after a preposition in the same clause ("voor je", "met jou")."""
    refs = []
    previous = ""
    for word, kind in zip(words, breaks, strict=True):
        is_partner = rules.subjects.get(word) == SUBJECT_PARTNER or word in rules.partner_objects
        after_preposition = previous in rules.prepositions and not kind
        refs.append(is_partner and (not after_preposition or word in rules.partner_subject_only))
        previous = word
    return refs


def _subjects(
    words: list[str],
    clauses: list[tuple[int, int]],
    clause_sentence: list[int],
    refs: list[bool],
    rules: TextRules,
) -> list[str]:
    subjects: list[str] = []
    for index, (lo, hi) in enumerate(clauses):
        subject = _clause_subject(words, lo, hi, refs, rules)
        same_sentence = index > 0 and clause_sentence[index] == clause_sentence[index - 1]
        if subject == SUBJECT_NONE and same_sentence and lo < hi and words[lo] in rules.coordinators:
            subject = subjects[-1]  # "je komt thuis en zit op je telefoon": the same "je"
        subjects.append(subject)
    return subjects


def _clause_subject(words: list[str], lo: int, hi: int, refs: list[bool], rules: TextRules) -> str:
    subject = _first_subject(words, lo, hi, refs, rules)
    # Without punctuation "als de kinderen ziek zijn heb jij nooit tijd" is one clause: the main clause's
    # subject comes after the verb. "jij" cannot be an object, so it names who the clause is about.
    opens_with_conjunction = lo < hi and words[lo] in rules.conjunctions
    if opens_with_conjunction and any(word in rules.partner_subject_only for word in words[lo:hi]):
        return SUBJECT_PARTNER
    if subject == SUBJECT_NONE and _late_partner_subject(words, lo, hi, refs, rules):
        return SUBJECT_PARTNER
    return subject


def _late_partner_subject(words: list[str], lo: int, hi: int, refs: list[bool], rules: TextRules) -> bool:
    """'net als met pasen je bent ook altijd te laat': the partner right before a verb, further on."""
    return any(
        refs[i] and words[i + 1] in rules.finite_verbs and rules.subjects.get(words[i]) == SUBJECT_PARTNER
        for i in range(lo, hi - 1)
    )


def _first_subject(words: list[str], lo: int, hi: int, refs: list[bool], rules: TextRules) -> str:
    start = lo
    while start < hi and words[start] in rules.conjunctions:
        start += 1
    for adverbial in rules.adverbials:
        if tuple(words[start : start + len(adverbial)]) == adverbial:
            start += len(adverbial)  # a fronted time phrase, not the subject ("de hele tijd zit je ...")
            break
    if start < hi and words[start] in rules.determiners:
        return SUBJECT_OTHER
    for i in range(start, min(hi, start + rules.subject_window)):
        role = rules.subjects.get(words[i])
        if role is None:
            continue
        if role == SUBJECT_PARTNER and not refs[i]:
            continue  # "met je", "voor jou": not the one doing it
        if role == SUBJECT_PARTNER and i + 1 < hi and words[i + 1] in rules.possessed:
            return SUBJECT_OTHER  # "je broer komt altijd te laat"
        return role
    return SUBJECT_NONE

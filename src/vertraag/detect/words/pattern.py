"""Word patterns: the small language the lexicon's rules are written in (documented in lexicon.toml).

A pattern is a row of elements separated by spaces, matched against normalised words:

    je|jij bent ~ @insult      "je bent gewoon een egoïst"
    stel je ... aan            "stel je toch niet zo aan"

- `word`          that word (written with or without accents, any case)
- `a|b|c`         one of these
- `=word`         any form of that word, by its lemma (simplemma): `=koffer` matches "koffers", `=liggen`
                  matches "lag", "ligt", "gelegen"; the word itself and its own lemma count too
- `word*`         any word starting with "word" (use sparingly: "lui*" would also match "luisteren")
- `pre*end`       any word starting with "pre" and ending in "end": "ge*d" is a participle ("geschrokken"
                  needs "ge*en"), not "geldwolf"
- `@class`        one of the words or phrases listed in that class of lexicon.toml
- `elem?`         optional
- `_`             any one word (not as the first element)
- `!a|b|@class`   any one word that is none of these (only the one-word entries of a class count; not first)
- `~`             up to `filler_words` small words from the class @filler ("gewoon", "echt", "zo", "een")
- `...`           up to `gap_words` words of any kind
- `$`             the end of the clause

Matching simulates the pattern as a set of positions (no backtracking), so it costs at most
(pattern length x gap size) steps per starting word, whatever the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vertraag.detect.words.text import lemma

FILLER = "~"
ANY = "_"
NOT = "!"
GAP = "..."
END = "$"
OPTIONAL = "?"
PREFIX = "*"
CLASS = "@"
ALTERNATIVE = "|"
LEMMA = "="


@dataclass(frozen=True)
class WordTest:
    """One word position: exact words and/or prefixes, each prefix with the ending it needs ("" = any)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()
    endings: tuple[str, ...] = ()  # per prefix; empty tuple = no ending needed for any prefix
    lemmas: frozenset[str] = frozenset()  # any word whose lemma is one of these

    def accepts(self, word: str) -> bool:
        if word in self.exact:
            return True
        if self.lemmas and lemma(word) in self.lemmas:
            return True
        if not self.prefixes or not word.startswith(self.prefixes):
            return False
        if not self.endings:
            return True
        return any(_has_shape(word, p, e) for p, e in zip(self.prefixes, self.endings, strict=True))


def _has_shape(word: str, prefix: str, ending: str) -> bool:
    return len(word) >= len(prefix) + len(ending) and word.startswith(prefix) and word.endswith(ending)


Phrase = tuple[WordTest, ...]


@dataclass(frozen=True)
class Element:
    kind: str  # "words", FILLER, GAP, END, ANY or NOT
    optional: bool = False
    excluded: WordTest | None = None  # for NOT: the words this position may not be
    by_first: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    by_prefix: tuple[tuple[str, Phrase], ...] = ()
    by_lemma: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)

    def ends(self, words: Sequence[str], p: int, hi: int) -> Iterable[int]:
        """Positions just after each way this element can match words[p:hi]."""
        if p >= hi:
            return
        word = words[p]
        for phrase in self.by_first.get(word, ()):
            end = _rest(phrase, words, p, hi)
            if end >= 0:
                yield end
        if self.by_lemma:
            for phrase in self.by_lemma.get(lemma(word), ()):
                end = _rest(phrase, words, p, hi)
                if end >= 0:
                    yield end
        for prefix, phrase in self.by_prefix:
            if word.startswith(prefix) and phrase[0].accepts(word):
                end = _rest(phrase, words, p, hi)
                if end >= 0:
                    yield end


def _rest(phrase: Phrase, words: Sequence[str], p: int, hi: int) -> int:
    end = p + len(phrase)
    if end > hi:
        return -1
    for offset in range(1, len(phrase)):
        if not phrase[offset].accepts(words[p + offset]):
            return -1
    return end


@dataclass(frozen=True)
class Limits:
    filler_words: int  # how many @filler words `~` may skip
    gap_words: int  # how many words `...` may skip
    fillers: frozenset[str]


@dataclass(frozen=True)
class Pattern:
    source: str
    elements: tuple[Element, ...]
    limits: Limits
    first_words: frozenset[str]  # the words a match can start with ...
    first_prefixes: tuple[str, ...]  # ... or the prefixes of such words
    needs: tuple[frozenset[str], ...] = ()  # a match needs one word (or lemma) of each set in the text
    first_lemmas: frozenset[str] = frozenset()  # ... or the lemmas of such words

    @property
    def starts_open(self) -> bool:
        """True when a match may start at words that no set lists (a prefix or a lemma)."""
        return bool(self.first_prefixes or self.first_lemmas)

    def can_start(self, word: str) -> bool:
        """Quick test: can a match start at this word?"""
        if word in self.first_words:
            return True
        if self.first_lemmas and lemma(word) in self.first_lemmas:
            return True
        return bool(self.first_prefixes) and word.startswith(self.first_prefixes)

    def match_at(self, words: Sequence[str], p: int, hi: int, *, clause_end: int = -1) -> int:
        """End (exclusive) of the shortest match starting at word p within words[:hi], or -1.

        `$` matches at `hi` and at `clause_end` (a clause can end inside the stretch searched)."""
        positions = {p}
        for element in self.elements:
            reached: set[int] = set(positions) if element.optional else set()
            for q in positions:
                reached.update(self._step(element, words, q, hi, clause_end))
            if not reached:
                return -1
            positions = reached
        return min(positions)

    def search(self, words: Sequence[str], lo: int, hi: int) -> bool:
        """Does the pattern match anywhere in words[lo:hi]? (`can_start` inlined: this is the hot loop)"""
        first, prefixes, lemmas = self.first_words, self.first_prefixes, self.first_lemmas
        for p in range(lo, hi):
            word = words[p]
            starts = (
                word in first
                or (prefixes and word.startswith(prefixes))
                or (lemmas and lemma(word) in lemmas)
            )
            if starts and self.match_at(words, p, hi) >= 0:
                return True
        return False

    def _step(
        self, element: Element, words: Sequence[str], q: int, hi: int, clause_end: int
    ) -> Iterable[int]:
        if element.kind == END:
            return (q,) if q in (hi, clause_end) else ()
        if element.kind == ANY:
            return (q + 1,) if q < hi else ()
        if element.kind == NOT:
            excluded = element.excluded
            return (q + 1,) if q < hi and excluded is not None and not excluded.accepts(words[q]) else ()
        if element.kind == GAP:
            return range(q, min(hi, q + self.limits.gap_words) + 1)
        if element.kind == FILLER:
            out = [q]
            while q < hi and len(out) <= self.limits.filler_words and words[q] in self.limits.fillers:
                q += 1
                out.append(q)
            return out
        return element.ends(words, q, hi)


ClassLookup = Callable[[str], Sequence[Phrase]]

"""Compiling the word-pattern language (pattern.py documents it) into `Pattern`s: tokens into elements, a
refusal for a pattern that can never match, naming the token."""

from __future__ import annotations

from collections.abc import Iterable

from vertraag.detect.words.pattern import (
    ALTERNATIVE,
    ANY,
    CLASS,
    END,
    FILLER,
    GAP,
    LEMMA,
    NOT,
    OPTIONAL,
    PREFIX,
    ClassLookup,
    Element,
    Limits,
    Pattern,
    Phrase,
    WordTest,
)
from vertraag.detect.words.text import is_one_word, lemma, normalise_word


def parse_word_test(token: str) -> WordTest:
    """`a|b*|c` -> WordTest; raises ValueError on an empty alternative."""
    exact: set[str] = set()
    prefixes: list[str] = []
    endings: list[str] = []
    lemmas: set[str] = set()
    for alternative in token.split(ALTERNATIVE):
        special = alternative in (FILLER, GAP, END, PREFIX, ANY, LEMMA)
        if not alternative or special or alternative[0] in (CLASS, NOT) or alternative.count(PREFIX) > 1:
            raise ValueError(f"'{token}' is geen geldig woord")
        _check_letters(alternative.removeprefix(LEMMA).replace(PREFIX, ""), token)
        if alternative.startswith(LEMMA):
            if PREFIX in alternative:
                raise ValueError(f"'{token}': een lemma (=woord) kan geen * hebben")
            word = normalise_word(alternative[1:])
            lemmas.update((word, lemma(word)))  # "=pakken": "pakken" is also the plural of the noun "pak"
        elif PREFIX in alternative:
            prefix, ending = alternative.split(PREFIX)
            prefixes.append(normalise_word(prefix))
            endings.append(normalise_word(ending) if ending else "")
        else:
            exact.add(normalise_word(alternative))
    return WordTest(
        frozenset(exact), tuple(prefixes), tuple(endings) if any(endings) else (), frozenset(lemmas)
    )


def _check_letters(text: str, token: str) -> None:
    """A word in a pattern must be one word as the text analysis cuts it: 'bent,' or 'ik-bericht' never
    matches (punctuation is not part of any word), so it is refused instead of silently never firing."""
    if text and not is_one_word(text):
        raise ValueError(
            f"'{token}' kan nooit passen: '{text}' is geen enkel woord (leestekens horen er niet in)"
        )


def parse_phrase(text: str) -> Phrase:
    """A class entry: plain words with alternatives and prefixes, no gaps ('in de steek', 'ben|bent je')."""
    parts = text.split()
    if not parts:
        raise ValueError("lege woordgroep")
    return tuple(parse_word_test(part) for part in parts)


def compile_pattern(text: str, *, classes: ClassLookup, limits: Limits) -> Pattern:
    """Compile a pattern; ValueError (Dutch message) when it cannot be read or cannot start a match."""
    elements = [_element(token, classes) for token in text.split()]
    if not elements:
        raise ValueError("leeg patroon")
    if elements[0].kind != "words" or elements[0].optional:
        raise ValueError("een patroon moet met een (niet-optioneel) woord of @klasse beginnen")
    return Pattern(
        source=text,
        elements=tuple(elements),
        limits=limits,
        first_words=frozenset(elements[0].by_first),
        first_prefixes=tuple(prefix for prefix, _ in elements[0].by_prefix),
        needs=tuple(
            frozenset(e.by_first) | frozenset(e.by_lemma) for e in elements[1:] if _needs_a_listed_word(e)
        ),
        first_lemmas=frozenset(elements[0].by_lemma),
    )


def _needs_a_listed_word(element: Element) -> bool:
    """A required element of listed words (no prefixes): a match needs one of its first words in the text."""
    return element.kind == "words" and not element.optional and not element.by_prefix


def _element(token: str, classes: ClassLookup) -> Element:
    if token in (FILLER, GAP, END):
        return Element(kind=token)
    optional = token.endswith(OPTIONAL) and len(token) > 1
    body = token[:-1] if optional else token
    if body == ANY:
        return Element(kind=ANY, optional=optional)
    negated = body.startswith(NOT) and len(body) > 1
    phrases: list[Phrase] = []
    for alternative in body.removeprefix(NOT).split(ALTERNATIVE) if negated else body.split(ALTERNATIVE):
        if alternative.startswith(CLASS):
            phrases.extend(classes(alternative[1:]))
        else:
            phrases.append((parse_word_test(alternative),))
    if negated:
        return Element(kind=NOT, optional=optional, excluded=_one_word_test(phrases))
    return _indexed(phrases, optional=optional)


def _one_word_test(phrases: Iterable[Phrase]) -> WordTest:
    """The words of the one-word phrases, as one test (for `!`)."""
    single = [phrase[0] for phrase in phrases if len(phrase) == 1]
    prefixes = tuple(prefix for test in single for prefix in test.prefixes)
    endings = tuple(ending for test in single for ending in (test.endings or ("",) * len(test.prefixes)))
    return WordTest(
        exact=frozenset(word for test in single for word in test.exact),
        prefixes=prefixes,
        endings=endings if any(endings) else (),
        lemmas=frozenset(found for test in single for found in test.lemmas),
    )


def _indexed(phrases: Iterable[Phrase], *, optional: bool) -> Element:
    by_first: dict[str, list[Phrase]] = {}
    by_prefix: list[tuple[str, Phrase]] = []
    by_lemma: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        for word in phrase[0].exact:
            by_first.setdefault(word, []).append(phrase)
        by_prefix.extend((prefix, phrase) for prefix in phrase[0].prefixes)
        for found in phrase[0].lemmas:
            by_lemma.setdefault(found, []).append(phrase)
    return Element(
        kind="words",
        optional=optional,
        by_first={word: tuple(found) for word, found in by_first.items()},
        by_prefix=tuple(by_prefix),
        by_lemma={word: tuple(found) for word, found in by_lemma.items()},
    )

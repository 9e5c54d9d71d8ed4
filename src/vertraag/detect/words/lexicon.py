"""Loading the word detector's data: `lexicon.toml` (word classes), `rules.toml` and `reframes.toml`.

The classes and rules may be spread over more files so that each stays readable: `lexicon-<topic>.toml`
(more [classes]) and `rules-<category>.toml` (more [[rule]]s) are read after the main file, by name.

Everything is checked while loading: an unknown class, category or key, or a pattern that cannot be read,
is a `UserError` naming the file and the rule, so a therapist who edits a file hears what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vertraag import datafile
from vertraag.detect.category import CATEGORIES
from vertraag.detect.words.compile import compile_pattern, parse_phrase
from vertraag.detect.words.pattern import Limits, Pattern, Phrase
from vertraag.detect.words.rule_file import WITHOUT_REFRAME, rules_in
from vertraag.detect.words.rules import Rule, Valence
from vertraag.detect.words.text import (
    SUBJECT_OTHER,
    SUBJECT_PARTNER,
    SUBJECT_SELF,
    TextRules,
    normalise_word,
)
from vertraag.detect.words.verbs import infinitives
from vertraag.errors import UserError
from vertraag.phrases import load_toml

LEXICON_FILE = "lexicon.toml"
RULES_FILE = "rules.toml"
LEXICON_EXTRA_GLOB = "lexicon-*.toml"  # more [classes]
RULES_EXTRA_GLOB = "rules-*.toml"  # more [[rule]]s
REFRAMES_FILE = "reframes.toml"
FRAMES_FILE = "rules-frames.toml"  # [frames]: named calm frames; [calm_frames]: which categories they cancel

_POSITIVE_CLASS = "positive"
_NEGATIVE_CLASS = "negative"
_NEGATION_CLASS = "negation"
_FILLER_CLASS = "filler"
# The class of infinitives is derived from these (lexicon-verbs.toml), not listed by hand.
_STEM_CLASS = "imperative"
_SEPARABLE_CLASS = "separable"
_IRREGULAR_CLASS = "infinitive_irregular"
_INFINITIVE_CLASS = "infinitive"
_SEPARABLE_INFINITIVE_CLASS = "infinitive_separable"  # only those with a particle: "opruimen", "ophouden"
_LEXICON_TABLES = ("settings", "text", "classes")
_SETTINGS_KEYS = ("filler_words", "gap_words", "subject_window")
_TEXT_KEYS = (
    "conjunctions", "no_split", "particles", "particle_openers", "coordinators", "prepositions",
    "determiners", "adverbials", "tags", "interjections", "partner", "partner_objects", "possessed",
    "partner_subject_only", "finite_verbs", "self", "other", "replacements",
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    """A reframe for utterances about one theme ('luisteren' -> 'ik voelde me niet gehoord')."""

    key: str
    patterns: tuple[Pattern, ...]
    categories: frozenset[str]  # empty = any category
    reframe: str


@dataclass(frozen=True)
class Lexicon:
    text: TextRules
    rules: tuple[Rule, ...]
    valence: Valence
    topics: tuple[Topic, ...]
    fallbacks: Mapping[str, str]  # category -> reframe


def load_lexicon(directory: Path) -> Lexicon:
    lexicon_path = directory / LEXICON_FILE
    data = load_toml(lexicon_path)
    datafile.only_keys(data, _LEXICON_TABLES, str(lexicon_path))
    settings = _table(data, "settings", lexicon_path)
    datafile.only_keys(settings, _SETTINGS_KEYS, f"{lexicon_path} [settings]")
    classes = _Classes(_all_classes(directory, _table(data, "classes", lexicon_path)), lexicon_path)
    limits = Limits(
        filler_words=_int(settings, "filler_words", lexicon_path),
        gap_words=_int(settings, "gap_words", lexicon_path),
        fillers=classes.words(_FILLER_CLASS),
    )
    text = _text_rules(_table(data, "text", lexicon_path), _int(settings, "subject_window", lexicon_path))

    def compile_all(items: Sequence[str], where: str) -> tuple[Pattern, ...]:
        try:
            return tuple(compile_pattern(item, classes=classes.phrases, limits=limits) for item in items)
        except ValueError as exc:
            raise UserError(f"{where}: {exc}. Herstel dit of zet het originele bestand terug.") from exc

    valence = Valence(
        positive=compile_all([f"@{_POSITIVE_CLASS}"], str(lexicon_path)),
        negative=compile_all([f"@{_NEGATIVE_CLASS}"], str(lexicon_path)),
        negations=classes.words(_NEGATION_CLASS),
    )
    frames = _frames(directory / FRAMES_FILE)
    rules: list[Rule] = []
    extra = [path for path in sorted(directory.glob(RULES_EXTRA_GLOB)) if path.name != FRAMES_FILE]
    for rules_path in [directory / RULES_FILE, *extra]:
        rules += rules_in(rules_path, compile_all, frames)
    topics, fallbacks = _reframes(directory / REFRAMES_FILE, compile_all)
    known_topics = {topic.key for topic in topics}
    seen: set[str] = set()
    for rule in rules:
        if rule.reframe is not None and rule.reframe not in known_topics:
            where = f"regel '{rule.id}'"
            raise UserError(f"{where}: onbekend reframe-onderwerp '{rule.reframe}' (zie {REFRAMES_FILE}).")
        if rule.id in seen:
            raise UserError(f"regel '{rule.id}' staat twee keer in de regelbestanden; geef er een andere id.")
        seen.add(rule.id)
    return Lexicon(text=text, rules=tuple(rules), valence=valence, topics=topics, fallbacks=fallbacks)


def _all_classes(directory: Path, main: Mapping[str, Any]) -> dict[str, Any]:
    """The [classes] of lexicon.toml and of every lexicon-*.toml; a class defined twice is an error."""
    merged = {name: datafile.class_entries(name, entries, LEXICON_FILE) for name, entries in main.items()}
    for path in sorted(directory.glob(LEXICON_EXTRA_GLOB)):
        data = load_toml(path)
        datafile.only_keys(data, ("classes",), str(path))
        for name, entries in _table(data, "classes", path).items():
            if name in merged:
                raise UserError(f"{path}: de klasse '{name}' bestaat al in een ander lexiconbestand.")
            merged[name] = datafile.class_entries(name, entries, str(path))
    if _STEM_CLASS in merged and _INFINITIVE_CLASS not in merged:
        plain, separable = _derived_infinitives(merged)
        merged[_INFINITIVE_CLASS] = plain + separable
        merged[_SEPARABLE_INFINITIVE_CLASS] = separable
    return merged


def _derived_infinitives(classes: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """'ruimen', 'opruimen' ... from the stems, the separable particles and the irregular verbs."""
    irregular = {}
    for entry in classes.get(_IRREGULAR_CLASS, []):
        stem, _, verb = str(entry).partition("=")
        if not verb:
            raise UserError(f"{_IRREGULAR_CLASS}: '{entry}' moet de vorm 'stam=infinitief' hebben.")
        irregular[normalise_word(stem)] = normalise_word(verb)
    stems = [normalise_word(str(s)) for s in classes.get(_STEM_CLASS, []) if not str(s).startswith("@")]
    particles = [normalise_word(str(p)) for p in classes.get(_SEPARABLE_CLASS, [])]
    plain = infinitives(stems, (), irregular)
    return plain, infinitives(stems, particles, irregular)[len(plain) :]


class _Classes:
    """Named word classes; an entry '@other' includes another class."""

    def __init__(self, table: Mapping[str, Any], path: Path) -> None:
        self._table = table
        self._path = path
        self._cache: dict[str, tuple[Phrase, ...]] = {}

    def phrases(self, name: str, _seen: frozenset[str] = frozenset()) -> tuple[Phrase, ...]:
        if name in self._cache:
            return self._cache[name]
        entries = self._table.get(name)
        if not isinstance(entries, list) or name in _seen:
            where = f"zie [classes] in {self._path.name} en {LEXICON_EXTRA_GLOB}"
            raise ValueError(f"onbekende of kringvormige klasse '@{name}' ({where})")
        phrases: list[Phrase] = []
        for entry in entries:
            if str(entry).startswith("@"):
                phrases.extend(self.phrases(str(entry)[1:], _seen | {name}))
            else:
                phrases.append(parse_phrase(str(entry)))
        self._cache[name] = tuple(phrases)
        return self._cache[name]

    def words(self, name: str) -> frozenset[str]:
        try:
            phrases = self.phrases(name)
        except ValueError as exc:
            raise UserError(f"{self._path}: {exc}.") from exc
        return frozenset(word for phrase in phrases if len(phrase) == 1 for word in phrase[0].exact)


def _text_rules(table: Mapping[str, Any], subject_window: int) -> TextRules:
    where = f"{LEXICON_FILE} [text]"
    datafile.only_keys(table, _TEXT_KEYS, where)
    replacements = table.get("replacements", {})
    if not isinstance(replacements, dict) or not all(isinstance(v, str) for v in replacements.values()):
        raise UserError(f'{where}.replacements: elke vervanging is "woord" = "woord".')

    def words(key: str) -> frozenset[str]:
        return frozenset(datafile.string_list(table, key, where))

    subjects = {w: SUBJECT_PARTNER for w in words("partner")}
    subjects.update({w: SUBJECT_SELF for w in words("self")})
    subjects.update({w: SUBJECT_OTHER for w in words("other")})
    return TextRules(
        conjunctions=words("conjunctions"),
        no_split=frozenset(_pair(p) for p in datafile.string_list(table, "no_split", where)),
        particles=words("particles"),
        particle_openers=words("particle_openers"),
        coordinators=words("coordinators"),
        prepositions=words("prepositions"),
        determiners=words("determiners"),
        subjects=subjects,
        partner_objects=words("partner_objects"),
        partner_subject_only=words("partner_subject_only"),
        finite_verbs=words("finite_verbs"),
        replacements={str(k): str(v) for k, v in replacements.items()},
        subject_window=subject_window,
        adverbials=frozenset(_words(a) for a in datafile.string_list(table, "adverbials", where)),
        tags=frozenset(_words(a) for a in datafile.string_list(table, "tags", where)),
        interjections=words("interjections"),
        possessed=words("possessed"),
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(normalise_word(word) for word in text.split())


def _pair(text: str) -> tuple[str, str]:
    parts = text.split()
    if len(parts) != 2:
        raise UserError(f"{LEXICON_FILE} [text] no_split: '{text}' moet uit twee woorden bestaan.")
    return normalise_word(parts[0]), normalise_word(parts[1])


def _reframes(path: Path, compile_all: Any) -> tuple[tuple[Topic, ...], dict[str, str]]:
    data = load_toml(path)
    datafile.only_keys(data, ("fallback", "topic"), str(path))
    fallback_table = _table(data, "fallback", path)
    nudges = [c for c in CATEGORIES if c not in WITHOUT_REFRAME]
    datafile.only_keys(fallback_table, nudges, f"{path} [fallback]")
    fallbacks = {c: datafile.optional_text(fallback_table, c, f"{path} [fallback]") for c in nudges}
    missing = [c for c, sentence in fallbacks.items() if sentence is None]
    if missing:
        raise UserError(f"{path}: [fallback] mist een zin voor: {', '.join(missing)}.")
    topics = []
    for i, table in enumerate(datafile.tables(data, "topic", str(path))):
        key = datafile.optional_text(table, "key", f"{path}, onderwerp {i + 1}")
        where = f"{path}, onderwerp '{key}'"
        if key is None:
            raise UserError(f"{path}, onderwerp {i + 1}: 'key' ontbreekt.")
        datafile.only_keys(table, ("key", "words", "categories", "reframe"), where)
        reframe = datafile.optional_text(table, "reframe", where)
        if reframe is None:
            raise UserError(f"{where}: 'reframe' ontbreekt.")
        categories = frozenset(datafile.string_list(table, "categories", where))
        if not categories <= set(nudges):
            raise UserError(f"{where}: onbekende categorie in 'categories' (bekend: {', '.join(nudges)}).")
        topics.append(
            Topic(
                key=key,
                patterns=compile_all(
                    datafile.string_list(table, "words", where, required=True), f"{where}, 'words'"
                ),
                categories=categories,
                reframe=reframe,
            )
        )
    return tuple(topics), {c: sentence for c, sentence in fallbacks.items() if sentence is not None}


def _frames(path: Path) -> dict[str, list[str]]:
    """Per category, the patterns of the calm frames that keep its rules quiet in a sentence."""
    if not path.exists():
        return {}
    data = load_toml(path)
    datafile.only_keys(data, ("frames", "calm_frames"), str(path))
    frames, calm = _table(data, "frames", path), _table(data, "calm_frames", path)
    for name in frames:
        datafile.string_list(frames, name, f"{path} [frames]", required=True)
    for name in calm:
        datafile.string_list(calm, name, f"{path} [calm_frames]", required=True)
    if not set(calm) <= set(CATEGORIES):
        raise UserError(f"{path}: [calm_frames] kent alleen de categorieën {', '.join(CATEGORIES)}.")
    unknown = {str(name) for names in calm.values() for name in names} - set(frames)
    if unknown:
        raise UserError(f"{path}: onbekend(e) frame(s) {', '.join(sorted(unknown))} in [calm_frames].")
    return {str(c): [str(p) for name in names for p in frames[name]] for c, names in calm.items()}


def _table(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise UserError(f"{path}: de tabel [{key}] ontbreekt.")
    return table


def _int(table: Mapping[str, Any], key: str, path: Path) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UserError(f"{path}: [settings] {key} moet een geheel getal >= 0 zijn.")
    return value

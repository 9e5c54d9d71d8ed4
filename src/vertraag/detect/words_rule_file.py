"""Reading the [[rule]] tables of `rules.toml` and `rules-<category>.toml` into checked `Rule`s.

Every key is checked: an unknown key, category or subject is a `UserError` naming the file and the rule.
The keys are documented for therapists in the header of `phrases/nl/rules.toml`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vertraag.detect.words_pattern import Pattern
from vertraag.detect.words_rules import NEGATIVE, POSITIVE, SCOPE_CLAUSE, SCOPE_SENTENCE, Rule
from vertraag.detect.words_text import SUBJECTS, normalise_word
from vertraag.errors import UserError
from vertraag.phrases import load_toml

CATEGORIES = (
    "absolute", "attack", "contempt", "blame", "threat", "past", "defensive", "command", "safety",
    "i_message",
)  # fmt: skip
I_MESSAGE = "i_message"  # a good sign: counted, never nudged
SAFETY = "safety"  # violence, fear, danger: the session stops the exercise and gives the help lines
WITHOUT_REFRAME = frozenset({I_MESSAGE, SAFETY})  # categories that never get an I-message invitation
_RULE_KEYS = frozenset(
    {
        "id", "category", "pattern", "patterns", "subject", "addressed", "unless", "requires",
        "unless_before", "unless_after", "negatable", "cancel_valence", "scope", "with_category", "reframe",
        "examples", "counter", "note", "not_in_questions", "opens_sentence", "opens_clause",
        "unless_next_clause", "negated_unless_holds", "unless_in_sentence",
    }
)  # fmt: skip


def rules_in(path: Path, compile_all: Any, frames: Mapping[str, Sequence[str]]) -> list[Rule]:
    """The [[rule]]s of one file; `frames` (category -> patterns) are added to each rule's
    `unless_in_sentence`: a calm frame anywhere in the sentence cancels every rule of that category."""
    rule_tables = load_toml(path).get("rule", [])
    if not isinstance(rule_tables, list) or not all(isinstance(t, dict) for t in rule_tables):
        raise UserError(f"{path}: regels staan als [[rule]]-tabellen; herstel het bestand.")
    return [_rule(table, i, path, compile_all, frames) for i, table in enumerate(rule_tables)]


def _rule(
    table: Mapping[str, Any], index: int, path: Path, compile_all: Any, frames: Mapping[str, Sequence[str]]
) -> Rule:
    category = str(table.get("category", ""))
    rule_id = str(table.get("id", f"{category}-{index + 1}"))
    where = f"{path}, regel '{rule_id}'"
    unknown = set(table) - _RULE_KEYS
    if unknown:
        raise UserError(f"{where}: onbekende sleutel(s) {', '.join(sorted(unknown))}.")
    if category not in CATEGORIES:
        raise UserError(f"{where}: onbekende categorie '{category}' (bekend: {', '.join(CATEGORIES)}).")
    sources = list(table.get("patterns", [])) + ([table["pattern"]] if "pattern" in table else [])
    if not sources:
        raise UserError(f"{where}: 'pattern' of 'patterns' ontbreekt.")
    subject = table.get("subject")
    if subject is not None and not set(subject) <= SUBJECTS:
        raise UserError(f"{where}: 'subject' kent alleen {', '.join(sorted(SUBJECTS))}.")
    scope = str(table.get("scope", SCOPE_CLAUSE))
    valence = table.get("cancel_valence")
    if scope not in (SCOPE_CLAUSE, SCOPE_SENTENCE) or valence not in (None, POSITIVE, NEGATIVE):
        raise UserError(f"{where}: 'scope' is clause/sentence en 'cancel_valence' is positive/negative.")
    with_category = frozenset(str(c) for c in table.get("with_category", []))
    if not with_category <= set(CATEGORIES):
        raise UserError(f"{where}: onbekende categorie in 'with_category'.")
    calm: tuple[Pattern, ...] = compile_all(
        [*table.get("unless_in_sentence", []), *frames.get(category, [])], where
    )
    return Rule(
        id=rule_id,
        category=category,
        patterns=compile_all(sources, where),
        subject=frozenset(subject) if subject is not None else None,
        addressed=bool(table.get("addressed", False)),
        unless=compile_all(list(table.get("unless", [])), where),
        negated_unless_holds=bool(table.get("negated_unless_holds", False)),
        requires=compile_all(list(table.get("requires", [])), where),
        unless_before=_normalised(table.get("unless_before", [])),
        unless_after=_normalised(table.get("unless_after", [])),
        negatable=bool(table.get("negatable", False)),
        not_in_questions=bool(table.get("not_in_questions", False)),
        opens_sentence=bool(table.get("opens_sentence", False)),
        opens_clause=bool(table.get("opens_clause", False)),
        unless_next_clause=compile_all(list(table.get("unless_next_clause", [])), where),
        unless_in_sentence=calm,
        frame_starts=frozenset().union(*(p.first_words for p in calm)),
        frame_prefixes=any(p.first_prefixes for p in calm),
        cancel_valence=valence,
        scope=scope,
        with_category=with_category,
        reframe=str(table["reframe"]) if "reframe" in table else None,
        examples=tuple(str(e) for e in table.get("examples", [])),
        counter=tuple(str(e) for e in table.get("counter", [])),
    )


def _normalised(words: Sequence[Any]) -> frozenset[str]:
    return frozenset(normalise_word(str(w)) for w in words)

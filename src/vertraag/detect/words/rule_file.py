"""Reading the [[rule]] tables of `rules.toml` and `rules-<category>.toml` into checked `Rule`s.

Every key is checked (datafile.py): an unknown key, category or subject, a list written as a text, a yes/no
that is not true/false, an empty pattern, is a `UserError` naming the file, the rule and the key. Every key is
documented for therapists in the header of `phrases/nl/rules.toml` (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vertraag import datafile
from vertraag.detect.category import CATEGORIES, Category
from vertraag.detect.words.pattern import Pattern
from vertraag.detect.words.rules import NEGATIVE, POSITIVE, SCOPE_CLAUSE, SCOPE_SENTENCE, Rule
from vertraag.detect.words.text import SUBJECTS, normalise_word
from vertraag.errors import UserError
from vertraag.phrases import load_toml

I_MESSAGE, SAFETY = Category.I_MESSAGE, Category.SAFETY
WITHOUT_REFRAME = frozenset({I_MESSAGE, SAFETY})  # categories that never get an I-message invitation
RULE_KEYS = frozenset(
    {
        "id", "category", "pattern", "patterns", "subject", "addressed", "unless", "requires",
        "unless_before", "unless_after", "negatable", "cancel_valence", "scope", "with_category", "reframe",
        "examples", "counter", "note", "not_in_questions", "opens_sentence", "opens_clause",
        "unless_next_clause", "negated_unless_holds", "unless_in_sentence",
    }
)  # fmt: skip


RULES_FILE_TABLES = ("rule",)


def rules_in(path: Path, compile_all: Any, frames: Mapping[str, Sequence[str]]) -> list[Rule]:
    """The [[rule]]s of one file; `frames` (category -> patterns) are added to each rule's
    `unless_in_sentence`: a calm frame anywhere in the sentence cancels every rule of that category."""
    data = load_toml(path)
    datafile.only_keys(data, RULES_FILE_TABLES, str(path))
    return [
        _rule(table, i, path, compile_all, frames)
        for i, table in enumerate(datafile.tables(data, "rule", str(path)))
    ]


def _rule(
    table: Mapping[str, Any], index: int, path: Path, compile_all: Any, frames: Mapping[str, Sequence[str]]
) -> Rule:
    rule_id = datafile.optional_text(table, "id", f"{path}, regel {index + 1}")
    if rule_id is None:
        raise UserError(
            f"{path}, regel {index + 1}: 'id' ontbreekt; geef elke regel een vaste naam, "
            f"zoals id = \"threat-packing\" (die naam staat in elke vondst en in 'vertraag scan --explain')."
        )
    where = f"{path}, regel '{rule_id}'"
    datafile.only_keys(table, RULE_KEYS, where)
    category = datafile.optional_text(table, "category", where) or ""
    if category not in CATEGORIES:
        raise UserError(f"{where}: onbekende categorie '{category}' (bekend: {', '.join(CATEGORIES)}).")
    sources = datafile.string_list(table, "patterns", where)
    single = datafile.optional_text(table, "pattern", where)
    sources += [single] if single is not None else []
    if not sources:
        raise UserError(f"{where}: 'pattern' of 'patterns' ontbreekt.")
    subject = datafile.string_list(table, "subject", where) if "subject" in table else None
    if subject is not None and not set(subject) <= SUBJECTS:
        raise UserError(f"{where}: 'subject' kent alleen {', '.join(sorted(SUBJECTS))}.")
    scope = datafile.text(table, "scope", where, default=SCOPE_CLAUSE)
    valence = datafile.optional_text(table, "cancel_valence", where)
    if scope not in (SCOPE_CLAUSE, SCOPE_SENTENCE) or valence not in (None, POSITIVE, NEGATIVE):
        raise UserError(f"{where}: 'scope' is clause/sentence en 'cancel_valence' is positive/negative.")
    with_category = frozenset(datafile.string_list(table, "with_category", where))
    if not with_category <= set(CATEGORIES):
        raise UserError(f"{where}: onbekende categorie in 'with_category'.")
    datafile.optional_text(table, "note", where)

    def patterns(key: str, extra: Sequence[str] = ()) -> tuple[Pattern, ...]:
        compiled: tuple[Pattern, ...] = compile_all(
            [*datafile.string_list(table, key, where), *extra], f"{where}, '{key}'"
        )
        return compiled

    calm = patterns("unless_in_sentence", frames.get(category, []))
    return Rule(
        id=rule_id,
        category=category,
        patterns=compile_all(sources, f"{where}, 'patterns'"),
        subject=frozenset(subject) if subject is not None else None,
        addressed=datafile.flag(table, "addressed", where),
        unless=patterns("unless"),
        negated_unless_holds=datafile.flag(table, "negated_unless_holds", where),
        requires=patterns("requires"),
        unless_before=_normalised(datafile.string_list(table, "unless_before", where)),
        unless_after=_normalised(datafile.string_list(table, "unless_after", where)),
        negatable=datafile.flag(table, "negatable", where),
        not_in_questions=datafile.flag(table, "not_in_questions", where),
        opens_sentence=datafile.flag(table, "opens_sentence", where),
        opens_clause=datafile.flag(table, "opens_clause", where),
        unless_next_clause=patterns("unless_next_clause"),
        unless_in_sentence=calm,
        frame_starts=frozenset().union(*(p.first_words for p in calm)),
        frame_prefixes=any(p.starts_open for p in calm),
        cancel_valence=valence,
        scope=scope,
        with_category=with_category,
        reframe=datafile.optional_text(table, "reframe", where),
        examples=tuple(datafile.string_list(table, "examples", where)),
        counter=tuple(datafile.string_list(table, "counter", where)),
        file=path.name,
    )


def _normalised(words: Sequence[Any]) -> frozenset[str]:
    return frozenset(normalise_word(str(w)) for w in words)

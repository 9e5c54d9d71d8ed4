"""The categories of unsafe (and good) language: the one list, shared by the word detector, the session's
interventions, the report and the rules files (`category = "..."`)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    ABSOLUTE = "absolute"  # "altijd", "nooit"
    ATTACK = "attack"  # a personal attack
    CONTEMPT = "contempt"
    BLAME = "blame"
    THREAT = "threat"
    PAST = "past"  # dragging up the past
    DEFENSIVE = "defensive"  # a counter-attack
    COMMAND = "command"  # telling the other what to do
    SAFETY = "safety"  # violence, fear, danger: the session stops the exercise and gives the help lines
    I_MESSAGE = "i_message"  # a good sign: counted, never nudged


CATEGORIES = tuple(Category)
# The categories the session invites to say differently (safety stops the exercise; an I-message is praised).
NUDGED = tuple(c for c in Category if c not in (Category.SAFETY, Category.I_MESSAGE))

"""Only what two successive partials agree on counts as said; nothing said is taken back."""

from __future__ import annotations

from vertraag.recognize.hypothesis import HypothesisBuffer


def updates(buffer: HypothesisBuffer, *texts: str) -> list[tuple[str, str]]:
    out = []
    for text in texts:
        h = buffer.update(text.split())
        out.append((h.stable_text, h.pending_text))
    return out


def test_a_first_hypothesis_is_not_yet_said() -> None:
    assert updates(HypothesisBuffer(), "ik heb") == [("", "ik heb")]


def test_words_two_hypotheses_agree_on_become_stable() -> None:
    got = updates(HypothesisBuffer(), "je doet", "je doet het", "je doet het nooit", "je doet het nooit goed")
    assert [stable for stable, _ in got] == ["", "je doet", "je doet het", "je doet het nooit"]
    assert got[-1][1] == "goed"


def test_a_revised_word_is_not_committed_until_it_settles() -> None:
    buffer = HypothesisBuffer()
    got = updates(buffer, "ik vind", "ik wind het", "ik vind het fijn", "ik vind het fijn")
    assert got[1] == ("ik", "wind het")  # "vind" was revised: only "ik" is agreed
    assert got[2] == ("ik", "vind het fijn")  # the revision is not yet confirmed
    assert got[3] == ("ik vind het fijn", "")


def test_one_contradicting_hypothesis_takes_nothing_back() -> None:
    buffer = HypothesisBuffer()
    updates(buffer, "altijd weer", "altijd weer jij")
    assert updates(buffer, "al tijd weer jij")[0][0] == "altijd weer"
    assert buffer.committed == ("altijd", "weer")


def test_a_rewritten_start_that_settles_and_says_more_replaces_the_committed_words() -> None:
    """Vosk sometimes rewrites the start of an utterance; else nothing after it would ever be stable."""
    buffer = HypothesisBuffer()
    updates(buffer, "al tijd", "al tijd")
    got = updates(buffer, "altijd weer jij", "altijd weer jij nou")
    assert got[0][0] == "al tijd"  # not yet: a single rewrite
    assert got[1] == ("altijd weer jij", "nou")


def test_reset_starts_the_next_utterance_afresh() -> None:
    buffer = HypothesisBuffer()
    updates(buffer, "goed zo", "goed zo")
    buffer.reset()
    assert updates(buffer, "nee") == [("", "nee")]

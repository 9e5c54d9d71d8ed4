"""Dutch infinitives from imperative stems, by spelling rules: "ruim" -> "ruimen", "geef" -> "geven".

The lexicon lists the stems of verbs (the form of an order: "geef", "kalmeer", "zit"); bare orders use the
infinitive ("Ophouden, nu!", "opruimen"). Rather than listing every verb twice, the infinitive is derived:

- a doubled vowel before one final consonant loses a vowel in the open syllable: "maak" -> "maken";
- a short vowel before one final consonant doubles the consonant: "zit" -> "zitten", "leg" -> "leggen";
- a final f or s after a long vowel becomes v or z: "geef" -> "geven", "blijf" -> "blijven";
- an unstressed -er/-el/-en ending just takes -en: "luister" -> "luisteren", "wandel" -> "wandelen".

Irregular verbs ("ga" -> "gaan") come from the lexicon's infinitive_irregular list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

VOWELS = frozenset("aeiou")
DOUBLED = ("aa", "ee", "oo", "uu")
LONG_VOWELS = ("ij", "ei", "ui", "ou", "au", "ie", "oe", "eu", "aa", "ee", "oo", "uu")
# "luister", "wandel", "open", "adem": the last syllable takes no stress ...
UNSTRESSED_ENDINGS = ("er", "el", "en", "em")
STRESSED_ENDINGS = ("eer", "eel", "een", "eem")  # ... unless its vowel is doubled: "kalmeer" -> "kalmeren"
VOICED = {"f": "v", "s": "z"}  # "geef" -> "geven", "blijf" -> "blijven"
INFINITIVE_ENDING = "en"


def infinitive(stem: str, irregular: Mapping[str, str]) -> str:
    """The infinitive of an imperative stem ("ruim" -> "ruimen")."""
    if stem in irregular:
        return irregular[stem]
    if len(stem) < 2 or stem[-1] in VOWELS:
        return stem + INFINITIVE_ENDING  # "bemoei" -> "bemoeien" ("ga" -> "gaan" is irregular)
    body, last = stem[:-1], stem[-1]
    if _syllables(stem) > 1 and stem.endswith(UNSTRESSED_ENDINGS) and not stem.endswith(STRESSED_ENDINGS):
        return stem + INFINITIVE_ENDING
    if body.endswith(DOUBLED) and (len(body) < 3 or body[-3] not in VOWELS):
        return body[:-1] + VOICED.get(last, last) + INFINITIVE_ENDING  # "maak" -> "maken", "geef" -> "geven"
    if body.endswith(LONG_VOWELS):
        return body + VOICED.get(last, last) + INFINITIVE_ENDING  # "blijf" -> "blijven", "kijk" -> "kijken"
    if body and body[-1] in VOWELS and (len(body) < 2 or body[-2] not in VOWELS):
        return stem + last + INFINITIVE_ENDING  # "zit" -> "zitten", "stop" -> "stoppen"
    return stem + INFINITIVE_ENDING  # "ruim" -> "ruimen", "help" -> "helpen"


def infinitives(stems: Iterable[str], separable: Iterable[str], irregular: Mapping[str, str]) -> list[str]:
    """Every infinitive, plain and with each separable particle in front ("ruimen", "opruimen")."""
    plain = sorted({infinitive(stem, irregular) for stem in stems})
    particles = sorted(set(separable))
    return plain + [particle + verb for particle in particles for verb in plain]


def _syllables(word: str) -> int:
    count, previous = 0, False
    for ch in word:
        is_vowel = ch in VOWELS
        count += is_vowel and not previous
        previous = is_vowel
    return count

"""Text augmentation by word edits (the "EDA" operations of Wei and Zou, 2019).

Each function takes a sentence (a string, split on whitespace and rejoined with single
spaces) or a list of tokens (returned as a new list), and ``seed`` or ``generator`` for
its random choices, so that the same seed always gives the same edit.

Example::

    synonyms = {"quick": ["fast", "speedy"], "happy": ["glad"]}
    synonym_replacement("the quick dog is happy", synonyms, n=1, seed=0)
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ember.data.seeding import rng_for


def _tokens(fn: str, text) -> tuple[list[str], bool]:
    if isinstance(text, str):
        return text.split(), True
    if isinstance(text, Sequence) and all(isinstance(t, str) for t in text):
        return list(text), False
    raise TypeError(f"{fn}: expected a string or a list of string tokens, "
                    f"got {type(text).__name__}")


def _join(tokens: list[str], was_string: bool):
    return " ".join(tokens) if was_string else tokens


def _check_count(fn: str, n) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"{fn}: n must be a non-negative int, got {n!r}")


def random_swap(text, n: int = 1, generator=None, seed: int | None = None):
    """Swap the words at two random positions, ``n`` times."""
    _check_count("random_swap", n)
    words, was_string = _tokens("random_swap", text)
    rng = rng_for(generator, seed)
    if len(words) >= 2:
        for _ in range(n):
            i, j = rng.choice(len(words), size=2, replace=False)
            words[i], words[j] = words[j], words[i]
    return _join(words, was_string)


def random_deletion(text, p: float = 0.1, generator=None, seed: int | None = None):
    """Delete each word with probability ``p``; if every word would go, one random word
    stays (an empty sentence is no training example)."""
    if not 0 <= p <= 1:
        raise ValueError(f"random_deletion: p must lie in [0, 1], got {p!r}")
    words, was_string = _tokens("random_deletion", text)
    if not words:
        return _join(words, was_string)
    rng = rng_for(generator, seed)
    keep = rng.random(len(words)) >= p
    kept = [w for w, k in zip(words, keep) if k]
    if not kept:
        kept = [words[int(rng.integers(len(words)))]]
    return _join(kept, was_string)


def synonym_replacement(text, synonyms: Mapping[str, Sequence[str]], n: int = 1,
                        generator=None, seed: int | None = None):
    """Replace up to ``n`` distinct words that have synonyms with a random synonym.

    Args:
        text: a sentence or a list of tokens.
        synonyms: ``word -> list of synonyms`` (your own dictionary; matching is exact,
            so lower-case the text and the keys alike if you want case-insensitivity).
        n: how many different words to replace at most (every occurrence of a chosen
            word is replaced by the same synonym).
    """
    _check_count("synonym_replacement", n)
    if not isinstance(synonyms, Mapping):
        raise TypeError(f"synonym_replacement: synonyms must be a dict word -> list of "
                        f"words, got {type(synonyms).__name__}")
    words, was_string = _tokens("synonym_replacement", text)
    rng = rng_for(generator, seed)
    candidates = sorted({w for w in words if synonyms.get(w)})
    chosen = [candidates[i] for i in rng.permutation(len(candidates))[:n]]
    for word in chosen:
        options = [s for s in synonyms[word] if s != word] or [word]
        pick = options[int(rng.integers(len(options)))]
        words = [pick if w == word else w for w in words]
    return _join(words, was_string)


def random_insertion(text, synonyms: Mapping[str, Sequence[str]], n: int = 1,
                     generator=None, seed: int | None = None):
    """Insert a synonym of a random word (one that has synonyms) at a random position,
    ``n`` times; the text is unchanged when no word has a synonym."""
    _check_count("random_insertion", n)
    words, was_string = _tokens("random_insertion", text)
    rng = rng_for(generator, seed)
    for _ in range(n):
        candidates = [w for w in words if synonyms.get(w)]
        if not candidates:
            break
        word = candidates[int(rng.integers(len(candidates)))]
        options = list(synonyms[word])
        words.insert(int(rng.integers(len(words) + 1)), options[int(rng.integers(len(options)))])
    return _join(words, was_string)

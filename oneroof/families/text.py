"""Text normalisation for search: Polish diacritics folded so that "Zolc" finds "Żółć"."""

from __future__ import annotations

import unicodedata

# NFKD leaves "ł" alone (it is a letter, not l + a combining mark), so it is folded by hand.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l"})


def search_key(*parts: str) -> str:
    """Lower-case, diacritic-free, single-spaced concatenation of ``parts``."""
    text = " ".join(part for part in parts if part).translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(folded.lower().split())


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())

"""Plan keys: a province's plan for a year is known as ``bac-giang-2022``."""

from __future__ import annotations

import unicodedata


def slug(text: str) -> str:
    """A text as a plan key's words: lower case, without diacritics, words joined by hyphens
    ("Bắc Giang" -> "bac-giang")."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in plain).split())


def plan_key(province: str, year: int) -> str:
    """The key of a province's plan for a year."""
    return f"{slug(province)}-{year}"

"""The base of every rule-file model: frozen, unknown fields forbidden."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema


class RuleModel(BaseModel):
    """A value read from a rule file. Immutable; a misspelt field is an error, never ignored."""

    # A model's validator is built when it first validates: a plan read back from a cache, or a
    # command that reads no rule file, never builds one.
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


_AMBIGUOUS_TEXT = re.compile(r"\s*([+-]?\d{1,3})\.(\d{3})\s*")


def _unambiguous(value: Any, info: ValidationInfo) -> Any:
    """Refuse a number written with exactly three digits after a single dot (``10.788``, or quoted,
    ``"3.281"``): in Vietnamese that is ten thousand seven hundred eighty-eight, not about ten."""
    if isinstance(value, str):
        # A text read from a rule file (a JSON dump of a model reads back in "json" mode: its texts
        # are the exact decimals the model held).
        found = _AMBIGUOUS_TEXT.fullmatch(value) if info.mode == "python" else None
        if found:
            whole, text = found[1] + found[2], f"{found[1]}.{found[2]}"
            raise ValueError(
                f"'{value}' is ambiguous: {whole} in Vietnamese format or {text} as a plain decimal; "
                f"write {whole}, or {text}0 for the decimal"
            )
        return value
    if not isinstance(value, float):
        return value
    # Only a float read from a rule file keeps how it was written; one made in code is no text.
    width, dot = getattr(value, "_width", None), getattr(value, "_prec", None)  # as YAML wrote it
    text = repr(value)
    if (
        isinstance(width, int)
        and isinstance(dot, int)
        and "e" not in text.lower()
        and width - dot - 1 == 3
        and 1 <= len(text.split(".")[0].lstrip("+-")) <= 3
    ):
        whole = text.replace(".", "")
        raise ValueError(
            f"{text} is ambiguous: {whole} in Vietnamese format or {text} as a plain decimal; "
            f"write {whole}, or {text}0 for the decimal"
        )
    return value


# Digits kept while a number is converted or rounded: more than any figure or rule-file value has
# (30), so that no conversion loses a digit and no rounding runs out of the default context's 28.
PRECISION = 80

# Numbers are read exactly (7088.973 stays 7088.973); the schema tells editors to expect a number.
# A number such as 10.788 is refused as ambiguous; at most 30 digits, as a figure (both stores keep
# that many exactly); never infinite or NaN.
MAX_DIGITS = 30
# The limits come before the validator so that pydantic-core checks them itself, not in Python.
Number = Annotated[
    Decimal,
    Field(max_digits=MAX_DIGITS, allow_inf_nan=False),
    BeforeValidator(_unambiguous),
    WithJsonSchema({"type": "number"}),
]

"""The base of every rule-file model: frozen, unknown fields forbidden."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema


class RuleModel(BaseModel):
    """A value read from a rule file. Immutable; a misspelt field is an error, never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# Digits kept while a number is converted or rounded: more than any figure or rule-file value has
# (30), so that no conversion loses a digit and no rounding runs out of the default context's 28.
PRECISION = 80

# Numbers are read exactly (7088.973 stays 7088.973); the schema tells editors to expect a number.
# At most 30 digits, as a figure (both stores keep that many exactly); never infinite or NaN.
MAX_DIGITS = 30
Number = Annotated[Decimal, Field(max_digits=MAX_DIGITS, allow_inf_nan=False), WithJsonSchema({"type": "number"})]

"""The base of every rule-file model: frozen, unknown fields forbidden."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema


class RuleModel(BaseModel):
    """A value read from a rule file. Immutable; a misspelt field is an error, never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# Numbers are read exactly (7088.973 stays 7088.973); the schema tells editors to expect a number.
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]

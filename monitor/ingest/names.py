"""Targets and parts by the names clerks know: an id, the source's numbering, a Vietnamese name.

A row may name its target by id (``budget-revenue``), by the source's numbering (``(5)``,
``V.4``) or by its name as the plan writes it (``Thu ngân sách nhà nước trên địa bàn``), and a
breakdown part by its name (``Vốn ODA``). Names are compared after `normal`: Unicode NFC, case,
runs of blanks, and the old and new places of a tone mark (``hoà`` and ``hòa``, ``thuỷ`` and
``thủy``). A numbering or a name shared by several targets is refused with their ids. The index
is built once per file.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from rules import Plan, Target

# A tone mark on the first vowel of a closing "oa", "oe", "uy" (the newer spelling, "hòa"),
# moved to the second (the older, "hoà"), so both spellings compare equal.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
NEAR = 0.1  # how much less close than the closest a suggestion may be
_NEW_TONE_PLACE = re.compile(rf"([oO])([{_TONES}])([aAeE])(?!\w)|([uU])([{_TONES}])([yY])(?!\w)")


def _old_place(match: re.Match[str]) -> str:
    first, tone, second = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    return f"{first}{second}{tone}"


def normal(text: str) -> str:
    """`text` as names are compared: lower case, single blanks, one spelling of each letter."""
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()).casefold())
    return unicodedata.normalize("NFC", _NEW_TONE_PLACE.sub(_old_place, decomposed))


@dataclass(frozen=True)
class Several:
    """A numbering or name that several targets share."""

    ids: tuple[str, ...]


class TargetNames:
    """Every way a row may name a target of `plan`, normalised."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        found: dict[str, list[str]] = {}
        for target in plan.targets.values():
            for name in _names_of(target):
                ids = found.setdefault(normal(name), [])
                if target.id not in ids:
                    ids.append(target.id)
        for ident in plan.targets:  # an id is an id, whatever else shares its text
            found[ident] = [ident]
        self._found = found
        self._names = {normal(t.name): t.id for t in plan.targets.values()}

    def find(self, cell: str) -> Target | Several | None:
        """The target `cell` names; `Several` when more than one answers to it; None for none."""
        ids = self._found.get(normal(cell))
        if not ids:
            return None
        if len(ids) > 1:
            return Several(tuple(ids))
        return self.plan.targets[ids[0]]

    def closest(self, cell: str, n: int = 3) -> list[str]:
        """The ids of the targets whose id or name is closest to `cell`, closest first."""
        text = normal(cell)
        candidates = {ident: ident for ident in self.plan.targets} | self._names
        close = difflib.get_close_matches(text, list(candidates), n=n)
        if not close:
            return []
        # Those about as close as the closest: a near miss of one id does not list its neighbours.
        best = difflib.SequenceMatcher(None, text, close[0]).ratio()
        near = [c for c in close if difflib.SequenceMatcher(None, text, c).ratio() >= best - NEAR]
        return list(dict.fromkeys(candidates[c] for c in near))


def _names_of(target: Target) -> list[str]:
    return [target.name, target.label, f"{target.section}.{target.number}"]  # "(5)" or "III.5", "V.4"


def listed_ids(ids: list[str] | tuple[str, ...], conjunction: str = "or") -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'`` (``'a' hoặc 'b'`` with the conjunction "hoặc")."""
    quoted = [f"'{i}'" for i in ids]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"

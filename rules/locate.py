"""Finding the line and column of a field in a parsed YAML document.

The loader's mappings and sequences remember where each key and item stood: those of
`rules.yamltree` and those of ruamel.yaml's round-trip loader alike (the same `lc` interface).
A path such as ``("targets", 3, "trajectory", "points", 0, "date")``
is followed through that tree as far as it goes; parts that name no key (a union's tag inserted by
pydantic, a field that is missing) are kept for the message but do not move the position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from rules.yamltree import Map, Seq

PathPart = str | int
MAPPINGS = (CommentedMap, Map)  # a YAML mapping, with the positions of its keys and values
SEQUENCES = (CommentedSeq, Seq)  # a YAML sequence, with the positions of its items


@dataclass(frozen=True)
class Location:
    line: int  # 1-based
    column: int  # 1-based
    field: str  # the path as a reader writes it: trajectory.points[0].date


def locate(node: Any, path: Sequence[PathPart], *, at_value: bool = True) -> Location:
    """Position of `path` inside `node`; the value's position when `at_value`, else the key's."""
    line, col = _position_of(node)
    shown: list[PathPart] = []
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, MAPPINGS) and part in node:
            line, col = node.lc.value(part) if at_value and last else node.lc.key(part)
            node = node[part]
            shown.append(part)
        elif isinstance(node, SEQUENCES) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.lc.item(part)
            node = node[part]
            shown.append(part)
        elif last:
            shown.append(part)  # a missing field: name it, point at its would-be parent
    return Location(line + 1, col + 1, render_path(shown))


def render_path(path: Sequence[PathPart]) -> str:
    """``("points", 0, "date")`` as ``points[0].date``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _position_of(node: Any) -> tuple[int, int]:
    if isinstance(node, MAPPINGS + SEQUENCES):
        return node.lc.line, node.lc.col
    return 0, 0

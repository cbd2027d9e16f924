"""Reading a rule file's YAML quickly, with the line and column of every key and item.

libyaml (through PyYAML's C parser) builds the node tree; this module turns it into plain dicts and
lists that remember where each key, value and item stood (`Map`, `Seq`), typing each scalar as
ruamel.yaml's round-trip loader does for YAML 1.2 (the loader's reference, see `rules.loader`): the
same ints, floats that keep how they were written (ruamel's `ScalarFloat`), dates, booleans and
nulls. An alias is the object of its anchor, as in ruamel.yaml. A document this module does not
type exactly as ruamel would (tags, merge keys, directives, empty values, times of day, numbers in octal, hex or
with underscores, duplicate keys, a syntax error) is `Unsupported`: the loader then reads it with
ruamel.yaml itself, so its values and messages are those of the reference in every case.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from yaml import YAMLError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from rules.collection import no_collection

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml: every file is read by ruamel.yaml
    CParser = None  # type: ignore[assignment,misc]


class Unsupported(Exception):  # noqa: N818 (not an error: a way round)
    """The document holds something only ruamel.yaml reads exactly as the loader expects."""


class BadDate(str):
    """The text of a date no calendar has (2022-13-30), kept in place of the date: its problem is
    reported once, where it stands, and the rest of the file is still read and checked."""

    __slots__ = ()


class Map(dict[Any, Any]):
    """A YAML mapping, with where its keys and values stood (0-based, as ruamel.yaml's `lc`)."""

    __slots__ = ("at", "col", "line")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.at: list[int] = []  # key line, key column, value line, value column: per key, in order

    @property
    def lc(self) -> Positions:
        return Positions(self)


class Seq(list[Any]):
    """A YAML sequence, with where its items stood."""

    __slots__ = ("at", "col", "line")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.at: list[int] = []  # item line, item column: per item

    @property
    def lc(self) -> Positions:
        return Positions(self)


class Positions:
    """ruamel.yaml's `lc` interface over a `Map` or `Seq`: `line`, `col`, `key()`, `value()`, `item()`."""

    __slots__ = ("node",)

    def __init__(self, node: Map | Seq) -> None:
        self.node = node

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def col(self) -> int:
        return self.node.col

    def key(self, key: Any) -> tuple[int, int]:
        n = 4 * list(self.node).index(key)
        return self.node.at[n], self.node.at[n + 1]

    def value(self, key: Any) -> tuple[int, int]:
        n = 4 * list(self.node).index(key)
        return self.node.at[n + 2], self.node.at[n + 3]

    def item(self, index: int) -> tuple[int, int]:
        return self.node.at[2 * index], self.node.at[2 * index + 1]


_NOT_SEEN = object()
_PLAIN = "tag:plan-monitor:plain"  # what the parser is told of a scalar without a tag
_EXPLICIT = "tag:plan-monitor:explicit"  # a non-specific tag ("!"): left to ruamel.yaml

if CParser is not None:

    class _Parser(CParser):
        """libyaml's parser and composer, leaving every untagged scalar to `_scalar`."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return _PLAIN if kind is not ScalarNode or implicit[0] or implicit[1] else _EXPLICIT

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass  # no path-dependent types

        def ascend_resolver(self) -> None:
            pass


# ruamel.yaml's YAML 1.2 implicit types, by the characters they may start with.
_TYPED = re.compile(
    r"""(?x)
    [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?   # floats
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+   # ints
    |<<|=|~                                                              # merge, value, null
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]                         # dates
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]
     (?:\.[0-9]*)?(?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?      # times of day
    """
)
_INT = re.compile(r"[-+]?[1-9][0-9]*")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STARTS_TYPED = frozenset("-+0123456789.<=~")
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("null", "Null", "NULL"), None),
}
_LINE_BREAKS_1_1 = ("\x85", "\u2028", "\u2029")  # line breaks to libyaml, not to YAML 1.2


def read_tree(text: str) -> tuple[Any, list[tuple[int, int, str]]]:
    """The document in `text` as `Map`, `Seq` and scalars, and its impossible dates (1-based line,
    column, message); `Unsupported` when only ruamel.yaml reads it exactly."""
    if CParser is None or text.lstrip("\ufeff").startswith("%") or any(c in text for c in _LINE_BREAKS_1_1):
        raise Unsupported
    builder = _Builder()
    with no_collection():
        parser = _Parser(text)
        try:
            node = parser.get_single_node()
        except YAMLError as exc:
            raise Unsupported from exc
        finally:
            parser.dispose()
        return (None if node is None else builder.build(node)), builder.bad_dates


class _Builder:
    def __init__(self) -> None:
        self.bad_dates: list[tuple[int, int, str]] = []
        self.plain: dict[str, Any] = {}  # plain scalars met, typed: immutable, so shared
        self.built: dict[int, Any] = {}  # containers by their node: an alias is the anchor's object

    def build(self, node: Any) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            return self.scalar(node)
        if node.tag is not _PLAIN:
            raise Unsupported
        shared = self.built.get(id(node))
        if shared is not None:
            return shared  # an alias: the same object, as ruamel.yaml makes it
        mark = node.start_mark
        build = self.build
        if kind is MappingNode:
            out = self.built[id(node)] = Map(mark.line, mark.column)
            at = out.at
            for key_node, value_node in node.value:
                if key_node.__class__ is not ScalarNode:
                    raise Unsupported  # a complex key
                key = self.scalar(key_node)
                km, vm = key_node.start_mark, value_node.start_mark
                out[key] = build(value_node)
                at += (km.line, km.column, vm.line, vm.column)
            if len(out) * 4 != len(at):
                raise Unsupported  # a duplicate key: ruamel.yaml words the problem
            return out
        if kind is SequenceNode:
            items = self.built[id(node)] = Seq(mark.line, mark.column)
            where = items.at
            for item in node.value:
                m = item.start_mark
                items.append(build(item))
                where += (m.line, m.column)
            return items
        raise Unsupported

    def scalar(self, node: Any) -> Any:
        value: str = node.value
        style = node.style
        if node.tag is not _PLAIN:
            raise Unsupported
        if not style:
            typed = self.plain.get(value, _NOT_SEEN)
            if typed is not _NOT_SEEN:
                return typed
            typed = self.plain[value] = self.typed(node)
            if typed.__class__ is BadDate:
                del self.plain[value]  # each is reported where it stands
            return typed
        if style == "|":
            return LiteralScalarString(value)
        if style == ">":
            return FoldedScalarString(value)  # libyaml has folded it already, as ruamel.yaml does
        return value

    def typed(self, node: Any) -> Any:
        """A plain scalar, typed as ruamel.yaml types it."""
        value: str = node.value
        if not value:
            raise Unsupported  # an empty value: ruamel.yaml places it at the next token, libyaml does not
        if value[0] not in _STARTS_TYPED:
            word = _WORDS.get(value, value)
            return value if word is value else word
        if not _TYPED.fullmatch(value):
            return value
        if _INT.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # more digits than Python converts: ruamel.yaml's constructor says where
                raise Unsupported from None
        if value == "0":
            return ScalarInt(0, width=1)  # as ruamel.yaml reads a zero: an int that keeps its width
        if value == "~":
            return None
        if _FLOAT.fullmatch(value):
            return _float(value)
        if _DATE.fullmatch(value):
            return self.date(node)
        raise Unsupported

    def date(self, node: Any) -> Any:
        value = node.value
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError as exc:
            mark = node.start_mark
            found = f"invalid date {value!r} ({exc}); expected YYYY-MM-DD"
            self.bad_dates.append((mark.line + 1, mark.column + 1, found))
            return BadDate(value)


def _float(text: str) -> ScalarFloat:
    """A float as ruamel.yaml's round-trip loader makes it: it remembers its width and its dot."""
    sign, digits, m_sign = 1, text, ""
    if text[0] in "+-":
        sign, m_sign, digits = (-1 if text[0] == "-" else 1), text[0], text[1:]
    lead0 = 0
    for c in text:
        if c not in "0.":
            break
        lead0 += c == "0"
    made: ScalarFloat = ScalarFloat(
        sign * float(digits), width=len(text), prec=text.find("."), m_sign=m_sign or False, m_lead0=lead0, anchor=None
    )
    return made

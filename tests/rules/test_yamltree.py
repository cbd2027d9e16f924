"""The quick YAML reader gives what ruamel.yaml's round-trip loader gives: the same values of the
same types, at the same lines and columns; or it leaves the document to ruamel.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from rules.loader import _read_round_trip, read_rule_yaml
from rules.yamltree import Map, Seq, Unsupported, read_tree
from tests.conftest import ROOT

RULE_FILES = sorted(
    p.relative_to(ROOT) for folder in ("targets", "tests/rules/bad") for p in (ROOT / folder).rglob("*.yaml")
)
EDGES = {
    "numbers": "a: 0\nb: 12\nc: -3\nd: 7088.973\ne: +1.50\nf: 0.25\ng: 10.\nh: '12'\ni: 00.5\n",
    "words": "a: true\nb: False\nc: NULL\nd: ~\ne: ''\nf: yes\ng: 'null'\nh: no\ni: Nam\n",
    "dates": "a: 2022-07-31\nb: 2022-13-30\nc: 2022-7-31\nd: [2022-02-30, 2022-02-30]\n",
    "strings": 'a: |\n  line\n  two\nb: >\n  folded\n  text\nc: "quoted"\nd: plain text, no\n',
    "flow": "a: {b: 1, c: [x, {d: e}]}\nlist:\n  - one\n  - [ ]\n  - {k: v}\n",
    "aliases": "a: &x {b: 1, c: [2, 3]}\nd: *x\ne: [*x, *x]\n",
    "unicode": "tên: Giải ngân vốn đầu tư công\nđơn vị: {ký hiệu: tỷ đồng, giá trị: 7088.973}\n",
}
LEFT_TO_RUAMEL = {
    "tags": "a: !!str 12\n",
    "merge": "a: &x {b: 1}\nc:\n  <<: *x\n",
    "octal": "a: 0o17\n",
    "underscores": "a: 1_000\n",
    "infinity": "a: .inf\n",
    "exponent": "a: 1e3\n",
    "time": "a: 2022-07-31 10:00:00\n",
    "duplicate": "a: 1\na: 2\n",
    "directive": "%YAML 1.2\n---\na: 1\n",
    "syntax": "a: [1, 2\n",
    "empty value": "a:\nb: 1\n",
    "complex key": "? [a, b]\n: c\n",
    "two documents": "a: 1\n---\nb: 2\n",
}


def _same(quick: Any, reference: Any, where: list[Any]) -> None:
    if isinstance(reference, CommentedMap):
        assert isinstance(quick, Map), where
        assert list(quick) == list(reference), where
        assert (quick.lc.line, quick.lc.col) == (reference.lc.line, reference.lc.col), where
        for key in reference:
            assert quick.lc.key(key) == tuple(reference.lc.key(key)), [*where, key]
            assert quick.lc.value(key) == tuple(reference.lc.value(key)), [*where, key]
            _same(quick[key], reference[key], [*where, key])
    elif isinstance(reference, CommentedSeq):
        assert isinstance(quick, Seq), where
        assert len(quick) == len(reference), where
        for index, item in enumerate(reference):
            assert quick.lc.item(index) == tuple(reference.lc.item(index)), [*where, index]
            _same(quick[index], item, [*where, index])
    else:
        assert type(quick) is type(reference), (where, quick, reference)
        assert quick == reference, where
        for written in ("_width", "_prec", "_m_sign", "_m_lead0"):  # how a float was written
            assert getattr(quick, written, None) == getattr(reference, written, None), (where, written)


def _compare(text: str, tmp_path: Path) -> None:
    quick, bad_dates = read_tree(text)
    reference, problems = _read_round_trip(tmp_path / "f.yaml", text)
    _same(quick, reference, [])
    assert bad_dates == [(p.line, p.column, p.message) for p in problems]


@pytest.mark.parametrize("name", sorted(EDGES))
def test_the_quick_reader_reads_as_ruamel_does(name: str, tmp_path: Path) -> None:
    _compare(EDGES[name], tmp_path)


@pytest.mark.parametrize("path", RULE_FILES, ids=str)
def test_every_rule_file_reads_the_same_or_is_left_to_ruamel(path: Path, tmp_path: Path) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    try:
        _compare(text, tmp_path)
    except Unsupported:
        root, problems = read_rule_yaml(ROOT / path)
        assert root is None or isinstance(root, CommentedMap | CommentedSeq) or problems


@pytest.mark.parametrize("name", sorted(LEFT_TO_RUAMEL))
def test_what_only_ruamel_reads_exactly_is_left_to_it(name: str, tmp_path: Path) -> None:
    with pytest.raises(Unsupported):
        read_tree(LEFT_TO_RUAMEL[name])
    file = tmp_path / "f.yaml"
    file.write_text(LEFT_TO_RUAMEL[name], encoding="utf-8")
    root, problems = read_rule_yaml(file)
    reference, expected = _read_round_trip(file, LEFT_TO_RUAMEL[name])
    assert type(root) is type(reference)
    assert str(root) == str(reference)
    assert problems == expected

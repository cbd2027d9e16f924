"""The plan kept between commands: read back while its files are unchanged, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor import plancache
from rules import RuleSetError, load_plan
from tests.conftest import TARGETS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "targets"
    shutil.copytree(TARGETS, copy, ignore=shutil.ignore_patterns("tests"))
    return copy


def _cache_file(cache: Path) -> Path:
    (found,) = cache.glob("plan-*.pickle")
    return found


def test_an_unchanged_plan_is_read_from_the_cache(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = plancache.load([folder], cache)
    assert first == load_plan([folder])
    kept = _cache_file(cache).stat()
    again = plancache.load([folder], cache)
    assert again == first
    now = _cache_file(cache).stat()
    assert (now.st_ino, now.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)  # read, not written again


def test_an_edit_a_new_file_and_a_removed_one_load_the_files_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    economy = folder / "economy.yaml"
    economy.write_text(economy.read_text(encoding="utf-8").replace("Tốc độ", "Nhịp", 1), encoding="utf-8")
    edited = plancache.load([folder], cache)
    assert edited == load_plan([folder])
    assert any(t.name.startswith("Nhịp") for t in edited.targets.values())
    shutil.copy(folder / "balances.yaml", folder / "zz-extra.yaml")  # the same ids twice: refused
    with pytest.raises(RuleSetError) as cached_error:
        plancache.load([folder], cache)
    with pytest.raises(RuleSetError) as plain_error:
        load_plan([folder])
    assert [str(p) for p in cached_error.value.problems] == [str(p) for p in plain_error.value.problems]
    (folder / "zz-extra.yaml").unlink()
    assert plancache.load([folder], cache) == edited


def test_an_edited_source_document_checks_the_citations_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    document = next((folder / "source").glob("*.txt"))
    document.write_text("\n".join("-" for _ in document.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    with pytest.raises(RuleSetError) as error:
        plancache.load([folder], cache)
    assert any("quote" in str(p) for p in error.value.problems), error.value.problems[:3]


def test_a_damaged_cache_is_passed_over(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = plancache.load([folder], cache)
    _cache_file(cache).write_bytes(b"not a pickle")
    assert plancache.load([folder], cache) == plan

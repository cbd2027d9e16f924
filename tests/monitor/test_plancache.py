"""The plan kept between commands: read back while its files are unchanged, never stale."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest
from pydantic import ValidationError

import rules
from monitor import plancache
from rules import RuleModel, RuleSetError, load_plan
from tests.conftest import BASE_PLAN, TARGETS, revenue_target


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


def _models(value: object) -> list[RuleModel]:
    """Every rule model in `value` (a plan's targets, departments, header), depth first."""
    found: list[RuleModel] = []
    if isinstance(value, RuleModel):
        found.append(value)
        for field_value in value.__dict__.values():
            found += _models(field_value)
    elif isinstance(value, tuple | list):
        for item in value:
            found += _models(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += _models(item)
    return found


def test_the_plan_read_back_is_model_for_model_the_plan_loaded(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    cached, loaded = plancache.load([folder], cache), load_plan([folder])
    assert type(cached) is type(loaded)
    pairs = list(zip(_models([cached.info, cached.departments, cached.targets]),
                     _models([loaded.info, loaded.departments, loaded.targets]), strict=True))  # fmt: skip
    assert len(pairs) > 100
    for read, made in pairs:
        assert type(read) is type(made)
        assert read.__dict__ == made.__dict__
        assert [type(v) for v in read.__dict__.values()] == [type(v) for v in made.__dict__.values()]
        assert read.__pydantic_fields_set__ == made.__pydantic_fields_set__
        assert type(read.__pydantic_fields_set__) is set
        assert read.__pydantic_extra__ == made.__pydantic_extra__
        assert read.__pydantic_private__ == made.__pydantic_private__
        assert read.model_dump() == made.model_dump()
    assert (cached.warnings, cached.files, cached.units) == (loaded.warnings, loaded.files, loaded.units)


def test_a_model_read_back_is_a_model_like_any_other(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    plan = plancache.load([folder], cache)
    parts = [p for t in plan.targets.values() for b in t.breakdowns for p in b.parts]
    parts = [p for p in parts if "owner" not in p.model_fields_set]
    assert len(parts) > 1  # parts given the same fields: their sets of given names are one, shared
    before = [set(p.model_fields_set) for p in parts]
    part = parts[0]
    renamed = part.model_copy(update={"owner": "so-tai-chinh"})
    assert renamed.owner == "so-tai-chinh"
    assert "owner" in renamed.model_fields_set
    assert [set(p.model_fields_set) for p in parts] == before
    with pytest.raises(ValidationError):
        part.name = "đổi"  # type: ignore[misc]  # frozen, as validated
    target = next(t for t in plan.targets.values() if t.breakdowns)
    assert type(target).model_validate(target.model_dump()) == target


def _with_a_warning(folder: Path) -> None:
    """The parts of the disbursement target no longer add up: the plan loads, with a warning."""
    rules_file = folder / "disbursement.yaml"
    text = rules_file.read_text(encoding="utf-8")
    assert "        unallocated: 72.3120" in text
    rules_file.write_text(text.replace("        unallocated: 72.3120", "", 1), encoding="utf-8")


def test_an_unchanged_plan_has_the_verdict_its_loading_found(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _with_a_warning(folder)
    assert plancache.verdict([folder], cache) is None  # never loaded
    plan = plancache.load([folder], cache)
    assert plan.warnings
    found = plancache.verdict([folder], cache)
    assert found == plancache.Verdict(
        plan.info.key, plan.info.province, plan.info.year, plan.info.title, len(plan.targets),
        len(plan.departments), len(plan.files), tuple(str(w) for w in plan.warnings),
    )  # fmt: skip
    assert found == plancache.Verdict.of(load_plan([folder]))


def test_a_verdict_is_never_stale(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) is not None
    _with_a_warning(folder)
    assert plancache.verdict([folder], cache) is None  # an edited file
    edited = plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) == plancache.Verdict.of(edited)
    document = next((folder / "source").glob("*.txt"))
    document.write_text(document.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert plancache.verdict([folder], cache) is None  # the source document the quotes were checked in
    plancache.load([folder], cache)
    (found,) = cache.glob("plan-*.verdict.json")
    found.write_text("{not json", encoding="utf-8")
    assert plancache.verdict([folder], cache) is None  # damaged: passed over


def test_a_plan_that_does_not_load_has_no_verdict(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    shutil.copy(folder / "balances.yaml", folder / "zz-extra.yaml")  # the same ids twice: refused
    with pytest.raises(RuleSetError):
        plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) is None


def test_an_edited_further_document_checks_its_citations_again(rule_dir: Callable[..., Path], tmp_path: Path) -> None:
    plan_text = BASE_PLAN.replace(
        "  admin: office",
        "  admin: office\n  document: main.txt\n  documents:\n    - {id: qd-giao-von, path: decision.txt}",
    )
    cited = revenue_target(lines="2", quote="giao 7.088,973 tỷ đồng").replace(
        'source: {lines: "2"', 'source: {document: qd-giao-von, lines: "2"'
    )
    folder = rule_dir(plan=plan_text, targets=cited)
    (folder / "main.txt").write_text("Nghị quyết\nThu ngân sách\n", encoding="utf-8")
    decision = folder / "decision.txt"
    decision.write_text("Quyết định\ngiao 7.088,973 tỷ đồng\n", encoding="utf-8")
    cache = tmp_path / "cache"
    plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) is not None
    decision.write_text("Quyết định\ngiao 7.000 tỷ đồng\n", encoding="utf-8")
    assert plancache.verdict([folder], cache) is None
    with pytest.raises(RuleSetError) as error:
        plancache.load([folder], cache)
    assert any("the quote is not at line 2 of decision.txt" in str(p) for p in error.value.problems)


def test_a_cache_made_by_other_cache_code_is_not_read(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    assert Path(plancache.__file__) in plancache._SOURCES
    code = tmp_path / "planpickle.py"
    code.write_text("# a version\n", encoding="utf-8")
    monkeypatch.setattr(plancache, "_SOURCES", (*plancache._SOURCES, code))
    plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) is not None
    code.write_text("# yet another version\n", encoding="utf-8")
    assert plancache.verdict([folder], cache) is None


@pytest.mark.parametrize("library", plancache._LIBRARIES)
def test_a_cache_made_with_another_version_of_a_library_is_not_read(
    library: str, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    cache = tmp_path / "cache"
    plan = plancache.load([folder], cache)
    assert plancache.verdict([folder], cache) is not None
    upgraded = tmp_path / "site-packages" / f"{library.replace('-', '_')}-99.0.dist-info"
    upgraded.mkdir(parents=True)
    (upgraded / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {library}\nVersion: 99.0\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(upgraded.parent))  # installed ahead of the one the cache was made with
    assert metadata.version(library) == "99.0"
    plancache._versions.cache_clear()  # as a process started after the upgrade finds them
    request.addfinalizer(plancache._versions.cache_clear)
    assert plancache.verdict([folder], cache) is None
    assert plancache.load([folder], cache) == plan  # loaded again, and kept under the new key
    assert plancache.verdict([folder], cache) == plancache.Verdict.of(plan)


def test_a_verdict_that_went_missing_is_written_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = plancache.load([folder], cache)
    (found,) = cache.glob("plan-*.verdict.json")
    found.unlink()
    assert plancache.load([folder], cache) == plan  # from the pickle
    assert plancache.verdict([folder], cache) == plancache.Verdict.of(plan)


def test_a_file_edited_while_the_plan_loads_leaves_nothing_cached(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load = rules.load_plan

    def edited_meanwhile(paths: list[Path]) -> object:
        plan = load(paths)
        _with_a_warning(folder)  # saved by an editor just after it was read
        return plan

    monkeypatch.setattr(rules, "load_plan", edited_meanwhile)
    plancache.load([folder], cache)
    assert not list(cache.glob("plan-*"))
    monkeypatch.undo()
    assert plancache.load([folder], cache).warnings  # read again, as it now is
    assert plancache.verdict([folder], cache) is not None


def test_a_source_document_edited_while_the_plan_loads_is_checked_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    document = next((folder / "source").glob("*.txt"))
    load = rules.load_plan

    def edited_meanwhile(paths: list[Path]) -> object:
        plan = load(paths)  # its citations checked against the document as it was
        document.write_text("\n".join("-" for _ in document.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
        return plan

    monkeypatch.setattr(rules, "load_plan", edited_meanwhile)
    plancache.load([folder], cache)
    monkeypatch.undo()
    assert plancache.verdict([folder], cache) is None  # kept as checked, against the text that is gone
    with pytest.raises(RuleSetError) as error:
        plancache.load([folder], cache)
    assert any("quote" in str(p) for p in error.value.problems), error.value.problems[:3]


def test_a_folder_whose_name_is_not_utf8_is_cached_like_any_other(folder: Path, tmp_path: Path) -> None:
    odd = tmp_path / os.fsdecode(b"k\xe9-ho\xe1ch")
    folder.rename(odd)
    _with_a_warning(odd)
    cache = tmp_path / "cache"
    plan = plancache.load([odd], cache)
    assert plancache.verdict([odd], cache) == plancache.Verdict.of(plan)
    assert plancache.load([odd], cache) == plan

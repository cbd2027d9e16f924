"""Starting a plan: `plan new` from last year's, `init` from nothing, `units`; warnings in `validate`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from ruamel.yaml import YAML

from monitor.cli import cli
from monitor.ingest.batch import Outcome, ingest_file
from monitor.store.figures import figures
from rules import load_plan
from tests.conftest import PLAN, TARGETS, revenue_target


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_shows_warnings_and_passes(rule_dir: Callable[..., Path]) -> None:
    noted = revenue_target().replace('source: {lines: "1", quote: "x"}', 'source: {note: "QĐ bổ sung"}')
    folder = rule_dir(targets=noted)
    code, out, err = _run("validate", str(folder))
    assert code == 0
    assert out.startswith("OK: 1 targets")
    assert out.rstrip().endswith(", 1 warning")
    assert f"{folder / 'targets.yaml'}:11:13: warning: target revenue: source: a note instead of a quote" in err


def test_validate_fails_on_errors_and_shows_the_warnings_too(rule_dir: Callable[..., Path]) -> None:
    noted = revenue_target().replace('source: {lines: "1", quote: "x"}', 'source: {note: "QĐ bổ sung"}')
    folder = rule_dir(targets=noted.replace("owner: finance", "owner: nobody"))
    code, _, err = _run("validate", str(folder))
    assert code == 1
    assert "owner: unknown department 'nobody'" in err
    assert err.rstrip().endswith("1 problem in 1 file (and 1 warning)")


def _typed(value: Decimal) -> float | str:
    """A value as a planner types it: a number, and 72.3120 rather than the ambiguous 72.312."""
    text = format(value.normalize(), "f")
    whole, _, decimals = text.partition(".")
    return f"{text}0" if len(decimals) == 3 and len(whole.lstrip("-")) <= 3 else float(value)


def _fill(folder: Path, previous: Path) -> None:
    """Fill every value `plan new` left empty with last year's, as a planner would with this year's."""
    old = load_plan([previous])
    yaml = YAML(typ="rt")
    for path in folder.glob("*.yaml"):
        root = yaml.load(path.read_text(encoding="utf-8"))
        for target in (root or {}).get("targets") or []:
            before = old.targets[target["id"]]
            for key in ("value", "low", "high"):
                if key in target and target[key] is None:
                    target[key] = _typed(getattr(before, key))
            for part, was in zip(target.get("parts") or [], before.parts, strict=True):
                part["value"] = _typed(was.value)
            for split, was_split in zip(target.get("breakdowns") or [], before.breakdowns, strict=True):
                for part, was_part in zip(split["parts"], was_split.parts, strict=True):
                    if "value" in part:
                        part["value"] = _typed(was_part.value or Decimal(0))
                if was_split.unallocated is not None:
                    split["unallocated"] = _typed(was_split.unallocated)
            scenario = (target.get("trajectory") or {}).get("scenario")
            if scenario:
                for period in scenario:
                    scenario[period] = float(before.trajectory.scenario[period])  # type: ignore[union-attr,index]
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(root, out)


def test_plan_new_rolls_the_shipped_plan_over_and_it_validates_once_filled(tmp_path: Path) -> None:
    previous = tmp_path / "2022"
    shutil.copytree(TARGETS, previous)
    folder = tmp_path / "2023"
    code, out, _ = _run("plan", "new", "--from", str(previous), "--year", "2023", "--to", str(folder))
    assert code == 0, out
    assert (folder / "plan-monitor.schema.json").is_file()
    # The values are empty, and validate names each of them.
    code, _, err = _run("validate", str(folder))
    assert code == 1
    empties = [line for line in err.splitlines() if "still empty" in line]
    assert f"{folder / 'economy.yaml'}:" in err
    assert any("target budget-revenue: value: still empty" in line for line in empties)
    assert any("public-investment-disbursement: breakdowns[0].parts[0].value: still empty" in line for line in empties)
    assert all("still empty" in line or "warning" in line for line in err.splitlines()[:-1]), err
    assert len(empties) == int(out.split("(")[-1].split()[0])  # as many as `plan new` said
    _fill(folder, previous)
    plan = load_plan([folder])
    old = load_plan([previous])
    assert plan.info.year == 2023
    assert "2023" in plan.info.title
    assert set(plan.departments) == set(old.departments)
    assert set(plan.targets) == set(old.targets)
    disbursement, before = plan.targets["public-investment-disbursement"], old.targets["public-investment-disbursement"]
    assert str(disbursement.deadline) == "2024-01-31"
    assert [str(p.date) for p in disbursement.trajectory.points][:2] == ["2023-03-31", "2023-06-30"]  # type: ignore[union-attr]
    assert disbursement.reporting == before.reporting
    assert disbursement.tolerance == before.tolerance
    revenue = plan.targets["budget-revenue"]
    assert revenue.baseline is not None
    assert revenue.baseline.value == Decimal(10788)
    # The baseline cites last year's document, and the quote is checked there.
    assert revenue.baseline.cite is not None
    assert revenue.baseline.cite.document == "previous-plan"
    assert revenue.revisions == ()
    assert revenue.source.note
    assert revenue.source.quote is None
    assert len(plan.warnings) == len(plan.targets)  # each target's source is a note until cited


def test_plan_new_refuses_a_wrong_year_or_a_folder_in_use(tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "x.yaml").write_text("targets: []\n", encoding="utf-8")
    code, _, err = _run("plan", "new", "--from", str(TARGETS), "--year", "2023", "--to", str(used))
    assert code == 1
    assert "already exists and is not an empty folder" in err
    code, _, err = _run("plan", "new", "--from", str(TARGETS), "--year", "2025", "--to", str(tmp_path / "n"))
    assert code == 1
    assert "the plan in" in err
    assert "expected --year 2023" in err
    assert not (tmp_path / "n").exists()


def test_init_writes_a_plan_that_validates_without_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "ke-hoach"
    code, out, _ = _run("init", str(folder))
    assert code == 0, out
    plan = load_plan([folder])
    assert plan.warnings == ()
    assert {t.kind.value for t in plan.targets.values()} == {
        "cumulative", "level", "growth_rate", "share", "range", "milestone",
    }  # fmt: skip
    assert len(plan.departments) == 2
    assert plan.info.document == "source/nghi-quyet.txt"  # its quotes were checked against it
    assert "#" in (folder / "targets.yaml").read_text(encoding="utf-8")
    code, _, err = _run("init", str(folder))
    assert code == 1
    assert "already exists" in err


def test_units_lists_built_in_and_declared_units(rule_dir: Callable[..., Path]) -> None:
    units = "units:\n  - {label: tỷ USD, dimension: usd, scale: 1000000000}\n"
    folder = rule_dir(targets=revenue_target(), units=units)
    code, out, _ = _run("units", str(folder))
    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 4}
    assert "the plan" in rows["tỷ USD"]
    assert "1000000000" in rows["tỷ USD"]
    assert "built-in" in rows["tỷ đồng"]
    assert "vnd" in rows["tỷ đồng"]


def test_a_figure_in_a_declared_unit_is_ingested_converted_exactly(
    engine: sa.Engine, rule_dir: Callable[..., Path], tmp_path: Path
) -> None:
    units = "units:\n  - {label: tỷ USD, dimension: usd, scale: 1000000000}\n"
    plan = load_plan([rule_dir(units=units, targets=revenue_target().replace("unit: tỷ đồng", "unit: tỷ USD"))])
    path = tmp_path / "exports.csv"
    path.write_text("target,period,value,unit\nrevenue,2022-06,1234.5678,triệu USD\n", encoding="utf-8")
    report = ingest_file(engine, plan, path)
    assert report.outcome == Outcome.INGESTED, report.summary()
    assert [f.value for f in figures(engine, plan=PLAN)] == [Decimal("1.2345678")]


def test_the_schema_passes_check_jsonschema(tmp_path: Path) -> None:
    tool = Path(sys.executable).with_name("check-jsonschema")
    schema = TARGETS / "plan-monitor.schema.json"
    meta = subprocess.run([tool, "--check-metaschema", schema], capture_output=True, text=True, check=False)
    assert meta.returncode == 0, meta.stdout + meta.stderr
    files = sorted(str(p) for p in TARGETS.glob("*.yaml"))
    shipped = subprocess.run([tool, "--schemafile", schema, *files], capture_output=True, text=True, check=False)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("departments:\n  - {id: x, name: X, email: not-an-address}\n", encoding="utf-8")
    refused = subprocess.run([tool, "--schemafile", schema, bad], capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "not-an-address" in refused.stdout + refused.stderr

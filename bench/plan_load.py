"""Plan loading and start-up benchmark: whole `plan-monitor` processes, as a user runs them.

Run: .venv/bin/python -m bench.plan_load [--provinces 34 --targets 100 --parts 30] [--runs 5]

The plan is the national one of the evaluation benchmark (`bench.national`: 34 rule files of 100
targets, each broken down into 30 investors: 3,400 targets, 105,400 series, 8 MB of YAML).

- cold: `plan-monitor validate DIR` with an empty data folder, so nothing is cached: the files are
  parsed, validated and checked (every citation too), and the plan is written to the cache.
  Baseline: a Python process that reads the same files with PyYAML's C loader
  (`yaml.load(..., Loader=yaml.CSafeLoader)`: libyaml, plain data, no positions, no validation),
  the quickest well-known way to read them at all. Goal: under 2 s. Also shown, with no goal: a
  process that only has libyaml compose each file's node tree (PyYAML's C parser, no tag resolved:
  the nodes with their positions, no values, as the product composes them), the first step of any
  reading that keeps where each key stood, and so what is left of the 2 s for everything after it.
- unchanged: `plan-monitor validate DIR` again with the cache of the cold run: the files are
  hashed (every byte read) and the verdict kept with the plan reported (its 3,400 warnings
  printed), the plan itself not read back. Baseline: a bare interpreter (`python -c pass`). Goal:
  under 0.3 s. Also shown, with no goal: what any other command pays for the unchanged plan, a
  process that reads its 136,000 models back from the cache (`monitor.plancache.load`).
- start-up: `plan-monitor --version` (goal under 0.3 s) and `plan-monitor validate` of the shipped
  plan (cold, goal under 1 s), against the bare interpreter.

Each pair runs in turn (A B A B …) after a warm-up; medians and the median of the pairs' ratios
are printed, with each process's peak memory as the kernel counted it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.national import write_plan
from bench.processes import Command, alternate, line, ratio

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("plan-monitor"))
PYYAML = (
    "import sys, yaml\n"
    "for name in sys.argv[1:]:\n"
    "    yaml.load(open(name, encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)
COMPOSE = (  # libyaml's parser and composer, every tag left unresolved and the collector paused,
    # as `rules.yamltree` runs them
    "import gc, sys\n"
    "gc.disable()\n"
    "from yaml._yaml import CParser\n"
    "class Nodes(CParser):\n"
    "    def resolve(self, kind, value, implicit): return 'tag:yaml.org,2002:str'\n"
    "    def descend_resolver(self, parent, index): pass\n"
    "    def ascend_resolver(self): pass\n"
    "for name in sys.argv[1:]:\n"
    "    Nodes(open(name, encoding='utf-8').read()).get_single_node()\n"
)
READ_BACK = (
    "import sys\n"
    "from pathlib import Path\n"
    "from monitor import plancache\n"
    "plancache.load([Path(sys.argv[1])], Path(sys.argv[2]) / 'cache')\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--parts", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = write_plan(folder / "plan", args.provinces, args.targets, args.parts)
        files = [str(p) for p in sorted(plan.glob("*.yaml"))]
        fresh = folder / "fresh"
        kept = folder / "kept"

        def empty_data_folder(_: int) -> None:
            shutil.rmtree(fresh, ignore_errors=True)

        cold = Command([CLI, "validate", str(plan)], {"PLAN_MONITOR_DATA_DIR": str(fresh)}, empty_data_folder, ROOT)
        bare = Command([sys.executable, "-c", "pass"])
        pyyaml = Command([sys.executable, "-c", PYYAML, *files])
        compose = Command([sys.executable, "-c", COMPOSE, *files])
        results = alternate({"cold": cold, "pyyaml": pyyaml, "compose": compose}, args.runs)
        print(results["cold"][0].output.strip().splitlines()[-1])
        print(line(f"cold: plan-monitor validate, {args.provinces * args.targets:,} targets", results["cold"]))
        print(line("baseline: PyYAML CSafeLoader, the same files", results["pyyaml"]))
        print(f"ratio cold / PyYAML: {ratio(results['cold'], results['pyyaml']):.2f}x (goal: cold under 2 s)")
        print(line("libyaml composing the nodes alone, the same files (no goal)", results["compose"]))

        warm = Command([CLI, "validate", str(plan)], {"PLAN_MONITOR_DATA_DIR": str(kept)})
        read_back = Command([sys.executable, "-c", READ_BACK, str(plan), str(kept)], cwd=ROOT)
        results = alternate({"warm": warm, "read": read_back, "bare": bare}, args.runs)  # warm-up fills the cache
        print(line("unchanged: plan-monitor validate, from the cache", results["warm"]))
        print(line("unchanged: the plan's models read back (no goal)", results["read"]))
        print(line("baseline: python -c pass", results["bare"]))
        print(f"ratio unchanged / bare interpreter: {ratio(results['warm'], results['bare']):.2f}x (goal: under 0.3 s)")

        shipped = Command(
            [CLI, "validate", str(ROOT / "targets")], {"PLAN_MONITOR_DATA_DIR": str(fresh)}, empty_data_folder
        )
        version = Command([CLI, "--version"], {"PLAN_MONITOR_DATA_DIR": str(fresh)})
        results = alternate({"version": version, "shipped": shipped, "bare": bare}, args.runs)
        print(line("plan-monitor --version", results["version"]))
        print(line("plan-monitor validate targets/ (cold)", results["shipped"]))
        print(line("baseline: python -c pass", results["bare"]))
        print(
            f"ratio --version / bare interpreter: {ratio(results['version'], results['bare']):.2f}x (goal: under 0.3 s)"
        )
        print(f"ratio validate / bare interpreter: {ratio(results['shipped'], results['bare']):.2f}x (goal: under 1 s)")


if __name__ == "__main__":
    main()

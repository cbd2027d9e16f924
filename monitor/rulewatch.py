"""The plan in force for a long-running process whose rule files may be edited under it.

The daemon reloads on its own schedule (monitor.jobs); the portal asks `RuleWatch.current()` on
each request, which looks at the files' names, times and sizes at most every few seconds and
takes up a valid edit, keeping the last good plan (and logging why) when an edit is invalid.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from monitor import plancache
from monitor.logs import event
from rules import Plan, RuleSetError, rule_files

RulesStamp = tuple[tuple[str, int, int], ...]


def rules_stamp(paths: Sequence[Path]) -> RulesStamp:
    """The rule files' names, modification times and sizes: a change means an edit."""
    files, _ = rule_files(paths)
    stamps = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        stamps.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def take_up(paths: list[Path], cache_dir: Path | None, kept: Plan) -> tuple[Plan, RuleSetError | None]:
    """The rule files at `paths` after an edit: their plan, or `kept` with the problems when the
    edit is invalid; logged either way."""
    try:
        plan = plancache.load(paths, cache_dir)
    except RuleSetError as problems:
        for problem in problems.problems:
            event("rules.invalid", logging.ERROR, problem=str(problem))
        event("rules.kept", logging.ERROR, targets=len(kept.targets), reason="the edit is invalid")
        return kept, problems
    event("rules.reloaded", targets=len(plan.targets), files=len(plan.files))
    return plan, None


class RuleWatch:
    """The plan loaded from `targets`, looked at again at most every `every` seconds."""

    def __init__(
        self,
        targets: Path,
        plan: Plan,
        *,
        cache_dir: Path | None,
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.targets, self.cache_dir, self.every, self.clock = targets, cache_dir, every, clock
        self._plan, self._stamp, self._looked = plan, rules_stamp([targets]), clock()
        self._lock = threading.Lock()

    def current(self) -> Plan:
        """The plan in force: the files' latest valid edit."""
        with self._lock:
            if self.clock() - self._looked >= self.every:
                self._look()
            return self._plan

    def _look(self) -> None:
        self._looked = self.clock()
        stamp = rules_stamp([self.targets])
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self._plan, _ = take_up([self.targets], self.cache_dir, self._plan)

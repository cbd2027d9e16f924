"""The rule models' defaults that the code makes itself (a target's trajectory and tolerance when
its rule file names none) are what validating them would make; importing the rules validates
nothing, so builds no model's validator (each is built when it first validates)."""

from __future__ import annotations

import subprocess
import sys

from rules import judging
from rules import target as declared
from tests.conftest import ROOT


def test_the_defaults_made_in_code_are_as_validation_makes_them() -> None:
    made = [*declared._DEFAULT_TRAJECTORY.values(), *declared._DEFAULT_TOLERANCE.values(), judging._LINEAR]
    for default in made:
        validated = type(default).model_validate(default.model_dump(exclude_unset=True))
        assert validated == default
        assert validated.__dict__ == default.__dict__
        assert validated.model_fields_set == default.model_fields_set
        assert (validated.__pydantic_extra__, validated.__pydantic_private__) == (None, None)
        assert (default.__pydantic_extra__, default.__pydantic_private__) == (None, None)


def test_importing_the_rules_builds_no_validator() -> None:
    probe = (
        "import rules\n"
        "def every(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from every(sub)\n"
        "print(sorted(c.__name__ for c in every(rules.RuleModel) if c.__pydantic_complete__))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

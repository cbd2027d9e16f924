"""Evaluation's observations read in batches are exactly the stored current figures."""

from __future__ import annotations

from pathlib import Path

from monitor.store.database import create_engine
from monitor.store.figures import as_observations, figures, observations
from tests.conftest import PLAN


def test_the_observations_are_the_current_figures_in_their_order(ingested_data: Path) -> None:
    engine = create_engine(f"sqlite:///{ingested_data / 'plan-monitor.db'}")
    read = observations(engine, plan=PLAN)
    assert sum(map(len, read.values())) > 50
    assert read == as_observations(figures(engine, plan=PLAN))
    assert any(o.status == "estimate" for known in read.values() for o in known)

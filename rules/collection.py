"""Building objects that are all kept, without the garbage collector walking them meanwhile, nor
after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection() -> Iterator[None]:
    """No garbage collection meanwhile: a plan is 100,000s of objects, all kept, which the
    collector would only walk again and again while they are made (or written). Then they go
    straight into the collector's oldest generation: the young collections that follow would
    otherwise each walk every one of them before letting them age."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()

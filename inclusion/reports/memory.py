"""The cyclic garbage collector, tuned for a service that builds large answers.

CPython runs its youngest-generation collection every 700 new container objects, and a full collection
whenever the objects that survived since the last one reach a quarter of the old ones. A national outcomes
report builds about 1.5 million cells (a dict each) and the lists that suppression needs: with the default
threshold, collections scanned those cells again and again, for 1.2 s of the report's 7.4 s (publishing its
tables: 1.8 s, 0.6 s with the collector off; bench/outcomes.py). Nothing here frees memory by cycles in bulk:
freed objects go by reference count, so collecting young objects less often only keeps a few thousand more
alive between collections.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""New container objects between youngest-generation collections (CPython's default: 700). 10,000 takes
publishing back to 0.69 s; 50,000 or 100,000 gain nothing more there."""


def tune_collector() -> None:
    """Collect young objects every YOUNG_THRESHOLD allocations; the older generations keep their ratios."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)

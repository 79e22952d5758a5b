"""A serving process's garbage collection, prepared once it is built."""

from __future__ import annotations

import gc

# Net allocations of container objects between two collections of the young generation
# (Python's default: 700). A GraphQL screen builds some 10,000 to 15,000 objects that live
# until its answer is sent; at 700 each screen set off about 16 young, 1.5 middle and 0.14
# full collections walking them, 3 to 4 ms of its 20 to 35 ms of CPU. At 20,000 a screen
# sets off 0.02 young collections, 0.1 to 0.2 ms (benchmarks/README.md); a small request
# pays what it did within the measurements' spread, and the young generation holds at
# most this many objects more.
YOUNG_COLLECTION_THRESHOLD = 20_000


def prepare_garbage_collection() -> None:
    """Takes what a built app holds for its whole life (modules, the schema, the routes: some
    270,000 objects) out of the garbage collector's generations, and collects the young
    generation less often. A request that allocates much (an organization's metrics
    summary, a GraphQL screen) would otherwise set off collections that walk its objects in
    flight and all of the app again: about 130 ms of CPU per summary at 10,000 pairs, a third
    of a screen's CPU without the freeze, a tenth with it at the default threshold
    (benchmarks/README.md). The start-up's own garbage is collected first, so that none of
    it is kept for good."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, oldest)

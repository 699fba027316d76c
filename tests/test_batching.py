"""Group commit (`inclusion.storage.batching`): what arrives during a run goes together in the next one."""

import asyncio

import pytest

from inclusion.storage.batching import Batcher


async def test_items_arriving_while_a_batch_runs_share_the_next_one():
    """The first item runs alone at once; the ones sent meanwhile run together next, each getting its own result."""
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[object]:
        batches.append(items)
        await asyncio.sleep(0.01)
        return [item * 10 for item in items]

    batcher: Batcher[int, int] = Batcher(run)
    first = asyncio.ensure_future(batcher.submit(0))
    await asyncio.sleep(0.001)  # the drain has taken item 0 and is running it
    results = await asyncio.gather(first, *[batcher.submit(item) for item in range(1, 6)])
    assert results == [0, 10, 20, 30, 40, 50]
    assert batches == [[0], [1, 2, 3, 4, 5]]


async def test_each_item_gets_its_own_failure():
    """An item whose outcome is an error raises it; the others of its batch still get their results."""

    async def run(items: list[int]) -> list[object]:
        return [ValueError(f"refusé {item}") if item == 2 else item for item in items]

    batcher: Batcher[int, int] = Batcher(run)
    results = await asyncio.gather(*[batcher.submit(item) for item in range(4)], return_exceptions=True)
    assert results[:2] == [0, 1] and results[3] == 3
    assert isinstance(results[2], ValueError) and str(results[2]) == "refusé 2"


async def test_a_run_that_fails_as_a_whole_fails_every_item_of_its_batch_only():
    """A run that raises gives its error to each item of that batch; the next batch runs normally."""
    calls = 0

    async def run(items: list[int]) -> list[object]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 2:
            raise RuntimeError("base indisponible")
        return items

    batcher: Batcher[int, int] = Batcher(run)
    alone = asyncio.ensure_future(batcher.submit(0))
    await asyncio.sleep(0.001)
    first = await asyncio.gather(alone, *[batcher.submit(item) for item in (1, 2)], return_exceptions=True)
    assert first[0] == 0 and all(isinstance(r, RuntimeError) for r in first[1:])
    assert await batcher.submit(7) == 7


async def test_batches_hold_at_most_the_limit():
    """Items beyond `most` wait for the following batch."""
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[object]:
        batches.append(items)
        await asyncio.sleep(0)
        return items

    batcher: Batcher[int, int] = Batcher(run, most=2)
    await asyncio.gather(*[batcher.submit(item) for item in range(5)])
    assert batches == [[0, 1], [2, 3], [4]]


async def test_a_cancelled_drain_leaves_nobody_waiting():
    """If the loop cancels the drain (shutdown), the waiting requests are cancelled rather than left hanging."""
    started = asyncio.Event()

    async def run(items: list[int]) -> list[object]:
        started.set()
        await asyncio.sleep(60)
        return items

    batcher: Batcher[int, int] = Batcher(run)
    first = asyncio.ensure_future(batcher.submit(1))
    await started.wait()
    second = asyncio.ensure_future(batcher.submit(2))
    await asyncio.sleep(0)
    drains = [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "Batcher._drain"]
    assert len(drains) == 1
    drains[0].cancel()
    for waiting in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(waiting, timeout=1)


@pytest.mark.parametrize(("gather_turns", "expected"), [(0, [[0], [1], [2], [3], [4]]), (8, [[0, 1, 2, 3, 4]])])
async def test_a_burst_arriving_over_several_turns_of_the_loop_is_taken_whole(gather_turns, expected):
    """With turns to gather, items sent one per turn of the event loop go in one batch; without, each goes alone."""
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[object]:
        batches.append(items)  # holds the loop, as a write on its own thread does
        return items

    async def send_one_per_turn() -> list[int]:
        sent = []
        for item in range(5):
            sent.append(asyncio.ensure_future(batcher.submit(item)))
            await asyncio.sleep(0)
        return await asyncio.gather(*sent)

    batcher: Batcher[int, int] = Batcher(run, gather_turns=gather_turns)
    assert await send_one_per_turn() == [0, 1, 2, 3, 4]
    assert batches == expected

"""no_grad / enable_grad belong to the context the code runs in (review of issue 26, item 4)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

from autograd import Value, enable_grad, is_grad_enabled, no_grad


def _records() -> bool:
    x = Value(1.0)
    return not (x * 2.0).is_leaf and is_grad_enabled()


def test_one_instance_shared_by_two_threads_with_overlapping_blocks() -> None:
    shared = no_grad()
    inside, overlap, after = threading.Barrier(2), threading.Barrier(2), threading.Barrier(2)
    seen: dict[str, bool] = {}

    def first() -> None:
        with shared:
            inside.wait()
            overlap.wait()
        after.wait()  # both blocks have ended, first's before second's
        seen["first"] = _records()

    def second() -> None:
        inside.wait()
        with shared:
            overlap.wait()
        after.wait()
        seen["second"] = _records()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"first": True, "second": True}


def test_one_instance_shared_by_two_tasks() -> None:
    shared = no_grad()

    async def task(first: bool) -> bool:
        with shared:
            await asyncio.sleep(0.01 if first else 0.02)
            assert not _records()
        return _records()

    async def both() -> list[bool]:
        return list(await asyncio.gather(task(True), task(False)))

    assert asyncio.run(both()) == [True, True]


def test_a_generator_started_in_one_thread_and_finished_in_another() -> None:
    def paused_inside() -> Iterator[bool]:
        with no_grad():
            yield _records()
            yield _records()  # resumed in the other thread: that thread's setting

    gen = paused_inside()
    started, finished = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def starter() -> None:
        seen["first value"] = next(gen)
        seen["starter while paused"] = _records()
        started.set()
        finished.wait()
        seen["starter after"] = _records()  # its block has ended, in the other thread

    def finisher() -> None:
        started.wait()
        seen["second value"] = next(gen)
        for _ in gen:
            pass
        seen["finisher after"] = _records()
        finished.set()

    threads = [threading.Thread(target=starter), threading.Thread(target=finisher)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {
        "first value": False,
        "starter while paused": False,  # its block is still open: Python's with
        "second value": True,
        "finisher after": True,
        "starter after": True,
    }


def test_blocks_closed_out_of_order_and_nested_settings() -> None:
    def hold(mode: no_grad | enable_grad) -> Iterator[None]:
        with mode:
            yield

    outer, inner = hold(no_grad()), hold(no_grad())
    next(outer)
    next(inner)
    outer.close()  # the older block ends first: the newer one still holds
    assert not _records()
    inner.close()
    assert _records()
    with no_grad():
        with enable_grad():
            assert _records()
        assert not _records()
        switched_on = hold(enable_grad())
        next(switched_on)
        assert _records()
    assert _records()
    switched_on.close()  # an enable_grad opened inside the no_grad that has ended
    assert _records()

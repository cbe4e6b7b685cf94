"""Split work into numbered partitions and put results back in input order.

Whatever runs the partitions (a joblib pool for ``--jobs``, a Dask cluster
for ``--scheduler``) finishes them in any order, may lose a worker and run
a partition again. The two halves here make that invisible to the output:

* :func:`partitions` cuts a stream of items into lists of ``size`` items,
  each numbered by its place in the input (0, 1, 2...);
* :func:`in_order` takes ``(number, result)`` pairs as they finish, holds
  the early ones, and yields results strictly by number, each exactly once.
  A number seen twice or out of range, or missing at the end, is an error,
  never a silently repeated or dropped row.

>>> list(in_order([(1, "b"), (0, "a"), (2, "c")], total=3))
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Partition", "PartitionError", "in_order", "partitions"]

T = TypeVar("T")
R = TypeVar("R")


class PartitionError(RuntimeError):
    """A partition result came twice, out of range, or never: a bug or a lost worker, never user data."""


@dataclass(frozen=True)
class Partition(Generic[T]):
    """``items`` of the input, starting at item ``start``; ``number`` is the partition's place in the input."""

    number: int
    start: int
    items: list[T]


def partitions(items: Iterable[T], size: int) -> Iterator[Partition[T]]:
    """Consecutive partitions of at most ``size`` items, read lazily from ``items``."""
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"partition size must be an int >= 1, got {size!r}")
    batch: list[T] = []
    number = start = 0
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield Partition(number, start, batch)
            number, start, batch = number + 1, start + size, []
    if batch:
        yield Partition(number, start, batch)


def in_order(results: Iterable[tuple[int, R]], *, total: int | None = None) -> Iterator[R]:
    """Results of ``(number, result)`` pairs arriving in any order, yielded by number from 0.

    Results that arrive early wait in memory until the ones before them
    come. ``total``, when known, is the number of partitions: a number
    outside ``range(total)`` is an error, and so is any number not seen
    when ``results`` ends. A number seen twice is always an error.
    """
    waiting: dict[int, R] = {}
    seen: set[int] = set()
    following = 0
    for number, result in results:
        if number in seen:
            raise PartitionError(f"partition {number} finished twice")
        if number < 0 or (total is not None and number >= total):
            raise PartitionError(f"partition {number} is out of range (expected 0 to {(total or 0) - 1})")
        seen.add(number)
        waiting[number] = result
        while following in waiting:
            yield waiting.pop(following)
            following += 1
    expected = total if total is not None else max(seen, default=-1) + 1
    missing = sorted(set(range(expected)) - seen)
    if missing:
        raise PartitionError(f"{len(missing)} partition(s) never finished, the first {missing[0]}")

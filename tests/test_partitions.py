"""Partitions in, results back in input order: each exactly once, whatever order they finish in."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectortag._io.partitions import Partition, PartitionError, in_order, partitions


def test_partitions_cut_the_input_in_numbered_pieces():
    got = list(partitions(iter("abcdefg"), 3))
    assert got == [Partition(0, 0, list("abc")), Partition(1, 3, list("def")), Partition(2, 6, ["g"])]
    assert list(partitions([], 3)) == []


@pytest.mark.parametrize("size", [0, -1, 1.5, None])
def test_partition_size_must_be_a_positive_int(size):
    with pytest.raises(ValueError, match="partition size must be an int >= 1"):
        list(partitions([1], size))


@given(st.lists(st.integers(), max_size=60), st.integers(1, 9), st.randoms(use_true_random=False))
def test_any_finishing_order_gives_the_input_back(items, size, rng):
    """The property --jobs and --scheduler rely on: shuffle the results, get the input, once each."""
    parts = list(partitions(items, size))
    finished = [(p.number, p.items) for p in parts]
    rng.shuffle(finished)
    back = [item for chunk in in_order(finished, total=len(parts)) for item in chunk]
    assert back == items


def test_a_partition_finishing_twice_is_an_error():
    with pytest.raises(PartitionError, match="partition 1 finished twice"):
        list(in_order([(1, "b"), (0, "a"), (1, "b")]))


def test_a_missing_partition_is_an_error():
    with pytest.raises(PartitionError, match=r"1 partition\(s\) never finished, the first 1"):
        list(in_order([(0, "a"), (2, "c")], total=3))
    with pytest.raises(PartitionError, match="never finished, the first 1"):
        list(in_order([(2, "c"), (0, "a")]))


def test_a_number_out_of_range_is_an_error():
    with pytest.raises(PartitionError, match="partition 5 is out of range"):
        list(in_order([(5, "x")], total=2))


def test_results_stream_as_soon_as_their_turn_comes():
    seen = []

    def arrivals():
        for number in (0, 2, 1, 3):
            seen.append(number)
            yield number, number

    ordered = in_order(arrivals(), total=4)
    assert next(ordered) == 0 and seen == [0]
    assert next(ordered) == 1 and seen == [0, 2, 1]
    assert list(ordered) == [2, 3]

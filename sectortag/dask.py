"""Tag on a Dask cluster: a Dask DataFrame (:func:`tag`), or files cut into parts (:func:`tag_parts`)
written as a Parquet dataset.

Needs ``pip install "sectortag[dask]"`` (dask, distributed, pandas, pyarrow).

>>> import dask.dataframe as dd, sectortag.dask
>>> frame = dd.read_parquet("paragraphs/*.parquet")          # doctest: +SKIP
>>> tagged = sectortag.dask.tag(frame, text="text")           # doctest: +SKIP
>>> tagged.to_parquet("tagged/")                             # doctest: +SKIP

The model travels as a file path (None: the shipped model, found by each
worker in its own installation), and each worker process loads it once and
keeps it; the tagger is never serialized into the tasks. A model given by
path must be readable at that path on every worker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any

from ._errors import DataError
from ._extras import require
from ._io.frames import tag_frame, tagger_for
from ._io.partitions import in_order
from ._io.parts import Part, PartResult, run_part

__all__ = ["tag", "tag_parts"]


def _model_path(model: Any) -> str | None:
    """The path workers load the model from: None for the shipped model."""
    from ._model.tagger import SectorTagger

    if model is None or isinstance(model, (str, os.PathLike)):
        return None if model is None else os.path.abspath(os.fspath(model))
    if isinstance(model, SectorTagger):
        path = getattr(model, "model_path_", None)
        if path is None:
            raise ValueError("sectortag.dask needs the model as a file so each worker loads it once: "
                             "save it with tagger.save(path) and pass model=path")
        return os.path.abspath(path)
    raise TypeError(f"model must be None, a model file path or a SectorTagger loaded from a file, got {type(model).__name__}")


def tag(frame, *, text: str = "text", model: Any = None, threshold: float | None = None,
        scores: bool = True, split: bool = False):
    """A lazy Dask DataFrame: ``frame`` with the columns of :func:`sectortag.tag_frame` added.

    Each partition is tagged by ``tag_frame`` on a worker, with the same
    arguments; nothing runs until the result is computed or written
    (``.compute()``, ``.to_parquet(...)``). Partitions keep their index and
    order; with ``split=True`` each row becomes one row per paragraph.
    """
    dd = require("dask.dataframe", "sectortag.dask")
    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"sectortag.dask.tag expects a dask.dataframe.DataFrame, got {type(frame).__name__}; "
                        "use sectortag.tag_frame for a pandas DataFrame")
    path = _model_path(model)
    options = {"text": text, "threshold": threshold, "scores": scores, "split": split}
    meta = tag_frame(frame._meta, model=tagger_for(path), **options)
    return frame.map_partitions(tag_frame, model=path, meta=meta, **options)


def _lost(part: Part, error: BaseException) -> DataError:
    name = type(error).__name__
    if name == "KilledWorker":
        return DataError(f"{part.describe()}: its workers died repeatedly while tagging it (out of memory?); "
                         "give the workers more memory or write the file with smaller row groups", path=part.path)
    return DataError(f"{part.describe()}: failed on a worker ({name}: {' '.join(str(error).split())[:200]})",
                     path=part.path)


def tag_parts(client, parts: Sequence[Part], out_dir: str, *, model: Any = None, text: str = "text",
              threshold: float | None = None, encoding: str = "utf-8",
              errors: str = "strict", window: int | None = None,
              on_result: Callable[[PartResult], None] | None = None) -> Iterator[PartResult]:
    """Tag every part on ``client``'s cluster into ``out_dir``; yield the results in part order, each exactly once.

    At most ``window`` parts are queued at a time (default: twice the
    cluster's threads), so early results wait in bounded memory.
    ``on_result`` sees each result as it arrives, in any order (progress).
    A part whose worker dies runs again on another worker (Dask retries
    it); its part file is replaced, not duplicated. The first failing part
    cancels the rest and raises a DataError naming the file and the part.
    """
    distributed = require("distributed", "sectortag.dask")
    options = {"model": _model_path(model), "text": text, "threshold": threshold, "out_dir": out_dir,
               "encoding": encoding, "errors": errors}
    threads = sum(client.nthreads().values()) or 1
    window = window or max(2, 2 * threads)
    token = uuid.uuid4().hex[:12]
    waiting = iter(parts)
    by_number = {part.number: part for part in parts}
    running = distributed.as_completed(loop=client.loop)

    def submit(batch) -> None:
        for part in batch:
            running.add(client.submit(run_part, part, key=f"sectortag-part-{token}-{part.number}", **options))

    def finished() -> Iterator[tuple[int, PartResult]]:
        submit(islice(waiting, window))
        for future in running:
            number = int(future.key.rsplit("-", 1)[1])
            try:
                result = future.result()
            except DataError:
                raise
            except Exception as error:
                raise _lost(by_number[number], error) from None
            submit(islice(waiting, 1))
            if on_result is not None:
                on_result(result)
            yield result.number, result

    try:
        yield from in_order(finished(), total=len(parts))
    finally:
        futures = list(running.futures)
        if futures:
            client.cancel(futures)

"""sectortag: tag paragraphs of diplomatic text by sector.

>>> import sectortag
>>> tagger = sectortag.load()                      # the shipped model
>>> tagger.tag("The two ministers agreed to boost wheat exports.").labels
['trade', 'food_security']

Train on your own labelled paragraphs with :class:`SectorTagger`, save with
``tagger.save(path)`` and reload with ``sectortag.load(path)``. Tag a pandas
DataFrame with :func:`tag_frame`, and a Dask DataFrame with
:func:`sectortag.dask.tag` (both need ``pip install "sectortag[dask]"``).
"""

from __future__ import annotations

import os

from ._io.data import Example, read_examples
from ._io.frames import tag_frame
from ._errors import DataError, ModelFileError, NotFittedError, SectorTagError
from ._labels import SECTORS
from ._eval.metrics import label_scores, multilabel_scorer
from ._io.paragraphs import Paragraph, split_paragraphs
from ._results import Evidence, LabelExplanation, ParagraphTags, SectorProfile, TagResult
from ._model.tagger import SectorTagger
from ._version import __version__

__all__ = [
    "SECTORS",
    "DataError",
    "Evidence",
    "Example",
    "LabelExplanation",
    "ModelFileError",
    "NotFittedError",
    "Paragraph",
    "ParagraphTags",
    "SectorProfile",
    "SectorTagError",
    "SectorTagger",
    "TagResult",
    "__version__",
    "label_scores",
    "load",
    "multilabel_scorer",
    "read_examples",
    "render_html",
    "split_paragraphs",
    "tag_frame",
]


def load(path: str | os.PathLike | None = None) -> SectorTagger:
    """The shipped model when ``path`` is None, else a model saved by ``SectorTagger.save``."""
    from ._model.modelio import shipped_model_path
    from ._model.tagger import load_model

    return load_model(shipped_model_path() if path is None else path)


def __getattr__(name: str):
    # render_html is imported on first use: importing sectortag (and tagging) stays as fast as before
    if name == "render_html":
        from ._io.html import render_html

        return render_html
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""``sectortag train``: fit a tagger on labelled files and save it."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from ._common import UsageError, add_encoding, add_jobs, check_jobs, check_out, read_data, status

__all__ = ["add_parser", "run", "train_params", "train_model"]


def check_options(args: argparse.Namespace) -> None:
    """Usage errors in train's options, and an output folder that does not exist."""
    if args.folds < 2:
        raise UsageError(f"--folds must be 2 or more, got {args.folds}")
    _c_value(args.C)
    check_jobs(args.jobs)
    if args.min_df < 1:
        raise UsageError(f"--min-df must be 1 or more, got {args.min_df}")
    if args.lexicon_weight is not None and not 0 < args.lexicon_weight <= 100:
        raise UsageError(f"--lexicon-weight must be a number above 0 and at most 100, got {args.lexicon_weight}")
    from .._model.schema import NGRAM_MAX

    for option, value in (("--word-ngrams", args.word_ngrams), ("--char-ngrams", args.char_ngrams)):
        if value and not 1 <= value[0] <= value[1] <= NGRAM_MAX:
            raise UsageError(f"{option} needs 1 <= MIN <= MAX <= {NGRAM_MAX}, got {value[0]} {value[1]}")
    check_out(args.out)


def train_params(args: argparse.Namespace) -> dict:
    """``SectorTagger`` parameters from train's options."""
    params = {"C": _c_value(args.C), "loss": args.loss, "threshold_folds": args.folds, "min_df": args.min_df, "n_jobs": args.jobs}
    if args.word_ngrams:
        params["word_ngram_range"] = tuple(args.word_ngrams)
    if args.char_ngrams:
        params["char_ngram_range"] = tuple(args.char_ngrams)
    if args.class_weight:
        params["class_weight"] = args.class_weight
    if args.no_lexicon:
        params["lexicon"] = False
    if args.lexicon_weight is not None:
        params["lexicon_weight"] = args.lexicon_weight
    if args.single_label:
        params["single_label"] = True
    return params


def train_model(examples: Sequence, params: dict, *, progress: Callable[[str], None] | None = None):
    """A ``SectorTagger(**params)`` fitted on ``examples`` (grouped by doc_id when every example has one)."""
    from .._model.tagger import SectorTagger

    groups = [e.doc_id for e in examples] if all(e.doc_id for e in examples) else None
    tagger = SectorTagger(**params)
    return tagger.fit([e.text for e in examples], [e.labels for e in examples], groups=groups, progress=progress)


def run(args: argparse.Namespace) -> int:
    """Train, save and report; the exit code."""
    from .._labels import SECTORS

    check_options(args)
    examples = read_data(args.data, args, None if args.custom_labels else SECTORS)
    started = False

    def progress(message: str) -> None:
        # The first line comes once fit has checked the data, so a data error stays the only line.
        nonlocal started
        if not started:
            mode = "single-label (one label per paragraph)" if args.single_label else "multi-label (zero or more labels per paragraph)"
            status(f"training a {mode} tagger on {len(examples)} examples from {', '.join(args.data)}")
            started = True
        status(message)

    tagger = train_model(examples, train_params(args), progress=progress)
    tagger.save(args.out)
    cv = tagger.training_info_["cv"]["metrics"]
    status(
        f"saved {args.out}: {'single' if args.single_label else 'multi'}-label, {len(tagger.classes_)} labels, cross-validated micro-F1 "
        f"{cv['micro']['f1']:.3f}, macro-F1 {cv['macro']['f1']:.3f}",
        last=True,
    )
    return 0


def add_parser(commands) -> None:
    """Add ``train`` to the subparsers ``commands``."""
    train = commands.add_parser("train", help="train a model on labelled paragraphs",
                                description="Train a model on JSONL (.jsonl, .jsonl.gz) or CSV (text, labels separated by ';').")
    train.add_argument("--data", required=True, action="extend", nargs="+", metavar="FILE", help="training files (several after one --data, or repeat --data)")
    train.add_argument("--out", required=True, metavar="PATH", help="where to write the model file")
    train.add_argument("--custom-labels", action="store_true", help="accept any label names (default: only the seven sectors)")
    train.add_argument("--C", default="auto", metavar="C",
                       help="inverse regularisation strength, or auto: chosen from 0.3, 1, 3 (1, 10, 100 with "
                            "--loss log_loss) by the threshold cross-validation (default: auto)")
    train.add_argument("--loss", choices=("squared_hinge", "log_loss"), default="squared_hinge",
                       help="squared_hinge: linear SVMs with probabilities calibrated on the cross-validation; "
                            "log_loss: logistic regression (default: squared_hinge)")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds for thresholds (default: 5)")
    train.add_argument("--min-df", type=int, default=1, help="keep n-grams seen in at least this many paragraphs (default: 1)")
    train.add_argument("--word-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"), help="word n-gram lengths (default: 1 2)")
    train.add_argument("--char-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"), help="also use character n-grams of these lengths")
    train.add_argument("--class-weight", choices=("balanced",), help="reweight each label's examples by its frequency (default: none)")
    train.add_argument(
        "--single-label", action="store_true",
        help="train a single-label tagger: every paragraph has exactly one label and gets its best label "
        "(default: multi-label, zero or more labels per paragraph, each with its own threshold)",
    )
    train.add_argument("--no-lexicon", action="store_true", help="do not use the sector keyword lexicon as features (e.g. for another taxonomy)")
    train.add_argument("--lexicon-weight", type=float, metavar="W",
                       help="weight of the keyword and cross-lingual concept features against the words (default: 1)")
    add_jobs(train, default=-1, what="fitting (results do not depend on it)")
    add_encoding(train)
    train.set_defaults(handler=run)


def _c_value(text: str) -> float | str:
    """``--C``: a positive finite number, or ``auto`` (any case); a one-line UsageError otherwise."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise UsageError(f"--C must be a positive finite number or auto, got {text}")
    return value

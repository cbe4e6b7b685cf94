"""The linear models of a SectorTagger, for every training set, label and candidate C, on one or more cores.

Each label's model is fitted by liblinear's dual coordinate descent (through
scikit-learn): ``LinearSVC`` for the squared hinge, ``LogisticRegression``
for the log loss; a single-label log-loss tagger gets one softmax regression
(lbfgs, warm-started along the C grid).

liblinear draws its coordinate order from one process-wide random generator,
so threads fitting at the same time would make results depend on timing.
``n_jobs`` therefore forks worker processes that inherit the training
matrices (nothing is copied up front), and each fit seeds the generator:
results are identical for any ``n_jobs``. Workers send back a fold's
out-of-fold decision values, or the final model's coefficients.

Training only: this module imports scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .tagger import _ABSENT_INTERCEPT as ABSENT_INTERCEPT

__all__ = ["Problems", "fit_linear_models"]

# liblinear's own default stopping tolerance for its dual solvers (scikit-learn
# passes 1e-4): its models score the same on the data sets measured, 2-3x faster.
TOL = 0.1


@dataclass
class Problems:
    """What every fit needs: training matrices and targets, and the test matrix of each fold (None: keep the model)."""

    train: list
    truths: list[np.ndarray]
    test: list
    multilabel: bool  # the whole data set's: a fold of multi-label data never gets a softmax
    loss: str
    class_weight: str | None
    random_state: int


_SHARED: Problems | None = None  # the problems forked workers inherit


class fit_linear_models:
    """Fits on ``problems``, in a pool of ``n_jobs`` forked workers (joblib semantics: None is 1, -1 all cores).

    Use as a context manager; the workers live until it exits, so the
    final model is fitted by the same pool as the cross-validation.
    """

    def __init__(self, problems: Problems, n_jobs: int | None):
        from joblib import effective_n_jobs

        self.problems = problems
        self.workers = effective_n_jobs(n_jobs)
        self._pool = None

    def __enter__(self) -> "fit_linear_models":
        global _SHARED
        _SHARED = self.problems
        import multiprocessing

        # without fork (Windows) one process does it all, with the same results
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, *exc) -> None:
        global _SHARED
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        _SHARED = None

    def cross_validate(self, grid: Sequence[float]) -> list[list[np.ndarray]]:
        """``[c_index][fold]``: each fold's test decision values (uncalibrated), for every C of ``grid``."""
        folds = [s for s, test in enumerate(self.problems.test) if test is not None]
        return self._fit(grid, folds)

    def final(self, C: float) -> tuple[list[np.ndarray], np.ndarray]:
        """(coefficient rows, intercepts) of the training set without a test matrix, for ``C`` (uncalibrated, float64).

        Rows, not a matrix: the caller fills its own (float32) matrix, without a
        float64 copy of every label's coefficients at once.
        """
        final = [s for s, test in enumerate(self.problems.test) if test is None]
        return self._fit((C,), final)[0][0]

    def _fit(self, grid: Sequence[float], sets: list[int]) -> list[list]:
        problems = self.problems
        n_labels = problems.truths[0].shape[1]
        softmax = problems.loss == "log_loss" and not problems.multilabel
        if softmax:
            tasks = [(s, -1, tuple(grid)) for s in sets]
        else:
            # one task per (C, set, label); the most frequent labels (the slowest fits) first
            tasks = [(s, j, (C,)) for C in grid for s in sets for j in range(n_labels)]
            tasks.sort(key=lambda task: -int(problems.truths[task[0]][:, task[1]].sum()))
        if self._pool is None or len(tasks) == 1:
            results = dict(zip(tasks, map(_task, tasks)))
        else:
            results = dict(zip(tasks, self._pool.map(_task, tasks, chunksize=1)))
        out = []
        for c_index, C in enumerate(grid):
            row = []
            for s in sets:
                if softmax:
                    result = results[(s, -1, tuple(grid))][c_index]  # decisions, or (coef, intercept)
                    row.append(result if problems.test[s] is not None else (list(result[0]), result[1]))
                    continue
                parts = [results[(s, j, (C,))][0] for j in range(n_labels)]
                if problems.test[s] is not None:
                    row.append(np.column_stack(parts))
                else:
                    row.append(([p[0] for p in parts], np.array([p[1] for p in parts])))
            out.append(row)
        return out


def _task(task: tuple) -> list:
    """One task in this process: a list with one result per C of the task."""
    s, j, grid = task
    problems = _SHARED
    matrix, truth, test = problems.train[s], problems.truths[s], problems.test[s]
    if j < 0:
        models = _fit_softmax_path(matrix, truth, grid, problems)
    else:
        models = [_fit_binary(matrix, truth[:, j], C, problems) for C in grid]
    if test is None:
        return models
    if j < 0:
        return [test @ coef.T + intercept for coef, intercept in models]
    return [test @ coef + intercept for coef, intercept in models]


def _fit_binary(matrix, column: np.ndarray, C: float, problems: Problems) -> tuple[np.ndarray, float]:
    """One label's model (a label on every or no example gets a constant)."""
    if column.all() or not column.any():
        return np.zeros(matrix.shape[1]), (-ABSENT_INTERCEPT if column.all() else ABSENT_INTERCEPT)
    if problems.loss == "squared_hinge":
        from sklearn.svm import LinearSVC

        model = LinearSVC(C=C, class_weight=problems.class_weight, tol=TOL, max_iter=1000,
                          random_state=problems.random_state)
    else:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=C, class_weight=problems.class_weight, solver="liblinear", dual=True,
                                   max_iter=1000, random_state=problems.random_state)
    model.fit(matrix, column)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def _fit_softmax_path(matrix, truth: np.ndarray, grid: Sequence[float], problems: Problems) -> list:
    """Softmax regressions for each C of ``grid``, each warm-started from the previous one."""
    from sklearn.linear_model import LogisticRegression

    target = truth.argmax(axis=1)
    present = np.unique(target)
    models = []
    model = None
    if len(present) > 1:
        model = LogisticRegression(C=grid[0], class_weight=problems.class_weight, max_iter=1000, warm_start=True)
    for C in grid:
        coef = np.zeros((truth.shape[1], matrix.shape[1]))
        intercept = np.full(truth.shape[1], ABSENT_INTERCEPT)
        if model is None:
            intercept[present[0]] = 0.0
        else:
            model.set_params(C=C).fit(matrix, target)
            if len(present) == 2:  # binary LogisticRegression keeps one row: split it
                coef[present[1]], coef[present[0]] = model.coef_[0] / 2, -model.coef_[0] / 2
                intercept[present[1]], intercept[present[0]] = model.intercept_[0] / 2, -model.intercept_[0] / 2
            else:
                coef[present], intercept[present] = model.coef_, model.intercept_
        models.append((coef, intercept))
    return models

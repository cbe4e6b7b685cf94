"""Probabilities from linear decision values, fitted on out-of-fold decisions.

A squared-hinge SVM's decision values are margins, not probabilities. The
standard fix (Platt 1999, with the numerically careful Newton method of Lin,
Lin and Weng 2007) fits ``sigmoid(scale * decision + shift)`` per label on
cross-validated decisions. Single-label taggers get the multinomial analogue,
``softmax(scale * decisions + shift)`` with one scale and one shift per label.
Both are affine maps of the decision values, so they fold into the linear
model's coefficients and intercepts: tagging and the model file are unchanged.

Training only (numpy and scipy).
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_platt", "fit_softmax_scaling"]

_MAX_ITER = 100


def fit_platt(decisions: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scale, shift) per column of ``decisions`` (n, labels), against boolean ``truth``.

    Targets are Platt's smoothed ones, ``(positives + 1) / (positives + 2)``
    and ``1 / (negatives + 2)``, so a label with few (or no) positives still
    gets finite parameters. The scale is kept positive: calibration never
    reverses a label's ranking.
    """
    n_labels = decisions.shape[1]
    positives = truth.sum(axis=0)
    negatives = len(truth) - positives
    target = np.where(truth, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))
    scale = np.zeros(n_labels)
    shift = np.log((positives + 1.0) / (negatives + 1.0))
    loss = _platt_loss(decisions, target, scale, shift)
    for _ in range(_MAX_ITER):
        p = _sigmoid(decisions * scale + shift)
        residual = p - target
        weight = np.maximum(p * (1 - p), 1e-12)
        g_scale, g_shift = (residual * decisions).sum(axis=0), residual.sum(axis=0)
        h_aa = (weight * decisions**2).sum(axis=0) + 1e-12
        h_ab = (weight * decisions).sum(axis=0)
        h_bb = weight.sum(axis=0) + 1e-12
        det = h_aa * h_bb - h_ab**2
        d_scale = -(h_bb * g_scale - h_ab * g_shift) / det
        d_shift = -(h_aa * g_shift - h_ab * g_scale) / det
        slope = g_scale * d_scale + g_shift * d_shift
        step = np.ones(n_labels)
        for _ in range(30):  # backtracking, per label
            new_loss = _platt_loss(decisions, target, scale + step * d_scale, shift + step * d_shift)
            worse = new_loss > loss + 1e-4 * step * slope
            if not worse.any():
                break
            step[worse] /= 2
        scale, shift, previous, loss = scale + step * d_scale, shift + step * d_shift, loss, new_loss
        if np.all(np.abs(previous - loss) <= 1e-10 * np.maximum(np.abs(loss), 1.0)):
            break
    return np.maximum(scale, 1e-6), shift


def fit_softmax_scaling(decisions: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scale, shift) per column such that ``softmax(decisions * scale + shift)`` has the least log-loss.

    ``truth`` is one-hot (one label per row). A light L2 penalty keeps the
    parameters finite when the decisions separate the classes perfectly.
    """
    from scipy.optimize import minimize

    n, k = decisions.shape
    rows = np.arange(n)
    label = truth.argmax(axis=1)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        scale, shift = params[:k], params[k:]
        logits = decisions * scale + shift
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        probabilities = np.exp(logits - log_norm[:, None])
        residual = probabilities
        residual[rows, label] -= 1.0
        penalty = 1e-4 * ((scale - 1.0) ** 2).sum() + 1e-4 * (shift**2).sum()
        value = float((log_norm - logits[rows, label]).sum() / n + penalty)
        grad = np.concatenate(((residual * decisions).sum(axis=0) / n + 2e-4 * (scale - 1.0),
                               residual.sum(axis=0) / n + 2e-4 * shift))
        return value, grad

    start = np.concatenate((np.ones(k), np.zeros(k)))
    bounds = [(1e-6, None)] * k + [(None, None)] * k
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500})
    return result.x[:k], result.x[k:]


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))


def _platt_loss(decisions, target, scale, shift) -> np.ndarray:
    z = decisions * scale + shift
    # -(t log p + (1 - t) log(1 - p)) with p = sigmoid(z), computed stably
    return (np.logaddexp(0.0, z) - target * z).sum(axis=0)

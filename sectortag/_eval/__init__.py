"""Evaluation: metrics, evaluation and benchmark reports."""

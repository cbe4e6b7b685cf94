"""Reproducible measurements of sectortag; run each module with ``python -m benchmarks.<name>``."""

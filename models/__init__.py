"""The shipped models, installed with the package as ``sectortag.models``."""

"""Readers and writers: annotated data files, input documents and paragraphs."""

"""The model: features, lexicon, the tagger, training, thresholds and the model file.

Tagging (``tagger``, ``features``, ``modelio``) never imports scikit-learn;
``training`` does, and is imported only by ``SectorTagger.fit``.
"""

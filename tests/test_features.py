import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfTransformer

from sectortag._model import features as F

from conftest import REPO

TEXTS = [
    "Sécurité alimentaire et agriculture: le blé du Kazakhstan.",
    "La sicurezza alimentare e l'agricoltura.",
    "Food security and agriculture: Kazakh wheat.",
    "",
    "  ",
    "emoji 🎉 and Ελληνικά and עברית",
]


def fitted(settings=F.FeatureSettings(), texts=TEXTS):
    occ, _ = F.extract(texts, settings)
    vocab = F.Vocabulary.from_occurrences(occ, len(texts), min_df=1, max_features=None)
    return occ, vocab


def test_tfidf_matches_scikit_learn():
    occ, vocab = fitted()
    counts = F.count_matrix(occ, vocab, len(TEXTS))
    reference = TfidfTransformer(sublinear_tf=True).fit(counts)
    ours = F.tfidf(counts, reference.idf_)
    np.testing.assert_allclose(ours.toarray(), reference.transform(counts).toarray(), rtol=1e-12, atol=1e-12)


def test_accent_and_case_folding_makes_equal_features():
    settings = F.FeatureSettings(word_ngram_range=(1, 1), word_prefix=None)
    a, _ = F.extract(["Sécurité ÉTÉ"], settings)
    b, _ = F.extract(["securite ete"], settings)
    assert sorted(a.hashes.tolist()) == sorted(b.hashes.tolist())


def test_without_accent_folding_accents_matter():
    settings = F.FeatureSettings(word_ngram_range=(1, 1), word_prefix=None, fold_accents=False)
    a, _ = F.extract(["Sécurité"], settings)
    b, _ = F.extract(["securite"], settings)
    assert a.hashes.tolist() != b.hashes.tolist()


def test_prefix_feature_links_cognates():
    settings = F.FeatureSettings(word_ngram_range=None, word_prefix=5)
    hashes = [F.extract([word], settings)[0].hashes.tolist() for word in ("agricoltura", "agriculture", "agricole")]
    assert hashes[0] == hashes[1] == hashes[2] and len(hashes[0]) == 1


def test_word_spans_point_into_original_text():
    text = "L’eccellenza delle relazioni — café\u0301 Ünïcode"
    _, words = F.extract([text], F.FeatureSettings())
    assert [text[s:e] for s, e in zip(words.start, words.end)] == ["L", "eccellenza", "delle", "relazioni", "café\u0301", "Ünïcode"]


def test_unseen_ngrams_never_hit_the_vocabulary():
    occ, vocab = fitted()
    unseen, _ = F.extract(["zzzz qqqq wwwwx"], F.FeatureSettings())
    assert (vocab.columns(unseen.hashes) == -1).all()
    assert (vocab.columns(occ.hashes) >= 0).all()


def test_features_do_not_depend_on_batch_neighbours():
    occ, vocab = fitted()
    together = F.count_matrix(occ, vocab, len(TEXTS)).toarray()
    for i, text in enumerate(TEXTS):
        alone, _ = F.extract([text], F.FeatureSettings())
        np.testing.assert_array_equal(F.count_matrix(alone, vocab, 1).toarray()[0], together[i])


def test_character_ngrams_stay_inside_words():
    settings = F.FeatureSettings(word_ngram_range=None, word_prefix=None, char_ngram_range=(3, 3))
    occ, _ = F.extract(["ab cd"], settings)
    # " ab", "ab ", " cd", "cd ": never "b c"
    assert len(occ.hashes) == 4


def test_min_df_and_max_features():
    occ, _ = F.extract(TEXTS, F.FeatureSettings())
    everything = F.Vocabulary.from_occurrences(occ, len(TEXTS), min_df=1, max_features=None)
    shared = F.Vocabulary.from_occurrences(occ, len(TEXTS), min_df=2, max_features=None)
    capped = F.Vocabulary.from_occurrences(occ, len(TEXTS), min_df=1, max_features=5)
    assert len(shared) < len(everything) and len(capped) == 5


def test_settings_round_trip():
    settings = F.FeatureSettings(word_ngram_range=(1, 3), word_prefix=None, char_ngram_range=(2, 4), fold_accents=False)
    assert F.FeatureSettings.from_dict(settings.to_dict()) == settings


def test_colliding_vocabulary_is_refused():
    with pytest.raises(ValueError, match="collide"):
        F.Vocabulary(np.array([1 << 63, (1 << 63) + 1], dtype=np.uint64))


# --------------------------------------------------------------------------
# Sector keywords


def _lexicon_features(texts):
    occurrences, words = F.extract(texts, F.FeatureSettings(word_ngram_range=None, word_prefix=None, lexicon=True))
    return occurrences, words


def test_lexicon_feature_is_shared_across_languages():
    occurrences, _ = _lexicon_features(["wheat", "blé", "grano", "Weizen"])
    by_doc = [set(occurrences.hashes[occurrences.doc == d].tolist()) for d in range(4)]
    assert by_doc[0] and by_doc[0] == by_doc[1] == by_doc[2]
    assert not by_doc[3]  # German is not in the lexicon


def test_lexicon_multiword_keyword_spans_its_words():
    text = "They met the Holy See envoy."
    occurrences, words = _lexicon_features([text])
    spans = {text[words.start[a] : words.end[b]] for a, b in zip(occurrences.first_word, occurrences.last_word)}
    assert "Holy See" in spans


def test_lexicon_exact_stems_do_not_match_longer_words():
    occurrences, _ = _lexicon_features(["le blé", "il est blessé"])
    assert (occurrences.doc == 0).any() and not (occurrences.doc == 1).any()


def test_lexicon_agrees_with_the_keyword_baseline_on_the_corpus():
    import json

    from benchmarks._baselines import KeywordLexicon
    from sectortag._model.lexicon import LEXICON

    texts = [json.loads(line)["text"] for line in (REPO / "datasets" / "seed_paragraphs.jsonl").open(encoding="utf-8")]
    occurrences, _ = _lexicon_features(texts)
    salt = np.uint64(F._KIND_SALT["lexicon"])
    name_of = {int(F._mix(np.array([i], dtype=np.uint64) + salt)[0]): name for i, name in enumerate(LEXICON)}
    found = [set() for _ in texts]
    for digest, doc in zip(occurrences.hashes.tolist(), occurrences.doc.tolist()):
        found[doc].add(name_of[digest])
    baseline = KeywordLexicon()
    assert found == [set(baseline.labels_of(text)) for text in texts]


def _concept_features(texts):
    settings = F.FeatureSettings(word_ngram_range=None, word_prefix=None, lexicon=True, concepts=True)
    occurrences, _ = F.extract(texts, settings)
    return [set(occurrences.hashes[occurrences.doc == d].tolist()) for d in range(len(texts))]


def test_concepts_give_translations_the_same_features():
    wheat = _concept_features(["wheat", "blé", "grano"])
    assert wheat[0] and wheat[0] == wheat[1] == wheat[2]
    wfp = _concept_features(["The WFP delivered", "Le PAM a livré", "Il PAM ha consegnato"])
    assert wfp[0] & wfp[1] & wfp[2]
    # a concept feature is more specific than the sector feature: wheat and fish share only food_security
    fish = _concept_features(["fisheries"])[0]
    assert len(wheat[0] & fish) == 1 and len(wheat[0]) == 2


def test_acronyms_match_only_in_capitals():
    un, article, oic, oci = _concept_features(["the UN agencies", "un homme", "OIC members", "les membres de l'OCI"])
    assert un and not article  # "un" is the French article
    assert oic and oic == oci


def test_without_concepts_the_lexicon_is_the_round_one_lexicon():
    plain = F.FeatureSettings(word_ngram_range=None, word_prefix=None, lexicon=True, concepts=False)
    occurrences, _ = F.extract(["un accord", "wheat"], plain)
    assert (occurrences.doc == 0).any()  # round 1 matched "un$" in any case; old models keep that
    assert F.FeatureSettings.from_dict(plain.to_dict()) == plain
    assert F.FeatureSettings.from_dict({k: v for k, v in plain.to_dict().items() if k != "concepts"}) == plain

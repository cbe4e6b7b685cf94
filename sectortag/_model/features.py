"""Word and character n-gram TF-IDF features computed with numpy alone.

Tagging must start fast (no scikit-learn import) and run at tens of thousands
of paragraphs per second, so n-grams are never materialised as Python strings.
A batch of texts becomes one array of case- and accent-folded code points;
every n-gram is identified by a 64-bit polynomial hash computed from prefix
sums, and looked up in the fitted vocabulary through a direct-mapped table
that verifies the full hash (so unseen n-grams never hit a vocabulary column).

The weighting is scikit-learn's ``TfidfTransformer(sublinear_tf=True,
norm="l2")``: the tests check the two agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy.sparse costs ~0.2 s to import; tagging never needs it
    import scipy.sparse as sp

__all__ = [
    "FeatureSettings", "Occurrences", "Vocabulary", "count_matrix", "extract", "linear_scores", "select_vocabulary",
    "sorted_unique", "TermValues", "term_scores", "term_values", "tfidf",
]

_U64 = np.uint64
_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 2**64)
_PAD = 0x20  # the space that pads each word for character n-grams
_DELETED = 0xFFFFFFFF  # folded value of a combining mark: dropped from the stream
_TABLE_BITS = 22  # direct-mapped lookup table of 4M slots
_KIND_SALT = {
    "word": 0x9E3779B97F4A7C15, "char": 0xC2B2AE3D27D4EB4F, "prefix": 0x165667B19E3779F9, "lexicon": 0x27D4EB2F165667C5,
}
_FAST_RANGE = 0x250  # Latin scripts: folded through a precomputed table


@dataclass(frozen=True)
class FeatureSettings:
    """Which n-grams make a paragraph's features."""

    word_ngram_range: tuple[int, int] | None = (1, 2)
    word_prefix: int | None = 5
    char_ngram_range: tuple[int, int] | None = None
    fold_accents: bool = True
    lexicon: bool = False
    concepts: bool = False

    def to_dict(self) -> dict:
        return {
            "word_ngram_range": list(self.word_ngram_range) if self.word_ngram_range else None,
            "word_prefix": self.word_prefix,
            "char_ngram_range": list(self.char_ngram_range) if self.char_ngram_range else None,
            "fold_accents": self.fold_accents,
            "lexicon": self.lexicon,
            "concepts": self.concepts,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "FeatureSettings":
        word = data.get("word_ngram_range")
        char = data.get("char_ngram_range")
        return cls(
            word_ngram_range=tuple(word) if word else None,
            word_prefix=data.get("word_prefix"),
            char_ngram_range=tuple(char) if char else None,
            fold_accents=bool(data["fold_accents"]),
            lexicon=bool(data.get("lexicon", False)),  # absent in files written before the lexicon
            concepts=bool(data.get("concepts", False)),  # absent in files written before concepts
        )


# --------------------------------------------------------------------------
# Folding: each code point maps to one folded code point, or is deleted.


def _fold_char(char: str, fold_accents: bool) -> tuple[int, bool]:
    """Folded code point of ``char`` and whether it is a word character."""
    if fold_accents:
        if unicodedata.combining(char):
            return _DELETED, False
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
    else:
        base = char
    lowered = base.lower()
    folded = lowered if len(lowered) == 1 else base[0] if len(base) == 1 else char
    return ord(folded[0]), folded[0].isalnum()


class _FoldTable:
    """Folded code point and word flag per input code point, cached."""

    def __init__(self, fold_accents: bool):
        self.fold_accents = fold_accents
        pairs = [_fold_char(chr(c), fold_accents) for c in range(_FAST_RANGE)]
        self.fast_code = np.array([p[0] for p in pairs], dtype=np.uint32)
        self.fast_word = np.array([p[1] for p in pairs], dtype=bool)
        self.fast_lower = np.array([chr(c).islower() for c in range(_FAST_RANGE)], dtype=bool)
        self.slow: dict[int, tuple[int, bool]] = {}

    def fold(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # intp indices: numpy's fastest gather; code points past the table are redone below
        clipped = np.minimum(codes, _FAST_RANGE - 1).astype(np.intp)
        folded = self.fast_code[clipped]
        word = self.fast_word[clipped]
        if len(codes) and codes.max() >= _FAST_RANGE:
            slow_idx = np.flatnonzero(codes >= _FAST_RANGE)
            uniques, inverse = np.unique(codes[slow_idx], return_inverse=True)
            mapped = []
            for code in uniques.tolist():
                if code not in self.slow:
                    self.slow[code] = (
                        _fold_char(chr(code), self.fold_accents)
                        if not 0xD800 <= code <= 0xDFFF
                        else (code, False)
                    )
                mapped.append(self.slow[code])
            folded[slow_idx] = np.array([m[0] for m in mapped], dtype=np.uint32)[inverse]
            word[slow_idx] = np.array([m[1] for m in mapped], dtype=bool)[inverse]
        return folded, word

    def lower(self, codes: np.ndarray) -> np.ndarray:
        """Whether each code point is a lower-case Latin letter (others count as not)."""
        return self.fast_lower[np.minimum(codes, _FAST_RANGE - 1).astype(np.intp)] & (codes < _FAST_RANGE)


_FOLD_TABLES: dict[bool, _FoldTable] = {}


def _fold_table(fold_accents: bool) -> _FoldTable:
    if fold_accents not in _FOLD_TABLES:
        _FOLD_TABLES[fold_accents] = _FoldTable(fold_accents)
    return _FOLD_TABLES[fold_accents]


# --------------------------------------------------------------------------
# Hashing


class _Powers:
    """Cached powers of the hash base and of its inverse, grown on demand."""

    def __init__(self):
        self.pow = np.ones(1, dtype=_U64)
        self.inv = np.ones(1, dtype=_U64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.pow) < n:
            size = max(n, 2 * len(self.pow))
            self.pow = np.ones(size, dtype=_U64)
            self.pow[1:] = np.cumprod(np.full(size - 1, _BASE, dtype=_U64))
            self.inv = np.ones(size, dtype=_U64)
            self.inv[1:] = np.cumprod(np.full(size - 1, _BASE_INV, dtype=_U64))
        return self.pow[:n], self.inv[:n]


_POWERS = _Powers()


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads polynomial hashes over all 64 bits."""
    z = values.astype(_U64, copy=True)
    z ^= z >> _U64(30)
    z *= _U64(0xBF58476D1CE4E5B9)
    z ^= z >> _U64(27)
    z *= _U64(0x94D049BB133111EB)
    z ^= z >> _U64(31)
    return z


class _PrefixHash:
    """Position-independent polynomial hash of any substring of ``codes``."""

    def __init__(self, codes: np.ndarray):
        powers, self._inverse = _POWERS.upto(len(codes) + 1)
        self._prefix = np.zeros(len(codes) + 1, dtype=_U64)
        np.cumsum(codes.astype(_U64) * powers[: len(codes)], out=self._prefix[1:])

    def __call__(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        raw = (self._prefix[ends] - self._prefix[starts]) * self._inverse[starts]
        return raw + (ends - starts).astype(_U64) * _U64(0x2545F4914F6CDD1D)


# --------------------------------------------------------------------------
# Extraction


@dataclass
class Occurrences:
    """Every n-gram occurrence of a batch: its hash, document and source span.

    ``first_word``/``last_word`` index (within the batch's :class:`Words`) the
    word a character n-gram or prefix comes from, or the first and last words
    of a word n-gram: explanations attribute each occurrence to that span.
    """

    hashes: np.ndarray
    doc: np.ndarray
    first_word: np.ndarray
    last_word: np.ndarray

    def subset(self, docs: np.ndarray, n_docs: int) -> "Occurrences":
        """The occurrences of documents ``docs``, renumbered 0..len(docs)-1."""
        new_index = np.full(n_docs, -1, dtype=np.int64)
        new_index[docs] = np.arange(len(docs))
        keep = new_index[self.doc] >= 0
        return Occurrences(self.hashes[keep], new_index[self.doc[keep]], self.first_word[keep], self.last_word[keep])


@dataclass
class Words:
    """The word tokens of a batch, with spans into each original text."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _cumulative_starts(lengths: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    return starts


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + c)`` for each (s, c)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - _cumulative_starts(counts), counts)
    return offsets + np.arange(total, dtype=np.int64)


def extract(texts: list[str], settings: FeatureSettings) -> tuple[Occurrences, Words]:
    """Every n-gram occurrence in ``texts`` with the word it belongs to."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "\n".join(texts)
    raw = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    folded, is_word = _fold_table(settings.fold_accents).fold(raw)
    # Positions are kept relative to the joined string; docs are separated by
    # one newline, which is never a word character.
    doc_starts = _cumulative_starts(lengths + 1)
    is_word[doc_starts[1:] - 1] = False
    keep = folded != _DELETED
    if keep.all():  # the usual case (no combining marks): positions are the joined string's
        keep, original_pos, codes, word_mask = slice(None), None, folded, is_word
    else:
        original_pos = np.flatnonzero(keep)
        codes, word_mask = folded[keep], is_word[keep]

    # word runs start and end where word_mask changes; they alternate
    changes = np.empty(len(word_mask) + 1, dtype=bool)
    changes[0], changes[-1] = (word_mask[0], word_mask[-1]) if len(word_mask) else (False, False)
    np.not_equal(word_mask[1:], word_mask[:-1], out=changes[1:-1])
    boundaries = np.flatnonzero(changes)
    tok_start, tok_end = boundaries[0::2], boundaries[1::2]
    if original_pos is None:
        raw_start, raw_end = tok_start, tok_end
    else:
        raw_start, raw_end = original_pos[tok_start], np.append(original_pos, len(raw))[tok_end]
    tok_doc = np.searchsorted(doc_starts, raw_start, side="right") - 1
    words = Words(doc=tok_doc, start=raw_start - doc_starts[tok_doc], end=raw_end - doc_starts[tok_doc])

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    if settings.word_ngram_range or settings.word_prefix or settings.lexicon:
        hasher = _PrefixHash(codes)
    if settings.word_ngram_range or settings.lexicon:
        word_hashes = hasher(tok_start, tok_end)  # every whole word, hashed once for both
    if settings.word_ngram_range:
        parts.extend(_word_ngrams(word_hashes, tok_start, tok_end, tok_doc, settings.word_ngram_range))
    if settings.word_prefix:
        parts.append(_word_prefixes(hasher, tok_start, tok_end, tok_doc, settings.word_prefix))
    if settings.char_ngram_range:
        parts.extend(_char_ngrams(codes, tok_start, tok_end, tok_doc, settings.char_ngram_range))
    if settings.lexicon:
        lexicon = _compiled_lexicon(settings.fold_accents, settings.concepts)
        capitals = None
        if lexicon.has_cased and len(tok_start):  # tokens with no lower-case letter, for acronym stems ("UN", not "un")
            # a lower-case letter is a word character: the span from a token's start to the next one's is its own
            capitals = ~np.logical_or.reduceat(_fold_table(settings.fold_accents).lower(raw)[keep], tok_start)
        elif lexicon.has_cased:
            capitals = np.zeros(0, dtype=bool)
        parts.append(_lexicon_matches(hasher, word_hashes, tok_start, tok_end, tok_doc, lexicon, capitals))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Occurrences(np.zeros(0, dtype=_U64), empty, empty, empty), words
    return (
        Occurrences(
            hashes=np.concatenate([p[0] for p in parts]),
            doc=np.concatenate([p[1] for p in parts]),
            first_word=np.concatenate([p[2] for p in parts]),
            last_word=np.concatenate([p[3] for p in parts]),
        ),
        words,
    )


def _word_prefixes(hasher, tok_start, tok_end, tok_doc, length):
    """The first ``length`` characters of every longer word: a light stemmer.

    Once accents are folded, truncation maps inflections and the three
    languages' cognates onto one feature ("agricole", "agricoltura",
    "agriculture" all give "agric"), at the cost of one hash per word.
    """
    longer = np.flatnonzero(tok_end - tok_start > length)
    starts = tok_start[longer]
    hashes = _mix(hasher(starts, starts + length) ^ _U64(_KIND_SALT["prefix"]))
    return hashes, tok_doc[longer], longer, longer


def _word_ngrams(word_hashes, tok_start, tok_end, tok_doc, ngram_range):
    """Word n-grams over tokens of two or more characters, within a document."""
    long_enough = np.flatnonzero(tok_end - tok_start >= 2)
    unigram = word_hashes[long_enough]
    docs = tok_doc[long_enough]
    low, high = ngram_range
    out = []
    for n in range(low, high + 1):
        if len(long_enough) < n:
            break
        count = len(long_enough) - n + 1
        combined = unigram[:count].copy()
        same_doc = np.ones(count, dtype=bool)
        for k in range(1, n):
            combined = combined * _U64(0x9DDFEA08EB382D69) + unigram[k : k + count]
            same_doc &= docs[k : k + count] == docs[:count]
        idx = np.flatnonzero(same_doc)
        hashes = _mix(combined[idx] ^ _U64(_KIND_SALT["word"] + n))
        out.append((hashes, docs[idx], long_enough[idx], long_enough[idx + n - 1]))
    return out


def _char_ngrams(codes, tok_start, tok_end, tok_doc, ngram_range):
    """Character n-grams inside each space-padded word (scikit-learn's char_wb)."""
    token_len = tok_end - tok_start
    padded_len = token_len + 2
    offsets = _cumulative_starts(padded_len)
    padded = np.full(int(padded_len.sum()), _PAD, dtype=np.uint32)
    char_src = _ranges(tok_start, token_len)
    char_dst = _ranges(offsets + 1, token_len)
    padded[char_dst] = codes[char_src]
    low, high = ngram_range
    tokens = np.arange(len(tok_start))
    hasher = _PrefixHash(padded)
    out = []
    for n in range(low, high + 1):
        counts = np.maximum(padded_len - n + 1, 0)
        starts = _ranges(offsets, counts)
        owner = np.repeat(tokens, counts)
        hashes = _mix(hasher(starts, starts + n) ^ _U64(_KIND_SALT["char"] + n))
        out.append((hashes, tok_doc[owner], owner, owner))
    return out


# --------------------------------------------------------------------------
# Sector keywords (the lexicon of ``_lexicon.py``)


class _CompiledLexicon:
    """The lexicon's stems as hashes grouped by shape, and its keywords as stem ids.

    Each keyword fires one feature id: its sector's index (0..6), or, with
    concepts, also ``len(LEXICON)`` plus its concept's index.
    """

    def __init__(self, fold_accents: bool, concepts: bool):
        from .lexicon import CONCEPTS, LEXICON, sector_keywords

        table = _fold_table(fold_accents)
        entries = [
            (sector_index, keyword)
            for sector_index, per_lang in enumerate(sector_keywords(concepts).values())
            for words in per_lang.values()
            for keyword in words
        ]
        if concepts:
            entries += [
                (len(LEXICON) + concept_index, keyword)
                for concept_index, (_, per_lang) in enumerate(CONCEPTS.values())
                for words in per_lang.values()
                for keyword in words
            ]
        stem_ids: dict[tuple[str, bool, bool], int] = {}
        keywords: dict[tuple[int, tuple[int, ...]], None] = {}
        for feature, keyword in entries:
            ids = tuple(
                stem_ids.setdefault((stem.rstrip("$!"), stem[-1] in "$!", stem.endswith("!")), len(stem_ids))
                for stem in keyword.split()
            )
            keywords[(feature, ids)] = None
        self.n_stems = len(stem_ids)
        self.has_cased = any(cased for _, _, cased in stem_ids)
        # All stems hashed in one pass, exactly as words of a text are.
        stems = list(stem_ids)
        folded, _ = table.fold(np.frombuffer("".join(stem for stem, _, _ in stems).encode("utf-32-le"), dtype="<u4"))
        lengths = np.array([len(stem) for stem, _, _ in stems], dtype=np.int64)
        starts = _cumulative_starts(lengths)
        keep = folded != _DELETED  # a stem is plain folded text, but fold it like text anyway
        kept_before = np.concatenate(([0], np.cumsum(keep)))
        new_starts, new_ends = kept_before[starts], kept_before[starts + lengths]
        digests = _PrefixHash(folded[keep])(new_starts, new_ends).tolist()
        by_shape: dict[tuple[int, bool, bool], list[tuple[int, int]]] = {}
        for key, digest, start, end in zip(stems, digests, new_starts.tolist(), new_ends.tolist()):
            by_shape.setdefault((end - start, key[1], key[2]), []).append((digest, stem_ids[key]))
        # One key per stem: its hash salted with its shape (length, exactness,
        # capitals), so a word is looked up once per shape it can match.
        self.groups = []  # (length, exact, cased, salt)
        keys, values = [], []
        for (length, exact, cased), group in sorted(by_shape.items()):
            salt = int(_mix(np.array([length * 4 + exact * 2 + cased], dtype=_U64))[0])
            self.groups.append((length, exact, cased, _U64(salt)))
            keys += [digest ^ salt for digest, _ in group]
            values += [stem_id for _, stem_id in group]
        # a sorted array searched by bisection: a few thousand keys, looked up
        # once per distinct word of a batch, need no hash table
        keys = _mix(np.array(keys, dtype=_U64))
        order = np.argsort(keys)
        self.keys = keys[order]
        if len(np.unique(self.keys)) != len(self.keys):
            raise ValueError("two lexicon stems have the same hash")
        self.stem_of_key = np.array(values, dtype=np.int64)[order]
        single = sorted((ids[0], feature) for feature, ids in keywords if len(ids) == 1)
        self.single_offsets = np.searchsorted(np.array([s[0] for s in single], dtype=np.int64), np.arange(self.n_stems + 1))
        self.single_sectors = np.array([s[1] for s in single], dtype=np.int64)
        multi = sorted((ids, feature) for feature, ids in keywords if len(ids) > 1)
        width = max((len(ids) for ids, _ in multi), default=1)
        self.multi_stems = np.array([ids + (-1,) * (width - len(ids)) for ids, _ in multi], dtype=np.int64).reshape(-1, width)
        self.multi_length = np.array([len(ids) for ids, _ in multi], dtype=np.int64)
        self.multi_sector = np.array([feature for _, feature in multi], dtype=np.int64)
        self.multi_offsets = np.searchsorted(self.multi_stems[:, 0], np.arange(self.n_stems + 1))


_COMPILED_LEXICONS: dict[tuple[bool, bool], _CompiledLexicon] = {}


def _compiled_lexicon(fold_accents: bool, concepts: bool = False) -> _CompiledLexicon:
    if (fold_accents, concepts) not in _COMPILED_LEXICONS:
        _COMPILED_LEXICONS[(fold_accents, concepts)] = _CompiledLexicon(fold_accents, concepts)
    return _COMPILED_LEXICONS[(fold_accents, concepts)]


def _lexicon_matches(hasher, word_hashes, tok_start, tok_end, tok_doc, lexicon: _CompiledLexicon, capitals=None):
    """One keyword feature per keyword match (its sector's, and its concept's), attributed to the words it spans.

    The features are the same for every language, so the model shares what
    it learns about a sector's vocabulary across English, French and
    Italian. ``capitals`` (tokens with no lower-case letter) is needed when
    the lexicon has acronym stems.
    """
    # Words repeat: match each distinct word once, then every occurrence of it.
    distinct_key = word_hashes if capitals is None else word_hashes ^ (capitals.astype(_U64) * _U64(_KIND_SALT["char"]))
    distinct, representative, occurrence_of = np.unique(distinct_key, return_index=True, return_inverse=True)
    rep_start = tok_start[representative]
    rep_len = tok_end[representative] - rep_start
    rep_capitals = capitals[representative] if capitals is not None else None
    match_word, match_stem = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for length, exact, cased, salt in lexicon.groups:
        fits = rep_len == length if exact else rep_len >= length
        if cased:
            fits &= rep_capitals
        candidates = np.flatnonzero(fits)
        if not len(candidates):
            continue
        starts = rep_start[candidates]
        key = _mix(hasher(starts, starts + length) ^ salt)
        index = np.minimum(np.searchsorted(lexicon.keys, key), len(lexicon.keys) - 1)
        hit = lexicon.keys[index] == key
        match_word.append(candidates[hit])
        match_stem.append(lexicon.stem_of_key[index[hit]])
    words, word_stems = np.concatenate(match_word), np.concatenate(match_stem)
    by_word = np.argsort(occurrence_of, kind="stable")
    word_offsets = np.searchsorted(occurrence_of[by_word], np.arange(len(distinct) + 1))
    repeats = word_offsets[words + 1] - word_offsets[words]
    tokens = by_word[_ranges(word_offsets[words], repeats)]
    stems = np.repeat(word_stems, repeats)

    counts = lexicon.single_offsets[stems + 1] - lexicon.single_offsets[stems]
    first = [np.repeat(tokens, counts)]
    sectors = [lexicon.single_sectors[_ranges(lexicon.single_offsets[stems], counts)]]
    last = [first[0]]
    if len(lexicon.multi_sector) and len(tokens):
        # keywords of several words: every keyword starting with a matched stem, checked word by word
        matched = np.unique(tokens * lexicon.n_stems + stems)
        counts = lexicon.multi_offsets[stems + 1] - lexicon.multi_offsets[stems]
        start = np.repeat(tokens, counts)
        keyword = _ranges(lexicon.multi_offsets[stems], counts)
        length = lexicon.multi_length[keyword]
        keep = start + length <= len(tok_start)
        start, keyword, length = start[keep], keyword[keep], length[keep]
        for offset in range(1, lexicon.multi_stems.shape[1]):
            longer = length > offset
            following = np.where(longer, start + offset, start)
            found = (tok_doc[following] == tok_doc[start]) & _contains(
                matched, following * lexicon.n_stems + lexicon.multi_stems[keyword, offset]
            )
            keep = ~longer | found
            start, keyword, length = start[keep], keyword[keep], length[keep]
        first.append(start)
        last.append(start + length - 1)
        sectors.append(lexicon.multi_sector[keyword])
    first_word, last_word, sector = np.concatenate(first), np.concatenate(last), np.concatenate(sectors)
    hashes = _mix(sector.astype(_U64) + _U64(_KIND_SALT["lexicon"]))
    return hashes, tok_doc[first_word], first_word, last_word


def keyword_feature_hashes(settings: FeatureSettings) -> np.ndarray:
    """The hashes of every sector-keyword and concept feature that ``settings`` can produce."""
    from .lexicon import CONCEPTS, LEXICON

    count = len(LEXICON) + (len(CONCEPTS) if settings.concepts else 0) if settings.lexicon else 0
    return _mix(np.arange(count, dtype=_U64) + _U64(_KIND_SALT["lexicon"]))


def _contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    pos = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[pos] == values


# --------------------------------------------------------------------------
# Vocabulary


class Vocabulary:
    """Maps n-gram hashes to feature columns, exactly (no false hits)."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = np.asarray(hashes, dtype=_U64)
        slots = (self.hashes >> _U64(64 - _TABLE_BITS)).astype(np.int64)
        if len(sorted_unique(slots)) != len(slots):
            raise ValueError("vocabulary hashes collide in the lookup table")
        self._table = np.full(1 << _TABLE_BITS, -1, dtype=np.int32)
        self._table[slots] = np.arange(len(self.hashes), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.hashes)

    def columns(self, hashes: np.ndarray) -> np.ndarray:
        """Column of each hash, or -1 when it is not in the vocabulary."""
        cols = self._table[(hashes >> _U64(64 - _TABLE_BITS)).astype(np.int64)]
        hit = cols >= 0
        hit[hit] = self.hashes[cols[hit]] == hashes[hit]
        return np.where(hit, cols, -1)

    @classmethod
    def from_occurrences(
        cls, occ: Occurrences, n_docs: int, *, min_df: int, max_features: int | None
    ) -> "Vocabulary":
        """The n-grams seen in at least ``min_df`` documents, most frequent first.

        When two n-grams fall in the same lookup slot the rarer one is left
        out; ``from_occurrences`` therefore defines the feature space that
        ``columns`` reproduces at prediction time.
        """
        uniques, inverse = np.unique(occ.hashes, return_inverse=True)
        pairs = sorted_unique(inverse.astype(np.int64) * n_docs + occ.doc)
        df = np.bincount(pairs // n_docs, minlength=len(uniques))
        return cls(uniques[select_vocabulary(uniques, df, min_df=min_df, max_features=max_features)])


def select_vocabulary(hashes: np.ndarray, df: np.ndarray, *, min_df: int, max_features: int | None) -> np.ndarray:
    """Indices (ascending) of the n-grams a vocabulary keeps, given sorted ``hashes`` and their document counts.

    Those seen in at least ``min_df`` documents, most frequent first (ties
    by hash); of two that fall in the same lookup slot, the rarer is left
    out; then the first ``max_features``. Training derives every fold's
    vocabulary from one count matrix with this same rule.
    """
    order = np.lexsort((hashes, -df))  # by df desc, then hash: deterministic
    order = order[df[order] >= min_df]
    slots = (hashes[order] >> _U64(64 - _TABLE_BITS)).astype(np.int64)
    _, first = np.unique(slots, return_index=True)
    order = order[np.sort(first)]
    if max_features is not None:
        order = order[:max_features]
    return np.sort(order)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting: numpy 2.4's hash-based default is 5-20x slower on 64-bit keys."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def count_matrix(occ: Occurrences, vocab: Vocabulary, n_docs: int) -> sp.csr_matrix:
    """Term counts, one row per document, one column per vocabulary n-gram."""
    import scipy.sparse as sp

    cols = vocab.columns(occ.hashes)
    hit = cols >= 0
    data = np.ones(int(hit.sum()), dtype=np.float64)
    counts = sp.coo_matrix((data, (occ.doc[hit], cols[hit])), shape=(n_docs, len(vocab)))
    return counts.tocsr()


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times IDF, each row scaled to unit L2 norm."""
    weighted = counts.copy()
    weighted.data = (np.log(weighted.data) + 1.0) * idf[weighted.indices]
    rows = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
    norms = np.sqrt(np.bincount(rows, weights=weighted.data**2, minlength=weighted.shape[0]))
    norms[norms == 0] = 1.0
    weighted.data /= norms[rows]
    return weighted


@dataclass
class TermValues:
    """The non-zero TF-IDF values of a batch, one per (document, column) pair, by document then column.

    With ``occurrences=True``, ``hit`` (the occurrences in the vocabulary)
    and ``pair`` (each hit occurrence's pair) link them back to ``extract``'s
    occurrences, for explanations; ``counts`` is each pair's term count.
    """

    docs: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    counts: np.ndarray
    hit: np.ndarray | None = None
    pair: np.ndarray | None = None


def term_values(occ: Occurrences, vocab: Vocabulary, n_docs: int, idf: np.ndarray, *, occurrences: bool = False) -> TermValues:
    """The same figures as ``tfidf(count_matrix(...))``, without scipy.

    Each (document, column) pair's count comes from one stable sort of the
    pair keys (occurrences arrive as a few runs of ascending documents, which
    a stable sort merges quickly); then sublinear TF times IDF, L2-normalised
    per document.
    """
    cols = vocab.columns(occ.hashes)
    hit = cols >= 0
    n_cols = max(len(vocab), 1)
    keys = occ.doc[hit] * n_cols + cols[hit]
    if occurrences:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
    else:
        keys.sort(kind="stable")
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(keys))
    docs, cols = np.divmod(keys[starts], n_cols)
    values = _sublinear_tf(counts) * idf[cols]
    norms = np.sqrt(np.bincount(docs, weights=values * values, minlength=n_docs))
    values /= norms[docs]
    result = TermValues(docs, cols, values, counts)
    if occurrences:
        result.hit = np.flatnonzero(hit)
        result.pair = np.empty(len(keys), dtype=np.int64)
        result.pair[order] = np.cumsum(first) - 1
    return result


_SUBLINEAR = 1.0 + np.log(np.arange(1, 257, dtype=np.float64))


def _sublinear_tf(counts: np.ndarray) -> np.ndarray:
    """``1 + log(count)``, from a table for the usual small counts."""
    if len(counts) and counts.max() <= len(_SUBLINEAR):
        return _SUBLINEAR[counts - 1]
    return np.log(counts) + 1.0


def linear_scores(occ: Occurrences, vocab: Vocabulary, n_docs: int, idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``tfidf(count_matrix(...)) @ coef.T`` with numpy alone, shape (n_docs, n_labels).

    The tagging path: no scipy (its import dominates a fresh process's
    start-up), no sort beyond the pair counts, and per label one gather from
    its (float32) coefficient row and one sum per document run, instead of
    a values x labels float64 matrix.
    """
    return term_scores(term_values(occ, vocab, n_docs, idf), n_docs, coef)


def term_scores(terms: TermValues, n_docs: int, coef: np.ndarray) -> np.ndarray:
    """``values @ coef.T`` per document, shape (n_docs, n_labels).

    The pairs come by document, so each label is one gather from its
    (float32) coefficient row and one ``add.reduceat`` over the documents'
    runs: no (pairs x labels) matrix.
    """
    scores = np.zeros((n_docs, coef.shape[0]))
    if len(terms.docs):
        starts = np.flatnonzero(np.diff(terms.docs, prepend=-1))
        present = terms.docs[starts]
        for label, row in enumerate(coef):
            scores[present, label] = np.add.reduceat(terms.values * row[terms.cols], starts)
    return scores

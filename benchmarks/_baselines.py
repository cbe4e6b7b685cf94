"""Reference taggers the benchmarks compare SectorTagger with.

- :class:`MajorityLabelSet`: every paragraph gets the training data's most
  frequent label set (optionally the most frequent non-empty one).
- :class:`KeywordLexicon`: a hand-written list of stems per sector in English,
  French and Italian; a paragraph gets a sector when any of its keywords
  matches. No training.
- :class:`TfidfLogReg`: scikit-learn's default ``TfidfVectorizer()`` and
  ``OneVsRestClassifier(LogisticRegression())`` with a 0.5 threshold.

All three answer label lists in codebook order, like ``SectorTagger.predict``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from sectortag import SECTORS

__all__ = ["LEXICON", "KeywordLexicon", "MajorityLabelSet", "TfidfLogReg", "fold_tokens"]

# --------------------------------------------------------------------------
# The lexicon
#
# Keywords are written folded (lower case, no accents). A keyword is one or
# more space-separated stems that must match consecutive tokens; a stem
# matches a token that starts with it, or only that exact token when the stem
# ends in "$" (for short words such as "un$" or "ble$" that would otherwise
# match "une" or "blesse"). Tokens are runs of letters and digits, so
# "people-to-people" is three tokens and "d'affaires" two.

LEXICON: dict[str, dict[str, list[str]]] = {
    "politics": {
        "en": [
            "politic", "diplomat", "bilateral relation", "bilateral ties", "embass", "ambassador", "consul",
            "visa$", "visas$", "official visit", "state visit", "head of state", "heads of state", "sovereign",
            "territorial integrity", "autonomy plan", "treaty", "treaties", "strategic partnership",
            "foreign minister", "foreign affairs", "parliament", "friendship", "talks$", "consultation", "legal framework", "anniversar",
        ],
        "fr": [
            "politiq", "diplomat", "relations bilateral", "ambassad", "consul", "visa$", "visas$",
            "visite officiel", "visite d etat", "chef de l etat", "chefs d etat", "souverain",
            "integrite territorial", "plan d autonomie", "traite$", "traites$", "partenariat strategiq",
            "affaires etrangeres", "parlement", "amitie",
            "entretien", "consultations", "cadre juridiq", "anniversaire",
        ],
        "it": [
            "politic", "diplomat", "relazioni bilateral", "ambasciat", "consolat", "consolar", "dei visti",
            "visita ufficial", "visita di stato", "capo dello stato", "capi di stato", "sovranit",
            "integrita territorial", "piano di autonomia", "trattat", "partenariato strategic",
            "affari esteri", "ministro degli esteri", "parlament", "amicizia", "colloqu", "consultazion", "quadro giuridic", "anniversari",
        ],
    },
    "trade": {
        "en": [
            "trade", "export", "import", "invest", "econom", "business", "commerc", "market", "compan",
            "energy", "oil$", "gas$", "pipeline", "renewabl", "industr", "mining", "financ", "bank",
            "tourism", "infrastructur", "logistic", "transport", "flights", "airline", "railway", "turnover",
            "tariff", "customs", "manufactur", "entrepreneur", "digital econom",
        ],
        "fr": [
            "commerc", "echanges commerciaux", "export", "import", "invest", "econom", "entrepris",
            "hommes d affaires", "milieux d affaires", "forum d affaires", "chiffre d affaires", "marche$",
            "marches$", "energ", "petrol", "gaz$", "gazoduc", "oleoduc", "renouvelabl", "industri", "minier",
            "financ", "banq", "touris", "infrastructur", "logistiq", "transport", "vols directs", "ferroviair",
            "douan", "tarif",
        ],
        "it": [
            "commerci", "interscambio", "esport", "import", "invest", "econom", "impres", "aziend", "affari$",
            "mercat", "energ", "petrol", "gas$", "gasdott", "oleodott", "rinnovabil", "industri", "minerar",
            "finanz", "banc", "turis", "infrastruttur", "logistic", "trasport", "voli$", "ferrovi", "dogan",
            "dazi", "fatturato", "manifattur",
        ],
    },
    "food_security": {
        "en": [
            "food", "hunger", "famine", "agricultur", "agri", "farm", "wheat", "grain", "cereal", "fertili",
            "fisher", "fish$", "crop", "harvest", "irrigat", "livestock", "drought", "nutrition", "fao$",
            "iofs", "seeds$", "rice$", "maize", "dairy", "aquacultur",
        ],
        "fr": [
            "alimentair", "alimentation", "faim$", "famine", "agricol", "agricult", "agro", "ble$", "cereal",
            "engrais", "peche$", "halieut", "recolte", "irrigat", "elevage", "eleveur", "secheresse",
            "nutrition", "fao$", "semence", "riz$", "betail", "aquacult", "paysan", "vivrier",
        ],
        "it": [
            "alimentar", "alimentazion", "fame$", "carestia", "agricol", "agricolt", "agro", "grano",
            "cereal", "fertilizz", "pesca$", "ittic", "raccolt", "irrigaz", "allevament", "siccita",
            "nutrizion", "fao$", "sementi", "riso$", "mais$", "bestiame", "acquacoltur", "contadin",
            "agroalimentar",
        ],
    },
    "security_defense": {
        "en": [
            "defen", "militar", "armed", "army", "navy", "naval", "air force", "terror", "extremis", "crime",
            "criminal", "traffick", "drug", "narcot", "cyber", "police", "interpol", "border secur",
            "intelligence", "weapon", "missile", "troop", "soldier", "war$", "conflict", "peacekeep",
            "insurgen", "jihad", "security cooperation", "national security",
        ],
        "fr": [
            "defens", "militair", "armee", "armes$", "armement", "marine$", "terror", "extremis", "crimin",
            "trafic de", "trafiquant", "narcot", "drogue", "cyber", "polic", "interpol", "frontier",
            "renseign", "missil", "troupe", "soldat", "guerre", "conflit", "maintien de la paix", "jihad",
            "djihad", "securitaire", "securite national", "cooperation securitaire",
        ],
        "it": [
            "difes", "difens", "militar", "armat", "esercit", "marina$", "terror", "estremis", "crimin", "traffico di",
            "narcotraffic", "droga", "cyber", "polizi", "interpol", "frontier", "intelligence", "missil",
            "truppe", "soldat", "guerra", "conflitt", "peacekeeping", "mantenimento della pace", "jihad",
            "mafia", "ndrangheta", "cartell", "sicurezza nazional",
        ],
    },
    "religion": {
        "en": [
            "religio", "faith", "interfaith", "islam", "muslim", "christian", "church", "cathedral", "mosque",
            "imam", "pope", "vatican", "holy see", "pilgrim", "hajj", "umrah", "quran", "koran", "clergy",
            "bishop", "jewish", "judais", "synagog", "spiritual", "sufi", "buddhis", "hindu", "patriarch",
            "monaster",
        ],
        "fr": [
            "religi", "foi$", "interreligi", "islam", "musulman", "chretien", "eglise", "cathedral", "mosquee",
            "imam", "pape$", "vatican", "saint siege", "pelerin", "hajj", "omra", "coran", "clerg", "eveque",
            "juif", "juive", "judaism", "synagog", "spiritu", "soufi", "bouddh", "hindou", "patriarc",
            "monaster",
        ],
        "it": [
            "religi", "fede$", "interreligi", "islam", "musulman", "cristian", "chiesa", "chiese",
            "cattedral", "moschea", "moschee", "imam", "papa$", "pontefic", "vatican", "santa sede",
            "pellegrin", "hajj", "corano", "clero", "vescov", "ebraic", "ebrei", "sinagog", "spiritual",
            "sufi", "buddh", "induis", "patriarc", "monaster",
        ],
    },
    "culture": {
        "en": [
            "cultur", "art$", "arts$", "artist", "museum", "heritage", "festival", "concert", "film", "cinema",
            "literat", "language", "educat", "universit", "school", "student", "scholarship", "academ",
            "youth", "sport", "olymp", "media$", "journalis", "exhibition", "music", "theatre", "theater",
            "people to people", "librar",
        ],
        "fr": [
            "cultur", "art$", "arts$", "artist", "musee", "patrimoin", "festival", "concert", "film", "cinema",
            "litter", "langue", "francophon", "educat", "enseign", "universit", "ecole", "etudiant",
            "bourses$", "academ", "jeunes$", "jeunesse", "sport", "olymp", "medias$", "journalis",
            "exposition", "musiq", "theatr", "bibliothe",
        ],
        "it": [
            "cultur", "arte$", "arti$", "artist", "museo", "musei", "patrimoni", "festival", "concert",
            "film", "cinema", "letteratur", "lingua", "lingue", "istruzion", "educazion", "universit",
            "scuol", "student", "borse di studio", "accadem", "giovan", "sport", "olimpi",
            "giornalis", "esposizion", "musica", "teatr", "bibliotec",
        ],
    },
    "multilateral": {
        "en": [
            "united nations", "un$", "unesco", "unicef", "wto$", "nato$", "oic$", "organisation of islamic",
            "organization of islamic", "african union", "european union", "eu$", "asean", "sco$", "cis$",
            "brics", "g20", "g7$", "multilateral", "international organi", "general assembly",
            "security council", "sustainable development goal", "sdg", "south south", "triangular",
            "world bank", "imf$", "interpol", "candidac", "agenda 2030",
        ],
        "fr": [
            "nations unies", "onu$", "unesco", "unicef", "omc$", "otan$", "oci$", "organisation de la cooperation islamiq",
            "union africaine", "union europeenne", "ue$", "asean", "ocs$", "cei$", "brics", "g20", "g7$",
            "multilateral", "organisations internationales", "organisation internationale",
            "assemblee generale", "conseil de securite", "objectifs de developpement durable", "odd$",
            "sud sud", "triangulaire", "banque mondiale", "fmi$", "interpol", "candidature", "agenda 2030",
        ],
        "it": [
            "nazioni unite", "onu$", "unesco", "unicef", "omc$", "nato$", "alleanza atlantica", "oci$",
            "organizzazione della cooperazione islamica", "unione africana", "unione europea", "ue$", "asean",
            "ocs$", "csi$", "brics", "g20", "g7$", "multilateral", "organizzazioni internazional",
            "organizzazione internazional", "assemblea generale", "consiglio di sicurezza",
            "obiettivi di sviluppo sostenibile", "sud sud", "triangolar", "banca mondiale", "fmi$",
            "interpol", "candidatura", "agenda 2030",
        ],
    },
}

_TOKEN = re.compile(r"[^\W_]+")


def fold_tokens(text: str) -> list[str]:
    """Lower-cased, accent-folded runs of letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TOKEN.findall(stripped.lower())


def _keyword_pattern(keyword: str) -> str:
    """A regex for ``keyword`` in a string of tokens joined and surrounded by single spaces."""
    parts = []
    for stem in keyword.split():
        exact = stem.endswith("$")
        stem = re.escape(stem.rstrip("$"))
        parts.append(f"{stem}(?= )" if exact else rf"{stem}[^ ]*")
    return " " + " ".join(parts)


class KeywordLexicon:
    """A paragraph gets every sector one of whose keywords occurs in it.

    ``predict(texts, langs)`` uses each paragraph's own language's keywords
    when its language is in the lexicon, and every language's otherwise.
    """

    def __init__(self, lexicon: dict[str, dict[str, list[str]]] | None = None):
        self.lexicon = LEXICON if lexicon is None else lexicon
        labels = [s for s in SECTORS if s in self.lexicon] + sorted(set(self.lexicon) - set(SECTORS))
        langs = sorted({lang for per_lang in self.lexicon.values() for lang in per_lang})
        # per language (None: all languages): [(label, one regex for all its keywords, [(keyword, regex)])]
        self._by_lang: dict[str | None, list[tuple[str, re.Pattern, list[tuple[str, re.Pattern]]]]] = {}
        for lang in [*langs, None]:
            entries = []
            for label in labels:
                per_lang = self.lexicon[label]
                keywords = per_lang.get(lang, []) if lang is not None else [k for ks in per_lang.values() for k in ks]
                keywords = list(dict.fromkeys(keywords))
                if not keywords:
                    continue
                patterns = [(k, _keyword_pattern(k)) for k in keywords]
                combined = re.compile("|".join(f"(?:{p})" for _, p in patterns))
                entries.append((label, combined, [(k, re.compile(p)) for k, p in patterns]))
            self._by_lang[lang] = entries

    def fit(self, texts=None, labels=None, groups=None) -> "KeywordLexicon":
        return self  # nothing to learn

    def _entries(self, lang: str | None):
        return self._by_lang.get(lang, self._by_lang[None])

    def labels_of(self, text: str, lang: str | None = None) -> list[str]:
        """The sectors whose keywords occur in ``text``, in codebook order."""
        joined = " " + " ".join(fold_tokens(text)) + " "
        return [label for label, combined, _ in self._entries(lang) if combined.search(joined)]

    def matches(self, text: str, lang: str | None = None) -> dict[str, list[str]]:
        """For each sector that fires, the keywords that matched (for inspection)."""
        joined = " " + " ".join(fold_tokens(text)) + " "
        found: dict[str, list[str]] = {}
        for label, _, keywords in self._entries(lang):
            hits = [keyword for keyword, pattern in keywords if pattern.search(joined)]
            if hits:
                found[label] = hits
        return found

    def predict(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[str]]:
        if isinstance(texts, str):
            raise TypeError("predict() expects a list of texts, got a str")
        texts = list(texts)
        langs = [None] * len(texts) if langs is None else list(langs)
        if len(langs) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(langs)} languages")
        return [self.labels_of(text, lang) for text, lang in zip(texts, langs)]


class MajorityLabelSet:
    """Predicts the most frequent label set of the training data for every paragraph.

    With ``nonempty=True`` the most frequent non-empty label set is used,
    a stronger reference when most paragraphs carry no label.
    """

    def __init__(self, *, nonempty: bool = False):
        self.nonempty = nonempty

    def fit(self, texts, labels: Sequence[Sequence[str]], groups=None) -> "MajorityLabelSet":
        order = {name: i for i, name in enumerate(SECTORS)}
        counts = Counter(tuple(sorted(set(names), key=lambda n: (order.get(n, len(order)), n))) for names in labels)
        if self.nonempty:
            counts.pop((), None)
        if not counts:
            raise ValueError("no label set to predict: the training data has no (non-empty) labels")
        self.label_set_ = list(counts.most_common(1)[0][0])
        return self

    def predict(self, texts: Sequence[str], langs=None) -> list[list[str]]:
        return [list(self.label_set_) for _ in texts]


class TfidfLogReg:
    """``TfidfVectorizer()`` + ``OneVsRestClassifier(LogisticRegression())``, all defaults, 0.5 threshold."""

    def __init__(self, classes: Sequence[str] = SECTORS):
        self.classes = tuple(classes)

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]], groups=None) -> "TfidfLogReg":
        import warnings

        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer

        self.binarizer_ = MultiLabelBinarizer(classes=list(self.classes))
        target = self.binarizer_.fit_transform(labels)
        self.model_ = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression()))
        with warnings.catch_warnings():  # a label absent from a fold: sklearn warns and predicts it never
            warnings.simplefilter("ignore", UserWarning)
            self.model_.fit(list(texts), target)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model_.predict_proba(list(texts)), dtype=float)

    def predict(self, texts: Sequence[str], langs=None) -> list[list[str]]:
        probabilities = self.predict_proba(texts)
        return [[self.classes[j] for j in np.flatnonzero(row >= 0.5)] for row in probabilities]

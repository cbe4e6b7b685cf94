"""A keyword lexicon per sector in English, French and Italian, from the codebook.

The tagger turns every match into a cross-lingual "sector keyword" feature, so
evidence learnt from "wheat" in English also counts for "blé" and "grano", and
translations of one paragraph get closer scores. The keyword benchmark
baseline (``benchmarks/_baselines.py``) uses the same lexicon on its own.

Keywords are written folded (lower case, no accents). A keyword is one or
more space-separated stems that must match consecutive tokens; a stem
matches a token that starts with it, or only that exact token when the stem
ends in "$" (for short words such as "ble$" that would otherwise match
"blesse"). Tokens are runs of letters and digits, so "people-to-people" is
three tokens and "d'affaires" two.
"""

from __future__ import annotations

__all__ = ["LEXICON"]

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

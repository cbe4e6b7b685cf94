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
three tokens and "d'affaires" two. A stem ending in "!" is an acronym: it
matches only that exact token written with no lower-case letter ("UN", not
"un", the French article).

``CONCEPTS`` groups the words of one concept in the three languages (wheat,
blé, grano; WFP, PAM; OIC, OCI): each concept is a feature of its own,
shared by the languages. With concepts on, a sector's keyword feature fires
on its concepts' keywords and on the ``LEXICON`` keywords, less the short
stems that are common words in another language (``AMBIGUOUS``).
"""

from __future__ import annotations

__all__ = ["AMBIGUOUS", "CONCEPTS", "LEXICON", "sector_keywords"]

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


#: Stems of ``LEXICON`` that are common words in another of the three
#: languages ("un" is the French article, "mais" French for "but", "odd" an
#: English word): left out when concepts are on, where acronyms are matched
#: in capitals instead ("un!").
AMBIGUOUS = frozenset({
    "un$", "eu$", "ue$", "cis$", "sco$", "oic$", "oci$", "ocs$", "cei$", "csi$", "odd$", "mais$", "wto$", "omc$",
    # prefixes of unrelated common words ("import" of "important", "invest" of "investigation",
    # "consul" of "consultation", "giovan" of "Giovanni"...): the concepts have precise forms
    "import", "invest", "consul", "concert", "polic", "esercit", "impres", "giovan", "farm", "intelligence",
    "traite$", "chiese", "consolat",
})

# sector: concept | English | French | Italian, keywords separated by ","
_CONCEPT_TABLE = """
politics: diplomacy | diplomat | diplomat | diplomat
politics: bilateral_relations | bilateral relation, bilateral ties, relations between the two, ties between the two | relations bilateral, relations entre les deux | relazioni bilateral, rapporti bilateral, relazioni tra i due
politics: embassy | embass, ambassador | ambassad | ambasciat
politics: consular | consul$, consuls$, consular, consulate, visa$, visas$ | consul$, consuls$, consulaire, consulat, visa$, visas$ | consolato, consolati$, consolari$, servizi consolari, visti$
politics: official_visit | official visit, state visit, working visit | visite officiel, visite d etat, visite de travail | visita ufficial, visita di stato, visita di lavoro
politics: head_of_state | head of state, heads of state, president of the republic | chef de l etat, chefs d etat, president de la republique | capo dello stato, capi di stato, presidente della repubblica
politics: sovereignty | sovereign, territorial integrity, autonomy plan | souverain, integrite territorial, plan d autonomie | sovranit, integrita territorial, piano di autonomia
politics: political_dialogue | political dialogue, political consultation, consultations$, consultation mechanism | dialogue politiq, consultations politiq, consultations$, mecanisme de consultation | dialogo politic, consultazioni politic, consultazion, meccanismo di consultazion
politics: foreign_ministry | foreign minister, foreign affairs, minister of foreign | affaires etrangeres, chef de la diplomatie | affari esteri, ministro degli esteri, farnesina
politics: treaty | treaty, treaties | traite bilateral, traite d amitie, traites$ | trattat
politics: strategic_partnership | strategic partnership | partenariat strategiq | partenariato strategic
politics: anniversary_ties | anniversar, diplomatic relations | anniversaire, relations diplomatiq | anniversari, relazioni diplomatic
politics: parliament | parliament | parlement | parlament
trade: trade | trade$, trading, commerc | commerc, echanges commerciaux | commerci, interscambio
trade: export | export | export | esport
trade: import | import$, imports$, imported$, importing$, importer$, importers$ | importation, importateur, importe$, importes$, importees$ | importazion, importator, importati$, importate$, importare$
trade: investment | investment, investor, invested$, investing$, invest$, invests$ | investissement, investisseur, investir$, investi$, investis$ | investiment, investitor, investire$, investito$
trade: economy | econom | econom | econom
trade: business | business, companies, company, firms$ | entrepris, hommes d affaires, milieux d affaires, forum d affaires | impresa, imprese$, imprenditor, aziend, affari$
trade: energy | energy, renewabl, solar$, hydrogen | energ, renouvelabl, solaire, hydrogene | energ, rinnovabil, solare, idrogeno
trade: oil_gas | oil$, gas$, pipeline, lng$, hydrocarbon | petrol, gaz$, gazoduc, oleoduc, gnl$, hydrocarbur | petrol, gas$, gasdott, oleodott, gnl$, idrocarbur
trade: industry | industr, manufactur | industri | industri, manifattur
trade: mining | mining, minerals$ | minier, minerais | minerar
trade: finance | financ, bank | financ, banq | finanz, banc
trade: tourism | touris | touris | turis
trade: infrastructure | infrastructur, port$, ports$ | infrastructur, port$, ports$ | infrastruttur, porto$, porti$
trade: transport | transport, logistic, flights$, airline, railway, air links | transport, logistiq, vols$, ferroviair, compagnie aerienne, liaisons aeriennes | trasport, logistic, voli$, ferrovi, compagnia aerea, collegamenti aerei
trade: customs_tariffs | customs, tariff, free trade | douan, tarif, libre echange | dogan, dazi, dazio, libero scambio
trade: market | market | marche$, marches$ | mercat
trade: digital | digital econom, fintech, e commerce | economie numeriq, fintech, commerce electroniq | economia digital, fintech, commercio elettronic
trade: business_forum | business forum, business council, chamber of commerce | forum economiq, conseil d affaires, chambre de commerce | forum economic, forum imprenditorial, camera di commercio
trade: joint_commission | joint commission, intergovernmental commission, joint economic | commission mixte, commission intergouvernemental | commissione mista, commissione intergovernativ
food_security: food | food | alimentair, alimentation, vivrier | alimentar, alimentazion
food_security: food_security | food security, food insecurity | securite alimentaire, insecurite alimentaire | sicurezza alimentare, insicurezza alimentare
food_security: hunger | hunger, famine, malnutrition | faim$, famine, malnutrition | fame$, carestia, malnutrizion
food_security: agriculture | agricultur, agri, farm$, farms$, farmer, farming, farmland | agricol, agricult, agro | agricol, agricolt, agro
food_security: wheat_grain | wheat, grain, cereal | ble$, cereal, grains$ | grano, cereal, granaglie
food_security: fertiliser | fertili | engrais, fertilis | fertilizz
food_security: fisheries | fisher, fish$, aquacultur | peche$, halieut, aquacult | pesca$, ittic, acquacoltur
food_security: livestock | livestock, cattle | elevage, betail, cheptel | allevament, bestiame
food_security: irrigation | irrigat | irrigat | irrigaz
food_security: harvest_crops | harvest, crop, seeds$ | recolte, cultures vivrieres, cultures agricoles, semence | raccolt, colture, sementi
food_security: drought | drought | secheresse | siccita
food_security: rice | rice$ | riz$ | riso$
food_security: fao | fao!, fao$, food and agriculture organization | fao!, fao$, organisation des nations unies pour l alimentation | fao!, fao$, organizzazione delle nazioni unite per l alimentazione
food_security: wfp | wfp!, world food programme, world food program | pam!, programme alimentaire mondial | pam!, programma alimentare mondiale
food_security: ifad | ifad!, international fund for agricultural development | fida!, fonds international de developpement agricole | fida!, ifad!, fondo internazionale per lo sviluppo agricolo
food_security: iofs | iofs!, islamic organization for food security, islamic organisation for food security | oisa!, iofs!, organisation islamique pour la securite alimentaire | iofs!, organizzazione islamica per la sicurezza alimentare
security_defense: defence | defen, ministry of defence | defens | difes, difens
security_defense: military | militar, armed forces, army, navy, naval, air force, troops | militair, forces armees, armee, marine$, troupe | militar, forze armate, esercito, eserciti$, marina$, truppe
security_defense: terrorism | terror | terror | terror
security_defense: extremism | extremis, radicali | extremis, radicalis | estremis, radicalizz
security_defense: crime | crime, criminal | crime, crimin | crimin, reato, reati
security_defense: trafficking | traffick, smuggl | trafic$, trafiquant, contrebande, traite des etres humains, traite des personnes | traffic, contrabband
security_defense: drugs | drug, narcot | drogue, stupefiant, narcot | droga, droghe, stupefacent, narcot
security_defense: cyber | cyber | cyber | cyber, informatic
security_defense: police | police, policing, law enforcement | police$, policier, policiere, forces de l ordre, gendarmerie | polizi, forze dell ordine, carabinier
security_defense: interpol | interpol | interpol | interpol
security_defense: border | border security, border control | frontier | frontier
security_defense: intelligence | intelligence services, intelligence sharing, intelligence agenc, intelligence cooperation | renseign | servizi di intelligence, servizi segreti
security_defense: weapons | weapon, missile, arms$ | armes$, armement, missil | armi$, armament, missil
security_defense: conflict | war$, conflict, ceasefire, insurgen | guerre, conflit, cessez le feu | guerra, conflitt, cessate il fuoco
security_defense: peacekeeping | peacekeep | maintien de la paix, casques bleus | mantenimento della pace, peacekeeping, caschi blu
security_defense: justice_cooperation | extradit, mutual legal assistance, judicial cooperation | extradit, entraide judiciaire, cooperation judiciaire | estradiz, assistenza giudiziaria, cooperazione giudiziaria
security_defense: unodc | unodc!, united nations office on drugs and crime | onudc!, unodc!, office des nations unies contre la drogue et le crime | unodc!, ufficio delle nazioni unite contro la droga e il crimine
religion: religion | religio | religi | religi
religion: faith | faith | foi$, croyant | fede$, credent
religion: interfaith | interfaith, interreligious, inter religious | interreligi, dialogue des religions | interreligi, dialogo tra le religioni
religion: islam | islam, muslim | islam, musulman | islam, musulman
religion: christianity | christian, church | chretien, eglise | cristian, chiesa
religion: mosque | mosque, imam | mosquee, imam | moschea, moschee, imam
religion: pope | pope, pontiff, papal | pape$, pontife, pontifical | papa$, pontefic
religion: holy_see | holy see, vatican | saint siege, vatican | santa sede, vatican
religion: pilgrimage | pilgrim, hajj, umrah | pelerin, hajj, omra | pellegrin, hajj, umrah
religion: scripture | quran, koran, bible | coran, bible | corano, bibbia
religion: clergy | clergy, bishop, cardinal, patriarch, archbishop | clerg, eveque, cardinal, patriarc, archeveque | clero, vescov, cardinal, patriarc, arcivescov
religion: judaism | jewish, judais, synagog, rabbi | juif, juive, judaism, synagog, rabbin | ebraic, ebrei, sinagog, rabbin
religion: kaiciid | kaiciid!, king abdullah bin abdulaziz international centre | kaiciid! | kaiciid!
religion: religious_leaders | religious leaders, spiritual | chefs religieux, responsables religieux, spiritu | leader religiosi, capi religiosi, spiritual
culture: culture | cultur | cultur | cultur
culture: arts | art$, arts$, artist, music, theatre, theater, concert$, concerts$ | art$, arts$, artist, musiq, theatr, concert$, concerts$ | arte$, arti$, artist, musica, teatr, concerto, concerti$
culture: heritage | heritage, museum | patrimoin, musee | patrimoni, museo, musei
culture: festival_exhibition | festival, exhibition, cultural days, cultural week | festival, exposition, journees culturelles, semaine culturelle | festival, esposizion, giornate culturali, settimana culturale
culture: cinema_literature | film, cinema, literat, book$, books$ | film, cinema, litter, livre$, livres$ | film, cinema, letteratur, libro$, libri$
culture: language | language | langue, francophon | lingua, lingue
culture: education | educat, school, teacher, teaching | educat, enseign, ecole, scolaire | istruzion, educazion, scuol, insegna
culture: university | universit, academ, research | universit, academ, recherche scientifiq, recherche universitair, chercheur | universit, accadem, ricerca scientific, ricerca universitar, ricercator
culture: students_scholarships | student, scholarship, fellowship | etudiant, bourses$, bourse d etudes | student, borse di studio, borsa di studio
culture: youth_sport | youth, sport, olymp | jeunes$, jeunesse, sport, olymp | giovani$, giovanile, gioventu, sport, olimpi
culture: media | media$, journalis, press agenc | medias$, journalis, agence de presse | media$, giornalis, agenzia di stampa
culture: people_to_people | people to people, cultural and humanitarian, civilization, civilisation | peuple a peuple, entre les peuples, culturel et humanitaire, civilisation | tra i popoli, culturale e umanitari, civilta$
culture: unesco | unesco!, unesco | unesco!, unesco | unesco!, unesco
multilateral: united_nations | united nations, un!, u n$ | nations unies, onu!, onu$ | nazioni unite, onu!, onu$
multilateral: general_assembly_security_council | general assembly, security council, unga!, unsc! | assemblee generale, conseil de securite, agnu! | assemblea generale, consiglio di sicurezza
multilateral: multilateralism | multilateral | multilateral | multilateral
multilateral: international_organisation | international organi, international forum, international communit | organisations internationales, organisation internationale, communaute internationale, forum international | organizzazioni internazional, organizzazione internazional, comunita internazional, forum internazional
multilateral: oic | oic!, organisation of islamic, organization of islamic | oci!, organisation de la cooperation islamiq | oci!, organizzazione della cooperazione islamica
multilateral: african_union | african union, au! | union africaine, ua! | unione africana, ua!
multilateral: european_union | european union, eu!, european commission | union europeenne, ue!, commission europeenne | unione europea, ue!, commissione europea
multilateral: regional_blocs | asean!, sco!, cis!, eeu!, eaeu!, eurasian economic union, shanghai cooperation, gcc!, ecowas!, sadc!, arab league, brics | asean!, ocs!, cei!, uee!, union economique eurasiatique, organisation de cooperation de shanghai, ccg!, cedeao!, sadc!, ligue arabe, brics | asean!, ocs!, sco!, csi!, uee!, unione economica eurasiatica, organizzazione per la cooperazione di shanghai, ccg!, ecowas!, cedeao!, sadc!, lega araba, brics
multilateral: g20_g7 | g20, g7$ | g20, g7$ | g20, g7$
multilateral: nato_osce | nato!, nato$, osce! | otan!, otan$, osce! | nato!, nato$, osce!
multilateral: un_agencies | unicef!, unicef, unhcr!, undp!, unep!, who!, ilo!, iom!, iaea!, unctad!, unido!, unfpa!, ocha!, unrwa!, un! agenc | unicef!, unicef, hcr!, pnud!, pnue!, oms!, oit!, oim!, aiea!, cnuced!, onudi!, unfpa!, ocha!, unrwa!, agences onusiennes, agence des nations unies | unicef!, unicef, unhcr!, undp!, unep!, oms!, oil!, oim!, aiea!, unctad!, unido!, unfpa!, ocha!, unrwa!, agenzie dell onu, agenzia delle nazioni unite
multilateral: financial_institutions | world bank, imf!, imf$, wto!, wto$, african development bank | banque mondiale, fmi!, fmi$, omc!, omc$, banque africaine de developpement | banca mondiale, fmi!, fmi$, omc!, omc$, banca africana di sviluppo
multilateral: sdgs | sustainable development goal, sdg, agenda 2030, 2030 agenda | objectifs de developpement durable, odd!, agenda 2030 | obiettivi di sviluppo sostenibile, oss!, agenda 2030
multilateral: south_south | south south, triangular cooperation | sud sud, cooperation triangulaire | sud sud, cooperazione triangolare
multilateral: candidacy | candidac, candidature | candidature | candidatura
"""


def _parse_concepts(table: str) -> dict[str, tuple[str, dict[str, list[str]]]]:
    concepts: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for line in table.strip().splitlines():
        head, en, fr, it = (part.strip() for part in line.split("|"))
        sector, name = (part.strip() for part in head.split(":"))
        if name in concepts:
            raise ValueError(f"concept {name!r} is defined twice")
        if sector not in LEXICON:
            raise ValueError(f"concept {name!r} has unknown sector {sector!r}")
        concepts[name] = (
            sector,
            {lang: [k.strip() for k in words.split(",") if k.strip()] for lang, words in (("en", en), ("fr", fr), ("it", it))},
        )
    return concepts


#: concept name -> (sector, {language: keywords})
CONCEPTS: dict[str, tuple[str, dict[str, list[str]]]] = _parse_concepts(_CONCEPT_TABLE)


def sector_keywords(concepts: bool = True) -> dict[str, dict[str, list[str]]]:
    """Keywords of each sector per language: ``LEXICON``, plus the concepts' when ``concepts``.

    Without concepts this is ``LEXICON`` exactly, as models trained before
    concepts existed expect.
    """
    if not concepts:
        return LEXICON
    merged = {sector: {lang: [k for k in words if k not in AMBIGUOUS] for lang, words in per_lang.items()}
              for sector, per_lang in LEXICON.items()}
    for sector, per_lang in CONCEPTS.values():
        for lang, words in per_lang.items():
            target = merged[sector].setdefault(lang, [])
            target.extend(k for k in words if k not in target)
    return merged

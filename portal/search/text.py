"""Text handling of the search: query cleaning, folding, transliteration and skeleton keys.

Nothing here touches the database. ``name_variants`` is what a row stores in ``search_names``
(its names and their transliterations); ``skeleton_keys`` what it stores in ``search_keys``
and what a query word is looked up by:

**Skeleton keys** collapse the ways one Russian word is written in Latin letters onto one key,
on the indexed side and on the query side alike:

1. a Latin word is read back into Cyrillic (``to_cyrillic``, the reverse of the romanisations
   CORDIS uses: English habit, BGN/PCGN, ISO 9/GOST without diacritics, scientific);
2. the Russian Snowball stemmer (``snowballstemmer``) drops the grammatical ending
   ("Вернадского", "VERNADSKOGO", "Vernadsky" all give "вернадск"; "Ельцина" and "YELTSIN"
   "ельцин"); an adjective made from a name gives the name's key too ("Казанский": KAZAN,
   "Курчатовский": KURCHATOV);
3. the stem is written in Latin (anyascii) and collapsed: KH/H/G (Russian writes German H
   as "Г": "Гумбольдт" is HUMBOLDT), TS/TZ/C, SH/SHCH/SCH, Y/J/I, YE/E, IA/YA/JA, W/V,
   doubled letters (``skeleton``).

A query word that ends as a Russian compound abbreviation does ("Физтех", "Скольтех",
"Гидрометцентр") is also read as the beginnings of the name's words it runs together
(``compound_readings``: beginnings of keys, on the query side only).

German and Scandinavian letters are searched spelled out as CORDIS writes them and folded
("München": "MUENCHEN" and "Munchen"; ``spell_out``, ``spelled_variants``).

English translations of institution and place words ("Technological", "Saint Petersburg",
"University") add the key of their Russian counterpart (``TRANSLATIONS``): no library keeps
this short list, and a translation library would be a network service.

cyrtranslit was tried for step 1 and left out: it reads "kh", "ts" and "shch" (the English
habit CORDIS uses most) as two letters. pymorphy3 (lemmas) was left out as well: the stemmer
gives the same keys for the surname and adjective forms tested here (see the tests), loads in
no time and needs no 8 MB dictionary.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer  # type: ignore[import-untyped]
from anyascii import anyascii

from portal.search.places import adjective_base, city_names, place_tokens

#: longer queries are cut (characters) ...
MAX_QUERY_LENGTH = 200
#: ... and so are queries with more words than this
MAX_QUERY_TERMS = 12

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ROMANISED_RUSSIAN = re.compile(
    r"\b(?:\w+(?:skiy|skii|skij|skaya|skoye|skoe|skogo|nyy|nyi|nyj|naya|noye|nogo|tsiya|tsii|"
    r"stvo|stva|ovich|evich)|imeni|akademii|akademiya|nauk|institut|universitet|tsentr|"
    r"obshchestvo|otdelenie|otdeleniya|zavod|rossii|fgbu|fgbou|fgup|oao|zao|ooo|pao)\b",
    re.IGNORECASE,
)

#: words too common to require (English and Russian function words); never a key
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "de",
        "del",
        "der",
        "des",
        "di",
        "du",
        "e",
        "et",
        "for",
        "from",
        "im",
        "in",
        "la",
        "le",
        "of",
        "on",
        "or",
        "the",
        "to",
        "und",
        "van",
        "von",
        "with",
        "za",
        # Dutch, German and Nordic function words of names (DEN HAAG, INSTITUT FUER,
        # UNIVERSITEIT VOOR), and Russian ones romanised (ROSTOV-NA-DONU); not single
        # letters, which are also initials and numerals (UNIVERSITE PARIS V)
        "den",
        "dem",
        "het",
        "voor",
        "fur",
        "fuer",
        "zu",
        "och",
        "og",
        "na",
        "pri",
        "dlya",
        "и",
        "в",
        "во",
        "на",
        "по",
        "при",
        "для",
        "им",
        "имени",
        "из",
        "к",
        "с",
        "со",
        "у",
        "о",
        "об",
        "от",
    ]
)


# -- cleaning and folding --------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """The query as searched: printable characters only (no NUL), spaces collapsed, capped."""
    if not raw:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw)[: MAX_QUERY_LENGTH * 4])
    words = text.split()[: MAX_QUERY_TERMS * 2]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch == "ё":
        return "е"
    if ch == "Ё":
        return "Е"
    if "LATIN" in unicodedata.name(ch, ""):
        return anyascii(ch) or ch
    return ch


def fold(text: str) -> str:
    """Latin letters without accents ("Université" -> "Universite"), "ё" as "е"."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


@functools.lru_cache(maxsize=4096)
def _latin_char(ch: str) -> str:
    if _CYRILLIC.match(ch):
        return anyascii(ch).replace("'", "").replace('"', "")
    return _fold_char(ch)


def to_latin(text: str) -> str:
    """Cyrillic in Latin letters, as CORDIS writes Russian names ("Томский" -> "Tomskiy")."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _latin_char(ch) for ch in text)


_LAT_TO_CYR_MULTI = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("shh", "щ"),
    ("tch", "ч"),  # French and older English habit: Tchaikovsky, Tchebychev
    ("zh", "ж"),
    ("kh", "х"),
    ("tz", "ц"),
    ("ts", "ц"),
    ("cz", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "е"),
    ("ye", "е"),
    ("ju", "ю"),
    ("ja", "я"),
    ("iu", "ю"),
    ("iia", "ия"),
    ("ia", "ия"),
    ("ph", "ф"),
    ("ck", "к"),  # German and English names: Planck, Stockholm
)
_LAT_TO_CYR = dict(zip("abvgdezijklmnoprstufhcwxq", "абвгдезийклмнопрстуфхцвкк", strict=True))
_LAT_TO_CYR["x"] = "кс"
_VOWELS = set("aeiouy")
#: a C before these letters is "ц" ("Centre", "Cyprus"); else "к" when read as the languages
#: of the EU read it (``word_keys``)
_SOFT_C = frozenset({"e", "i", "y"})
#: a Latin word with a C that the languages of the EU read "к": COMPLUTENSE, COIMBRA, CURIE,
#: CLINIC, MARC (ISO 9 and the scientific romanisation write "ц" and "ч" as C: CVETKOV)
_HARD_C = re.compile(r"c(?![eiyhkz])")
_LATIN_RUN = re.compile(r"[A-Za-z']+")


@functools.lru_cache(maxsize=65536)
def _word_to_cyrillic(word: str, *, hard_c: bool = False) -> str:
    """One Latin word in Cyrillic letters; ``hard_c``: a C before A, O, U, a consonant or at
    the end is read "к" (as the languages of the EU read it), not "ц"."""
    word = word.lower()
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, cyrillic in _LAT_TO_CYR_MULTI:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            ch = word[i]
            if ch == "y":
                # "y" after a vowel is "й" (-iy, -yy, kray), otherwise "ы".
                out.append("й" if i > 0 and word[i - 1] in _VOWELS else "ы")
            elif ch == "'":
                out.append("ь")
            elif ch == "c" and hard_c and word[i + 1 : i + 2] not in _SOFT_C:
                out.append("к")
            else:
                out.append(_LAT_TO_CYR.get(ch, ch))
            i += 1
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Romanised Russian back in Cyrillic ("MOSKOVSKIY" -> "московский"); lower case."""
    return _LATIN_RUN.sub(lambda m: _word_to_cyrillic(m.group(0)), fold(text))


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(fold(text)))


def looks_romanised_russian(text: str) -> bool:
    return not has_cyrillic(text) and bool(_ROMANISED_RUSSIAN.search(text))


def name_variants(*names: str | None) -> str:
    """Every name, its accent-free form and its transliteration, one per line, no repeats.

    Cyrillic names get a Latin variant; Latin names that look like romanised Russian get a
    Cyrillic one, so that the Russian stemmer of the full-text index sees them too.
    """
    variants: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(str(raw or "").split())
        if not name:
            continue
        candidates = [name, fold(name)]
        if has_cyrillic(name):
            candidates.append(to_latin(name))
        elif looks_romanised_russian(name):
            candidates.append(to_cyrillic(name))
        for candidate in candidates:
            key = candidate.casefold()
            if candidate and key not in seen:
                seen.add(key)
                variants.append(candidate)
    return "\n".join(variants)


# -- skeleton keys ---------------------------------------------------------------------------

#: English words of institution and place names -> their Russian counterparts
TRANSLATIONS: dict[str, tuple[str, ...]] = {
    "academy": ("академия",),
    "academic": ("академический",),
    "agricultural": ("сельскохозяйственный",),
    "applied": ("прикладной",),
    "arctic": ("арктический",),
    "automation": ("автоматизация",),
    "baltic": ("балтийский",),
    "biology": ("биология",),
    "biological": ("биологический",),
    "branch": ("филиал", "отделение"),
    "center": ("центр",),
    "centre": ("центр",),
    "central": ("центральный",),
    "chemical": ("химический",),
    "chemistry": ("химия",),
    "company": ("компания",),
    "economics": ("экономика",),
    "economic": ("экономический",),
    "energy": ("энергетика", "энергия"),
    "engineering": ("инженерный",),
    "far": ("дальневосточный",),
    "eastern": ("восточный", "дальневосточный"),
    "federal": ("федеральный",),
    "foundation": ("фонд",),
    "geochemistry": ("геохимия",),
    "higher": ("высший",),
    "humanities": ("гуманитарный",),
    "institute": ("институт",),
    "international": ("международный",),
    "joint": ("объединенный", "акционерный"),
    "laboratory": ("лаборатория",),
    "lab": ("лаборатория",),  # a company's "Lab", "Labs": KASPERSKY LAB
    "labs": ("лаборатория",),
    "basic": ("фундаментальный",),  # "basic research": "фундаментальные исследования"
    "library": ("библиотека",),
    "mathematics": ("математика",),
    "mechanics": ("механика",),
    "medical": ("медицинский",),
    "medicine": ("медицина",),
    "moscow": ("москва", "московский"),
    "national": ("национальный",),
    "nizhni": ("нижний", "нижегородский"),
    "nizhniy": ("нижний", "нижегородский"),
    "nizhny": ("нижний", "нижегородский"),
    "novgorod": ("новгород", "новгородский"),
    "nuclear": ("ядерный",),
    "petersburg": ("петербург", "петербургский"),
    "physical": ("физический", "физика"),
    "physics": ("физика",),
    "polytechnic": ("политехнический",),
    # "научно-исследовательский": a RESEARCH CENTRE is a "научно-исследовательский центр"
    "research": ("исследовательский", "исследование", "научный"),
    "russian": ("российский", "русский"),
    "russia": ("россия",),
    "saint": ("санкт",),
    "st": ("санкт",),
    "school": ("школа",),
    "science": ("наука", "научный"),
    "sciences": ("наука", "научный"),
    "scientific": ("научный",),
    "siberian": ("сибирский",),
    "society": ("общество",),
    "space": ("космический",),
    "state": ("государственный",),
    "technical": ("технический",),
    "technological": ("технологический",),
    # "физико-технический": the MOSCOW INSTITUTE OF PHYSICS AND TECHNOLOGY
    "technology": ("технология", "технический"),
    "technologies": ("технология",),
    "university": ("университет",),
    "ural": ("уральский", "урал"),
    # fields and kinds of science that institutes are named after ("Институт катализа",
    # "Институт общей физики": BORESKOV INSTITUTE OF CATALYSIS, INSTITUTE OF GENERAL PHYSICS)
    "aerospace": ("аэрокосмический",),
    "agrarian": ("аграрный",),
    "astronomy": ("астрономия",),
    "astrophysics": ("астрофизика",),
    "aviation": ("авиационный", "авиация"),
    "biochemistry": ("биохимия",),
    "bioorganic": ("биоорганический",),
    "biophysics": ("биофизика",),
    "cardiology": ("кардиология",),
    "catalysis": ("катализ",),
    "computer": ("вычислительный", "компьютерный"),
    "computing": ("вычислительный",),
    "crystallography": ("кристаллография",),
    "cybernetics": ("кибернетика",),
    "earth": ("земля",),
    "ecology": ("экология",),
    "electronics": ("электроника",),
    "experimental": ("экспериментальный",),
    "food": ("пищевой",),
    "forest": ("лес", "лесной"),
    "forestry": ("лесной",),
    "gas": ("газ",),
    "general": ("общий",),
    "genetics": ("генетика",),
    "geography": ("география",),
    "geology": ("геология",),
    "geophysics": ("геофизика",),
    "history": ("история",),
    "informatics": ("информатика",),
    "inorganic": ("неорганический",),
    "linguistics": ("лингвистика",),
    "marine": ("морской",),
    "mathematical": ("математический",),
    "metallurgy": ("металлургия",),
    "microbiology": ("микробиология",),
    "mining": ("горный",),
    "molecular": ("молекулярный",),
    "nanotechnology": ("нанотехнология",),
    "nanotechnologies": ("нанотехнология",),
    "northern": ("северный",),
    "oceanology": ("океанология",),
    "oil": ("нефть", "нефтяной"),
    "oncology": ("онкология",),
    "optics": ("оптика",),
    "organic": ("органический",),
    "pedagogical": ("педагогический",),
    "petroleum": ("нефть", "нефтяной"),
    "pharmaceutical": ("фармацевтический",),
    "philosophy": ("философия",),
    "photonics": ("фотоника",),
    "polar": ("полярный",),
    "polymer": ("полимер",),
    "polymers": ("полимер",),
    "problems": ("проблема",),
    "psychology": ("психология",),
    "railway": ("железнодорожный",),
    "railways": ("железнодорожный",),
    "robotics": ("робототехника",),
    "semiconductor": ("полупроводник",),
    "semiconductors": ("полупроводник",),
    "sociology": ("социология",),
    "solar": ("солнечный",),
    "southern": ("южный",),
    "spectroscopy": ("спектроскопия",),
    "theoretical": ("теоретический",),
    "thermophysics": ("теплофизика",),
    "veterinary": ("ветеринарный",),
    # more fields that Russian institutes are named after, as CORDIS writes the names in
    # English ("INSTITUTE OF PROTEIN RESEARCH": "Институт белка"; "MELNIKOV PERMAFROST
    # INSTITUTE": "Институт мерзлотоведения"); words this common in descriptions too
    # ("systems", "information", "control", "plant") are left out: each translation is one
    # more form of the word in every search of it
    "anthropology": ("антропология",),
    "archaeology": ("археология",),
    "biomedical": ("биомедицинский",),
    "botanical": ("ботанический",),
    "cartography": ("картография",),
    "cytology": ("цитология",),
    "endocrinology": ("эндокринология",),
    "epidemiology": ("эпидемиология",),
    "ethnology": ("этнология",),
    "geodesy": ("геодезия",),
    "glaciology": ("гляциология",),
    "haematology": ("гематология",),
    "hematology": ("гематология",),
    "hydrobiology": ("гидробиология",),
    "hydrodynamics": ("гидродинамика",),
    "hydrology": ("гидрология",),
    "immunology": ("иммунология",),
    "laser": ("лазерный", "лазер"),
    "limnology": ("лимнология",),
    "meteorology": ("метеорология",),
    "mineralogy": ("минералогия",),
    "neurology": ("неврология",),
    "ophthalmology": ("офтальмология",),
    "paediatrics": ("педиатрия",),
    "pediatrics": ("педиатрия",),
    "permafrost": ("мерзлота", "мерзлотоведение"),
    "pharmacology": ("фармакология",),
    "philology": ("филология",),
    "physiology": ("физиология",),
    "plasma": ("плазма",),
    "protein": ("белок", "белка"),  # the stem of its other cases: белка, белков, белки
    "psychiatry": ("психиатрия",),
    "radiology": ("радиология",),
    "radiophysics": ("радиофизика",),
    "seismology": ("сейсмология",),
    "soil": ("почва", "почвенный"),
    "surgery": ("хирургия",),
    "toxicology": ("токсикология",),
    "virology": ("вирусология",),
    "volcanology": ("вулканология",),
    "zoological": ("зоологический",),
    # the same two institution words as CORDIS writes them in the languages of the EU
    # ("TECHNISCHE UNIVERSITAET MUENCHEN", "UNIVERSITE LIBRE DE BRUXELLES")
    **dict.fromkeys(
        (
            "universitaet",
            "universitat",
            "universitatea",
            "universite",
            "universita",
            "universidad",
            "universidade",
            "universiteit",
            "universitetas",
            "universitetet",
            "universitate",
            "univerzita",
            "uniwersytet",
            "yliopisto",
            "ulikool",
            "egyetem",
            "panepistimio",
        ),
        ("университет",),
    ),
    **dict.fromkeys(
        ("technische", "technischen", "technique", "tecnica", "tecnico", "technicka"),
        ("технический",),
    ),
    # (after the university's own words: "университет" in a text is a university first,
    # ``english_counterparts`` keeps the table's order)
    # polytechnic as CORDIS writes it in the languages of the EU ("POLITECNICO DI MILANO"),
    # which English calls a university of technology (POLITECHNIKA WARSZAWSKA: Warsaw
    # University of Technology; ETHNIKO METSOVIO POLYTECHNEIO: National Technical University
    # of Athens)
    **dict.fromkeys(
        (
            "politecnico",
            "politecnica",
            "politechnika",
            "polytechnique",
            "politehnica",
            "polytechneio",
        ),
        ("политехнический", "университет", "технология", "технический"),
    ),
}

#: more words of the names of Russian institutions and companies as CORDIS writes them in
#: English ("MAIN BOTANICAL GARDEN", "WATER PROBLEMS INSTITUTE", "INSTITUTE OF CONTROL
#: SCIENCES", "LIMITED LIABILITY COMPANY", "PETER THE GREAT ST. PETERSBURG POLYTECHNIC
#: UNIVERSITY"), with their Russian counterparts
_RUSSIAN_INSTITUTION_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("сад",), "garden gardens"),
    (("главный",), "main chief"),
    (("вода", "водный"), "water waters"),
    (("вычислительный", "численный"), "numerical computational"),
    (("система", "системный"), "system systems"),
    (("программирование", "программный"), "programming software"),
    (("управление",), "control management governance"),
    (("металл",), "metal metals"),
    (("бюджетный",), "budgetary budget"),
    (("учреждение",), "institution establishment"),
    (("ограниченный",), "limited"),
    (("ответственность",), "liability"),
    (("общество",), "company"),
    (("акционерный",), "stock"),
    (("закрытый",), "closed"),
    (("публичный",), "public"),
    (("петр",), "peter pyotr petr"),
    (("великий",), "great"),
    (("экономика", "хозяйство"), "economy"),
    (("народный",), "national"),
    (("железный", "дорога"), "railway railways"),
    # "экономика переходного периода": the ECONOMY IN TRANSITION
    (("переход", "переходный", "период"), "transition"),
    (("период",), "period"),
    (("твердый", "тело"), "solid"),
    (("океан",), "ocean oceans"),
    (("региональный",), "regional"),
    (("федерация",), "federation"),
    (("президентский",), "presidential"),
    (("администрация", "управление"), "administration"),
    (("информация", "информационный"), "information"),
    (("морской",), "sea"),
    (("озеро",), "lake"),
    (("река",), "river"),
    (("горный", "гора"), "mountain mountains"),
    (("степь",), "steppe"),
    # with the first halves of compound adjectives: "Северо-Восточный", "Юго-Западный"
    # (NORTH-EASTERN, SOUTH-WEST)
    (("северный", "северо"), "north"),
    (("южный", "юго"), "south"),
    (("западный",), "west western"),
    (("восточный",), "east"),
    (("высокий",), "high"),
    (("низкий",), "low"),
    (("температура",), "temperature temperatures"),
    (("энергия",), "power"),
    (("здоровье", "здравоохранение"), "health healthcare"),
    (("больница",), "hospital"),
    (("сельский", "сельскохозяйственный"), "rural agriculture"),
    (("строительство", "строительный"), "construction building"),
    (("транспорт", "транспортный"), "transport"),
    (("связь",), "communications telecommunications"),
    (("окружающий", "среда"), "environment environmental"),
    (("охрана",), "protection"),
    (("безопасность",), "security safety"),
    (("промышленный", "промышленность"), "industrial industry"),
    (("торговый", "торговля"), "trade commerce"),
    (("палата",), "chamber"),
    (("агентство",), "agency"),
    (("служба",), "service"),
    (("министерство",), "ministry"),
    (("музей",), "museum"),
    (("парк",), "park"),
    (("заповедник",), "reserve"),
    (("обсерватория",), "observatory"),
    (("станция",), "station"),
    (("завод",), "works factory"),
    (("бюро",), "bureau"),
    (("фонд",), "fund"),
    (("ассоциация", "объединение"), "association"),
    (("союз", "объединение"), "union"),
    # the Russian Academy of Sciences as CORDIS abbreviates it: "SB RAS", "RAS"
    (("ран",), "ras"),
)

#: the legal forms of Russian companies: their Russian initials (as ``name_acronyms`` writes
#: the initials of a name that spells them out, "OBSHCHESTVO S OGRANICHENNOI
#: OTVETSTVENNOSTYU": "ooo") for every way CORDIS and users write them ("ООО", "OOO",
#: "LLC")
LEGAL_FORMS: dict[str, str] = {
    **dict.fromkeys(("ооо", "ooo", "llc"), "ooo"),
    **dict.fromkeys(("зао", "zao", "cjsc"), "zao"),
    **dict.fromkeys(("оао", "oao", "ojsc"), "oao"),
    **dict.fromkeys(("пао", "pao", "pjsc"), "pao"),
    **dict.fromkeys(("ао", "jsc"), "ao"),
    **dict.fromkeys(("фгуп", "fgup", "fsue"), "fgup"),
}

#: the words of institution names as CORDIS writes them in the languages of the EU (folded,
#: lower case), and more English ones, with their Russian counterparts: "Общество Макса
#: Планка" and "Max Planck Society" find MAX-PLANCK-GESELLSCHAFT, "Национальный институт
#: ядерной физики" ISTITUTO NAZIONALE DI FISICA NUCLEARE, "Technical University of Denmark"
#: DANMARKS TEKNISKE UNIVERSITET. A word whose transliteration already gives the Russian
#: word's key is not listed (INSTITUT, AKADEMIE, FIZYKI, NAUK). The adjectives "technical"
#: of the EU languages are also "technology": a TECHNISCHE UNIVERSITEIT is a "University of
#: Technology" in English.
_EU_INSTITUTION_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("институт",),
        "istituto instituto instytut institutet instituut institutt institutul intezet "
        "instituttet ustav",
    ),
    (
        ("общество",),
        "gesellschaft societe societa sociedad sociedade towarzystwo spolecnost selskab selskap "
        "vereniging",
    ),
    (("центр",), "zentrum centro centrum keskus kozpont centrul centras centrs kentro kentron"),
    # German compounds of research: FORSCHUNGSZENTRUM JUELICH, FORSCHUNGSINSTITUT
    (("исследовательский", "исследование", "центр"), "forschungszentrum"),
    (("исследовательский", "исследование", "институт"), "forschungsinstitut"),
    (
        ("исследование", "исследовательский"),
        "forschung recherche recherches ricerca ricerche investigacion investigaciones "
        "investigacao investigacio onderzoek badan badawczy tutkimus forskning cercetare "
        "cercetari vyzkum vyzkumu vyzkumny tyrimu erevnas ereunas erevnon kutato kutatointezet",
    ),
    (
        ("научный", "наука"),
        "scientifique scientifiques scientifica scientifico scientifiche cientifica cientifico "
        "cientificas cientificos wissenschaftliche wissenschaftlichen wissenschaftliches "
        "naukowy naukowe naukowa wetenschappelijk wetenschappelijke tudomanyos stiintifica "
        "stiintifice tieteellinen vedecky vedecke",
    ),
    (
        ("наука", "научный"),
        "wissenschaften wissenschaft scienze ciencias ciencia ciencies wetenschappen vetenskap "
        "vetenskaper videnskab videnskaber stiinte tieteiden epistimon",
    ),
    (
        ("национальный",),
        "nazionale nacional nationale nationaal narodowy narodowe narodni nemzeti kansallinen "
        "ethniko ethnikon nacionalinis nationella",
    ),
    (("академия",), "academie accademia academia akademia akadimia"),
    (
        ("физика", "физический"),
        "physik physique fisica fysik fysica fyziky fizika fizikos fysiikan",
    ),
    (("химия", "химический"), "chemie chimie chimica quimica kemi kemia chemii"),
    (
        ("ядерный",),
        "nucleaire nucleaires nucleare nucleari jadrowej jadrowych jaderny jaderne kernphysik",
    ),
    (("атомный",), "atomic atomique atomica atomico atomowej"),
    (("энергия", "энергетика"), "energie energia energies energetica energetique"),
    (
        ("технология", "технологический"),
        "technologie technologies tecnologia tecnologias tecnologie technologii teknologi "
        "teknologia technologias tecnologic",
    ),
    (
        ("технологический",),
        "technologique tecnologico tecnologica technologisch technologische technologischen "
        "technologiczny",
    ),
    (
        ("технический", "технология"),
        "technische technischen technique techniques tecnica tecnico technicka teknisk tekniska "
        "tekniske teknillinen technicke techniky tehnica tehnicka techniczna technicznej "
        "tecnicas",
    ),
    (("высший",), "superior superieure superieur superiore hoger hogere vysoke wyzsza wyzszej"),
    (("школа",), "ecole escuela escola scuola skola szkola schule"),
    # a school of university rank, which English calls a university or an institute
    # (RHEINISCH-WESTFAELISCHE TECHNISCHE HOCHSCHULE AACHEN: RWTH Aachen University)
    (
        ("школа", "высший", "университет", "институт"),
        "hochschule hojskole korkeakoulu hogeschool fachhochschule",
    ),
    # a Swedish "tekniska högskola" is an institute or a university of technology (KUNGLIGA
    # TEKNISKA HOEGSKOLAN: Royal Institute of Technology; CHALMERS TEKNISKA HOGSKOLA:
    # Chalmers University of Technology), a Czech "vysoké učení technické" a university of
    # technology
    (("школа", "высший", "институт", "университет"), "hogskola hogskolan hoegskolan hoegskola"),
    (("университет",), "uceni"),
    (("медицина", "медицинский"), "medizin medecine medicina geneeskunde"),
    (
        ("медицинский",),
        "medicale medicales medizinische medizinischen medico medica medicas medicos medyczny "
        "medyczna",
    ),
    (("здоровье",), "health sante salute salud saude gesundheit zdrowia"),
    (
        ("комиссариат", "комиссия"),
        "commissariat commission commissione comision kommission komisja",
    ),
    (("совет",), "council consiglio consejo conseil raad rada"),
    (("агентство",), "agency agence agenzia agencia agentur agentschap agentia"),
    (
        ("фонд",),
        "fondazione fundacion fundacao fondation stiftung stichting fundacja fundatia saatio "
        "idryma fonden fundacio",
    ),
    (
        ("лаборатория",),
        "laboratoire laboratoires laboratorio laboratori laboratorium laboratoriet laboratorios",
    ),
    (("государственный",), "statale estatal staatliche staatlichen statni panstwowy panstwowa"),
    (("королевский",), "royal koninklijk koninklijke kungliga kongelige"),
    (
        ("католический",),
        "catholic katholieke katholische cattolica catolica catholique katolicki katolikus "
        "katolicka",
    ),
    (("свободный",), "free libre vrije freie libera"),
    (("открытый",), "open aperta abierta ouverte offene otwarty"),
    (
        ("европейский",),
        "european europeen europeenne europaische europaisches europea europeo europese "
        "europejski europeia",
    ),
    (("федеральный",), "federale federaal"),
    # the Swiss confederation's: EIDGENOESSISCHE TECHNISCHE HOCHSCHULE is the Swiss Federal
    # Institute of Technology
    (("федеральный", "швейцарский"), "eidgenossische eidgenoessische"),
    (
        ("прикладной",),
        "angewandte angewandten appliquee appliquees applicata applicate aplicada aplicadas "
        "toegepast toegepaste",
    ),
    (
        ("экономический",),
        "economique economica economico economiche economice ekonomiczny ekonomicky economische "
        "economicas",
    ),
    (("сельскохозяйственный",), "agricole agraria agrarie agricola landbouw rolniczy agronomique"),
    (("инженерный",), "ingenieria ingegneria ingenierie ingenieurs"),
    (("информатика",), "informatique informatica informatik informatyki informatiky"),
    (("автоматика", "автоматизация"), "automatique automatica automatisierung"),
    (("космический",), "spatial spatiale spatiales spaziale espacial"),
    # LUFT- UND RAUMFAHRT: aviation and space flight ("aerospace")
    (("космический", "космонавтика", "аэрокосмический"), "raumfahrt"),
    (("авиация", "авиационный", "аэрокосмический"), "luftfahrt luft"),
    (("авиация", "авиационный"), "aeronautique aeronautica aeronautics"),
    (
        ("новый",),
        "new nuove nuovo nuova nouveau nouvelle nouvelles nuevo nueva nuevas neue neuen nowy "
        "nowe nieuwe",
    ),
    (("университет",), "universitaire universitario universitaria sveuciliste univerza"),
    (("университет", "государственный"), "rijksuniversiteit"),
    (("технический", "технология"), "muszaki tehniska tehniskas tehnikos"),
    (("технология", "технологический"), "technologijos tehnoloogia"),
    # compounds of the Estonian and Finnish names: "technical university", "higher school"
    (("технический", "университет", "технология"), "tehnikaulikool"),
    (("университет", "школа", "высший"), "korkeakoulusaatio"),
    (("колледж",), "college colleges collegio colegio kolegium"),
    (("имперский",), "imperial"),
    # a king's name that a university is named after (UNIVERZITA KARLOVA: Charles University)
    (("карл",), "charles"),
    (
        ("организация",),
        "organization organisation organizzazione organizacion organisatie organizacja",
    ),
    # the countries of the EU and of its neighbours in their institutions' names, as nouns and
    # adjectives: "Технический университет Дании", "Польской академии наук", "Italian"
    (
        ("германия", "немецкий", "германский"),
        "germany german deutschland deutsch deutsche deutsches deutschen deutscher",
    ),
    (("франция", "французский"), "france french francais francaise"),
    (("италия", "итальянский"), "italy italian italia italiano italiana italiani italiane"),
    (("испания", "испанский"), "spain spanish espana espanol espanola espanoles"),
    (("португалия", "португальский"), "portugal portuguese portugues portuguesa"),
    (("польша", "польский"), "poland polish polska polski polskiej polskie polskich"),
    (("чехия", "чешский"), "czech czechia ceske cesky ceska ceskych ceskoslovenska"),
    (("словакия", "словацкий"), "slovakia slovak slovenska slovensky slovenskej"),
    (("венгрия", "венгерский"), "hungary hungarian magyar magyarorszag"),
    (("дания", "датский"), "denmark danish danmark danmarks dansk danske"),
    (("швеция", "шведский"), "sweden swedish sverige sveriges svenska svensk"),
    (("финляндия", "финский"), "finland finnish suomi suomen"),
    (("норвегия", "норвежский"), "norway norwegian norge norges norsk norske"),
    (
        ("нидерланды", "нидерландский", "голландский"),
        "netherlands dutch nederland nederlandse nederlands holland",
    ),
    (("бельгия", "бельгийский"), "belgium belgian belgique belge belgie"),
    (
        ("австрия", "австрийский"),
        "austria austrian osterreich oesterreich osterreichische oesterreichische",
    ),
    (("швейцария", "швейцарский"), "switzerland swiss schweiz schweizerische suisse svizzera"),
    (("греция", "греческий"), "greece greek hellenic elliniko ellinikon ellados"),
    (("румыния", "румынский"), "romania romanian romana romaniei"),
    (("болгария", "болгарский"), "bulgaria bulgarian bulgarska balgarska"),
    (("литва", "литовский"), "lithuania lithuanian lietuvos"),
    (("латвия", "латвийский"), "latvia latvian latvijas latvija"),
    (("эстония", "эстонский"), "estonia estonian eesti"),
    (("ирландия", "ирландский"), "ireland irish eireann"),
    (("словения", "словенский"), "slovenia slovenian slovenije slovenskih"),
    (("хорватия", "хорватский"), "croatia croatian hrvatska hrvatske hrvatski"),
    (("кипр", "кипрский"), "cyprus cypriot kyprou"),
    (("британия", "британский"), "britain british"),
)


def _add_translations(entries: tuple[tuple[tuple[str, ...], str], ...]) -> None:
    """Each word of ``entries`` into ``TRANSLATIONS``; a word already there keeps its own
    counterparts first."""
    for russian, words in entries:
        for word in words.split():
            known = TRANSLATIONS.get(word, ())
            TRANSLATIONS[word] = known + tuple(r for r in russian if r not in known)


#: the words of the portal's own subject, as its calls, offers and twinning requests write
#: them in either language ("EU-Russia cooperation", "сотрудничество ЕС и России")
_COOPERATION_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ес",), "eu"),
    (("европа",), "europe"),
    # English texts say "Russian" where Russian ones say "Россия" ("Russian partners")
    (("россия",), "russian"),
    (("сотрудничество",), "cooperation collaboration"),
    (("программа",), "programme program programmes programs"),
    (("проект",), "project projects"),
    (("конкурс",), "call calls"),
    (("партнер", "партнерство"), "partner partners partnership"),
    (("обмен",), "exchange exchanges"),
    (("двусторонний",), "bilateral"),
    (("мобильность",), "mobility"),
    (("молодой",), "young"),
    (("грант", "финансирование"), "grant grants funding"),
    (("образование", "обучение"), "education training"),
    (("климат",), "climate"),
    (("сеть",), "network networks"),
    (("развитие",), "development"),
    (("инновация", "инновационный"), "innovation innovations innovative"),
)

_add_translations(_EU_INSTITUTION_WORDS)
_add_translations(_RUSSIAN_INSTITUTION_WORDS)
_add_translations(_COOPERATION_WORDS)

_STEMMER = snowballstemmer.stemmer("russian")
_SKELETON_RULES = (
    ("shch", "s"),
    ("sch", "s"),
    ("shh", "s"),
    ("sh", "s"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("tz", "c"),
    ("ts", "c"),
    ("cz", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("j", "i"),
    ("y", "i"),
    # Russian writes a German or Dutch H as "Г": Гумбольдт, Гельмгольц, Гейдельберг, Гамбург
    # (HUMBOLDT, HELMHOLTZ, HEIDELBERG, HAMBURG); KH is "h" above
    ("g", "h"),
)
_IOTATED = re.compile(r"i+(?=[aeou])")
_REPEATED = re.compile(r"(.)\1+")


def skeleton(latin: str) -> str:
    """A Latin word reduced to the letters every romanisation agrees on (lower case)."""
    word = "".join(ch for ch in fold(latin).lower() if "a" <= ch <= "z")
    for variant, key in _SKELETON_RULES:
        word = word.replace(variant, key)
    word = _IOTATED.sub("", word)
    return _REPEATED.sub(r"\1", word)


def _stem(word: str) -> str:
    """The stem, stemmed again until it stops changing: the chains of two forms of one name
    meet ("вавилова" -> "вавилов" -> "вавил" -> "вав", "VAVILOV" -> "вавилов" -> ...)."""
    for _round in range(4):
        stem = _STEMMER.stemWord(word)
        if stem == word or len(stem) < 3:
            return word if len(stem) < 3 else stem
        word = stem
    return word


#: the stem of an adjective made from a place or a person's name ("Казанский", "Тюменский",
#: "Курчатовский", "Менделеевский", "Пермский", "Гамбургский", "Кольский", "Балкарский":
#: "-ский" after the name; "Университетский" after a noun) also gives the name's key (KAZAN,
#: TYUMEN, KURCHATOV, MENDELEEV, PERM, HAMBURG, KOLA, BALKARIAN, UNIVERSITY);
#: not "-ический", "-йский" ("Технический", "Российский")
_NAME_ADJECTIVE = ("вск", "нск", "мск", "гск", "льск", "тск", "жск", "рск")
#: ... when the name has at least this many letters ("Минский" stays "Минск")
_NAME_ADJECTIVE_BASE = 4
#: the stems of adjectives made from a city's two words ("Нижегородский" from "Нижний
#: Новгород"): they give the keys of both words, so that "Nizhny Novgorod" and "Нижний
#: Новгород" find a name that holds only the adjective
_TWO_WORD_ADJECTIVES = {
    "нижегородск": ("нижний", "новгород"),
    "нижнетагильск": ("нижний", "тагил"),
    "набережночелнинск": ("набережные", "челны"),
    "старооскольск": ("старый", "оскол"),
    "великолукск": ("великие", "луки"),
    "великоустюгск": ("великий", "устюг"),
}


#: the endings of a portmanteau's "technology" (SKOLTECH, ROSTEC)
_TECH = ("tech", "tec")
#: the last parts of Russian compound abbreviations, the beginnings of a name's words run
#: together ("Физтех": ФИЗико-ТЕХнический; "Скольтех": СКОЛковский ... ТЕХнологий;
#: "Гидрометцентр": ГИДРОМЕТеорологический ЦЕНТР; "Мосэнерго"), and the words each stands
#: for: a name has the part when it has one of their keys (English names have them through
#: ``TRANSLATIONS``: TECHNOLOGY, PHYSICS, CENTRE). Words that end otherwise are not read as
#: compounds (``compound_readings``).
_COMPOUND_TAILS = {
    "тех": ("технический", "технологический", "технология", "техника"),
    "хим": ("химический", "химия"),
    "физ": ("физический", "физика"),
    "пром": ("промышленный",),
    "строй": ("строительный", "строительство"),
    "маш": ("машиностроительный", "машиностроение"),
    "энерго": ("энергетический", "энергия", "энергетика"),
    "нефть": ("нефть",),
    "центр": ("центр",),
    "фарм": ("фармацевтический", "фармация", "фарма"),
}
#: the first parts that stand for Russia, Moscow, Leningrad, Siberia and the Urals: their
#: compounds are companies whose names CORDIS writes as one word (ROSTEC, ROSNEFT,
#: MOSENERGO), found by that word's key; read as two parts they would find every Russian or
#: Moscow name that has the last word
_PLACE_HEADS = frozenset(("рос", "мос", "лен", "сиб", "урал"))
#: ... read as its first part and last part after a first part of at least this many
#: letters of its key ("Физ"), as the beginning of one longer word after at least
#: ``_COMPOUND_HEAD - 1`` ("Биотех": BIOTECHNOLOGY)
_COMPOUND_HEAD = 3
#: letters with diacritics that stand for a Russian sound folding loses (ISO 9: ŝ щ, š ш,
#: č ч, ž ж, û ю, â я, ë ё, è э, ʹ ь; Czech and Polish: ř рж, ś ш, ć ч, ź ж, ż ж, ł л, ě е)
_DIACRITIC_DIGRAPHS = str.maketrans(
    {
        "ŝ": "shch",
        "š": "sh",
        "č": "ch",
        "ž": "zh",
        "û": "yu",
        "â": "ya",
        "ë": "yo",
        "è": "e",
        "ʹ": "'",
        "ř": "rzh",
        "ś": "sh",
        "ć": "ch",
        "ź": "zh",
        "ż": "zh",
        "ł": "l",
        "ě": "ye",
    }
)


@functools.lru_cache(maxsize=65536)
def word_keys(word: str, *, places: bool = True) -> tuple[str, ...]:
    """The skeleton keys of one word (one, or more for a word with translations), and the
    tokens of the cities it names (``portal.search.places``; ``places``)."""
    lowered = fold(word).lower()
    if not lowered or lowered in STOP_WORDS:
        return ()
    russian = [lowered if has_cyrillic(lowered) else to_cyrillic(lowered)]
    if not word.isascii() and not has_cyrillic(lowered):
        # ISO 9 and the scientific romanisation with their diacritics ("Ŝukin", "Čajkovskij",
        # "Žukov"), and Czech and Polish names ("Dvořák", "Wiśniewski"): what folding would
        # read as S, C, Z is Ш, Щ, Ч, Ж
        digraphs = fold(word.lower().translate(_DIACRITIC_DIGRAPHS))
        if digraphs != lowered:
            russian.append(to_cyrillic(digraphs))
    russian.extend(TRANSLATIONS.get(lowered, ()))
    russian.extend(r for r in cognates(lowered) if r not in russian)
    ending = next((e for e in _TECH if lowered.endswith(e)), None)
    if ending and len(lowered) > len(ending) and not has_cyrillic(lowered):
        # "-tech" of a portmanteau is Russian "-тех" (the Greek chi), not the "ч" that CH
        # romanises: SKOLTECH, POLYTECH, BIOTECH are "Сколтех", "Политех", "Биотех"; so is
        # a "-tec" (ROSTEC, "Ростех"), not the "ц" of a C before nothing
        russian.append(to_cyrillic(lowered[: -len(ending)]) + "тех")
    keys: list[str] = []
    for i, form in enumerate(russian):
        stem = _stem(form)
        stems = [stem]
        if stem.endswith(_NAME_ADJECTIVE) and len(stem) - 2 >= _NAME_ADJECTIVE_BASE:
            # "Пражский": "Прага" (the "г" of the name is "ж" before "-ский")
            stems.append(_stem(adjective_base(stem[:-2])))
        if i == 0:  # the word itself, not a translation ("Nizhny" is not "Novgorod")
            stems.extend(_stem(part) for part in _TWO_WORD_ADJECTIVES.get(stem, ()))
        for one in stems:
            key = skeleton(to_latin(one))
            if len(key) > 1 and key not in keys:
                keys.append(key)
    if lowered in LEGAL_FORMS:
        keys.append(ACRONYM_MARK + LEGAL_FORMS[lowered])
    if places:
        keys.extend(place_tokens(lowered, russian))
    return tuple(keys)


#: English endings of learned words and the Russian endings of the same words: "zoological",
#: "зоологический"; "optics", "оптика"; "economic", "экономический"; "federation",
#: "федерация"; "experimental", NORMALE, "нормальный" (longest first)
_COGNATE_ENDINGS = (
    ("ation", "ация"),
    ("ical", "ический"),
    ("ics", "ика"),
    ("ic", "ический"),
    ("ale", "альный"),
    ("al", "альный"),
    # a Latin noun's "-um" that Russian drops: QUANTUM "квант", CENTRUM "центр"
    ("um", ""),
)
#: ... for words of at least this many letters ("music", "topic" are not adjectives)
_COGNATE_MIN = 7
#: a CH that is "х": the Greek chi of a learned word ("technical", "mechanics",
#: "psychology"), and German, Dutch, Polish and Czech CH (not in SCH, TCH, SHCH)
_GREEK_CH = re.compile(r"(?<![sth])ch")
#: ... and an S between vowels (or before the ending) is "з": "physical", "физический";
#: "organisation", "организация"
_VOICED_S = re.compile(r"(?<=[aeiouy])s(?=[aeiouy]|$)")
#: an S between vowels
_BETWEEN_VOWELS_S = re.compile(r"(?<=[aeiouy])s(?=[aeiouy])")
#: an S before a vowel at a word's start, in a Russian surname as German writes it (its
#: initial S is "с" or "з": SACHAROW, SAIZEW, SINOWJEW)
_INITIAL_S = re.compile(r"^s(?=[aeiouy])")
_GERMAN_SURNAME = ("ow", "ew", "owa", "ewa")
#: German umlauts as CORDIS spells them out (JUELICH, GOETTINGEN), as Russian writes them
_UMLAUTS = (("ue", "u"), ("oe", "e"), ("ae", "e"))
#: a Z that German and Italian read "ц" (not in ZH, TZ, DZ, CZ, SZ, RZ: Russian, Polish)
_GERMAN_Z = re.compile(r"(?<![tdcsr])z(?!h)")
#: a German H after a vowel that only makes it long, which Russian does not write ("Бор":
#: BOHR, "Рур": RUHR, "Ган": HAHN); KH, CH, SH and ZH have a consonant before it
_SILENT_H = re.compile(r"(?<=[aeiouy])h(?![aeiouy])")
#: a word that German or Italian reads otherwise than the romanisations of Russian: any of
#: the patterns above, TSCH or SCH, J before a vowel, W, or a German surname's initial S
_GERMAN_READING = re.compile(
    "|".join(
        [
            _GREEK_CH.pattern,
            _GERMAN_Z.pattern,
            _SILENT_H.pattern,
            *(spelled for spelled, _umlaut in _UMLAUTS),
            "tsch",
            "sch",
            "j[aeiou]",
            "w",
            _INITIAL_S.pattern + ".*(?:" + "|".join(_GERMAN_SURNAME) + ")$",
        ]
    )
)
#: a Russian name as German writes it (Duden): "-ow", "-ew", "-owa", "-ewa", "-owski", a
#: vowel but "-e" (NISCHNI, JUSCHNO), "-sk" ...
_GERMAN_RUSSIAN_NAME = re.compile(r"(?:[oe]wa?|ski|skaja|in|ina|[aioy]|sk)$")
#: ... where an S that is no part of SCH, SS, ST, SP or SK may be "з" ("Кузнецов": KUSNEZOW)
_GERMAN_VOICED_S = re.compile(r"(?<!s)s(?![schtpk])")
#: a Russian name as French writes it: OU "у", CH "ш", TCH "ч", CHTCH "щ", J "ж", a final
#: "-off" or "-eff" "-ов", "-ев" ("Жуков": JOUKOV, "Хрущёв": KHROUCHTCHEV, "Мечников":
#: METCHNIKOFF, "Шостакович": CHOSTAKOVITCH, "Юрий": YOURI, "Нижний": NIJNI)
_FRENCH_READING = re.compile(r"ou|tch|itch$|[oe]ff$|^j|j(?=[^aeiouy])")


@functools.lru_cache(maxsize=65536)
def cognates(word: str) -> tuple[str, ...]:
    """The Russian forms of a Latin word made of Greek or Latin roots by its ending
    (``_COGNATE_ENDINGS``): CORDIS writes the names of Russian institutes in English
    ("ZOOLOGICAL INSTITUTE", "MARINE HYDROPHYSICAL INSTITUTE", "INSTITUTE OF CYTOLOGY AND
    GENETICS"), users ask in Russian ("Зоологический институт") and the other way round.
    The root is read with a hard C, and also with "CH" as "х" and "OU" as "у" ("acoustics",
    "акустика"), and with a voiced S; a wrong reading only adds a key no Russian word has."""
    lowered = fold(word).lower()
    if len(lowered) < _COGNATE_MIN or has_cyrillic(lowered) or not lowered.isalpha():
        return ()
    for ending, russian in _COGNATE_ENDINGS:
        if lowered.endswith(ending):
            root = lowered[: -len(ending)]
            # ... and QU as "кв" ("quantum", "квант"; "aquatic", "акватический")
            roots = [root, _GREEK_CH.sub("kh", root).replace("ou", "u").replace("qu", "kv")]
            roots += [_VOICED_S.sub("z", r) for r in roots]
            readings = (_word_to_cyrillic(r, hard_c=True) + russian for r in roots)
            return tuple(dict.fromkeys(readings))
    return ()


@functools.lru_cache(maxsize=65536)
def eu_reading_keys(word: str) -> tuple[str, ...]:
    """The keys of a Latin word read as the languages of the EU read it, that ``word_keys``
    (the romanisations of Russian) does not give: with a C read "к" before A, O, U, a
    consonant or at a word's end ("Комплутенсе": COMPLUTENSE, "Кюри": CURIE; ISO 9 writes
    Цветков CVETKOV), and the German and Italian way: CH "х", Z "ц", an S between vowels
    "з", a spelled-out umlaut one vowel, and Russian names as German writes them. For the
    words of names and of queries: the English words of themes and keywords ("Security",
    "Climate") would get a useless key each."""
    lowered = fold(word).lower()
    if has_cyrillic(lowered) or lowered in STOP_WORDS:
        return ()
    readings = _eu_readings(lowered)
    if len(lowered) >= _ENDING_S_MIN and lowered.endswith("s") and lowered[-2] != "s":
        # a German genitive, an English or French plural ("Максимилиана":
        # LUDWIG-MAXIMILIANS; "материалы": MATERIALS): the word without its "-s", read as
        # above and as it is (the romanisations of Russian add no "-s" a Russian word drops)
        singular = lowered[:-1]
        readings += [_word_to_cyrillic(singular, hard_c=True), *_eu_readings(singular)]
    own = word_keys(word)
    keys = (skeleton(to_latin(_stem(reading))) for reading in readings)
    return tuple(dict.fromkeys(key for key in keys if len(key) > 1 and key not in own))


@functools.cache
def _compound_tail_keys(latin: bool) -> dict[str, tuple[str, ...]]:
    # each last part's key ("тех": "teh") and the keys of the words it stands for. A Latin
    # word ("Skoltech", "Phystech") is read as a compound in "-tech" only (THOMAS is no
    # "-маш"): ``word_keys`` reads its "-tech" as "тех" ("teh") and as "теч" ("tec")
    tails = {
        skeleton(to_latin(_stem(tail))): tuple(
            unique(k for w in words for k in word_keys(w, places=False))
        )
        for tail, words in _COMPOUND_TAILS.items()
    }
    if latin:
        return {"teh": tails["teh"], "tec": tails["teh"]}
    return tails


#: the endings of a surname before the "-ка" of an institution's nickname ("Бауманка",
#: "Плехановка", "Тимирязевка", "Менделеевка": BAUMAN, PLEKHANOV, TIMIRYAZEV, MENDELEEV) ...
_NICKNAME_SURNAME = ("ов", "ев", "ин", "ан")
#: ... of at least this many letters ("наука", "Америка" are no nicknames)
_NICKNAME_BASE = 5


@functools.lru_cache(maxsize=65536)
def nickname_keys(word: str) -> tuple[str, ...]:
    """The keys of the surname in a Russian institution's nickname (a query word): "-ка"
    after a surname, in any case ("Бауманке", "Плехановку"); none for other words."""
    lowered = fold(word).lower()
    if not has_cyrillic(lowered):
        return ()
    stem = _stem(lowered)
    base = stem[:-1]
    if not stem.endswith("к") or len(base) < _NICKNAME_BASE or not base.endswith(_NICKNAME_SURNAME):
        return ()
    own = word_keys(word)
    return tuple(key for key in word_keys(base, places=False) if key not in own)


@functools.cache
def _place_head_keys() -> frozenset[str]:
    return frozenset(skeleton(to_latin(head)) for head in _PLACE_HEADS)


@functools.lru_cache(maxsize=65536)
def compound_readings(word: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``word`` read as a Russian compound abbreviation (a query word; the names keep their
    keys): each reading the beginning of a key that a name must have and the keys of which
    it must have one (none: the beginning alone). The whole word as the beginning of one
    key ("Политех": POLITEKHNICHESKIY, POLYTECHNIC), and its first part as the beginning of
    a key with its last part as one of the words that part stands for ("Физтех": PHYSICS
    ... TECHNOLOGY; "Скольтех": SKOLKOVO ... TECHNOLOGY; "Гидрометцентра":
    HYDROMETEOROLOGICAL ... CENTRE; not after one of ``_PLACE_HEADS``). None for a word
    that does not end in one of ``_COMPOUND_TAILS``, or has fewer than ``_COMPOUND_HEAD`` - 1
    letters before it."""
    readings: list[tuple[str, tuple[str, ...]]] = []
    tails = _compound_tail_keys(not has_cyrillic(word))
    for key in word_keys(word, places=False):
        for tail, words in tails.items():
            head = len(key) - len(tail)
            if key.endswith(tail) and head >= _COMPOUND_HEAD - 1:
                readings.append((key, ()))
                if head >= _COMPOUND_HEAD and key[:head] not in _place_head_keys():
                    readings.append((key[:head], words))
    return tuple(dict.fromkeys(readings))


#: a Latin word this long ending in "-s" is also read without it (``eu_reading_keys``)
_ENDING_S_MIN = 5


def _eu_readings(lowered: str) -> list[str]:
    """The Cyrillic readings of a Latin word (folded, lower case) as the languages of the EU
    read it (``eu_reading_keys``)."""
    readings = []
    if _HARD_C.search(lowered):
        readings.append(_word_to_cyrillic(lowered, hard_c=True))
    if _GERMAN_READING.search(lowered):
        # German, Dutch, Polish and Czech CH is "х" ("Бах": BACH, "Ахен": AACHEN, "Бохум":
        # BOCHUM), German and Italian Z "ц" ("Цейсс": ZEISS, "Вейцмана": WEIZMANN), an S
        # between vowels "з" ("Цузе": ZUSE), a spelled-out umlaut one vowel ("Юлих": JUELICH);
        # romanised Russian CH is "ч", Z "з". German writes Russian names so too (Duden):
        # SCHTSCH, TSCH, JE and JO are щ, ч, е and ё, a surname's initial S may be з
        # (CHRUSCHTSCHOW, TSCHAIKOWSKI, FJODOROW, SAIZEW)
        eu = lowered.replace("schtsch", "shch").replace("tsch", "tch")
        eu = _GERMAN_Z.sub("ts", _GREEK_CH.sub("kh", eu)).replace("je", "ye").replace("jo", "yo")
        for spelled, umlaut in _UMLAUTS:
            eu = eu.replace(spelled, umlaut)
        eu = _SILENT_H.sub("", _BETWEEN_VOWELS_S.sub("z", eu))
        readings.append(_word_to_cyrillic(eu, hard_c=True))
        if _INITIAL_S.match(eu) and eu.endswith(_GERMAN_SURNAME):  # "с" or "з": SAIZEW
            readings.append(_word_to_cyrillic(_INITIAL_S.sub("z", eu), hard_c=True))
        if _GERMAN_RUSSIAN_NAME.search(eu):
            # German has no "ж" and no voiced "з" before a consonant: SCH and S stand for
            # them too ("Жуков": SCHUKOW, "Ежов": JESCHOW, "Кузнецов": KUSNEZOW, "Нижний":
            # NISCHNI)
            voiced = _GERMAN_VOICED_S.sub("z", eu.replace("sch", "zh"))
            if voiced != eu:
                readings.append(_word_to_cyrillic(voiced, hard_c=True))
    if _FRENCH_READING.search(lowered):
        french = lowered.replace("chtch", "SHCH").replace("tch", "CH").replace("ch", "SH")
        french = french.replace("ou", "u").replace("j", "ZH").replace("ss", "s")
        if french.endswith(("off", "eff")):
            french = french[:-2] + "v"
        readings.append(_word_to_cyrillic(french.lower(), hard_c=True))
    return readings


def has_words(query: str) -> bool:
    """Whether ``query`` has a letter or a digit to search for ("!!!", "%" and "😀" have none:
    the lists show everything and say so)."""
    return _WORD.search(query) is not None


def words_of(text: str) -> list[str]:
    """The words of ``text`` (letters and digits), in order."""
    return _WORD.findall(text)


def skeleton_keys(names: str | None, *texts: str | None) -> str:
    """The skeleton keys of every word of ``names`` and ``texts``, the keys of the words of
    ``names`` read as the languages of the EU read them (``eu_reading_keys``), and the
    acronyms of each line of ``names``
    (``name_acronyms``), space-separated, no repeats (what a row stores in ``search_keys``)."""
    keys: dict[str, None] = {}
    for text in (names, *texts):
        for word in words_of(text or ""):
            for key in word_keys(word):
                keys[key] = None
    for word in words_of(names or ""):
        for key in eu_reading_keys(word):
            keys[key] = None
    for line in (names or "").splitlines():
        for key in name_acronyms(line):
            keys[key] = None
    return " ".join(keys)


# -- acronyms --------------------------------------------------------------------------------

#: an acronym key is this mark and the acronym's letters (the parser keeps a word of letters
#: and digits whole; no skeleton key has a digit, no place token begins so)
ACRONYM_MARK = "acr0"
#: acronyms of this many words (letters)
ACRONYM_MIN, ACRONYM_MAX = 3, 5
#: words an acronym leaves out: function words of the languages CORDIS names are in
_ACRONYM_SKIPPED = STOP_WORDS | frozenset(
    [
        "after",
        "al",
        "am",
        "auf",
        "bei",
        "da",
        "das",
        "degli",
        "dei",
        "della",
        "delle",
        "dello",
        "do",
        "dos",
        "en",
        "i",
        "para",
        "per",
        "pour",
        "sur",
        "ter",
        "y",
        "zum",
        "zur",
    ]
)
#: the name of a person the organisation is named after follows these: not in its acronym
#: ("MOSKOVSKIY GOSUDARSTVENNYY UNIVERSITET IMENI M.V. LOMONOSOVA" is MGU)
_ACRONYM_CUT = frozenset({"imeni", "имени", "im", "им", "named"})
#: words that begin an organisation's own name inside a longer one ("INSTITUTE OF APPLIED
#: PHYSICS OF THE RUSSIAN ACADEMY OF SCIENCES": IPF, and RAS at its end)
_HEAD_WORDS = ("институт", "университет", "академия", "центр", "лаборатория", "школа")
_ACRONYM_HEADS = frozenset(
    [
        *_HEAD_WORDS,
        *(word for word, russian in TRANSLATIONS.items() if russian[0] in _HEAD_WORDS),
        *("institut", "universitet", "akademiya", "akademii", "академии", "tsentr"),
        *("laboratoriya", "shkola"),
    ]
)
#: English institution words that a Russian name puts first ("Институт ядерной физики": not
#: "university", whose adjectives stay in front, "Московский государственный университет")
_ENGLISH_HEADS = frozenset(("institute", "centre", "center", "laboratory"))
_ACRONYM_SEPARATORS = re.compile(r"[,;:()\[\]/]")
#: an aside in brackets inside a name
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
#: a comma inside a list of words that ends in "and" and a word ("INFORMATION TECHNOLOGIES,
#: MECHANICS AND OPTICS"): it does not end a part of the name
_LISTED_COMMA = re.compile(
    r",(?=[^,;:()\[\]/]*?\s(?:and|и)\s+[^\s,;:()\[\]/]+\s*(?:[,;:()\[\]/]|$))", re.IGNORECASE
)


@functools.lru_cache(maxsize=65536)
def _initials(word: str) -> tuple[str, str]:
    """A word's first letter in Cyrillic (a Latin word's Russian translation's, else its
    reading in Cyrillic) written in Latin letters, and its first Latin letter (a Cyrillic
    word's English counterpart's: its translation's or the city's it names, else its own in
    Latin letters: "Московский государственный университет" is МГУ and MSU, "Объединённый
    институт ядерных исследований" ОИЯИ and JINR, "Высшая школа экономики" ВШЭ and HSE)."""
    lowered = fold(word).lower()
    if has_cyrillic(lowered):
        latin = to_latin(lowered[0]).lower()
        return latin, _english_initial(lowered) or latin
    translated = TRANSLATIONS.get(lowered)
    cyrillic = translated[0][0] if translated else _word_to_cyrillic(lowered)[:1]
    return to_latin(cyrillic).lower(), lowered[0]


def _english_initial(russian: str) -> str | None:
    """The first letter of a Russian word's English counterpart: its translation, or the
    name of the city it names ("московский": MOSCOW); None when it has neither."""
    english = translations(russian)
    if english:
        return fold(english[0])[:1].lower()
    cities = city_names()
    for token in place_tokens(russian, [russian]):
        if token in cities:
            return fold(cities[token])[:1].lower()
    return None


def name_acronyms(name: str) -> list[str]:
    """The acronym keys of one name: the initials of its first, its last and its head words'
    (``_ACRONYM_HEADS``) first three to five words, and of its first two words when it has
    more (TU, KU), each part of the name on its own (parts end at a comma or bracket and
    before the name of a person it is named after; also read without an aside in brackets
    and across the commas of a list that ends in "and"), without function words or initials.
    Each run in two spellings: its Russian initials in Latin letters ("LOMONOSOV MOSCOW STATE
    UNIVERSITY" and "Московский государственный университет": "mgu", МГУ) and its Latin
    initials ("msu")."""
    keys: dict[str, None] = {}
    parts = _ACRONYM_SEPARATORS.split(name)
    aside = _BRACKETED.sub(" ", name)
    if aside != name:
        # an aside in brackets is also left out: "Казанский (Приволжский) федеральный
        # университет" is КФУ
        parts += _ACRONYM_SEPARATORS.split(aside)
    listed = _LISTED_COMMA.sub(" ", name)
    if listed != name:
        # a list's commas are also read as inside the part: "университет информационных
        # технологий, механики и оптики" is ИТМО
        parts += _ACRONYM_SEPARATORS.split(listed)
    for part in parts:
        segment: list[str] = []
        segments = [segment]
        for word in words_of(part):
            lowered = fold(word).lower()
            if lowered in _ACRONYM_CUT:
                segment = []
                segments.append(segment)
            elif len(word) > 1 and word.isalpha() and lowered not in _ACRONYM_SKIPPED:
                segment.append(word)
        for words in segments:
            starts = {0} | {i for i, w in enumerate(words) if fold(w).lower() in _ACRONYM_HEADS}
            # two letters only for the first two words ("TECHNISCHE UNIVERSITEIT DELFT": TU)
            runs: set[tuple[int, int]] = {(0, 2)} if len(words) > 2 else set()
            for length in range(ACRONYM_MIN, ACRONYM_MAX + 1):
                if length <= len(words):
                    runs.add((len(words) - length, len(words)))
                runs.update((i, i + length) for i in starts if i + length <= len(words))
            initials = [_initials(w) for w in words]
            for start, end in sorted(runs):
                for spelling in (0, 1):
                    letters = "".join(initials[i][spelling] for i in range(start, end))
                    keys[ACRONYM_MARK + letters] = None
            # Russian names put the head word first where English ones end with it after
            # nouns ("SPACE RESEARCH INSTITUTE": "Институт космических исследований", ИКИ):
            # an English head word after two or three words that are no head words gives
            # the Russian initials of it and them, the head first when they are nouns
            # ("SPACE RESEARCH INSTITUTE": "Институт космических исследований", ИКИ), last
            # when they are adjectives ("PHYSICAL-TECHNICAL INSTITUTE": "Физико-технический
            # институт", ФТИ)
            for j in sorted(starts - {0}):
                if fold(words[j]).lower() not in _ENGLISH_HEADS:
                    continue
                for before in range(2, 4):
                    run = range(j - before, j)
                    if run.start >= 0 and not any(i in starts for i in run if i):
                        others = "".join(initials[i][0] for i in run)
                        keys[ACRONYM_MARK + initials[j][0] + others] = None
                        keys[ACRONYM_MARK + others + initials[j][0]] = None
            # a city's name, an English head word and what the institution is of: in Russian
            # the city's adjective, the adjectives of the fields, the head word last ("MOSCOW
            # INSTITUTE OF PHYSICS AND TECHNOLOGY": "Московский физико-технический институт",
            # МФТИ)
            if len(words) >= 4 and 1 in starts and fold(words[1]).lower() in _ENGLISH_HEADS:
                for end in range(4, min(len(words), ACRONYM_MAX) + 1):
                    fields = "".join(initials[i][0] for i in range(2, end))
                    keys[ACRONYM_MARK + initials[0][0] + fields + initials[1][0]] = None
    return list(keys)


def acronym_keys(word: str) -> tuple[str, ...]:
    """The acronym keys a query word may stand for: a word of two to six letters typed in
    capitals ("МГУ", "JINR", "TU"; "СПбГУ" counts its capitals), or of three or four letters
    in any case ("мфти"); in Cyrillic letters written in Latin ones, and as typed. A word with
    small letters among its capitals also stands for its capitals alone: a word of the name
    may give two letters ("СПбГУ", "УрФУ": Санкт-Петербургский, Уральский) and a
    conjunction one ("МИСиС"), the capitals are the initials."""
    folded = fold(word)
    if not folded.isalpha() or not 2 <= len(folded) <= ACRONYM_MAX + 1:
        return ()
    capitals = "".join(ch for ch in folded if ch.isupper())
    if len(capitals) < 2 and (len(folded) > 4 or len(folded) == 2):
        return ()
    spellings = [folded]
    if ACRONYM_MIN <= len(capitals) < len(folded):
        spellings.append(capitals)
    keys: list[str] = []
    for spelling in spellings:
        lowered = spelling.lower()
        cyrillic = lowered if has_cyrillic(lowered) else _word_to_cyrillic(lowered)
        keys.append(ACRONYM_MARK + to_latin(cyrillic).lower())
        if not has_cyrillic(lowered):
            keys.append(ACRONYM_MARK + lowered)
    return tuple(dict.fromkeys(keys))


# -- parsing queries -------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class ParsedQuery:
    """A query: the terms that must match (words or "quoted phrases"; ``OR`` between two terms
    makes either do), and the excluded terms (``-word``)."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        """The positive words without operators or quotes."""
        found: list[str] = []
        for term in self.positive:
            if term != "OR":
                found.extend(words_of(term))
        return found[:MAX_QUERY_TERMS]


def parse_query(text: str) -> ParsedQuery:
    positive: list[str] = []
    negative: list[str] = []
    for match in _TOKEN.finditer(fold(spell_out(text))):
        minus, phrase, word = match.groups()
        if phrase is not None:
            words = " ".join(phrase.split())
            if words_of(words):
                (negative if minus else positive).append(f'"{words}"')
            continue
        word = word.replace('"', "")
        if len(word) > 1 and word.startswith("-"):
            stripped = word.lstrip("-")
            if words_of(stripped):
                negative.append(stripped)
        elif word.upper() == "OR":
            if positive and positive[-1] != "OR":
                positive.append("OR")
        elif words_of(word):
            positive.append(word)
    while positive and positive[-1] == "OR":
        positive.pop()
    if not any(t != "OR" for t in positive):
        positive = []
    return ParsedQuery(tuple(positive[: MAX_QUERY_TERMS * 2]), tuple(negative[:MAX_QUERY_TERMS]))


#: at most this many of a word's counterparts in the other language are searched for
MAX_TRANSLATIONS = 2


@functools.lru_cache(maxsize=4096)
def translations(word: str) -> tuple[str, ...]:
    """A word's counterparts in the other language, as a text in that language writes them:
    the Russian words ``TRANSLATIONS`` gives an English word ("Russia": "россия"), and the
    English words whose Russian counterpart a Russian word is a form of ("России", "Россия":
    "russia"; "Германии": "germany", "german"). The skeleton keys give names and terms
    these translations (``word_keys``); a description has no keys: "Россия" finds a call
    whose text says "EU-Russia cooperation" through these (``engine.word_forms``)."""
    lowered = fold(word).lower()
    if not lowered or lowered in STOP_WORDS:
        return ()
    if not has_cyrillic(lowered):
        return TRANSLATIONS.get(lowered, ())[:MAX_TRANSLATIONS]
    return english_counterparts().get(_translation_key(lowered), ())[:MAX_TRANSLATIONS]


def _translation_key(russian: str) -> str:
    return skeleton(to_latin(_stem(russian)))


@functools.cache
def english_counterparts() -> dict[str, tuple[str, ...]]:
    """The key of each Russian word of ``TRANSLATIONS`` -> the English words it translates,
    in the table's order."""
    found: dict[str, list[str]] = {}
    for english, russian_words in TRANSLATIONS.items():
        for russian in russian_words:
            words = found.setdefault(_translation_key(russian), [])
            if english not in words:
                words.append(english)
    return {key: tuple(words) for key, words in found.items() if len(key) > 1}


def script_variants(word: str) -> list[str]:
    """A word as typed, in Latin letters and in Cyrillic, and spelled out or folded
    (``spelled_variants``), without repeats."""
    return list(_script_variants(word))


@functools.lru_cache(maxsize=4096)
def _script_variants(word: str) -> tuple[str, ...]:
    # a search asks for the variants of each of its terms once per tier (and its headline)
    variants = [word, to_latin(word)]
    if has_latin(word) and not has_cyrillic(word):
        variants.append(to_cyrillic(word))
    variants.extend(spelled_variants(word))
    return tuple(dict.fromkeys(v for v in variants if v))


#: the letters German and Scandinavian names spell out in ASCII, as CORDIS writes them
#: ("TECHNISCHE UNIVERSITAET MUENCHEN", "GOETEBORGS UNIVERSITET", "AARHUS UNIVERSITET");
#: folding drops the mark instead ("Munchen")
_SPELLED_OUT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"}
    | {"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "Å": "Aa", "Ø": "Oe"}
)
#: ... and such a pair inside a word (not at its end: "-oe" and "-ee" end Russian adjectives
#: in Latin letters, "Moskovskoe")
_SPELLED_PAIR = re.compile(r"([AaOoUu])[Ee](?=[A-Za-z])|([Aa])[Aa](?=[A-Za-z])")


def spell_out(text: str) -> str:
    """German and Scandinavian letters spelled out in ASCII ("München" -> "Muenchen", "Århus"
    -> "Aarhus"): a query's words are searched spelled out and folded (``spelled_variants``),
    so that "München" finds "MUENCHEN" and "München" alike."""
    return text.translate(_SPELLED_OUT)


def spelled_variants(word: str) -> list[str]:
    """A Latin word whose letter pairs may spell out German or Scandinavian letters, also
    without the second letter: "Muenchen" as "Munchen" (the folded "München"), "Universitaet"
    as "Universitat", "Aarhus" as "Arhus". Other words: none."""
    if not word.isascii() or not has_latin(word):
        return []
    folded = _SPELLED_PAIR.sub(lambda m: m.group(1) or m.group(2), word)
    return [folded] if folded != word else []


#: the Russian (ЙЦУКЕН) and the English (QWERTY) keyboard: the same keys
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_RUSSIAN_KEYS = str.maketrans(_QWERTY, _JCUKEN)
_TO_ENGLISH_KEYS = str.maketrans(_JCUKEN, _QWERTY)


def other_keyboard(word: str) -> str | None:
    """``word`` as typed on the other keyboard of the same keys, when it was typed with the
    wrong one switched on ("vjcrdf": "москва", "eybdthcbntn": "университет", "штыешегеу":
    "institute"); None for a word of both scripts, of other letters or too short. (The
    Russian letters on punctuation keys, б ю ж э х ъ, are split off as punctuation before a
    word gets here: "gtnth,ehu" is two words.)"""
    lowered = word.lower()
    if len(lowered) < 3:
        return None
    if all(ch in _QWERTY for ch in lowered):
        return lowered.translate(_TO_RUSSIAN_KEYS)
    if all(ch in _JCUKEN for ch in lowered):
        swapped = lowered.translate(_TO_ENGLISH_KEYS)
        return swapped if swapped.isalpha() else None
    return None


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))

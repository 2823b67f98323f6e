"""Generated organisations and offers for larger data sets (``seed_demo --scale N``, the
benchmarks): names with realistic word frequencies in both scripts, inserted in batches with
their search columns computed in Python."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from cooperation import indexing
from cooperation.demo.common import (
    BATCH_SIZE,
    GENERATED_PIC_BASE,
    OfferType,
    OrgType,
    Reference,
    local_today,
)
from cooperation.demo.people import RESEARCHERS
from cooperation.models import (
    CooperationOffer,
    Organisation,
)
from portal import search
from portal.accounts.models import User
from portal.bilingual import by_script
from portal.reference.models import ThematicPriority
from portal.search import words

# -- generated data sets ---------------------------------------------------------------------

# (English, Russian genitive) fields of science
FIELDS: tuple[tuple[str, str], ...] = (
    ("Physics", "физики"),
    ("Chemistry", "химии"),
    ("Catalysis", "катализа"),
    ("Mathematics", "математики"),
    ("Biology", "биологии"),
    ("Geology", "геологии"),
    ("Mechanics", "механики"),
    ("Laser Physics", "лазерной физики"),
    ("Nuclear Physics", "ядерной физики"),
    ("Thermophysics", "теплофизики"),
    ("Organic Chemistry", "органической химии"),
    ("Cytology and Genetics", "цитологии и генетики"),
    ("Computational Mathematics", "вычислительной математики"),
    ("Materials Science", "материаловедения"),
    ("Ecology", "экологии"),
    ("Soil Science", "почвоведения"),
    ("Energy Systems", "энергетических систем"),
    ("Informatics", "информатики"),
    ("Atmospheric Optics", "оптики атмосферы"),
    ("Applied Mathematics", "прикладной математики"),
    ("Biophysics", "биофизики"),
    ("Metal Physics", "физики металлов"),
    ("Solid State Chemistry", "химии твёрдого тела"),
    ("Petroleum Geology", "геологии нефти и газа"),
    ("Permafrost Studies", "мерзлотоведения"),
    ("Water Problems", "водных проблем"),
    ("Oceanology", "океанологии"),
    ("Space Research", "космических исследований"),
    ("Radio Engineering and Electronics", "радиотехники и электроники"),
    ("Microbiology", "микробиологии"),
    ("Economics", "экономики"),
    ("Agriculture", "сельского хозяйства"),
)

# (English, Russian, adjective, federal subject); big cities repeated to be more frequent
RU_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Moscow", "Москва", "Московский", "RU-MOW"),
    ("Saint Petersburg", "Санкт-Петербург", "Санкт-Петербургский", "RU-SPE"),
    ("Novosibirsk", "Новосибирск", "Новосибирский", "RU-NVS"),
    ("Tomsk", "Томск", "Томский", "RU-TOM"),
    ("Yekaterinburg", "Екатеринбург", "Екатеринбургский", "RU-SVE"),
    ("Kazan", "Казань", "Казанский", "RU-TA"),
    ("Nizhny Novgorod", "Нижний Новгород", "Нижегородский", "RU-NIZ"),
    ("Samara", "Самара", "Самарский", "RU-SAM"),
    ("Omsk", "Омск", "Омский", "RU-OMS"),
    ("Krasnoyarsk", "Красноярск", "Красноярский", "RU-KYA"),
    ("Irkutsk", "Иркутск", "Иркутский", "RU-IRK"),
    ("Perm", "Пермь", "Пермский", "RU-PER"),
    ("Ufa", "Уфа", "Уфимский", "RU-BA"),
    ("Voronezh", "Воронеж", "Воронежский", "RU-VOR"),
    ("Rostov-on-Don", "Ростов-на-Дону", "Ростовский", "RU-ROS"),
    ("Saratov", "Саратов", "Саратовский", "RU-SAR"),
    ("Tyumen", "Тюмень", "Тюменский", "RU-TYU"),
    ("Chelyabinsk", "Челябинск", "Челябинский", "RU-CHE"),
    ("Yaroslavl", "Ярославль", "Ярославский", "RU-YAR"),
    ("Kaliningrad", "Калининград", "Калининградский", "RU-KGD"),
    ("Vladivostok", "Владивосток", "Владивостокский", "RU-PRI"),
    ("Khabarovsk", "Хабаровск", "Хабаровский", "RU-KHA"),
    ("Yakutsk", "Якутск", "Якутский", "RU-SA"),
    ("Barnaul", "Барнаул", "Алтайский", "RU-ALT"),
    ("Kemerovo", "Кемерово", "Кемеровский", "RU-KEM"),
    ("Petrozavodsk", "Петрозаводск", "Петрозаводский", "RU-KR"),
    ("Arkhangelsk", "Архангельск", "Архангельский", "RU-ARK"),
    ("Murmansk", "Мурманск", "Мурманский", "RU-MUR"),
    ("Belgorod", "Белгород", "Белгородский", "RU-BEL"),
    ("Kursk", "Курск", "Курский", "RU-KRS"),
    ("Tula", "Тула", "Тульский", "RU-TUL"),
    ("Kaluga", "Калуга", "Калужский", "RU-KLU"),
    ("Astrakhan", "Астрахань", "Астраханский", "RU-AST"),
    ("Volgograd", "Волгоград", "Волгоградский", "RU-VGG"),
    ("Krasnodar", "Краснодар", "Кубанский", "RU-KDA"),
    ("Stavropol", "Ставрополь", "Ставропольский", "RU-STA"),
    ("Orenburg", "Оренбург", "Оренбургский", "RU-ORE"),
    ("Penza", "Пенза", "Пензенский", "RU-PNZ"),
    ("Ulyanovsk", "Ульяновск", "Ульяновский", "RU-ULY"),
    ("Izhevsk", "Ижевск", "Удмуртский", "RU-UD"),
    ("Cheboksary", "Чебоксары", "Чувашский", "RU-CU"),
    ("Syktyvkar", "Сыктывкар", "Сыктывкарский", "RU-KO"),
    ("Ulan-Ude", "Улан-Удэ", "Бурятский", "RU-BU"),
    ("Chita", "Чита", "Забайкальский", "RU-ZAB"),
    ("Magadan", "Магадан", "Магаданский", "RU-MAG"),
    ("Yuzhno-Sakhalinsk", "Южно-Сахалинск", "Сахалинский", "RU-SAK"),
    ("Blagoveshchensk", "Благовещенск", "Амурский", "RU-AMU"),
    ("Kirov", "Киров", "Вятский", "RU-KIR"),
    ("Tver", "Тверь", "Тверской", "RU-TVE"),
    ("Smolensk", "Смоленск", "Смоленский", "RU-SMO"),
    ("Ryazan", "Рязань", "Рязанский", "RU-RYA"),
    ("Tambov", "Тамбов", "Тамбовский", "RU-TAM"),
    ("Lipetsk", "Липецк", "Липецкий", "RU-LIP"),
    ("Ivanovo", "Иваново", "Ивановский", "RU-IVA"),
    ("Kostroma", "Кострома", "Костромской", "RU-KOS"),
    ("Vologda", "Вологда", "Вологодский", "RU-VLG"),
    ("Pskov", "Псков", "Псковский", "RU-PSK"),
    ("Veliky Novgorod", "Великий Новгород", "Новгородский", "RU-NGR"),
    ("Makhachkala", "Махачкала", "Дагестанский", "RU-DA"),
    ("Kurgan", "Курган", "Курганский", "RU-KGN"),
)
RU_CITY_WEIGHTS = (12, 8, 6, 4, 4, 4, 3, 3, 2, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)

# (Latin, Cyrillic, country code, native word for "University" or "")
EU_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Helsinki", "Хельсинки", "FI", "yliopisto"),
    ("Espoo", "Эспоо", "FI", ""),
    ("Tampere", "Тампере", "FI", "yliopisto"),
    ("Oulu", "Оулу", "FI", "yliopisto"),
    ("Turku", "Турку", "FI", "yliopisto"),
    ("Warszawa", "Варшава", "PL", "Uniwersytet"),
    ("Kraków", "Краков", "PL", "Uniwersytet"),
    ("Wrocław", "Вроцлав", "PL", "Uniwersytet"),
    ("Gdańsk", "Гданьск", "PL", "Uniwersytet"),
    ("Poznań", "Познань", "PL", "Uniwersytet"),
    ("Łódź", "Лодзь", "PL", "Uniwersytet"),
    ("Berlin", "Берлин", "DE", "Universität"),
    ("München", "Мюнхен", "DE", "Universität"),
    ("Hamburg", "Гамбург", "DE", "Universität"),
    ("Dresden", "Дрезден", "DE", "Universität"),
    ("Aachen", "Ахен", "DE", "Universität"),
    ("Jena", "Йена", "DE", "Universität"),
    ("Karlsruhe", "Карлсруэ", "DE", "Universität"),
    ("Stuttgart", "Штутгарт", "DE", "Universität"),
    ("Freiburg", "Фрайбург", "DE", "Universität"),
    ("Paris", "Париж", "FR", "Université"),
    ("Lyon", "Лион", "FR", "Université"),
    ("Grenoble", "Гренобль", "FR", "Université"),
    ("Toulouse", "Тулуза", "FR", "Université"),
    ("Strasbourg", "Страсбург", "FR", "Université"),
    ("Milano", "Милан", "IT", "Università"),
    ("Roma", "Рим", "IT", "Università"),
    ("Torino", "Турин", "IT", "Università"),
    ("Bologna", "Болонья", "IT", "Università"),
    ("Madrid", "Мадрид", "ES", "Universidad"),
    ("Barcelona", "Барселона", "ES", "Universidad"),
    ("València", "Валенсия", "ES", "Universidad"),
    ("Wien", "Вена", "AT", "Universität"),
    ("Graz", "Грац", "AT", "Universität"),
    ("Tartu", "Тарту", "EE", "Ülikool"),
    ("Tallinn", "Таллин", "EE", "Ülikool"),
    ("Rīga", "Рига", "LV", "Universitāte"),
    ("Vilnius", "Вильнюс", "LT", "universitetas"),
    ("Praha", "Прага", "CZ", "Univerzita"),
    ("Brno", "Брно", "CZ", "Univerzita"),
    ("Budapest", "Будапешт", "HU", "Egyetem"),
    ("Stockholm", "Стокгольм", "SE", "universitet"),
    ("Uppsala", "Уппсала", "SE", "universitet"),
    ("Lund", "Лунд", "SE", "universitet"),
    ("København", "Копенгаген", "DK", "Universitet"),
    ("Amsterdam", "Амстердам", "NL", "Universiteit"),
    ("Delft", "Делфт", "NL", "Universiteit"),
    ("Leuven", "Лёвен", "BE", "Universiteit"),
    ("Dublin", "Дублин", "IE", ""),
    ("Lisboa", "Лиссабон", "PT", "Universidade"),
    ("Athína", "Афины", "GR", ""),
    ("Sofia", "София", "BG", ""),
    ("Bratislava", "Братислава", "SK", "Univerzita"),
    ("Ljubljana", "Любляна", "SI", "Univerza"),
    ("Zagreb", "Загреб", "HR", "Sveučilište"),
    ("București", "Бухарест", "RO", "Universitatea"),
)

COMPANY_SUFFIX = {
    "FI": "Oy",
    "PL": "Sp. z o.o.",
    "DE": "GmbH",
    "FR": "SAS",
    "IT": "S.r.l.",
    "ES": "S.L.",
    "AT": "GmbH",
    "EE": "OÜ",
    "LV": "SIA",
    "LT": "UAB",
    "CZ": "s.r.o.",
    "HU": "Kft.",
    "SE": "AB",
    "DK": "ApS",
    "NL": "B.V.",
    "BE": "BV",
    "IE": "Ltd",
    "PT": "Lda",
    "GR": "IKE",
    "BG": "EOOD",
    "SK": "s.r.o.",
    "SI": "d.o.o.",
    "HR": "d.o.o.",
    "RO": "SRL",
}

RU_SURNAMES: tuple[str, ...] = (
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Лебедев", "Козлов", "Новиков",
    "Морозов", "Соколов", "Волков", "Зайцев", "Павлов", "Семенов", "Голубев", "Виноградов",
    "Богданов", "Воробьев", "Федоров", "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров",
    "Орлов", "Киселев", "Макаров", "Андреев", "Ковалев", "Ильин", "Гусев", "Титов",
    "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев", "Степанов", "Яковлев",
    "Сорокин", "Сергеев", "Романов", "Захаров", "Борисов", "Королев", "Герасимов",
    "Пономарев", "Григорьев", "Лазарев", "Медведев", "Ершов", "Никитин", "Соболев",
    "Рябов", "Поляков", "Цветков", "Данилов", "Жуков", "Фролов", "Журавлев", "Николаев",
    "Крылов", "Максимов", "Осипов", "Белоусов", "Федотов", "Дорофеев", "Егоров", "Матвеев",
    "Бобров", "Дмитриев", "Калинин", "Анисимов", "Петухов", "Антонов", "Тимофеев",
    "Никифоров", "Веселов", "Филиппов", "Марков", "Большаков", "Суханов", "Миронов",
    "Ширяев", "Александров", "Коновалов", "Шестаков", "Казаков", "Ефимов", "Денисов",
    "Громов", "Фомин", "Давыдов", "Мельников", "Щербаков", "Блинов", "Колесников",
    "Карпов", "Афанасьев", "Власов", "Маслов", "Исаков", "Тихонов", "Аксенов", "Гаврилов",
)  # fmt: skip

EU_SURNAMES: tuple[str, ...] = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Nowak",
    "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Virtanen", "Korhonen", "Mäkinen",
    "Nieminen", "Dupont", "Martin", "Bernard", "Lefèvre", "Moreau", "Rossi", "Bianchi",
    "Romano", "Colombo", "García", "Fernández", "López", "Martínez", "Novák", "Svoboda",
    "Horváth", "Nagy", "Andersson", "Johansson", "Lindqvist", "Jensen", "Nielsen",
    "de Vries", "Janssen", "Peeters", "Murphy", "Kelly", "Silva", "Santos",
    "Papadopoulos", "Tamm", "Saar", "Bērziņš", "Kazlauskas", "Popescu", "Horvat",
    "Kovačić", "Dimitrov", "Novotný", "Kováč", "Zupan", "Lehmann", "Schulz", "Koch",
)  # fmt: skip

SYLLABLES: tuple[str, ...] = (
    "kor", "vex", "tal", "min", "sen", "dra", "lum", "pho", "nix", "ter", "gra", "bio",
    "qua", "tron", "zen", "mar", "lex", "vor", "tis", "nor", "kal", "ber", "dyn", "ax",
    "ion", "sol", "plex", "rin", "tec", "vis", "cor", "mag", "nov", "ul", "ra", "gen",
    "tek", "sys", "lab", "ond",
)  # fmt: skip

# (English, Russian) keywords
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("photonics", "фотоника"),
    ("catalysis", "катализ"),
    ("nanomaterials", "наноматериалы"),
    ("permafrost", "вечная мерзлота"),
    ("bioinformatics", "биоинформатика"),
    ("machine learning", "машинное обучение"),
    ("hydrogen energy", "водородная энергетика"),
    ("climate change", "изменение климата"),
    ("Arctic", "Арктика"),
    ("quantum computing", "квантовые вычисления"),
    ("additive manufacturing", "аддитивные технологии"),
    ("oncology", "онкология"),
    ("epidemiology", "эпидемиология"),
    ("smart grids", "интеллектуальные сети"),
    ("wood processing", "деревообработка"),
    ("aquaculture", "аквакультура"),
    ("space weather", "космическая погода"),
    ("lasers", "лазеры"),
    ("superconductivity", "сверхпроводимость"),
    ("big data", "большие данные"),
    ("cybersecurity", "кибербезопасность"),
    ("urban mobility", "городская мобильность"),
    ("food safety", "безопасность пищевых продуктов"),
    ("neuroscience", "нейронауки"),
    ("robotics", "робототехника"),
    ("geothermal energy", "геотермальная энергия"),
    ("water treatment", "очистка воды"),
    ("radiation protection", "радиационная защита"),
    ("composites", "композиты"),
    ("biofuels", "биотопливо"),
)

RAS_BRANCHES: tuple[tuple[str, str], ...] = (
    ("СО РАН", "SB RAS"),
    ("УрО РАН", "UB RAS"),
    ("ДВО РАН", "FEB RAS"),
    ("РАН", "RAS"),
    ("РАН", "RAS"),
)

THEME_CODES: tuple[str, ...] = (
    "HEALTH", "KBBE", "ICT", "NMP", "ENERGY", "ENVIRONMENT", "TRANSPORT", "SSH", "SPACE",
    "SECURITY", "IDEAS", "PEOPLE", "INFRASTRUCTURES", "SME", "INCO", "EURATOM",
)  # fmt: skip


def _mix(i: int, salt: int) -> int:
    """A deterministic pseudo-random number for row ``i`` (Knuth's multiplicative hash)."""
    return ((i + 1) * 2654435761 + salt * 40503 + (i >> 7) * 97) % 4294967291


def _pick(seq: Sequence[Any], i: int, salt: int) -> Any:
    return seq[_mix(i, salt) % len(seq)]


def _weighted_ru_city(i: int) -> tuple[str, str, str, str]:
    weighted = len(RU_CITY_WEIGHTS)
    total = sum(RU_CITY_WEIGHTS) + (len(RU_CITIES) - weighted)
    roll = _mix(i, 11) % total
    for index, weight in enumerate(RU_CITY_WEIGHTS):
        if roll < weight:
            return RU_CITIES[index]
        roll -= weight
    return RU_CITIES[weighted + roll]


def brand(i: int) -> str:
    """A made-up company name, unique for the first 64,000 rows: the rare words."""
    n = (i * 7919 + 13) % (len(SYLLABLES) ** 3)
    parts = []
    for _ in range(3):
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts).capitalize()


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[0].isalpha()).upper()[:10]


def _genitive(surname: str) -> str:
    return surname + "а"


@dataclass
class GeneratedOrg:
    name: str
    name_alt: str
    short_name: str
    type: str
    country: str
    subject: str
    city: str
    description: str
    keywords: str
    themes: tuple[str, ...]


def generated_organisation(i: int) -> GeneratedOrg:
    """Row ``i`` of the generated registry (deterministic)."""
    themes = tuple(dict.fromkeys(_pick(THEME_CODES, i, s) for s in (21, 22, 23)[: 1 + i % 3]))
    kw = [_pick(KEYWORDS, i, s) for s in (31, 32, 33)[: 2 + i % 2]]
    f1, f2 = _pick(FIELDS, i, 41), _pick(FIELDS, i, 42)
    if _mix(i, 1) % 100 < 38:
        return _generated_russian(i, themes, kw, f1, f2)
    return _generated_european(i, themes, kw, f1, f2)


def _generated_russian(
    i: int,
    themes: tuple[str, ...],
    kw: list[tuple[str, str]],
    f1: tuple[str, str],
    f2: tuple[str, str],
) -> GeneratedOrg:
    city_en, city_ru, adj, subject = _weighted_ru_city(i)
    surname = _pick(RU_SURNAMES, i, 51)
    initials = f"{_pick('АБВГДЕИКЛМНОПРСТ', i, 52)}.{_pick('АБВГДЕИКЛМНОПРСТ', i, 53)}."
    branch_ru, branch_en = _pick(RAS_BRANCHES, i, 54)
    roll = _mix(i, 2) % 100
    if roll < 30:
        kind_ru, kind_en = _pick(
            (
                ("", ""),
                ("", ""),
                ("технический ", "Technical "),
                ("медицинский ", "Medical "),
                ("аграрный ", "Agrarian "),
                ("педагогический ", "Pedagogical "),
                ("экономический ", "Economic "),
            ),
            i,
            55,
        )
        name_ru = f"{adj} государственный {kind_ru}университет"
        name_en = f"{city_en} State {kind_en}University"
        org_type = OrgType.UNIVERSITY
    elif roll < 60:
        if _mix(i, 56) % 3 == 0:
            name_ru = f"Институт {f1[1]} им. {initials} {_genitive(surname)} {branch_ru}"
            name_en = f"{search.to_latin(surname)} Institute of {f1[0]} {branch_en}"
        else:
            name_ru = f"Институт {f1[1]} {branch_ru}"
            name_en = f"Institute of {f1[0]} {branch_en}"
        org_type = OrgType.RESEARCH_INSTITUTE
    elif roll < 75:
        name_ru = f"{adj} научно-исследовательский институт {f1[1]}"
        name_en = f"{city_en} Research Institute of {f1[0]}"
        org_type = OrgType.RESEARCH_INSTITUTE
    elif roll < 90:
        name = brand(i)
        form_ru, form_en = _pick((("ООО", "LLC"), ("АО", "JSC"), ("ООО НПП", "R&D LLC")), i, 57)
        name_ru = f"{form_ru} «{search.to_cyrillic(name).capitalize()}»"
        name_en = f"{name} {form_en}"
        org_type = OrgType.SME if form_ru.startswith("ООО") else OrgType.LARGE_COMPANY
    else:
        name_ru = f"{adj} научный центр {branch_ru}"
        name_en = f"{city_en} Scientific Centre {branch_en}"
        org_type = OrgType.RESEARCH_INSTITUTE
    script = _mix(i, 3) % 4
    if script <= 1:  # Cyrillic with the English name
        name, name_alt, city = name_ru, name_en, city_ru
    elif script == 2:  # Cyrillic only
        name, name_alt, city = name_ru, "", city_ru
    else:  # as CORDIS writes it: romanised, upper case
        name, name_alt, city = search.to_latin(name_ru).upper(), "", city_en
    description = (
        f"Научные исследования в области {f1[1]} и {f2[1]}; {kw[0][1]}, {kw[1][1]}. "
        f"Участвует в совместных проектах с европейскими партнёрами."
        if script != 0
        else f"Research in {f1[0].lower()} and {f2[0].lower()}: {kw[0][0]}, {kw[1][0]}. "
        f"Experienced partner in EU-Russia research cooperation projects."
    )
    return GeneratedOrg(
        name=name,
        name_alt=name_alt,
        short_name=_initials(name_en),
        type=org_type,
        country="RU",
        subject=subject,
        city=city,
        description=description,
        keywords=", ".join(f"{en}, {ru}" for en, ru in kw),
        themes=themes,
    )


def _generated_european(
    i: int,
    themes: tuple[str, ...],
    kw: list[tuple[str, str]],
    f1: tuple[str, str],
    f2: tuple[str, str],
) -> GeneratedOrg:
    city, city_ru, country, native = _pick(EU_CITIES, i, 61)
    surname = _pick(EU_SURNAMES, i, 62)
    roll = _mix(i, 4) % 100
    name_alt = ""
    if roll < 22:
        name = f"University of {city}"
        name_alt = f"Университет {city_ru}"
        org_type = OrgType.UNIVERSITY
    elif roll < 30:
        name = f"{city} University of Technology"
        name_alt = f"Технологический университет {city_ru}"
        org_type = OrgType.UNIVERSITY
    elif roll < 38:
        name = f"{native} {city}" if native else f"{city} University"
        if country in {"FI", "SE", "DK", "EE", "LT", "HU", "NL", "BE"} and native:
            name = f"{city} {native}"
        org_type = OrgType.UNIVERSITY
    elif roll < 55:
        name = f"{surname} Institute for {f1[0]}"
        org_type = OrgType.RESEARCH_INSTITUTE
    elif roll < 62:
        acronym = _initials(f1[0]) + _initials(city)[:1]
        name = (
            f"Fraunhofer Institute for {f1[0]} {acronym}"
            if country == "DE"
            else f"National Institute of {f1[0]}"
        )
        name_alt = f"Институт {f1[1]}"
        org_type = OrgType.RESEARCH_INSTITUTE
    elif roll < 88:
        name = f"{brand(i)} {COMPANY_SUFFIX.get(country, 'Ltd')}"
        org_type = OrgType.SME if roll < 82 else OrgType.LARGE_COMPANY
    else:
        name = f"{city} Research Centre for {f1[0]}"
        name_alt = f"Исследовательский центр {f1[1]} ({city_ru})"
        org_type = OrgType.RESEARCH_INSTITUTE
    description = (
        f"Research and development in {f1[0].lower()} and {f2[0].lower()}: "
        f"{kw[0][0]}, {kw[1][0]}. Open to cooperation with Russian research institutes "
        f"and universities in Horizon Europe projects."
    )
    return GeneratedOrg(
        name=name,
        name_alt=name_alt,
        short_name=_initials(name),
        type=org_type,
        country=country,
        subject="",
        city=city,
        description=description,
        keywords=", ".join(f"{en}, {ru}" for en, ru in kw),
        themes=themes,
    )


def _organisation_terms(ref: Reference, spec: GeneratedOrg) -> str:
    themes = ref.theme_list(spec.themes)
    subject = ref.subjects.get(spec.subject)
    country = ref.countries.get(spec.country)
    return indexing.organisation_terms(
        themes=themes, keywords=spec.keywords, country=country, federal_subject=subject
    )


def generated_organisation_row(
    ref: Reference,
    i: int,
    spec: GeneratedOrg,
    *,
    now: datetime.datetime,
    fp7_participations: int,
    description: str | None = None,
) -> Organisation:
    """The unsaved published row of generated organisation ``i`` with its search texts and keys
    (the seeder's and the partner-search benchmark's; the benchmark gives longer descriptions)."""
    names = search.name_variants(spec.name, spec.name_alt, spec.short_name, spec.city)
    terms = _organisation_terms(ref, spec)
    # with the ids of the themes the caller adds next: the themes' trigger then leaves the row
    # as it is (written once: migration cooperation.0017)
    theme_ids = sorted(theme.pk for theme in ref.theme_list(spec.themes))
    return Organisation(
        name=spec.name,
        name_alt=spec.name_alt,
        short_name=spec.short_name,
        type=spec.type,
        country=ref.countries[spec.country],
        federal_subject=ref.subjects.get(spec.subject),
        city=spec.city,
        **by_script("description", spec.description if description is None else description),
        keywords=spec.keywords,
        pic=generated_pic(i),
        status=Organisation.Status.PUBLISHED,
        fp7_participations=fp7_participations,
        created_at=now - datetime.timedelta(minutes=i),
        updated_at=now,
        search_names=names,
        search_terms=terms,
        search_keys=search.skeleton_keys(names, terms),
        theme_ids=theme_ids,
    )


def seed_generated(ref: Reference, *, organisations: int, offers: int) -> int:
    """Generated organisations and offers up to these totals (beyond the curated rows)."""
    created = _generate_organisations(ref, max(0, organisations))
    created += _generate_offers(ref, max(0, offers))
    return created


def generated_pic(i: int) -> str:
    return str(GENERATED_PIC_BASE + i)


def _generated_orgs() -> Any:
    return Organisation.objects.filter(
        pic__gte=generated_pic(0), pic__lt=str(GENERATED_PIC_BASE + 100_000_000)
    )


def _generate_organisations(ref: Reference, target: int) -> int:
    existing = _generated_orgs().count()
    if existing >= target:
        return 0
    now = timezone.now()
    through = Organisation.themes.through
    for start in range(existing, target, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, target)
        specs = [(i, generated_organisation(i)) for i in range(start, stop)]
        rows = [
            generated_organisation_row(
                ref,
                i,
                spec,
                now=now,
                fp7_participations=_mix(i, 71) % 7 if _mix(i, 72) % 5 == 0 else 0,
            )
            for i, spec in specs
        ]
        with transaction.atomic():
            Organisation.objects.bulk_create(rows, ignore_conflicts=True)
            ids = dict(
                _generated_orgs()
                .filter(pic__in=[generated_pic(i) for i in range(start, stop)])
                .values_list("pic", "pk")
            )
            through.objects.bulk_create(
                [
                    through(organisation_id=ids[generated_pic(i)], thematicpriority=theme)
                    for i, spec in specs
                    if generated_pic(i) in ids
                    for theme in ref.theme_list(spec.themes)
                ],
                ignore_conflicts=True,
            )
    words.words_add(indexing.ORGANISATION_SEARCH)
    words.indexes_tidy(indexing.ORGANISATION_SEARCH)
    return target - existing


OFFER_TITLES = {
    OfferType.RD_REQUEST: (
        "Partners sought for a {field} project",
        "Ищем партнёров для проекта в области {field_ru}",
    ),
    OfferType.TECH_OFFER: (
        "{brand}: {keyword} technology available for licensing",
        "{brand}: технология ({keyword_ru}) для лицензирования",
    ),
    OfferType.TECH_REQUEST: (
        "Looking for {keyword} technology",
        "Требуется технология: {keyword_ru}",
    ),
    OfferType.EXPERTISE_OFFER: (
        "Expertise in {field} for Horizon Europe consortia",
        "Экспертиза в области {field_ru} для консорциумов «Горизонт Европа»",
    ),
}
OFFER_TYPES = tuple(OFFER_TITLES)


def _generate_offers(ref: Reference, target: int) -> int:
    generated = CooperationOffer.objects.filter(organisation__in=_generated_orgs())
    existing = generated.count()
    if existing >= target:
        return 0
    orgs = list(
        _generated_orgs()
        .order_by("pic")
        .values_list("pk", "name", "name_alt", "short_name", "country__code")
    )
    authors = list(User.objects.filter(email__in=[r.email for r in RESEARCHERS]).order_by("email"))
    if not orgs or not authors:
        return 0
    now = timezone.now()
    today = local_today()
    through = CooperationOffer.themes.through
    for start in range(existing, target, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, target)
        rows = []
        themes_of: list[list[ThematicPriority]] = []
        for i in range(start, stop):
            org_id, org_name, org_alt, org_short, country = orgs[(i * 37) % len(orgs)]
            offer_type = OFFER_TYPES[i % len(OFFER_TYPES)]
            field, field_ru = _pick(FIELDS, i, 81)
            keyword, keyword_ru = _pick(KEYWORDS, i, 82)
            title_en, title_ru = OFFER_TITLES[offer_type]
            russian = country == "RU" and _mix(i, 83) % 2 == 0
            title = (title_ru if russian else title_en).format(
                field=field.lower(),
                field_ru=field_ru,
                keyword=keyword,
                keyword_ru=keyword_ru,
                brand=brand(i + 500_000),
            )
            summary = (
                f"Совместная работа: {keyword_ru}, область {field_ru}."
                if russian
                else f"Cooperation on {keyword} in {field.lower()}."
            )
            published = now - datetime.timedelta(hours=3 * i % 7200 + 1)
            themes = ref.theme_list({_pick(THEME_CODES, i, s) for s in (84, 85)})
            themes_of.append(themes)
            rows.append(
                CooperationOffer(
                    author=authors[i % len(authors)],
                    organisation_id=org_id,
                    type=offer_type,
                    **by_script("title", title[:200]),
                    **by_script("summary", summary),
                    **by_script(
                        "description",
                        f"{summary} Partners from the EU and Russia are welcome; "
                        f"contact us through the portal.",
                    ),
                    sought_role=CooperationOffer.PartnerRole.ANY,
                    status=CooperationOffer.Status.PUBLISHED,
                    expires_on=today + datetime.timedelta(days=30 + _mix(i, 86) % 330),
                    created_at=published - datetime.timedelta(days=2),
                    submitted_at=published - datetime.timedelta(days=1),
                    published_at=published,
                    search_names=search.name_variants(title, org_name, org_alt, org_short),
                    search_terms=indexing.offer_terms(themes=themes, summary=summary),
                )
            )
        _with_keys(rows)
        with transaction.atomic():
            created = CooperationOffer.objects.bulk_create(rows)  # ids returned
            through.objects.bulk_create(
                [
                    through(cooperationoffer_id=offer.pk, thematicpriority=theme)
                    for offer, themes in zip(created, themes_of, strict=True)
                    for theme in themes
                ]
            )
    words.words_add(indexing.OFFER_SEARCH)
    words.indexes_tidy(indexing.OFFER_SEARCH)
    return target - existing


def _with_keys(rows: Sequence[Any]) -> None:
    """The skeleton keys of each row (PostgreSQL generates the vectors on insert)."""
    for row in rows:
        row.search_keys = search.skeleton_keys(row.search_names, row.search_terms)

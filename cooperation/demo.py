"""Demo content of the partner registry and funding calls (``manage.py seed_demo``).

``seed_cooperation(scale=1)`` loads believable bilingual content: about 40 EU and Russian
organisations (names in both scripts, or in one script only, or romanised Russian as CORDIS
writes it), a dozen researcher profiles of the demo users, funding calls from FP7 to Horizon
Europe and Russian foundations with deadlines in their own time zones, and published
cooperation offers of every type.

``--scale N`` adds generated rows up to ``max(40, N)`` organisations and ``max(20, N // 5)``
offers, for benchmarks: names follow realistic word frequencies (very common: "University",
"Институт", "State"; common: city names, fields of science; rare: company names and surnames),
in both scripts. Generated rows are inserted with ``bulk_create`` in batches of 2,000, with
their search columns computed in Python (transliterations included) and, on PostgreSQL, their
``search_vector`` computed by the INSERT itself (``search.vector_expression``): a set-based
UPDATE afterwards would write every row and every index entry twice. A set-based UPDATE still
fills in any generated row left without a vector (an interrupted run).

Idempotent: curated rows are keyed by name (organisations), email (users), identifier (calls)
and title (offers); generated organisation ``i`` has PIC ``700000000 + i`` and generated offers
belong to generated organisations, so a second run only adds what is missing.

This seeder writes rows directly (bulk inserts for speed) instead of through the services, and
then calls ``cooperation.indexing`` as the services do.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cooperation import indexing
from cooperation.models import (
    CallDeadline,
    CooperationOffer,
    FundingCall,
    Organisation,
    ResearcherProfile,
)
from portal import search
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.reference.models import Country, FederalSubject, ThematicPriority
from portal.search import words

GENERATED_PIC_BASE = 700_000_000
BATCH_SIZE = 2000

OrgType = Organisation.Type
OfferType = CooperationOffer.Type

# -- curated organisations -------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    name: str
    name_alt: str
    short_name: str
    type: str
    country: str
    city: str
    themes: tuple[str, ...]
    keywords: str
    description: str
    subject: str = ""
    website: str = ""
    pic: str | None = None
    ror: str | None = None
    fp7: tuple[int, int, int] = (0, 0, 0)  # participations, coordinations, EU contribution


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "Томский государственный университет",
        "Tomsk State University",
        "ТГУ",
        OrgType.UNIVERSITY,
        "RU",
        "Томск",
        ("NMP", "ENVIRONMENT", "PEOPLE"),
        "radiophysics, Siberian environment, радиофизика, климат Сибири",
        "Старейший университет Азиатской части России (1878). Исследования в области "
        "радиофизики, материаловедения и изменения климата Сибири; сеть станций мониторинга "
        "вечной мерзлоты. Tomsk State University coordinates Siberian environmental networks.",
        subject="RU-TOM",
        website="https://www.tsu.ru/",
        pic="999887001",
        ror="04tsk8r11",
        fp7=(14, 2, 2_450_000),
    ),
    OrgSpec(
        "Томский политехнический университет",
        "Tomsk Polytechnic University",
        "ТПУ",
        OrgType.UNIVERSITY,
        "RU",
        "Томск",
        ("ENERGY", "NMP", "EURATOM"),
        "nuclear engineering, hydrogen, ядерные технологии, водородная энергетика",
        "Engineering university with strengths in nuclear technology, non-destructive testing "
        "and hydrogen energy. Инженерные школы ядерных технологий и энергетики.",
        subject="RU-TOM",
        website="https://tpu.ru/",
        pic="999887002",
        fp7=(9, 1, 1_320_000),
    ),
    OrgSpec(
        "Новосибирский государственный университет",
        "Novosibirsk State University",
        "НГУ",
        OrgType.UNIVERSITY,
        "RU",
        "Новосибирск",
        ("ICT", "HEALTH", "IDEAS"),
        "bioinformatics, mathematics, биоинформатика, математика",
        "Research university in Akademgorodok closely linked with the institutes of the "
        "Siberian Branch of the Russian Academy of Sciences. Образование через науку.",
        subject="RU-NVS",
        website="https://www.nsu.ru/",
        pic="999887003",
        fp7=(11, 1, 1_870_000),
    ),
    OrgSpec(
        "Институт катализа им. Г.К. Борескова СО РАН",
        "Boreskov Institute of Catalysis SB RAS",
        "ИК СО РАН",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Новосибирск",
        ("NMP", "ENERGY", "KBBE"),
        "catalysis, biofuels, катализ, биотопливо",
        "Один из крупнейших в мире институтов катализа: катализаторы для нефтепереработки, "
        "водородной энергетики и переработки биомассы. Partner in several FP7 energy projects.",
        subject="RU-NVS",
        pic="999887004",
        ror="05ktvk221",
        fp7=(17, 3, 3_120_000),
    ),
    OrgSpec(
        "Институт ядерной физики им. Г.И. Будкера СО РАН",
        "Budker Institute of Nuclear Physics SB RAS",
        "ИЯФ СО РАН",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Новосибирск",
        ("INFRASTRUCTURES", "EURATOM"),
        "accelerators, synchrotron radiation, ускорители, синхротронное излучение",
        "Accelerator physics, colliders and synchrotron radiation sources; contributions to "
        "European XFEL and FAIR. Ускорители и источники синхротронного излучения.",
        subject="RU-NVS",
        pic="999887005",
        fp7=(8, 0, 960_000),
    ),
    OrgSpec(
        "Московский государственный университет имени М.В. Ломоносова",
        "Lomonosov Moscow State University",
        "МГУ",
        OrgType.UNIVERSITY,
        "RU",
        "Москва",
        ("HEALTH", "ICT", "SSH", "SPACE"),
        "space research, supercomputing, космические исследования, суперкомпьютеры",
        "Крупнейший классический университет России. Supercomputing centre, space research "
        "and a wide portfolio of EU-Russia joint projects since FP5.",
        subject="RU-MOW",
        website="https://www.msu.ru/",
        pic="999887006",
        ror="010pmpe69",
        fp7=(52, 6, 9_800_000),
    ),
    OrgSpec(
        "MOSKOVSKIY GOSUDARSTVENNYY TEKHNICHESKIY UNIVERSITET IMENI N.E. BAUMANA",
        "",
        "BMSTU",
        OrgType.UNIVERSITY,
        "RU",
        "Moscow",
        ("TRANSPORT", "SPACE", "NMP"),
        "robotics, aerospace engineering",
        "Technical university known for mechanical engineering, robotics and aerospace "
        "systems. Name as registered in CORDIS.",
        subject="RU-MOW",
        pic="999887007",
        fp7=(7, 0, 810_000),
    ),
    OrgSpec(
        "NOVOSIBIRSKII GOSUDARSTVENNYI TEKHNICHESKII UNIVERSITET",
        "",
        "NSTU",
        OrgType.UNIVERSITY,
        "RU",
        "Novosibirsk",
        ("ENERGY", "ICT"),
        "power electronics, smart grids",
        "Power engineering and electronics; smart grid test bench. Name as registered in CORDIS.",
        subject="RU-NVS",
        pic="999887008",
        fp7=(3, 0, 240_000),
    ),
    OrgSpec(
        "Санкт-Петербургский государственный университет",
        "Saint Petersburg State University",
        "СПбГУ",
        OrgType.UNIVERSITY,
        "RU",
        "Санкт-Петербург",
        ("ENVIRONMENT", "SSH", "HEALTH"),
        "Arctic, linguistics, Арктика, лингвистика",
        "Classical university with Arctic research stations and strong social sciences. "
        "Исследования Арктики и полярных регионов.",
        subject="RU-SPE",
        website="https://spbu.ru/",
        pic="999887009",
        fp7=(31, 3, 5_400_000),
    ),
    OrgSpec(
        "Университет ИТМО",
        "ITMO University",
        "ИТМО",
        OrgType.UNIVERSITY,
        "RU",
        "Санкт-Петербург",
        ("ICT", "NMP"),
        "photonics, quantum technologies, фотоника, квантовые технологии",
        "Photonics, quantum communication and computer science. Фотоника и квантовые коммуникации.",
        subject="RU-SPE",
        pic="999887010",
        fp7=(6, 0, 700_000),
    ),
    OrgSpec(
        "Казанский (Приволжский) федеральный университет",
        "Kazan Federal University",
        "КФУ",
        OrgType.UNIVERSITY,
        "RU",
        "Казань",
        ("HEALTH", "ENVIRONMENT"),
        "petroleum geology, medicine, нефтегазовая геология, медицина",
        "Федеральный университет Поволжья: геология нефти и газа, медицина, химия. Open to "
        "joint doctoral programmes.",
        subject="RU-TA",
        pic="999887011",
        fp7=(5, 0, 520_000),
    ),
    OrgSpec(
        "Уральский федеральный университет имени первого Президента России Б.Н. Ельцина",
        "Ural Federal University",
        "УрФУ",
        OrgType.UNIVERSITY,
        "RU",
        "Екатеринбург",
        ("NMP", "ENERGY"),
        "metallurgy, radiochemistry, металлургия, радиохимия",
        "Engineering and natural sciences in the Urals: metallurgy, radiochemistry, "
        "renewable energy. Металлургия и радиохимия.",
        subject="RU-SVE",
        pic="999887012",
        fp7=(4, 0, 410_000),
    ),
    OrgSpec(
        "Физико-технический институт им. А.Ф. Иоффе Российской академии наук",
        "Ioffe Institute",
        "ФТИ им. Иоффе",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Санкт-Петербург",
        ("NMP", "ENERGY"),
        "semiconductors, solar cells, полупроводники, солнечные элементы",
        "Физика полупроводников, гетероструктуры и солнечная энергетика. Semiconductor "
        "heterostructures and concentrator photovoltaics.",
        subject="RU-SPE",
        pic="999887013",
        fp7=(12, 1, 1_450_000),
    ),
    OrgSpec(
        "Институт океанологии им. П.П. Ширшова РАН",
        "Shirshov Institute of Oceanology RAS",
        "ИО РАН",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Москва",
        ("ENVIRONMENT",),
        "oceanography, Arctic seas, океанология, арктические моря",
        "Marine research fleet and Arctic expeditions. Исследования Мирового океана.",
        subject="RU-MOW",
        pic="999887014",
        fp7=(9, 1, 1_100_000),
    ),
    OrgSpec(
        "Институт солнечно-земной физики СО РАН",
        "Institute of Solar-Terrestrial Physics SB RAS",
        "ИСЗФ СО РАН",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Иркутск",
        ("SPACE",),
        "space weather, ionosphere, космическая погода, ионосфера",
        "Solar physics, space weather and ionospheric radars near Lake Baikal. Солнечная "
        "физика и космическая погода.",
        subject="RU-IRK",
        pic="999887015",
        fp7=(3, 0, 200_000),
    ),
    OrgSpec(
        "Российский фонд фундаментальных исследований",
        "Russian Foundation for Basic Research",
        "РФФИ",
        OrgType.PUBLIC_BODY,
        "RU",
        "Москва",
        ("IDEAS", "INCO"),
        "research funding, финансирование исследований",
        "State foundation that funded basic research and joint calls with European "
        "partners. Государственный фонд поддержки фундаментальных исследований.",
        subject="RU-MOW",
        pic="999887016",
    ),
    OrgSpec(
        "ООО «Сибирские нанотехнологии»",
        "Siberian Nanotechnologies LLC",
        "SibNano",
        OrgType.SME,
        "RU",
        "Новосибирск",
        ("NMP", "SME"),
        "carbon nanotubes, composites, углеродные нанотрубки, композиты",
        "Малое инновационное предприятие: производство модифицированных углеродных нанотрубок "
        "для композитов. Looking for EU distributors and R&D partners.",
        subject="RU-NVS",
    ),
    OrgSpec(
        "Институт проблем химической физики РАН",
        "Institute of Problems of Chemical Physics RAS",
        "ИПХФ РАН",
        OrgType.RESEARCH_INSTITUTE,
        "RU",
        "Черноголовка",
        ("NMP", "ENERGY"),
        "hydrogen storage, fuel cells, хранение водорода, топливные элементы",
        "Химическая физика, материалы для хранения водорода и топливные элементы. Hydrogen "
        "storage materials.",
        subject="RU-MOS",
        pic="999887018",
        fp7=(6, 0, 640_000),
    ),
    OrgSpec(
        "Дальневосточный федеральный университет",
        "Far Eastern Federal University",
        "ДВФУ",
        OrgType.UNIVERSITY,
        "RU",
        "Владивосток",
        ("KBBE", "ENVIRONMENT"),
        "marine biology, aquaculture, морская биология, аквакультура",
        "Marine biology and aquaculture on the Pacific coast. Морская биология и аквакультура.",
        subject="RU-PRI",
    ),
    OrgSpec(
        "Самарский национальный исследовательский университет имени академика С.П. Королёва",
        "Samara University",
        "Самарский университет",
        OrgType.UNIVERSITY,
        "RU",
        "Самара",
        ("SPACE", "TRANSPORT"),
        "small satellites, aircraft engines, малые спутники, авиадвигатели",
        "Aerospace university: small satellites and aircraft engines. Аэрокосмический университет.",
        subject="RU-SAM",
        pic="999887020",
    ),
    OrgSpec(
        "Fraunhofer-Institut für Lasertechnik ILT",
        "Институт лазерной техники Фраунгофера",
        "Fraunhofer ILT",
        OrgType.RESEARCH_INSTITUTE,
        "DE",
        "Aachen",
        ("NMP", "ICT"),
        "laser technology, additive manufacturing, лазерные технологии",
        "Applied research in laser technology: additive manufacturing, micro-processing and "
        "laser measurement. Прикладные лазерные технологии.",
        website="https://www.ilt.fraunhofer.de/",
        pic="999887021",
        fp7=(41, 7, 8_900_000),
    ),
    OrgSpec(
        "Fraunhofer Institute for Solar Energy Systems ISE",
        "Институт систем солнечной энергетики Фраунгофера",
        "Fraunhofer ISE",
        OrgType.RESEARCH_INSTITUTE,
        "DE",
        "Freiburg",
        ("ENERGY",),
        "photovoltaics, hydrogen, фотовольтаика",
        "Europe's largest solar energy research institute: photovoltaics, solar thermal, "
        "hydrogen technologies and energy system analysis.",
        website="https://www.ise.fraunhofer.de/",
        pic="999887022",
        fp7=(63, 9, 14_200_000),
    ),
    OrgSpec(
        "Karlsruher Institut für Technologie",
        "Технологический институт Карлсруэ",
        "KIT",
        OrgType.UNIVERSITY,
        "DE",
        "Karlsruhe",
        ("ENERGY", "ICT", "EURATOM"),
        "fusion, energy storage, climate modelling",
        "Research university of the Helmholtz Association: energy, mobility, information "
        "and climate research.",
        pic="999887023",
        ror="04t3en479",
        fp7=(120, 18, 42_000_000),
    ),
    OrgSpec(
        "Technische Universität München",
        "Мюнхенский технический университет",
        "TUM",
        OrgType.UNIVERSITY,
        "DE",
        "München",
        ("HEALTH", "ICT", "TRANSPORT"),
        "robotics, medical imaging, робототехника",
        "Technical university with leading robotics, medical engineering and mobility research.",
        pic="999887024",
        fp7=(150, 25, 61_000_000),
    ),
    OrgSpec(
        "Helmholtz-Zentrum Dresden-Rossendorf",
        "Центр Гельмгольца Дрезден-Россендорф",
        "HZDR",
        OrgType.RESEARCH_INSTITUTE,
        "DE",
        "Dresden",
        ("INFRASTRUCTURES", "HEALTH", "ENERGY"),
        "high magnetic fields, radiopharmacy, ion beams",
        "Large-scale facilities for high magnetic fields, ion beams and free-electron lasers; "
        "cooperation with Russian synchrotron centres.",
        pic="999887025",
        fp7=(37, 4, 7_300_000),
    ),
    OrgSpec(
        "Politechnika Warszawska",
        "Варшавский политехнический университет",
        "PW",
        OrgType.UNIVERSITY,
        "PL",
        "Warszawa",
        ("ICT", "TRANSPORT", "ENERGY"),
        "power engineering, electronics, энергетика",
        "The largest technical university in Poland: electronics, power engineering and transport.",
        pic="999887026",
        fp7=(70, 6, 11_000_000),
    ),
    OrgSpec(
        "Uniwersytet Jagielloński",
        "Ягеллонский университет",
        "UJ",
        OrgType.UNIVERSITY,
        "PL",
        "Kraków",
        ("HEALTH", "SSH", "IDEAS"),
        "medicine, Slavic studies, славистика",
        "Poland's oldest university (1364): medicine, life sciences and Slavic studies with "
        "long-standing Russian partnerships.",
        pic="999887027",
        fp7=(55, 5, 9_500_000),
    ),
    OrgSpec(
        "Aalto University",
        "Университет Аалто",
        "Aalto",
        OrgType.UNIVERSITY,
        "FI",
        "Espoo",
        ("ICT", "NMP", "KBBE"),
        "forest products, wood-based materials, деревообработка",
        "Science, technology, business and arts; wood-based materials and forest bioeconomy "
        "with partners in Karelia and Arkhangelsk.",
        pic="999887028",
        fp7=(95, 12, 27_000_000),
    ),
    OrgSpec(
        "Helsingin yliopisto",
        "University of Helsinki",
        "UH",
        OrgType.UNIVERSITY,
        "FI",
        "Helsinki",
        ("ENVIRONMENT", "HEALTH", "SSH"),
        "atmospheric science, boreal forests, Russian studies, атмосфера",
        "Atmospheric and boreal forest research (SMEAR stations) and the Aleksanteri Institute "
        "for Russian and Eurasian studies. Хельсинкский университет.",
        pic="999887029",
        fp7=(160, 30, 80_000_000),
    ),
    OrgSpec(
        "Teknologian tutkimuskeskus VTT Oy",
        "VTT Technical Research Centre of Finland",
        "VTT",
        OrgType.RESEARCH_INSTITUTE,
        "FI",
        "Espoo",
        ("ICT", "ENERGY", "NMP"),
        "bioeconomy, nuclear safety, smart industry",
        "Applied research for industry: bioeconomy, nuclear safety and digital manufacturing.",
        pic="999887030",
        fp7=(200, 40, 95_000_000),
    ),
    OrgSpec(
        "LUT-yliopisto",
        "LUT University",
        "LUT",
        OrgType.UNIVERSITY,
        "FI",
        "Lappeenranta",
        ("ENERGY", "ENVIRONMENT"),
        "circular economy, energy efficiency, Russia-Finland cross-border cooperation",
        "Technical university near the Russian border: clean energy, water and circular "
        "economy; cross-border programmes with Saint Petersburg.",
        pic="999887031",
    ),
    OrgSpec(
        "Centre national de la recherche scientifique",
        "Национальный центр научных исследований",
        "CNRS",
        OrgType.RESEARCH_INSTITUTE,
        "FR",
        "Paris",
        ("IDEAS", "PEOPLE", "ENVIRONMENT", "HEALTH"),
        "international research laboratories, permafrost, mathematics",
        "France's national research organisation, running international research laboratories "
        "with Russian partners (mathematics, Arctic, physics).",
        pic="999887032",
        ror="02feahw73",
        fp7=(900, 200, 410_000_000),
    ),
    OrgSpec(
        "Université de Strasbourg",
        "Страсбургский университет",
        "Unistra",
        OrgType.UNIVERSITY,
        "FR",
        "Strasbourg",
        ("HEALTH", "NMP"),
        "chimie supramoléculaire, supramolecular chemistry, супрамолекулярная химия",
        "Université pluridisciplinaire : chimie supramoléculaire, biologie, sciences humaines. "
        "Multidisciplinary university strong in supramolecular chemistry.",
        pic="999887033",
        fp7=(85, 14, 30_000_000),
    ),
    OrgSpec(
        "Université Grenoble Alpes",
        "Университет Гренобль-Альпы",
        "UGA",
        OrgType.UNIVERSITY,
        "FR",
        "Grenoble",
        ("NMP", "ICT", "ENERGY"),
        "micro-électronique, nanosciences, наноэлектроника",
        "Université de recherche : micro- et nanotechnologies, énergie, physique des matériaux.",
        pic="999887034",
    ),
    OrgSpec(
        "Consiglio Nazionale delle Ricerche",
        "Национальный исследовательский совет Италии",
        "CNR",
        OrgType.RESEARCH_INSTITUTE,
        "IT",
        "Roma",
        ("ENVIRONMENT", "KBBE", "NMP"),
        "cultural heritage, marine science, polar research",
        "Italy's largest public research body: polar research, cultural heritage and "
        "materials science.",
        pic="999887035",
        fp7=(500, 80, 160_000_000),
    ),
    OrgSpec(
        "Politecnico di Milano",
        "Миланский политехнический университет",
        "POLIMI",
        OrgType.UNIVERSITY,
        "IT",
        "Milano",
        ("TRANSPORT", "ICT", "SSH"),
        "design, aerospace, urban mobility",
        "Engineering, architecture and design; aerospace structures and urban mobility.",
        pic="999887036",
    ),
    OrgSpec(
        "Universidad Politécnica de Madrid",
        "Мадридский политехнический университет",
        "UPM",
        OrgType.UNIVERSITY,
        "ES",
        "Madrid",
        ("ICT", "ENERGY", "KBBE"),
        "telecomunicaciones, solar energy, agronomy",
        "Universidad técnica: telecomunicaciones, energía solar, ingeniería agronómica.",
        pic="999887037",
    ),
    OrgSpec(
        "Tartu Ülikool",
        "Тартуский университет",
        "UT",
        OrgType.UNIVERSITY,
        "EE",
        "Tartu",
        ("HEALTH", "SSH"),
        "genomics, semiotics, геномика, семиотика",
        "Estonia's national university: genomics (Estonian Biobank) and the Tartu-Moscow "
        "semiotic school. Тартуский университет.",
        pic="999887038",
    ),
    OrgSpec(
        "Kungliga Tekniska högskolan",
        "Королевский технологический институт",
        "KTH",
        OrgType.UNIVERSITY,
        "SE",
        "Stockholm",
        ("ENERGY", "TRANSPORT", "ICT"),
        "nuclear safety, sustainable cities",
        "Sweden's largest technical university: energy systems, transport and nuclear safety.",
        pic="999887039",
    ),
    OrgSpec(
        "AIT Austrian Institute of Technology GmbH",
        "Австрийский технологический институт",
        "AIT",
        OrgType.RESEARCH_INSTITUTE,
        "AT",
        "Wien",
        ("ENERGY", "SECURITY", "TRANSPORT"),
        "cybersecurity, smart grids, кибербезопасность",
        "Applied research on energy, mobility and security infrastructures.",
        pic="999887040",
    ),
    OrgSpec(
        "Lasertech Photonics GmbH",
        "Лазертех Фотоникс",
        "LTP",
        OrgType.SME,
        "DE",
        "Jena",
        ("NMP", "SME"),
        "fibre lasers, optics, волоконные лазеры",
        "Small company building fibre lasers for micro-machining; seeks Russian research "
        "partners in photonics.",
    ),
    OrgSpec(
        "Nordic Bioeconomy Oy",
        "",
        "NBE",
        OrgType.SME,
        "FI",
        "Oulu",
        ("KBBE", "SME"),
        "peat, lignin, biorefinery",
        "Start-up turning lignin and forest residues into biochemicals.",
    ),
)


# -- demo people -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResearcherSpec:
    email: str
    name: str
    organisation: str  # OrgSpec.name
    position: str
    themes: tuple[str, ...]
    keywords: str
    orcid_base: str | None  # 15 digits; the check digit is computed
    visibility: str = ResearcherProfile.Visibility.PUBLIC
    country: str = ""
    language: str = "en"


RESEARCHERS: tuple[ResearcherSpec, ...] = (
    # Demo users of portal/accounts/demo.py
    ResearcherSpec(
        "anna.ivanova@demo.example",
        "Анна Иванова",
        "Томский государственный университет",
        "Ведущий научный сотрудник, лаборатория климата",
        ("ENVIRONMENT",),
        "permafrost, carbon fluxes, вечная мерзлота",
        "000000021234567",
    ),
    ResearcherSpec(
        "jan.kowalski@demo.example",
        "Jan Kowalski",
        "Politechnika Warszawska",
        "Associate professor, Institute of Power Engineering",
        ("ENERGY",),
        "smart grids, power electronics",
        "000000031234568",
    ),
    ResearcherSpec(
        "marie.dupont@demo.example",
        "Marie Dupont",
        "Centre national de la recherche scientifique",
        "Directrice de recherche, mathématiques",
        ("IDEAS",),
        "probability theory, théorie des probabilités",
        None,
    ),
    ResearcherSpec(
        "dmitry.petrov@demo.example",
        "Дмитрий Петров",
        "Российский фонд фундаментальных исследований",
        "Руководитель отдела международных программ",
        ("INCO",),
        "research funding, международное сотрудничество",
        None,
        visibility=ResearcherProfile.Visibility.MEMBERS,
    ),
    ResearcherSpec(
        "olga.smirnova@demo.example",
        "Ольга Смирнова",
        "Новосибирский государственный университет",
        "Национальный контактный центр, координатор",
        ("INCO", "PEOPLE"),
        "Horizon Europe, Marie Skłodowska-Curie",
        None,
    ),
    # More demo researchers, created here
    ResearcherSpec(
        "ivan.sokolov@demo.example",
        "Иван Соколов",
        "Институт катализа им. Г.К. Борескова СО РАН",
        "Старший научный сотрудник",
        ("NMP", "ENERGY"),
        "heterogeneous catalysis, hydrogen production, гетерогенный катализ",
        "000000041234569",
        country="RU",
        language="ru",
    ),
    ResearcherSpec(
        "elena.kuznetsova@demo.example",
        "Елена Кузнецова",
        "Новосибирский государственный университет",
        "Доцент, кафедра биоинформатики",
        ("HEALTH", "ICT"),
        "genomics, machine learning, геномика, машинное обучение",
        "000000051234560",
        country="RU",
        language="ru",
    ),
    ResearcherSpec(
        "sergey.volkov@demo.example",
        "Сергей Волков",
        "Институт ядерной физики им. Г.И. Будкера СО РАН",
        "Заведующий лабораторией",
        ("INFRASTRUCTURES",),
        "synchrotron radiation, ускорители",
        "000000061234561",
        country="RU",
        language="ru",
    ),
    ResearcherSpec(
        "mikko.virtanen@demo.example",
        "Mikko Virtanen",
        "Aalto University",
        "Professor of wood-based materials",
        ("KBBE", "NMP"),
        "nanocellulose, forest bioeconomy",
        "000000071234562",
        country="FI",
    ),
    ResearcherSpec(
        "katarzyna.nowak@demo.example",
        "Katarzyna Nowak",
        "Uniwersytet Jagielloński",
        "Assistant professor, Institute of Russian Studies",
        ("SSH",),
        "Russian literature, migration studies",
        None,
        country="PL",
    ),
    ResearcherSpec(
        "thomas.mueller@demo.example",
        "Thomas Müller",
        "Fraunhofer-Institut für Lasertechnik ILT",
        "Group manager, additive manufacturing",
        ("NMP",),
        "laser powder bed fusion, additive manufacturing",
        "000000081234563",
        country="DE",
    ),
    ResearcherSpec(
        "giulia.rossi@demo.example",
        "Giulia Rossi",
        "Consiglio Nazionale delle Ricerche",
        "Researcher, Institute of Polar Sciences",
        ("ENVIRONMENT",),
        "Arctic, sea ice, polar research",
        "000000091234564",
        country="IT",
    ),
    ResearcherSpec(
        "pierre.lefevre@demo.example",
        "Pierre Lefèvre",
        "Université de Strasbourg",
        "Maître de conférences, chimie supramoléculaire",
        ("NMP", "HEALTH"),
        "molecular machines, supramolecular chemistry",
        None,
        visibility=ResearcherProfile.Visibility.MEMBERS,
        country="FR",
    ),
)


def orcid_with_checksum(base: str) -> str:
    """A full ORCID iD from its first 15 digits (ISO 7064 MOD 11-2 check character)."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    digits = base + ("X" if check == 10 else str(check))
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


# -- calls -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSpec:
    identifier: str
    programme: str
    title: str
    themes: tuple[str, ...]
    opens: int  # days from today (negative: in the past)
    deadlines: tuple[tuple[int, str, str], ...]  # (days from today, time zone, label)
    description: str
    budget: int | None = None
    currency: str = "EUR"
    countries: tuple[str, ...] = ()
    link: str = ""


_P = FundingCall.Programme
_BRUSSELS = "Europe/Brussels"
_MOSCOW = "Europe/Moscow"

CALLS: tuple[CallSpec, ...] = (
    CallSpec(
        "FP7-ICT-2013-10",
        _P.FP7,
        "ICT Work Programme 2013, call 10",
        ("ICT",),
        -4700,
        ((-4570, _BRUSSELS, ""),),
        "Historical FP7 call for ICT research, including EU-Russia cooperation topics on "
        "photonics and future internet.",
        budget=1_500_000_000,
    ),
    CallSpec(
        "FP7-HEALTH-2012-INNOVATION-1",
        _P.FP7,
        "Health research: innovation call 2012",
        ("HEALTH",),
        -5200,
        ((-5090, _BRUSSELS, ""),),
        "Historical FP7 call on translational health research and clinical trials.",
        budget=656_000_000,
    ),
    CallSpec(
        "FP7-INCO-2013-9",
        _P.FP7,
        "BILAT: bilateral coordination for the enhancement of S&T partnerships",
        ("INCO",),
        -4750,
        ((-4600, _BRUSSELS, ""),),
        "Support actions for bilateral S&T partnerships such as BILAT-RUS-Advanced.",
        budget=9_000_000,
    ),
    CallSpec(
        "FP7-PEOPLE-2013-IRSES",
        _P.FP7,
        "Marie Curie International Research Staff Exchange Scheme",
        ("PEOPLE",),
        -4800,
        ((-4650, _BRUSSELS, ""),),
        "Staff exchanges between European and third-country institutions, a popular scheme "
        "for EU-Russia partnerships.",
        budget=30_000_000,
    ),
    CallSpec(
        "H2020-MSCA-RISE-2020",
        _P.H2020,
        "Research and Innovation Staff Exchange 2020",
        ("PEOPLE",),
        -2400,
        ((-2250, _BRUSSELS, ""),),
        "Short-term staff exchanges across sectors and borders.",
        budget=80_000_000,
    ),
    CallSpec(
        "HORIZON-CL5-2027-D3-01",
        _P.HORIZON_EUROPE,
        "Sustainable, secure and competitive energy supply",
        ("ENERGY",),
        -20,
        ((75, _BRUSSELS, ""),),
        "Single-stage call: renewable energy technologies, hydrogen and energy storage.",
        budget=310_000_000,
    ),
    CallSpec(
        "HORIZON-CL4-2027-DIGITAL-EMERGING-01",
        _P.HORIZON_EUROPE,
        "Digital and emerging technologies for competitiveness",
        ("ICT", "NMP"),
        -10,
        ((40, _BRUSSELS, "First stage"), (160, _BRUSSELS, "Second stage")),
        "Two-stage call on photonics, quantum technologies and advanced materials.",
        budget=240_000_000,
    ),
    CallSpec(
        "HORIZON-MSCA-2027-DN-01",
        _P.HORIZON_EUROPE,
        "MSCA Doctoral Networks 2027",
        ("PEOPLE",),
        30,
        ((130, _BRUSSELS, ""),),
        "Doctoral networks training researchers across sectors. Forthcoming.",
        budget=430_000_000,
    ),
    CallSpec(
        "HORIZON-ERC-2027-STG",
        _P.HORIZON_EUROPE,
        "ERC Starting Grants 2027",
        ("IDEAS",),
        60,
        ((200, _BRUSSELS, ""),),
        "Frontier research by early-career principal investigators. Forthcoming.",
        budget=780_000_000,
    ),
    CallSpec(
        "HORIZON-CL6-2027-FARM2FORK-01",
        _P.HORIZON_EUROPE,
        "Fair, healthy and environmentally friendly food systems",
        ("KBBE",),
        -5,
        ((100, _BRUSSELS, ""),),
        "Food systems, aquaculture and the bioeconomy.",
        budget=150_000_000,
    ),
    CallSpec(
        "RSF-2027-MOL",
        _P.RU_FOUNDATION,
        "Конкурс РНФ «Проведение инициативных исследований молодыми учёными» 2027",
        ("IDEAS",),
        -15,
        ((25, _MOSCOW, "Подача заявок"),),
        "Гранты Российского научного фонда молодым учёным. Russian Science Foundation grants "
        "for early-career researchers.",
        budget=1_500_000_000,
        currency="RUB",
        countries=("RU",),
    ),
    CallSpec(
        "RSF-2026-LAB",
        _P.RU_FOUNDATION,
        "Конкурс РНФ на создание лабораторий мирового уровня",
        ("IDEAS", "INFRASTRUCTURES"),
        -200,
        ((-120, _MOSCOW, "Подача заявок"),),
        "Laboratories led by leading scientists. Лаборатории под руководством ведущих учёных.",
        budget=3_000_000_000,
        currency="RUB",
        countries=("RU",),
    ),
    CallSpec(
        "RFBR-DFG-2019",
        _P.BILATERAL,
        "Совместный конкурс РФФИ–DFG 2019 / Joint RFBR–DFG call 2019",
        ("IDEAS",),
        -2700,
        ((-2620, _MOSCOW, "РФФИ"), (-2610, "Europe/Berlin", "DFG")),
        "Joint German-Russian projects in basic research; each side funds its own team.",
        countries=("RU", "DE"),
    ),
    CallSpec(
        "ERANET-RUS-PLUS-2017",
        _P.ERA_NET,
        "ERA.Net RUS Plus joint call 2017: S&T and innovation",
        ("NMP", "HEALTH", "ENVIRONMENT"),
        -3400,
        ((-3300, _BRUSSELS, ""),),
        "Multilateral call of European and Russian funders for joint S&T and innovation projects.",
        budget=20_000_000,
    ),
    CallSpec(
        "ERANET-MERA-2027",
        _P.ERA_NET,
        "M-ERA.NET Call 2027: materials research and innovation",
        ("NMP",),
        -30,
        ((20, _BRUSSELS, "Pre-proposals"), (140, _BRUSSELS, "Full proposals")),
        "Transnational materials research projects, national funding rules apply.",
        budget=30_000_000,
    ),
    CallSpec(
        "BILAT-FI-RU-2027",
        _P.BILATERAL,
        "Academy of Finland – RSF bilateral call: Arctic research",
        ("ENVIRONMENT",),
        10,
        ((90, "Europe/Helsinki", ""),),
        "Finnish-Russian consortia on Arctic environment and permafrost. Forthcoming.",
        countries=("FI", "RU"),
    ),
)


# -- curated offers --------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferSpec:
    title: str
    type: str
    author: str  # email
    organisation: str  # OrgSpec.name
    summary: str
    description: str
    themes: tuple[str, ...]
    expires_in: int  # days from today
    sought_countries: tuple[str, ...] = ()
    sought_types: tuple[str, ...] = ()
    call: str | None = None


OFFERS: tuple[OfferSpec, ...] = (
    OfferSpec(
        "Партнёры для проекта по мониторингу вечной мерзлоты",
        OfferType.RD_REQUEST,
        "anna.ivanova@demo.example",
        "Томский государственный университет",
        "Ищем европейских партнёров для проекта по мониторингу вечной мерзлоты в Сибири.",
        "Сеть станций в Томской области и на Ямале; нужны партнёры с опытом моделирования "
        "потоков углерода. Permafrost monitoring consortium.",
        ("ENVIRONMENT",),
        200,
        ("FI", "DE", "FR"),
        (OrgType.UNIVERSITY, OrgType.RESEARCH_INSTITUTE),
    ),
    OfferSpec(
        "Smart grid test bench available for joint experiments",
        OfferType.EXPERTISE_OFFER,
        "jan.kowalski@demo.example",
        "Politechnika Warszawska",
        "Our laboratory offers a 400 kW smart grid test bench to consortium partners.",
        "Hardware-in-the-loop testing of converters and grid controllers.",
        ("ENERGY",),
        150,
        call="HORIZON-CL5-2027-D3-01",
    ),
    OfferSpec(
        "Coordinator sought: supramolecular materials doctoral network",
        OfferType.RD_REQUEST,
        "marie.dupont@demo.example",
        "Université de Strasbourg",
        "We seek a coordinator and partners for an MSCA doctoral network.",
        "Topics: molecular machines, self-assembly, functional materials.",
        ("NMP", "PEOPLE"),
        120,
        ("RU", "PL", "IT"),
        (OrgType.UNIVERSITY,),
        call="HORIZON-MSCA-2027-DN-01",
    ),
    OfferSpec(
        "Катализаторы для получения водорода из биомассы",
        OfferType.TECH_OFFER,
        "ivan.sokolov@demo.example",
        "Институт катализа им. Г.К. Борескова СО РАН",
        "Лицензия на катализаторы паровой конверсии биоэтанола в водород.",
        "Пилотные испытания выполнены; ищем промышленного партнёра в ЕС. Hydrogen from "
        "bioethanol catalysts, TRL 5.",
        ("ENERGY", "NMP"),
        300,
        sought_types=(OrgType.LARGE_COMPANY, OrgType.SME),
    ),
    OfferSpec(
        "Genomic data analysis for rare disease cohorts",
        OfferType.EXPERTISE_OFFER,
        "elena.kuznetsova@demo.example",
        "Новосибирский государственный университет",
        "Bioinformatics team offers variant calling and machine learning on cohort data.",
        "Experience with Siberian population cohorts. Биоинформатика и машинное обучение.",
        ("HEALTH", "ICT"),
        90,
    ),
    OfferSpec(
        "Beam time at a synchrotron radiation source",
        OfferType.EXPERTISE_OFFER,
        "sergey.volkov@demo.example",
        "Институт ядерной физики им. Г.И. Будкера СО РАН",
        "Collaborative beam time at the VEPP-4 and VEPP-3 synchrotron radiation stations.",
        "Diffraction, EXAFS and X-ray imaging. Синхротронное излучение.",
        ("INFRASTRUCTURES",),
        250,
    ),
    OfferSpec(
        "Nanocellulose films for food packaging",
        OfferType.TECH_OFFER,
        "mikko.virtanen@demo.example",
        "Aalto University",
        "Barrier films from wood nanocellulose, ready for pilot production.",
        "Seeking packaging manufacturers and wood processing partners in Karelia.",
        ("KBBE", "NMP"),
        180,
        ("RU", "SE"),
        (OrgType.LARGE_COMPANY,),
    ),
    OfferSpec(
        "Partners for a study of Russian-speaking migration in Europe",
        OfferType.RD_REQUEST,
        "katarzyna.nowak@demo.example",
        "Uniwersytet Jagielloński",
        "Social sciences consortium on migration and integration.",
        "We look for sociologists and linguists in the Baltic states and Finland.",
        ("SSH",),
        60,
        ("EE", "LV", "FI"),
    ),
    OfferSpec(
        "Laser powder bed fusion of titanium alloys",
        OfferType.EXPERTISE_OFFER,
        "thomas.mueller@demo.example",
        "Fraunhofer-Institut für Lasertechnik ILT",
        "Process development for additive manufacturing of aerospace parts.",
        "Machines, monitoring and qualification; partners for Horizon Europe proposals.",
        ("NMP", "TRANSPORT"),
        210,
        call="HORIZON-CL4-2027-DIGITAL-EMERGING-01",
    ),
    OfferSpec(
        "Sea ice observations in the Barents Sea",
        OfferType.RD_REQUEST,
        "giulia.rossi@demo.example",
        "Consiglio Nazionale delle Ricerche",
        "Partners sought for joint sea ice and ocean observations.",
        "Ship time and buoy data sharing; Russian oceanographic institutes welcome.",
        ("ENVIRONMENT",),
        45,
        ("RU", "NO"),
    ),
    OfferSpec(
        "Технология: композиты с углеродными нанотрубками",
        OfferType.TECH_OFFER,
        "ivan.sokolov@demo.example",
        "ООО «Сибирские нанотехнологии»",
        "Добавки на основе нанотрубок для прочных и проводящих композитов.",
        "Ищем дистрибьюторов и партнёров для совместных испытаний в ЕС. Carbon nanotube additives.",
        ("NMP", "SME"),
        330,
        ("DE", "PL", "FI"),
        (OrgType.SME, OrgType.LARGE_COMPANY),
    ),
    OfferSpec(
        "Looking for fibre laser components suppliers",
        OfferType.TECH_REQUEST,
        "thomas.mueller@demo.example",
        "Lasertech Photonics GmbH",
        "We need suppliers of active fibres and pump diodes.",
        "Small series, medical and micro-machining applications.",
        ("NMP", "SME"),
        100,
        ("RU", "FI"),
        (OrgType.SME,),
    ),
    OfferSpec(
        "Требуется технология очистки сточных вод",
        OfferType.TECH_REQUEST,
        "anna.ivanova@demo.example",
        "Томский государственный университет",
        "Нужна технология очистки сточных вод для малых посёлков Сибири.",
        "Холодный климат, удалённые территории. Wastewater treatment for cold climates.",
        ("ENVIRONMENT",),
        75,
        ("FI", "SE", "EE"),
    ),
    OfferSpec(
        "Joint ionosphere radar campaign",
        OfferType.RD_REQUEST,
        "sergey.volkov@demo.example",
        "Институт солнечно-земной физики СО РАН",
        "Coordinated space weather observations with European radars.",
        "Irkutsk incoherent scatter radar and EISCAT; data sharing agreement prepared.",
        ("SPACE",),
        140,
        ("FI", "SE", "NO"),
    ),
    OfferSpec(
        "Hydrogen storage materials: partners for an M-ERA.NET proposal",
        OfferType.RD_REQUEST,
        "dmitry.petrov@demo.example",
        "Институт проблем химической физики РАН",
        "Metal hydride and MOF materials for hydrogen storage.",
        "Looking for industry partners to reach TRL 5. Хранение водорода.",
        ("ENERGY", "NMP"),
        110,
        ("DE", "AT", "IT"),
        call="ERANET-MERA-2027",
    ),
    OfferSpec(
        "Atmospheric measurement station data for climate models",
        OfferType.EXPERTISE_OFFER,
        "olga.smirnova@demo.example",
        "Helsingin yliopisto",
        "Long-term SMEAR data and support for Siberian campaigns.",
        "Aerosol and greenhouse gas measurements; training for station operators.",
        ("ENVIRONMENT",),
        160,
        ("RU",),
    ),
    OfferSpec(
        "Cybersecurity testbed for energy infrastructures",
        OfferType.EXPERTISE_OFFER,
        "jan.kowalski@demo.example",
        "AIT Austrian Institute of Technology GmbH",
        "Testbed for attacks on substation automation, open to consortium partners.",
        "IEC 61850 laboratory and red-team exercises.",
        ("SECURITY", "ENERGY"),
        20,
    ),
    OfferSpec(
        "Lignin-based biochemicals: licensing",
        OfferType.TECH_OFFER,
        "mikko.virtanen@demo.example",
        "Nordic Bioeconomy Oy",
        "Process for turning kraft lignin into aromatic chemicals.",
        "Seeking pulp mills in Russia and Sweden for demonstration.",
        ("KBBE", "SME"),
        260,
        ("RU", "SE"),
        (OrgType.LARGE_COMPANY,),
    ),
    OfferSpec(
        "Нужна экспертиза в области медицинской визуализации",
        OfferType.TECH_REQUEST,
        "elena.kuznetsova@demo.example",
        "Новосибирский государственный университет",
        "Ищем партнёров с опытом МРТ-визуализации для совместного проекта.",
        "Medical imaging expertise sought for a joint neuroscience project.",
        ("HEALTH",),
        85,
        ("DE", "FR"),
    ),
    OfferSpec(
        "Quantum communication link: partners for field trials",
        OfferType.RD_REQUEST,
        "giulia.rossi@demo.example",
        "Университет ИТМО",
        "Field trials of quantum key distribution over metropolitan fibre.",
        "Квантовые коммуникации; партнёры в ЕС для испытаний.",
        ("ICT",),
        190,
        ("IT", "DE", "AT"),
    ),
)


# -- seeding ---------------------------------------------------------------------------------


@dataclass
class _Reference:
    countries: dict[str, Country]
    subjects: dict[str, FederalSubject]
    themes: dict[str, ThematicPriority]

    @classmethod
    def load(cls) -> _Reference:
        return cls(
            countries={c.code: c for c in Country.objects.all()},
            subjects={s.code: s for s in FederalSubject.objects.all()},
            themes={t.code: t for t in ThematicPriority.objects.all()},
        )

    def theme_list(self, codes: Iterable[str]) -> list[ThematicPriority]:
        """The themes in their official order (as ``ThematicPriority.Meta.ordering``)."""
        themes = {self.themes[c] for c in codes if c in self.themes}
        return sorted(themes, key=lambda t: (t.position, t.code))


def _today() -> datetime.date:
    return timezone.localdate()


def _seed_organisations(ref: _Reference) -> int:
    existing = set(
        Organisation.objects.filter(name__in=[s.name for s in ORGANISATIONS]).values_list(
            "name", flat=True
        )
    )
    created_ids: list[int] = []
    now = timezone.now()
    for spec in ORGANISATIONS:
        if spec.name in existing or spec.country not in ref.countries:
            continue
        participations, coordinations, contribution = spec.fp7
        with transaction.atomic():
            org = Organisation.objects.create(
                name=spec.name,
                name_alt=spec.name_alt,
                short_name=spec.short_name,
                type=spec.type,
                country=ref.countries[spec.country],
                federal_subject=ref.subjects.get(spec.subject),
                city=spec.city,
                website=spec.website,
                description=spec.description,
                keywords=spec.keywords,
                pic=spec.pic,
                ror=spec.ror,
                status=Organisation.Status.PUBLISHED,
                fp7_participations=participations,
                fp7_coordinations=coordinations,
                fp7_ec_contribution=contribution,
                created_at=now,
                updated_at=now,
            )
            org.themes.set(ref.theme_list(spec.themes))
        created_ids.append(org.pk)
    indexing.organisation_index(ids=created_ids)
    return len(created_ids)


def _researcher_group() -> Group | None:
    return Group.objects.filter(name=Role.RESEARCHER).first()


def _seed_researchers(ref: _Reference) -> int:
    from allauth.account.models import EmailAddress

    from portal.accounts.demo import DEMO_PASSWORD

    emails = [spec.email for spec in RESEARCHERS]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    missing = [spec for spec in RESEARCHERS if spec.email not in users and spec.country]
    if missing:
        password = make_password(DEMO_PASSWORD)
        group = _researcher_group()
        with transaction.atomic():
            for spec in missing:
                user = User.objects.create(
                    email=spec.email,
                    name=spec.name,
                    password=password,
                    organisation_name=spec.organisation,
                    country=ref.countries.get(spec.country),
                    preferred_language=spec.language,
                )
                if group is not None:
                    user.groups.add(group)
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )
                users[user.email] = user
    organisations = {
        o.name: o
        for o in Organisation.objects.filter(name__in=[s.organisation for s in RESEARCHERS])
    }
    have_profile = set(
        ResearcherProfile.objects.filter(user__email__in=emails).values_list(
            "user__email", flat=True
        )
    )
    now = timezone.now()
    created_ids: list[int] = []
    for spec in RESEARCHERS:
        profile_user = users.get(spec.email)
        if profile_user is None or spec.email in have_profile:
            continue
        orcid = orcid_with_checksum(spec.orcid_base) if spec.orcid_base else None
        if orcid and ResearcherProfile.objects.filter(orcid=orcid).exists():
            orcid = None
        with transaction.atomic():
            profile = ResearcherProfile.objects.create(
                user=profile_user,
                organisation=organisations.get(spec.organisation),
                position=spec.position,
                keywords=spec.keywords,
                orcid=orcid,
                visibility=spec.visibility,
                created_at=now,
                updated_at=now,
            )
            profile.themes.set(ref.theme_list(spec.themes))
        created_ids.append(profile.pk)
    indexing.researcher_index(ids=created_ids)
    return len(missing) + len(created_ids)


def _seed_calls(ref: _Reference) -> int:
    existing = set(
        FundingCall.objects.filter(identifier__in=[c.identifier for c in CALLS]).values_list(
            "identifier", flat=True
        )
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    created_ids: list[int] = []
    for spec in CALLS:
        if spec.identifier in existing:
            continue
        deadlines = []
        for days, tz, label in spec.deadlines:
            local_day = (now + datetime.timedelta(days=days)).date()
            local = datetime.datetime.combine(
                local_day, datetime.time(17, 0), tzinfo=zoneinfo.ZoneInfo(tz)
            )
            deadlines.append((local.astimezone(datetime.UTC), tz, label))
        with transaction.atomic():
            call = FundingCall.objects.create(
                programme=spec.programme,
                identifier=spec.identifier,
                title=spec.title,
                opens_at=now + datetime.timedelta(days=spec.opens),
                closes_at=max(d for d, _tz, _label in deadlines),
                budget=spec.budget,
                currency=spec.currency,
                link=spec.link,
                description=spec.description,
                created_at=now,
            )
            call.themes.set(ref.theme_list(spec.themes))
            call.eligible_countries.set(
                [ref.countries[c] for c in spec.countries if c in ref.countries]
            )
            CallDeadline.objects.bulk_create(
                [
                    CallDeadline(call=call, deadline=deadline, timezone=tz, label=label)
                    for deadline, tz, label in deadlines
                ]
            )
        created_ids.append(call.pk)
    indexing.call_index(ids=created_ids)
    return len(created_ids)


def _seed_offers(ref: _Reference) -> int:
    existing = set(
        CooperationOffer.objects.filter(title__in=[o.title for o in OFFERS]).values_list(
            "title", flat=True
        )
    )
    users = {u.email: u for u in User.objects.filter(email__in=[o.author for o in OFFERS])}
    organisations = {
        o.name: o for o in Organisation.objects.filter(name__in=[s.organisation for s in OFFERS])
    }
    calls = {c.identifier: c for c in FundingCall.objects.filter(identifier__in=_call_ids())}
    now = timezone.now()
    today = _today()
    created_ids: list[int] = []
    for position, spec in enumerate(OFFERS):
        author = users.get(spec.author)
        if spec.title in existing or author is None:
            continue
        published = now - datetime.timedelta(days=3 + 2 * position)
        with transaction.atomic():
            offer = CooperationOffer.objects.create(
                author=author,
                organisation=organisations.get(spec.organisation),
                type=spec.type,
                title=spec.title,
                summary=spec.summary,
                description=spec.description,
                sought_organisation_types=sorted(spec.sought_types),
                call=calls.get(spec.call or ""),
                status=CooperationOffer.Status.PUBLISHED,
                expires_on=today + datetime.timedelta(days=spec.expires_in),
                created_at=published - datetime.timedelta(days=2),
                submitted_at=published - datetime.timedelta(days=1),
                published_at=published,
            )
            offer.themes.set(ref.theme_list(spec.themes))
            offer.sought_countries.set(
                [ref.countries[c] for c in spec.sought_countries if c in ref.countries]
            )
        created_ids.append(offer.pk)
    indexing.offer_index(ids=created_ids)
    return len(created_ids)


def _call_ids() -> list[str]:
    return [c.identifier for c in CALLS]


def seed_cooperation(*, scale: int) -> int:
    """Demo organisations, researchers, calls and offers; ``scale`` > 1 adds generated rows."""
    ref = _Reference.load()
    if not ref.countries:
        return 0  # reference data not loaded: nothing sensible to link to
    created = _seed_organisations(ref)
    created += _seed_researchers(ref)
    created += _seed_calls(ref)
    created += _seed_offers(ref)
    created += seed_generated(
        ref,
        organisations=max(40, scale) - len(ORGANISATIONS),
        offers=max(20, scale // 5) - len(OFFERS),
    )
    return created


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


def _organisation_terms(ref: _Reference, spec: GeneratedOrg) -> str:
    themes = ref.theme_list(spec.themes)
    subject = ref.subjects.get(spec.subject)
    country = ref.countries.get(spec.country)
    return indexing.organisation_terms(
        themes=themes, keywords=spec.keywords, country=country, federal_subject=subject
    )


def seed_generated(ref: _Reference, *, organisations: int, offers: int) -> int:
    """Generated organisations and offers up to these totals (beyond the curated rows)."""
    created = _generate_organisations(ref, max(0, organisations))
    created += _generate_offers(ref, max(0, offers))
    return created


def _generated_pic(i: int) -> str:
    return str(GENERATED_PIC_BASE + i)


def _generated_orgs() -> Any:
    return Organisation.objects.filter(
        pic__gte=_generated_pic(0), pic__lt=str(GENERATED_PIC_BASE + 100_000_000)
    )


def _generate_organisations(ref: _Reference, target: int) -> int:
    existing = _generated_orgs().count()
    if existing >= target:
        return 0
    now = timezone.now()
    through = Organisation.themes.through
    for start in range(existing, target, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, target)
        specs = [(i, generated_organisation(i)) for i in range(start, stop)]
        rows = [
            Organisation(
                name=spec.name,
                name_alt=spec.name_alt,
                short_name=spec.short_name,
                type=spec.type,
                country=ref.countries[spec.country],
                federal_subject=ref.subjects.get(spec.subject),
                city=spec.city,
                description=spec.description,
                keywords=spec.keywords,
                pic=_generated_pic(i),
                status=Organisation.Status.PUBLISHED,
                fp7_participations=_mix(i, 71) % 7 if _mix(i, 72) % 5 == 0 else 0,
                created_at=now - datetime.timedelta(minutes=i),
                updated_at=now,
                search_names=search.name_variants(
                    spec.name, spec.name_alt, spec.short_name, spec.city
                ),
                search_terms=_organisation_terms(ref, spec),
            )
            for i, spec in specs
        ]
        _with_keys(rows)
        with transaction.atomic():
            Organisation.objects.bulk_create(rows, ignore_conflicts=True)
            ids = dict(
                _generated_orgs()
                .filter(pic__in=[_generated_pic(i) for i in range(start, stop)])
                .values_list("pic", "pk")
            )
            through.objects.bulk_create(
                [
                    through(organisation_id=ids[_generated_pic(i)], thematicpriority=theme)
                    for i, spec in specs
                    if _generated_pic(i) in ids
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


def _generate_offers(ref: _Reference, target: int) -> int:
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
    today = _today()
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
                    title=title[:200],
                    summary=summary,
                    description=(
                        f"{summary} Partners from the EU and Russia are welcome; "
                        f"contact us through the portal."
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

"""The curated funding calls of the demo, from FP7 to Horizon Europe and Russian foundations, with
deadlines in their own time zones."""

from __future__ import annotations

from dataclasses import dataclass

from cooperation.models import (
    FundingCall,
)

# -- calls -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSpec:
    identifier: str
    programme: str
    title: str
    themes: tuple[str, ...]
    opens: int  # days from today (negative: in the past)
    # (days from today, time zone, label "English / Russian", each part to its language)
    deadlines: tuple[tuple[int, str, str], ...]
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
        "ICT Work Programme 2013, call 10 / Рабочая программа ИКТ 2013, конкурс 10",
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
        "Health research: innovation call 2012 / Исследования в области здравоохранения: инновационный конкурс 2012",
        ("HEALTH",),
        -5200,
        ((-5090, _BRUSSELS, ""),),
        "Historical FP7 call on translational health research and clinical trials.",
        budget=656_000_000,
    ),
    CallSpec(
        "FP7-INCO-2013-9",
        _P.FP7,
        "BILAT: bilateral coordination for the enhancement of S&T partnerships / BILAT: двусторонняя координация для развития научно-технического партнёрства",
        ("INCO",),
        -4750,
        ((-4600, _BRUSSELS, ""),),
        "Support actions for bilateral S&T partnerships such as BILAT-RUS-Advanced.",
        budget=9_000_000,
    ),
    CallSpec(
        "FP7-PEOPLE-2013-IRSES",
        _P.FP7,
        "Marie Curie International Research Staff Exchange Scheme / Программа Марии Кюри по международному обмену научными сотрудниками",
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
        "Research and Innovation Staff Exchange 2020 / Обмен научными и инновационными кадрами 2020",
        ("PEOPLE",),
        -2400,
        ((-2250, _BRUSSELS, ""),),
        "Short-term staff exchanges across sectors and borders.",
        budget=80_000_000,
    ),
    CallSpec(
        "HORIZON-CL5-2027-D3-01",
        _P.HORIZON_EUROPE,
        "Sustainable, secure and competitive energy supply / Устойчивое, надёжное и конкурентоспособное энергоснабжение",
        ("ENERGY",),
        -20,
        ((75, _BRUSSELS, ""),),
        "Single-stage call: renewable energy technologies, hydrogen and energy storage.",
        budget=310_000_000,
    ),
    CallSpec(
        "HORIZON-CL4-2027-DIGITAL-EMERGING-01",
        _P.HORIZON_EUROPE,
        "Digital and emerging technologies for competitiveness / Цифровые и перспективные технологии для конкурентоспособности",
        ("ICT", "NMP"),
        -10,
        (
            (40, _BRUSSELS, "First stage / Первый этап"),
            (160, _BRUSSELS, "Second stage / Второй этап"),
        ),
        "Two-stage call on photonics, quantum technologies and advanced materials.",
        budget=240_000_000,
    ),
    CallSpec(
        "HORIZON-MSCA-2027-DN-01",
        _P.HORIZON_EUROPE,
        "MSCA Doctoral Networks 2027 / Докторские сети MSCA 2027",
        ("PEOPLE",),
        30,
        ((130, _BRUSSELS, ""),),
        "Doctoral networks training researchers across sectors. Forthcoming.",
        budget=430_000_000,
    ),
    CallSpec(
        "HORIZON-ERC-2027-STG",
        _P.HORIZON_EUROPE,
        "ERC Starting Grants 2027 / Стартовые гранты ERC 2027",
        ("IDEAS",),
        60,
        ((200, _BRUSSELS, ""),),
        "Frontier research by early-career principal investigators. Forthcoming.",
        budget=780_000_000,
    ),
    CallSpec(
        "HORIZON-CL6-2027-FARM2FORK-01",
        _P.HORIZON_EUROPE,
        "Fair, healthy and environmentally friendly food systems / Справедливые, здоровые и экологичные продовольственные системы",
        ("KBBE",),
        -5,
        ((100, _BRUSSELS, ""),),
        "Food systems, aquaculture and the bioeconomy.",
        budget=150_000_000,
    ),
    CallSpec(
        "RSF-2027-MOL",
        _P.RU_FOUNDATION,
        "Конкурс РНФ «Проведение инициативных исследований молодыми учёными» 2027 / RSF call: exploratory research by young scientists 2027",
        ("IDEAS",),
        -15,
        ((25, _MOSCOW, "Applications / Подача заявок"),),
        "Гранты Российского научного фонда молодым учёным. Russian Science Foundation grants "
        "for early-career researchers.",
        budget=1_500_000_000,
        currency="RUB",
        countries=("RU",),
    ),
    CallSpec(
        "RSF-2026-LAB",
        _P.RU_FOUNDATION,
        "Конкурс РНФ на создание лабораторий мирового уровня / RSF call for world-class laboratories",
        ("IDEAS", "INFRASTRUCTURES"),
        -200,
        ((-120, _MOSCOW, "Applications / Подача заявок"),),
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
        (
            (-2620, _MOSCOW, "Russian side (RFBR) / Российская сторона (РФФИ)"),
            (-2610, "Europe/Berlin", "German side (DFG) / Германская сторона (DFG)"),
        ),
        "Joint German-Russian projects in basic research; each side funds its own team.",
        countries=("RU", "DE"),
    ),
    CallSpec(
        "ERANET-RUS-PLUS-2017",
        _P.ERA_NET,
        "ERA.Net RUS Plus joint call 2017: S&T and innovation / Совместный конкурс ERA.Net RUS Plus 2017: наука, технологии и инновации",
        ("NMP", "HEALTH", "ENVIRONMENT"),
        -3400,
        ((-3300, _BRUSSELS, ""),),
        "Multilateral call of European and Russian funders for joint S&T and innovation projects.",
        budget=20_000_000,
    ),
    CallSpec(
        "ERANET-MERA-2027",
        _P.ERA_NET,
        "M-ERA.NET Call 2027: materials research and innovation / Конкурс M-ERA.NET 2027: исследования и инновации в области материалов",
        ("NMP",),
        -30,
        (
            (20, _BRUSSELS, "Pre-proposals / Предварительные заявки"),
            (140, _BRUSSELS, "Full proposals / Полные заявки"),
        ),
        "Transnational materials research projects, national funding rules apply.",
        budget=30_000_000,
    ),
    CallSpec(
        "BILAT-FI-RU-2027",
        _P.BILATERAL,
        "Academy of Finland – RSF bilateral call: Arctic research / Двусторонний конкурс Академии Финляндии и РНФ: исследования Арктики",
        ("ENVIRONMENT",),
        10,
        ((90, "Europe/Helsinki", ""),),
        "Finnish-Russian consortia on Arctic environment and permafrost. Forthcoming.",
        countries=("FI", "RU"),
    ),
)

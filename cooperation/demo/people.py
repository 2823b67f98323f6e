"""The demo researchers (accounts with profiles) and the ORCID iDs they carry."""

from __future__ import annotations

from dataclasses import dataclass

from cooperation.models import (
    ResearcherProfile,
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

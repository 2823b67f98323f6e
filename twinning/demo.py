"""``seed_twinning``: the demo's twinning requests in every status people meet (draft, submitted,
published, in negotiation, matched, closed, expired), responses to them, and partnerships with
reported outcomes. The organisations and people are cooperation's demo (their researcher
profiles make them members). Idempotent: requests are keyed by their English title."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cooperation.models import Organisation
from portal.accounts.models import User
from portal.reference.models import ThematicPriority
from twinning.indexing import request_index
from twinning.models import (
    Activity,
    OutcomeReport,
    Partnership,
    Side,
    TwinningRequest,
    TwinningResponse,
)

S = TwinningRequest.Status
R = TwinningResponse.Status


@dataclass(frozen=True)
class ResponseSpec:
    author: str
    organisation: str
    status: str
    motivation: str
    contribution: str
    outcomes: tuple[int, int, int, int] | None = None  # exchanges, publications, proposals, EUR


@dataclass(frozen=True)
class RequestSpec:
    title_en: str
    title_ru: str
    author: str
    organisation: str
    status: str
    side: str
    themes: tuple[str, ...]
    activities: tuple[str, ...]
    objectives_en: str
    objectives_ru: str
    research_area_en: str = ""
    research_area_ru: str = ""
    keywords: str = ""
    types: tuple[str, ...] = ()
    deadline_in: int = 60
    published_days_ago: int = 10
    partners_wanted: int = 1
    duration_months: int | None = 24
    responses: tuple[ResponseSpec, ...] = ()


UNI, RES = Organisation.Type.UNIVERSITY, Organisation.Type.RESEARCH_INSTITUTE
TOMSK = "Томский государственный университет"
NSU = "Новосибирский государственный университет"

REQUESTS: tuple[RequestSpec, ...] = (
    RequestSpec(
        "Permafrost carbon monitoring: staff exchange and summer school",
        "Мониторинг углерода в вечной мерзлоте: обмен сотрудниками и летняя школа",
        "anna.ivanova@demo.example",
        TOMSK,
        S.NEGOTIATION,
        Side.EU,
        ("ENVIRONMENT",),
        (Activity.STAFF_EXCHANGE, Activity.TRAINING),
        "Build the capacity of our climate laboratory in eddy-covariance measurements and carbon "
        "flux modelling through exchanges with a leading European group.",
        "Развить компетенции лаборатории климата в измерениях методом турбулентных пульсаций и "
        "моделировании потоков углерода.",
        "Climate science",
        "Науки о климате",
        "permafrost, carbon fluxes, eddy covariance",
        (UNI, RES),
        responses=(
            ResponseSpec(
                "mikko.virtanen@demo.example",
                "Aalto University",
                R.PENDING,
                "Our group runs flux towers in Lapland and would welcome Siberian data.",
                "Two-week training on eddy covariance; hosting two PhD students.",
            ),
            ResponseSpec(
                "marie.dupont@demo.example",
                "Centre national de la recherche scientifique",
                R.SHORTLISTED,
                "CNRS coordinates permafrost modelling in several EU projects.",
                "Model coupling expertise and a joint summer school in Grenoble.",
            ),
        ),
    ),
    RequestSpec(
        "Smart grid laboratory twinning with a Russian partner",
        "Твиннинг лаборатории интеллектуальных сетей с российским партнёром",
        "jan.kowalski@demo.example",
        "Politechnika Warszawska",
        S.MATCHED,
        Side.RUSSIA,
        ("ENERGY",),
        (Activity.JOINT_LAB, Activity.EXPERT_VISITS),
        "Set up a joint laboratory on converter control for Arctic micro-grids.",
        "Создать совместную лабораторию по управлению преобразователями для арктических "
        "микросетей.",
        keywords="smart grids, power electronics, micro-grids",
        published_days_ago=90,
        deadline_in=20,
        responses=(
            ResponseSpec(
                "olga.smirnova@demo.example",
                NSU,
                R.ACCEPTED,
                "NSU has a micro-grid test site in Akademgorodok.",
                "Access to the test site, two researchers for visits.",
                outcomes=(3, 1, 1, 0),
            ),
        ),
    ),
    RequestSpec(
        "Siberian climate observatories: expert visits and a joint research project",
        "Климатические обсерватории Сибири: визиты экспертов и совместный проект",
        "mikko.virtanen@demo.example",
        "Aalto University",
        S.PUBLISHED,
        Side.RUSSIA,
        ("ENVIRONMENT",),
        (Activity.EXPERT_VISITS, Activity.JOINT_RESEARCH),
        "Link our Lapland flux towers with Siberian stations: shared protocols, visits of "
        "technicians and a joint proposal on boreal carbon budgets.",
        "Связать наши станции в Лапландии с сибирскими: общие протоколы, визиты техников и "
        "совместная заявка по углеродному балансу бореальных лесов.",
        "Climate science",
        "Науки о климате",
        keywords="климат Сибири, permafrost, radiophysics",
        types=(UNI, RES),
        partners_wanted=2,
        published_days_ago=5,
        deadline_in=45,
    ),
    RequestSpec(
        "Research-management capacity for Horizon Europe proposals",
        "Развитие компетенций управления исследованиями для заявок в «Горизонт Европа»",
        "katarzyna.nowak@demo.example",
        "Uniwersytet Jagielloński",
        S.SUBMITTED,
        Side.RUSSIA,
        ("PEOPLE",),
        (Activity.RM_CAPACITY, Activity.TRAINING),
        "Train grant officers of a Russian university in EU proposal management.",
        "Обучить сотрудников грантового офиса российского университета управлению заявками ЕС.",
    ),
    RequestSpec(
        "Catalysis for hydrogen storage: joint research project",
        "Катализ для хранения водорода: совместный исследовательский проект",
        "ivan.sokolov@demo.example",
        "Институт катализа им. Г.К. Борескова СО РАН",
        S.DRAFT,
        Side.EU,
        ("ENERGY", "NMP"),
        (Activity.JOINT_RESEARCH,),
        "Find a European partner for liquid organic hydrogen carriers.",
        "Найти европейского партнёра по жидким органическим носителям водорода.",
    ),
    RequestSpec(
        "Laser diagnostics for accelerator physics",
        "Лазерная диагностика для физики ускорителей",
        "thomas.mueller@demo.example",
        "Fraunhofer-Institut für Lasertechnik ILT",
        S.CLOSED,
        Side.RUSSIA,
        ("NMP",),
        (Activity.EXPERT_VISITS, Activity.JOINT_RESEARCH),
        "Joint development of laser diagnostics for electron beams.",
        "Совместная разработка лазерной диагностики электронных пучков.",
        published_days_ago=400,
        deadline_in=-300,
        responses=(
            ResponseSpec(
                "sergey.volkov@demo.example",
                "Институт ядерной физики им. Г.И. Будкера СО РАН",
                R.ACCEPTED,
                "Our storage rings need exactly this diagnostics.",
                "Beam time and two visiting engineers per year.",
                outcomes=(6, 3, 2, 450000),
            ),
        ),
    ),
    RequestSpec(
        "Marine biology summer school partners",
        "Партнёры для летней школы по морской биологии",
        "giulia.rossi@demo.example",
        "Consiglio Nazionale delle Ricerche",
        S.EXPIRED,
        Side.RUSSIA,
        ("ENVIRONMENT",),
        (Activity.TRAINING,),
        "Co-organise a summer school on Arctic marine ecosystems.",
        "Совместно организовать летнюю школу по морским экосистемам Арктики.",
        published_days_ago=120,
        deadline_in=-10,
    ),
)


def _users(emails: set[str]) -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=emails)}


def _organisations(names: set[str]) -> dict[str, Organisation]:
    return {o.name: o for o in Organisation.objects.filter(name__in=names)}


def seed_twinning(*, scale: int = 1) -> int:
    existing = set(
        TwinningRequest.objects.filter(title_en__in=[s.title_en for s in REQUESTS]).values_list(
            "title_en", flat=True
        )
    )
    specs = [s for s in REQUESTS if s.title_en not in existing]
    emails = {s.author for s in specs} | {r.author for s in specs for r in s.responses}
    names = {s.organisation for s in specs} | {r.organisation for s in specs for r in s.responses}
    users, organisations = _users(emails), _organisations(names)
    themes = {t.code: t for t in ThematicPriority.objects.all()}
    now = timezone.now()
    today = timezone.localdate(now)
    created = 0
    for spec in specs:
        author, organisation = users.get(spec.author), organisations.get(spec.organisation)
        if author is None or organisation is None:
            continue
        published = spec.status not in (S.DRAFT, S.SUBMITTED)
        published_at = now - datetime.timedelta(days=spec.published_days_ago)
        with transaction.atomic():
            request = TwinningRequest.objects.create(
                organisation=organisation,
                author=author,
                contact_person=author,
                title_en=spec.title_en,
                title_ru=spec.title_ru,
                research_area_en=spec.research_area_en,
                research_area_ru=spec.research_area_ru,
                objectives_en=spec.objectives_en,
                objectives_ru=spec.objectives_ru,
                activities=sorted(spec.activities),
                partner_side=spec.side,
                partner_types=sorted(spec.types),
                expertise_keywords=spec.keywords,
                partners_wanted=spec.partners_wanted,
                countries_min=1,
                duration_months=spec.duration_months,
                response_deadline=today + datetime.timedelta(days=spec.deadline_in),
                status=spec.status,
                created_at=published_at - datetime.timedelta(days=3),
                updated_at=now,
                submitted_at=(
                    published_at - datetime.timedelta(days=2) if spec.status != S.DRAFT else None
                ),
                published_at=published_at if published else None,
                closed_at=now if spec.status in (S.CLOSED, S.EXPIRED) else None,
            )
            request.themes.set([themes[c] for c in spec.themes if c in themes])
            request_index(ids=[request.pk])
            created += 1
            for number, rspec in enumerate(spec.responses):
                responder = users.get(rspec.author)
                responding = organisations.get(rspec.organisation)
                if responder is None or responding is None:
                    continue
                sent = published_at + datetime.timedelta(days=2 + number)
                response = TwinningResponse.objects.create(
                    request=request,
                    organisation=responding,
                    author=responder,
                    motivation=rspec.motivation,
                    contribution=rspec.contribution,
                    status=rspec.status,
                    created_at=sent,
                    decided_at=sent + datetime.timedelta(days=3)
                    if rspec.status != R.PENDING
                    else None,
                )
                created += 1
                if rspec.status != R.ACCEPTED:
                    continue
                starts = timezone.localdate(sent) + datetime.timedelta(days=7)
                partnership = Partnership.objects.create(
                    request=request,
                    response=response,
                    requesting_organisation=organisation,
                    partner_organisation=responding,
                    activities=sorted(spec.activities),
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(days=730),
                    created_at=sent + datetime.timedelta(days=3),
                )
                created += 1
                if rspec.outcomes:
                    exchanges, publications, proposals, funding = rspec.outcomes
                    OutcomeReport.objects.create(
                        partnership=partnership,
                        reported_by=author,
                        exchanges_done=exchanges,
                        joint_publications=publications,
                        joint_proposals=proposals,
                        funding_won=decimal.Decimal(funding),
                        notes="",
                        reported_at=now - datetime.timedelta(days=5),
                    )
                    created += 1
    return created

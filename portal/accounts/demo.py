"""Demo users in every role, with bilingual organisation names (seed_demo)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import user_create
from portal.reference.models import Country

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - documented demo credential, DEBUG only

DEMO_USERS: list[dict[str, object]] = [
    {
        "email": "anna.ivanova@demo.example",
        "name": "Анна Иванова",
        "organisation_name": "Томский государственный университет / Tomsk State University",
        "country": "RU",
        "preferred_language": "ru",
        "roles": (Role.RESEARCHER,),
        "time_zone": "Asia/Tomsk",
    },
    {
        "email": "jan.kowalski@demo.example",
        "name": "Jan Kowalski",
        "organisation_name": "Politechnika Warszawska / Варшавский политехнический университет",
        "country": "PL",
        "preferred_language": "en",
        "roles": (Role.RESEARCHER,),
    },
    {
        "email": "olga.smirnova@demo.example",
        "name": "Ольга Смирнова",
        "organisation_name": "НКП Сибирского федерального округа / NCP Siberian Federal District",
        "country": "RU",
        "preferred_language": "ru",
        "time_zone": "Asia/Novosibirsk",
        "roles": (Role.NCP_STAFF,),
    },
    {
        "email": "marie.dupont@demo.example",
        "name": "Marie Dupont",
        "organisation_name": "Centre national de la recherche scientifique (CNRS) / Национальный центр научных исследований Франции",
        "country": "FR",
        "preferred_language": "en",
        "roles": (Role.EVENT_ORGANISER,),
    },
    {
        "email": "dmitry.petrov@demo.example",
        "name": "Дмитрий Петров",
        "organisation_name": "Российский фонд фундаментальных исследований / Russian Foundation for Basic Research",
        "country": "RU",
        "preferred_language": "ru",
        "roles": (Role.EVENT_ORGANISER, Role.NCP_STAFF),
    },
    {
        "email": "staff@demo.example",
        "name": "Site Staff / Сотрудник портала",
        "organisation_name": "BILAT-RUS-Advanced",
        "country": "DE",
        "preferred_language": "en",
        "roles": (Role.SITE_STAFF,),
        "is_staff": True,
    },
]


def _ensure(spec: dict[str, object], countries: dict[str, Country]) -> bool:
    email = str(spec["email"])
    if User.objects.filter(email=email).exists():
        return False
    with transaction.atomic():
        user = user_create(
            email=email,
            password=DEMO_PASSWORD,
            name=str(spec["name"]),
            organisation_name=str(spec["organisation_name"]),
            country=countries.get(str(spec["country"])),
            preferred_language=str(spec["preferred_language"]),
            roles=tuple(spec["roles"]),  # type: ignore[arg-type]
            is_staff=bool(spec.get("is_staff", False)),
            time_zone=str(spec.get("time_zone", "")),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return True


def seed_users(*, scale: int) -> int:
    countries = {c.code: c for c in Country.objects.filter(code__in=["RU", "PL", "FR", "DE"])}
    created = sum(_ensure(spec, countries) for spec in DEMO_USERS)
    extra = (scale - 1) * 10 if scale > 1 else 0
    existing = User.objects.filter(email__endswith="@scale.demo.example").count()
    if extra > existing:
        created += _bulk_scale_users(start=existing, stop=extra, countries=countries)
    return created


def _bulk_scale_users(*, start: int, stop: int, countries: dict[str, Country]) -> int:
    """Many plain researchers for benchmarks, with one shared hashed password (fast)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    password = make_password(DEMO_PASSWORD)
    codes = list(countries)
    researcher = Group.objects.get(name=Role.RESEARCHER)
    batch = 2000
    for offset in range(start, stop, batch):
        users = [
            User(
                email=f"researcher{i}@scale.demo.example",
                name=f"Researcher {i} / Исследователь {i}",
                password=password,
                country=countries.get(codes[i % len(codes)]) if codes else None,
            )
            for i in range(offset, min(offset + batch, stop))
        ]
        with transaction.atomic():
            User.objects.bulk_create(users, ignore_conflicts=True)
            created_users = User.objects.filter(email__in=[u.email for u in users])
            through = User.groups.through
            through.objects.bulk_create(
                [through(user_id=u.pk, group_id=researcher.pk) for u in created_users],
                ignore_conflicts=True,
            )
    return stop - start

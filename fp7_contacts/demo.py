"""``seed_contacts``: the demo network — a regional contact point in each of the 8 federal
districts, contact points for a few subjects, and thematic national NCPs, with their people.

Idempotent: points are keyed by ``code``; existing ones are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from fp7_contacts import indexing
from fp7_contacts.models import ContactPerson, ContactPoint, Service
from portal.accounts.models import User
from portal.reference.models import FederalDistrict, FederalSubject, ThematicPriority

ALL_SERVICES = ("consultation", "proposal-check", "partner-search", "training")


@dataclass(frozen=True)
class PointSpec:
    code: str
    kind: str
    name: tuple[str, str]
    host: tuple[str, str]
    city: tuple[str, str]
    address: tuple[str, str]
    districts: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    services: tuple[str, ...] = ALL_SERVICES
    people: tuple[
        tuple[str, str, str, str, bool], ...
    ] = ()  # name, role en, role ru, e-mail, consent
    staff: tuple[str, ...] = ()
    hours: tuple[str, str] = ("Mon–Fri 9:00–18:00", "Пн–Пт 9:00–18:00")
    phone: str = ""
    languages: tuple[str, ...] = ("ru", "en")
    extra: dict[str, str] = field(default_factory=dict)


REGIONAL = ContactPoint.Kind.REGIONAL
NATIONAL = ContactPoint.Kind.NATIONAL

POINTS: tuple[PointSpec, ...] = (
    PointSpec(
        "rcp-central",
        REGIONAL,
        (
            "Central Federal District Contact Point",
            "Контактная точка Центрального федерального округа",
        ),
        ("Lomonosov Moscow State University", "МГУ имени М. В. Ломоносова"),
        ("Moscow", "Москва"),
        ("Leninskie Gory 1", "Ленинские горы, 1"),
        districts=("CFD",),
        phone="+7 495 939-00-00",
        people=(("Elena Volkova", "Coordinator", "Координатор", "e.volkova@demo.example", True),),
    ),
    PointSpec(
        "rcp-northwest",
        REGIONAL,
        (
            "Northwestern Federal District Contact Point",
            "Контактная точка Северо-Западного федерального округа",
        ),
        ("Saint Petersburg State University", "Санкт-Петербургский государственный университет"),
        ("Saint Petersburg", "Санкт-Петербург"),
        ("Universitetskaya nab. 7/9", "Университетская наб., 7/9"),
        districts=("NWFD",),
        phone="+7 812 328-20-00",
        people=(("Pavel Sokolov", "Adviser", "Консультант", "p.sokolov@demo.example", False),),
    ),
    PointSpec(
        "rcp-south",
        REGIONAL,
        ("Southern Federal District Contact Point", "Контактная точка Южного федерального округа"),
        ("Southern Federal University", "Южный федеральный университет"),
        ("Rostov-on-Don", "Ростов-на-Дону"),
        ("Bolshaya Sadovaya 105", "ул. Большая Садовая, 105"),
        districts=("SFD",),
        people=(
            ("Irina Kuznetsova", "Coordinator", "Координатор", "i.kuznetsova@demo.example", True),
        ),
    ),
    PointSpec(
        "rcp-north-caucasus",
        REGIONAL,
        (
            "North Caucasian Federal District Contact Point",
            "Контактная точка Северо-Кавказского федерального округа",
        ),
        ("North-Caucasus Federal University", "Северо-Кавказский федеральный университет"),
        ("Stavropol", "Ставрополь"),
        ("Pushkina 1", "ул. Пушкина, 1"),
        districts=("NCFD",),
        themes=("KBBE", "ENVIRONMENT", "SSH"),
        people=(("Ruslan Aliev", "Adviser", "Консультант", "r.aliev@demo.example", True),),
    ),
    PointSpec(
        "rcp-volga",
        REGIONAL,
        (
            "Volga Federal District Contact Point",
            "Контактная точка Приволжского федерального округа",
        ),
        ("Kazan Federal University", "Казанский (Приволжский) федеральный университет"),
        ("Kazan", "Казань"),
        ("Kremlyovskaya 18", "ул. Кремлёвская, 18"),
        districts=("VFD",),
        people=(
            ("Aigul Khasanova", "Coordinator", "Координатор", "a.khasanova@demo.example", True),
        ),
    ),
    PointSpec(
        "rcp-ural",
        REGIONAL,
        ("Ural Federal District Contact Point", "Контактная точка Уральского федерального округа"),
        ("Ural Federal University", "Уральский федеральный университет"),
        ("Yekaterinburg", "Екатеринбург"),
        ("Mira 19", "ул. Мира, 19"),
        districts=("UFD",),
        people=(("Sergei Popov", "Adviser", "Консультант", "s.popov@demo.example", False),),
    ),
    PointSpec(
        "rcp-siberia",
        REGIONAL,
        (
            "Siberian Federal District Contact Point",
            "Контактная точка Сибирского федерального округа",
        ),
        ("Novosibirsk State University", "Новосибирский государственный университет"),
        ("Novosibirsk", "Новосибирск"),
        ("Pirogova 1", "ул. Пирогова, 1"),
        districts=("SIBFD",),
        staff=("olga.smirnova@demo.example",),
        people=(
            ("Olga Smirnova", "Coordinator", "Координатор", "olga.smirnova@demo.example", True),
        ),
        hours=("Mon–Fri 9:00–18:00 (Novosibirsk time)", "Пн–Пт 9:00–18:00 (новосибирское время)"),
    ),
    PointSpec(
        "rcp-far-east",
        REGIONAL,
        (
            "Far Eastern Federal District Contact Point",
            "Контактная точка Дальневосточного федерального округа",
        ),
        ("Far Eastern Federal University", "Дальневосточный федеральный университет"),
        ("Vladivostok", "Владивосток"),
        ("Russky Island, Ajax 10", "о. Русский, п. Аякс, 10"),
        districts=("FEFD",),
        people=(("Anna Kim", "Adviser", "Консультант", "a.kim@demo.example", True),),
    ),
    PointSpec(
        "rcp-tomsk",
        REGIONAL,
        ("Tomsk Regional Contact Point", "Томская региональная контактная точка"),
        ("Tomsk Polytechnic University", "Томский политехнический университет"),
        ("Tomsk", "Томск"),
        ("Lenina 30", "пр. Ленина, 30"),
        subjects=("RU-TOM",),
        themes=("ICT", "NMP", "ENERGY"),
        staff=("olga.smirnova@demo.example",),
        people=(
            ("Nikolai Orlov", "ICT adviser", "Консультант по ИКТ", "n.orlov@demo.example", True),
        ),
        hours=("Mon–Thu 10:00–17:00 (Tomsk time)", "Пн–Чт 10:00–17:00 (томское время)"),
    ),
    PointSpec(
        "rcp-tatarstan",
        REGIONAL,
        ("Tatarstan Regional Contact Point", "Региональная контактная точка Республики Татарстан"),
        (
            "Kazan National Research Technological University",
            "Казанский национальный исследовательский технологический университет",
        ),
        ("Kazan", "Казань"),
        ("Karla Marksa 68", "ул. Карла Маркса, 68"),
        subjects=("RU-TA",),
        themes=("NMP", "ENERGY"),
    ),
    PointSpec(
        "ncp-ict",
        NATIONAL,
        ("National Contact Point for ICT", "Национальная контактная точка по ИКТ"),
        ("Higher School of Economics", "Высшая школа экономики"),
        ("Moscow", "Москва"),
        ("Myasnitskaya 20", "ул. Мясницкая, 20"),
        themes=("ICT",),
        staff=("dmitry.petrov@demo.example",),
        people=(
            (
                "Dmitry Petrov",
                "National contact",
                "Национальный контакт",
                "dmitry.petrov@demo.example",
                True,
            ),
        ),
    ),
    PointSpec(
        "ncp-health",
        NATIONAL,
        ("National Contact Point for Health", "Национальная контактная точка по здравоохранению"),
        ("Pirogov Russian National Research Medical University", "РНИМУ имени Н. И. Пирогова"),
        ("Moscow", "Москва"),
        ("Ostrovityanova 1", "ул. Островитянова, 1"),
        themes=("HEALTH",),
    ),
    PointSpec(
        "ncp-nmp",
        NATIONAL,
        (
            "National Contact Point for Nanosciences and Materials",
            "Национальная контактная точка по нанонаукам и материалам",
        ),
        ("National Research Centre “Kurchatov Institute”", "НИЦ «Курчатовский институт»"),
        ("Moscow", "Москва"),
        ("Akademika Kurchatova 1", "пл. Академика Курчатова, 1"),
        themes=("NMP",),
    ),
    PointSpec(
        "ncp-energy",
        NATIONAL,
        ("National Contact Point for Energy", "Национальная контактная точка по энергетике"),
        ("Moscow Power Engineering Institute", "Московский энергетический институт"),
        ("Moscow", "Москва"),
        ("Krasnokazarmennaya 14", "ул. Красноказарменная, 14"),
        themes=("ENERGY", "EURATOM"),
    ),
    PointSpec(
        "ncp-kbbe",
        NATIONAL,
        (
            "National Contact Point for Food, Agriculture and Biotechnology",
            "Национальная контактная точка по продовольствию, сельскому хозяйству и биотехнологиям",
        ),
        ("Russian State Agrarian University", "Российский государственный аграрный университет"),
        ("Moscow", "Москва"),
        ("Timiryazevskaya 49", "ул. Тимирязевская, 49"),
        themes=("KBBE",),
    ),
    PointSpec(
        "ncp-mobility",
        NATIONAL,
        (
            "National Contact Point for Mobility (Marie Curie)",
            "Национальная контактная точка по мобильности (Мари Кюри)",
        ),
        ("Russian Academy of Sciences", "Российская академия наук"),
        ("Moscow", "Москва"),
        ("Leninsky prospekt 14", "Ленинский пр., 14"),
        themes=("PEOPLE", "IDEAS"),
    ),
)


def point_data(spec: PointSpec, ref: dict[str, dict[str, object]]) -> dict[str, object]:
    """The service's data of a demo point (``ref``: the reference rows by code)."""
    return {
        "code": spec.code,
        "kind": spec.kind,
        "name_en": spec.name[0],
        "name_ru": spec.name[1],
        "host_institution_en": spec.host[0],
        "host_institution_ru": spec.host[1],
        "city_en": spec.city[0],
        "city_ru": spec.city[1],
        "address_en": spec.address[0],
        "address_ru": spec.address[1],
        "opening_hours_en": spec.hours[0],
        "opening_hours_ru": spec.hours[1],
        "email": f"{spec.code}@demo.example",
        "phone": spec.phone,
        "languages": list(spec.languages),
        "active": True,
        "districts": [ref["districts"][c] for c in spec.districts],
        "subjects": [ref["subjects"][c] for c in spec.subjects],
        "themes": [ref["themes"][c] for c in spec.themes],
        "services": [ref["services"][c] for c in spec.services if c in ref["services"]],
    }


def reference_rows() -> dict[str, dict[str, object]]:
    return {
        "districts": {d.code: d for d in FederalDistrict.objects.all()},
        "subjects": {s.code: s for s in FederalSubject.objects.all()},
        "themes": {t.code: t for t in ThematicPriority.objects.all()},
        "services": {s.code: s for s in Service.objects.all()},
    }


def seed_contacts(*, scale: int = 1) -> int:
    """Create the demo points that are missing (by code); returns how many were created."""
    ref = reference_rows()
    existing = set(ContactPoint.objects.values_list("code", flat=True))
    users = {
        u.email: u for u in User.objects.filter(email__in={e for s in POINTS for e in s.staff})
    }
    created: list[int] = []
    for spec in POINTS:
        if spec.code in existing:
            continue
        data = point_data(spec, ref)
        with transaction.atomic():
            point = ContactPoint(
                **{
                    k: v
                    for k, v in data.items()
                    if k not in ("districts", "subjects", "themes", "services")
                }
            )
            point.save()
            for name in ("districts", "subjects", "themes", "services"):
                getattr(point, name).set(data[name])
            point.staff.set([users[e] for e in spec.staff if e in users])
            for position, (name, role_en, role_ru, email, consent) in enumerate(spec.people):
                ContactPerson.objects.create(
                    point=point,
                    name=name,
                    role_en=role_en,
                    role_ru=role_ru,
                    email=email,
                    show_email=consent,
                    show_phone=False,
                    position=position,
                    languages=["ru", "en"],
                )
        created.append(point.pk)
    indexing.point_index(ids=created)
    return len(created)

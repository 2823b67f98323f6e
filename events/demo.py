"""Demo events (``manage.py seed_demo``): past and upcoming published events of every type, with
bilingual titles, agenda sessions, registration questions, and demo users registered in every
status (confirmed, waitlisted, pending approval, cancelled, checked in).

Idempotent: events are keyed by slug and registrations by (event, user), so a second run adds
only what is missing. Dates are relative to the first run. Rows are written directly (no
services): seeding must not send e-mails, and the statuses are set as they would stand after
the story each event tells.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from events.models import Event, Question, Registration, Session
from portal.accounts.models import User
from portal.bilingual import by_script, choice_pairs, choices_by_script
from portal.reference.models import Country, ThematicPriority

ORGANISERS = ("marie.dupont@demo.example", "dmitry.petrov@demo.example")
ANNA = "anna.ivanova@demo.example"
JAN = "jan.kowalski@demo.example"
OLGA = "olga.smirnova@demo.example"
STAFF = "staff@demo.example"


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    type: str
    format: str
    days_from_now: int
    hours: int
    start_hour: int
    tz: str
    description: str
    venue: str = ""
    address: str = ""
    city: str = ""
    country: str = ""
    online_url: str = ""
    capacity: int | None = None
    waitlist: bool = True
    approval: bool = False
    themes: tuple[str, ...] = ()
    sessions: tuple[
        tuple[int, int, str, str, str], ...
    ] = ()  # start min, duration, title, speakers, room
    questions: tuple[
        tuple[str, str, bool, tuple[str, ...]], ...
    ] = ()  # label, kind, required, choices
    attendees: tuple[tuple[str, str], ...] = field(default=())  # email, status


S = Registration.Status
K = Question.Kind

EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        slug="brokerage-ict-cooperation-eu-russia",
        title=(
            "Brokerage event: ICT cooperation EU–Russia / Брокерское мероприятие: "
            "сотрудничество ЕС–Россия в области ИКТ"
        ),
        type=Event.Type.BROKERAGE,
        format=Event.Format.ONSITE,
        days_from_now=30,
        hours=8,
        start_hour=9,
        tz="Europe/Moscow",
        description=(
            "Pre-arranged bilateral meetings between EU and Russian research teams looking for "
            "partners in Horizon Europe Cluster 4 calls.\n\nДвусторонние встречи исследовательских "
            "групп ЕС и России, ищущих партнёров для конкурсов Horizon Europe."
        ),
        venue="Технопарк «Сколково» / Skolkovo Technopark",
        address="Большой бульвар, 42",
        city="Москва / Moscow",
        country="RU",
        capacity=3,
        themes=("ICT",),
        sessions=(
            (0, 30, "Welcome and introduction / Приветствие", "Marie Dupont, Дмитрий Петров", "A"),
            (30, 60, "Horizon Europe Cluster 4 calls 2027", "Marie Dupont", "A"),
            (120, 240, "Bilateral meetings / Двусторонние встречи", "", "B"),
            (420, 30, "Closing / Закрытие", "Дмитрий Петров", "A"),
        ),
        questions=(
            (
                "Your role in a project / Ваша роль в проекте",
                K.SINGLE,
                True,
                ("Coordinator / Координатор", "Partner / Партнёр", "Not sure yet / Пока не знаю"),
            ),
            ("Topics you are looking for / Интересующие темы", K.TEXT, False, ()),
            ("I would like bilateral meetings / Хочу двусторонние встречи", K.CHECKBOX, False, ()),
        ),
        attendees=(
            (ANNA, S.CONFIRMED),
            (JAN, S.CONFIRMED),
            (OLGA, S.CONFIRMED),
            (STAFF, S.WAITLISTED),
        ),
    ),
    DemoEvent(
        slug="info-day-horizon-europe-health",
        title=(
            "Information day: Horizon Europe Health calls / Информационный день: конкурсы "
            "Horizon Europe «Здравоохранение»"
        ),
        type=Event.Type.INFO_DAY,
        format=Event.Format.ONLINE,
        days_from_now=12,
        hours=3,
        start_hour=10,
        tz="Europe/Brussels",
        description=(
            "The 2027 Health work programme explained, with questions and answers.\n\n"
            "Рабочая программа 2027 года по здравоохранению: разъяснения, вопросы и ответы."
        ),
        online_url="https://meet.example.org/horizon-health-info-day",
        themes=("HEALTH",),
        sessions=(
            (0, 60, "Work programme 2027 / Рабочая программа 2027", "Marie Dupont", ""),
            (60, 60, "Lump-sum funding / Финансирование единовременной суммой", "", ""),
            (120, 60, "Questions and answers / Вопросы и ответы", "", ""),
        ),
        questions=(
            (
                "Which topics interest you? / Какие темы вам интересны?",
                K.MULTIPLE,
                False,
                (
                    "Cancer / Онкология",
                    "Rare diseases / Редкие заболевания",
                    "eHealth / Цифровое здравоохранение",
                ),
            ),
        ),
        attendees=((ANNA, S.CONFIRMED), (JAN, S.CONFIRMED), (STAFF, S.CANCELLED)),
    ),
    DemoEvent(
        slug="training-proposal-writing-tomsk",
        title=("Training: writing a successful proposal / Тренинг: как написать успешную заявку"),
        type=Event.Type.TRAINING,
        format=Event.Format.HYBRID,
        days_from_now=45,
        hours=6,
        start_hour=10,
        tz="Asia/Tomsk",
        description=(
            "A hands-on training for first-time applicants, by the NCP of the Siberian Federal "
            "District.\n\nПрактический тренинг для начинающих заявителей."
        ),
        venue="Томский государственный университет, главный корпус",
        address="пр. Ленина, 36",
        city="Томск / Tomsk",
        country="RU",
        online_url="https://meet.example.org/proposal-writing-tomsk",
        capacity=20,
        approval=True,
        themes=("PEOPLE", "INCO"),
        sessions=(
            (0, 90, "Anatomy of a proposal / Структура заявки", "Ольга Смирнова", "301"),
            (120, 120, "Impact and exploitation / Воздействие и использование", "", "301"),
            (270, 90, "Budget workshop / Практикум по бюджету", "", "305"),
        ),
        questions=(
            (
                "Have you applied before? / Подавали ли вы заявки раньше?",
                K.SINGLE,
                True,
                ("Yes / Да", "No / Нет"),
            ),
            ("I will attend in person / Буду присутствовать очно", K.CHECKBOX, False, ()),
        ),
        attendees=((ANNA, S.PENDING), (JAN, S.PENDING), (OLGA, S.CONFIRMED)),
    ),
    DemoEvent(
        slug="conference-ten-years-sti-cooperation",
        title=(
            "Conference: ten years of EU–Russia STI cooperation / Конференция: десять лет "
            "научно-технического сотрудничества ЕС–Россия"
        ),
        type=Event.Type.CONFERENCE,
        format=Event.Format.ONSITE,
        days_from_now=-60,
        hours=26,
        start_hour=9,
        tz="Europe/Brussels",
        description=(
            "Results of the BILAT-RUS projects and the road ahead.\n\nИтоги проектов BILAT-RUS "
            "и перспективы сотрудничества."
        ),
        venue="Albert Borschette Conference Centre",
        address="Rue Froissart 36",
        city="Brussels / Брюссель",
        country="BE",
        capacity=150,
        themes=("INCO", "SSH"),
        sessions=(
            (0, 60, "Opening / Открытие", "Marie Dupont", "Auditorium"),
            (90, 120, "Panel: science diplomacy / Научная дипломатия", "", "Auditorium"),
            (1440, 120, "Workshops / Семинары", "", "Rooms 1–3"),
        ),
        attendees=(
            (ANNA, S.CHECKED_IN),
            (JAN, S.CHECKED_IN),
            (OLGA, S.CANCELLED),
            (STAFF, S.CONFIRMED),
        ),
    ),
    DemoEvent(
        slug="brokerage-nanotechnology-novosibirsk",
        title=(
            "Brokerage event: nanotechnology and new materials / Брокерское мероприятие: "
            "нанотехнологии и новые материалы"
        ),
        type=Event.Type.BROKERAGE,
        format=Event.Format.ONSITE,
        days_from_now=-120,
        hours=7,
        start_hour=9,
        tz="Asia/Novosibirsk",
        description="Meetings of research teams in NMP.\n\nВстречи исследовательских групп.",
        venue="Академпарк / Akadempark",
        city="Новосибирск / Novosibirsk",
        country="RU",
        capacity=40,
        themes=("NMP",),
        sessions=((0, 420, "Bilateral meetings / Двусторонние встречи", "", "Hall 1"),),
        attendees=((OLGA, S.CHECKED_IN), (JAN, S.CHECKED_IN), (ANNA, S.CONFIRMED)),
    ),
)


def _start(spec: DemoEvent, today: datetime.date) -> datetime.datetime:
    day = today + datetime.timedelta(days=spec.days_from_now)
    return datetime.datetime.combine(
        day, datetime.time(spec.start_hour), tzinfo=zoneinfo.ZoneInfo(spec.tz)
    )


def _create_event(spec: DemoEvent, now: datetime.datetime) -> Event:
    starts_at = _start(spec, now.date())
    ends_at = starts_at + datetime.timedelta(hours=spec.hours)
    event = Event.objects.create(
        slug=spec.slug,
        **by_script("title", spec.title),
        type=spec.type,
        format=spec.format,
        **by_script("description", spec.description),
        **by_script("venue", spec.venue),
        address=spec.address,
        city=spec.city,
        country=Country.objects.filter(code=spec.country).first() if spec.country else None,
        online_url=spec.online_url,
        timezone=spec.tz,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_opens_at=starts_at - datetime.timedelta(days=90),
        registration_closes_at=starts_at - datetime.timedelta(hours=12),
        capacity=spec.capacity,
        waitlist_enabled=spec.waitlist,
        approval_required=spec.approval,
        status=Event.Status.PUBLISHED,
        created_at=starts_at - datetime.timedelta(days=100),
    )
    event.themes.set(ThematicPriority.objects.filter(code__in=spec.themes))
    event.organisers.set(User.objects.filter(email__in=ORGANISERS))
    Session.objects.bulk_create(
        [
            Session(
                event=event,
                starts_at=starts_at + datetime.timedelta(minutes=offset),
                ends_at=starts_at + datetime.timedelta(minutes=offset + duration),
                **by_script("title", title),
                speakers=speakers,
                room=room,
            )
            for offset, duration, title, speakers, room in spec.sessions
        ]
    )
    Question.objects.bulk_create(
        [
            Question(
                event=event,
                **by_script("label", label),
                kind=kind,
                required=required,
                **choices_by_script("choices", choices),
                position=position,
            )
            for position, (label, kind, required, choices) in enumerate(spec.questions)
        ]
    )
    return event


def _answers(event: Event) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in event.questions.all():
        values = [value for value, _label in choice_pairs(question, "choices")]
        if question.kind == Question.Kind.SINGLE and values:
            answers[str(question.pk)] = values[0]
        elif question.kind == Question.Kind.MULTIPLE and values:
            answers[str(question.pk)] = values[:2]
        elif question.kind == Question.Kind.CHECKBOX:
            answers[str(question.pk)] = True
        elif question.required:
            answers[str(question.pk)] = "—"
    return answers


def _register(event: Event, user: User, status: str, order: int) -> bool:
    if Registration.objects.filter(event=event, user=user).exists():
        return False
    registered_at = min(event.starts_at, timezone.now()) - datetime.timedelta(days=20 - order)
    Registration.objects.create(
        event=event,
        user=user,
        email=user.email,
        name=user.name or user.email,
        status=status,
        answers=_answers(event),
        consent_public_list=order % 2 == 0,
        language=user.preferred_language,
        created_at=registered_at,
        confirmed_at=registered_at if status in Registration.SEATED else None,
        waitlisted_at=registered_at if status == Registration.Status.WAITLISTED else None,
        cancelled_at=registered_at + datetime.timedelta(days=2)
        if status == Registration.Status.CANCELLED
        else None,
        checked_in_at=event.starts_at + datetime.timedelta(minutes=10 + order)
        if status == Registration.Status.CHECKED_IN
        else None,
    )
    return True


def seed_events(*, scale: int = 1) -> int:
    """Create the demo events and registrations that are missing; returns rows created."""
    now = timezone.now()
    users = {u.email: u for u in User.objects.filter(email__in=[ANNA, JAN, OLGA, STAFF])}
    created = 0
    for spec in EVENTS:
        with transaction.atomic():
            event = Event.objects.filter(slug=spec.slug).first()
            if event is None:
                event = _create_event(spec, now)
                created += 1
            for order, (email, status) in enumerate(spec.attendees):
                user = users.get(email)
                if user is not None and _register(event, user, status, order):
                    created += 1
    return created

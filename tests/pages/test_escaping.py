"""Every text a user can type comes back escaped on every page that shows it.

One world is built in which every editable text field of every model of the portal's apps holds a
script payload naming its field. Then every page is visited as each kind of visitor (anonymous, the
researcher who owns the organisation and the offer, the partner who sent an interest, the event's
organiser, the registered attendee, site staff in the admin), following the links each page
offers. No page may contain a payload unescaped, and every field's payload must be seen escaped on
at least one page (so a field that stops being shown, or a page that stops being visited, is
noticed instead of passing silently).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cooperation.models import CooperationOffer, ExpressionOfInterest, Organisation
from events.models import Event, Question, Registration
from events.services.claims import claim_token_for
from fp7_contacts.services.enquiries import enquiry_answer, enquiry_create, enquiry_reassign
from fp7_contacts.services.points import contact_person_save
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.cooperation.factories import (
    CallDeadlineFactory,
    FundingCallFactory,
    MemberOrganisationFactory,
    OwnProfileFactory,
    ParticipationFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    quick_user,
)
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
)
from tests.fp7_contacts.factories import make_point
from tests.fp7_contacts.factories import subject as fp7_subject
from tests.fp7_contacts.factories import theme as fp7_theme

pytestmark = pytest.mark.django_db

APPS = ("accounts", "reference", "cooperation", "events", "fp7_contacts")
MIN_LENGTH = 24  # the shortest payload: '"><script>xf99</script>'
#: Fields that are typed by someone but shown on no page, with the reason.
NOT_SHOWN = {
    "cooperation.Organisation.cordis_key": "the import's matching key, not shown",
    "cooperation.OrganisationParticipation.project_rcn": "kept for matching, not shown",
    "cooperation.OrganisationNamePosting.lname": "the search's name postings, written by "
    "triggers from the organisation's name (shown, escaped, as the organisation's name)",
}
#: Fields a person picks from a fixed list, whose pages cannot be drawn with other values.
PICKED_FROM_A_LIST = {"timezone"}
#: Not typed text: the password hash (changing it would also log the visitors out).
NOT_TEXT = {"password"}
SKIP_PATHS = ("/logout/", "/delete/", "/accounts/3rdparty/", "/accounts/social/", "/jsi18n/")
MAX_PAGES_PER_VISITOR = 250


def payload(key: str) -> str:
    return f'"><script>x{key}</script>'


def raw_marker(key: str) -> str:
    return f"<script>x{key}"


def escaped_marker(key: str) -> str:
    return escape(f"<script>x{key}")


def text_fields() -> list[tuple[type[models.Model], models.Field]]:
    fields: list[tuple[type[models.Model], models.Field]] = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and field.editable
                    and not field.choices
                    and field.name not in PICKED_FROM_A_LIST | NOT_TEXT
                    and (field.max_length is None or field.max_length >= MIN_LENGTH)
                    and not isinstance(field, models.EmailField | models.SlugField)
                    # a bilingual field's own column: its text is in the per-language fields
                    and field.name not in translated_fields(model)
                ):
                    fields.append((model, field))
    return fields


def translated_fields(model: type[models.Model]) -> set[str]:
    from modeltranslation.translator import NotRegistered, translator

    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def field_name(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def build_world() -> dict[str, Any]:
    owner = quick_user(name="Owner")
    partner = quick_user(name="Partner")
    boss = quick_user(name="Boss", roles=(Role.EVENT_ORGANISER,))
    guest = quick_user(name="Guest")
    staff = quick_user(name="Staff", roles=(Role.SITE_STAFF,))
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    organisation = MemberOrganisationFactory(member=owner)
    ParticipationFactory(organisation=organisation)
    OwnProfileFactory(user=owner, organisation=organisation)
    call = FundingCallFactory()
    CallDeadlineFactory(call=call)
    offer = WorkflowOfferFactory(author=owner, organisation=organisation, call=call)
    interest = SentInterestFactory(offer=offer, sender=partner)
    event = EventFactory(organisers=[boss])
    SessionFactory(event=event)
    single = QuestionFactory(event=event, kind=Question.Kind.SINGLE, choices=["A", "B"])
    text = QuestionFactory(event=event, kind=Question.Kind.TEXT)
    registration = RegistrationFactory(event=event, user=guest, email=guest.email)
    invited = RegistrationFactory(event=event, user=None, claim_token="s3cret")
    # a contact point with a person, its staff member, an answered and reassigned enquiry
    ncp = quick_user(name="Ncp", roles=(Role.NCP_STAFF,))
    point = make_point(code="rcp-tomsk", subjects=("RU-TOM",), staff=(ncp,), services=("training",))
    second = make_point(code="rcp-siberia", districts=("SIBFD",), staff=(ncp,))
    contact_person_save(
        point=point,
        by=staff,
        data={"name": "Person", "phone": "+7 3822 123-456", "show_phone": True},
    )
    enquiry = enquiry_create(
        author=owner, subject=fp7_subject("RU-TOM"), theme=fp7_theme("ICT"), title="T", question="Q"
    )
    enquiry_answer(enquiry=enquiry, by=ncp, text="Answer")
    enquiry_reassign(enquiry=enquiry, by=ncp, point=second, note="Note")
    return {
        "users": {
            "owner": owner,
            "partner": partner,
            "boss": boss,
            "guest": guest,
            "ncp": ncp,
        },
        "staff": staff,
        "organisation": organisation,
        "call": call,
        "offer": offer,
        "interest": interest,
        "event": event,
        "questions": (single, text),
        "registration": registration,
        "invited": invited,
        "ncp": ncp,
        "enquiry": enquiry,
    }


def plant_payloads(world: dict[str, Any]) -> dict[str, str]:
    """Write a payload into every text field of every row; returns {field name: key}."""
    keys: dict[str, str] = {}
    for number, (model, field) in enumerate(text_fields()):
        name = field_name(model, field)
        key = f"f{number}"
        try:
            with transaction.atomic():
                count = model._default_manager.update(**{field.attname: payload(key)})
        except IntegrityError:
            continue  # a database constraint refuses such text (codes of reference data)
        if count:
            keys[name] = key
    # JSON content a person types: a question's choices and the answers to it.
    single, text = world["questions"]
    Question.objects.filter(pk=single.pk).update(choices=[payload("choice"), "B"])
    Registration.objects.update(
        answers={str(single.pk): payload("choice"), str(text.pk): payload("answer")}
    )
    keys["events.Question.choices"] = "choice"
    keys["events.Registration.answers"] = "answer"
    return keys


def seed_urls(world: dict[str, Any]) -> list[str]:
    event: Event = Event.objects.get(pk=world["event"].pk)
    registration: Registration = Registration.objects.get(pk=world["registration"].pk)
    invited: Registration = Registration.objects.get(pk=world["invited"].pk)
    offer: CooperationOffer = world["offer"]
    interest: ExpressionOfInterest = world["interest"]
    organisation: Organisation = world["organisation"]
    urls = [
        reverse("pages:home"),
        reverse("accounts:profile"),
        reverse("pages:start"),
        reverse("events:my_registrations"),
        reverse("cooperation:partner_index"),
        reverse("cooperation:partner_index") + "?q=x",
        reverse("cooperation:offer_list"),
        reverse("cooperation:call_index"),
        reverse("cooperation:organisation_detail", args=[organisation.pk]),
        reverse("cooperation:organisation_edit", args=[organisation.pk]),
        reverse("cooperation:profile_edit"),
        reverse("cooperation:offer_detail", args=[offer.pk]),
        reverse("cooperation:offer_edit", args=[offer.pk]),
        reverse("cooperation:offer_interest", args=[offer.pk]),
        reverse("cooperation:my_offers"),
        reverse("cooperation:review_queue"),
        reverse("cooperation:interest_detail", args=[interest.pk]),
        reverse("cooperation:call_detail", args=[world["call"].pk]),
        reverse("events:index"),
        reverse("events:event_detail", args=[event.slug]),
        reverse("events:register", args=[event.slug]),
        reverse("events:participants", args=[event.slug]),
        reverse("events:my_events"),
        reverse("events:dashboard", args=[event.slug]),
        reverse("events:event_edit", args=[event.slug]),
        reverse("events:attendees", args=[event.slug]),
        reverse("events:badges", args=[event.slug]),
        reverse("events:message", args=[event.slug]),
        reverse("events:event_cancel", args=[event.slug]),
        reverse("events:check_in", args=[event.slug]),
        reverse("events:ticket", args=[registration.ticket_code]),
        reverse("events:ticket_cancel", args=[registration.ticket_code]),
        reverse("events:claim", args=[claim_token_for(invited)]),
        reverse("fp7_contacts:index"),
        reverse("fp7_contacts:index") + "?subject=RU-TOM&theme=ICT",
        reverse("fp7_contacts:detail", args=["rcp-tomsk"]),
        reverse("fp7_contacts:enquiry_list"),
        reverse("fp7_contacts:enquiry_detail", args=[world["enquiry"].pk]),
        reverse("fp7_contacts:my_points"),
        reverse("fp7_contacts:point_edit", args=["rcp-tomsk"]),
        reverse("fp7_contacts:point_history", args=["rcp-tomsk"]),
        reverse("fp7_contacts:point_dashboard", args=["rcp-siberia"]),
        reverse("fp7_contacts:dashboard"),
    ]
    return urls


def admin_urls() -> list[str]:
    urls = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            info = (model._meta.app_label, model._meta.model_name)
            try:
                changelist = reverse("admin:{}_{}_changelist".format(*info))
            except Exception:  # noqa: S112 - not registered in the admin
                continue
            urls.append(changelist)
            for pk in model._default_manager.values_list("pk", flat=True)[:3]:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
    return urls


LINK = re.compile(r'href="([^"#]+)')


def crawl(client: Client, start: Iterable[str], *, follow_admin: bool) -> dict[str, str]:
    """GET every page reachable from ``start`` on this site; {url: html}."""
    pages: dict[str, str] = {}
    queue = list(start)
    while queue and len(pages) < MAX_PAGES_PER_VISITOR:
        url = queue.pop(0)
        if url in pages or any(part in url for part in SKIP_PATHS):
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if not response.get("Content-Type", "").startswith("text/html"):
            pages[url] = ""
            continue
        html = response.content.decode()
        pages[url] = html
        for link in LINK.findall(html):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(("/en/", "/ru/")) or (not follow_admin and "/admin/" in path):
                continue
            if path not in pages:
                queue.append(path)
    return pages


def test_every_user_text_comes_back_escaped_on_every_page() -> None:
    world = build_world()
    keys = plant_payloads(world)
    planted = {field_name(m, f) for m, f in text_fields()}
    assert len(planted) > 40  # the introspection found the portal's fields
    seen: dict[str, str] = {}
    visited = 0
    in_russian = [url.replace("/en/", "/ru/", 1) for url in seed_urls(world)]
    visitors: list[tuple[User | None, list[str], bool]] = [
        (None, seed_urls(world), False),
        (None, in_russian, False),
        (world["users"]["owner"], in_russian, False),
        *((user, seed_urls(world), False) for user in world["users"].values()),
        (world["staff"], [*seed_urls(world), *admin_urls()], False),
    ]
    for user, start, follow_admin in visitors:
        client = Client()
        if user is not None:
            client.force_login(user)
        for url, html in crawl(client, start, follow_admin=follow_admin).items():
            visited += 1
            for name, key in keys.items():
                assert raw_marker(key) not in html, f"{name} is not escaped on {url}"
                if escaped_marker(key) in html:
                    seen.setdefault(name, url)
    assert visited > 100
    missing = sorted(set(keys) - set(seen) - set(NOT_SHOWN))
    assert not missing, f"payloads shown on no page visited: {missing}"

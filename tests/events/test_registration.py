"""Registering for an event: windows, statuses, answers, duplicates, approval, organisers
registering people, claiming, the register and ticket pages, personal data and demo data."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from events.exceptions import RegistrationError
from events.models import Event, Question, Registration
from events.selectors.registrations import registration_answers_display
from events.services.claims import claim_token_for, registration_claim
from events.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_create_by_organiser,
    registration_decline,
    seats_taken,
)
from portal.accounts.roles import Role
from portal.bilingual import script_language
from tests.events.factories import (
    attendee,
    capture_tasks,
    notified,
    question,
    quick_event,
    register,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def url(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"events:{name}", args=args)


# -- the service -------------------------------------------------------------------------------


def test_registration_is_confirmed_with_answers_and_consent():
    event = quick_event(capacity=10)
    role = question(event, Question.Kind.SINGLE, required=True)
    topics = question(event, Question.Kind.MULTIPLE)
    note = question(event, Question.Kind.TEXT)
    meetings = question(event, Question.Kind.CHECKBOX)
    user = attendee(name="Анна Иванова", email="Anna@Example.org", preferred_language="ru")

    registration = registration_create(
        event=event,
        user=user,
        answers={
            str(role.pk): "Partner",
            str(topics.pk): ["Observer", "Coordinator"],
            str(note.pk): "  photonics  ",
            str(meetings.pk): True,
            "999999": "ignored",
        },
        consent_public_list=True,
    )

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert registration.user == user
    assert registration.email == "anna@example.org"
    assert registration.name == "Анна Иванова"
    assert registration.language == "ru"
    assert registration.consent_public_list is True
    assert registration.answers == {
        str(role.pk): "Partner",
        str(topics.pk): ["Coordinator", "Observer"],  # in the question's order
        str(note.pk): "photonics",
        str(meetings.pk): True,
    }
    assert len(registration.ticket_code) >= 20
    assert seats_taken(event) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": Event.Status.DRAFT}, "not_published"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, "closed"),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "closed"),
        (
            {
                "starts_at": timezone.now() - datetime.timedelta(days=2),
                "ends_at": timezone.now() - datetime.timedelta(days=1),
            },
            "closed",
        ),
    ],
)
def test_registration_outside_the_window_or_for_a_closed_event_is_refused(changes, code):
    event = quick_event(**changes)
    with pytest.raises(RegistrationError) as caught:
        register(event)
    assert caught.value.code == code
    assert str(caught.value)  # a message for the person
    assert not Registration.objects.exists()


def test_full_event_without_waiting_list_refuses_and_with_one_waitlists():
    closed = quick_event(capacity=1, waitlist_enabled=False)
    register(closed)
    with pytest.raises(RegistrationError, match="fully booked") as caught:
        register(closed)
    assert caught.value.code == "full"
    assert closed.registrations.count() == 1

    open_list = quick_event(capacity=1, waitlist_enabled=True)
    register(open_list)
    second = register(open_list)
    assert second.status == Status.WAITLISTED
    assert second.waitlisted_at is not None
    assert second.confirmed_at is None


def test_registering_twice_is_refused_and_changes_nothing():
    event = quick_event(capacity=5)
    user = attendee()
    first = register(event, user)
    with pytest.raises(RegistrationError) as caught:
        register(event, user)
    assert caught.value.code == "already_registered"
    assert caught.value.registration is not None
    assert caught.value.registration.pk == first.pk
    assert event.registrations.count() == 1


@pytest.mark.parametrize(
    ("kind", "answer", "code"),
    [
        (Question.Kind.TEXT, "   ", "missing_answer"),
        (Question.Kind.SINGLE, "", "missing_answer"),
        (Question.Kind.SINGLE, "Hacker", "invalid_answer"),
        (Question.Kind.MULTIPLE, [], "missing_answer"),
        (Question.Kind.MULTIPLE, ["Partner", "Nope"], "invalid_answer"),
        (Question.Kind.CHECKBOX, False, "missing_answer"),
    ],
)
def test_missing_or_invalid_answers_are_refused_with_the_question_named(kind, answer, code):
    event = quick_event()
    asked = question(event, kind, required=True, label="Your role")
    with pytest.raises(RegistrationError, match="Your role") as caught:
        register(event, answers={str(asked.pk): answer})
    assert caught.value.code == code
    assert not Registration.objects.exists()


def test_re_registering_after_cancelling_reuses_the_row():
    event = quick_event(capacity=3)
    user = attendee()
    first = register(event, user)
    registration_cancel(registration=first, by=user)
    again = register(event, user, consent=True)

    assert again.pk == first.pk
    assert again.ticket_code == first.ticket_code
    again.refresh_from_db()
    assert again.status == Status.CONFIRMED
    assert again.cancelled_at is None
    assert again.consent_public_list is True
    assert event.registrations.count() == 1


def test_only_the_owner_or_an_organiser_may_cancel():
    event = quick_event()
    registration = register(event)
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, by=attendee())
    registration_cancel(registration=registration, by=event.organisers.get())
    assert registration.status == Status.CANCELLED


# -- approval ----------------------------------------------------------------------------------


def test_approval_required_registration_is_pending_until_approved(
    django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=1, approval_required=True)
    boss = event.organisers.get()
    with django_capture_on_commit_callbacks(execute=True):
        first = register(event)
        second = register(event)
    assert first.status == second.status == Status.PENDING
    assert seats_taken(event) == 0
    assert notified("pending") == [first.pk, second.pk]

    with pytest.raises(PermissionDenied):
        registration_approve(registration=first, by=attendee())
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=first, by=boss)
        registration_approve(registration=second, by=boss)  # no seat left: waiting list
    assert first.status == Status.CONFIRMED
    assert second.status == Status.WAITLISTED
    assert notified("approved") == [first.pk]
    assert notified("waitlisted") == [second.pk]

    with pytest.raises(RegistrationError, match="awaiting approval") as caught:
        registration_approve(registration=first, by=boss)
    assert caught.value.code == "not_pending"


def test_declining_cancels_and_tells_the_person(django_capture_on_commit_callbacks, monkeypatch):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(approval_required=True)
    registration = register(event)
    with django_capture_on_commit_callbacks(execute=True):
        registration_decline(registration=registration, by=event.organisers.get())
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert notified("declined") == [registration.pk]
    with pytest.raises(RegistrationError) as caught:
        registration_decline(registration=registration, by=event.organisers.get())
    assert caught.value.code == "not_pending"


def test_approval_with_no_seat_and_no_waiting_list_is_refused():
    event = quick_event(capacity=1, approval_required=True, waitlist_enabled=False)
    first, second = register(event), register(event)
    boss = event.organisers.get()
    registration_approve(registration=first, by=boss)
    with pytest.raises(RegistrationError) as caught:
        registration_approve(registration=second, by=boss)
    assert caught.value.code == "full"
    second.refresh_from_db()
    assert second.status == Status.PENDING


# -- organisers register people, invitations are claimed ----------------------------------------


def test_organiser_registers_someone_with_and_without_an_account(
    django_capture_on_commit_callbacks, monkeypatch
):
    capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=1, approval_required=True)
    boss = event.organisers.get()
    member = attendee(email="jan@example.org", preferred_language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        linked = registration_create_by_organiser(
            event=event, email="JAN@example.org", name="Jan Kowalski", by=boss
        )
        invited = registration_create_by_organiser(
            event=event, email="new.person@example.org", name="New Person", by=boss, language="ru"
        )
    assert linked.user == member
    assert linked.status == Status.CONFIRMED  # no approval step when organisers register
    assert linked.claim_token == ""
    assert linked.language == "ru"
    assert invited.user is None
    assert invited.status == Status.WAITLISTED
    assert invited.claim_token
    assert invited.language == "ru"
    assert notified("confirmed") == [linked.pk]
    assert notified("invitation") == [invited.pk]  # no account: a link to claim the place

    with pytest.raises(RegistrationError, match="already registered") as caught:
        registration_create_by_organiser(
            event=event, email="New.Person@EXAMPLE.org", name="Again", by=boss
        )
    assert caught.value.code == "already_registered"
    # not an address, or longer than any address column holds (Django's validator alone
    # takes up to 320 characters; the insert then failed)
    for wrong in ["not-an-email", f"{'a' * 60}@{'b' * 60}.{'c' * 60}.{'d' * 60}.example.org"]:
        with pytest.raises(RegistrationError) as caught:
            registration_create_by_organiser(event=event, email=wrong, name="X", by=boss)
        assert caught.value.code == "invalid_email"
    with pytest.raises(PermissionDenied):
        registration_create_by_organiser(
            event=event, email="x@example.org", name="X", by=attendee()
        )


def test_a_user_with_the_invited_address_claims_the_registration(client):
    event = quick_event()
    invited = registration_create_by_organiser(
        event=event, email="olga@example.org", name="Ольга", by=event.organisers.get()
    )
    token = claim_token_for(invited)

    stranger = attendee(email="someone@example.org")
    with pytest.raises(RegistrationError) as caught:
        registration_claim(token=token, user=stranger)
    assert caught.value.code == "wrong_email"
    with pytest.raises(RegistrationError) as caught:
        registration_claim(token=f"{invited.pk}.forged", user=stranger)
    assert caught.value.code == "invalid_token"

    # Through the pages: anonymous visitors are asked to log in or sign up first.
    response = client.get(url("claim", token))
    assert response.status_code == 200
    assert "Sign up" in response.content.decode()
    olga = attendee(email="olga@example.org", preferred_language="ru")
    client.force_login(olga)
    response = client.post(url("claim", token))
    assert response.status_code == 302
    assert response["Location"] == url("ticket", invited.ticket_code)
    invited.refresh_from_db()
    assert invited.user == olga
    assert invited.claim_token == ""
    assert invited.language == "ru"
    # The link used again leads the owner to the ticket; it is dead for anyone else.
    assert client.get(url("claim", token))["Location"] == url("ticket", invited.ticket_code)
    client.force_login(stranger)
    assert client.get(url("claim", token)).status_code == 404
    assert client.get(url("claim", "garbage")).status_code == 404


def test_the_claim_token_selector_reads_one_row_and_refuses_forgeries(django_assert_num_queries):
    from events.selectors.registrations import registration_for_claim_token

    event = quick_event()
    boss = event.organisers.get()
    invited = [
        registration_create_by_organiser(event=event, email=f"p{n}@example.org", name="P", by=boss)
        for n in range(3)
    ]
    token = claim_token_for(invited[1])
    with django_assert_num_queries(1):  # the registration with its event
        found = registration_for_claim_token(token=token)
    assert found == invited[1]
    with django_assert_num_queries(0):
        assert found is not None
        assert found.event == event
    assert registration_for_claim_token(token=f"{invited[1].pk}.forged") is None
    assert registration_for_claim_token(token=f"{invited[1].pk}.") is None
    with django_assert_num_queries(0):
        assert registration_for_claim_token(token="garbage") is None


# -- register page -----------------------------------------------------------------------------


def test_register_page_needs_login(client):
    event = quick_event()
    response = client.get(url("register", event.slug))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_register_page_asks_the_events_questions_and_registers(client):
    event = quick_event(capacity=10)
    role = question(event, Question.Kind.SINGLE, required=True, label="Your role in the project")
    user = attendee()
    client.force_login(user)

    page = client.get(url("register", event.slug)).content.decode()
    assert "Your role in the project" in page
    assert 'name="consent_public_list"' in page
    assert "10 seats left" in page

    response = client.post(
        url("register", event.slug), {f"q_{role.pk}": "Partner", "consent_public_list": "on"}
    )
    registration = Registration.objects.get(event=event, user=user)
    assert response.status_code == 302
    assert response["Location"] == url("ticket", registration.ticket_code)
    assert registration.answers == {str(role.pk): "Partner"}
    assert registration.consent_public_list is True

    # Registered already: the page says so and links to the ticket; posting again redirects.
    page = client.get(url("register", event.slug)).content.decode()
    assert "You are already registered" in page
    again = client.post(url("register", event.slug), {f"q_{role.pk}": "Partner"})
    assert again["Location"] == url("ticket", registration.ticket_code)
    assert event.registrations.count() == 1


def test_register_page_shows_missing_answers_and_closed_events(client):
    event = quick_event()
    role = question(event, Question.Kind.SINGLE, required=True)
    client.force_login(attendee())
    response = client.post(url("register", event.slug), {f"q_{role.pk}": "Not a choice"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Registration.objects.exists()

    full = quick_event(capacity=1, waitlist_enabled=False)
    register(full)
    response = client.post(url("register", full.slug), {})
    assert response.status_code == 400
    assert "fully booked" in response.content.decode()

    closed = quick_event(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(url("register", closed.slug)).content.decode()
    assert "Registration for this event has closed." in page
    assert client.post(url("register", closed.slug), {}).status_code == 400
    assert (
        client.get(url("register", quick_event(status=Event.Status.DRAFT).slug)).status_code == 404
    )


def test_register_page_query_counts(client, django_assert_num_queries):
    event = quick_event(capacity=50)
    for kind in (Question.Kind.TEXT, Question.Kind.SINGLE, Question.Kind.CHECKBOX):
        question(event, kind)
    for _ in range(5):
        register(event)
    user = attendee()
    client.force_login(user)
    # session, user, event with its questions (one query), seats and own registration (one query)
    with django_assert_num_queries(4):
        assert client.get(url("register", event.slug)).status_code == 200
    # session, user, event with questions; then the service: savepoint, the event row locked
    # and read with its seats and duplicates (one round trip), insert, the confirmation in the
    # outbox (same transaction), release
    with django_assert_num_queries(8):
        response = client.post(url("register", event.slug), {})
    assert response.status_code == 302


# -- ticket page -------------------------------------------------------------------------------


def test_ticket_page_by_personal_link_shows_qr_and_status(client):
    event = quick_event(capacity=5, online_url="https://meet.example.org/secret-room")
    registration = register(event, attendee(name="Jan Kowalski"))

    response = client.get(url("ticket", registration.ticket_code))  # anonymous: the link
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jan Kowalski" in page
    assert "Confirmed" in page
    assert '<svg role="img"' in page
    assert registration.ticket_code in page
    assert "https://meet.example.org/secret-room" in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]

    qr = client.get(url("ticket_qr", registration.ticket_code))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    assert b'xmlns="http://www.w3.org/2000/svg"' in qr.content


@pytest.mark.parametrize("code", ["x" * 22, "A1b2C3d4E5f6G7h8I9j0Kk", "bad code!", "<script>"])
def test_unknown_or_forged_ticket_codes_are_404(client, code):
    register(quick_event())
    assert client.get(f"/en/events/tickets/{code}/").status_code == 404
    assert client.get(f"/en/events/tickets/{code}/qr.svg").status_code == 404


def test_waitlisted_ticket_shows_the_position_and_no_qr(client):
    event = quick_event(capacity=1)
    register(event)
    register(event)
    third = register(event)
    page = client.get(url("ticket", third.ticket_code)).content.decode()
    assert "Waitlisted" in page
    assert "Your position on the waiting list: 2." in page
    assert "<svg" not in page


@pytest.mark.parametrize("logged_in", [False, True])
def test_ticket_page_query_count(client, django_assert_num_queries, logged_in):
    event = quick_event(capacity=5)
    questions = [question(event, Question.Kind.TEXT) for _ in range(3)]
    user = attendee()
    registration = register(
        event, user, answers={str(q.pk): f"answer {i}" for i, q in enumerate(questions)}
    )
    for _ in range(3):
        register(event)
    if logged_in:
        client.force_login(user)
    # registration + event + country (1), questions (1); logged in: session and user (2)
    with django_assert_num_queries(4 if logged_in else 2):
        response = client.get(url("ticket", registration.ticket_code))
    assert response.status_code == 200
    assert "answer 2" in response.content.decode()


def test_ticket_answers_are_shown_readably_in_question_order(django_assert_num_queries):
    event = quick_event(capacity=5)
    topics = question(event, Question.Kind.TEXT, label="Topics", required=False)
    meetings = question(event, Question.Kind.CHECKBOX, label="Meetings", required=False)
    roles = question(event, Question.Kind.MULTIPLE, label="Roles", required=False)
    registration = register(
        event,
        answers={
            str(topics.pk): "",
            str(meetings.pk): True,
            str(roles.pk): ["Partner", "Observer"],
        },
    )
    with django_assert_num_queries(1):
        shown = registration_answers_display(registration=registration)
    assert shown == [("Meetings", "Yes"), ("Roles", "Partner, Observer")]


def test_cancel_from_the_ticket_page_needs_confirmation(client):
    event = quick_event(capacity=1)
    first = register(event)
    waiting = register(event)

    page = client.get(url("ticket_cancel", first.ticket_code)).content.decode()
    assert 'name="confirm"' in page
    client.post(url("ticket_cancel", first.ticket_code), {})  # not ticked: nothing happens
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED

    response = client.post(url("ticket_cancel", first.ticket_code), {"confirm": "1"}, follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED  # promoted in the same transaction

    response = client.post(url("ticket_cancel", first.ticket_code), {"confirm": "1"}, follow=True)
    assert "already cancelled" in response.content.decode()
    assert client.get(url("ticket_cancel", first.ticket_code)).status_code == 200


def test_a_past_event_cannot_be_cancelled_from_the_ticket(client):
    event = quick_event()
    registration = register(event)
    event.starts_at = timezone.now() - datetime.timedelta(days=2)
    event.ends_at = timezone.now() - datetime.timedelta(days=1)
    event.save(update_fields=["starts_at", "ends_at"])
    assert (
        'name="confirm"'
        not in client.get(url("ticket_cancel", registration.ticket_code)).content.decode()
    )
    response = client.post(
        url("ticket_cancel", registration.ticket_code), {"confirm": "1"}, follow=True
    )
    assert "This event is over" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_pages_in_russian(client):
    event = quick_event()
    registration = register(event)
    response = client.get(url("ticket", registration.ticket_code, language="ru"))
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


# -- personal data and demo --------------------------------------------------------------------


def test_personal_data_export_and_erase_promote_the_waiting_list(
    django_capture_on_commit_callbacks, monkeypatch
):
    from portal.accounts.services import user_delete, user_export

    capture_tasks(monkeypatch, run=False)
    event = quick_event(capacity=1)
    asked = question(event, Question.Kind.TEXT, label="Topics")
    leaving = attendee()
    mine = register(event, leaving, answers={str(asked.pk): "optics"})
    waiting = register(event)

    exported = user_export(user=leaving)["sections"]["events"]
    assert exported["registrations"][0]["event_slug"] == event.slug
    assert exported["registrations"][0]["answers"] == [{"question": "Topics", "answer": "optics"}]
    assert exported["registrations"][0]["status"] == "confirmed"
    assert user_export(user=event.organisers.get())["sections"]["events"]["organised_events"] == [
        event.slug
    ]

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=leaving)
    assert not Registration.objects.filter(pk=mine.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert notified("promoted") == [waiting.pk]


def test_demo_events_are_idempotent_and_cover_every_status():
    from events.demo import seed_events
    from portal.accounts.demo import seed_users

    seed_users(scale=1)
    created = seed_events(scale=1)
    assert created > 0
    events = Event.objects.filter(status=Event.Status.PUBLISHED)
    assert set(events.values_list("type", flat=True)) == set(Event.Type.values)
    now = timezone.now()
    assert events.filter(starts_at__lt=now).exists()
    assert events.filter(starts_at__gt=now).exists()
    assert set(Registration.objects.values_list("status", flat=True)) == set(Status.values)
    # bilingual: a title in each language, not both languages in one title
    for title_en, title_ru in events.values_list("title_en", "title_ru"):
        assert " / " not in title_en + title_ru
        assert script_language(title_en) == "en"
        assert script_language(title_ru) == "ru"
    for event in events:
        if event.capacity is not None:
            assert seats_taken(event) <= event.capacity
    counts = (Event.objects.count(), Registration.objects.count())
    assert seed_events(scale=1) == 0
    assert (Event.objects.count(), Registration.objects.count()) == counts


def test_events_register_their_seeder_and_personal_data_section():
    from django.utils.module_loading import import_string

    from events.demo import seed_events
    from portal.accounts import personal_data
    from portal.pages.demo import seeders

    seeder = {s.key: s for s in seeders()}["events"]
    assert import_string(seeder.path) is seed_events
    assert seeder.order == 30
    assert "events" in {section.key for section in personal_data.sections()}


def test_organisers_see_nothing_of_another_events_attendees():
    mine = quick_event()
    theirs = quick_event()
    registration = register(theirs)
    with pytest.raises(PermissionDenied):
        registration_approve(registration=registration, by=attendee(roles=(Role.EVENT_ORGANISER,)))
    with pytest.raises(PermissionDenied):
        registration_create_by_organiser(
            event=theirs, email="a@example.org", name="A", by=mine.organisers.get()
        )
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert not Registration.objects.filter(email="a@example.org").exists()


def test_register_page_loads_the_questions_as_saved_in_their_order(django_assert_num_queries):
    """The questions come with the event row (one query on PostgreSQL): every field as saved,
    in position order, and their event costs no query."""
    from events.selectors.events import event_get_for_registration

    event = quick_event(capacity=5)
    later = question(event, Question.Kind.MULTIPLE, position=2, required=True, label="Тема «A»")
    first = question(event, Question.Kind.TEXT, position=1, help_text='Say "hi" & more')
    ticked = question(event, Question.Kind.CHECKBOX, position=2)
    other = quick_event(capacity=5, slug="another-event")
    question(other, Question.Kind.TEXT)

    with django_assert_num_queries(1):
        loaded = event_get_for_registration(slug=event.slug)
    assert loaded is not None
    questions = loaded.questions
    with django_assert_num_queries(0):
        assert [q.event is loaded.event for q in questions] == [True, True, True]
    fields = [f.attname for f in Question._meta.concrete_fields]
    expected = [first, later, ticked]  # position, then id
    assert [q.pk for q in questions] == [q.pk for q in expected]
    for got, saved in zip(questions, expected, strict=True):
        saved.refresh_from_db()
        assert [getattr(got, f) for f in fields] == [getattr(saved, f) for f in fields]
    assert questions[1].choices == ["Coordinator", "Partner", "Observer"]
    assert event_get_for_registration(slug="no-such-event") is None

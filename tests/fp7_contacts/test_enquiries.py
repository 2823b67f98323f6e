"""Enquiries: routed by the directory's rule, mailed to the point's staff through the outbox,
answered, reassigned, closed; overdue reminders once a day; bad input never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fp7_contacts import notifications
from fp7_contacts.models import ContactPoint, Enquiry
from fp7_contacts.services import enquiries as services
from portal.errors import StateError
from tests.accounts.factories import PASSWORD, UserFactory
from tests.fp7_contacts.factories import make_point, ncp_staff, site_staff, subject, theme
from tests.mail.outbox import queued, send_queued

pytestmark = pytest.mark.django_db

NATIONAL = ContactPoint.Kind.NATIONAL


@pytest.fixture
def people():
    return {
        "researcher": UserFactory(email="researcher@example.org"),
        "tomsk_staff": ncp_staff("tomsk.staff@example.org"),
        "siberia_staff": ncp_staff("siberia.staff@example.org"),
        "central_staff": ncp_staff("central.staff@example.org"),
    }


@pytest.fixture
def network(people):
    return {
        "tomsk": make_point(
            code="rcp-tomsk", subjects=("RU-TOM",), themes=("ICT",), staff=(people["tomsk_staff"],)
        ),
        "siberia": make_point(
            code="rcp-siberia", districts=("SIBFD",), staff=(people["siberia_staff"],)
        ),
        "central": make_point(
            code="rcp-central", districts=("CFD",), staff=(people["central_staff"],)
        ),
        "ncp_ict": make_point(code="ncp-ict", kind=NATIONAL, themes=("ICT",)),
    }


def ask(people, code: str = "RU-TOM", theme_code: str = "ICT") -> Enquiry:
    return services.enquiry_create(
        author=people["researcher"],
        subject=subject(code),
        theme=theme(theme_code),
        title="Consortium rules",
        question="May a Russian SME coordinate an ICT project?",
    )


def test_routed_to_the_subject_point_and_its_staff_mailed(people, network) -> None:
    enquiry = ask(people)
    assert enquiry.point == network["tomsk"]
    assert enquiry.routed_by == Enquiry.RoutedBy.SUBJECT
    rows = queued(notifications.KIND_ENQUIRY_NEW)
    assert [r.to_email for r in rows] == ["tomsk.staff@example.org"]
    assert send_queued() == 1
    assert mail.outbox[0].to == ["tomsk.staff@example.org"]
    assert f"/contacts/enquiries/{enquiry.pk}/" in mail.outbox[0].body


def test_routed_to_the_district_when_the_subject_point_lacks_the_theme(people, network) -> None:
    enquiry = ask(people, theme_code="HEALTH")
    assert enquiry.point == network["siberia"]
    assert enquiry.routed_by == Enquiry.RoutedBy.DISTRICT


def test_answer_reaches_the_researcher_by_mail_and_page(client: Client, people, network) -> None:
    enquiry = ask(people)
    services.enquiry_answer(enquiry=enquiry, by=people["tomsk_staff"], text="Yes, it may.")
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED
    assert enquiry.first_answered_at is not None
    send_queued()
    answer = [m for m in mail.outbox if m.to == ["researcher@example.org"]]
    assert len(answer) == 1
    assert "Yes, it may." in answer[0].body
    client.login(email="researcher@example.org", password=PASSWORD)
    assert "Yes, it may." in client.get(f"/en/contacts/enquiries/{enquiry.pk}/").content.decode()


def test_staff_of_another_point_can_neither_answer_nor_see(client: Client, people, network) -> None:
    enquiry = ask(people)
    with pytest.raises(PermissionDenied):
        services.enquiry_answer(enquiry=enquiry, by=people["central_staff"], text="Hijack")
    with pytest.raises(PermissionDenied):
        services.enquiry_reassign(
            enquiry=enquiry, by=people["central_staff"], point=network["central"], note="mine"
        )
    with pytest.raises(PermissionDenied):
        services.enquiry_status_set(enquiry=enquiry, by=people["central_staff"], status="closed")
    client.login(email="central.staff@example.org", password=PASSWORD)
    assert client.get(f"/en/contacts/enquiries/{enquiry.pk}/").status_code == 403
    response = client.post(
        f"/en/contacts/enquiries/{enquiry.pk}/", {"action": "answer", "answer-text": "Forged"}
    )
    assert response.status_code == 403
    assert enquiry.messages.count() == 0
    queue = client.get("/en/contacts/enquiries/").content.decode()
    assert "Consortium rules" not in queue


def test_reassign_moves_it_and_tells_the_new_point(people, network) -> None:
    enquiry = ask(people)
    services.enquiry_reassign(
        enquiry=enquiry, by=people["tomsk_staff"], point=network["siberia"], note="Yours"
    )
    enquiry.refresh_from_db()
    assert enquiry.point == network["siberia"]
    assert enquiry.routed_by == Enquiry.RoutedBy.REASSIGNED
    # the old point's staff lose it, the new point's staff may answer
    with pytest.raises(PermissionDenied):
        services.enquiry_answer(enquiry=enquiry, by=people["tomsk_staff"], text="Late")
    services.enquiry_answer(enquiry=enquiry, by=people["siberia_staff"], text="Done")
    send_queued()
    recipients = [m.to[0] for m in mail.outbox]
    # the first "new" mail to Tomsk is not sent any more once the enquiry moved on
    assert "siberia.staff@example.org" in recipients
    assert "tomsk.staff@example.org" not in recipients


def test_reassign_needs_a_note_and_another_active_point(people, network) -> None:
    enquiry = ask(people)
    with pytest.raises(ValidationError):
        services.enquiry_reassign(
            enquiry=enquiry, by=people["tomsk_staff"], point=network["siberia"], note="  "
        )
    with pytest.raises(ValidationError):
        services.enquiry_reassign(
            enquiry=enquiry, by=people["tomsk_staff"], point=network["tomsk"], note="same"
        )


def test_closed_enquiry_cannot_be_answered(people, network) -> None:
    enquiry = ask(people)
    services.enquiry_status_set(enquiry=enquiry, by=people["researcher"], status="closed")
    with pytest.raises(StateError) as error:
        services.enquiry_answer(enquiry=enquiry, by=people["tomsk_staff"], text="Too late")
    assert error.value.code == "closed"


def test_researcher_may_only_close(people, network) -> None:
    enquiry = ask(people)
    with pytest.raises(PermissionDenied):
        services.enquiry_status_set(enquiry=enquiry, by=people["researcher"], status="in_progress")
    with pytest.raises(PermissionDenied):
        services.enquiry_answer(enquiry=enquiry, by=people["researcher"], text="Self answer")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "theme": "ICT"}, "Choose your region"),
        ({"subject": "RU-XX", "theme": "ICT"}, "There is no such federal subject"),
        ({"subject": "RU-TOM", "theme": "ICT", "question": "x" * 100_000}, "at most 5000"),
    ],
)
def test_bad_enquiries_get_a_message_and_nothing_is_saved(
    client: Client, people, network, data, message
) -> None:
    client.login(email="researcher@example.org", password=PASSWORD)
    post = {"title": "T", "question": "Q", **data}
    response = client.post("/en/contacts/enquiries/new/", post)
    assert response.status_code == 200
    assert message in response.content.decode().replace("5,000", "5000")
    assert Enquiry.objects.count() == 0


def test_html_in_every_field_is_shown_as_text(client: Client, people, network) -> None:
    payload = '<script>alert("x")</script><b>bold</b>'
    enquiry = services.enquiry_create(
        author=people["researcher"],
        subject=subject("RU-TOM"),
        theme=theme("ICT"),
        title=payload,
        question=payload,
    )
    services.enquiry_answer(enquiry=enquiry, by=people["tomsk_staff"], text=payload)
    for who in ("researcher@example.org", "tomsk.staff@example.org"):
        client.login(email=who, password=PASSWORD)
        body = client.get(f"/en/contacts/enquiries/{enquiry.pk}/").content.decode()
        assert payload not in body
        assert "&lt;script&gt;" in body


def test_service_refuses_no_region_and_a_huge_question(people, network) -> None:
    with pytest.raises(ValidationError) as error:
        services.enquiry_create(
            author=people["researcher"], subject=None, theme=theme("ICT"), title="T", question="Q"
        )
    assert "subject" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.enquiry_create(
            author=people["researcher"],
            subject=subject("RU-TOM"),
            theme=theme("ICT"),
            title="T",
            question="x" * 100_000,
        )
    assert error.value.error_dict["question"][0].code == "max_length"


def test_overdue_reminded_once_a_day(people, network, settings) -> None:
    settings.FP7_ENQUIRY_ANSWER_WORKING_DAYS = 3
    enquiry = ask(people)
    answered = ask(people)
    services.enquiry_answer(enquiry=answered, by=people["tomsk_staff"], text="Quick")
    monday = datetime.date(2026, 11, 30)
    asked = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
    Enquiry.objects.filter(pk__in=[enquiry.pk, answered.pk]).update(created_at=asked)
    Enquiry.objects.filter(pk=answered.pk).update(
        first_answered_at=asked + datetime.timedelta(hours=1)
    )
    # Thursday: three working days after Monday, not yet overdue
    assert services.enquiries_remind_overdue(today=monday + datetime.timedelta(days=3)) == 0
    # Friday: overdue; reminded once, however often the task runs that day
    friday = monday + datetime.timedelta(days=4)
    assert services.enquiries_remind_overdue(today=friday) == 1
    assert services.enquiries_remind_overdue(today=friday) == 0
    rows = queued(notifications.KIND_ENQUIRY_OVERDUE)
    assert [(r.about_id, r.to_email) for r in rows] == [(enquiry.pk, "tomsk.staff@example.org")]
    # the weekend does not count; Monday again
    assert services.enquiries_remind_overdue(today=friday + datetime.timedelta(days=3)) == 1


def test_working_days() -> None:
    from fp7_contacts.deadlines import working_days_after

    friday = datetime.date(2026, 12, 4)
    assert working_days_after(friday, friday + datetime.timedelta(days=3)) == 1  # Monday
    assert working_days_after(friday, friday + datetime.timedelta(days=14)) == 10


def test_unrouted_enquiry_is_in_the_site_staff_queue(client: Client, people, network) -> None:
    enquiry = ask(people, code="RU-MOW", theme_code="SPACE")
    ContactPoint.objects.filter(code="rcp-central").update(active=False)
    unrouted = ask(people, code="RU-MOW", theme_code="SPACE")
    assert unrouted.point is None
    assert unrouted.routed_by == Enquiry.RoutedBy.NONE
    staff = site_staff()
    client.force_login(staff)
    body = client.get("/en/contacts/enquiries/").content.decode()
    assert body.count("Consortium rules") >= 2
    services.enquiry_reassign(enquiry=unrouted, by=staff, point=network["siberia"], note="Try")
    unrouted.refresh_from_db()
    assert unrouted.point == network["siberia"]
    assert enquiry.point == network["central"]

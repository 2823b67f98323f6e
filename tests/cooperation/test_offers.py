"""Cooperation offers: drafting, review by site or NCP staff, expiry and reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from cooperation import tasks
from cooperation.models import CooperationOffer
from cooperation.services.offers import (
    WorkflowError,
    add_months,
    offer_close,
    offer_publish,
    offer_return_to_draft,
)
from portal.mail.models import OutgoingMail
from portal.reference.models import ThematicPriority
from tests.cooperation.factories import (
    FundingCallFactory,
    MemberOrganisationFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    country,
    ncp_staff_user,
    quick_user,
    site_staff_user,
)
from tests.mail.outbox import queued, send_queued

pytestmark = pytest.mark.django_db

Status = CooperationOffer.Status


def _payload(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": CooperationOffer.Type.TECH_OFFER,
        "title_ru": "Лазерная резка композитов 🔦",
        "summary_ru": "Мы предлагаем технологию лазерной резки углепластика.",
        "description_ru": "Подробности: 1 кВт, волоконный лазер.",
        "organisation": "",
        "themes": [ThematicPriority.objects.get(code="NMP").pk],
        "sought_countries": [country("DE").pk, country("FI").pk],
        "sought_organisation_types": ["sme", "university"],
        "sought_role": CooperationOffer.PartnerRole.LICENSEE,
        "call": "",
        "expires_on": "",
    }
    data.update(changes)
    return data


def _today() -> datetime.date:
    return timezone.localdate()


# --- Drafting -----------------------------------------------------------------------------------


def test_offer_pages_require_login(client):
    assert client.get(reverse("cooperation:offer_create")).status_code == 302
    assert client.get(reverse("cooperation:my_offers")).status_code == 302
    assert client.get(reverse("cooperation:review_queue")).status_code == 302


def test_author_creates_a_draft_with_cyrillic_and_emoji(client):
    author = quick_user()
    organisation = MemberOrganisationFactory(member=author)
    client.force_login(author)

    response = client.post(
        reverse("cooperation:offer_create"), _payload(organisation=organisation.pk)
    )

    offer = CooperationOffer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cooperation:offer_edit", kwargs={"pk": offer.pk})
    assert offer.author == author
    assert offer.status == Status.DRAFT
    assert offer.title == "Лазерная резка композитов 🔦"
    assert offer.organisation == organisation
    assert offer.sought_organisation_types == ["sme", "university"]
    assert sorted(c.code for c in offer.sought_countries.all()) == ["DE", "FI"]
    assert offer.expires_on is None
    assert "Лазерная" in offer.search_names


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title_ru": "t" * 201}, "title_ru"),
        ({"summary_ru": "s" * 601}, "summary_ru"),
        ({"title_ru": ""}, "title_en"),
        ({"summary_ru": "  "}, "summary_en"),
        ({"type": "barter"}, "type"),
        ({"sought_organisation_types": ["castle"]}, "sought_organisation_types"),
        ({"sought_countries": ["999999"]}, "sought_countries"),
        ({"call": "999999"}, "call"),
        ({"organisation": "abc"}, "organisation"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": "not a date"}, "expires_on"),
    ],
)
def test_bad_input_is_refused(client, changes, field):
    client.force_login(quick_user())

    response = client.post(reverse("cooperation:offer_create"), _payload(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not CooperationOffer.objects.exists()


def test_an_offer_names_only_one_of_the_authors_organisations(client):
    someone_elses = MemberOrganisationFactory()
    client.force_login(quick_user())

    response = client.post(
        reverse("cooperation:offer_create"), _payload(organisation=someone_elses.pk)
    )

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_a_closed_call_cannot_be_linked(client):
    closed = FundingCallFactory(deadlines=[timezone.now() - datetime.timedelta(days=1)])
    client.force_login(quick_user())

    response = client.post(reverse("cooperation:offer_create"), _payload(call=closed.pk))

    assert response.status_code == 200
    assert "call" in response.context["form"].errors


def test_author_edits_a_draft_and_others_cannot(client):
    offer = WorkflowOfferFactory(status=Status.DRAFT, title="Original")
    url = reverse("cooperation:offer_edit", kwargs={"pk": offer.pk})

    client.force_login(quick_user())
    assert client.get(url).status_code == 403
    assert client.post(url, _payload(title_ru="Hijacked")).status_code == 403

    client.force_login(offer.author)
    assert client.get(url).status_code == 200
    response = client.post(url, _payload(title_ru="Исправлено"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Исправлено"


def test_unknown_offer_ids_are_404(client):
    client.force_login(site_staff_user())
    for name in ("offer_edit", "offer_review", "offer_interest"):
        assert client.get(reverse(f"cooperation:{name}", kwargs={"pk": 987654})).status_code == 404
    for name in ("offer_submit", "offer_close"):
        assert client.post(reverse(f"cooperation:{name}", kwargs={"pk": 987654})).status_code == 404


def test_a_submitted_offer_cannot_be_edited(client):
    offer = WorkflowOfferFactory(status=Status.SUBMITTED, title="Under review")
    client.force_login(offer.author)

    response = client.post(
        reverse("cooperation:offer_edit", kwargs={"pk": offer.pk}),
        _payload(title="Sneaky change"),
        follow=True,
    )

    assert "Only a draft offer can be edited." in response.content.decode()
    offer.refresh_from_db()
    assert offer.title == "Under review"


# --- Workflow -----------------------------------------------------------------------------------


def test_submit_then_submitting_again_is_refused_with_a_message(client):
    offer = WorkflowOfferFactory(status=Status.DRAFT)
    client.force_login(offer.author)
    url = reverse("cooperation:offer_submit", kwargs={"pk": offer.pk})

    assert client.get(url).status_code == 405
    client.post(url)
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED
    assert offer.submitted_at is not None
    submitted_at = offer.submitted_at

    response = client.post(url, follow=True)

    assert "Only a draft offer can be submitted for review." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED
    assert offer.submitted_at == submitted_at


def test_only_the_author_submits(client):
    offer = WorkflowOfferFactory(status=Status.DRAFT)
    client.force_login(quick_user())
    assert (
        client.post(reverse("cooperation:offer_submit", kwargs={"pk": offer.pk})).status_code == 403
    )
    offer.refresh_from_db()
    assert offer.status == Status.DRAFT


@pytest.mark.parametrize("make_reviewer", [site_staff_user, ncp_staff_user])
def test_site_and_ncp_staff_review_and_publish(client, make_reviewer):
    reviewer = make_reviewer()
    offer = WorkflowOfferFactory(status=Status.SUBMITTED, title="Ждёт проверки")
    client.force_login(reviewer)

    queue = client.get(reverse("cooperation:review_queue"))
    assert queue.status_code == 200
    assert "Ждёт проверки" in queue.content.decode()
    page = client.get(reverse("cooperation:offer_review", kwargs={"pk": offer.pk}))
    assert page.status_code == 200

    response = client.post(
        reverse("cooperation:offer_review", kwargs={"pk": offer.pk}), {"decision": "publish"}
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Status.PUBLISHED
    assert offer.reviewed_by == reviewer
    assert offer.published_at is not None
    assert offer.expires_on == add_months(_today(), 12)


def test_researchers_cannot_review(client):
    offer = WorkflowOfferFactory(status=Status.SUBMITTED)
    client.force_login(quick_user())

    assert client.get(reverse("cooperation:review_queue")).status_code == 403
    url = reverse("cooperation:offer_review", kwargs={"pk": offer.pk})
    assert client.post(url, {"decision": "publish"}).status_code == 403
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED


def test_authors_cannot_review_their_own_offer(client):
    author = ncp_staff_user()
    offer = WorkflowOfferFactory(author=author, status=Status.SUBMITTED, title="Mine")
    client.force_login(author)

    queue = client.get(reverse("cooperation:review_queue")).content.decode()
    assert reverse("cooperation:offer_review", kwargs={"pk": offer.pk}) not in queue
    url = reverse("cooperation:offer_review", kwargs={"pk": offer.pk})
    assert client.post(url, {"decision": "publish"}).status_code == 403
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        offer_publish(offer=offer, reviewer=author)


def test_return_to_draft_needs_a_comment_which_is_mailed_to_the_author(client, mailoutbox):
    offer = WorkflowOfferFactory(status=Status.SUBMITTED)
    client.force_login(site_staff_user())
    url = reverse("cooperation:offer_review", kwargs={"pk": offer.pk})

    response = client.post(url, {"decision": "return", "comment": "   "})

    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED

    response = client.post(url, {"decision": "return", "comment": "Добавьте бюджет, please."})

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    # The notification is in the outbox; send it here as the worker would.
    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [offer.author.email]
    assert "Добавьте бюджет, please." in mailoutbox[0].body


def test_publishing_an_offer_that_is_not_submitted_is_refused(client):
    offer = WorkflowOfferFactory(status=Status.DRAFT)
    client.force_login(site_staff_user())

    response = client.post(
        reverse("cooperation:offer_review", kwargs={"pk": offer.pk}),
        {"decision": "publish"},
        follow=True,
    )

    assert "Only an offer submitted for review can be published." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert offer.published_at is None


def test_return_to_draft_of_a_published_offer_is_refused():
    offer = WorkflowOfferFactory()
    with pytest.raises(WorkflowError) as caught:
        offer_return_to_draft(offer=offer, reviewer=site_staff_user(), comment="No")
    assert caught.value.code == "not_submitted"
    offer.refresh_from_db()
    assert offer.status == Status.PUBLISHED


def test_author_closes_a_published_offer_once(client):
    offer = WorkflowOfferFactory()
    url = reverse("cooperation:offer_close", kwargs={"pk": offer.pk})

    client.force_login(quick_user())
    assert client.post(url).status_code == 403

    client.force_login(offer.author)
    response = client.post(url)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Status.CLOSED

    response = client.post(url, follow=True)
    assert "This offer is already closed or expired." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.CLOSED


# --- Expiry -------------------------------------------------------------------------------------


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 11, 15), 12) == datetime.date(2028, 11, 15)


def test_expiry_is_the_calls_deadline_when_that_comes_first():
    deadline = timezone.now() + datetime.timedelta(days=90)
    call = FundingCallFactory(deadlines=[deadline])

    offer = WorkflowOfferFactory(call=call)

    assert offer.expires_on == timezone.localdate(deadline)


def test_expiry_is_12_months_when_the_call_closes_later():
    call = FundingCallFactory(deadlines=[timezone.now() + datetime.timedelta(days=800)])

    offer = WorkflowOfferFactory(call=call)

    assert offer.expires_on == add_months(_today(), 12)


def test_an_earlier_expiry_chosen_by_the_author_stands():
    chosen = _today() + datetime.timedelta(days=40)

    offer = WorkflowOfferFactory(expires_on=chosen)

    assert offer.expires_on == chosen


def test_publishing_after_the_calls_deadline_is_refused():
    call = FundingCallFactory(deadlines=[timezone.now() + datetime.timedelta(days=5)])
    offer = WorkflowOfferFactory(call=call, status=Status.SUBMITTED)
    # Time passes: the call closes while the offer waits for review.
    call.closes_at = timezone.now() - datetime.timedelta(days=2)
    call.save(update_fields=["closes_at"])

    with pytest.raises(WorkflowError) as caught:
        offer_publish(offer=offer, reviewer=site_staff_user())
    assert caught.value.code == "expired"
    offer.refresh_from_db()
    assert offer.status == Status.SUBMITTED


def _set_expiry(offer: CooperationOffer, days_from_today: int) -> None:
    """Time passing: the offer now expires ``days_from_today`` days from today."""
    CooperationOffer.objects.filter(pk=offer.pk).update(
        expires_on=_today() + datetime.timedelta(days=days_from_today)
    )


def test_expiry_task_is_idempotent_and_spares_current_offers():
    past = WorkflowOfferFactory()
    _set_expiry(past, -1)
    last_day = WorkflowOfferFactory()
    _set_expiry(last_day, 0)
    draft = WorkflowOfferFactory(status=Status.DRAFT)

    assert tasks.offers_expire() == 1
    assert tasks.offers_expire() == 0

    states = dict(CooperationOffer.objects.values_list("pk", "status"))
    assert states == {
        past.pk: Status.EXPIRED,
        last_day.pk: Status.PUBLISHED,
        draft.pk: Status.DRAFT,
    }


def test_reminder_goes_once_14_days_ahead_in_the_authors_language(mailoutbox):
    russian = quick_user(preferred_language="ru")
    due = WorkflowOfferFactory(author=russian, title="Скоро истекает")
    _set_expiry(due, 14)
    later = WorkflowOfferFactory()
    _set_expiry(later, 15)
    english_due = WorkflowOfferFactory()
    _set_expiry(english_due, 3)
    closed = WorkflowOfferFactory(status=Status.DRAFT)
    _set_expiry(closed, 3)
    send_queued()  # the publication notices
    mailoutbox.clear()

    assert tasks.offers_send_expiry_reminders() == 2
    assert tasks.offers_send_expiry_reminders() == 0
    assert send_queued() == 2

    assert len(mailoutbox) == 2
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    mail = by_recipient[russian.email]
    assert mail.extra_headers["Content-Language"] == "ru"
    assert "Скоро истекает" in mail.subject
    expires = _today() + datetime.timedelta(days=14)
    # Rendered under translation.override("ru"): Django's own Russian date format and month name.
    from django.utils import formats, translation

    with translation.override("ru"):
        russian_date = formats.date_format(expires, "DATE_FORMAT")
    assert russian_date in mail.body
    assert "/ru/" in mail.body
    assert by_recipient[english_due.author.email].extra_headers["Content-Language"] == "en"
    due.refresh_from_db()
    assert due.expiry_reminder_sent_at is not None
    later.refresh_from_db()
    assert later.expiry_reminder_sent_at is None


def test_a_reminder_is_queued_once_and_the_outbox_retries_it(mailoutbox, monkeypatch):
    offer = WorkflowOfferFactory()
    _set_expiry(offer, 5)

    def down(self: EmailBackend, messages: list[EmailMessage]) -> int:
        raise ConnectionRefusedError("SMTP server down")

    assert tasks.offers_send_expiry_reminders() == 1
    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", down)
        assert send_queued() == 0
    offer.refresh_from_db()
    assert offer.expiry_reminder_sent_at is not None
    assert tasks.offers_send_expiry_reminders() == 0  # recorded with the queued mail
    (row,) = queued("cooperation.offer_expiry_reminder")
    assert row.status == OutgoingMail.Status.PENDING
    assert "SMTP server down" in row.last_error

    OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert send_queued() == 1
    assert len(mailoutbox) == 1


def test_publication_notice_goes_to_the_author(mailoutbox):
    offer = WorkflowOfferFactory(status=Status.SUBMITTED)
    offer_publish(offer=offer, reviewer=site_staff_user())

    assert send_queued() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [offer.author.email]

    # A stale notice (the offer changed before the outbox got to it) sends nothing.
    other = WorkflowOfferFactory(status=Status.SUBMITTED)
    offer_publish(offer=other, reviewer=site_staff_user())
    offer_close(offer=other, user=other.author)
    assert send_queued() == 0
    (row,) = [r for r in queued("cooperation.offer_published") if r.about_id == other.pk]
    assert row.status == OutgoingMail.Status.CANCELLED
    assert len(mailoutbox) == 1


# --- Query counts -------------------------------------------------------------------------------


def _fill_queue(n: int) -> None:
    for _ in range(n):
        organisation = MemberOrganisationFactory()
        call = FundingCallFactory(deadlines=[timezone.now() + datetime.timedelta(days=60)])
        WorkflowOfferFactory(
            author=organisation.members.get(),
            organisation=organisation,
            call=call,
            status=Status.SUBMITTED,
        )
        MemberOrganisationFactory(published=False)


@pytest.mark.parametrize("rows", [2, 6])
def test_review_queue_query_count_is_constant(client, django_assert_num_queries, rows):
    _fill_queue(rows)
    client.force_login(site_staff_user())

    # session, user with its roles (portal.accounts.backends), submitted offers (joined), draft
    # organisations (joined)
    with django_assert_num_queries(4):
        response = client.get(reverse("cooperation:review_queue"))

    assert response.status_code == 200
    assert len(response.context["offers"]) == rows
    assert len(response.context["organisations"]) == rows


@pytest.mark.parametrize("rows", [2, 6])
def test_my_offers_query_count_is_constant(client, django_assert_num_queries, rows):
    author = quick_user()
    organisation = MemberOrganisationFactory(member=author)
    for _ in range(rows):
        offer = WorkflowOfferFactory(author=author, organisation=organisation)
        SentInterestFactory(offer=offer)
        SentInterestFactory(sender=author)
    client.force_login(author)

    # session, user, offers with interest counts, interests received, interests sent
    with django_assert_num_queries(5):
        response = client.get(reverse("cooperation:my_offers"))

    assert response.status_code == 200
    offers = response.context["offers"]
    assert len(offers) == rows
    assert all(o.interest_count == 1 and o.pending_interest_count == 1 for o in offers)
    assert len(response.context["received"]) == rows
    assert len(response.context["sent"]) == rows

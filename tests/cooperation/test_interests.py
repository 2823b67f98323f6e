"""Expressions of interest: one per sender and offer, decided by the author, contacts on accept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperation.models import CooperationOffer, ExpressionOfInterest
from cooperation.services.interests import interest_accept, interest_create, interest_decline
from cooperation.services.offers import WorkflowError
from portal.mail import tasks as mail_tasks
from tests.cooperation.factories import (
    MemberOrganisationFactory,
    SentInterestFactory,
    WorkflowOfferFactory,
    quick_user,
)
from tests.mail.outbox import queued, send_queued

pytestmark = pytest.mark.django_db

Status = ExpressionOfInterest.Status


def _interest_url(offer: CooperationOffer) -> str:
    return reverse("cooperation:offer_interest", kwargs={"pk": offer.pk})


def _detail_url(interest: ExpressionOfInterest) -> str:
    return reverse("cooperation:interest_detail", kwargs={"pk": interest.pk})


def test_user_expresses_interest_on_behalf_of_their_organisation(client):
    offer = WorkflowOfferFactory()
    sender = quick_user()
    organisation = MemberOrganisationFactory(member=sender)
    client.force_login(sender)

    assert client.get(_interest_url(offer)).status_code == 200
    response = client.post(
        _interest_url(offer),
        {"message": "Привет! Мы хотим участвовать 🤝", "sender_organisation": organisation.pk},
    )

    interest = ExpressionOfInterest.objects.get()
    assert response.status_code == 302
    assert response.url == _detail_url(interest)
    assert interest.sender == sender
    assert interest.sender_organisation == organisation
    assert interest.message == "Привет! Мы хотим участвовать 🤝"
    assert interest.status == Status.PENDING


def test_interest_needs_login(client):
    offer = WorkflowOfferFactory()
    response = client.post(_interest_url(offer), {"message": "Hello"})
    assert response.status_code == 302
    assert not ExpressionOfInterest.objects.exists()


def test_interest_in_your_own_offer_is_refused(client):
    offer = WorkflowOfferFactory()
    client.force_login(offer.author)

    response = client.post(_interest_url(offer), {"message": "Me, myself"}, follow=True)

    assert "You cannot express interest in your own offer." in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()
    with pytest.raises(ValidationError) as caught:
        interest_create(offer=offer, sender=offer.author, message="Me")
    assert caught.value.code == "own_offer"


def test_a_second_interest_in_the_same_offer_is_a_form_error(client):
    offer = WorkflowOfferFactory()
    sender = quick_user()
    client.force_login(sender)

    client.post(_interest_url(offer), {"message": "First"})
    response = client.post(_interest_url(offer), {"message": "Second"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You have already expressed interest in this offer."
    ]
    assert 'role="alert"' in response.content.decode()
    assert ExpressionOfInterest.objects.get().message == "First"
    # The page now points to the existing one instead of offering the form again.
    page = client.get(_interest_url(offer)).content.decode()
    assert _detail_url(ExpressionOfInterest.objects.get()) in page


def test_the_unique_constraint_is_turned_into_a_validation_error():
    """Two concurrent requests both pass any check; the database constraint decides."""
    interest = SentInterestFactory()
    with pytest.raises(ValidationError) as excinfo:
        interest_create(offer=interest.offer, sender=interest.sender, message="Again")
    assert excinfo.value.code == "duplicate"
    assert ExpressionOfInterest.objects.count() == 1


@pytest.mark.parametrize(
    "status", [CooperationOffer.Status.DRAFT, CooperationOffer.Status.SUBMITTED]
)
def test_interest_in_an_unpublished_offer_is_404(client, status):
    offer = WorkflowOfferFactory(status=status)
    client.force_login(quick_user())
    assert client.get(_interest_url(offer)).status_code == 404
    assert client.post(_interest_url(offer), {"message": "Hi"}).status_code == 404


def test_interest_in_an_expired_offer_is_refused():
    offer = WorkflowOfferFactory()
    assert offer.expires_on is not None
    CooperationOffer.objects.filter(pk=offer.pk).update(
        expires_on=offer.expires_on.replace(year=2000)
    )
    offer.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        interest_create(offer=offer, sender=quick_user(), message="Late")
    assert caught.value.code == "not_published"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": "m" * 4001}, "message"),
        ({"message": ""}, "message"),
        ({"message": "Hi", "sender_organisation": "999999"}, "sender_organisation"),
    ],
)
def test_bad_input_is_refused(client, data, field):
    offer = WorkflowOfferFactory()
    client.force_login(quick_user())

    response = client.post(_interest_url(offer), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ExpressionOfInterest.objects.exists()


def test_sender_organisation_must_be_one_of_theirs(client):
    offer = WorkflowOfferFactory()
    not_theirs = MemberOrganisationFactory()
    client.force_login(quick_user())

    response = client.post(
        _interest_url(offer), {"message": "Hi", "sender_organisation": not_theirs.pk}
    )

    assert response.status_code == 200
    assert "sender_organisation" in response.context["form"].errors


def test_unknown_interest_ids_are_404(client):
    client.force_login(quick_user())
    assert (
        client.get(reverse("cooperation:interest_detail", kwargs={"pk": 987654})).status_code == 404
    )
    for name in ("interest_accept", "interest_decline"):
        assert client.post(reverse(f"cooperation:{name}", kwargs={"pk": 987654})).status_code == 404


def test_contacts_are_revealed_to_both_sides_only_on_acceptance(client):
    author = quick_user(email="author@example.org", name="Анна Автор")
    author_org = MemberOrganisationFactory(member=author, name="Institute of the Author")
    offer = WorkflowOfferFactory(author=author, organisation=author_org)
    sender = quick_user(email="sender@example.org", name="Sergei Sender")
    sender_org = MemberOrganisationFactory(member=sender, name="Sender University")
    interest = SentInterestFactory(offer=offer, sender=sender, sender_organisation=sender_org)

    client.force_login(author)
    page = client.get(_detail_url(interest)).content.decode()
    assert "sender@example.org" not in page
    assert "Sergei Sender" not in page
    assert "Sender University" not in page
    assert "Здравствуйте" in page  # the message itself is shown

    client.force_login(sender)
    page = client.get(_detail_url(interest)).content.decode()
    assert "author@example.org" not in page
    assert "Анна Автор" not in page
    # The sender cannot decide on their own interest.
    assert (
        client.post(reverse("cooperation:interest_accept", kwargs={"pk": interest.pk})).status_code
        == 403
    )

    client.force_login(author)
    response = client.post(reverse("cooperation:interest_accept", kwargs={"pk": interest.pk}))
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == Status.ACCEPTED
    assert interest.decided_at is not None

    page = client.get(_detail_url(interest)).content.decode()
    assert "sender@example.org" in page
    assert "Sergei Sender" in page
    assert "Sender University" in page

    client.force_login(sender)
    page = client.get(_detail_url(interest)).content.decode()
    assert "author@example.org" in page
    assert "Анна Автор" in page
    assert "Institute of the Author" in page


def test_third_parties_do_not_see_an_interest(client):
    interest = SentInterestFactory()
    client.force_login(quick_user())
    assert client.get(_detail_url(interest)).status_code == 404
    url = reverse("cooperation:interest_accept", kwargs={"pk": interest.pk})
    assert client.post(url).status_code == 404
    interest.refresh_from_db()
    assert interest.status == Status.PENDING


def test_decline_keeps_contacts_hidden_and_cannot_be_changed_afterwards(client):
    author = quick_user(email="author@example.org")
    interest = SentInterestFactory(
        offer=WorkflowOfferFactory(author=author),
        sender=quick_user(email="sender@example.org"),
    )
    client.force_login(author)

    client.post(reverse("cooperation:interest_decline", kwargs={"pk": interest.pk}))
    interest.refresh_from_db()
    assert interest.status == Status.DECLINED
    page = client.get(_detail_url(interest)).content.decode()
    assert "sender@example.org" not in page

    response = client.post(
        reverse("cooperation:interest_accept", kwargs={"pk": interest.pk}), follow=True
    )
    assert "This expression of interest has already been answered." in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == Status.DECLINED
    with pytest.raises(WorkflowError) as caught:
        interest_accept(interest=interest, user=author)
    assert caught.value.code == "answered"


def test_creating_an_interest_queues_the_notification_with_it_and_sends_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(mail_tasks.mail_send, "delay", lambda **kwargs: calls.append(kwargs))
    offer = WorkflowOfferFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        interest = interest_create(offer=offer, sender=quick_user(), message="Hello")
        assert calls == []  # nothing is enqueued before the transaction commits
        # ... but the mail is already in the outbox, in the interest's transaction
        (row,) = queued("cooperation.interest_received")
        assert (row.about_id, row.to_email) == (interest.pk, offer.author.email)
    for callback in callbacks:
        callback()

    assert calls == [{}]


def test_new_interest_mail_goes_to_the_author_in_their_language(mailoutbox):
    author = quick_user(preferred_language="ru")
    interest = SentInterestFactory(
        offer=WorkflowOfferFactory(author=author, title="Фотоника"),
        sender=quick_user(email="secret-sender@example.org"),
    )

    send_queued()

    (row,) = queued("cooperation.interest_received")
    (mail,) = [m for m in mailoutbox if m.extra_headers["Message-ID"] == row.message_id]
    assert mail.to == [author.email]
    assert mail.extra_headers["Content-Language"] == "ru"
    assert "Фотоника" in mail.subject
    assert f"/ru/interests/{interest.pk}/" in mail.body
    assert "secret-sender@example.org" not in mail.body


def test_decision_mails_go_to_the_sender_in_their_language(mailoutbox):
    english = SentInterestFactory(sender=quick_user(preferred_language="en"))
    russian = SentInterestFactory(sender=quick_user(preferred_language="ru"))
    send_queued()  # the authors' notices of the new interests
    mailoutbox.clear()
    # Pending: nothing to tell yet.
    assert queued("cooperation.interest_decided") == []
    interest_accept(interest=english, user=english.offer.author)
    interest_decline(interest=russian, user=russian.offer.author)

    assert send_queued() == 2
    assert send_queued() == 0

    accepted, declined = mailoutbox
    assert accepted.to == [english.sender.email]
    assert accepted.extra_headers["Content-Language"] == "en"
    assert "accepted" in accepted.subject
    assert declined.to == [russian.sender.email]
    assert declined.extra_headers["Content-Language"] == "ru"


def test_interest_page_query_count(client, django_assert_num_queries):
    sender = quick_user()
    interest = SentInterestFactory(
        offer=WorkflowOfferFactory(organisation=None),
        sender=sender,
        sender_organisation=MemberOrganisationFactory(member=sender),
    )
    interest_accept(interest=interest, user=interest.offer.author)
    client.force_login(interest.sender)

    # session, user, the interest with its offer, author, sender and organisations (joined)
    with django_assert_num_queries(3):
        response = client.get(_detail_url(interest))

    assert response.status_code == 200

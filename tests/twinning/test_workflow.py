"""The request workflow through the services: draft → submitted → published (or sent back with a
reason) → negotiation → matched → closed; withdrawal; expiry; the mails it sends."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cooperation.factories import ncp_staff_user, quick_user
from tests.mail.outbox import queued
from tests.twinning.factories import (
    draft_request,
    member_organisation,
    published_request,
    reviewer,
    sent_response,
)
from twinning import notifications, services
from twinning.models import Partnership, TwinningRequest, TwinningResponse
from twinning.services import WorkflowError

pytestmark = pytest.mark.django_db

Status = TwinningRequest.Status


def test_draft_submit_publish_notifies_the_author():
    request = draft_request()
    assert request.status == Status.DRAFT
    assert request.contact_person == request.author
    services.request_submit(request=request, user=request.author)
    services.request_publish(request=request, reviewer=ncp_staff_user())
    request.refresh_from_db()
    assert request.status == Status.PUBLISHED
    assert request.published_at is not None
    assert [m.to_email for m in queued(notifications.KIND_REQUEST_PUBLISHED)] == [
        request.author.email
    ]


def test_send_back_needs_a_reason_and_mails_it():
    request = draft_request()
    services.request_submit(request=request, user=request.author)
    with pytest.raises(ValidationError) as excinfo:
        services.request_send_back(request=request, reviewer=reviewer(), reason="  ")
    assert "reason" in excinfo.value.error_dict
    services.request_send_back(request=request, reviewer=reviewer(), reason="Add objectives.")
    request.refresh_from_db()
    assert request.status == Status.DRAFT
    assert request.review_reason == "Add objectives."
    [mail] = queued(notifications.KIND_REQUEST_RETURNED)
    assert mail.context["reason"] == "Add objectives."


def test_researchers_do_not_review_and_authors_do_not_review_their_own():
    request = draft_request()
    services.request_submit(request=request, user=request.author)
    with pytest.raises(PermissionDenied):
        services.request_publish(request=request, reviewer=quick_user())
    staff_author, organisation = member_organisation()
    staff_author.groups.add(*reviewer().groups.all())
    own = draft_request(author=staff_author, organisation=organisation)
    services.request_submit(request=own, user=staff_author)
    staff_author.forget_roles()
    with pytest.raises(PermissionDenied):
        services.request_publish(request=own, reviewer=staff_author)


def test_publishing_twice_is_a_workflow_error_with_a_code():
    request = published_request()
    with pytest.raises(WorkflowError) as excinfo:
        services.request_publish(request=request, reviewer=reviewer())
    assert excinfo.value.code == "not_submitted"


def test_only_a_draft_is_edited():
    request = published_request()
    with pytest.raises(WorkflowError) as excinfo:
        services.request_update(
            request=request,
            user=request.author,
            title_en="New",
            objectives_en="x",
            activities=["training"],
            partner_side="ru",
            response_deadline=request.response_deadline,
        )
    assert excinfo.value.code == "not_draft"


def test_outsiders_cannot_submit_or_withdraw():
    request = draft_request()
    with pytest.raises(PermissionDenied):
        services.request_submit(request=request, user=quick_user())
    with pytest.raises(PermissionDenied):
        services.request_withdraw(request=request, user=quick_user())


def test_shortlist_negotiation_accept_matched_partnership_and_close():
    request = published_request()
    first, second = sent_response(request), sent_response(request)
    services.response_shortlist(response=first, user=request.author)
    request.refresh_from_db()
    assert request.status == Status.NEGOTIATION
    partnership = services.response_accept(response=first, user=request.author)
    request.refresh_from_db()
    first.refresh_from_db()
    assert request.status == Status.MATCHED
    assert first.status == TwinningResponse.Status.ACCEPTED
    assert partnership.requesting_organisation_id == request.organisation_id
    assert partnership.partner_organisation_id == first.organisation_id
    assert partnership.activities == request.activities
    # as many partners as sought: no second acceptance
    with pytest.raises(WorkflowError) as excinfo:
        services.response_accept(response=second, user=request.author)
    assert excinfo.value.code == "full"
    services.response_decline(response=second, user=request.author)
    decided = queued(notifications.KIND_RESPONSE_DECIDED)
    assert [m.context["status"] for m in decided] == ["shortlisted", "accepted", "declined"]
    assert [m.to_email for m in queued(notifications.KIND_PARTNER_ACCEPTED)] == [
        request.author.email
    ]
    services.request_close(request=request, user=request.author)
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    assert Partnership.objects.filter(request=request).count() == 1


def test_accepting_on_someone_elses_request_is_refused():
    request = published_request()
    response = sent_response(request)
    with pytest.raises(PermissionDenied):
        services.response_accept(response=response, user=response.author)
    with pytest.raises(PermissionDenied):
        services.response_accept(response=response, user=quick_user())
    assert not Partnership.objects.exists()


def test_another_member_of_the_requesting_organisation_decides_too():
    request = published_request()
    colleague = quick_user()
    request.organisation.members.add(colleague)
    response = sent_response(request)
    services.response_accept(response=response, user=colleague)
    assert Partnership.objects.filter(response=response).exists()


def test_withdraw_from_any_open_state_but_not_twice():
    request = published_request()
    services.request_withdraw(request=request, user=request.author)
    assert TwinningRequest.objects.get(pk=request.pk).status == Status.WITHDRAWN
    with pytest.raises(WorkflowError):
        services.request_withdraw(request=request, user=request.author)


def test_expiry_is_idempotent_and_only_for_published_requests():
    expired = published_request()
    negotiated = published_request()
    services.response_shortlist(response=sent_response(negotiated), user=negotiated.author)
    later = expired.response_deadline + datetime.timedelta(days=1)
    assert services.requests_expire(today=later) == 1
    assert services.requests_expire(today=later) == 0
    assert TwinningRequest.objects.get(pk=expired.pk).status == Status.EXPIRED
    assert TwinningRequest.objects.get(pk=negotiated.pk).status == Status.NEGOTIATION
    assert services.requests_expire(today=timezone.localdate()) == 0


def test_the_beat_task_is_registered_and_runs():
    from portal import schedule
    from twinning.tasks import requests_expire

    assert "twinning.tasks.requests_expire" in {t.task for t in schedule.tasks()}
    assert requests_expire() == 0

"""What twinning contributes through the portal's registries: fit alerts (once per request and
organisation), personal data, the newsletter digest and the monitoring figures."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.personal_data import export
from portal.monitoring import figures
from portal.newsletter import digest
from tests.cooperation.factories import quick_user
from tests.mail.outbox import queued
from tests.twinning.factories import member_organisation, published_request, sent_response
from twinning import notifications, services
from twinning.models import FitAlert

pytestmark = pytest.mark.django_db


def test_fit_alerts_go_once_per_request_and_organisation_to_opted_in_members(client):
    member, organisation = member_organisation(
        code="RU", themes=("ENERGY",), keywords="smart grids, micro-grids"
    )
    other_member = quick_user()
    organisation.members.add(other_member)
    client.force_login(member)
    client.post(
        reverse("twinning:alert_toggle"), {"organisation": organisation.pk, "enabled": "on"}
    )
    assert FitAlert.objects.filter(user=member, organisation=organisation).exists()
    request = published_request(themes=("ENERGY",))
    assert services.fit_alerts_send(request_id=request.pk) == 1
    assert services.fit_alerts_send(request_id=request.pk) == 0
    assert [m.to_email for m in queued(notifications.KIND_FIT_ALERT)] == [member.email]
    client.post(reverse("twinning:alert_toggle"), {"organisation": organisation.pk})
    assert not FitAlert.objects.exists()


def test_alert_toggle_for_someone_elses_organisation_is_refused(client):
    _member, organisation = member_organisation(code="RU")
    client.force_login(quick_user())
    page = client.post(
        reverse("twinning:alert_toggle"), {"organisation": organisation.pk, "enabled": "on"}
    )
    assert page.status_code == 302
    assert not FitAlert.objects.exists()


def test_fitting_page_lists_requests_for_the_members_organisation(client):
    member, _organisation = member_organisation(code="RU", themes=("ENERGY",))
    published_request(title_en="Fits the Russian lab", themes=("ENERGY",))
    client.force_login(member)
    page = client.get(reverse("twinning:fitting")).content.decode()
    assert "Fits the Russian lab" in page
    assert "E-mail me when a request fits" in page


def test_personal_data_export_and_erasure():
    request = published_request(title_en="My exported request")
    response = sent_response(request, motivation="My exported motivation")
    data = export(request.author)["sections"]["twinning"]
    assert data["requests"][0]["title_en"] == "My exported request"
    assert export(response.author)["sections"]["twinning"]["responses"][0]["motivation"] == (
        "My exported motivation"
    )


def test_digest_lists_newly_published_requests():
    request = published_request(title_en="Digest request")
    section = next(s for s in digest.sections() if s.key == "twinning.new_requests")
    items = section.items(
        since=timezone.now() - datetime.timedelta(days=1), themes=[], language="en"
    )
    assert [item.title for item in items] == ["Digest request"]
    assert items[0].key == f"twinning:{request.pk}"


def test_outcomes_feed_the_monitoring_figures():
    request = published_request()
    response = sent_response(request)
    partnership = services.response_accept(response=response, user=request.author)
    services.outcome_report_create(
        partnership=partnership,
        user=response.author,
        exchanges_done=3,
        joint_publications=2,
        joint_proposals=1,
        funding_won=5000,
    )
    now = timezone.now()
    values = figures.values(
        start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1)
    )
    assert values["twinning.requests_published"] == 1
    assert values["twinning.responses"] == 1
    assert values["twinning.partnerships"] == 1
    assert values["twinning.exchanges"] == 3
    assert values["twinning.joint_publications"] == 2
    assert values["twinning.joint_proposals"] == 1
    assert values["twinning.funding_won"] == 5000.0

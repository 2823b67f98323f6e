"""Query counts of the newsletter's reads, constant in the number of rows."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from portal.mail.services import mail_claim
from portal.newsletter import digest, emails, selectors, services
from portal.newsletter.models import Issue
from tests.cooperation.factories import FundingCallFactory, theme
from tests.events.factories import site_staff
from tests.mail.outbox import send_queued
from tests.newsletter.factories import issue as make_issue
from tests.newsletter.factories import subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def sending_issue():
    staff = site_staff()
    FundingCallFactory(themes=[theme("ICT")])
    for i in range(6):
        subscriber(f"s{i}@example.org", themes=["ICT"] if i % 2 else [])
    send_queued()
    issue = make_issue(by=staff)
    services.issue_send_now(issue=issue, by=staff)
    services.issue_snapshot(issue_id=issue.pk)
    ContentType.objects.get_for_model(Issue)  # cached, as in a running process
    return staff, issue


def test_progress_and_counts(sending_issue, django_assert_num_queries):
    _staff, issue = sending_issue
    with django_assert_num_queries(2):  # counts by status; first and last sent time
        progress = selectors.issue_progress(issue=issue)
    assert progress.total == 6
    with django_assert_num_queries(1):
        assert selectors.subscriber_counts()["receiving"] == 6


def test_rendering_a_chunk_costs_the_same_for_any_number_of_rows(
    sending_issue, django_assert_num_queries
):
    emails._cache.clear()
    emails._items_cache.clear()
    rows = [r for r in mail_claim(limit=50) if r.kind == "newsletter.issue"]
    assert len(rows) == 6
    # subscribers, issues, then one query per registered section and language (all English
    # here), and the themes of the one section with items (the call)
    with django_assert_num_queries(2 + len(digest.sections()) + 1):
        results = emails.render_issue_mails(rows)
    assert all(r is not None for r in results)
    with django_assert_num_queries(2):  # the sections are kept for a minute
        emails.render_issue_mails(rows)


def test_progress_page_queries(client, sending_issue, django_assert_max_num_queries):
    staff, issue = sending_issue
    client.force_login(staff)
    send_queued()
    with django_assert_max_num_queries(8):
        page = client.get(reverse("newsletter:issue_progress", args=[issue.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_subscription_page_reads_the_themes_once(client, django_assert_num_queries, lang):
    with django_assert_num_queries(1):  # the themes of the form
        response = client.get(f"/{lang}/newsletter/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()

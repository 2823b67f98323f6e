"""The newsletter, end to end in Chromium with a real SMTP server: subscribe → confirm from the
mail → change preferences → staff send an issue → the progress bar reaches 100% → the
subscriber's mail holds only their themes → one-click unsubscribe (RFC 8058: a POST with no
cookie), and the page a link scanner's GET sees unsubscribes nobody."""

from __future__ import annotations

import datetime
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from portal.newsletter.models import Subscriber
from tests.browser.conftest import log_in, new_context
from tests.cooperation.factories import FundingCallFactory, theme
from tests.events.factories import site_staff
from tests.mailsink import MailSink

pytestmark = pytest.mark.browser

EMAIL = "olga.petrova@example.org"


def test_subscribe_confirm_prefer_send_progress_and_one_click_unsubscribe(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    smtp_sink: MailSink,
    eager_celery: None,
    axe_check: Callable[[Page], None],
) -> None:
    soon = timezone.now() + datetime.timedelta(days=9, hours=12)
    FundingCallFactory(
        title="Quantum networks for Europe and Russia", themes=[theme("ICT")], deadlines=[soon]
    )
    FundingCallFactory(
        title="Cohort studies of rare diseases", themes=[theme("HEALTH")], deadlines=[soon]
    )

    # Subscribe: ICT and Health, funding calls, weekly.
    page.goto("/en/newsletter/")
    axe_check(page)
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(EMAIL)
    form.get_by_label("Information and Communication Technologies").check()
    form.get_by_label("Health").check()
    form.get_by_label("Funding calls").check()
    form.get_by_label("I agree to receive").check()
    form.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    axe_check(page)
    assert Subscriber.objects.get(email=EMAIL).status == "pending"

    # Confirm from the mail the outbox sent.
    confirmation = smtp_sink.wait_for(EMAIL)
    page.goto(urlsplit(confirmation.find_url(r"/en/newsletter/confirm/")).path)
    axe_check(page)
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscription confirmed")
    assert Subscriber.objects.get(email=EMAIL).status == "active"

    # Preferences: Health no more.
    page.get_by_role("link", name="Change your preferences").click()
    axe_check(page)
    page.get_by_label("Health").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences are saved.")
    assert Subscriber.objects.get(email=EMAIL).themes == ["ICT"]

    # Staff compose and send an issue; the progress bar reaches 100%.
    smtp_sink.clear()  # what arrives next is the issue
    staff_context = log_in(new_context(browser, live_server), live_server, site_staff())
    staff = staff_context.new_page()
    staff.goto("/en/newsletter/staff/new/")
    axe_check(staff)
    staff.get_by_label("Subject (in English)").fill("Winter calls")
    staff.get_by_label("Introduction (in English)").fill("New funding calls for your themes.")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Winter calls")
    axe_check(staff)
    staff.get_by_role("button", name="Send now to every subscriber").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Progress")
    expect(staff.locator("#progress-bar")).to_have_attribute("value", "100")
    expect(staff.locator('[data-field="sent"]')).to_have_text("1")
    axe_check(staff)
    staff_context.close()

    # The mail holds only the subscriber's themes.
    issue_mail = smtp_sink.wait_for(EMAIL)
    assert "Winter calls" in issue_mail.subject
    assert "Quantum networks for Europe and Russia" in issue_mail.text
    assert "closes in 10 days" in issue_mail.text
    assert "Cohort studies" not in issue_mail.text
    assert "Cohort studies" not in issue_mail.html
    header = str(issue_mail.message["List-Unsubscribe"]).strip()
    assert issue_mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = header.strip("<>")

    # A link scanner's GET shows a page and unsubscribes nobody.
    page.goto(urlsplit(unsubscribe_url).path)
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    axe_check(page)
    assert Subscriber.objects.get(email=EMAIL).status == "active"

    # The mail client's one-click POST: no cookie, no CSRF token; 200, no redirect.
    request = urllib.request.Request(  # noqa: S310 (our live server, http)
        live_server.url + urlsplit(unsubscribe_url).path,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our live server)
        assert response.status == 200
        assert response.url == live_server.url + urlsplit(unsubscribe_url).path
    assert Subscriber.objects.get(email=EMAIL).status == "unsubscribed"

"""Twinning from end to end, in real Chromium against the live server.

A member of a German university posts a twinning request through the guided form and submits
it; site staff publish it from the review queue; a member of a Russian institute finds it among
"requests that fit us", asks for e-mail alerts and responds; the requester is told by e-mail
(real SMTP, ``tests.mailsink``), sees no contact details yet, accepts, and lands on the
partnership page with its outcome form, where both sides now see each other's contacts.
axe-core checks every page on the way, at 1280 and at 390 px.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.browser.conftest import log_in, new_context
from tests.cooperation.factories import OrganisationFactory, country, theme
from tests.mailsink import MailSink
from twinning.models import FitAlert, Partnership, TwinningRequest, TwinningResponse

pytestmark = pytest.mark.browser

TITLE = "Smart grid laboratory twinning"
WIDTHS = ((1280, 900), (390, 844))


def url(name: str, *args: object, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def logged_in_context(browser: Browser, live_server: LiveServer, user: User) -> BrowserContext:
    return log_in(new_context(browser, live_server), live_server, user)


def test_post_publish_fit_respond_accept_partnership(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    smtp_sink: MailSink,
    eager_celery: None,
    axe_report: Callable[[Page], str],
) -> None:
    problems: list[str] = []

    def axe(p: Page) -> None:
        """At both widths: the page as it is, then on a phone (and back)."""
        for width, height in WIDTHS:
            p.set_viewport_size({"width": width, "height": height})
            if report := axe_report(p):
                problems.append(report)
        p.set_viewport_size({"width": 1280, "height": 900})

    energy = theme("ENERGY")
    requester = UserFactory(name="Jan Kowalski", email="jan.requester@example.org")
    responder = UserFactory(name="Ольга Смирнова", email="olga.responder@example.org")
    staff = UserFactory(
        name="Site Staff", email="staff.reviewer@example.org", roles=(Role.SITE_STAFF,)
    )
    university = OrganisationFactory(
        name="Technische Universität Berlin", country=country("DE"), member=requester
    )
    university.themes.set([energy])
    institute = OrganisationFactory(
        name="Институт энергетики",
        name_alt="Institute of Energy",
        country=country("RU"),
        city="Новосибирск",
        member=responder,
    )
    institute.themes.set([energy])
    deadline = timezone.localdate() + datetime.timedelta(days=40)
    contexts: list[BrowserContext] = []
    try:
        # --- The requester posts a request through the guided form and submits it ----------
        requester_context = logged_in_context(browser, live_server, requester)
        contexts.append(requester_context)
        page = requester_context.new_page()
        page.goto(url("twinning:index"))
        axe(page)
        page.get_by_role("link", name="Post a twinning request").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("New twinning request")
        axe(page)
        page.get_by_label("Requesting organisation").select_option(label=university.name)
        page.locator("#id_title_en").fill(TITLE)
        page.locator("#id_objectives_en").fill(
            "Set up a joint laboratory on converter control for Arctic micro-grids."
        )
        page.get_by_label("Energy", exact=True).check()
        page.get_by_label("Staff exchange", exact=True).check()
        page.get_by_label("Joint laboratory", exact=True).check()
        page.get_by_label("Russia", exact=True).check()
        page.get_by_label("Deadline for responses").fill(deadline.isoformat())
        page.get_by_role("button", name="Save draft").click()
        request = TwinningRequest.objects.get(title_en=TITLE)
        expect(page).to_have_url(live_server.url + url("twinning:edit", request.pk))
        axe(page)
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_text("Staff will review it")).to_be_visible()
        assert TwinningRequest.objects.get(pk=request.pk).status == TwinningRequest.Status.SUBMITTED

        # --- Site staff publish it from the review queue ------------------------------------
        staff_context = logged_in_context(browser, live_server, staff)
        contexts.append(staff_context)
        staff_page = staff_context.new_page()
        staff_page.goto(url("twinning:review_queue"))
        axe(staff_page)
        staff_page.get_by_role("link", name=TITLE).click()
        axe(staff_page)
        staff_page.get_by_label("Publish").check()
        staff_page.get_by_role("button", name="Save the decision").click()
        expect(staff_page.get_by_text("The request is published.")).to_be_visible()
        assert TwinningRequest.objects.get(pk=request.pk).status == TwinningRequest.Status.PUBLISHED
        assert "published" in smtp_sink.wait_for(requester.email).subject
        smtp_sink.clear()

        # --- The institute's member finds it among "requests that fit us" and responds -------
        responder_context = logged_in_context(browser, live_server, responder)
        contexts.append(responder_context)
        rpage = responder_context.new_page()
        rpage.goto(url("twinning:fitting"))
        expect(rpage.get_by_role("heading", name="Институт энергетики")).to_be_visible()
        axe(rpage)
        rpage.get_by_role("button", name="E-mail me when a request fits").click()
        expect(rpage.get_by_role("button", name="Stop the e-mails")).to_be_visible()
        assert FitAlert.objects.filter(user=responder, organisation=institute).exists()
        rpage.locator("ol.result-list").get_by_role("link", name=TITLE).click()
        expect(rpage.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert requester.email not in rpage.content()
        axe(rpage)
        rpage.get_by_role("link", name="Respond to this request").click()
        axe(rpage)
        rpage.get_by_label("Responding organisation").select_option(label=institute.name)
        rpage.get_by_label("Motivation").fill(
            "Наш институт ведёт испытательный полигон микросетей."
        )
        rpage.get_by_label("Proposed contribution").fill("Two researchers and the test site.")
        rpage.get_by_role("button", name="Send the response").click()
        response = TwinningResponse.objects.get(request=request, organisation=institute)
        expect(rpage).to_have_url(live_server.url + url("twinning:response_detail", response.pk))
        expect(rpage.get_by_text("once the requester accepts")).to_be_visible()
        assert requester.email not in rpage.content()
        axe(rpage)

        # --- The requester is told, sees no contact details yet, and accepts ---------------
        mail = smtp_sink.wait_for(requester.email)
        assert f"A response to your twinning request “{TITLE}”" in mail.subject
        page.goto(url("twinning:detail", request.pk))
        expect(page.get_by_role("heading", name="Suggested partners")).to_be_visible()
        axe(page)
        page.get_by_role("link", name=institute.name).first.click()
        expect(page.get_by_text("Наш институт ведёт")).to_be_visible()
        assert responder.email not in page.content()
        axe(page)
        page.get_by_role("button", name="Accept").click()

        # --- The partnership page with its outcome form ------------------------------------
        partnership = Partnership.objects.get(response=response)
        expect(page).to_have_url(live_server.url + url("twinning:partnership", partnership.pk))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Partnership")
        expect(page.get_by_role("button", name="Report the outcome")).to_be_visible()
        axe(page)
        page.get_by_label("Joint publications").fill("2")
        page.get_by_role("button", name="Report the outcome").click()
        expect(page.get_by_text("the outcome is reported")).to_be_visible()
        axe(page)

        # --- Only now does each side see the other's contact details -----------------------
        page.goto(url("twinning:response_detail", response.pk))
        expect(page.get_by_role("link", name=responder.email)).to_be_visible()
        rpage.reload()
        expect(rpage.get_by_role("link", name=requester.email)).to_be_visible()
        assert smtp_sink.wait_for(responder.email)
        assert TwinningRequest.objects.get(pk=request.pk).status == TwinningRequest.Status.MATCHED
    finally:
        for context in contexts:
            context.close()

    assert problems == [], "\n\n".join(problems)

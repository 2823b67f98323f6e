"""Contact points from end to end, in real Chromium against the live server (issue 14).

A researcher finds the contact point for Tomsk Oblast and ICT in the directory, sends an
enquiry from there; it is routed to the Tomsk point, whose staff member is told by e-mail (real
SMTP), answers in the portal; the researcher gets the answer by e-mail and sees it on the page.
A staff member of another district can neither open nor answer it (a forged POST included).
axe-core checks every page on the way, the directory with its map in English and Russian.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from fp7_contacts.models import ContactPoint, Enquiry
from portal.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.browser.conftest import log_in, new_context
from tests.fp7_contacts.factories import make_point, ncp_staff
from tests.mailsink import MailSink

pytestmark = pytest.mark.browser


def url(name: str, *args: object, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def logged_in(browser: Browser, live_server: LiveServer, user: User) -> BrowserContext:
    return log_in(new_context(browser, live_server), live_server, user)


def test_find_ask_answer_and_other_district_is_kept_out(
    browser: Browser,
    live_server: LiveServer,
    django_db_serialized_rollback: None,
    smtp_sink: MailSink,
    eager_celery: None,
    axe_report: Callable[[Page], str],
) -> None:
    problems: list[str] = []

    def axe(p: Page) -> None:
        if report := axe_report(p):
            problems.append(report)

    researcher = UserFactory(name="Bruno Bianchi", email="bruno@example.org")
    tomsk_staff = ncp_staff("tomsk.staff@example.org")
    central_staff = ncp_staff("central.staff@example.org")
    make_point(
        code="rcp-tomsk",
        subjects=("RU-TOM",),
        themes=("ICT", "NMP"),
        services=("consultation",),
        name_en="Tomsk Regional Contact Point",
        name_ru="Томская региональная контактная точка",
        staff=(tomsk_staff,),
    )
    make_point(code="rcp-siberia", districts=("SIBFD",), name_en="Siberian District Point")
    make_point(code="rcp-central", districts=("CFD",), staff=(central_staff,))
    make_point(
        code="ncp-ict",
        kind=ContactPoint.Kind.NATIONAL,
        themes=("ICT",),
        name_en="National Contact Point for ICT",
    )
    contexts: list[BrowserContext] = []
    try:
        # --- The researcher finds the contact for Tomsk Oblast and ICT ---------------------
        context = logged_in(browser, live_server, researcher)
        contexts.append(context)
        page = context.new_page()
        page.goto(url("fp7_contacts:index"))
        axe(page)
        page.get_by_label("Federal subject", exact=True).select_option("RU-TOM")
        page.get_by_label("Theme", exact=True).select_option("ICT")
        page.get_by_role("button", name="Find contact points").click()
        expect(page).to_have_url(re.compile(r"subject=RU-TOM"))
        expect(page.get_by_text("Contact points serving Tomsk Oblast")).to_be_visible()
        cards = page.locator("li.contact-card")
        expect(cards.first).to_have_attribute("data-point", "rcp-tomsk")
        expect(
            page.get_by_role("link", name="National Contact Point for ICT", exact=True)
        ).to_be_visible()
        axe(page)
        # the map: Siberia is a link to the district's points
        page.get_by_role("link", name="Siberian Federal District", exact=True).first.click()
        expect(cards.first).to_have_attribute("data-point", "rcp-siberia")
        page.goto(url("fp7_contacts:index", lang="ru") + "?subject=RU-TOM&theme=ICT")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(
            page.get_by_role("link", name="Томская региональная контактная точка", exact=True)
        ).to_be_visible()
        axe(page)

        # --- ... and sends an enquiry from there ------------------------------------------
        page.goto(url("fp7_contacts:index") + "?subject=RU-TOM&theme=ICT")
        page.get_by_role("link", name="Ask a contact point").click()
        axe(page)
        expect(page.get_by_label("Your federal subject (region)")).to_have_value("RU-TOM")
        page.get_by_label("Subject line").fill("Can a Tomsk SME coordinate?")
        page.get_by_label("Your question").fill(
            "We are an SME in Tomsk <b>not bold</b>. May we coordinate an ICT project?"
        )
        page.get_by_role("button", name="Send the enquiry").click()
        enquiry = Enquiry.objects.get(author=researcher)
        expect(page).to_have_url(live_server.url + url("fp7_contacts:enquiry_detail", enquiry.pk))
        expect(page.get_by_text("<b>not bold</b>", exact=False)).to_be_visible()
        assert enquiry.point is not None
        assert enquiry.point.code == "rcp-tomsk"
        axe(page)

        # --- The right staff member is told, sees it and answers ---------------------------
        notice = smtp_sink.wait_for(tomsk_staff.email)
        link = urllib.parse.urlsplit(notice.find_url(r"/contacts/enquiries/\d+/")).path
        staff_context = logged_in(browser, live_server, tomsk_staff)
        contexts.append(staff_context)
        staff_page = staff_context.new_page()
        staff_page.goto(url("fp7_contacts:enquiry_list"))
        expect(staff_page.get_by_role("link", name="Can a Tomsk SME coordinate?")).to_be_visible()
        axe(staff_page)
        staff_page.goto(link)
        expect(staff_page.get_by_role("heading", level=1)).to_have_text(
            "Can a Tomsk SME coordinate?"
        )
        axe(staff_page)
        staff_page.get_by_label("Answer", exact=True).fill("Yes: an SME may coordinate.")
        staff_page.get_by_role("button", name="Send the answer").click()
        expect(staff_page.get_by_text("Your answer was sent to the researcher.")).to_be_visible()

        # --- The researcher gets the answer by e-mail and on the page ----------------------
        answer = smtp_sink.wait_for(researcher.email)
        assert "Yes: an SME may coordinate." in answer.text
        page.reload()
        expect(page.get_by_text("Yes: an SME may coordinate.")).to_be_visible()
        expect(page.get_by_text("Answered", exact=True)).to_be_visible()

        # --- A staff member of another district can neither open nor answer it -------------
        other_context = logged_in(browser, live_server, central_staff)
        contexts.append(other_context)
        other = other_context.new_page()
        response = other.goto(link)
        assert response is not None
        assert response.status == 403
        other.goto(url("fp7_contacts:enquiry_list"))
        expect(other.get_by_text("Can a Tomsk SME coordinate?")).to_have_count(0)
        csrf = next(c["value"] for c in other_context.cookies() if c["name"] == "csrftoken")
        forged = other.request.post(
            live_server.url + link,
            form={"action": "answer", "answer-text": "Forged answer", "csrfmiddlewaretoken": csrf},
            headers={"Referer": live_server.url + link, "X-CSRFToken": csrf},
        )
        assert forged.status == 403
        assert not enquiry.messages.filter(text="Forged answer").exists()
        assert enquiry.messages.filter(kind="answer").count() == 1
    finally:
        for c in contexts:
            c.close()

    assert problems == [], "\n\n".join(problems)

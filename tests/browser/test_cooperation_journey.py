"""Finding a partner from end to end, in real Chromium against the live server.

A researcher searches the partner registry across scripts (Latin "Tomsk" and Cyrillic
"Томский" find the same university), opens its cooperation offer and expresses interest; the
author is told by e-mail (real SMTP, ``tests.mailsink``), opens the expression of interest,
sees no contact details, accepts, and only then do both sides see each other's e-mail address.
axe-core checks every page on the way, in English and Russian.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from cooperation.models import ExpressionOfInterest, Organisation
from portal.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.browser.conftest import log_in, new_context
from tests.cooperation.factories import OfferFactory, OrganisationFactory, country
from tests.mailsink import MailSink

pytestmark = pytest.mark.browser


def url(name: str, *args: object, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def logged_in_context(browser: Browser, live_server: LiveServer, user: User) -> BrowserContext:
    return log_in(new_context(browser, live_server), live_server, user)


def test_search_offer_interest_acceptance_reveals_contacts(
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

    author = UserFactory(name="Анна Иванова", email="anna.author@example.org")
    sender = UserFactory(name="Bruno Bianchi", email="bruno.sender@example.org")
    university = OrganisationFactory(
        name="Томский государственный университет",
        name_alt="Tomsk State University",
        country=country("RU"),
        city="Томск",
        member=author,
    )
    offer = OfferFactory(
        author=author,
        organisation=university,
        title="Photonic sensors for Arctic monitoring",
        summary="We look for an EU partner to test photonic sensors in Arctic conditions.",
    )
    contexts: list[BrowserContext] = []
    try:
        # --- The sender searches in Latin script and finds the Cyrillic-named university ----
        sender_context = logged_in_context(browser, live_server, sender)
        contexts.append(sender_context)
        page = sender_context.new_page()
        page.goto(url("cooperation:partner_index"))
        axe(page)
        page.get_by_label("Search").first.fill("Tomsk")
        page.get_by_role("button", name="Search").first.click()
        expect(page).to_have_url(re.compile(r"q=Tomsk"))
        result = page.locator("ol.result-list").get_by_role(
            "link", name="Томский государственный университет"
        )
        expect(result).to_be_visible()
        axe(page)

        # ... and in Russian, with a Cyrillic query, on the Russian pages.
        page.goto(url("cooperation:partner_index", lang="ru") + "?q=Томский")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(
            page.locator("ol.result-list").get_by_role(
                "link", name="Томский государственный университет"
            )
        ).to_be_visible()
        axe(page)

        # --- From the organisation to its offer, then an expression of interest -------------
        page.goto(url("cooperation:partner_index") + "?q=Tomsk")
        page.locator("ol.result-list").get_by_role(
            "link", name="Томский государственный университет"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Томский государственный университет"
        )
        axe(page)
        page.get_by_role("link", name="Photonic sensors for Arctic monitoring").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(offer.title)
        assert author.email not in page.content()
        axe(page)
        page.get_by_role("link", name="Express interest").click()
        axe(page)
        page.get_by_label("Message").fill(
            "Мы в Болонье тестируем фотонные датчики — we would be glad to join. 🚀"
        )
        page.get_by_role("button", name="Send expression of interest").click()
        interest = ExpressionOfInterest.objects.get(offer=offer, sender=sender)
        expect(page).to_have_url(live_server.url + url("cooperation:interest_detail", interest.pk))
        expect(page.get_by_text("once the author accepts")).to_be_visible()
        assert author.email not in page.content()
        axe(page)

        # --- The author is told, sees no contact details yet, and accepts -------------------
        mail = smtp_sink.wait_for(author.email)
        assert offer.title in mail.subject + mail.text
        author_context = logged_in_context(browser, live_server, author)
        contexts.append(author_context)
        author_page = author_context.new_page()
        author_page.goto(url("cooperation:my_offers"))
        axe(author_page)
        # The received expression of interest, not the offer itself.
        author_page.get_by_role("link", name=re.compile(r"^On .Photonic sensors")).click()
        expect(author_page.get_by_text("we would be glad to join")).to_be_visible()
        assert sender.email not in author_page.content()
        axe(author_page)
        author_page.get_by_role("button", name="Accept").click()
        expect(author_page.get_by_role("link", name=sender.email)).to_be_visible()
        axe(author_page)

        # --- Only now does the sender see the author's contact details ---------------------
        page.reload()
        expect(page.get_by_role("link", name=author.email)).to_be_visible()
        expect(page.get_by_text("Анна Иванова")).to_be_visible()
        interest.refresh_from_db()
        assert interest.status == ExpressionOfInterest.Status.ACCEPTED
        assert smtp_sink.wait_for(sender.email)
        assert Organisation.objects.filter(pk=university.pk).exists()
    finally:
        for context in contexts:
            context.close()

    assert problems == [], "\n\n".join(problems)

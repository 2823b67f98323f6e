"""Organisers' and authors' actions are grouped (issue 12 item 14): the main ones are buttons, and
what cannot be undone (cancelling an event, closing an offer) sits apart in a section of its own
at the end of the page, not in the row of everyday actions."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.cooperation.factories import WorkflowOfferFactory
from tests.events.factories import EventFactory, organiser

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def danger_zone(html: str) -> str:
    zones = re.findall(r'<section class="danger-zone".*?</section>', html, flags=re.DOTALL)
    assert len(zones) == 1, "one section for what cannot be undone"
    return zones[0]


def test_event_dashboard_groups_the_organisers_actions(client: Client) -> None:
    owner = organiser()
    event = EventFactory(organisers=[owner])
    client.force_login(owner)
    html = client.get(url("events:dashboard", event.slug)).content.decode()

    bar = re.search(r'<div class="action-bar">(.*?)</div>', html, flags=re.DOTALL)
    assert bar is not None
    for target in ("events:event_edit", "events:check_in", "events:message"):
        assert re.search(rf'<a class="button[^"]*" href="{url(target, event.slug)}"', bar[1])
    cancel = url("events:event_cancel", event.slug)
    assert cancel not in bar[1]
    assert cancel in danger_zone(html)
    assert html.count(f'href="{cancel}"') == 1
    # The zone comes after everything else of the page's content.
    assert html.index('class="danger-zone"') > html.index('id="ev-pending-title"')


def test_offer_page_sets_closing_apart(client: Client) -> None:
    author = UserFactory(password=None)
    offer = WorkflowOfferFactory(author=author)
    client.force_login(author)
    html = client.get(url("cooperation:offer_edit", offer.pk)).content.decode()
    close = url("cooperation:offer_close", offer.pk)
    zone = danger_zone(html)
    assert f'action="{close}"' in zone
    assert 'class="danger"' in zone
    assert html.count(f'action="{close}"') == 1

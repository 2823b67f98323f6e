"""Atom feed of new calls and offers; iCalendar feed of call deadlines (RFC 5545)."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.feeds import ical_escape, ical_fold
from cooperation.models import CooperationOffer
from tests.accounts.factories import UserFactory
from tests.cooperation.factories import (
    FundingCallFactory,
    OfferFactory,
    OrganisationFactory,
    ResearcherProfileFactory,
    theme,
    utc,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name: str, lang: str = "en", *args: object) -> str:
    with translation.override(lang):
        return reverse(f"cooperation:{name}", args=args)


@pytest.fixture
def items() -> dict[str, object]:
    now = timezone.now()
    org = OrganisationFactory(name="Сибирский федеральный университет")
    ResearcherProfileFactory(organisation=org, user=UserFactory(email="researcher@example.org"))
    return {
        "call": FundingCallFactory(
            title="Квантовые технологии & <photonics>",
            identifier="RSF-2030-QT",
            description="Calls for <script>alert(1)</script> quantum sensing.",
            programme="ru_foundation",
            themes=[theme("ICT")],
            created_at=now - datetime.timedelta(days=2),
            deadlines=[now + datetime.timedelta(days=20)],
        ),
        "h2020": FundingCallFactory(
            title="Clean energy", programme="h2020", created_at=now - datetime.timedelta(days=5)
        ),
        "offer": OfferFactory(
            title="Ищем партнёра: graphene sensors",
            organisation=org,
            author=UserFactory(email="author@example.org"),
            themes=[theme("HEALTH")],
            published_at=now - datetime.timedelta(days=1),
        ),
        "draft": OfferFactory(title="Draft offer", status=CooperationOffer.Status.DRAFT),
    }


def parse_atom(content: bytes) -> ET.Element:
    root = ET.fromstring(content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    return root


def entry_titles(root: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}title", "") for e in root.findall(f"{ATOM}entry")]


# -- Atom -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_atom_feed_is_valid_xml_with_calls_and_offers(client, items, lang):
    response = client.get(url("feed_atom", lang))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_atom(response.content)
    titles = entry_titles(root)
    assert len(titles) == 3
    assert titles[0].endswith("Ищем партнёра: graphene sensors")  # newest first
    assert "Квантовые технологии & <photonics>" in titles[1]
    assert not any("Draft offer" in t for t in titles)
    entry = root.findall(f"{ATOM}entry")[1]
    link_element = entry.find(f"{ATOM}link")
    assert link_element is not None
    link = link_element.get("href")
    assert link == f"http://testserver/{lang}/calls/{items['call'].pk}/"
    assert entry.findtext(f"{ATOM}id", "").startswith("tag:")
    assert entry.find(f"{ATOM}updated") is not None
    with translation.override(lang):
        ict_label = theme("ICT").label
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [ict_label]
    # The summary is escaped HTML: the title's markup arrives as text.
    summary = entry.findtext(f"{ATOM}summary", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "<script>" not in summary
    with translation.override(lang):
        assert root.findtext(f"{ATOM}title") == translation.gettext(
            "New funding calls and cooperation offers · EU–Russia STI Cooperation Portal"
        )


def test_atom_feed_never_contains_email_addresses(client, items):
    content = client.get(url("feed_atom")).content.decode()
    assert not EMAIL.search(content)
    assert "<email>" not in content


def test_atom_feed_is_filter_aware(client, items):
    root = parse_atom(client.get(url("feed_atom"), {"kind": "calls"}).content)
    assert len(entry_titles(root)) == 2

    root = parse_atom(client.get(url("feed_atom"), {"kind": "calls", "programme": "h2020"}).content)
    assert [t.endswith("Clean energy") for t in entry_titles(root)] == [True]

    root = parse_atom(client.get(url("feed_atom"), {"kind": "offers"}).content)
    assert len(entry_titles(root)) == 1

    root = parse_atom(client.get(url("feed_atom"), {"q": "graphene", "kind": "offers"}).content)
    assert len(entry_titles(root)) == 1
    root = parse_atom(client.get(url("feed_atom"), {"q": "zzzzzz"}).content)
    assert entry_titles(root) == []
    # The feed's own link points at the list with the same filters.
    root = parse_atom(client.get(url("feed_atom"), {"kind": "calls", "programme": "h2020"}).content)
    alternate = [
        link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"
    ]
    assert alternate == ["http://testserver/en/calls/?programme=h2020"]


def test_list_pages_link_their_feeds_with_their_filters(client, items):
    html = client.get(url("call_index"), {"programme": "h2020"}).content.decode()
    assert 'href="/en/feeds/latest.atom?kind=calls&amp;programme=h2020"' in html
    assert 'href="/en/calls/deadlines.ics?programme=h2020"' in html
    html = client.get(url("offer_list"), {"type": "rd_request"}).content.decode()
    assert 'href="/en/feeds/latest.atom?kind=offers&amp;type=rd_request"' in html


def test_atom_feed_queries_are_constant(client, django_assert_num_queries):
    for i in range(6):
        FundingCallFactory(themes=[theme("ICT"), theme("HEALTH")][: 1 + i % 2])
        OfferFactory(themes=[theme("HEALTH")])
    Site.objects.clear_cache()
    # site, calls, their themes, offers (+organisation), their themes
    with django_assert_num_queries(5):
        response = client.get(url("feed_atom"))
    assert len(entry_titles(parse_atom(response.content))) == 12
    with django_assert_num_queries(4):  # the site is cached now
        client.get(url("feed_atom"))


# -- iCalendar ------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text, after checking its line rules."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare LF
    assert "\r" not in text.replace("\r\n", "")  # no bare CR
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75, physical
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def properties(lines: list[str]) -> list[tuple[str, str]]:
    result = []
    for line in lines:
        name, _, value = line.partition(":")
        result.append((name, value))
    return result


def events(lines: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for name, value in properties(lines):
        if name == "BEGIN" and value == "VEVENT":
            current = {}
        elif name == "END" and value == "VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_fold_keeps_lines_within_75_octets_without_splitting_characters():
    for line in [
        "SUMMARY:" + "x" * 200,
        "SUMMARY:" + "Ж" * 100,  # two octets each
        "SUMMARY:" + "🔬" * 50,  # four octets each
        "SUMMARY:" + "aЖ🔬" * 40,
        "SHORT:ok",
        "X:" + "y" * 73,  # exactly 75 octets: not folded
    ]:
        folded = ical_fold(line)
        physical = folded.split("\r\n")
        assert all(len(p.encode("utf-8")) <= 75 for p in physical)
        assert all(p.startswith(" ") for p in physical[1:])
        assert folded.replace("\r\n ", "") == line
    assert ical_fold("X:" + "y" * 73) == "X:" + "y" * 73
    assert ical_fold("X:" + "y" * 74).split("\r\n") == ["X:" + "y" * 73, " y"]


def test_text_escaping():
    assert ical_escape("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert ical_escape("nul\x00 and bell\x07") == "nul and bell"
    assert ical_escape(None) == ""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_deadline_calendar_follows_rfc_5545(client, lang):
    call = FundingCallFactory(
        identifier="ERA-NET; RUS, Plus\\2030",
        title="Очень длинное название призыва, с запятыми; точками с запятой и обратной \\ чертой 🔬",
        deadlines=[
            (utc(2030, 3, 25, 16, 0), "Europe/Brussels"),
            (utc(2030, 9, 1, 12, 0), "Europe/Moscow"),
        ],
    )

    response = client.get(url("call_deadlines_ics", lang))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.content.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    props = dict(properties(lines[:8]))
    assert props["VERSION"] == "2.0"
    assert props["PRODID"].startswith("-//")
    found = events(lines)
    assert len(found) == 2
    assert len({e["UID"] for e in found}) == 2
    first, second = found
    assert first["DTSTART"] == "20300325T160000Z"
    assert second["DTSTART"] == "20300901T120000Z"
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTAMP"])
    assert first["UID"].startswith("call-deadline-")
    assert "@" in first["UID"]
    assert unescape(first["SUMMARY"]).endswith("ERA-NET; RUS, Plus\\2030")
    assert "\\;" in first["SUMMARY"]
    assert "\\," in first["SUMMARY"]
    assert "\\\\" in first["SUMMARY"]
    description = unescape(first["DESCRIPTION"])
    assert call.title in description
    assert "2030-03-25 17:00 (Europe/Brussels)" in description  # CET on 25 March 2030
    assert "2030-09-01 15:00 (Europe/Moscow)" in unescape(second["DESCRIPTION"])
    assert first["URL"] == f"http://testserver/{lang}/calls/{call.pk}/"
    # Folding happened (the description is long) and the text survived it.
    assert any(line.startswith(" ") for line in response.content.decode().split("\r\n"))


def test_deadline_calendar_is_filter_aware_and_stable(client):
    now = timezone.now()
    h2020 = FundingCallFactory(programme="h2020", deadlines=[now + datetime.timedelta(days=3)])
    FundingCallFactory(programme="ru_federal", deadlines=[now + datetime.timedelta(days=4)])
    FundingCallFactory(programme="h2020", deadlines=[now - datetime.timedelta(days=800)])

    all_events = events(unfold(client.get(url("call_deadlines_ics")).content.decode()))
    assert len(all_events) == 2  # deadlines older than a year are left out

    filtered = events(
        unfold(client.get(url("call_deadlines_ics"), {"programme": "h2020"}).content.decode())
    )
    [event] = filtered
    deadline = h2020.deadlines.get()
    assert event["UID"] == f"call-deadline-{deadline.pk}@127.0.0.1"
    again = events(
        unfold(client.get(url("call_deadlines_ics"), {"programme": "h2020"}).content.decode())
    )
    assert again[0]["UID"] == event["UID"]


def test_one_calls_calendar(client):
    call = FundingCallFactory(deadlines=[utc(2031, 1, 15, 10, 0), utc(2031, 6, 15, 10, 0)])
    FundingCallFactory(deadlines=[utc(2031, 2, 1, 10, 0)])

    response = client.get(url("call_ics", "en", call.pk))

    found = events(unfold(response.content.decode()))
    assert [e["DTSTART"] for e in found] == ["20310115T100000Z", "20310615T100000Z"]
    html = client.get(url("call_detail", "en", call.pk)).content.decode()
    assert f'href="/en/calls/{call.pk}/deadlines.ics"' in html


def test_calendar_has_no_email_addresses(client, items):
    content = client.get(url("call_deadlines_ics")).content.decode()
    assert not EMAIL.search(content.replace("\r\n ", "").replace("@127.0.0.1", ""))


def test_calendar_queries_are_constant(client, django_assert_num_queries):
    now = timezone.now()
    for i in range(5):
        FundingCallFactory(deadlines=[now + datetime.timedelta(days=d + 1) for d in range(1 + i)])
    # The deadlines with their calls, in one query.
    with django_assert_num_queries(1):
        response = client.get(url("call_deadlines_ics"))
    assert len(events(unfold(response.content.decode()))) == 15

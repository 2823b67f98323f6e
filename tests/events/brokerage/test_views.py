"""Brokerage pages: bad input gets a message (never a 500), organiser pages are the organisers',
Russian pages are translated, the marketplace's queries do not grow with its rows."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from events.brokerage import services
from events.brokerage.models import Meeting, MeetingRequest, Slot, Unavailability
from tests.cooperation.factories import OfferFactory, OrganisationFactory
from tests.events.factories import EventFactory, person

pytestmark = pytest.mark.django_db


def url(name: str, *args: object, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def test_bad_input_is_refused_with_a_message(client: Any, fair: Any) -> None:
    anna_user, anna = fair.participant("Anna")
    slots = fair.session(hours=1, minutes=20, tables=2)
    other = EventFactory()
    foreign = Slot.objects.create(
        event=other,
        starts_at=other.starts_at,
        ends_at=other.starts_at + datetime.timedelta(minutes=20),
        tables=1,
    )
    client.force_login(anna_user)
    slug = fair.event.slug
    # A request to oneself, to nobody.
    response = client.post(url("brokerage:request_create", slug, anna.pk), follow=True)
    assert "You cannot request a meeting with yourself." in response.content.decode()
    response = client.post(url("brokerage:request_create", slug, 999999), follow=True)
    assert "does not take part" in response.content.decode()
    # Availability in a slot of another event: refused, nothing saved.
    response = client.post(
        url("brokerage:availability", slug), {"slot": [slots[0].pk, foreign.pk]}, follow=True
    )
    assert "Choose only time slots of this event." in response.content.decode()
    assert not Unavailability.objects.exists()
    response = client.post(url("brokerage:availability", slug), {"slot": ["x²"]})
    assert response.status_code == 200
    # Organiser pages are the organisers'.
    assert client.get(url("brokerage:manage", slug)).status_code == 403
    assert client.post(url("brokerage:manage_run", slug)).status_code == 403


def test_organiser_session_form_errors_rerender(client: Any, fair: Any) -> None:
    client.force_login(fair.boss)
    page = url("brokerage:manage", fair.event.slug)
    local = fair.event.starts_at.astimezone(fair.event.tz)
    response = client.post(
        page,
        {
            "session": "1",
            "date": local.date().isoformat(),
            "start": "10:00",
            "end": "11:00",
            "minutes": "20",
            "tables": "0",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    response = client.post(
        page,
        {
            "session": "1",
            "date": "1990-01-01",
            "start": "10:00",
            "end": "11:00",
            "minutes": "20",
            "tables": "3",
        },
    )
    assert response.status_code == 200
    assert not Slot.objects.exists()
    response = client.post(
        page,
        {
            "session": "1",
            "date": local.date().isoformat(),
            "start": "23:00",
            "end": "23:50",
            "minutes": "20",
            "tables": "3",
        },
    )
    assert "within the event" in response.content.decode()
    # Lock at a table that does not exist: a message, nothing changed.
    a, b = fair.participant("A"), fair.participant("B")
    request = services.request_create(event=fair.event, user=a[0], recipient=b[1])
    meeting = services.request_accept(request=request, user=b[0])
    slots = fair.session(hours=1, minutes=20, tables=2)
    response = client.post(
        url("brokerage:manage_lock", fair.event.slug, meeting.pk),
        {"slot": slots[0].pk, "table": 7},
        follow=True,
    )
    assert "This slot has tables 1 to 2." in response.content.decode()
    assert not Meeting.objects.filter(locked=True).exists()


def test_pages_in_russian(client: Any, fair: Any) -> None:
    user, _me = fair.participant("Анна")
    client.force_login(user)
    for name in ("marketplace", "requests", "availability", "agenda"):
        response = client.get(url(f"brokerage:{name}", fair.event.slug, lang="ru"))
        assert response.status_code == 200
        assert "Моё расписание" in response.content.decode()


def test_marketplace_queries_do_not_grow_with_participants(
    client: Any, fair: Any, django_assert_max_num_queries: Any
) -> None:
    user, _me = fair.participant("Viewer")
    client.force_login(user)
    page = url("brokerage:marketplace", fair.event.slug)
    for k in range(3):
        fair.participant(f"P{k}")
    client.get(page)
    with django_assert_max_num_queries(30) as few:
        client.get(page)
    for k in range(3, 12):
        fair.participant(f"P{k}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page)


def test_outsider_cannot_make_a_profile(client: Any, fair: Any) -> None:
    outsider = person()
    client.force_login(outsider)
    response = client.post(url("brokerage:profile", fair.event.slug), {"name": "Me"})
    assert response.status_code == 200
    assert "Register for the event first" in response.content.decode()


def test_profile_texts_in_either_language_and_links_to_own_organisation_and_offers(
    client: Any, fair: Any
) -> None:
    """What a participant offers and seeks is kept per language: the Russian text is found by a
    Russian search, shown on the Russian page, and on the English one marked as Russian. Their
    organisation and cooperation offers are chosen among their own and linked from the card;
    someone else's organisation is refused with a message."""
    user, _me = fair.participant("Анна Иванова")
    mine = OrganisationFactory(name="Институт фотоники", member=user)
    theirs = OrganisationFactory(name="Someone Else's Institute")
    offer = OfferFactory(author=user, organisation=mine, title="Photonic sensors testbed")
    viewer, _v = fair.participant("Viewer")
    client.force_login(user)
    page = url("brokerage:profile", fair.event.slug)
    form = client.get(page).content.decode()
    assert "What I offer (in Russian)" in form
    assert "Someone Else&#x27;s Institute" not in form
    data = {
        "name": "Анна Иванова",
        "offers_ru": "Фотонная лаборатория с испытательными стендами",
        "seeks_en": "An industrial partner",
        "organisation": theirs.pk,
        "cooperation_offers": [offer.pk],
    }
    response = client.post(page, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    data["organisation"] = mine.pk
    response = client.post(page, data, follow=True)
    assert "Your brokerage profile is saved." in response.content.decode()

    client.force_login(viewer)
    found = client.get(
        url("brokerage:marketplace", fair.event.slug), {"q": "лаборатория"}
    ).content.decode()
    assert "Анна Иванова" in found
    assert '<span lang="ru">Фотонная лаборатория' in found
    assert f'href="{reverse("cooperation:organisation_detail", args=[mine.pk])}"' in found
    assert f'href="{reverse("cooperation:offer_detail", args=[offer.pk])}"' in found
    russian = client.get(url("brokerage:marketplace", fair.event.slug, lang="ru")).content
    assert "<span>Фотонная лаборатория" in russian.decode()


def test_start_page_shows_meetings_to_answer_and_the_organisers_events(
    client: Any, fair: Any
) -> None:
    """A participant's start page lists their brokerage event with the requests waiting for
    their answer; the organiser's lists the event with its requests, linked to its management
    page; someone who takes no part sees neither."""
    anna_user, anna = fair.participant("Anna")
    jan_user, _jan = fair.participant("Jan")
    services.request_create(event=fair.event, user=jan_user, recipient=anna, message="Hello")
    client.force_login(anna_user)
    page = client.get(url("pages:start")).content.decode()
    assert "Your brokerage meetings" in page
    assert "1 request waits for your answer" in page
    assert f'href="{url("brokerage:requests", fair.event.slug)}"' in page
    client.force_login(fair.boss)
    page = client.get(url("pages:start")).content.decode()
    assert "Brokerage events you organise" in page
    assert "1 meeting request," in page
    assert f'href="{url("brokerage:manage", fair.event.slug)}"' in page
    client.force_login(person())
    page = client.get(url("pages:start")).content.decode()
    assert "Your brokerage meetings" not in page
    assert "Brokerage events you organise" not in page


def _card(page: str, profile_pk: int, prefix: str = "m") -> str:
    """The marketplace card of one participant (from its heading to the next card)."""
    cards = page.split('<ul class="brk-cards">')
    listed = cards[-1] if prefix == "m" else cards[1]
    card = listed.split(f'<h3 id="p-{profile_pk}">', 1)[1]
    return re.split(r'<h3 id="p-|</section>', card, maxsplit=1)[0]


def test_marketplace_offers_no_request_form_to_people_already_asked_or_met(
    client: Any, fair: Any
) -> None:
    """Someone the user has a meeting or a pending request with (whoever asked) gets a short
    note linking to the requests page, not a form whose request would be refused."""
    anna_user, anna = fair.participant("Anna")
    olga_user, olga = fair.participant("Olga")
    _jan_user, jan = fair.participant("Jan")
    petr_user, _petr = fair.participant("Petr")
    _ivan_user, ivan = fair.participant("Ivan")
    services.request_create(event=fair.event, user=anna_user, recipient=jan)
    met = services.request_create(event=fair.event, user=anna_user, recipient=olga)
    services.request_accept(request=met, user=olga_user)
    services.request_create(event=fair.event, user=petr_user, recipient=anna)
    client.force_login(anna_user)
    slug = fair.event.slug
    page = client.get(url("brokerage:marketplace", slug)).content.decode()
    requests_page = url("brokerage:requests", slug)
    olga_card, jan_card = _card(page, olga.pk), _card(page, jan.pk)
    petr_card, ivan_card = _card(page, _petr.pk), _card(page, ivan.pk)
    assert "Meeting accepted." in olga_card
    assert "Request pending: waiting for their answer." in jan_card
    assert "Petr has asked you for a meeting." in petr_card
    for card in (olga_card, jan_card, petr_card):
        assert "<form" not in card
    # each note links to the request with that person on the requests page
    listed = client.get(requests_page).content.decode()
    for card, other in ((olga_card, olga), (jan_card, jan), (petr_card, _petr)):
        assert f'href="{requests_page}#with-{other.pk}"' in card
        item = listed.split(f'<li id="with-{other.pk}">', 1)[1].split("</li>", 1)[0]
        assert other.name in item
    assert url("brokerage:request_create", slug, ivan.pk) in ivan_card
    assert "<textarea" in ivan_card
    russian = client.get(url("brokerage:marketplace", slug, lang="ru")).content.decode()
    assert "Встреча согласована." in _card(russian, olga.pk)
    assert "Запрос отправлен и ждёт ответа." in _card(russian, jan.pk)


def test_a_request_refused_meanwhile_shows_the_reason_and_keeps_the_message(
    client: Any, fair: Any
) -> None:
    """The form was on the page, but the other person asked first: the marketplace comes back
    with the reason on that person's card and the message still in its box."""
    anna_user, _anna = fair.participant("Anna")
    jan_user, jan = fair.participant("Jan")
    client.force_login(anna_user)
    slug = fair.event.slug
    page = client.get(url("brokerage:marketplace", slug)).content.decode()
    assert url("brokerage:request_create", slug, jan.pk) in _card(page, jan.pk)
    services.request_create(event=fair.event, user=jan_user, recipient=_anna, message="Hi")
    typed = "Let us talk about photonic sensors & the testbed."
    response = client.post(url("brokerage:request_create", slug, jan.pk), {"message": typed})
    assert response.status_code == 200
    page = response.content.decode()
    card = _card(page, jan.pk)
    assert "There is already a request or a meeting between you two." in card
    assert "Let us talk about photonic sensors &amp; the testbed.</textarea>" in card
    assert f'aria-describedby="msg-m{jan.pk}-error"' in card
    assert "Your request to Jan was not sent:" in page
    assert MeetingRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Participants from"), ("ru", "Откуда участники")]
)
def test_the_side_filter_says_what_it_filters(
    client: Any, fair: Any, lang: str, label: str
) -> None:
    user, _me = fair.participant("Anna")
    client.force_login(user)
    page = client.get(url("brokerage:marketplace", fair.event.slug, lang=lang)).content.decode()
    assert f'<label for="side">{label}</label>' in page

"""The twinning pages as people see them: the public list and its filters, the detail page with
suggestions for the requester, contact details only after acceptance, the person's pages, the
review queue, the partnership page with its outcome form."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import translation

from tests.cooperation.factories import ncp_staff_user, quick_user, theme
from tests.mail.outbox import send_queued
from tests.twinning.factories import (
    draft_request,
    member_organisation,
    published_request,
    request_values,
    sent_response,
)
from twinning import services
from twinning.models import OutcomeReport, Partnership, Side, TwinningRequest

pytestmark = pytest.mark.django_db

Status = TwinningRequest.Status


def test_public_list_shows_published_and_hides_drafts(client):
    shown = published_request(title_en="Visible request")
    draft_request(title_en="Hidden draft")
    page = client.get(reverse("twinning:index")).content.decode()
    assert "Visible request" in page
    assert "Hidden draft" not in page
    assert client.get(reverse("twinning:detail", kwargs={"pk": shown.pk})).status_code == 200


def test_a_draft_is_not_public(client):
    draft = draft_request()
    assert client.get(reverse("twinning:detail", kwargs={"pk": draft.pk})).status_code == 404
    client.force_login(draft.author)
    assert client.get(reverse("twinning:detail", kwargs={"pk": draft.pk})).status_code == 200


def test_filters_by_theme_activity_side_and_status(client):
    energy = published_request(title_en="Energy twinning", themes=("ENERGY",))
    published_request(
        title_en="Health twinning", themes=("HEALTH",), activities=["training"], partner_side="eu"
    )
    url = reverse("twinning:index")

    def titles(**params: object) -> set[str]:
        page = client.get(url, params).content.decode()
        return {t for t in ("Energy twinning", "Health twinning") if t in page}

    assert titles(theme=theme("ENERGY").pk) == {"Energy twinning"}
    assert titles(activity="training") == {"Health twinning"}
    assert titles(side="ru") == {"Energy twinning"}
    services.response_shortlist(response=sent_response(energy), user=energy.author)
    assert titles(status="negotiation") == {"Energy twinning"}
    assert titles(deadline_after="2999-01-01") == set()


def test_requester_sees_suggestions_and_responses_others_do_not(client):
    request = published_request()
    response = sent_response(request)
    client.force_login(request.author)
    page = client.get(reverse("twinning:detail", kwargs={"pk": request.pk})).content.decode()
    assert "Suggested partners" in page
    assert response.organisation.name in page
    client.force_login(quick_user())
    page = client.get(reverse("twinning:detail", kwargs={"pk": request.pk})).content.decode()
    assert "Suggested partners" not in page


def test_contact_details_only_after_acceptance(client):
    request = published_request(contact_phone="+49 30 1234")
    response = sent_response(request)
    client.force_login(response.author)
    url = reverse("twinning:response_detail", kwargs={"pk": response.pk})
    assert request.author.email not in client.get(url).content.decode()
    client.force_login(request.author)
    assert response.author.email not in client.get(url).content.decode()
    accepted = client.post(reverse("twinning:response_accept", kwargs={"pk": response.pk}))
    partnership = Partnership.objects.get()
    assert accepted.url == reverse("twinning:partnership", kwargs={"pk": partnership.pk})
    assert response.author.email in client.get(url).content.decode()
    client.force_login(response.author)
    page = client.get(url).content.decode()
    assert request.author.email in page
    assert "+49 30 1234" in page


def test_respond_through_the_page_notifies_the_requester_in_their_language(client, mailoutbox):
    request = published_request()
    request.author.preferred_language = "ru"
    request.author.save(update_fields=["preferred_language"])
    author, organisation = member_organisation(code="RU")
    client.force_login(author)
    page = client.post(
        reverse("twinning:respond", kwargs={"pk": request.pk}),
        {"organisation": organisation.pk, "motivation": "We fit.", "contribution": "A lab."},
    )
    assert page.status_code == 302
    send_queued()
    to_requester = [m for m in mailoutbox if m.to == [request.author.email]]
    assert any("Ответ на ваш запрос" in m.subject for m in to_requester), [
        m.subject for m in to_requester
    ]


def test_review_queue_and_publish_through_the_page(client):
    request = draft_request(title_en="Waiting for review")
    services.request_submit(request=request, user=request.author)
    staff = ncp_staff_user()
    client.force_login(staff)
    assert "Waiting for review" in client.get(reverse("twinning:review_queue")).content.decode()
    page = client.post(
        reverse("twinning:review", kwargs={"pk": request.pk}), {"decision": "return", "reason": ""}
    )
    assert page.status_code == 200
    assert "Tell the author what to change" in page.content.decode()
    client.post(reverse("twinning:review", kwargs={"pk": request.pk}), {"decision": "publish"})
    assert TwinningRequest.objects.get(pk=request.pk).status == Status.PUBLISHED
    client.force_login(quick_user())
    assert client.get(reverse("twinning:review_queue")).status_code == 403


def test_request_form_creates_a_draft_and_submit(client):
    author, organisation = member_organisation()
    client.force_login(author)
    page = client.get(reverse("twinning:create")).content.decode()
    assert "What you want to build" in page
    values = request_values()
    data = {
        "organisation": organisation.pk,
        "title_ru": "Твиннинг по умным сетям",
        "objectives_ru": "Развить компетенции.",
        "activities": values["activities"],
        "partner_side": "ru",
        "partners_wanted": "2",
        "countries_min": "1",
        "response_deadline": values["response_deadline"].isoformat(),
        "themes": [theme("ENERGY").pk],
    }
    response = client.post(reverse("twinning:create"), data)
    created = TwinningRequest.objects.get()
    assert response.url == reverse("twinning:edit", kwargs={"pk": created.pk})
    assert created.title_ru == "Твиннинг по умным сетям"
    assert created.partners_wanted == 2
    client.post(reverse("twinning:submit", kwargs={"pk": created.pk}))
    assert TwinningRequest.objects.get().status == Status.SUBMITTED


def test_someone_without_organisation_is_told_to_register_one(client):
    client.force_login(quick_user())
    page = client.get(reverse("twinning:create")).content.decode()
    assert "Register an organisation" in page


def test_partnership_page_outcome_form(client):
    request = published_request()
    response = sent_response(request)
    partnership = services.response_accept(response=response, user=request.author)
    url = reverse("twinning:partnership", kwargs={"pk": partnership.pk})
    client.force_login(response.author)
    empty = client.post(
        url,
        {
            "exchanges_done": "0",
            "joint_publications": "0",
            "joint_proposals": "0",
            "funding_won": "0",
            "notes": "",
        },
    )
    assert empty.status_code == 200
    assert "Report at least one outcome" in empty.content.decode()
    client.post(
        url,
        {
            "exchanges_done": "2",
            "joint_publications": "1",
            "joint_proposals": "0",
            "funding_won": "1000",
            "notes": "Visit to Berlin",
        },
    )
    report = OutcomeReport.objects.get()
    assert (report.exchanges_done, report.joint_publications) == (2, 1)
    assert "Visit to Berlin" in client.get(url).content.decode()
    client.force_login(quick_user())
    assert client.get(url).status_code == 404


def test_my_pages_list_what_is_mine(client):
    request = published_request(title_en="Mine to manage")
    response = sent_response(request)
    client.force_login(request.author)
    assert "Mine to manage" in client.get(reverse("twinning:my_requests")).content.decode()
    client.force_login(response.author)
    assert "Mine to manage" in client.get(reverse("twinning:my_responses")).content.decode()


def test_pages_in_russian(client):
    request = published_request()
    client.force_login(request.author)
    page = client.get(f"/ru/twinning/{request.pk}/").content.decode()
    assert "Предлагаемые партнёры" in page
    assert "Запросы на твиннинг" in client.get("/ru/twinning/").content.decode()


def test_search_finds_requests_in_either_script_and_ranks_the_title_first(client):
    """The list's search box (portal.search): a word of the title ranks above the same word in
    the objectives only; Cyrillic finds a name written in Latin letters and the reverse, in
    another grammatical case; a misspelling finds its word; filters still apply; drafts stay
    hidden."""
    in_title = published_request(
        title_en="Photonics summer school",
        objectives_en="Train doctoral students together.",
    )
    in_objectives = published_request(
        title_en="Laboratory twinning",
        objectives_en="Joint work on integrated photonics and lasers.",
    )
    russian = published_request(
        title_en="",
        title_ru="Стажировки по геохимии",
        objectives_en="",
        objectives_ru="Обмен сотрудниками между лабораториями.",
    )
    vernadsky = published_request(title_en="Exchanges with the Vernadsky institute")
    draft_request(title_en="Photonics draft")
    url = reverse("twinning:index")

    def found(q: str, **params: object) -> list[int]:
        response = client.get(url, {"q": q, **params})
        assert response.status_code == 200
        return [req.pk for req in response.context["page_obj"].object_list]

    assert found("photonics") == [in_title.pk, in_objectives.pk]
    assert found("photonic") == [in_title.pk, in_objectives.pk]  # word form
    assert found("Вернадского") == [vernadsky.pk]  # Cyrillic finds the Latin spelling
    assert found("geokhimii") == [russian.pk]  # a romanisation of the Russian title
    assert found("геохимия") == [russian.pk]  # another grammatical case
    # A misspelling: both are found through the correction (the last tier), newest first.
    assert found("Photnics") == [in_objectives.pk, in_title.pk]
    assert found("summer", activity="training") == []  # the filters still apply
    page = client.get(url, {"q": "photonics"}).content.decode()
    assert 'value="photonics"' in page
    assert "Photonics draft" not in page
    assert client.get(url, {"q": "zzzqqq"}).status_code == 200
    assert client.get(url, {"q": "x" * 100_000}).status_code == 200


@pytest.mark.parametrize(
    ("partners", "countries", "english", "russian"),
    [
        (1, 1, "1 partner<", "1 партнёр<"),
        (3, 2, "3 partners, from at least 2 countries", "3 партнёра, не менее чем из 2 стран"),
        (5, 5, "5 partners, from at least 5 countries", "5 партнёров, не менее чем из 5 стран"),
    ],
)
def test_partners_sought_reads_naturally_in_both_languages(
    client, partners, countries, english, russian
):
    """Two counts, each with its own plural (Russian has three forms)."""
    req = published_request(partners_wanted=partners, countries_min=countries)
    url = reverse("twinning:detail", kwargs={"pk": req.pk})
    assert english in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ru_url = url.replace("/en/", "/ru/", 1)
    assert russian in client.get(ru_url).content.decode()


def test_the_request_form_chooses_the_only_organisation_of_its_author(client):
    member, organisation = member_organisation()
    client.force_login(member)
    page = client.get(reverse("twinning:create")).content.decode()
    assert f'<option value="{organisation.pk}" selected>' in page
    assert "---------" not in page.split('name="organisation"', 1)[1].split("</select>", 1)[0]


def _request_form_data(organisation_pk: int, **overrides: object) -> dict[str, object]:
    values = request_values()
    data: dict[str, object] = {
        "organisation": organisation_pk,
        "title_en": "Smart grid twinning",
        "objectives_en": "Build capacity.",
        "activities": values["activities"],
        "partner_side": "ru",
        "partners_wanted": "1",
        "countries_min": "1",
        "response_deadline": values["response_deadline"].isoformat(),
    }
    data.update(overrides)
    return data


def _field_errors(page: str, name: str) -> str:
    """The error list Django draws for the field ``name`` (empty when it has none)."""
    marker = f'id="id_{name}_error"'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The number of countries cannot exceed the number of partners."),
        ("ru", "Число стран не может быть больше числа партнёров."),
    ],
)
def test_more_countries_than_partners_is_an_error_on_the_countries_field(client, lang, message):
    """Not the raw 'Constraint … is violated' at the top of the form: the translated rule, on
    the field the author has to change."""
    author, organisation = member_organisation()
    client.force_login(author)
    url = reverse("twinning:create").replace("/en/", f"/{lang}/", 1)
    response = client.post(
        url, _request_form_data(organisation.pk, partners_wanted="1", countries_min="3")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in _field_errors(page, "countries_min")
    assert "twinning_request_countries_le_partners" not in page
    assert not TwinningRequest.objects.exists()


def test_the_countries_constraint_speaks_the_rule_not_its_name():
    """The check constraint itself (as the admin or any model validation meets it) gives the
    translated rule with its code."""
    request = draft_request(partners_wanted=2, countries_min=2)
    request.countries_min = 3
    for lang, message in (
        ("en", "The number of countries cannot exceed the number of partners."),
        ("ru", "Число стран не может быть больше числа партнёров."),
    ):
        with translation.override(lang), pytest.raises(ValidationError) as excinfo:
            request.validate_constraints()
        (error,) = excinfo.value.error_dict[NON_FIELD_ERRORS]
        assert error.code == "countries_gt_partners"
        assert error.messages == [message]


def test_partner_side_is_a_required_choice_without_a_blank_radio(client):
    author, organisation = member_organisation()
    client.force_login(author)
    page = client.get(reverse("twinning:create")).content.decode()
    group = page.split('id="id_partner_side"', 1)[1].split("</fieldset>", 1)[0]
    radios = group.split('name="partner_side"')[1:]
    assert [r.split('value="', 1)[1].split('"', 1)[0] for r in radios] == Side.values
    assert "---------" not in group
    assert "checked" not in group
    data = _request_form_data(organisation.pk)
    del data["partner_side"]
    page = client.post(reverse("twinning:create"), data).content.decode()
    assert "This field is required." in _field_errors(page, "partner_side")
    assert not TwinningRequest.objects.exists()


@pytest.mark.parametrize("name", ["partners_wanted", "countries_min", "duration_months"])
def test_numbers_below_the_minimum_get_one_message(client, name):
    """-2 and 0 are refused alike, with the model's minimum (1), and the input shows it."""
    author, organisation = member_organisation()
    client.force_login(author)
    page = client.get(reverse("twinning:create")).content.decode()
    field = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
    assert 'min="1"' in field
    for typed in ("-2", "0"):
        data = _request_form_data(organisation.pk, **{name: typed})
        page = client.post(reverse("twinning:create"), data).content.decode()
        errors = _field_errors(page, name)
        assert "Ensure this value is greater than or equal to 1." in errors, typed
        assert "greater than or equal to 0" not in page
    assert not TwinningRequest.objects.exists()


def test_the_list_of_requests_has_the_portals_page_numbers_and_keeps_its_filters(client):
    """The twinning list had its own pagination: "Page 2 of 3" between Previous and Next, no
    way to reach a page but the next one. It now has the portal's (``portal.pagination``):
    every page number near the current one, each link keeping the list's filters."""
    author, organisation = member_organisation(code="DE")
    for i in range(45):
        published_request(author=author, organisation=organisation, title_en=f"Grid twinning {i}")
    published_request(
        author=author, organisation=organisation, title_en="EU side", partner_side=Side.EU
    )
    page = client.get("/en/twinning/", {"side": Side.RUSSIA, "page": 2}).content.decode()
    assert '<nav class="pagination" aria-label="Pages of results">' in page
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2<' in page
    for number in (1, 3):
        assert (
            f'<a href="?side=ru&amp;page={number}"><span class="visually-hidden">Page </span>'
            f"{number}</a>"
        ) in page
    assert 'href="?side=ru&amp;page=3" rel="next"' in page
    last = client.get("/en/twinning/", {"side": Side.RUSSIA, "page": 3}).content.decode()
    assert last.count("Grid twinning") == 5
    assert "EU side" not in last

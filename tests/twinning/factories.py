"""Twinning rows made through the services, as people make them: a member of an organisation
writes a draft, submits it, staff publish it; another organisation responds."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from cooperation.models import Organisation
from portal.accounts.models import User
from tests.cooperation.factories import (
    OrganisationFactory,
    country,
    quick_user,
    site_staff_user,
    theme,
)
from twinning import services
from twinning.models import Activity, Side, TwinningRequest, TwinningResponse


def member_organisation(
    *,
    code: str = "DE",
    themes: tuple[str, ...] = ("ENERGY",),
    user: User | None = None,
    **kwargs: Any,
) -> tuple[User, Organisation]:
    """A published organisation in ``code`` and a researcher who is its member."""
    member = user or quick_user()
    organisation = OrganisationFactory(member=member, country=country(code), **kwargs)
    organisation.themes.set([theme(c) for c in themes])
    return member, organisation


def reviewer() -> User:
    email = "twinning-reviewer@example.org"
    return User.objects.filter(email=email).first() or site_staff_user(email=email)


def request_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title_en": "Smart grid capacity building",
        "objectives_en": "Build capacity in converter control with a partner.",
        "activities": [Activity.STAFF_EXCHANGE, Activity.JOINT_LAB],
        "partner_side": Side.RUSSIA,
        "partner_types": [],
        "expertise_keywords": "smart grids, power electronics",
        "partners_wanted": 1,
        "countries_min": 1,
        "response_deadline": timezone.localdate() + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return values


def draft_request(
    *,
    author: User | None = None,
    organisation: Organisation | None = None,
    themes: tuple[str, ...] = ("ENERGY",),
    **overrides: Any,
) -> TwinningRequest:
    if author is None or organisation is None:
        author, organisation = member_organisation(code="DE", user=author)
    return services.request_create(
        author=author,
        organisation=organisation,
        themes=[theme(c) for c in themes],
        **request_values(**overrides),
    )


def published_request(**kwargs: Any) -> TwinningRequest:
    request = draft_request(**kwargs)
    services.request_submit(request=request, user=request.author)
    return services.request_publish(request=request, reviewer=reviewer())


def sent_response(request: TwinningRequest, *, code: str = "RU", **kwargs: Any) -> TwinningResponse:
    author, organisation = member_organisation(code=code)
    return services.response_create(
        request=request,
        author=author,
        organisation=organisation,
        motivation=kwargs.get("motivation", "We run a micro-grid test site."),
        contribution=kwargs.get("contribution", "Two researchers and the test site."),
    )

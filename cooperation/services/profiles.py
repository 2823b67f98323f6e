"""Every write on researcher profiles: a user creates and edits their own, and nobody else's."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import indexing
from cooperation.models import Organisation, ResearcherProfile
from cooperation.selectors.offers import profile_organisation_choices
from portal.accounts.models import User
from portal.reference.models import ThematicPriority

_ORCID_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:sandbox\.)?orcid\.org/", re.IGNORECASE)
_ORCID_SHAPE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_normalise(value: str) -> str:
    """Accept ``https://orcid.org/0000-…``, spaces around, a lower-case x; return the bare iD."""
    value = _ORCID_URL_PREFIX.sub("", value.strip()).strip().upper()
    if re.fullmatch(r"\d{15}[\dX]", value):
        value = "-".join(value[i : i + 4] for i in range(0, 16, 4))
    return value


def orcid_checksum_is_valid(value: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an ORCID iD (``0000-0002-1825-0097`` is valid)."""
    if not _ORCID_SHAPE.match(value):
        return False
    digits = value.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    check = "X" if result == 10 else str(result)
    return digits[-1] == check


def _orcid_validate(value: str | None) -> None:
    if value and not orcid_checksum_is_valid(value):
        raise ValidationError(
            {
                "orcid": ValidationError(
                    _("This is not a valid ORCID iD: its check digit does not match."),
                    code="orcid_checksum",
                )
            }
        )


@transaction.atomic
def researcher_profile_save(
    *,
    user: User,
    organisation: Organisation | None = None,
    position: str = "",
    themes: Iterable[ThematicPriority] = (),
    keywords: str = "",
    orcid: str | None = None,
    visibility: str = ResearcherProfile.Visibility.MEMBERS,
) -> ResearcherProfile:
    """Create the user's profile or update it."""
    orcid = orcid_normalise(orcid) if orcid else None
    _orcid_validate(orcid)
    if (
        organisation is not None
        and not Organisation.objects.filter(profile_organisation_choices(user=user))
        .filter(pk=organisation.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("Choose a published organisation or one you are a member of."),
                    code="not_allowed",
                )
            }
        )
    now = timezone.now()
    profile = ResearcherProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if profile is None:
        profile = ResearcherProfile(user=user, created_at=now)
    profile.organisation = organisation
    profile.position = position
    profile.keywords = keywords
    profile.orcid = orcid
    profile.visibility = visibility
    profile.updated_at = now
    profile.full_clean()
    try:
        with transaction.atomic():
            if created:
                profile.save()
            else:
                profile.save(
                    update_fields=[
                        "organisation",
                        "position",
                        "keywords",
                        "orcid",
                        "visibility",
                        "updated_at",
                    ]
                )
    except IntegrityError as exc:
        raise ValidationError(
            {"orcid": ValidationError(_("Another profile has this ORCID iD."), code="unique")}
        ) from exc
    profile.themes.set(list(themes))
    indexing.researcher_index(ids=[profile.pk])
    return profile

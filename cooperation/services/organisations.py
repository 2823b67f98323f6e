"""Every write on organisations.

Any logged-in user may create an organisation; it starts as a draft with its creator as its only
member and becomes public when site staff publish it. Members keep editing it once published.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import indexing, permissions
from cooperation.models import Organisation
from cooperation.selectors.partners import ORGANISATION_LIST, invalidate_browse_summaries
from cooperation.services.offers import WorkflowError
from portal.accounts.models import User
from portal.reference.models import Country, FederalSubject, ThematicPriority

RUSSIA = "RU"

EDITABLE_FIELDS = (
    "name",
    "name_alt",
    "short_name",
    "type",
    "country",
    "federal_subject",
    "city",
    "website",
    "description_en",
    "description_ru",
    "keywords",
    "pic",
    "ror",
)


def organisation_location_validate(
    *, country: Country | None, federal_subject: FederalSubject | None
) -> None:
    """A Russian organisation names its federal subject; any other names none.

    The rule of ``Organisation``: the form and the services both apply it (see the report on
    adding it to ``Organisation.clean()`` as well).
    """
    if country is None:
        return
    if country.code == RUSSIA and federal_subject is None:
        raise ValidationError(
            {
                "federal_subject": ValidationError(
                    _("Choose the federal subject of an organisation in Russia."),
                    code="federal_subject_required",
                )
            }
        )
    if country.code != RUSSIA and federal_subject is not None:
        raise ValidationError(
            {
                "federal_subject": ValidationError(
                    _("Only organisations in Russia have a federal subject."),
                    code="federal_subject_not_allowed",
                )
            }
        )


def _save_checked(organisation: Organisation, update_fields: list[str] | None) -> None:
    """Validate and save; a unique PIC/ROR taken by a concurrent write becomes a form error."""
    organisation.full_clean(exclude=["members", "themes"])
    organisation_location_validate(
        country=organisation.country, federal_subject=organisation.federal_subject
    )
    try:
        with transaction.atomic():
            organisation.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ValidationError(
            _("Another organisation already has this PIC or ROR identifier."), code="unique"
        ) from exc


def organisation_list_invalidate() -> None:
    """Start a new generation of the cached organisation-list totals and facets.

    Every service that writes organisations calls this (bulk writes too); other writes through
    the ORM (the shell) show within ``ORGANISATION_LIST.browse_cache_seconds``.
    """
    invalidate_browse_summaries(ORGANISATION_LIST.cache_namespace)


def _reindex(organisation: Organisation) -> None:
    """The organisation's names also feed the search text of its researchers and offers."""
    indexing.organisation_index(ids=[organisation.pk])
    researcher_ids = list(organisation.researchers.values_list("pk", flat=True))
    if researcher_ids:
        indexing.researcher_index(ids=researcher_ids)
    offer_ids = list(organisation.offers.values_list("pk", flat=True))
    if offer_ids:
        indexing.offer_index(ids=offer_ids)


@transaction.atomic
def organisation_create(
    *,
    user: User,
    name: str,
    type: str,
    country: Country,
    name_alt: str = "",
    short_name: str = "",
    federal_subject: FederalSubject | None = None,
    city: str = "",
    website: str = "",
    description_en: str = "",
    description_ru: str = "",
    themes: Iterable[ThematicPriority] = (),
    keywords: str = "",
    pic: str | None = None,
    ror: str | None = None,
) -> Organisation:
    """A draft organisation with ``user`` as its first member."""
    now = timezone.now()
    organisation = Organisation(
        name=name,
        name_alt=name_alt,
        short_name=short_name,
        type=type,
        country=country,
        federal_subject=federal_subject,
        city=city,
        website=website,
        description_en=description_en,
        description_ru=description_ru,
        keywords=keywords,
        pic=pic or None,
        ror=ror or None,
        status=Organisation.Status.DRAFT,
        created_at=now,
        updated_at=now,
    )
    _save_checked(organisation, update_fields=None)
    organisation.themes.set(list(themes))
    organisation.members.add(user)
    indexing.organisation_index(ids=[organisation.pk])
    organisation_list_invalidate()
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name: str,
    type: str,
    country: Country,
    name_alt: str = "",
    short_name: str = "",
    federal_subject: FederalSubject | None = None,
    city: str = "",
    website: str = "",
    description_en: str = "",
    description_ru: str = "",
    themes: Iterable[ThematicPriority] = (),
    keywords: str = "",
    pic: str | None = None,
    ror: str | None = None,
    by: User,
) -> Organisation:
    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("Only the organisation's members and site staff can edit it."))
    organisation.name = name
    organisation.name_alt = name_alt
    organisation.short_name = short_name
    organisation.type = type
    organisation.country = country
    organisation.federal_subject = federal_subject
    organisation.city = city
    organisation.website = website
    organisation.description_en = description_en
    organisation.description_ru = description_ru
    organisation.keywords = keywords
    organisation.pic = pic or None
    organisation.ror = ror or None
    organisation.updated_at = timezone.now()
    _save_checked(organisation, update_fields=[*EDITABLE_FIELDS, "updated_at"])
    organisation.themes.set(list(themes))
    _reindex(organisation)
    organisation_list_invalidate()
    return organisation


@transaction.atomic
def organisation_publish(*, organisation: Organisation, by: User) -> Organisation:
    """Draft → published; site staff decide."""
    if not permissions.can_publish_organisations(by):
        raise PermissionDenied(_("Only site staff publish organisations."))
    now = timezone.now()
    changed = Organisation.objects.filter(
        pk=organisation.pk, status=Organisation.Status.DRAFT
    ).update(status=Organisation.Status.PUBLISHED, updated_at=now)
    if not changed:
        raise WorkflowError(_("Only a draft organisation can be published."), code="not_draft")
    organisation.status = Organisation.Status.PUBLISHED
    organisation.updated_at = now
    organisation_list_invalidate()
    return organisation


@transaction.atomic
def organisation_memberships_remove(*, user: User) -> int:
    """The user leaves every organisation; the organisations stay (they are institutional data)."""
    through = Organisation.members.through
    deleted, _rows = through.objects.filter(user_id=user.pk).delete()
    return deleted

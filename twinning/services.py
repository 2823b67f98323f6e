"""Every write on twinning requests, responses, partnerships, outcome reports and fit alerts.

Request workflow: draft → submitted (a member of the requesting organisation) → published (site
or NCP staff, never the author; or sent back to draft with a reason) → negotiation (a response is
shortlisted) → matched (a response accepted: the partnership is created) → closed; withdrawn by
the requester from any open state; expired (beat task) when a published request's deadline for
responses has passed. Transitions are conditional UPDATEs on the expected status, so a repeated
or concurrent request changes nothing and gets a ``WorkflowError`` (code and translated message).
Mail is queued in the outbox in the same transaction (``twinning.notifications``).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import FundingCall, Organisation
from portal import bilingual
from portal.accounts.models import User
from portal.errors import StateError
from portal.reference.models import ThematicPriority
from twinning import notifications, permissions
from twinning.indexing import request_index
from twinning.models import (
    Activity,
    FitAlert,
    FitAlertSent,
    OutcomeReport,
    Partnership,
    TwinningRequest,
    TwinningResponse,
    countries_min_error,
)

Status = TwinningRequest.Status
ResponseStatus = TwinningResponse.Status

OPEN_FOR_RESPONSES = (Status.PUBLISHED, Status.NEGOTIATION)
WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED, Status.NEGOTIATION)
CLOSABLE = (Status.PUBLISHED, Status.NEGOTIATION, Status.MATCHED)

TEXT_LIMITS = {
    **dict.fromkeys(bilingual.localized_names("title"), 200),
    **dict.fromkeys(bilingual.localized_names("research_area"), 200),
    **dict.fromkeys(bilingual.localized_names("objectives"), 10000),
    "expertise_keywords": 500,
    "contact_phone": 40,
    "motivation": 6000,
    "contribution": 6000,
    "notes": 6000,
    "reason": 4000,
}

REQUEST_FIELDS = (
    "organisation",
    *bilingual.localized_names("title", "research_area", "objectives"),
    "activities",
    "partner_side",
    "partner_types",
    "expertise_keywords",
    "partners_wanted",
    "countries_min",
    "duration_months",
    "call",
    "response_deadline",
    "contact_person",
    "contact_phone",
)


class WorkflowError(StateError):
    """A transition the object's state (or the person's part in it) does not allow."""


def _length_errors(values: dict[str, Any]) -> dict[str, list[ValidationError]]:
    return {
        name: [
            ValidationError(
                _("At most %(limit)d characters (this has %(length)d)."),
                code="max_length",
                params={"limit": limit, "length": len(values[name])},
            )
        ]
        for name, limit in TEXT_LIMITS.items()
        if isinstance(values.get(name), str) and len(values[name]) > limit
    }


def _check_lengths(values: dict[str, Any]) -> None:
    errors = _length_errors(values)
    if errors:
        raise ValidationError(errors)


def _validate_request(*, author: User, values: dict[str, Any]) -> None:
    errors = _length_errors(values)

    def add(field: str, message: Any, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    organisation: Organisation | None = values.get("organisation")
    org_ids = permissions.organisation_ids(author)
    if organisation is None or organisation.pk not in org_ids:
        add("organisation", _("Choose one of your organisations."), "not_yours")
    for name, message in (
        ("title", _("Give the title in English or Russian (or both).")),
        ("objectives", _("Give the objectives in English or Russian (or both).")),
    ):
        texts = {key: values.get(key, "") for key in bilingual.localized_names(name)}
        if not bilingual.require_one_language(texts, name) and f"{name}_en" not in errors:
            add(f"{name}_en", message, "required")
    activities = list(values.get("activities") or [])
    if not activities:
        add("activities", _("Choose at least one activity."), "required")
    elif set(activities) - set(Activity.values):
        add("activities", _("Unknown activity."), "invalid_choice")
    if set(values.get("partner_types") or []) - set(Organisation.Type.values):
        add("partner_types", _("Unknown organisation type."), "invalid_choice")
    deadline = values.get("response_deadline")
    today = timezone.localdate()
    if deadline is None:
        add("response_deadline", _("Give the deadline for responses."), "required")
    elif deadline <= today:
        add("response_deadline", _("The deadline for responses must be in the future."), "past")
    elif deadline > today + datetime.timedelta(days=366 * 2):
        add(
            "response_deadline",
            _("The deadline for responses can be at most two years ahead."),
            "too_late",
        )
    countries_error = countries_min_error(
        partners_wanted=values.get("partners_wanted") or 1,
        countries_min=values.get("countries_min") or 1,
    )
    if countries_error is not None:
        errors.setdefault("countries_min", []).append(countries_error)
    call: FundingCall | None = values.get("call")
    if call is not None and call.closes_at is not None and call.closes_at < timezone.now():
        add("call", _("This call has closed."), "call_closed")
    contact: User | None = values.get("contact_person")
    if (
        contact is not None
        and organisation is not None
        and contact.pk != author.pk
        and organisation.pk not in permissions.organisation_ids(contact)
    ):
        add(
            "contact_person", _("The contact person must belong to the organisation."), "not_member"
        )
    if errors:
        raise ValidationError(errors)


def _apply(request: TwinningRequest, values: dict[str, Any]) -> None:
    for name in REQUEST_FIELDS:
        if name in values:
            value = values[name]
            if name in ("activities", "partner_types"):
                value = sorted(set(value or []))
            if isinstance(value, str):
                value = value.strip()
            setattr(request, name, value)
    request.partners_wanted = request.partners_wanted or 1
    request.countries_min = request.countries_min or 1


def _full_clean(request: TwinningRequest) -> None:
    try:
        request.full_clean(
            exclude=["title", "research_area", "objectives", "organisation", "author"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise ValidationError(exc.error_dict) from exc


@transaction.atomic
def request_create(
    *, author: User, themes: Iterable[ThematicPriority] = (), **values: Any
) -> TwinningRequest:
    """A draft request by ``author`` for one of their organisations."""
    unknown = set(values) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    _validate_request(author=author, values=values)
    now = timezone.now()
    request = TwinningRequest(author=author, status=Status.DRAFT, created_at=now, updated_at=now)
    _apply(request, values)
    if request.contact_person is None:
        request.contact_person = author
    _full_clean(request)
    request.save()
    request.themes.set(list(themes))
    request_index(ids=[request.pk])
    return request


@transaction.atomic
def request_update(
    *,
    request: TwinningRequest,
    user: User,
    themes: Iterable[ThematicPriority] = (),
    **values: Any,
) -> TwinningRequest:
    """Change a draft (a submitted or published request is not edited behind its reviewer)."""
    if not permissions.can_edit_request(user, request):
        raise PermissionDenied(_("Only members of the requesting organisation edit this request."))
    locked = TwinningRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if locked.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft request can be edited."), code="not_draft")
    _validate_request(author=user, values={"organisation": request.organisation, **values})
    _apply(request, values)
    if request.contact_person is None:
        request.contact_person = request.author
    request.updated_at = timezone.now()
    _full_clean(request)
    request.save(update_fields=[*(f for f in REQUEST_FIELDS if f != "organisation"), "updated_at"])
    request.themes.set(list(themes))
    request_index(ids=[request.pk])
    return request


def _transition(
    obj: TwinningRequest,
    *,
    from_statuses: Iterable[str],
    to_status: str,
    error: Any,
    code: str,
    **changes: Any,
) -> TwinningRequest:
    changed = TwinningRequest.objects.filter(pk=obj.pk, status__in=list(from_statuses)).update(
        status=to_status, updated_at=timezone.now(), **changes
    )
    if not changed:
        obj.refresh_from_db(fields=["status"])
        raise WorkflowError(error, code=code)
    obj.status = to_status
    for field, value in changes.items():
        setattr(obj, field, value)
    return obj


def _require_reviewer(reviewer: User, request: TwinningRequest) -> None:
    if request.author_id == reviewer.pk:
        raise PermissionDenied(_("You cannot review your own request."))
    if not permissions.can_review_requests(reviewer):
        raise PermissionDenied(_("Only site staff and NCP staff review twinning requests."))


@transaction.atomic
def request_submit(*, request: TwinningRequest, user: User) -> TwinningRequest:
    if not permissions.can_edit_request(user, request):
        raise PermissionDenied(_("Only members of the requesting organisation submit it."))
    if request.response_deadline <= timezone.localdate():
        raise WorkflowError(
            _("The deadline for responses has passed; set a later one first."), code="deadline_past"
        )
    return _transition(
        request,
        from_statuses=[Status.DRAFT],
        to_status=Status.SUBMITTED,
        error=_("Only a draft request can be submitted for review."),
        code="not_draft",
        submitted_at=timezone.now(),
        review_reason="",
    )


@transaction.atomic
def request_publish(*, request: TwinningRequest, reviewer: User) -> TwinningRequest:
    """Submitted → published. The author gets an e-mail; after commit, the organisations the
    request fits are alerted (``twinning.tasks.fit_alerts_send``)."""
    _require_reviewer(reviewer, request)
    if request.response_deadline < timezone.localdate():
        raise WorkflowError(
            _("The deadline for responses has passed; send the request back to its author."),
            code="deadline_past",
        )
    now = timezone.now()
    _transition(
        request,
        from_statuses=[Status.SUBMITTED],
        to_status=Status.PUBLISHED,
        error=_("Only a request submitted for review can be published."),
        code="not_submitted",
        published_at=now,
        reviewed_by=reviewer,
        review_reason="",
    )
    notifications.request_reviewed_queue(request=request, decision="published", reason="", at=now)
    from twinning.tasks import fit_alerts_send

    request_id = request.pk
    transaction.on_commit(lambda: fit_alerts_send.delay(request_id=request_id))
    return request


@transaction.atomic
def request_send_back(*, request: TwinningRequest, reviewer: User, reason: str) -> TwinningRequest:
    """Submitted → draft with the reviewer's reason, which the author receives by e-mail."""
    _require_reviewer(reviewer, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the author what to change.")}, code="required")
    _check_lengths({"reason": reason})
    now = timezone.now()
    _transition(
        request,
        from_statuses=[Status.SUBMITTED],
        to_status=Status.DRAFT,
        error=_("Only a request submitted for review can be sent back."),
        code="not_submitted",
        reviewed_by=reviewer,
        review_reason=reason,
    )
    notifications.request_reviewed_queue(
        request=request, decision="returned", reason=reason, at=now
    )
    return request


@transaction.atomic
def request_withdraw(*, request: TwinningRequest, user: User) -> TwinningRequest:
    if not permissions.can_edit_request(user, request):
        raise PermissionDenied(_("Only members of the requesting organisation withdraw it."))
    return _transition(
        request,
        from_statuses=WITHDRAWABLE,
        to_status=Status.WITHDRAWN,
        error=_("This request can no longer be withdrawn."),
        code="not_open",
        closed_at=timezone.now(),
    )


@transaction.atomic
def request_close(*, request: TwinningRequest, user: User) -> TwinningRequest:
    """The requester closes the request: it takes no more responses (partnerships stay)."""
    if not permissions.can_edit_request(user, request):
        raise PermissionDenied(_("Only members of the requesting organisation close it."))
    return _transition(
        request,
        from_statuses=CLOSABLE,
        to_status=Status.CLOSED,
        error=_("Only a published, negotiated or matched request can be closed."),
        code="not_open",
        closed_at=timezone.now(),
    )


def requests_expire(*, today: datetime.date | None = None) -> int:
    """Published requests whose deadline for responses has passed expire. Safe to run twice:
    it acts only on rows still published."""
    today = today or timezone.localdate()
    return TwinningRequest.objects.filter(
        status=Status.PUBLISHED, response_deadline__lt=today
    ).update(status=Status.EXPIRED, closed_at=timezone.now(), updated_at=timezone.now())


# -- responses ---------------------------------------------------------------------------------


def response_create(
    *,
    request: TwinningRequest,
    author: User,
    organisation: Organisation | None,
    motivation: str,
    contribution: str,
    contact_phone: str = "",
) -> TwinningResponse:
    """A member of another organisation answers a published request, once per organisation."""
    values = {
        "motivation": (motivation or "").strip(),
        "contribution": (contribution or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
    }
    _check_lengths(values)
    if organisation is None or organisation.pk not in permissions.organisation_ids(author):
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("Choose one of your organisations."), code="not_yours"
                )
            }
        )
    if organisation.pk == request.organisation_id or request.author_id == author.pk:
        raise ValidationError(
            _("You cannot respond to your own organisation's request."), code="own_request"
        )
    if request.status not in OPEN_FOR_RESPONSES or request.response_deadline < timezone.localdate():
        raise ValidationError(_("This request no longer takes responses."), code="not_open")
    missing = {
        name: ValidationError(_("This field is required."), code="required")
        for name in ("motivation", "contribution")
        if not values[name]
    }
    if missing:
        raise ValidationError(missing)
    response = TwinningResponse(
        request=request,
        organisation=organisation,
        author=author,
        status=ResponseStatus.PENDING,
        created_at=timezone.now(),
        **values,
    )
    try:
        with transaction.atomic():
            response.save()  # the (request, organisation) constraint decides a race
            notifications.response_received_queue(response=response)
    except IntegrityError as exc:
        raise ValidationError(
            _("Your organisation has already responded to this request."), code="duplicate"
        ) from exc
    return response


def _locked_response(response: TwinningResponse) -> tuple[TwinningResponse, TwinningRequest]:
    locked = (
        TwinningResponse.objects.select_for_update(of=("self",))
        .select_related("request__author", "request__contact_person", "author")
        .get(pk=response.pk)
    )
    request = TwinningRequest.objects.select_for_update(of=("self",)).get(pk=locked.request_id)
    return locked, request


def _require_decider(user: User, response: TwinningResponse) -> None:
    if not permissions.can_decide_response(user, response):
        raise PermissionDenied(_("Only the requester answers responses to this request."))


@transaction.atomic
def response_shortlist(*, response: TwinningResponse, user: User) -> TwinningResponse:
    """Pending → shortlisted; the request goes into negotiation."""
    _require_decider(user, response)
    locked, request = _locked_response(response)
    if locked.status != ResponseStatus.PENDING:
        raise WorkflowError(_("Only a pending response can be shortlisted."), code="not_pending")
    if request.status not in OPEN_FOR_RESPONSES:
        raise WorkflowError(_("This request is no longer open."), code="not_open")
    locked.status = ResponseStatus.SHORTLISTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    if request.status == Status.PUBLISHED:
        _transition(
            request,
            from_statuses=[Status.PUBLISHED],
            to_status=Status.NEGOTIATION,
            error=_("This request is no longer open."),
            code="not_open",
        )
    notifications.response_decided_queue(response=locked)
    return locked


@transaction.atomic
def response_accept(
    *, response: TwinningResponse, user: User, starts_on: datetime.date | None = None
) -> Partnership:
    """Pending or shortlisted → accepted: the partnership is created, the request is matched,
    both sides are told (and now see each other's contact details)."""
    _require_decider(user, response)
    locked, request = _locked_response(response)
    if locked.status not in (ResponseStatus.PENDING, ResponseStatus.SHORTLISTED):
        raise WorkflowError(_("This response has already been answered."), code="answered")
    if request.status not in (*OPEN_FOR_RESPONSES, Status.MATCHED):
        raise WorkflowError(_("This request is no longer open."), code="not_open")
    accepted = request.partnerships.count()
    if accepted >= request.partners_wanted:
        raise WorkflowError(
            _("You have already accepted as many partners as the request seeks."), code="full"
        )
    now = timezone.now()
    locked.status = ResponseStatus.ACCEPTED
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_at"])
    starts = starts_on or timezone.localdate(now)
    ends = None
    if request.duration_months:
        ends = starts + datetime.timedelta(days=round(request.duration_months * 30.44))
    partnership = Partnership.objects.create(
        request=request,
        response=locked,
        requesting_organisation_id=request.organisation_id,
        partner_organisation_id=locked.organisation_id,
        activities=list(request.activities),
        starts_on=starts,
        ends_on=ends,
        created_at=now,
    )
    if request.status != Status.MATCHED:
        _transition(
            request,
            from_statuses=OPEN_FOR_RESPONSES,
            to_status=Status.MATCHED,
            error=_("This request is no longer open."),
            code="not_open",
        )
    notifications.response_decided_queue(response=locked)
    notifications.partner_accepted_queue(response=locked)
    response.status, response.decided_at = locked.status, locked.decided_at
    return partnership


@transaction.atomic
def response_decline(*, response: TwinningResponse, user: User) -> TwinningResponse:
    _require_decider(user, response)
    locked, _request = _locked_response(response)
    if locked.status not in (ResponseStatus.PENDING, ResponseStatus.SHORTLISTED):
        raise WorkflowError(_("This response has already been answered."), code="answered")
    locked.status = ResponseStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    notifications.response_decided_queue(response=locked)
    response.status, response.decided_at = locked.status, locked.decided_at
    return locked


# -- partnerships --------------------------------------------------------------------------------


def outcome_report_create(
    *,
    partnership: Partnership,
    user: User,
    exchanges_done: int = 0,
    joint_publications: int = 0,
    joint_proposals: int = 0,
    funding_won: decimal.Decimal | int = 0,
    notes: str = "",
) -> OutcomeReport:
    """A member of either organisation reports what the partnership achieved."""
    if not permissions.is_partnership_member(user, partnership):
        raise PermissionDenied(_("Only members of the two organisations report outcomes."))
    notes = (notes or "").strip()
    _check_lengths({"notes": notes})
    report = OutcomeReport(
        partnership=partnership,
        reported_by=user,
        exchanges_done=exchanges_done or 0,
        joint_publications=joint_publications or 0,
        joint_proposals=joint_proposals or 0,
        funding_won=decimal.Decimal(funding_won or 0),
        notes=notes,
        reported_at=timezone.now(),
    )
    report.full_clean(exclude=["partnership", "reported_by"])
    if not any(
        (
            report.exchanges_done,
            report.joint_publications,
            report.joint_proposals,
            report.funding_won,
            notes,
        )
    ):
        raise ValidationError(_("Report at least one outcome or a note."), code="empty")
    report.save()
    return report


# -- fit alerts ----------------------------------------------------------------------------------


def fit_alert_set(*, user: User, organisation: Organisation, enabled: bool) -> bool:
    """Opt in to (or out of) an e-mail when a newly published request fits ``organisation``."""
    if organisation.pk not in permissions.organisation_ids(user):
        raise PermissionDenied(_("You are not a member of this organisation."))
    if enabled:
        FitAlert.objects.get_or_create(organisation=organisation, user=user)
    else:
        FitAlert.objects.filter(organisation=organisation, user=user).delete()
    return enabled


def fit_alerts_send(*, request_id: int) -> int:
    """E-mail the opted-in members of each organisation the published request fits, once per
    request and organisation (``FitAlertSent`` is written in the same transaction as the mails).
    Returns the number of mails queued; a second run queues none."""
    from twinning.matching import organisations_to_alert

    request = (
        TwinningRequest.objects.filter(pk=request_id, status__in=OPEN_FOR_RESPONSES)
        .select_related("organisation")
        .first()
    )
    if request is None:
        return 0
    organisation_ids = [
        pk for pk in organisations_to_alert(request=request) if pk != request.organisation_id
    ]
    if not organisation_ids:
        return 0
    alerts: dict[int, list[User]] = {}
    for alert in FitAlert.objects.filter(organisation_id__in=organisation_ids).select_related(
        "user"
    ):
        if alert.user.is_active:
            alerts.setdefault(alert.organisation_id, []).append(alert.user)
    queued = 0
    for organisation_id, users in sorted(alerts.items()):
        with transaction.atomic():
            _row, created = FitAlertSent.objects.get_or_create(
                request=request, organisation_id=organisation_id
            )
            if created:
                queued += notifications.fit_alerts_queue(
                    request=request, users=users, organisation_id=organisation_id
                )
    return queued

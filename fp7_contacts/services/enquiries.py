"""Enquiries: a researcher's question, routed to a contact point, answered by its staff.

Every mail goes through the outbox (``portal.mail``), queued in the transaction of the change.
Permissions (``fp7_contacts.permissions``) are checked here, so no page, forged POST or task
can skip them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fp7_contacts import notifications, permissions
from fp7_contacts.deadlines import (
    OPEN_STATUSES,
    answer_working_days,
    is_overdue,
    working_days_after,
)
from fp7_contacts.models import ContactPoint, Enquiry, EnquiryMessage
from fp7_contacts.services import routing
from portal.errors import StateError
from portal.mail.language import recipient_language
from portal.mail.services import MailSpec, mail_queue_many
from portal.reference.models import FederalSubject, ThematicPriority

QUESTION_MAX = 5000
ANSWER_MAX = 10000
NOTE_MAX = 2000


def _check_length(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(
            {field: ValidationError(_("This field is required."), code="required")}
        )
    if len(value) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Keep it to %(limit)s characters (it has %(length)s)."),
                    code="max_length",
                    params={"limit": limit, "length": len(value)},
                )
            }
        )
    return value


def _staff_mails(*, point: ContactPoint, enquiry: Enquiry, kind: str, key: str) -> list[MailSpec]:
    return [
        MailSpec(
            kind=kind,
            to=user.email,
            language=recipient_language(user=user),
            key=f"{key}:{user.pk}",
            about=enquiry,
            context={"user_id": user.pk, "point_id": point.pk},
        )
        for user in point.staff.filter(is_active=True).order_by("pk")
    ]


@transaction.atomic
def enquiry_create(
    *,
    author: Any,
    subject: FederalSubject | None,
    theme: ThematicPriority | None,
    title: str,
    question: str,
    language: str = "en",
) -> Enquiry:
    """A researcher's enquiry, routed by the rule of the directory; its point's staff are told."""
    if not getattr(author, "is_authenticated", False):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if subject is None:
        errors["subject"] = ValidationError(
            _("Choose your region: it decides which contact point answers."), code="required"
        )
    if theme is None:
        errors["theme"] = ValidationError(_("Choose the theme of your question."), code="required")
    if errors:
        raise ValidationError(errors)
    assert subject is not None  # noqa: S101 - checked above
    assert theme is not None  # noqa: S101 - checked above
    title = _check_length("title", title, 200)
    question = _check_length("question", question, QUESTION_MAX)
    found = routing.route(subject=subject, theme_id=theme.pk)
    enquiry = Enquiry.objects.create(
        author=author,
        subject=subject,
        theme=theme,
        title=title,
        question=question,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        point_id=found.point_id,
        routed_by=found.routed_by,
    )
    if enquiry.point_id is not None:
        point = ContactPoint.objects.get(pk=enquiry.point_id)
        mail_queue_many(
            mails=_staff_mails(
                point=point,
                enquiry=enquiry,
                kind=notifications.KIND_ENQUIRY_NEW,
                key=f"fp7.enquiry.new:{enquiry.pk}:{point.pk}",
            )
        )
    return enquiry


def _locked(enquiry: Enquiry) -> Enquiry:
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("point", "author")
        .get(pk=enquiry.pk)
    )


@transaction.atomic
def enquiry_answer(*, enquiry: Enquiry, by: Any, text: str) -> EnquiryMessage:
    """An answer by the point's staff; the researcher gets it by e-mail and on the page."""
    current = _locked(enquiry)
    if not permissions.can_handle_enquiry(by, current):
        raise PermissionDenied
    if current.status == Enquiry.Status.CLOSED:
        raise StateError(_("This enquiry is closed. Reopen it to answer."), code="closed")
    text = _check_length("text", text, ANSWER_MAX)
    now = timezone.now()
    message = EnquiryMessage.objects.create(
        enquiry=current,
        kind=EnquiryMessage.Kind.ANSWER,
        by=by,
        at=now,
        text=text,
        from_point=current.point,
    )
    current.status = Enquiry.Status.ANSWERED
    fields = ["status"]
    if current.first_answered_at is None:
        current.first_answered_at = now
        fields.append("first_answered_at")
    current.save(update_fields=fields)
    mail_queue_many(
        mails=[
            MailSpec(
                kind=notifications.KIND_ENQUIRY_ANSWERED,
                to=current.author.email,
                language=recipient_language(user=current.author, fallback=current.language),
                key=f"fp7.enquiry.answered:{message.pk}",
                about=current,
                context={"message_id": message.pk},
            )
        ]
    )
    return message


@transaction.atomic
def enquiry_reassign(
    *, enquiry: Enquiry, by: Any, point: ContactPoint, note: str
) -> EnquiryMessage:
    """Hand the enquiry to another (active) point with a note; its staff are told."""
    current = _locked(enquiry)
    if not permissions.can_handle_enquiry(by, current):
        raise PermissionDenied
    if current.status == Enquiry.Status.CLOSED:
        raise StateError(_("This enquiry is closed."), code="closed")
    note = _check_length("note", note, NOTE_MAX)
    target = ContactPoint.objects.filter(pk=point.pk, active=True).first()
    if target is None:
        raise ValidationError(
            {"point": ValidationError(_("Choose an active contact point."), code="inactive")}
        )
    if target.pk == current.point_id:
        raise ValidationError(
            {
                "point": ValidationError(
                    _("The enquiry is already with this contact point."), code="same"
                )
            }
        )
    message = EnquiryMessage.objects.create(
        enquiry=current,
        kind=EnquiryMessage.Kind.REASSIGN,
        by=by,
        text=note,
        from_point=current.point,
        to_point=target,
    )
    current.point = target
    current.routed_by = Enquiry.RoutedBy.REASSIGNED
    if current.status == Enquiry.Status.IN_PROGRESS:
        current.status = Enquiry.Status.NEW
    current.save(update_fields=["point", "routed_by", "status"])
    mail_queue_many(
        mails=_staff_mails(
            point=target,
            enquiry=current,
            kind=notifications.KIND_ENQUIRY_NEW,
            key=f"fp7.enquiry.new:{current.pk}:{target.pk}:{message.pk}",
        )
    )
    return message


#: who may move an enquiry to which status: the point's staff, and the researcher (close only)
HANDLER_STATUSES = (Enquiry.Status.IN_PROGRESS, Enquiry.Status.CLOSED)


@transaction.atomic
def enquiry_status_set(*, enquiry: Enquiry, by: Any, status: str) -> Enquiry:
    current = _locked(enquiry)
    handler = permissions.can_handle_enquiry(by, current)
    author = getattr(by, "pk", None) == current.author_id
    if not handler and not author:
        raise PermissionDenied
    if status not in Enquiry.Status.values:
        raise ValidationError(
            {"status": ValidationError(_("Choose a status from the list."), code="invalid")}
        )
    if not handler and status != Enquiry.Status.CLOSED:
        raise PermissionDenied
    if handler and status not in HANDLER_STATUSES:
        raise StateError(_("An enquiry is answered by writing an answer."), code="status")
    if status == current.status:
        return current
    current.status = status
    current.closed_at = timezone.now() if status == Enquiry.Status.CLOSED else None
    current.save(update_fields=["status", "closed_at"])
    EnquiryMessage.objects.create(
        enquiry=current, kind=EnquiryMessage.Kind.STATUS, by=by, status=status
    )
    return current


# -- overdue ---------------------------------------------------------------------------------


def enquiries_remind_overdue(*, today: datetime.date | None = None) -> int:
    """Queue a reminder to the staff of each overdue enquiry's point, once a day (idempotent:
    an enquiry reminded today is skipped). Returns the number of enquiries reminded."""
    today = today or timezone.localdate()
    # Any enquiry asked on or after this date cannot be overdue yet.
    latest = today
    while working_days_after(latest, today) <= answer_working_days():
        latest -= datetime.timedelta(days=1)
    reminded = 0
    with transaction.atomic():
        rows = (
            Enquiry.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("point")
            .filter(
                first_answered_at__isnull=True,
                status__in=OPEN_STATUSES,
                point__isnull=False,
                created_at__date__lte=latest,
            )
            .exclude(reminded_on=today)
        )
        for enquiry in rows:
            if not is_overdue(enquiry, today=today):
                continue
            assert enquiry.point is not None  # noqa: S101 - filtered
            mail_queue_many(
                mails=_staff_mails(
                    point=enquiry.point,
                    enquiry=enquiry,
                    kind=notifications.KIND_ENQUIRY_OVERDUE,
                    key=f"fp7.enquiry.overdue:{enquiry.pk}:{today.isoformat()}",
                )
            )
            enquiry.reminded_on = today
            enquiry.save(update_fields=["reminded_on"])
            reminded += 1
    return reminded

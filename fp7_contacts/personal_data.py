"""The contact points' part of "Download my data" and "Delete my account".

Export: the person's enquiries with their answers, the contact points they are staff of, and
the contact-person entries under their e-mail address (with the consent flags). Erase: the
enquiries go with the account (CASCADE), staff assignments too; the contact-person entries under
their address are removed (recorded in the points' history, which names nobody for it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from fp7_contacts.models import ContactPerson, ContactPoint, Enquiry
from fp7_contacts.services.points import contact_persons_forget
from portal.accounts.models import User
from portal.accounts.personal_data import PersonalDataSection, register


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(user: User) -> dict[str, Any]:
    enquiries = (
        Enquiry.objects.filter(author=user)
        .select_related("point", "subject", "theme")
        .prefetch_related("messages")
        .order_by("created_at", "pk")
    )
    return {
        "enquiries": [
            {
                "id": e.pk,
                "title": e.title,
                "question": e.question,
                "subject": e.subject.code,
                "theme": e.theme.code,
                "contact_point": e.point.code if e.point else None,
                "status": e.status,
                "created_at": _iso(e.created_at),
                "answers": [
                    {"text": m.text, "at": _iso(m.at)}
                    for m in e.messages.all()
                    if m.kind == "answer"
                ],
            }
            for e in enquiries
        ],
        "staff_of_contact_points": list(
            ContactPoint.objects.filter(staff=user).order_by("code").values_list("code", flat=True)
        ),
        "contact_person_entries": [
            {
                "contact_point": p.point.code,
                "name": p.name,
                "role": p.role,
                "email": p.email,
                "phone": p.phone,
                "show_email": p.show_email,
                "show_phone": p.show_phone,
                "consent_recorded_at": _iso(p.consent_recorded_at),
            }
            for p in ContactPerson.objects.filter(email__iexact=user.email).select_related("point")
        ],
    }


def _erase(user: User) -> None:
    contact_persons_forget(email=user.email)


def register_sections() -> None:
    register(
        PersonalDataSection(
            key="fp7_contacts",
            label=_("Contact points and enquiries"),
            export=_export,
            erase=_erase,
            order=50,
        )
    )

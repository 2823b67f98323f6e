"""Template helpers of the twinning pages: the translated labels of stored choice lists."""

from __future__ import annotations

from django import template

from cooperation.models import Organisation
from twinning.models import Activity

register = template.Library()


@register.filter
def activity_labels(obj: object) -> list[str]:
    labels = dict(Activity.choices)
    return [str(labels[a]) for a in getattr(obj, "activities", None) or [] if a in labels]


@register.filter
def organisation_type_labels(obj: object) -> list[str]:
    labels = dict(Organisation.Type.choices)
    return [str(labels[t]) for t in getattr(obj, "partner_types", None) or [] if t in labels]

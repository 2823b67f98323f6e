"""Roles are Django groups, created by a data migration. Names are stored in English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESEARCHER = "Researcher", _("Researcher")
    NCP_STAFF = "NCP staff", _("NCP staff")
    EVENT_ORGANISER = "Event organiser", _("Event organiser")
    SITE_STAFF = "Site staff", _("Site staff")


DEFAULT_ROLES = (Role.RESEARCHER,)

# Roles that work in the back office (the Django admin): their members get ``is_staff``, and
# data migrations give their groups the permissions their role allows (role_permissions.py).
BACK_OFFICE_ROLES = frozenset(
    {Role.SITE_STAFF.value, Role.NCP_STAFF.value, Role.EVENT_ORGANISER.value}
)

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# The name under which portal.accounts.backends loads the role names with a request's user.
ROLE_LIST_ANNOTATION = "role_list"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal. The email address is the login."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Event times are also shown in this zone."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of the user's role groups: one query per user object, then none (none at
        all for a request's user, loaded with them by portal.accounts.backends).

        ``user_roles_assign`` forgets it (``forget_roles``) when it changes the roles; a request loads its user
        afresh, so a change made elsewhere is seen from the next request on."""
        loaded = getattr(self, ROLE_LIST_ANNOTATION, None)  # a request's user: no query
        if loaded is not None:
            return frozenset(loaded)
        return frozenset(self.groups.values_list("name", flat=True))

    def forget_roles(self) -> None:
        """After a change of roles: ``role_names`` reads them again on next use."""
        self.__dict__.pop("role_names", None)
        self.__dict__.pop(ROLE_LIST_ANNOTATION, None)

    def has_role(self, role: str) -> bool:
        """Whether the user holds the role (``Role`` member or its name); no query once
        ``role_names`` is loaded."""
        return str(role) in self.role_names

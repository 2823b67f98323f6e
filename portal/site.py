"""The portal's name and domain: settings (``PORTAL_SITE_URL``, ``PORTAL_SITE_NAME_EN``,
``PORTAL_SITE_NAME_RU``) are the truth; the sites framework's Site row, which allauth's mails
read, is kept in step with them by a migration and after every ``migrate`` (post_migrate, see
portal.pages.apps), so a deploy that changes them changes it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language


@dataclass(frozen=True)
class PortalSite:
    """What mail templates read as ``current_site``: the name in the mail's language."""

    name: str
    domain: str


def site_name(language: str | None = None) -> str:
    """The portal's name in ``language`` (default: the active one), else in the default one."""
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    names: dict[str, str] = settings.SITE_NAMES
    return names.get(code) or names[settings.LANGUAGE_CODE]


def subject_prefix(language: str | None = None) -> str:
    """What every mail's subject starts with (account mails and the outbox's): the name."""
    return f"[{site_name(language)}] "


def current_site(language: str | None = None) -> PortalSite:
    return PortalSite(name=site_name(language), domain=settings.SITE_DOMAIN)


def site_sync(*, apps: Any = None, using: str = "default") -> bool:
    """Give the Site row the configured domain and (default-language) name; True if changed."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Site = apps.get_model("sites", "Site")
    wanted = {"domain": settings.SITE_DOMAIN, "name": site_name(settings.LANGUAGE_CODE)}
    site, created = Site.objects.using(using).get_or_create(pk=settings.SITE_ID, defaults=wanted)
    changed = created
    if not created and (site.domain, site.name) != (wanted["domain"], wanted["name"]):
        site.domain, site.name = wanted["domain"], wanted["name"]
        site.save(using=using, update_fields=["domain", "name"])
        changed = True
    if changed:
        from django.contrib.sites.models import Site as LiveSite

        LiveSite.objects.clear_cache()
    return changed

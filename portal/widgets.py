"""Form widgets the portal shares.

``SearchableSelect`` and ``SearchableSelectMultiple``: a native ``<select>`` (so the page works
without JavaScript) that ``static/js/searchable-select.js`` turns into a combobox one can type
into (the WAI-ARIA combobox pattern: arrow keys, Enter, Escape; the number of matches is
announced). Options match on their label and on ``data-alt`` (for countries: the name in the
other language and the ISO code), ignoring case and accents; the option whose ``data-code`` is
what was typed comes first ("DE": Germany), then those whose label starts with it. The script and its style are
served by the portal (``Media``), never from a CDN.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext


class _Searchable(forms.Select):
    """What both widgets add to Django's select widgets."""

    class Media:
        js = ("js/searchable-select.js",)

    def _texts(self) -> dict[str, str]:
        return {
            "data-searchable": "",
            # "%s" is replaced by the number (or the name) in the script
            "data-text-results": gettext("Matches: %s"),
            "data-text-none": gettext("No match"),
            "data-text-remove": gettext("Remove %s"),
            "data-text-hint": gettext("Type to search, then choose with the arrow keys."),
        }

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, {**(attrs or {}), **self._texts()})

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        aliases = self.option_aliases(value)
        if aliases:
            option["attrs"]["data-alt"] = aliases
        code = getattr(getattr(value, "instance", None), "code", "")
        if code:
            option["attrs"]["data-code"] = code
        return option

    def option_aliases(self, value: Any) -> str:
        """Other names the option is found by: for reference rows (countries, regions) the name
        in each language and the code."""
        instance = getattr(value, "instance", None)
        if instance is None:
            return ""
        parts = [str(getattr(instance, name, "") or "") for name in ("name_en", "name_ru", "code")]
        return " ".join(part for part in parts if part)


class SearchableSelect(_Searchable, forms.Select):
    pass


class SearchableSelectMultiple(_Searchable, forms.SelectMultiple):
    pass

"""``lang`` attributes for names and titles written in the other script than the page's.

The portal's content fields hold one language each, and it is not recorded which; what it does
know is the script. A name in Cyrillic on an English page is Russian, and one in Latin script on
a Russian page is marked English (most Latin names in the registry are; screen readers at least
switch to a Latin voice). ``<span{{ org.name_alt|lang_attr }}>`` renders `` lang="ru"`` or
nothing.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.bilingual import script_language

register = template.Library()


@register.filter
def lang_attr(text: object) -> SafeString:
    """`` lang="xx"`` when ``text`` is in the other script than the active language, else ""."""
    language = script_language(text)
    page = (get_language() or "en").split("-")[0]
    if not language or language == page:
        return mark_safe("")
    return format_html(' lang="{}"', language)

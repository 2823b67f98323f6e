"""Showing bilingual content (portal/bilingual.py): ``{{ obj.title }}`` already gives the page's
language or the other one; these mark the fallback for readers and screen readers.

- ``<div{{ event|shown_lang:"description" }}>`` renders `` lang="ru"`` when the Russian text is
  shown on an English page (nothing otherwise);
- ``{{ event|fallback_mark:"title" }}`` renders " (in Russian)" after a title in a list;
- ``{% fallback_note event "title" "description" %}`` a sentence saying which parts of the
  page are shown in the other language.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal import bilingual

register = template.Library()


@register.filter
def shown_lang(obj: object, name: str) -> SafeString:
    language = bilingual.shown_language(obj, name)
    if not language or language == bilingual.active_language():
        return mark_safe("")
    return format_html(' lang="{}"', language)


@register.filter
def fallback_mark(obj: object, name: str) -> SafeString:
    item = bilingual.shown(obj, name)
    if not item.fallback:
        return mark_safe("")
    return format_html(
        ' <span class="fallback-mark">({})</span>', bilingual.LANGUAGE_NAMES[item.language]
    )


@register.simple_tag
def fallback_note(obj: object, *names: str) -> SafeString:
    languages = {
        item.language for item in (bilingual.shown(obj, name) for name in names) if item.fallback
    }
    if not languages:
        return mark_safe("")
    if languages == {"ru"}:
        text = gettext("This is not yet available in English: it is shown in Russian.")
    elif languages == {"en"}:
        text = gettext("This is not yet available in Russian: it is shown in English.")
    else:
        text = gettext("Parts of this page are shown in the other language.")
    return format_html('<p class="fallback-note" role="note">{}</p>', text)

"""``organisation_results``: the rows of a page of organisations (``/partners/``), as the
``<li>`` items of its result list: the name linked to the organisation's page (with its other
name), the type, city, country and FP7 record, the excerpt of a search (or, browsing, the
description's beginning) and the themes.

Written in Python rather than as a template loop, as ``facet_options`` is: the template engine
spent about half of the page's rendering on the twenty rows (130 us a row: a URL reversed,
two language filters, a plural translation, the themes' inner loop). The markup is the
loop's, every value escaped as the template escapes it; the texts are the same translatable
strings.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from portal.pages.templatetags.portal_bilingual import shown_lang
from portal.pages.templatetags.portal_lang import lang_attr

register = template.Library()

#: a primary key no row has, reversed once and replaced in each row's link
_PLACEHOLDER = 987654321987654321


def escaped(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a third of this tag's time):
    Django's ``escape`` is ``html.escape`` of the text; safe strings are kept."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


@register.simple_tag
def organisation_results(rows: Iterable[Any], query: str) -> SafeString:
    """The ``<li>`` of each organisation of ``rows``; ``query``: the search (the rows'
    ``snippet`` is its excerpt; without one there is no description to show), or ""."""
    searching = bool(query)
    link = reverse("cooperation:organisation_detail", args=[_PLACEHOLDER])
    themes_label = escaped(gettext("Themes"))
    items = []
    for org in rows:
        url = escaped(link.replace(str(_PLACEHOLDER), str(int(org.pk))))
        name = f'<a href="{url}"{lang_attr(org.name)}>{escaped(org.name)}</a>'
        if org.name_alt:
            name += (
                f' <span class="alt-name"{lang_attr(org.name_alt)}>{escaped(org.name_alt)}</span>'
            )
        meta = f"{escaped(org.type_label)} · "
        if org.city:
            meta += f"{escaped(org.city)}, "
        meta += escaped(org.country_label)
        if org.fp7_participations:
            count = org.fp7_participations
            participations = ngettext(
                "%(counter)s FP7 participation", "%(counter)s FP7 participations", count
            ) % {"counter": localize(count)}
            meta += f" · {escaped(participations)}"
        snippet = ""
        if org.snippet:
            description_lang = shown_lang(org, "description")
            snippet = f'<p class="snippet"{description_lang}>{escaped(org.snippet)}</p>'
        elif not searching and org.description:
            description_lang = shown_lang(org, "description")
            text = escaped(truncatewords(org.description, 40))
            snippet = f'<p class="snippet"{description_lang}>{text}</p>'
        themes = ""
        if org.theme_list:
            labels = "".join(f"<li>{escaped(theme.label)}</li>" for theme in org.theme_list)
            themes = f'<ul class="tag-list" aria-label="{themes_label}">{labels}</ul>'
        items.append(
            f'<li class="result">\n<h2 class="result-title">{name}</h2>\n'
            f'<p class="result-meta">{meta}</p>\n{snippet}\n{themes}\n</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped (escaped)

"""``facet_options``: the options of one facet of a list's filter panel, as the ``<li>`` items
of its list (a checkbox, or a radio button for a single choice, and its label with the count).

Written in Python rather than as a template loop: a search page has 30-60 options, and the
template engine resolving each option's eight variables cost about a third of the page's
rendering. The markup is the loop's, escaped the same way (``format_html``)."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from cooperation.filters import Facet

register = template.Library()


@register.simple_tag
def facet_options(facet: Facet) -> SafeString:
    kind = "checkbox" if facet.multiple else "radio"
    return format_html_join(
        "\n",
        '<li>\n<input type="{}" id="f-{}-{}" name="{}" value="{}"{}>\n'
        '<label for="f-{}-{}">{} <span class="facet-count">({})</span></label>\n</li>',
        (
            (
                kind,
                facet.name,
                number,
                facet.name,
                option.value,
                mark_safe(" checked") if option.selected else "",
                facet.name,
                number,
                option.label,
                localize(option.count),
            )
            for number, option in enumerate(facet.options, start=1)
        ),
    )

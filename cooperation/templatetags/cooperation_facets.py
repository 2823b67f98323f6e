"""``facet_options``: the options of one facet of a list's filter panel, as the ``<li>`` items
of its list (a checkbox, or a radio button for a single choice, and its label with the count).

Written in Python rather than as a template loop: a search page has 30-60 options, and the
template engine resolving each option's eight variables cost about a third of the page's
rendering. The markup is the loop's, every value escaped as the template escapes it
(``escaped``: ``format_html``'s escaping without its lazy-string wrappers, which cost
two-thirds of this tag's time)."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from cooperation.filters import Facet
from cooperation.templatetags.cooperation_results import escaped

register = template.Library()


def _count(n: int) -> str:
    """``localize(n)``: below 1,000 no locale groups digits (and it takes 3 us a call)."""
    return str(n) if 0 <= n < 1000 else str(localize(n))


@register.simple_tag
def facet_options(facet: Facet) -> SafeString:
    kind = "checkbox" if facet.multiple else "radio"
    name = escaped(facet.name)
    items = []
    for number, option in enumerate(facet.options, start=1):
        checked = " checked" if option.selected else ""
        items.append(
            f'<li>\n<input type="{kind}" id="f-{name}-{number}" name="{name}" '
            f'value="{escaped(option.value)}"{checked}>\n'
            f'<label for="f-{name}-{number}">{escaped(option.label)} '
            f'<span class="facet-count">({escaped(_count(option.count))})</span></label>\n</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped above

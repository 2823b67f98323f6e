"""Registry of renderers: each app says how to render its kinds of mail.

A renderer takes the claimed rows of its kind (a batch, so it can load their objects in a few
queries) and returns, for each row in order, a :class:`RenderedMail` or ``None`` when the message
no longer applies (the registration was cancelled meanwhile, the subscriber unsubscribed): such a
row is marked cancelled and nothing is sent. Renderers run inside
``translation.override(mail.language)`` for each row (see :func:`render_each`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import translation

if TYPE_CHECKING:
    from portal.mail.models import OutgoingMail


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str  # text; binary content is not needed by any mail yet
    mimetype: str


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str
    html_body: str = ""
    attachments: tuple[Attachment, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[Sequence["OutgoingMail"]], list[RenderedMail | None]]
#: Given claimed rows of its kind, the ids of those that must no longer be sent (the subscriber
#: unsubscribed or the address was suppressed since the row was queued). Runs at every claim,
#: for rows rendered already too (a retry), so a withdrawal between attempts is honoured.
WithdrawnCheck = Callable[[Sequence["OutgoingMail"]], set[int]]

_renderers: dict[str, Renderer] = {}
_withdrawn_checks: dict[str, WithdrawnCheck] = {}
_unstored: set[str] = set()


def register(*kinds: str, store: bool = True) -> Callable[[Renderer], Renderer]:
    """Decorator: ``@register("events.confirmed", ...)`` on a batch renderer.

    ``store=False``: the rendered content is not written to the row; the row is rendered again
    at each attempt (same Message-ID). For bulk mail that is cheap to render again and whose
    stored copies would only fill the ledger (an issue to 100,000 subscribers: 100,000 near
    identical bodies), and whose content should follow what changed between attempts (a call
    that closed meanwhile is left out)."""

    def decorate(func: Renderer) -> Renderer:
        for kind in kinds:
            if kind in _renderers and _renderers[kind] is not func:
                raise ValueError(f"a renderer for mail kind {kind!r} is already registered")
            _renderers[kind] = func
            if store:
                _unstored.discard(kind)
            else:
                _unstored.add(kind)
        return func

    return decorate


def register_withdrawn_check(*kinds: str) -> Callable[[WithdrawnCheck], WithdrawnCheck]:
    """Decorator: ``@register_withdrawn_check("newsletter.issue")`` on a batch check."""

    def decorate(func: WithdrawnCheck) -> WithdrawnCheck:
        for kind in kinds:
            _withdrawn_checks[kind] = func
        return func

    return decorate


def withdrawn_check_for(kind: str) -> WithdrawnCheck | None:
    return _withdrawn_checks.get(kind)


def stores(kind: str) -> bool:
    """Whether the rendered content of ``kind`` is stored on the row (see :func:`register`)."""
    return kind not in _unstored


def renderer_for(kind: str) -> Renderer:
    try:
        return _renderers[kind]
    except KeyError:
        raise LookupError(f"no renderer registered for mail kind {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_renderers)


def render_each(
    mails: Iterable[OutgoingMail], render: Callable[[OutgoingMail], RenderedMail | None]
) -> list[RenderedMail | None]:
    """Call ``render(mail)`` for each row inside ``translation.override(mail.language)``."""
    out: list[RenderedMail | None] = []
    for mail in mails:
        with translation.override(mail.language):
            out.append(render(mail))
    return out


def render_about(
    mails: Sequence[OutgoingMail],
    load: Callable[[set[int]], Mapping[int, Any]],
    render: Callable[[OutgoingMail, Any], RenderedMail | None],
) -> list[RenderedMail | None]:
    """Render rows that are each about one object: ``load`` fetches the objects of all the rows
    at once (by ``about_id``), ``render(mail, obj)`` renders one in its recipient's language; a
    row whose object is gone renders to ``None``."""
    objects = load({m.about_id for m in mails if m.about_id is not None})

    def one(mail: OutgoingMail) -> RenderedMail | None:
        obj = objects.get(mail.about_id or 0)
        return None if obj is None else render(mail, obj)

    return render_each(mails, one)

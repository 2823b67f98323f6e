"""The bytes of an outbox message as they go over SMTP, built directly.

Django's ``EmailMultiAlternatives.message()`` builds an ``email.message`` tree and flattens it
with the ``email`` package's generator: header objects, charset look-ups, folding, a boundary
scan. For a newsletter mail of 4 kB that was three quarters of what the worker spent per message
(more than the SMTP exchange itself). The outbox's messages have one shape (a text part, an
optional HTML part, a few headers), so this module writes that shape directly, with what the
``email`` package would write:

- ``multipart/alternative`` of ``text/plain`` and ``text/html`` (or a single ``text/plain``),
  ``charset="utf-8"``; each part ``7bit`` (ASCII), ``8bit``, or ``quoted-printable`` when a
  line is longer than RFC 5322's 998 octets (as Django decides);
- headers: ASCII values up to 78 characters as they are, longer ones folded onto a continuation
  line, anything else (non-ASCII, or too long for one line) through ``email.header.Header``
  (RFC 2047 encoded words, folded), as the ``email`` package does; a header value with a line
  break raises ``BadHeaderError`` (a ``ValueError``: the row fails as permanent);
- addresses through Django's ``sanitize_address`` unless plainly ASCII (IDNA for an
  internationalised domain; ``ValueError`` for an unusable address).

Messages with attachments are not built here (the caller uses Django's message for them).
``tests/mail/test_wire.py`` parses what this writes and compares it with Django's message.
"""

from __future__ import annotations

import functools
import random
import re
from email import quoprimime
from email.header import Header
from email.utils import formatdate

from django.conf import settings
from django.core.mail import BadHeaderError
from django.core.mail.message import sanitize_address

CRLF = "\r\n"
_LINE_LIMIT = 998  # RFC 5322: octets per line, CRLF excluded
_FOLD_AT = 78  # RFC 5322: recommended line length
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
# A boundary needs no secrecy (the email package draws it from random too); SystemRandom read
# os.urandom for each message: a quarter of a millisecond on the loaded machine.
_random = random.Random()  # noqa: S311


def address(value: str) -> str:
    """``value`` as it goes in a header and in the envelope (``ValueError`` if unusable)."""
    if _PLAIN_ADDRESS.fullmatch(value):
        return value
    return sanitize_address(value, "utf-8")  # raises ValueError for an unusable one


@functools.lru_cache(maxsize=64)
def header(name: str, value: str) -> str:
    """``Name: value`` (folded, encoded where needed), without the final CRLF. Cached: a chunk's
    messages share their subject and most headers."""
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for {name!r})")
    line = f"{name}: {value}"
    if value.isascii():
        if len(line) <= _FOLD_AT:
            return line
        if len(value) < _LINE_LIMIT:  # one word too long to fold: on a line of its own
            return f"{name}: {CRLF} {value}"
    encoded = Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: {encoded}"


def _normalise(text: str) -> str:
    """LF line ends as CRLF (and bare CR too), as the generator writes them."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", CRLF)


def _part_body(text: str) -> tuple[str, str]:
    """(Content-Transfer-Encoding, the encoded body) of a utf-8 text part."""
    if max(map(len, text.split("\n"))) > _LINE_LIMIT // 4 and any(
        len(line.encode("utf-8", "surrogateescape")) > _LINE_LIMIT for line in text.splitlines()
    ):
        # As email.charset does: the utf-8 octets, one character each, then encoded.
        octets = text.encode("utf-8", "surrogateescape").decode("latin-1")
        return "quoted-printable", quoprimime.body_encode(octets, eol=CRLF)
    return ("7bit" if text.isascii() else "8bit"), _normalise(text)


def _part(subtype: str, text: str, *, top_level_headers: str = "") -> str:
    encoding, body = _part_body(text)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"MIME-Version: 1.0{CRLF}"
        f"Content-Transfer-Encoding: {encoding}{CRLF}"
        f"{top_level_headers}{CRLF}{body}"
    )


@functools.lru_cache(maxsize=4)
def _from_header(from_email: str) -> str:
    return header("From", from_email)


def message_bytes(
    *,
    from_email: str,
    to: str,
    subject: str,
    body: str,
    html_body: str,
    headers: dict[str, str],
) -> bytes:
    """The message, CRLF line ends, ready for ``smtplib.SMTP.sendmail``. ``headers`` come after
    Subject, From, To and Date (Message-ID among them), in their order."""
    lines = [
        header("Subject", subject),
        _from_header(from_email),
        header("To", address(to)),
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
    ]
    lines += [header(name, value) for name, value in headers.items()]
    top = CRLF.join(lines) + CRLF
    if not html_body:
        return _part("plain", body, top_level_headers=top).encode("utf-8", "surrogateescape")
    boundary = f"==============={_random.getrandbits(63):019d}=="
    while boundary in body or boundary in html_body:  # as the generator checks
        boundary = f"==============={_random.getrandbits(63):019d}=="
    text = (
        f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"{CRLF}'
        f"MIME-Version: 1.0{CRLF}{top}{CRLF}"
        f"--{boundary}{CRLF}{_part('plain', body)}{CRLF}"
        f"--{boundary}{CRLF}{_part('html', html_body)}{CRLF}"
        f"--{boundary}--{CRLF}"
    )
    return text.encode("utf-8", "surrogateescape")

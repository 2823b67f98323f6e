"""The outbox writes its messages' bytes itself (``portal.mail.wire``) instead of through the
``email`` package: what a mail client parses out of them must be what Django's message holds."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage as ParsedMessage

import pytest
from django.core.mail import BadHeaderError, EmailMultiAlternatives

from portal.mail import wire

FROM = "EU-Russia STI Portal <noreply@localhost>"
LONG_URL = "https://portal.example.org/ru/newsletter/unsubscribe/" + "A1b2C3d4" * 14 + "/"


def _parse(data: bytes) -> ParsedMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, ParsedMessage)
    return message


def _ours(**fields: str) -> ParsedMessage:
    headers = {
        "Message-ID": "<abc123@localhost>",
        "Content-Language": "ru",
        "List-Unsubscribe": f"<{LONG_URL}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    data = wire.message_bytes(
        from_email=FROM,
        to=fields.get("to", "reader@example.org"),
        subject=fields["subject"],
        body=fields["body"],
        html_body=fields.get("html_body", ""),
        headers=headers,
    )
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    return _parse(data)


def _djangos(**fields: str) -> ParsedMessage:
    message = EmailMultiAlternatives(
        subject=fields["subject"],
        body=fields["body"],
        from_email=FROM,
        to=[fields.get("to", "reader@example.org")],
        headers={
            "Message-ID": "<abc123@localhost>",
            "Content-Language": "ru",
            "List-Unsubscribe": f"<{LONG_URL}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if fields.get("html_body"):
        message.attach_alternative(fields["html_body"], "text/html")
    return _parse(message.message().as_bytes(linesep="\r\n"))


def _same(ours: ParsedMessage, django: ParsedMessage) -> None:
    for name in (
        "Subject",
        "From",
        "To",
        "Message-ID",
        "Content-Language",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "MIME-Version",
    ):
        # (Django folds a long value onto a line of its own: a leading space when parsed)
        assert str(ours[name]).strip() == str(django[name]).strip(), name
    assert ours.get_content_type() == django.get_content_type()
    assert ours["Date"] is not None
    ours_parts = [
        (p.get_content_type(), p.get_content()) for p in ours.walk() if not p.is_multipart()
    ]
    django_parts = [
        (p.get_content_type(), p.get_content()) for p in django.walk() if not p.is_multipart()
    ]
    assert ours_parts == django_parts


@pytest.mark.parametrize(
    "fields",
    [
        {
            "subject": "Декабрь: новости сотрудничества ЕС и России в науке и технологиях",
            "body": "Здравствуйте!\n\nЗакрывается через 5 дней.\n",
            "html_body": "<h1>Декабрь</h1>\n<p>Закрывается через 5 дней.</p>\n",
        },
        {"subject": "December news", "body": "Hello\n\nCloses in 5 days.\n", "html_body": ""},
        {
            "subject": "Long lines",
            "body": "x" * 1500 + "\nand more\n",
            "html_body": "<p>" + "é" * 1200 + "</p>",
        },
        {
            "subject": "A line starting with a dot",
            "body": ".\n..\nfrom the end\r\nwith CRLF\rand a CR\n",
            "html_body": "<p>x</p>",
            "to": "Anna Petrova <anna@пример.рф>",
        },
    ],
    ids=["russian", "text-only", "long-lines", "dots-line-ends-idn"],
)
def test_what_a_client_parses_is_what_djangos_message_holds(fields):
    _same(_ours(**fields), _djangos(**fields))


def test_a_header_with_a_line_break_is_refused():
    with pytest.raises(BadHeaderError):
        wire.message_bytes(
            from_email=FROM,
            to="reader@example.org",
            subject="Hello\r\nBcc: victim@example.org",
            body="x",
            html_body="",
            headers={},
        )


def test_an_unusable_address_is_a_value_error():
    with pytest.raises(ValueError, match="Invalid address"):
        wire.address("not an address@@")

"""Reading bounce and complaint reports (RFC 3464 delivery status notifications, RFC 5965 abuse
reports) from a mailbox file or a directory of messages: the addresses to suppress."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.utils import parseaddr
from pathlib import Path


@dataclass(frozen=True)
class Report:
    email: str
    kind: str  # "bounce" (permanent failure) or "complaint"


def _address(value: str) -> str:
    """``rfc822; anna@example.org`` or ``<anna@example.org>`` → the address."""
    value = value.split(";", 1)[-1].strip()
    return parseaddr(value)[1].strip()


def _status_fields(part: Message) -> list[Message]:
    """The per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    groups = [g for g in text.replace("\r\n", "\n").split("\n\n") if g.strip()]
    return [message_from_bytes(g.encode(), policy=policy.compat32) for g in groups]


def reports_in(message: Message) -> list[Report]:
    """Hard bounces and complaints described by ``message`` (none for anything else: a soft
    bounce, an auto-reply, a human's mail)."""
    found: list[Report] = []
    content_type = message.get_content_type()
    param = message.get_param("report-type")
    report_type = param.lower() if isinstance(param, str) else ""
    if content_type != "multipart/report":
        return found
    for part in message.walk():
        sub = part.get_content_type()
        if report_type == "delivery-status" and sub == "message/delivery-status":
            for fields in _status_fields(part):
                action = (fields.get("Action") or "").strip().lower()
                status = (fields.get("Status") or "").strip()
                recipient = fields.get("Final-Recipient") or fields.get("Original-Recipient")
                if action == "failed" and status.startswith("5") and recipient:
                    address = _address(str(recipient))
                    if address:
                        found.append(Report(address, "bounce"))
        elif report_type == "feedback-report" and sub == "message/feedback-report":
            fields_list = _status_fields(part)
            for fields in fields_list:
                recipient = fields.get("Original-Rcpt-To")
                if recipient:
                    found.append(Report(_address(str(recipient)), "complaint"))
    if report_type == "feedback-report" and not found:
        # No Original-Rcpt-To: the recipient of the returned original message.
        for part in message.walk():
            if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
                inner = part.get_payload()
                original = inner[0] if isinstance(inner, list) and inner else None
                if isinstance(original, Message) and original.get("To"):
                    found.append(Report(_address(str(original["To"])), "complaint"))
    return found


def messages_at(path: Path) -> Iterator[Message]:
    """The messages of an mbox file, a Maildir, or a directory of ``.eml`` files."""
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            yield from mailbox.Maildir(str(path), factory=None, create=False)
            return
        for file in sorted(path.iterdir()):
            if file.is_file():
                parsed = message_from_bytes(file.read_bytes(), policy=policy.compat32)
                yield parsed
        return
    box = mailbox.mbox(str(path), create=False)
    try:
        yield from box
    finally:
        box.close()

"""``manage.py newsletter_bounces PATH``: suppress the addresses of hard bounces and complaints
found in a mailbox file (mbox), a Maildir or a directory of messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.newsletter.bounces import messages_at, reports_in
from portal.newsletter.services import subscriber_suppress


class Command(BaseCommand):
    help = "Suppress newsletter subscribers whose mail bounced hard or who complained."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an mbox file, a Maildir, or a directory of .eml files")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        read = bounces = complaints = suppressed = 0
        for message in messages_at(path):
            read += 1
            for report in reports_in(message):
                if report.kind == "bounce":
                    bounces += 1
                else:
                    complaints += 1
                suppressed += subscriber_suppress(email=report.email, reason=report.kind)
        self.stdout.write(
            f"{read} messages read: {bounces} hard bounces, {complaints} complaints, "
            f"{suppressed} subscribers suppressed"
        )

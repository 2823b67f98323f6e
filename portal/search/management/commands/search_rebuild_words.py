from typing import Any

from django.core.management.base import BaseCommand

from portal.search import registry, words


class Command(BaseCommand):
    help = "Rebuild the search word table (fuzzy matching) from every searchable table."

    def handle(self, *args: Any, **options: Any) -> None:
        count = words.words_rebuild(registry.specs())
        self.stdout.write(f"{count} words")

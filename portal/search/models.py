from django.db import models


class SearchWord(models.Model):
    """A distinct word of the indexed texts (lower case, no accents): ``portal.search.words``."""

    word = models.TextField(primary_key=True)

    class Meta:
        verbose_name = "search word"

    def __str__(self) -> str:
        return self.word

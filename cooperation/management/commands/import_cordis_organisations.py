"""``manage.py import_cordis_organisations FILE``: see ``cooperation.services.cordis_import``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperation import cordis
from cooperation.services.cordis_import import CordisFileError, ImportReport, cordis_import


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # argparse needs a real string, and translated when asked for
        return _(
            "Import organisations and their project participations (the FP7 track record) from a "
            "CORDIS file: the FP7 organisations CSV or the organization.csv of the CORDIS project "
            "zips, semicolon-separated UTF-8; the layout is detected from the header. Importing the "
            "same file again changes nothing. New organisations are published; organisations already "
            "present (same PIC) keep their details and only get their participations and track "
            "record updated. Contact persons, street and post code are never read. "
            "The whole file is checked first: if it is structurally broken (not UTF-8, not "
            "semicolon-separated, required columns missing, unbalanced quotes) the command stops "
            "and imports nothing. Otherwise all rows are imported in one transaction, except rows "
            "with bad data (wrong number of columns, unknown country, empty name, non-numeric "
            "contribution, ...), which are skipped and listed with their line number and "
            "reason."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help=_("The CORDIS CSV file."))
        parser.add_argument(
            "--programme",
            choices=cordis.PROGRAMMES,
            default="FP7",
            help=_(
                "Programme of the participations (default FP7; only FP7 participations count "
                "towards the FP7 track record)."
            ),
        )

    def handle(self, *args: Any, file: Path, programme: str, **options: Any) -> None:
        try:
            report = cordis_import(path=file, programme=programme, stdout=self.stdout)
        except CordisFileError as exc:
            raise CommandError(
                _("%(file)s was not imported, nothing was changed: %(reason)s")
                % {"file": file, "reason": exc}
            ) from None
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror or exc}
            ) from None
        self._print_report(report)

    def _print_report(self, report: ImportReport) -> None:
        for row in report.skipped:
            self.stdout.write(
                self.style.WARNING(
                    _("Line %(line)d skipped: %(reason)s")
                    % {"line": row.line, "reason": row.reason}
                )
            )
        self.stdout.write(
            _(
                "%(rows)d rows read: %(imported)d imported, %(skipped)d skipped. "
                "Organisations: %(created)d created, %(existing)d already present. "
                "%(programme)s participations: %(p_created)d created, %(p_updated)d updated, "
                "%(p_unchanged)d unchanged."
            )
            % {
                "rows": report.rows,
                "imported": report.imported,
                "skipped": len(report.skipped),
                "created": report.organisations_created,
                "existing": report.organisations_existing,
                "programme": report.programme,
                "p_created": report.participations_created,
                "p_updated": report.participations_updated,
                "p_unchanged": report.participations_unchanged,
            }
        )
        self.stdout.write(
            ngettext(
                "%(changed)d organisation's FP7 track record changed.",
                "%(changed)d organisations' FP7 track records changed.",
                report.organisations_changed,
            )
            % {"changed": report.organisations_changed}
        )
        if report.skipped:
            self.stdout.write(
                _("Skipped rows by reason: %(reasons)s.")
                % {
                    "reasons": "; ".join(
                        f"{kind} ({count})" for kind, count in report.skipped_by_kind()
                    )
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Import finished.")))

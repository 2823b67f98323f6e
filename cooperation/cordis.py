"""Reading CORDIS organisation files: parsing and mapping, no database access.

Two layouts are understood, told apart by their header:

- the FP7 organisations CSV (``cordis-fp7organizations.csv``): ``projectRcn;projectReference;
  projectAcronym;role;id;name;shortName;activityType;endOfParticipation;ecContribution;country;
  street;city;postCode;organizationUrl;contact...``, where ``id`` is the PIC;
- ``organization.csv`` of the CORDIS project zips: ``projectID;projectAcronym;organisationID;
  vatNumber;name;shortName;SME;activityType;street;postCode;city;country;nutsCode;geolocation;
  organizationURL;contactForm;contentUpdateDate;rcn;order;role;ecContribution;...``.

Both are semicolon-separated UTF-8, with or without a byte order mark. Only the columns named in
``Layout.columns`` are ever read: contact persons, street, post code, VAT number, geolocation and
contact form never leave the file.

Two kinds of problems: ``CordisFileError`` means the file as a whole cannot be read reliably
(undecodable bytes, wrong delimiter, missing columns, broken quoting), so nothing of it may be
imported; ``RowError`` means one row carries bad data and is skipped with its reason.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cooperation.models import Organisation, OrganisationParticipation

DELIMITER = ";"
PROGRAMMES = ("FP7", "H2020", "HE")
# CORDIS uses the EU's own codes for Greece and the United Kingdom.
COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}
ACTIVITY_TYPES = {
    "HES": Organisation.Type.UNIVERSITY,
    "REC": Organisation.Type.RESEARCH_INSTITUTE,
    "PRC": Organisation.Type.LARGE_COMPANY,
    "PUB": Organisation.Type.PUBLIC_BODY,
    "OTH": Organisation.Type.OTHER,
}
ROLES = {role.value.casefold(): role.value for role in OrganisationParticipation.Role}
MAX_CONTRIBUTION = Decimal(10) ** 12  # OrganisationParticipation.ec_contribution: 14 digits, 2 dp
CORDIS_KEY_LENGTH = 200  # Organisation.cordis_key

_PIC = re.compile(r"^[0-9]{9}$")
_PLAIN_AMOUNT = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
_AMOUNT_WITH_COMMA_GROUPS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")  # 1,234.5
_AMOUNT_WITH_DOT_GROUPS = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?$")  # 1.234,5
_SCIENTIFIC_AMOUNT = re.compile(r"^[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")  # 1,5E+05
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])


class CordisFileError(ValueError):
    """The file cannot be read as a whole; nothing of it may be imported."""


class RowError(ValueError):
    """One row carries bad data; it is skipped. ``kind`` is a short label for the summary."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class Layout:
    key: str
    # Shown to staff in import messages, in their language.
    label: str | Promise
    # Our field name -> CORDIS column name. Every column listed here must be in the header.
    columns: dict[str, str]
    # Two columns that tell this layout apart from the other one.
    signature: tuple[str, str]


FP7_LAYOUT = Layout(
    key="fp7",
    label=gettext_lazy("CORDIS FP7 organisations file"),
    columns={
        "project_rcn": "projectRcn",
        "project_reference": "projectReference",
        "project_acronym": "projectAcronym",
        "role": "role",
        "organisation_id": "id",
        "name": "name",
        "short_name": "shortName",
        "activity_type": "activityType",
        "end_of_participation": "endOfParticipation",
        "ec_contribution": "ecContribution",
        "country": "country",
        "city": "city",
        "website": "organizationUrl",
    },
    signature=("projectReference", "id"),
)
PROJECTS_LAYOUT = Layout(
    key="organization.csv",
    label=gettext_lazy("CORDIS project organisations file (organization.csv)"),
    columns={
        "project_reference": "projectID",
        "project_acronym": "projectAcronym",
        "organisation_id": "organisationID",
        "name": "name",
        "short_name": "shortName",
        "sme": "SME",
        "activity_type": "activityType",
        "city": "city",
        "country": "country",
        "website": "organizationURL",
        "role": "role",
        "ec_contribution": "ecContribution",
        "end_of_participation": "endOfParticipation",
    },
    signature=("projectID", "organisationID"),
)
LAYOUTS = (FP7_LAYOUT, PROJECTS_LAYOUT)


@dataclass(frozen=True)
class Record:
    """One CSV record; ``line`` and ``last_line`` are physical lines (the header is line 1)."""

    line: int
    last_line: int
    values: list[str]


@dataclass(frozen=True)
class Header:
    layout: Layout
    width: int
    positions: dict[str, int]  # our field name -> column index


@dataclass(frozen=True)
class ParticipationRow:
    """A valid row: one organisation taking part in one project."""

    line: int
    pic: str | None
    cordis_key: str | None
    name: str
    short_name: str
    type: str
    country: str
    city: str
    website: str
    project_reference: str
    project_rcn: str
    project_acronym: str
    role: str
    ec_contribution: Decimal
    end_of_participation: bool

    @property
    def organisation_key(self) -> str:
        """Identifies the organisation within an import: its PIC, else its CORDIS key."""
        return f"pic:{self.pic}" if self.pic else f"key:{self.cordis_key}"


# --- Reading -------------------------------------------------------------------------------------


def _decoded_lines(raw_lines: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(raw_lines, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CordisFileError(
                _(
                    "Line %(line)d is not valid UTF-8 (byte %(byte)d of the line). "
                    "Save the file as UTF-8 and try again."
                )
                % {"line": number, "byte": exc.start + 1}
            ) from None
        if "\x00" in text:
            raise CordisFileError(
                _("Line %(line)d contains NUL bytes: this is not a text CSV file.")
                % {"line": number}
            )
        yield text


def read_records(raw_lines: Iterable[bytes]) -> Iterator[Record]:
    """Yield the non-blank records of a semicolon-separated UTF-8 file, header included.

    Quoting is parsed strictly: an unbalanced quote makes every later row ambiguous, so it is a
    ``CordisFileError`` rather than a skipped row.
    """
    reader = csv.reader(
        _decoded_lines(raw_lines), delimiter=DELIMITER, quotechar='"', doublequote=True, strict=True
    )
    last_line = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CordisFileError(
                _(
                    "The record starting on line %(line)d has broken quoting (%(error)s), "
                    "usually an unbalanced double quote. Rows after it cannot be told apart."
                )
                % {"line": last_line + 1, "error": exc}
            ) from None
        first_line, last_line = last_line + 1, reader.line_num
        if any(value.strip() for value in values):
            yield Record(line=first_line, last_line=last_line, values=values)


def read_header(record: Record) -> Header:
    names = [name.strip() for name in record.values]
    if len(names) == 1:
        for delimiter, label in ((",", _("commas")), ("\t", _("tabs"))):
            if delimiter in names[0]:
                raise CordisFileError(
                    _(
                        "The header has a single column: the file seems to be separated by "
                        "%(delimiter)s, but CORDIS files are separated by semicolons (;)."
                    )
                    % {"delimiter": label}
                )
    folded = {name.casefold(): index for index, name in reversed(list(enumerate(names)))}
    for layout in LAYOUTS:
        if all(column.casefold() in folded for column in layout.signature):
            break
    else:
        raise CordisFileError(
            _(
                "The header matches no CORDIS organisation layout: expected either the FP7 "
                "columns (%(fp7)s, ...) or the organization.csv columns (%(projects)s, ...)."
            )
            % {
                "fp7": ", ".join(FP7_LAYOUT.columns.values()),
                "projects": ", ".join(PROJECTS_LAYOUT.columns.values()),
            }
        )
    missing = [column for column in layout.columns.values() if column.casefold() not in folded]
    if missing:
        raise CordisFileError(
            _("The header of this %(layout)s lacks required columns: %(columns)s.")
            % {"layout": layout.label, "columns": ", ".join(missing)}
        )
    positions = {field: folded[column.casefold()] for field, column in layout.columns.items()}
    return Header(layout=layout, width=len(names), positions=positions)


def _swallowed_rows(record: Record, width: int) -> bool:
    """Whether a record spanning several lines is really rows swallowed by an open quote.

    A quoted line break is legal (CORDIS addresses have some), but not in a record with the
    wrong number of columns, nor in a field that also holds the delimiter: that is CSV text.
    """
    if len(record.values) != width:
        return True
    return any(("\n" in value or "\r" in value) and DELIMITER in value for value in record.values)


def open_records(raw_lines: Iterable[bytes]) -> tuple[Header, Iterator[Record]]:
    """Read the header and return it with an iterator over the data records.

    The iterator raises ``CordisFileError`` for structural problems further down the file,
    including rows run together by a quote opened in one row and closed in another.
    """
    records = read_records(raw_lines)
    first = next(records, None)
    if first is None:
        raise CordisFileError(_("The file is empty."))
    header = read_header(first)

    def data_records() -> Iterator[Record]:
        for record in records:
            if record.last_line != record.line and _swallowed_rows(record, header.width):
                raise CordisFileError(
                    _(
                        "The record on lines %(first)d-%(last)d looks like several rows run "
                        "together: a double quote is probably unbalanced, so the rows after it "
                        "cannot be told apart."
                    )
                    % {"first": record.line, "last": record.last_line}
                )
            yield record

    return header, data_records()


# --- Values --------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Trim and collapse whitespace (including line breaks inside quoted fields)."""
    return " ".join(value.split())


def parse_amount(value: str) -> Decimal:
    """An amount in euro with a decimal comma or dot, grouped or not; empty means zero."""
    text = value.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return Decimal(0)
    if text.startswith("-"):
        raise RowError(
            _("negative EU contribution"),
            _("the EU contribution %(value)r is negative.") % {"value": value},
        )
    if _PLAIN_AMOUNT.match(text) or _SCIENTIFIC_AMOUNT.match(text):
        normal = text.replace(",", ".")
    elif _AMOUNT_WITH_COMMA_GROUPS.match(text):
        normal = text.replace(",", "")
    elif _AMOUNT_WITH_DOT_GROUPS.match(text):
        normal = text.replace(".", "").replace(",", ".")
    else:
        raise RowError(
            _("non-numeric EU contribution"),
            _("the EU contribution %(value)r is not a number.") % {"value": value},
        )
    try:
        amount = Decimal(normal).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise RowError(
            _("non-numeric EU contribution"),
            _("the EU contribution %(value)r is not a number.") % {"value": value},
        ) from None
    if amount >= MAX_CONTRIBUTION:
        raise RowError(
            _("EU contribution too large"),
            _("the EU contribution %(value)r is implausibly large.") % {"value": value},
        )
    return amount


def parse_flag(value: str, *, column: str) -> bool:
    text = value.strip().casefold()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise RowError(
        _("invalid true/false value"),
        _("%(column)s is %(value)r, expected true or false.") % {"column": column, "value": value},
    )


def iso_country(code: str) -> str:
    """The ISO 3166-1 alpha-2 code for a CORDIS country code (EL -> GR, UK -> GB)."""
    code = code.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def organisation_type(activity_type: str, *, sme: bool = False) -> str:
    code = activity_type.strip().upper()
    if code == "PRC" and sme:
        return Organisation.Type.SME
    return ACTIVITY_TYPES.get(code, Organisation.Type.OTHER)


def participation_role(value: str) -> str:
    """The participation role; roles this portal does not know become "other"."""
    text = value.strip()
    if not text:
        raise RowError(_("empty role"), _("the role is empty."))
    return ROLES.get(text.casefold(), OrganisationParticipation.Role.OTHER)


def cordis_key(name: str, country: str) -> str:
    """A stable key for an organisation without a PIC: country plus normalised name."""
    letters = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    words = re.findall(r"\w+", letters.casefold()) or [letters.casefold().strip()]
    key = f"{country}:{' '.join(words)}"
    if len(key) > CORDIS_KEY_LENGTH:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        key = f"{key[: CORDIS_KEY_LENGTH - len(digest) - 1]}#{digest}"
    return key


def website(value: str) -> str:
    """A usable http(s) URL or ""; CORDIS often leaves out the scheme."""
    url = value.strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"http://{url}"
    if len(url) > Organisation._meta.get_field("website").max_length:  # type: ignore[operator]
        return ""
    try:
        _URL_VALIDATOR(url)
    except ValidationError:
        return ""
    return url


# --- Rows ----------------------------------------------------------------------------------------


def parse_row(record: Record, header: Header, *, countries: Collection[str]) -> ParticipationRow:
    """Validate and map one data record; raise ``RowError`` with the reason if it is unusable."""
    if len(record.values) != header.width:
        raise RowError(
            _("wrong number of columns"),
            ngettext(
                "%(count)d column instead of %(width)d (an unquoted semicolon?).",
                "%(count)d columns instead of %(width)d (an unquoted semicolon?).",
                len(record.values),
            )
            % {"count": len(record.values), "width": header.width},
        )

    def get(field: str) -> str:
        return clean_text(record.values[header.positions[field]])

    columns = header.layout.columns
    name = get("name")
    if not name:
        raise RowError(_("empty name"), _("the organisation name is empty."))
    if len(name) > Organisation._meta.get_field("name").max_length:  # type: ignore[operator]
        raise RowError(_("name too long"), _("the organisation name is too long."))

    raw_country = get("country")
    if not raw_country:
        raise RowError(_("empty country"), _("the country is empty."))
    country = iso_country(raw_country)
    if country not in countries:
        raise RowError(
            _("unknown country code"),
            _("unknown country code %(code)r.") % {"code": raw_country},
        )

    reference = get("project_reference")
    if not reference:
        raise RowError(_("empty project reference"), _("the project reference is empty."))
    if len(reference) > OrganisationParticipation._meta.get_field("project_reference").max_length:  # type: ignore[operator]
        raise RowError(_("project reference too long"), _("the project reference is too long."))

    role = participation_role(get("role"))
    amount = parse_amount(get("ec_contribution"))
    ended = parse_flag(get("end_of_participation"), column=columns["end_of_participation"])
    sme = "sme" in header.positions and parse_flag(get("sme"), column=columns["sme"])

    organisation_id = get("organisation_id")
    pic = organisation_id if _PIC.match(organisation_id) else None
    rcn = get("project_rcn") if "project_rcn" in header.positions else ""
    return ParticipationRow(
        line=record.line,
        pic=pic,
        cordis_key=None if pic else cordis_key(name, country),
        name=name,
        short_name=get("short_name")[:100],
        type=organisation_type(get("activity_type"), sme=sme),
        country=country,
        city=get("city")[:120],
        website=website(get("website")),
        project_reference=reference,
        project_rcn=rcn if len(rcn) <= 20 else "",
        project_acronym=get("project_acronym")[:100],
        role=role,
        ec_contribution=amount,
        end_of_participation=ended,
    )

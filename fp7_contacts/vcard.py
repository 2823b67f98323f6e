"""vCard 4.0 (RFC 6350) of a contact point and of a contact person.

A person's card carries their e-mail and phone only where they agreed to show them publicly;
otherwise the point's own address and phone stand in."""

from __future__ import annotations

from fp7_contacts.models import ContactPerson, ContactPoint


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 6350 3.2)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _card(lines: list[str]) -> str:
    body = ["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD"]
    return "".join(_fold(line) + "\r\n" for line in body)


def _point_lines(point: ContactPoint) -> list[str]:
    lines = []
    if point.address or point.city:
        lines.append(f"ADR;TYPE=work:;;{_escape(point.address)};{_escape(point.city)};;;Russia")
    if point.email:
        lines.append(f"EMAIL;TYPE=work:{_escape(point.email)}")
    if point.phone:
        lines.append(f"TEL;TYPE=work,voice;VALUE=uri:tel:{point.phone.replace(' ', '-')}")
    if point.website:
        lines.append(f"URL:{_escape(point.website)}")
    return lines


def point_vcard(point: ContactPoint) -> str:
    lines = [
        "KIND:org",
        f"FN:{_escape(point.name)}",
        f"ORG:{_escape(point.host_institution)};{_escape(point.name)}",
        *_point_lines(point),
    ]
    if point.opening_hours:
        lines.append(f"NOTE:{_escape(point.opening_hours)}")
    return _card(lines)


def person_vcard(person: ContactPerson, point: ContactPoint) -> str:
    lines = [
        "KIND:individual",
        f"FN:{_escape(person.name)}",
        f"ORG:{_escape(point.host_institution)};{_escape(point.name)}",
    ]
    if person.role:
        lines.append(f"TITLE:{_escape(person.role)}")
    if person.public_email:
        lines.append(f"EMAIL;TYPE=work:{_escape(person.public_email)}")
    if person.public_phone:
        lines.append(f"TEL;TYPE=work,voice;VALUE=uri:tel:{person.public_phone.replace(' ', '-')}")
    for line in _point_lines(point):
        if line.startswith("EMAIL") and person.public_email:
            continue
        if line.startswith("TEL") and person.public_phone:
            continue
        lines.append(line)
    return _card(lines)

"""The fields of a contact point as its staff edit them, the CSV file carries them, and the
services compare them for the history: one list for the three."""

#: plain fields a point's staff may change (``code`` and ``kind``: site staff only)
SCALAR_FIELDS = (
    "name_en",
    "name_ru",
    "host_institution_en",
    "host_institution_ru",
    "city_en",
    "city_ru",
    "address_en",
    "address_ru",
    "opening_hours_en",
    "opening_hours_ru",
    "notes_en",
    "notes_ru",
    "email",
    "phone",
    "website",
    "languages",
    "active",
)
SITE_STAFF_FIELDS = ("code", "kind")
RELATIONS = ("districts", "subjects", "themes", "services")
#: the CSV file's columns, in order
COLUMNS = (*SITE_STAFF_FIELDS, *SCALAR_FIELDS, *RELATIONS)

"""The columns of the contact points' CSV file (export and import)."""

RELATIONS = ("districts", "subjects", "themes", "services")
COLUMNS = (
    "code",
    "kind",
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
    *RELATIONS,
)

"""The back office (the Django admin) by role: what each role opens, what it does not, and that
the permissions come from the data migrations (a fresh test database holds nothing else)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cooperation.models import FundingCall
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NOTHING = "have permission to view or edit anything"

USERS = "admin:accounts_user_changelist"
CALLS = "admin:cooperation_fundingcall_changelist"
ORGANISATIONS = "admin:cooperation_organisation_changelist"
OFFERS = "admin:cooperation_cooperationoffer_changelist"
PROFILES = "admin:cooperation_researcherprofile_changelist"
EVENTS = "admin:events_event_changelist"
REGISTRATIONS = "admin:events_registration_changelist"
MAIL = "admin:mail_outgoingmail_changelist"
COUNTRIES = "admin:reference_country_changelist"
GROUPS = "admin:auth_group_changelist"
CONTACT_POINTS = "admin:fp7_contacts_contactpoint_changelist"
ALL = [
    USERS,
    CALLS,
    ORGANISATIONS,
    OFFERS,
    PROFILES,
    EVENTS,
    REGISTRATIONS,
    MAIL,
    COUNTRIES,
    CONTACT_POINTS,
]

OPENS = {
    Role.SITE_STAFF: {*ALL, GROUPS},
    Role.NCP_STAFF: {CALLS, ORGANISATIONS, OFFERS, COUNTRIES, CONTACT_POINTS},
    Role.EVENT_ORGANISER: {EVENTS, REGISTRATIONS},
}
ADDS = {
    # the rest change on the portal's pages; NCP staff change only the contact points they are
    # assigned to, site staff add them
    Role.SITE_STAFF: {USERS, CALLS, ORGANISATIONS, CONTACT_POINTS},
    Role.NCP_STAFF: {CALLS},
    Role.EVENT_ORGANISER: set(),
}


def _log_in(client, role: Role) -> User:
    """Through the admin's own login form, as staff do."""
    user = UserFactory(roles=(role,), email=f"{role.name.lower()}@example.org")
    response = client.post(
        reverse("admin:login"),
        {"username": user.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return user


@pytest.mark.parametrize("role", [Role.SITE_STAFF, Role.NCP_STAFF, Role.EVENT_ORGANISER])
def test_each_back_office_role_opens_what_it_may_and_nothing_else(client, role):
    _log_in(client, role)

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert NOTHING not in index.content.decode()
    for name in [*ALL, GROUPS]:
        expected = 200 if name in OPENS[role] else 403
        assert client.get(reverse(name)).status_code == expected, name
        add = reverse(name.replace("_changelist", "_add"))
        expected_add = 200 if name in ADDS[role] else 403
        assert client.get(add).status_code == expected_add, add


def test_a_researcher_is_not_let_into_the_back_office(client):
    user = UserFactory(roles=(Role.RESEARCHER,))
    assert not user.is_staff
    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert client.get(reverse(CALLS)).status_code == 302


def test_an_organiser_sees_only_their_own_events_and_registrations(client):
    me = _log_in(client, Role.EVENT_ORGANISER)
    mine = EventFactory(title="My brokerage day", organisers=[me])
    theirs = EventFactory(title="Someone else's training")
    RegistrationFactory(event=mine, name="Attendee of mine")
    RegistrationFactory(event=theirs, name="Attendee of theirs")

    events = client.get(reverse(EVENTS)).content.decode()
    registrations = client.get(reverse(REGISTRATIONS)).content.decode()

    assert "My brokerage day" in events
    assert "Someone else" not in events
    assert "Attendee of mine" in registrations
    assert "Attendee of theirs" not in registrations
    other = client.get(reverse("admin:events_event_change", args=[theirs.pk]))
    assert other.status_code == 302  # "does not exist" for them


def test_a_staff_member_adds_a_funding_call_in_the_back_office(client):
    _log_in(client, Role.SITE_STAFF)

    response = client.post(
        reverse("admin:cooperation_fundingcall_add"),
        {
            "programme": "horizon_europe",
            "identifier": "HORIZON-CL5-2027-02",
            "title_ru": "Переход к чистой энергетике",
            "opens_at_0": "2027-01-10",
            "opens_at_1": "09:00:00",
            "currency": "EUR",
            "created_at_0": "2026-11-21",
            "created_at_1": "10:00:00",
            "deadlines-TOTAL_FORMS": "1",
            "deadlines-INITIAL_FORMS": "0",
            "deadlines-MIN_NUM_FORMS": "0",
            "deadlines-MAX_NUM_FORMS": "1000",
            "deadlines-0-deadline_0": "2027-04-01",
            "deadlines-0-deadline_1": "17:00:00",
            "deadlines-0-timezone": "Europe/Brussels",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    call = FundingCall.objects.get(identifier="HORIZON-CL5-2027-02")
    assert call.closes_at == datetime.datetime(2027, 4, 1, 15, 0, tzinfo=datetime.UTC)
    assert "HORIZON-CL5-2027-02" in client.get(reverse(CALLS)).content.decode()
    # Written in Russian only: the English list shows the Russian title, marked as Russian.
    assert "Переход к чистой энергетике" in client.get(reverse(CALLS)).content.decode()
    assert call.title_en in ("", None)


def test_site_staff_give_roles_but_cannot_make_superusers_or_touch_them(client):
    _log_in(client, Role.SITE_STAFF)
    root = User.objects.create_superuser(email="root@example.org", password="x")
    person = UserFactory(email="new.organiser@example.org")

    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' in page
    root_url = reverse("admin:accounts_user_change", args=[root.pk])
    assert 'name="_save"' not in client.get(root_url).content.decode()  # shown, read only
    assert client.post(root_url, {"email": "mine@example.org"}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403
    assert client.get(reverse("admin:accounts_user_delete", args=[root.pk])).status_code == 403


def test_becoming_an_organiser_opens_the_back_office_and_losing_the_role_closes_it(client):
    from portal.accounts.services import user_roles_assign, user_staff_status_sync

    person = UserFactory()
    assert not person.is_staff
    user_roles_assign(user=person, roles=[Role.EVENT_ORGANISER])
    person.refresh_from_db()
    assert person.is_staff
    person.groups.remove(Group.objects.get(name=Role.EVENT_ORGANISER))
    user_staff_status_sync(user=person, revoke=True)
    person.refresh_from_db()
    assert not person.is_staff


def test_deleting_an_account_in_the_back_office_erases_it_through_the_service(client, monkeypatch):
    from portal.accounts import admin as accounts_admin

    _log_in(client, Role.SITE_STAFF)
    person = UserFactory(email="leaving@example.org")
    erased: list[str] = []
    real = accounts_admin.user_delete

    def user_delete(*, user: User) -> None:
        erased.append(user.email)
        real(user=user)

    monkeypatch.setattr(accounts_admin, "user_delete", user_delete)

    response = client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert erased == ["leaving@example.org"]
    assert not User.objects.filter(pk=person.pk).exists()


def test_role_groups_hold_exactly_the_migrations_permissions():
    """A permission given by hand in one database and not in the migrations shows up here."""
    by_role = {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }
    assert by_role[Role.RESEARCHER] == set()
    assert by_role[Role.EVENT_ORGANISER] == {
        "events.view_event",
        "events.view_session",
        "events.view_question",
        "events.view_registration",
    }
    assert "cooperation.add_fundingcall" in by_role[Role.NCP_STAFF]
    assert not any(p.startswith(("accounts.", "events.")) for p in by_role[Role.NCP_STAFF])
    assert {"accounts.change_user", "cooperation.add_fundingcall", "mail.view_outgoingmail"} <= (
        by_role[Role.SITE_STAFF]
    )
    assert "accounts.add_permission" not in by_role[Role.SITE_STAFF]

"""URLs of the events app: public pages and organiser tools (urls_public, urls_organiser) and the
attendee flow (urls_attendee: register, ticket, claim, check-in)."""

from events.urls_attendee import urlpatterns as attendee_patterns
from events.urls_organiser import urlpatterns as organiser_patterns
from events.urls_public import urlpatterns as public_patterns

app_name = "events"

urlpatterns = attendee_patterns + organiser_patterns + public_patterns

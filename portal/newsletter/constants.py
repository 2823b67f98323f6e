"""The newsletter's kinds of outbox mail and its fixed values (read by services and emails)."""

CONFIRM_KIND = "newsletter.confirm"
ALREADY_KIND = "newsletter.already"
MANAGE_KIND = "newsletter.manage"
ISSUE_KIND = "newsletter.issue"
TEST_KIND = "newsletter.test"
ALERT_KIND = "newsletter.alert"
#: The digest section whose new items are sent at once to subscribers who chose alerts.
ALERT_SECTION = "calls"
#: The version of the consent text shown with the form (``SubscribeForm.consent``); a new
#: wording gets a new version, and each subscriber keeps the one they agreed to.
CONSENT_VERSION = "2026-12-01"
#: Bulk mail is claimed after the portal's transactional mail (``OutgoingMail.priority``).
ISSUE_PRIORITY = 50

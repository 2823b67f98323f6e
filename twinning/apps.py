from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningConfig(AppConfig):
    name = "twinning"
    verbose_name = _("Twinning")

    def ready(self) -> None:
        from portal import schedule
        from portal.monitoring import figures
        from portal.pages.demo import register_seeder
        from portal.pages.start import (
            MenuLink,
            StartSection,
            register_menu_link,
            register_start_section,
        )
        from portal.search import registry
        from twinning import digest, emails, permissions, selectors, start  # noqa: F401
        from twinning.indexing import REQUEST_SEARCH
        from twinning.personal_data import register_sections

        registry.register(REQUEST_SEARCH)
        register_seeder("twinning", "twinning.demo.seed_twinning", order=50)
        # Daily; idempotent (acts only on requests still published).
        schedule.register(
            "twinning-requests-expire", "twinning.tasks.requests_expire", every=24 * 3600.0
        )
        register_sections()
        digest.register_sections()
        for key, label, compute, order in (
            (
                "twinning.requests_published",
                _("Twinning requests published"),
                selectors.requests_published_between,
                70,
            ),
            ("twinning.responses", _("Twinning responses"), selectors.responses_between, 71),
            (
                "twinning.partnerships",
                _("Twinning partnerships formed"),
                selectors.partnerships_formed_between,
                72,
            ),
            (
                "twinning.exchanges",
                _("Twinning exchanges and visits"),
                selectors.exchanges_between,
                73,
            ),
            (
                "twinning.joint_publications",
                _("Twinning joint publications"),
                selectors.joint_publications_between,
                74,
            ),
            (
                "twinning.joint_proposals",
                _("Twinning joint proposals"),
                selectors.joint_proposals_between,
                75,
            ),
            (
                "twinning.funding_won",
                _("Twinning funding won (EUR)"),
                selectors.funding_won_between,
                76,
            ),
        ):
            figures.register(figures.Figure(key=key, label=label, compute=compute, order=order))
        register_start_section(
            StartSection(
                key="twinning.review",
                template="twinning/_start_review.html",
                context=start.review_context,
                applies=permissions.can_review_requests,
                order=11,
            )
        )
        register_start_section(
            StartSection(
                key="twinning.mine",
                template="twinning/_start_twinning.html",
                context=start.twinning_context,
                applies=start.is_researcher,
                order=45,
            )
        )
        register_menu_link(
            MenuLink(
                key="twinning.review_queue",
                label=_("Twinning review"),
                url_name="twinning:review_queue",
                applies=permissions.can_review_requests,
                order=11,
            )
        )
        register_menu_link(
            MenuLink(
                key="twinning.mine",
                label=_("My twinning"),
                url_name="twinning:my_requests",
                applies=start.is_researcher,
                order=45,
            )
        )

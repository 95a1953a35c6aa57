from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import analysis as analysis_views
from .views import coedit as coedit_views
from .views import concordance as concordance_views
from .views import consultation as consultation_views
from .views import documents as document_views
from .views import history as history_views
from .views import library as library_views
from .views import negotiation as negotiation_views
from .views import pages
from .views import preferences as preference_views
from .views import twofactor as twofactor_views

urlpatterns = [
    # Texts in and out (before drafts/<id>/ so that drafts/import/ is not a draft id).
    path("drafts/import/", document_views.draft_import, name="draft-import"),
    path(
        "drafts/<int:draft_id>/documents/",
        document_views.draft_documents,
        name="draft-documents",
    ),
    path("drafts/<int:draft_id>/export/", document_views.draft_export, name="draft-export"),
    path(
        "drafts/<int:draft_id>/compare/export/",
        document_views.draft_compare_export,
        name="draft-compare-export",
    ),
    path("drafts/<int:draft_id>/print/", document_views.draft_print, name="draft-print"),
    path(
        "drafts/<int:draft_id>/consultations/<int:number>/export/",
        document_views.round_export,
        name="round-export",
    ),
    path("", pages.dashboard, name="dashboard"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("login/", pages.EntenteLoginView.as_view(), name="login"),
    path("login/two-factor/", twofactor_views.login_two_factor, name="login-two-factor"),
    path("logout/", pages.logout_view, name="logout"),
    path("account/two-factor/", twofactor_views.account_two_factor, name="account-two-factor"),
    path("drafts/new/", pages.draft_new, name="draft-new"),
    path("drafts/<int:draft_id>/", pages.draft_detail, name="draft-detail"),
    path("drafts/<int:draft_id>/articles/new/", pages.article_new, name="article-new"),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/",
        pages.article_detail,
        name="article-detail",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/coedit/",
        coedit_views.article_coedit,
        name="article-coedit",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/move/",
        pages.article_move,
        name="article-move",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/delete/",
        pages.article_delete,
        name="article-delete",
    ),
    path("drafts/<int:draft_id>/members/", pages.members, name="draft-members"),
    path("drafts/<int:draft_id>/settings/", pages.draft_settings, name="draft-settings"),
    path(
        "drafts/<int:draft_id>/settings/leads/", negotiation_views.draft_leads, name="draft-leads"
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/history/",
        history_views.article_history,
        name="article-history",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/compare/",
        history_views.article_compare,
        name="article-compare",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/revisions/<int:number>/restore/",
        history_views.revision_restore,
        name="revision-restore",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/revisions/<int:number>/decide/",
        history_views.change_decide,
        name="change-decide",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/changes/decide-all/",
        history_views.changes_decide_all,
        name="changes-decide-all",
    ),
    path("drafts/<int:draft_id>/history/", history_views.draft_history, name="draft-history"),
    path("drafts/<int:draft_id>/versions/", history_views.draft_versions, name="draft-versions"),
    path(
        "drafts/<int:draft_id>/versions/<int:number>/",
        history_views.draft_version,
        name="draft-version",
    ),
    path(
        "drafts/<int:draft_id>/versions/<int:number>/restore/",
        history_views.draft_version_restore,
        name="draft-version-restore",
    ),
    path("drafts/<int:draft_id>/compare/", history_views.draft_compare, name="draft-compare"),
    path("drafts/<int:draft_id>/changes/", history_views.draft_changes, name="draft-changes"),
    path(
        "drafts/<int:draft_id>/consultations/",
        consultation_views.consultation_list,
        name="consultation-list",
    ),
    path(
        "drafts/<int:draft_id>/consultations/open/",
        consultation_views.consultation_round_open,
        name="consultation-round-open",
    ),
    path(
        "drafts/<int:draft_id>/consultations/offices/",
        consultation_views.consultation_office_create,
        name="consultation-office-create",
    ),
    path(
        "drafts/<int:draft_id>/consultations/offices/<int:office_id>/members/",
        consultation_views.consultation_office_members,
        name="consultation-office-members",
    ),
    path(
        "drafts/<int:draft_id>/consultations/<int:number>/",
        consultation_views.round_detail,
        name="round-detail",
    ),
    path(
        "drafts/<int:draft_id>/consultations/<int:number>/report/",
        consultation_views.round_report,
        name="round-report",
    ),
    path(
        "drafts/<int:draft_id>/consultations/<int:number>/report.csv",
        consultation_views.round_report_csv,
        name="round-report-csv",
    ),
    path(
        "drafts/<int:draft_id>/consultations/<int:number>/disclosures/",
        consultation_views.round_disclosures,
        name="round-disclosures",
    ),
    path(
        "drafts/<int:draft_id>/negotiation/",
        negotiation_views.negotiation_board,
        name="negotiation-board",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/negotiation/<slug:action>/",
        negotiation_views.article_negotiate,
        name="article-negotiate",
    ),
    path("notifications/", pages.notifications, name="notifications"),
    path("preferences/", preference_views.preferences, name="preferences"),
    path("preferences/language/", preference_views.language_switch, name="language-switch"),
    # The browser code's strings (frontend/src, domain djangojs) in the active language.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["drafting"]), name="javascript-catalog"),
    path("library/", library_views.clause_list, name="library"),
    path("library/clauses/<slug:slug>/", library_views.clause_detail, name="clause-detail"),
    path("library/clauses/<slug:slug>/insert/", pages.clause_insert, name="clause-insert"),
    path("library/treaties/", library_views.treaty_list, name="treaty-list"),
    path("library/treaties/<slug:slug>/", library_views.treaty_detail, name="treaty-detail"),
    path(
        "library/provisions/<int:provision_id>/",
        library_views.provision_detail,
        name="provision-detail",
    ),
    path("api/v1/", include("drafting.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # One sign-in page for everyone, with its second step and its lockout message.
    path("admin/login/", pages.admin_login_redirect),
    path("admin/", admin.site.urls),
]

handler400 = "drafting.views.errors.bad_request"
handler403 = "drafting.views.errors.forbidden"
handler404 = "drafting.views.errors.not_found"
handler500 = "drafting.views.errors.server_error"

# Concordance of the two authentic texts (issue 11, part 4).
urlpatterns += [
    path(
        "drafts/<int:draft_id>/concordance/",
        concordance_views.draft_concordance,
        name="draft-concordance",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/concordance/",
        concordance_views.article_concordance_panel,
        name="article-concordance-panel",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/concordance/confirm/",
        concordance_views.article_concordance_confirm,
        name="article-concordance-confirm",
    ),
]

# Precedent intelligence (issue 14).
urlpatterns += [
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/precedents/",
        analysis_views.article_panel,
        name="article-precedents-panel",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/precedents/<str:kind>/<int:pid>/",
        analysis_views.precedent_compare,
        name="article-precedent-compare",
    ),
    path(
        "drafts/<int:draft_id>/articles/<int:article_id>/obligations/",
        analysis_views.obligations_correct,
        name="article-obligations-correct",
    ),
    path("drafts/<int:draft_id>/profile/", analysis_views.draft_profile, name="draft-profile"),
]

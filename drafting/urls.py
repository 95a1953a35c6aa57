from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import coedit as coedit_views
from .views import consultation as consultation_views
from .views import documents as document_views
from .views import history as history_views
from .views import library as library_views
from .views import pages

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
    path("login/", pages.EntenteLoginView.as_view(), name="login"),
    path("logout/", pages.logout_view, name="logout"),
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
    path("notifications/", pages.notifications, name="notifications"),
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
    path("admin/", admin.site.urls),
]

handler400 = "drafting.views.errors.bad_request"
handler403 = "drafting.views.errors.forbidden"
handler404 = "drafting.views.errors.not_found"
handler500 = "drafting.views.errors.server_error"

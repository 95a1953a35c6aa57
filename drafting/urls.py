from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import library as library_views
from .views import pages

urlpatterns = [
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

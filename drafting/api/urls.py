from django.urls import path

from treaties import api as library

from . import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("drafts/", views.DraftListView.as_view(), name="api-drafts"),
    path("drafts/<int:draft_id>/", views.DraftDetailView.as_view(), name="api-draft"),
    path(
        "drafts/<int:draft_id>/articles/",
        views.DraftArticlesView.as_view(),
        name="api-draft-articles",
    ),
    path(
        "drafts/<int:draft_id>/members/", views.DraftMembersView.as_view(), name="api-draft-members"
    ),
    path(
        "drafts/<int:draft_id>/members/<int:member_id>/",
        views.DraftMemberDetailView.as_view(),
        name="api-draft-member",
    ),
    path("articles/<int:article_id>/", views.ArticleDetailView.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/move/", views.ArticleMoveView.as_view(), name="api-article-move"
    ),
    path("notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/read/", views.NotificationReadView.as_view(), name="api-notifications-read"
    ),
    path("library/treaties/", library.TreatyListView.as_view(), name="api-treaties"),
    path("library/treaties/<slug:slug>/", library.TreatyDetailView.as_view(), name="api-treaty"),
    path("library/provisions/", library.ProvisionListView.as_view(), name="api-provisions"),
    path(
        "library/provisions/<int:provision_id>/",
        library.ProvisionDetailView.as_view(),
        name="api-provision",
    ),
    path("library/clauses/", library.ClauseListView.as_view(), name="api-clauses"),
    path("library/clauses/<slug:slug>/", library.ClauseDetailView.as_view(), name="api-clause"),
]

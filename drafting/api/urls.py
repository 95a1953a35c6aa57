from django.urls import path

from treaties import api as library

from . import consultation, documents, history, review, sync, views

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
    path(
        "articles/<int:article_id>/revisions/",
        history.ArticleRevisionsView.as_view(),
        name="api-article-revisions",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/",
        history.ArticleRevisionDetailView.as_view(),
        name="api-article-revision",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/restore/",
        history.ArticleRevisionRestoreView.as_view(),
        name="api-article-revision-restore",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/accept/",
        history.ArticleRevisionDecisionView.as_view(decision="accept"),
        name="api-article-revision-accept",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/reject/",
        history.ArticleRevisionDecisionView.as_view(decision="reject"),
        name="api-article-revision-reject",
    ),
    path(
        "articles/<int:article_id>/compare/",
        history.ArticleCompareView.as_view(),
        name="api-article-compare",
    ),
    path(
        "articles/<int:article_id>/changes/",
        history.ArticleChangesView.as_view(),
        name="api-article-changes",
    ),
    path(
        "articles/<int:article_id>/changes/accept-all/",
        history.ArticleChangesDecideAllView.as_view(decision="accepted"),
        name="api-article-changes-accept-all",
    ),
    path(
        "articles/<int:article_id>/changes/reject-all/",
        history.ArticleChangesDecideAllView.as_view(decision="rejected"),
        name="api-article-changes-reject-all",
    ),
    path(
        "drafts/<int:draft_id>/versions/",
        history.DraftVersionsView.as_view(),
        name="api-draft-versions",
    ),
    path(
        "drafts/<int:draft_id>/versions/<int:number>/",
        history.DraftVersionDetailView.as_view(),
        name="api-draft-version",
    ),
    path(
        "drafts/<int:draft_id>/versions/<int:number>/restore/",
        history.DraftVersionRestoreView.as_view(),
        name="api-draft-version-restore",
    ),
    path(
        "drafts/<int:draft_id>/compare/",
        history.DraftCompareView.as_view(),
        name="api-draft-compare",
    ),
    path(
        "drafts/<int:draft_id>/changes/",
        history.DraftChangesView.as_view(),
        name="api-draft-changes",
    ),
    path(
        "drafts/<int:draft_id>/history/",
        history.DraftHistoryView.as_view(),
        name="api-draft-history",
    ),
    path(
        "articles/<int:article_id>/sessions/",
        sync.ArticleSessionsView.as_view(),
        name="api-article-sessions",
    ),
    path(
        "articles/<int:article_id>/sessions/<str:session>/sync/",
        sync.ArticleSyncView.as_view(),
        name="api-article-sync",
    ),
    path(
        "articles/<int:article_id>/conflicts/",
        sync.ArticleConflictsView.as_view(),
        name="api-article-conflicts",
    ),
    path(
        "conflicts/<int:conflict_id>/resolve/",
        sync.ConflictResolveView.as_view(),
        name="api-conflict-resolve",
    ),
    path(
        "articles/<int:article_id>/threads/",
        review.ArticleThreadsView.as_view(),
        name="api-article-threads",
    ),
    path("threads/<int:thread_id>/", review.ThreadDetailView.as_view(), name="api-thread"),
    path(
        "threads/<int:thread_id>/comments/",
        review.ThreadCommentsView.as_view(),
        name="api-thread-comments",
    ),
    path(
        "threads/<int:thread_id>/resolve/",
        review.ThreadStatusView.as_view(status_to="resolved"),
        name="api-thread-resolve",
    ),
    path(
        "threads/<int:thread_id>/reopen/",
        review.ThreadStatusView.as_view(status_to="open"),
        name="api-thread-reopen",
    ),
    path("comments/<int:comment_id>/", review.CommentDetailView.as_view(), name="api-comment"),
    path(
        "articles/<int:article_id>/suggestions/",
        review.ArticleSuggestionsView.as_view(),
        name="api-article-suggestions",
    ),
    path(
        "suggestions/<int:suggestion_id>/accept/",
        review.SuggestionAcceptView.as_view(),
        name="api-suggestion-accept",
    ),
    path(
        "suggestions/<int:suggestion_id>/reject/",
        review.SuggestionRejectView.as_view(),
        name="api-suggestion-reject",
    ),
    path("drafts/<int:draft_id>/mute/", review.DraftMuteView.as_view(), name="api-draft-mute"),
    path(
        "drafts/<int:draft_id>/offices/",
        consultation.DraftOfficesView.as_view(),
        name="api-draft-offices",
    ),
    path("offices/<int:office_id>/", consultation.OfficeDetailView.as_view(), name="api-office"),
    path(
        "drafts/<int:draft_id>/consultations/",
        consultation.DraftConsultationsView.as_view(),
        name="api-draft-consultations",
    ),
    path(
        "consultations/<int:round_id>/",
        consultation.ConsultationDetailView.as_view(),
        name="api-consultation",
    ),
    path(
        "consultations/<int:round_id>/close/",
        consultation.ConsultationCloseView.as_view(),
        name="api-consultation-close",
    ),
    path(
        "consultations/<int:round_id>/responses/",
        consultation.ConsultationResponsesView.as_view(),
        name="api-consultation-responses",
    ),
    path(
        "responses/<int:response_id>/disposition/",
        consultation.ResponseDispositionView.as_view(),
        name="api-response-disposition",
    ),
    path(
        "consultations/<int:round_id>/report/",
        consultation.ConsultationReportView.as_view(),
        name="api-consultation-report",
    ),
    path(
        "consultations/<int:round_id>/messages/",
        consultation.ConsultationMessagesView.as_view(),
        name="api-consultation-messages",
    ),
    path(
        "consultations/<int:round_id>/disclosures/",
        consultation.ConsultationDisclosuresView.as_view(),
        name="api-consultation-disclosures",
    ),
    path(
        "articles/<int:article_id>/us-status/",
        consultation.ArticleUSStatusView.as_view(),
        name="api-article-us-status",
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
    # Texts in and out (documents).
    path(
        "drafts/<int:draft_id>/export/",
        documents.DraftExportView.as_view(),
        name="api-draft-export",
    ),
    path(
        "drafts/<int:draft_id>/compare/export/",
        documents.DraftCompareExportView.as_view(),
        name="api-draft-compare-export",
    ),
    path("drafts/import/", documents.DraftImportView.as_view(), name="api-draft-import"),
    path(
        "drafts/<int:draft_id>/import-markup/",
        documents.DraftMarkupImportView.as_view(),
        name="api-draft-import-markup",
    ),
    path(
        "consultations/<int:round_id>/export/",
        documents.ConsultationExportView.as_view(),
        name="api-consultation-export",
    ),
]

"""Tracked revisions on the real database: every change recorded, any past text rebuilt
exactly, changes rejected one by one, versions, restore, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.core import revisions as core_revisions
from drafting.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from drafting.models import Article, AuditEvent, ChangeDecision, Revision, Version
from drafting.selectors import history
from drafting.services import audit, coalescing, restore, versions
from drafting.services import changes as change_services
from drafting.services import drafts as draft_services
from drafting.services import revisions as rev

ALPHABET = st.sampled_from(
    list("abcdefgh xyz.,;\n") + list("締約国はのを、。アイウ") + ["𠮟", "😀"]
)
TEXTS = st.text(alphabet=ALPHABET, max_size=60)
WORDS = st.text(
    alphabet=st.sampled_from(list("abcdxyz") + list("締約国アイ") + ["𠮟", "😀"]),
    min_size=1,
    max_size=6,
)
DB_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def new_article(draft, personas, text_en: str = "", text_ja: str = "") -> Article:
    return draft_services.article_create(
        actor=personas.owner, draft=draft, heading="Scratch", text_en=text_en, text_ja=text_ja
    )


def edit(article: Article, user, **texts) -> Article:
    return draft_services.article_edit(actor=user, article=article, **texts)


def chain_texts(article: Article, language: str) -> list[str]:
    latest = core_revisions.revision_latest(article, language)
    return [
        core_revisions.text_at(article, language, n)
        for n in range(1, (latest.number if latest else 0) + 1)
    ]


# --- recording and rebuilding -------------------------------------------------------------


def test_creating_an_article_records_revision_1_in_both_languages(draft, personas):
    article = new_article(draft, personas, "English text", "日本語の本文")
    revisions = list(Revision.objects.filter(article=article).order_by("language"))
    assert [(r.language, r.number, r.kind, r.author) for r in revisions] == [
        ("en", 1, "created", personas.owner),
        ("ja", 1, "created", personas.owner),
    ]
    assert revisions[0].snapshot == "English text"
    assert core_revisions.text_at(article, "ja", 1) == "日本語の本文"
    assert revisions[0].author_delegation == "UK"


@DB_SETTINGS
@given(texts=st.lists(TEXTS, min_size=1, max_size=8), language=st.sampled_from(["en", "ja"]))
def test_every_revision_rebuilds_exactly(draft, personas, texts, language):
    article = new_article(draft, personas)
    authors = [personas.uk_drafter, personas.jp_drafter]
    expected, last_author, current = [""], None, ""
    for i, text in enumerate(texts):
        author = authors[i % 2]
        article = edit(article, author, **{f"text_{language}": text})
        if text == current:
            continue  # no change, no revision
        if author == last_author:
            expected[-1] = text  # coalesced into that author's open revision
        else:
            expected.append(text)
        last_author, current = author, text
    assert chain_texts(article, language) == expected
    assert article.text(language) == current
    latest = core_revisions.revision_latest(article, language)
    assert latest.length == len(current)
    assert latest.text_hash == rev._hash(current)


def test_snapshots_keep_rebuilds_short(draft, personas):
    article = new_article(draft, personas, "v0")
    authors = [personas.uk_drafter, personas.jp_drafter]
    last = rev.SNAPSHOT_EVERY + 6
    for i in range(1, last):
        article = edit(article, authors[i % 2], text_en=f"v{i} " + "𠮟" * (i % 5))
    snapshots = list(
        Revision.objects.filter(article=article, language="en", snapshot__isnull=False).values_list(
            "number", flat=True
        )
    )
    assert snapshots == [1, rev.SNAPSHOT_EVERY + 1]
    for n in (1, 2, rev.SNAPSHOT_EVERY, rev.SNAPSHOT_EVERY + 1, rev.SNAPSHOT_EVERY + 2, last):
        assert core_revisions.text_at(article, "en", n) == (
            f"v{n - 1} " + "𠮟" * ((n - 1) % 5) if n > 1 else "v0"
        )


def test_changes_by_one_author_without_a_pause_are_coalesced(draft, personas):
    article = new_article(draft, personas, "Alpha")
    edit(article, personas.uk_drafter, text_en="Alpha beta")
    edit(article, personas.uk_drafter, text_en="Alpha beta gamma")
    assert Revision.objects.filter(article=article, language="en").count() == 2
    latest = core_revisions.revision_latest(article, "en")
    assert (latest.number, latest.kind, latest.closed_at) == (2, "edited", None)
    assert core_revisions.text_at(article, "en", 2) == "Alpha beta gamma"
    assert (latest.chars_added, latest.chars_removed) == (11, 0)
    # Another author in between closes it.
    edit(article, personas.jp_drafter, text_en="Alpha beta gamma delta")
    edit(article, personas.uk_drafter, text_en="Alpha beta gamma delta epsilon")
    assert Revision.objects.filter(article=article, language="en").count() == 4
    assert Revision.objects.get(article=article, language="en", number=2).closed_at is not None
    assert chain_texts(article, "en") == [
        "Alpha",
        "Alpha beta gamma",
        "Alpha beta gamma delta",
        "Alpha beta gamma delta epsilon",
    ]


def test_a_pause_closes_the_open_revision(draft, personas):
    article = new_article(draft, personas, "One")
    edit(article, personas.uk_drafter, text_en="One two")
    Revision.objects.filter(article=article, language="en", number=2).update(
        updated_at=timezone.now() - coalescing.COALESCE_WINDOW - timedelta(seconds=1)
    )
    edit(article, personas.uk_drafter, text_en="One two three")
    assert chain_texts(article, "en") == ["One", "One two", "One two three"]


def test_a_closed_revision_never_changes(draft, personas):
    article = new_article(draft, personas, "Base")
    edit(article, personas.uk_drafter, text_en="Base one")
    versions.version_create(actor=personas.owner, draft=draft, name="Round 1")
    closed = Revision.objects.get(article=article, language="en", number=2)
    before = (closed.delta, closed.updated_at, closed.text_hash)
    edit(article, personas.uk_drafter, text_en="Base one two")
    closed.refresh_from_db()
    assert (closed.delta, closed.updated_at, closed.text_hash) == before
    assert core_revisions.revision_latest(article, "en").number == 3


def test_every_write_path_records_a_revision(draft, personas):
    from treaties.models import LibraryClause

    clause = LibraryClause.objects.get(slug="consultation-nato-art4")
    inserted = draft_services.clause_insert(actor=personas.uk_drafter, draft=draft, clause=clause)
    assert core_revisions.revision_latest(inserted, "en").kind == "clause_inserted"
    edit(inserted, personas.jp_drafter, text_en="Changed.")
    restore.revision_restore(actor=personas.uk_drafter, article=inserted, language="en", number=1)
    kinds = list(
        Revision.objects.filter(article=inserted, language="en")
        .order_by("number")
        .values_list("kind", flat=True)
    )
    assert kinds == ["clause_inserted", "edited", "restored"]
    assert Article.objects.get(pk=inserted.pk).text_en == clause.text


# --- the text, its revision and its audit event: all or nothing ---------------------------


def test_when_the_revision_cannot_be_written_nothing_is(draft, personas):
    """A trigger makes the database refuse the revision row, as a full disk or a lost
    connection would, half-way through the write."""
    from django.db import DatabaseError

    article = Article.objects.get(draft=draft, heading="Purposes")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_revision() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'revision store unavailable'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_revision BEFORE INSERT ON drafting_revision "
                "FOR EACH ROW EXECUTE FUNCTION refuse_revision()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_revision BEFORE INSERT ON drafting_revision "
                "BEGIN SELECT RAISE(ABORT, 'revision store unavailable'); END"
            )
    events_before = AuditEvent.objects.count()
    revisions_before = Revision.objects.count()
    with pytest.raises(DatabaseError, match="revision store unavailable"):
        edit(article, personas.jp_drafter, text_en="This must not be stored.")
    article.refresh_from_db()
    assert article.text_en == "The Parties shall strengthen their alliance."
    assert AuditEvent.objects.count() == events_before
    assert Revision.objects.count() == revisions_before
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER refuse_revision"
            + (" ON drafting_revision" if connection.vendor == "postgresql" else "")
        )
    edit(article, personas.jp_drafter, text_en="Now it is stored.")
    assert Article.objects.get(pk=article.pk).text_en == "Now it is stored."


# --- tracked changes: accept and reject ---------------------------------------------------


@DB_SETTINGS
@given(
    words=st.lists(WORDS, min_size=4, max_size=10),
    data=st.data(),
)
def test_rejecting_one_change_leaves_the_others(draft, personas, words, data):
    indices = data.draw(
        st.lists(st.integers(0, len(words) - 1), min_size=2, max_size=4, unique=True)
    )
    replacements = data.draw(st.lists(WORDS, min_size=len(indices), max_size=len(indices)))
    replacements = [f"[{r}]" for r in replacements]  # never equal to what they replace
    language = data.draw(st.sampled_from(["en", "ja"]))
    rejected = data.draw(st.integers(0, len(indices) - 1))

    def text_with(applied: set[int]) -> str:
        out = list(words)
        for k, index in enumerate(indices):
            if k in applied:
                out[index] = replacements[k]
        return " ".join(out)

    article = new_article(draft, personas, **{f"text_{language}": text_with(set())})
    authors = [personas.uk_drafter, personas.jp_drafter]
    for k in range(len(indices)):
        article = edit(
            article, authors[k % 2], **{f"text_{language}": text_with(set(range(k + 1)))}
        )
    revision = Revision.objects.get(article=article, language=language, number=2 + rejected)
    change_services.change_reject(actor=personas.owner, revision=revision, reason="not agreed")
    article.refresh_from_db()
    assert article.text(language) == text_with(set(range(len(indices))) - {rejected})
    # History is never rewritten: the rejected change is still there, and so is the revert.
    assert core_revisions.text_at(article, language, 2 + rejected) == text_with(
        set(range(rejected + 1))
    )
    latest = core_revisions.revision_latest(article, language)
    assert (latest.kind, latest.reverts_id) == ("change_rejected", revision.pk)


def test_reject_that_overlaps_a_later_change_writes_nothing(draft, personas):
    article = new_article(draft, personas, "The Parties shall consult.")
    edit(article, personas.uk_drafter, text_en="The Parties shall promptly consult.")
    edit(article, personas.jp_drafter, text_en="The Parties shall immediately consult.")
    first = Revision.objects.get(article=article, language="en", number=2)
    with pytest.raises(ConflictError) as exc:
        change_services.change_reject(actor=personas.owner, revision=first)
    assert exc.value.status == 409 and "overlap" in exc.value.message
    article.refresh_from_db()
    assert article.text_en == "The Parties shall immediately consult."
    assert not ChangeDecision.objects.filter(revision=first).exists()


def test_decisions_are_final_and_for_drafters_only(draft, personas):
    article = new_article(draft, personas, "Alpha")
    edit(article, personas.uk_drafter, text_en="Alpha beta")
    revision = Revision.objects.get(article=article, language="en", number=2)
    with pytest.raises(PermissionDeniedError):
        change_services.change_reject(actor=personas.reviewer, revision=revision)
    change_services.change_reject(actor=personas.jp_drafter, revision=revision)
    with pytest.raises(ConflictError, match="already rejected"):
        change_services.change_reject(actor=personas.uk_drafter, revision=revision)
    with pytest.raises(ConflictError, match="already rejected"):
        change_services.change_accept(actor=personas.uk_drafter, revision=revision)
    article.refresh_from_db()
    assert article.text_en == "Alpha"


def test_accept_all_and_reject_all(draft, personas):
    article = new_article(draft, personas, "One")
    edit(article, personas.uk_drafter, text_en="One two")
    edit(article, personas.jp_drafter, text_en="One two three")
    assert [
        c.revision.number for c in history.article_changes(personas.reviewer, article, "en", "1")
    ] == [2, 3]
    assert (
        change_services.changes_decide_all(
            actor=personas.owner, article=article, language="en", since=1, decision="rejected"
        )
        == 2
    )
    article.refresh_from_db()
    assert article.text_en == "One"
    assert history.article_changes(personas.reviewer, article, "en", "1") == []
    edit(article, personas.uk_drafter, text_en="One four")
    assert (
        change_services.changes_decide_all(
            actor=personas.owner, article=article, language="en", since=1, decision="accepted"
        )
        == 1
    )
    article.refresh_from_db()
    assert article.text_en == "One four"


def test_restore_by_a_reviewer_is_refused(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    with pytest.raises(PermissionDeniedError):
        restore.revision_restore(actor=personas.reviewer, article=article, language="en", number=1)
    with pytest.raises(NotFoundError, match="no revision 99"):
        restore.revision_restore(actor=personas.owner, article=article, language="en", number=99)


# --- versions and compare -----------------------------------------------------------------


def test_versions_compare_and_restore(draft, personas):
    v1 = versions.version_create(
        actor=personas.uk_drafter, draft=draft, name="Text for US consultation, round 1"
    )
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    consultation = Article.objects.get(draft=draft, heading="Consultation")
    mutual = Article.objects.get(draft=draft, heading="Mutual assistance")
    edit(purposes, personas.jp_drafter, text_en="The Parties shall deepen their alliance.")
    draft_services.article_delete(actor=personas.uk_drafter, article=consultation)
    draft_services.article_move(actor=personas.uk_drafter, article=mutual, position=2)
    added = draft_services.article_create(
        actor=personas.uk_drafter, draft=draft, heading="Duration", text_en="Ten years."
    )
    v2 = versions.version_create(actor=personas.uk_drafter, draft=draft, name="Round 2")
    assert (v1.number, v2.number) == (1, 2)

    result = history.draft_compare(personas.reviewer, draft, "1", "2")
    status = {c.article_id: c.status for c in result.articles}
    assert status[added.pk] == "added"
    assert status[consultation.pk] == "removed"
    assert status[mutual.pk] == "moved"
    assert status[purposes.pk] in ("changed", "moved and changed")
    redline = {c.article_id: c for c in result.articles}[purposes.pk].diffs["en"]
    assert {"op": "delete", "text": "strengthen"} in history.ops_json(redline)
    assert {"op": "insert", "text": "deepen"} in history.ops_json(redline)

    revisions_before = Revision.objects.count()
    restore.version_restore(actor=personas.owner, version=v1)
    live = list(
        Article.objects.filter(draft=draft)
        .order_by("position")
        .values_list("heading", "number", "text_en")
    )
    assert live == [(i["heading"], i["number"], i["text_en"]) for i in v1.content]
    assert Article.all_objects.get(pk=added.pk).deleted_at is not None
    assert Revision.objects.count() > revisions_before  # restored as new revisions
    assert history.draft_compare(personas.reviewer, draft, "1", "now").counts == {"unchanged": 4}


def test_compare_bad_input(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    other = Article.objects.get(draft=draft, heading="Consultation")
    with pytest.raises(NotFoundError, match="no revision 7"):
        history.article_compare(personas.reviewer, article, "en", "1", "7")
    with pytest.raises(ApplicationError, match="within one article") as exc:
        history.article_compare(personas.reviewer, article, "en", f"{other.pk}:1", "1")
    assert exc.value.code == "different_articles"
    with pytest.raises(ApplicationError, match="not a revision number"):
        history.article_compare(personas.reviewer, article, "en", "abc", "1")
    with pytest.raises(ApplicationError, match="Unknown language"):
        history.language_parse("fr")
    with pytest.raises(NotFoundError):
        history.article_compare(personas.consultee, article, "en", "1", "1")


def test_unrelated_large_texts_compare_within_the_diff_timeout(draft, personas):
    """Correctness only: the timing target is a benchmark (tests/benchmarks), not a test."""
    a = "The Parties shall consult. " * 4000
    b = "締約国は協議する。𠮟😀 " * 8000
    article = new_article(draft, personas, a)
    edit(article, personas.uk_drafter, text_en=b)
    result = history.article_compare(personas.reviewer, article, "en", "1", "2")
    old = "".join(op["text"] for op in result.as_dict()["ops"] if op["op"] != "insert")
    new = "".join(op["text"] for op in result.as_dict()["ops"] if op["op"] != "delete")
    assert (old, new) == (a, b)


# --- the audit trail ----------------------------------------------------------------------


def test_every_write_is_audited_and_the_chain_verifies(draft, personas):
    article = Article.objects.get(draft=draft, heading="Purposes")
    edit(article, personas.jp_drafter, text_en="Audited.")
    actions = list(AuditEvent.objects.filter(draft_id=draft.pk).values_list("action", flat=True))
    for action in (
        "draft.create",
        "member.add",
        "article.create",
        "article.text.created",
        "article.text.edited",
    ):
        assert action in actions
    last = AuditEvent.objects.order_by("-id").first()
    assert last.chain == f"draft:{draft.pk}"
    assert (last.actor_username, last.object_id, last.data["language"]) == (
        "jp.drafter",
        str(article.pk),
        "en",
    )
    check = audit.audit_verify()
    assert check.ok and check.events == AuditEvent.objects.count()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering itself")
def test_verify_finds_an_altered_and_a_removed_event(draft, personas):
    chain = f"draft:{draft.pk}"
    victim = AuditEvent.objects.filter(chain=chain).order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE drafting_auditevent SET actor_username = 'mallory' WHERE id = %s", [victim.pk]
        )
    check = audit.audit_verify()
    assert not check.ok and check.first_bad_seq == victim.seq and "altered" in check.problem
    assert check.chain == chain and chain in check.problem
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE drafting_auditevent SET actor_username = %s WHERE id = %s",
            [victim.actor_username, victim.pk],
        )
        cursor.execute(
            "DELETE FROM drafting_auditevent WHERE chain = %s AND seq = %s", [chain, victim.seq + 1]
        )
    check = audit.audit_verify()
    assert not check.ok and check.first_bad_seq == victim.seq + 1 and "missing" in check.problem


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering itself")
def test_verify_finds_removed_tail_events(draft, personas):
    last = AuditEvent.objects.filter(chain=f"draft:{draft.pk}").order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM drafting_auditevent WHERE id = %s", [last.pk])
    check = audit.audit_verify()
    assert not check.ok and "removed" in check.problem and check.chain == last.chain


def test_verify_audit_command(draft, personas):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit trail intact" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_update_and_delete_on_the_audit_log(draft, personas):
    from django.db import DatabaseError, transaction

    for statement in (
        "UPDATE drafting_auditevent SET actor_username = 'mallory'",
        "DELETE FROM drafting_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert audit.audit_verify().ok


def test_version_needs_a_name_and_drafting_rights(draft, personas):
    with pytest.raises(ApplicationError, match="needs a name"):
        versions.version_create(actor=personas.uk_drafter, draft=draft, name="  ")
    with pytest.raises(PermissionDeniedError):
        versions.version_create(actor=personas.reviewer, draft=draft, name="Mine")
    assert not Version.objects.exists()


@pytest.mark.parametrize("rejected", [0, 1, 2])
def test_reject_in_repetitive_text_reverts_the_right_occurrence(draft, personas, rejected):
    """The same word again and again: only the change's own stored delta says which one."""
    words = ["a", "a", "a", "b"]
    changes = [(1, "[a]"), (2, "[a]"), (3, "[b]")]

    def text_with(applied: set[int]) -> str:
        out = list(words)
        for k, (index, word) in enumerate(changes):
            if k in applied:
                out[index] = word
        return " ".join(out)

    article = new_article(draft, personas, text_with(set()))
    authors = [personas.uk_drafter, personas.jp_drafter]
    for k in range(len(changes)):
        article = edit(article, authors[k % 2], text_en=text_with(set(range(k + 1))))
    revision = Revision.objects.get(article=article, language="en", number=2 + rejected)
    change_services.change_reject(actor=personas.owner, revision=revision)
    assert Article.objects.get(pk=article.pk).text_en == text_with({0, 1, 2} - {rejected})

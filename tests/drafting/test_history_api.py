"""The history API as a client uses it: revisions, compare, changes, versions, restore."""

from __future__ import annotations

from drafting.models import Article, Revision
from drafting.services import drafts as draft_services


def _edited(draft, personas) -> Article:
    article = Article.objects.get(draft=draft, heading="Purposes")
    draft_services.article_edit(
        actor=personas.jp_drafter,
        article=article,
        text_en="The Parties shall deepen their alliance.",
    )
    draft_services.article_edit(
        actor=personas.uk_drafter,
        article=article,
        text_en="The Parties shall deepen their 𠮟 alliance.",
    )
    return article


def test_revisions_list_and_detail(api, draft, personas):
    article = _edited(draft, personas)
    client = api(personas.reviewer)
    page = client.get(f"/api/v1/articles/{article.pk}/revisions/?language=en").json()
    assert page["count"] == 3
    newest = page["results"][0]
    assert (newest["number"], newest["author"], newest["delegation"], newest["kind"]) == (
        3,
        "uk.drafter",
        "UK",
        "edited",
    )
    assert {
        "created_at",
        "summary",
        "chars_added",
        "chars_removed",
        "closed",
        "decision",
    } <= newest.keys()
    detail = client.get(f"/api/v1/articles/{article.pk}/revisions/2/?language=en").json()
    assert detail["text"] == "The Parties shall deepen their alliance."
    assert detail["author"] == "jp.drafter"
    ja = client.get(f"/api/v1/articles/{article.pk}/revisions/1/?language=ja").json()
    assert ja["text"] == "締約国は、"


def test_unknown_revision_and_language(api, draft, personas):
    article = _edited(draft, personas)
    client = api(personas.reviewer)
    response = client.get(f"/api/v1/articles/{article.pk}/revisions/9/")
    assert response.status_code == 404 and "no revision 9" in response.json()["detail"]
    response = client.get(f"/api/v1/articles/{article.pk}/revisions/?language=fr")
    assert response.status_code == 400 and "language" in response.json()["fields"]


def test_compare_json(api, draft, personas):
    article = _edited(draft, personas)
    body = api(personas.reviewer).get(f"/api/v1/articles/{article.pk}/compare/?from=1&to=3").json()
    assert (body["from"], body["to"], body["language"]) == (1, 3, "en")
    ops = [(op["op"], op["text"]) for op in body["ops"]]
    assert ("delete", "strengthen") in ops
    assert any(op == "insert" and "deepen" in text for op, text in ops)
    assert (
        "".join(t for o, t in ops if o != "insert")
        == "The Parties shall strengthen their alliance."
    )
    assert (
        "".join(t for o, t in ops if o != "delete") == "The Parties shall deepen their 𠮟 alliance."
    )


def test_compare_bad_input(api, draft, personas):
    article = _edited(draft, personas)
    other = Article.objects.get(draft=draft, heading="Consultation")
    client = api(personas.reviewer)
    response = client.get(f"/api/v1/articles/{article.pk}/compare/?from={other.pk}:1&to=2")
    assert response.status_code == 400 and response.json()["code"] == "different_articles"
    assert client.get(f"/api/v1/articles/{article.pk}/compare/?from=1&to=50").status_code == 404
    assert client.get(f"/api/v1/articles/{article.pk}/compare/?to=2").status_code == 400


def test_reject_and_reject_again(api, draft, personas):
    article = _edited(draft, personas)
    client = api(personas.owner)
    response = client.post(
        f"/api/v1/articles/{article.pk}/revisions/3/reject/", {"reason": "no 𠮟"}, format="json"
    )
    assert response.status_code == 200 and response.json()["decision"] == "rejected"
    assert Article.objects.get(pk=article.pk).text_en == "The Parties shall deepen their alliance."
    again = client.post(f"/api/v1/articles/{article.pk}/revisions/3/reject/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rejected"
    changes = (
        api(personas.reviewer)
        .get(f"/api/v1/articles/{article.pk}/changes/?since=1")
        .json()["changes"]
    )
    assert [c["revision"] for c in changes] == [2]


def test_restore_by_reviewer_is_403_and_by_drafter_works(api, draft, personas):
    article = _edited(draft, personas)
    count = Revision.objects.count()
    response = api(personas.reviewer).post(f"/api/v1/articles/{article.pk}/revisions/1/restore/")
    assert response.status_code == 403 and Revision.objects.count() == count
    response = api(personas.uk_drafter).post(f"/api/v1/articles/{article.pk}/revisions/1/restore/")
    assert response.status_code == 200 and response.json()["kind"] == "restored"
    assert (
        Article.objects.get(pk=article.pk).text_en == "The Parties shall strengthen their alliance."
    )


def test_versions_and_draft_compare(api, draft, personas):
    client = api(personas.uk_drafter)
    created = client.post(
        f"/api/v1/drafts/{draft.pk}/versions/",
        {"name": "Text for US consultation, round 1"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["number"] == 1
    _edited(draft, personas)
    versions = client.get(f"/api/v1/drafts/{draft.pk}/versions/").json()
    assert [v["name"] for v in versions["results"]] == ["Text for US consultation, round 1"]
    detail = client.get(f"/api/v1/drafts/{draft.pk}/versions/1/").json()
    assert len(detail["content"]) == 4
    compare = client.get(f"/api/v1/drafts/{draft.pk}/compare/?from=1&to=now").json()
    assert compare["counts"] == {"unchanged": 3, "changed": 1}
    changed = next(a for a in compare["articles"] if a["status"] == "changed")
    assert changed["to"]["heading"] == "Purposes" and changed["diffs"]["en"]
    changes = client.get(f"/api/v1/drafts/{draft.pk}/changes/?since_version=1").json()
    assert [a["label"] for a in changes["articles"]] == ["Article 1 — Purposes"]
    assert [c["revision"] for c in changes["articles"][0]["changes"]["en"]] == [2, 3]
    assert client.get(f"/api/v1/drafts/{draft.pk}/compare/?from=7").status_code == 404
    bad = client.post(f"/api/v1/drafts/{draft.pk}/versions/", {"name": ""}, format="json")
    assert bad.status_code == 400
    reviewer = api(personas.reviewer).post(
        f"/api/v1/drafts/{draft.pk}/versions/", {"name": "x"}, format="json"
    )
    assert reviewer.status_code == 403


def test_history_hidden_from_consultee_and_outsider(api, draft, personas):
    article = _edited(draft, personas)
    for user in (personas.consultee, personas.outsider):
        client = api(user)
        for url in (
            f"/api/v1/articles/{article.pk}/revisions/",
            f"/api/v1/articles/{article.pk}/revisions/2/",
            f"/api/v1/articles/{article.pk}/compare/?from=1&to=2",
            f"/api/v1/drafts/{draft.pk}/history/",
            f"/api/v1/drafts/{draft.pk}/versions/",
            f"/api/v1/drafts/{draft.pk}/changes/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"deepen" not in response.content

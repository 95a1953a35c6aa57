"""Texts in: a Word draft as a new draft, a counterpart's marked-up copy as suggestions and
threads, the round pack; hostile files get a clear 400 and write nothing."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from lxml import etree

from drafting.documents import akn
from drafting.documents.headings import eid_of
from drafting.models import (
    Article,
    AuditEvent,
    Comment,
    DisclosureEvent,
    Draft,
    Membership,
    Suggestion,
    Thread,
)
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation as negotiation_services
from drafting.services.demo import demo_seed
from drafting.services.members import member_add
from tests.conftest import UserFactory

from .docx_helpers import part
from .test_documents import AKN_NS, akn_tree, ooxml_errors

FIXTURES = Path(__file__).parent / "fixtures"
MARKUP = FIXTURES / "markup_libreoffice.docx"


def upload(api, user, url, data: bytes, name="file.docx", **fields):
    return api(user).post(url, {"file": _named(data, name), **fields}, format="multipart")


def _named(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _writes() -> tuple[int, int, int, int]:
    return (
        Draft.objects.count(),
        Suggestion.objects.count(),
        Thread.objects.count(),
        Article.objects.count(),
    )


# --- a counterpart's marked-up copy --------------------------------------------------------


def test_libreoffice_markup_becomes_suggestions_and_threads(api, personas, draft):
    response = upload(
        api,
        personas.uk_drafter,
        f"/api/v1/drafts/{draft.pk}/import-markup/",
        MARKUP.read_bytes(),
        "markup.docx",
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["suggestions"] == 3 and result["threads"] == 1
    assert [(u["article"], u["deleted"], u["author"]) for u in result["unplaced"]] == [
        ("Article 3", " in Europe", "Jane Counsel")
    ]
    purposes = Article.objects.get(draft=draft, heading="Purposes")
    replaced = Suggestion.objects.get(article=purposes, language="en")
    assert (replaced.original, replaced.replacement) == ("strengthen", "deepen")
    assert replaced.created_by == personas.reviewer and replaced.delegation == "UK"
    assert "2026-11-20T10:15:00Z" in replaced.note
    japanese = Suggestion.objects.get(article=purposes, language="ja")
    assert (
        japanese.replacement == "同盟を𠮟咤強化する😀。"
        and japanese.created_by == personas.jp_drafter
    )
    outside = Suggestion.objects.get(article__heading="Consultation", article__draft=draft)
    assert outside.replacement == " regularly" and outside.created_by == personas.uk_drafter
    assert "Jane Counsel" in outside.note
    thread = Thread.objects.get(article__draft=draft)
    assert thread.quote == "consult together"
    assert (
        "Is “together” needed here?" in thread.comments.get().body
        and "Jane Counsel" in thread.comments.get().body
    )
    event = AuditEvent.objects.filter(action="import.markup").get()
    assert (
        event.data["suggestions"] == 3
        and event.data["unplaced"] == 1
        and event.actor_username == "uk.drafter"
    )


@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 403), ("consultee", 404), ("outsider", 404)]
)
def test_markup_import_is_for_drafters(api, personas, draft, who, status):
    before = _writes()
    response = upload(
        api,
        getattr(personas, who),
        f"/api/v1/drafts/{draft.pk}/import-markup/",
        MARKUP.read_bytes(),
    )
    assert response.status_code == status
    assert _writes() == before


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docm() -> bytes:
    source = zipfile.ZipFile(MARKUP)
    parts = {n: source.read(n) for n in source.namelist()}
    parts["word/vbaProject.bin"] = b"\x00macro"
    return _zip(parts)


def _entity_bomb() -> bytes:
    source = zipfile.ZipFile(MARKUP)
    parts = {n: source.read(n) for n in source.namelist()}
    parts["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _zip(parts)


def _missing_part() -> bytes:
    source = zipfile.ZipFile(MARKUP)
    return _zip({n: source.read(n) for n in source.namelist() if n != "word/document.xml"})


HOSTILE = {
    "not a docx": (b"%PDF-1.4 hello", "not a DOCX"),
    "zip bomb": (
        _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * 40_000_000}),
        "zip bomb",
    ),
    "macros": (_docm(), "macros"),
    "xml bomb": (_entity_bomb(), "entities"),
    "missing part": (_missing_part(), "word/document.xml"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("endpoint", ["markup", "import"])
def test_hostile_files_get_a_clear_400_and_write_nothing(api, personas, draft, case, endpoint):
    data, message = HOSTILE[case]
    before = _writes()
    url = (
        f"/api/v1/drafts/{draft.pk}/import-markup/"
        if endpoint == "markup"
        else "/api/v1/drafts/import/"
    )
    response = upload(api, personas.uk_drafter, url, data)
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert _writes() == before


def test_oversized_upload_is_refused(api, personas, settings):
    big = b"PK\x03\x04" + b"0" * (10 * 1024 * 1024 + 10)
    response = upload(api, personas.uk_drafter, "/api/v1/drafts/import/", big)
    assert response.status_code == 400 and "limit" in response.json()["detail"]


# --- a Word draft as a new draft -----------------------------------------------------------


def _word(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_import_previews_then_creates_a_foreign_word_draft(api, personas, corpus):
    data = _word(
        [
            "Agreement on Defence Cooperation",
            "The Parties, desiring to deepen their cooperation,",
            "Have agreed as follows:",
            "Article 1 — Definitions",
            "For the purposes of this Agreement:",
            "(a) “forces” means the armed forces.",
            "Article 1 bis",
            "Inserted article.",
            "Article 2: Consultation",
            "The Parties shall consult.",
        ]
    )
    before = _writes()
    preview = upload(api, personas.owner, "/api/v1/drafts/import/", data, dry_run="true")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert _writes() == before and body["draft"] is None
    assert body["title"] == "Agreement on Defence Cooperation"
    assert [(a["kind"], a["number"], a["heading"]) for a in body["articles"]] == [
        ("preamble", "", ""),
        ("article", "1", "Definitions"),
        ("article", "1 bis", ""),
        ("article", "2", "Consultation"),
    ]
    assert (
        body["articles"][0]["text_en"]
        == "The Parties, desiring to deepen their cooperation,\nHave agreed as follows:"
    )
    created = upload(
        api,
        personas.owner,
        "/api/v1/drafts/import/",
        data,
        title="Imported",
        classification="OFFICIAL",
    )
    assert created.status_code == 201
    draft = Draft.objects.get(pk=created.json()["draft"])
    assert draft.title == "Imported" and draft.classification == "OFFICIAL"
    assert list(
        Article.objects.filter(draft=draft).order_by("position").values_list("number", "heading")
    ) == [("", ""), ("1", "Definitions"), ("1 bis", ""), ("2", "Consultation")]
    assert (
        Article.objects.get(draft=draft, number="1").text_en
        == "For the purposes of this Agreement:\n(a) “forces” means the armed forces."
    )
    assert AuditEvent.objects.filter(action="import.draft", draft_id=draft.pk).exists()


def test_a_file_that_cannot_be_split_creates_nothing_and_says_why(api, personas, corpus):
    before = _writes()
    response = upload(
        api, personas.owner, "/api/v1/drafts/import/", _word(["A memo", "No articles here."])
    )
    assert response.status_code == 400
    assert (
        "No article headings" in response.json()["detail"]
        and "2 paragraphs" in response.json()["detail"]
    )
    twice = upload(
        api, personas.owner, "/api/v1/drafts/import/", _word(["Article 1", "a", "Article 1", "b"])
    )
    assert twice.status_code == 400 and "paragraphs 1 and 3" in twice.json()["detail"]
    assert _writes() == before


def test_demo_draft_round_trips_through_docx(api, corpus, settings, tmp_path):
    settings.DEBUG = True
    draft = demo_seed(password="demo-password-123")
    owner = draft.created_by
    exported = api(owner).get(
        f"/api/v1/drafts/{draft.pk}/export/", {"format": "docx", "language": "both"}
    )
    assert exported.status_code == 200
    created = upload(api, owner, "/api/v1/drafts/import/", exported.content, title="Round trip")
    assert created.status_code == 201, created.content
    copy = Draft.objects.get(pk=created.json()["draft"])
    assert copy.title_ja == draft.title_ja

    def rows(d):
        return list(
            Article.objects.filter(draft=d)
            .order_by("position")
            .values_list(
                "kind", "number", "heading", "heading_ja", "text_en", "text_ja", "releasability"
            )
        )

    assert rows(copy) == rows(draft)
    assert ooxml_errors(exported.content, tmp_path) == []
    for language in ("en", "ja"):
        akn_file = api(owner).get(
            f"/api/v1/drafts/{draft.pk}/export/", {"format": "akn", "language": language}
        )
        assert akn.akn_errors(akn_file.content) == []


# --- the consultation round pack -------------------------------------------------------------


@pytest.fixture
def round_(draft, personas):
    owner = personas.owner
    UserFactory(username="us.dod")
    member_add(actor=owner, draft=draft, username="us.dod", role="consultee", delegation="US")
    office = consultation_services.office_create(
        actor=owner, draft=draft, name="State EAP", members=["us.state"]
    )
    consultation_services.office_create(
        actor=owner, draft=draft, name="OSD Policy", members=["us.dod"]
    )
    sent = Article.objects.get(draft=draft, heading="Mutual assistance")
    draft_services.article_edit(
        actor=owner, article=sent, text_en="SENT armed attack text", text_ja="送付済み𠮟"
    )
    Article.objects.filter(draft=draft, heading="Purposes").update(text_en="UNRELEASED secret")
    draft_services.article_set_releasability(actor=owner, article=sent, releasability="REL USA")
    return consultation_services.round_open(
        actor=owner,
        draft=draft,
        article_ids=[sent.pk],
        office_ids=[office.pk],
        deadline=timezone.now() + timedelta(days=3),
        cover_note="Please answer by the deadline.",
    )


def test_round_pack_for_a_consultee_is_marked_rel_usa_and_logged(api, personas, round_, tmp_path):
    response = api(personas.consultee).get(
        f"/api/v1/consultations/{round_.pk}/export/", {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["X-Classification"] == "OFFICIAL-SENSITIVE / REL USA"
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "REL USA" in text and "Please answer by the deadline." in text and "Deadline" in text
    assert "SENT armed attack text" in text and "送付済み𠮟" in text and "UNRELEASED" not in text
    event = DisclosureEvent.objects.get(kind="exported")
    assert event.user == personas.consultee and event.office.name == "State EAP"
    word = api(personas.consultee).get(
        f"/api/v1/consultations/{round_.pk}/export/", {"format": "docx"}
    )
    assert word.status_code == 200
    assert "REL USA" in part(word.content, "word/header1.xml")
    assert ooxml_errors(word.content, tmp_path) == []
    assert "SENT armed attack text" in part(word.content, "word/document.xml")
    assert "UNRELEASED" not in part(word.content, "word/document.xml")
    assert DisclosureEvent.objects.filter(kind="exported").count() == 2


def test_round_pack_owner_may_others_may_not(api, personas, round_):
    assert (
        api(personas.owner)
        .get(f"/api/v1/consultations/{round_.pk}/export/", {"format": "docx"})
        .status_code
        == 200
    )
    assert set(
        DisclosureEvent.objects.filter(kind="exported").values_list("office__name", flat=True)
    ) == {"State EAP"}
    for user in (personas.uk_drafter, personas.reviewer, personas.outsider):
        assert api(user).get(f"/api/v1/consultations/{round_.pk}/export/").status_code == 404
    other = Membership.objects.get(user__username="us.dod").user
    assert api(other).get(f"/api/v1/consultations/{round_.pk}/export/").status_code == 404


def test_round_pack_in_akoma_ntoso_is_the_round_as_sent_with_its_brackets(
    api, client, personas, draft, round_
):
    """Issue 12: the round pack as Akoma Ntoso, one schema-valid file per language as for a
    draft: the texts and the open brackets as they were when the round was sent (the live
    draft moves on after), marked REL USA, logged as a disclosure, for the round's people."""
    sent = round_.articles.get().article
    start = sent.text_en.index("armed attack")
    bracket = negotiation_services.bracket_create(
        actor=personas.uk_drafter,
        article=sent,
        language="en",
        start=start,
        end=start + len("armed attack"),
        delegation="UK",
        note="UK keeps the treaty term",
        options=[{"text": "armed aggression", "delegations": ["JP"], "note": ""}],
    )
    bracketed = consultation_services.round_open(
        actor=personas.owner,
        draft=draft,
        article_ids=[sent.pk],
        office_ids=[round_.offices.get().pk],
        deadline=timezone.now() + timedelta(days=5),
        cover_note="The brackets are as they stand.",
    )
    negotiation_services.bracket_resolve(
        actor=personas.jp_drafter, bracket=bracket, resolution="keep", reason="agreed"
    )
    draft_services.article_edit(
        actor=personas.owner, article=sent, text_en="LIVE text after sending", text_ja="送付後"
    )
    url = f"/api/v1/consultations/{bracketed.pk}/export/"
    documents = {}
    for language in ("en", "ja"):
        response = api(personas.consultee).get(url, {"format": "akn", "language": language})
        assert response["X-Classification"] == "OFFICIAL-SENSITIVE / REL USA"
        documents[language] = akn_tree(response)
    english, japanese = documents["en"], documents["ja"]
    snapshot = bracketed.articles.get()
    eid = eid_of(snapshot.kind, snapshot.number)
    content = english.find(f".//akn:article[@eId='{eid}']/akn:content", AKN_NS)
    (inline,) = content.findall(".//akn:inline[@name='bracket']", AKN_NS)
    assert inline.text == "armed attack" and inline.get("refersTo") == "#uk"
    assert inline.get(f"{{{akn.ENTENTE}}}bracket") == str(bracket.pk)
    (option,) = content.findall(f".//akn:inline[@alternativeTo='{inline.get('eId')}']", AKN_NS)
    assert (option.text, option.get("refersTo")) == ("armed aggression", "#jp")
    notes = [
        "".join(n.itertext()).strip()
        for n in english.findall(".//akn:meta/akn:notes/akn:note", AKN_NS)
    ]
    assert notes == ["UK keeps the treaty term"]
    assert "".join(content.find("akn:p", AKN_NS).itertext()).startswith("SENT armed attack")
    japanese_text = etree.tostring(japanese, encoding="unicode")
    assert "送付済み𠮟" in japanese_text and "送付後" not in japanese_text
    assert japanese.find(f".//akn:article[@eId='{eid}']", AKN_NS) is not None
    for root in (english, japanese):
        whole = etree.tostring(root, encoding="unicode")
        assert "LIVE" not in whole and "UNRELEASED" not in whole
        proprietary = root.find(".//akn:meta/akn:proprietary", AKN_NS)
        assert (
            proprietary.find("entente:classification", AKN_NS).text
            == "OFFICIAL-SENSITIVE — REL USA"
        )
        (releasability,) = proprietary.findall("entente:releasability", AKN_NS)
        assert releasability.get("provision") == eid and releasability.text == "REL USA"
        assert proprietary.find("entente:version", AKN_NS).text == "Consultation round 2"
        assert (
            proprietary.find("entente:coverNote", AKN_NS).text == "The brackets are as they stand."
        )
        assert str(bracketed.deadline.year) in proprietary.find("entente:deadline", AKN_NS).text
    exported = DisclosureEvent.objects.filter(round=bracketed, kind="exported")
    assert [(e.user, e.office.name) for e in exported] == [(personas.consultee, "State EAP")] * 2
    logged = AuditEvent.objects.filter(action="export.round", object_id=str(bracketed.pk))
    assert sorted(e.data["language"] for e in logged if e.data["format"] == "akn") == ["en", "ja"]
    # One language per file, as for a draft; the refusal says so in the reader's language.
    both = api(personas.consultee).get(url, {"format": "akn"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert both.status_code == 400 and "一文書につき一言語" in both.json()["detail"]
    # The same people as for the other formats: the owner and this round's consultees.
    assert api(personas.owner).get(url, {"format": "akn", "language": "en"}).status_code == 200
    other_round = Membership.objects.get(user__username="us.dod").user
    for user in (other_round, personas.uk_drafter, personas.reviewer, personas.outsider):
        assert api(user).get(url, {"format": "akn", "language": "en"}).status_code == 404
    assert api().get(url, {"format": "akn", "language": "en"}).status_code in (401, 403)
    # The round's page offers it, one link per language, and gives the same file.
    client.force_login(personas.consultee)
    page = client.get(f"/drafts/{draft.pk}/consultations/{bracketed.number}/").content.decode()
    link = f"/drafts/{draft.pk}/consultations/{bracketed.number}/export/?format=akn&amp;language=ja"
    assert link in page
    from_page = client.get(link.replace("&amp;", "&"))
    assert from_page.status_code == 200 and akn.akn_errors(from_page.content) == []
    assert "送付済み𠮟" in from_page.content.decode()


def test_pages_have_the_buttons_and_the_import_flow_works(client, personas, draft, round_):
    client.force_login(personas.uk_drafter)
    page = client.get(f"/drafts/{draft.pk}/").content.decode()
    assert (
        f"/drafts/{draft.pk}/export/?format=docx" in page
        and f"/drafts/{draft.pk}/documents/" in page
    )
    documents = client.get(f"/drafts/{draft.pk}/documents/").content.decode()
    assert 'data-testid="export-form"' in documents and 'data-testid="markup-form"' in documents
    response = client.post(
        f"/drafts/{draft.pk}/documents/", {"file": _named(MARKUP.read_bytes(), "m.docx")}
    )
    assert (
        response.status_code == 200 and 'data-testid="markup-result"' in response.content.decode()
    )
    assert "in Europe" in response.content.decode()
    assert (
        client.get(f"/drafts/{draft.pk}/export/?format=pdf&language=en")["Content-Type"]
        == "application/pdf"
    )
    preview = client.post(
        "/drafts/import/",
        {
            "file": _named(_word(["T", "Article 1", "x"]), "t.docx"),
            "classification": "OFFICIAL",
            "delegation": "UK",
        },
    )
    assert preview.status_code == 200 and 'data-testid="import-preview"' in preview.content.decode()
    token = preview.context["token"]
    created = client.post(
        "/drafts/import/",
        {"token": token, "title": "From Word", "classification": "OFFICIAL", "delegation": "UK"},
    )
    assert created.status_code == 302
    assert Draft.objects.filter(title="From Word").exists()
    bad = client.post("/drafts/import/", {"file": _named(b"nonsense", "x.docx")})
    assert bad.status_code == 400 and "not a DOCX" in bad.content.decode()
    client.force_login(personas.consultee)
    round_page = client.get(f"/drafts/{draft.pk}/consultations/{round_.number}/").content.decode()
    assert 'data-testid="round-pack"' in round_page
    assert (
        client.get(
            f"/drafts/{draft.pk}/consultations/{round_.number}/export/?format=docx"
        ).status_code
        == 200
    )
    assert client.get(f"/drafts/{draft.pk}/export/?format=docx").status_code == 404
    assert Comment.objects.exists()


def test_a_japanese_reader_is_told_which_article_in_japanese(api, personas, corpus):
    """The refusal names the article as the reader's language writes it, whatever the
    language of the paragraph it was found in."""
    before = _writes()
    response = api(personas.owner).post(
        "/api/v1/drafts/import/",
        {"file": _named(_word(["Article 2 bis", "a", "Article 2 bis", "b"]), "file.docx")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "第二条の二" in detail and "英語" in detail, detail
    assert "Article" not in detail, detail
    assert _writes() == before

"""Texts in and out through the API: exports, compare as tracked changes, imports, the round
pack, access rules, audit and disclosure, hostile files."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import openxml_audit
import pytest
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from lxml import etree
from rest_framework.test import APIClient

from drafting.documents import akn, docx_reader
from drafting.documents.headings import eid_of
from drafting.documents.safety import docx_open
from drafting.models import Article, AuditEvent
from drafting.services import changes as change_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation as negotiation_services
from drafting.services import review as review_services
from drafting.services import versions as version_services
from drafting.services.revisions import revisions_close
from drafting.textdiff import utf16_len

from .docx_helpers import part, resolved, units


def ooxml_errors(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "check.docx"
    path.write_bytes(data)
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    return [str(e) for e in result.errors]


def export(api, user, draft, **params):
    return api(user).get(f"/api/v1/drafts/{draft.pk}/export/", params)


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ja", "both"])
def test_docx_export_is_valid_ooxml_with_marking_and_east_asian_font(
    api, personas, draft, tmp_path, language
):
    article = Article.objects.filter(draft=draft, kind="article").first()
    draft_services.article_edit(
        actor=personas.owner, article=article, text_ja="締約国は𠮟😀協議する。"
    )
    response = export(api, personas.uk_drafter, draft, format="docx", language=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Classification"] == "OFFICIAL-SENSITIVE"
    data = response.content
    assert ooxml_errors(data, tmp_path) == []
    header = part(data, "word/header1.xml")
    assert "OFFICIAL-SENSITIVE" in header and "STYLEREF" in header and "[UK/JPN ONLY]" in header
    footer = part(data, "word/footer1.xml")
    assert "OFFICIAL-SENSITIVE" in footer and "NUMPAGES" in footer
    body = part(data, "word/document.xml")
    assert "[UK/JPN ONLY]" in body
    if language != "en":
        assert 'w:eastAsia="Noto Serif CJK JP"' in body and "締約国は𠮟😀協議する。" in body
    if language == "both":
        assert "<w:tbl>" in body
    styles = part(data, "word/styles.xml")
    assert 'w:styleId="CommentText"' in styles and 'w:styleId="EntenteArticleHeading"' in styles


def test_docx_export_of_a_named_version_holds_the_version_text(api, personas, draft):
    version = version_services.version_create(
        actor=personas.owner, draft=draft, name="Round one text"
    )
    article = Article.objects.filter(draft=draft, kind="article").first()
    draft_services.article_edit(
        actor=personas.owner, article=article, text_en="Changed after the version."
    )
    data = export(
        api, personas.reviewer, draft, format="docx", language="en", version=version.number
    ).content
    texts = {u.number: u.text for u in units(data)}
    assert texts[article.number] == "The Parties shall strengthen their alliance."
    assert "Version 1: Round one text" in part(data, "word/document.xml")


def test_pdf_export_has_the_marking_on_every_page_and_the_japanese_intact(
    api, personas, draft, tmp_path
):
    article = Article.objects.filter(draft=draft, kind="article").first()
    draft_services.article_edit(
        actor=personas.owner,
        article=article,
        text_en="The Parties shall consult. " * 400,
        text_ja="締約国は、𠮟責することなく協議する。" * 150,
    )
    response = export(api, personas.uk_drafter, draft, format="pdf", language="both")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "draft.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks its marking"
        assert f"page {number} of {len(pages)}" in page
    assert "締約国は、𠮟責することなく協議する。" in text.replace("\n", "").replace(" ", "")
    assert all("[UK/JPN ONLY]" in page for page in pages)  # the page's article releasability


def test_akn_export_validates_and_aligns_eids_across_languages(api, personas, draft):
    article = Article.objects.filter(draft=draft, kind="article").last()
    draft_services.article_create(
        actor=personas.owner,
        draft=draft,
        number="3 bis",
        heading="Inserted",
        text_en="Inserted text.",
        text_ja="挿入",
    )
    documents = {}
    for language in ("en", "ja"):
        response = export(api, personas.uk_drafter, draft, format="akn", language=language)
        assert response.status_code == 200
        assert akn.akn_errors(response.content) == []
        documents[language] = response.content.decode()
    assert 'eId="art_3bis"' in documents["en"] and 'eId="art_3bis"' in documents["ja"]
    assert (
        "<num>Article 3 bis</num>" in documents["en"] and "<num>第三条の二</num>" in documents["ja"]
    )
    assert "<preamble" in documents["en"] and 'FRBRlanguage language="jpn"' in documents["ja"]
    assert article.number


def test_export_refuses_bad_parameters_with_400(api, personas, draft):
    client = api(personas.uk_drafter)
    for params in (
        {"format": "rtf"},
        {"language": "fr"},
        {"format": "akn", "language": "both"},
        {"version": "x"},
    ):
        response = client.get(f"/api/v1/drafts/{draft.pk}/export/", params)
        assert response.status_code in (400, 404), params
        assert response.status_code != 500


def test_page_and_api_exports_are_one_flow(api, client, personas, draft):
    """The page and the API answer an export the same way (drafting/delivery.py): the same
    file and headers, one audit event each, and the same 400 for a comparison asked for in
    another format."""
    client.force_login(personas.uk_drafter)
    before = AuditEvent.objects.count()
    from_page = client.get(f"/drafts/{draft.pk}/export/", {"format": "docx", "language": "en"})
    from_api = export(api, personas.uk_drafter, draft, format="docx", language="en")
    for response in (from_page, from_api):
        assert response.status_code == 200
        assert response["X-Classification"] == "OFFICIAL-SENSITIVE"
        assert response["Content-Disposition"] == from_api["Content-Disposition"]
    assert AuditEvent.objects.count() == before + 2
    version_services.version_create(actor=personas.uk_drafter, draft=draft, name="Base")
    page = client.get(f"/drafts/{draft.pk}/compare/export/", {"from": "1", "format": "pdf"})
    api_answer = api(personas.uk_drafter).get(
        f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1", "format": "pdf"}
    )
    for response in (page, api_answer):
        assert response.status_code == 400
    # The API's contract layer refuses the format before the flow runs, naming the field.
    assert "A comparison exports as DOCX only." in page.content.decode()
    assert api_answer.json()["fields"]["format"]


@pytest.mark.parametrize("who", ["outsider", "consultee"])
def test_outsiders_and_consultees_cannot_export_the_draft(api, personas, draft, who):
    user = getattr(personas, who)
    assert export(api, user, draft, format="docx").status_code == 404
    assert (
        api(user).get(f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1"}).status_code
        == 404
    )
    assert api().get(f"/api/v1/drafts/{draft.pk}/export/").status_code in (401, 403)


def test_every_export_is_an_audit_event(api, personas, draft):
    before = AuditEvent.objects.count()
    export(api, personas.uk_drafter, draft, format="docx", language="en")
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "export.draft" and event.actor_username == "uk.drafter"
    assert event.data["marking"] == "OFFICIAL-SENSITIVE" and event.data["format"] == "docx"


def test_print_view_shows_the_marking_top_and_bottom(client, personas, draft):
    client.force_login(personas.reviewer)
    response = client.get(f"/drafts/{draft.pk}/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="marking-top"' in html and 'data-testid="marking-bottom"' in html
    assert "@media print" in html and "position: fixed" in html
    client.force_login(personas.consultee)
    assert client.get(f"/drafts/{draft.pk}/print/").status_code == 404


# --- compare as tracked changes ---------------------------------------------------------------


def _edit(actor, article, **texts):
    draft_services.article_edit(actor=actor, article=Article.objects.get(pk=article.pk), **texts)
    revisions_close(article.draft)


def test_compare_export_walks_every_revision_with_its_author_and_date(
    api, personas, draft, tmp_path
):
    personas.uk_drafter.first_name, personas.uk_drafter.last_name = "Alice", "Drafter"
    personas.uk_drafter.save()
    article = Article.objects.filter(draft=draft, kind="article").first()
    version_services.version_create(actor=personas.owner, draft=draft, name="Baseline")
    _edit(
        personas.uk_drafter, article, text_en="The Parties shall greatly strengthen their alliance."
    )
    _edit(
        personas.jp_drafter,
        article,
        text_en="The Parties shall greatly strengthen their alliance 😀.",
        text_ja="締約国は、𠮟同盟を強化する。",
    )
    thread = review_services.thread_start(
        actor=personas.reviewer,
        article=Article.objects.get(pk=article.pk),
        language="en",
        start=4,
        end=11,
        body="Why *Parties*?",
    )
    review_services.comment_add(actor=personas.jp_drafter, thread=thread, body="Because.")
    review_services.thread_start(
        actor=personas.jp_reviewer,
        article=Article.objects.get(pk=article.pk),
        language="en",
        start=0,
        end=3,
        body="internal",
        visibility="delegation",
    )
    response = api(personas.uk_drafter).get(
        f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1", "to": "now", "language": "en"}
    )
    assert response.status_code == 200
    data = response.content
    assert ooxml_errors(data, tmp_path) == []
    body = part(data, "word/document.xml")
    assert (
        'w:author="Alice Drafter (UK)"' in body
        and f'w:author="{personas.jp_drafter.get_full_name()} (JP)"' in body
    )
    assert "uk.drafter" not in body  # the name, not the exporter
    comments = part(data, "word/comments.xml")
    assert "Why *Parties*?" in comments and "Because." in comments and "internal" not in comments
    assert "w15:paraIdParent" in part(data, "word/commentsExtended.xml")
    read_back = docx_reader.comments(docx_open(data))
    reply = next(c for c in read_back.values() if c.text == "Because.")
    assert read_back[reply.parent].text == "Why *Parties*?"
    assert reply.author == f"{personas.jp_drafter.get_full_name()} (JP)"
    found = {u.number: u for u in units(data)}
    unit = found[article.number]
    assert resolved(unit, accept=True) == "The Parties shall greatly strengthen their alliance 😀."
    assert resolved(unit, accept=False) == "The Parties shall strengthen their alliance."
    revision_dates = {
        r.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ") for r in article.revisions.filter(number__gt=1)
    }
    assert any(d in body for d in revision_dates)


class TestCompareAcceptRejectProperty(HypothesisTestCase):
    """Accept-all gives exactly B and reject-all exactly A, whatever the revisions were."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())

    @settings(max_examples=12, deadline=None)
    @given(
        st.lists(
            st.text(alphabet=st.sampled_from(list("ab 𠮟😀締約\n.")), max_size=20),
            min_size=1,
            max_size=4,
        )
    )
    def test_accept_all_is_b_and_reject_all_is_a(self, texts):
        owner = get_user_model().objects.create_user("prop.owner")
        draft = draft_services.draft_create(actor=owner, title="Property", delegation="UK")
        article = draft_services.article_create(
            actor=owner, draft=draft, heading="H", text_en="start 𠮟", text_ja="始め😀"
        )
        version_services.version_create(actor=owner, draft=draft, name="A")
        for text in texts:
            _edit(owner, article, text_en=text, text_ja=text[::-1])
        client = APIClient()
        client.force_authenticate(owner)
        response = client.get(
            f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1", "language": "both"}
        )
        assert response.status_code == 200
        by_language = {u.language: u for u in units(response.content) if u.kind == "article"}
        assert resolved(by_language["en"], accept=True) == texts[-1]
        assert resolved(by_language["en"], accept=False) == "start 𠮟"
        assert resolved(by_language["ja"], accept=True) == texts[-1][::-1]
        assert resolved(by_language["ja"], accept=False) == "始め😀"


def test_pending_compare_marks_only_undecided_changes(api, personas, draft):
    article = Article.objects.filter(draft=draft, kind="article").first()
    version_services.version_create(actor=personas.owner, draft=draft, name="Baseline")
    _edit(personas.uk_drafter, article, text_en="The Parties shall deepen their alliance.")
    _edit(personas.jp_drafter, article, text_en="The Parties shall deepen their alliance 𠮟.")
    first = article.revisions.get(language="en", number=2)
    change_services.change_accept(actor=personas.owner, revision=first)
    response = api(personas.uk_drafter).get(
        f"/api/v1/drafts/{draft.pk}/compare/export/",
        {"from": "1", "pending": "1", "language": "en"},
    )
    assert response.status_code == 200
    unit = {u.number: u for u in units(response.content)}[article.number]
    assert resolved(unit, accept=True) == "The Parties shall deepen their alliance 𠮟."
    # Reject all undoes only what nobody decided on: the accepted change stays.
    assert resolved(unit, accept=False) == "The Parties shall deepen their alliance."
    bad = api(personas.uk_drafter).get(
        f"/api/v1/drafts/{draft.pk}/compare/export/", {"from": "1", "to": "1", "pending": "1"}
    )
    assert bad.status_code == 400


def test_open_brackets_are_carried_into_the_exports(api, personas, draft, tmp_path):
    """Issue 12: a live export shows the open brackets as negotiators read them, with their
    attributions and options, in DOCX and PDF; a resolved bracket leaves no mark."""
    article = Article.objects.get(draft=draft, heading="Consultation")
    span = "consult together"
    start = article.text_en.index(span)
    bracket = negotiation_services.bracket_create(
        actor=personas.uk_drafter,
        article=article,
        language="en",
        start=start,
        end=start + len(span),
        delegation="UK",
        options=[
            {"text": "consult", "delegations": ["UK"], "note": ""},
            {"text": "consult immediately", "delegations": ["JP"], "note": ""},
        ],
    )
    data = export(api, personas.reviewer, draft, format="docx", language="en").content
    text = {u.number: u.text for u in units(data)}[article.number]
    assert text.startswith("The Parties will [UK: consult together / Option A (UK): consult")
    assert "Option B (JP): consult immediately]" in text
    assert ooxml_errors(data, tmp_path) == []
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(export(api, personas.reviewer, draft, format="pdf", language="en").content)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "[UK: consult together" in " ".join(words.split())
    negotiation_services.bracket_resolve(
        actor=personas.jp_drafter, bracket=bracket, resolution="keep", reason="agreed"
    )
    data = export(api, personas.reviewer, draft, format="docx", language="en").content
    assert {u.number: u.text for u in units(data)}[article.number] == (
        "The Parties will consult together."
    )


AKN_NS = {"akn": akn.AKN, "entente": akn.ENTENTE}


def akn_tree(response):
    assert response.status_code == 200
    assert akn.akn_errors(response.content) == []
    return etree.fromstring(response.content)


def test_akn_marks_up_open_brackets_with_options_attributions_and_notes(api, personas, draft):
    """Issue 12: in AKN a bracket is markup, not "[UK: …]" text: the bracketed words are an
    inline naming the delegation (a TLCOrganization), each option an alternative to it naming
    who proposes it, notes are notes; the document stays schema-valid."""
    article = Article.objects.get(draft=draft, heading="Consultation")
    span = "consult together"
    start = article.text_en.index(span)
    bracket = negotiation_services.bracket_create(
        actor=personas.uk_drafter,
        article=article,
        language="en",
        start=start,
        end=start + len(span),
        delegation="UK",
        note="UK prefers a looser duty",
        options=[
            {"text": "consult", "delegations": ["UK"], "note": ""},
            {"text": "consult immediately", "delegations": ["JP", "UK"], "note": "JP text"},
        ],
    )
    root = akn_tree(export(api, personas.reviewer, draft, format="akn", language="en"))
    assert "[UK:" not in etree.tostring(root, encoding="unicode")
    orgs = {
        o.get("eId"): o.get("showAs")
        for o in root.findall(".//akn:references/akn:TLCOrganization", AKN_NS)
    }
    assert orgs["uk"] == "United Kingdom delegation" and orgs["jp"] == "Japanese delegation"
    content = root.find(
        f".//akn:article[@eId='{eid_of(article.kind, article.number)}']/akn:content", AKN_NS
    )
    (inline,) = content.findall(".//akn:inline[@name='bracket']", AKN_NS)
    eid = inline.get("eId")
    assert inline.text == "consult together" and inline.get("refersTo") == "#uk"
    assert inline.get(f"{{{akn.ENTENTE}}}bracket") == str(bracket.pk)
    options = content.findall(f".//akn:inline[@alternativeTo='{eid}']", AKN_NS)
    assert [(o.text, o.get("name"), o.get("refersTo")) for o in options] == [
        ("consult", "option", "#uk"),
        ("consult immediately", "option", "#jp #uk"),
    ]
    paragraph = content.find("akn:p", AKN_NS)
    assert "".join(paragraph.itertext()).startswith("The Parties will consult together")
    notes = {
        n.get("eId"): "".join(n.itertext()).strip()
        for n in root.findall(".//akn:meta/akn:notes/akn:note", AKN_NS)
    }
    refs = [r.get("href") for r in content.findall(".//akn:noteRef", AKN_NS)]
    assert sorted(notes.values()) == ["JP text", "UK prefers a looser duty"]
    assert sorted(r.lstrip("#") for r in refs) == sorted(notes)
    negotiation_services.bracket_resolve(
        actor=personas.jp_drafter, bracket=bracket, resolution="keep", reason="agreed"
    )
    root = akn_tree(export(api, personas.reviewer, draft, format="akn", language="en"))
    assert root.findall(".//akn:inline", AKN_NS) == []
    assert root.find(".//akn:meta/akn:notes", AKN_NS) is None


def test_akn_marks_up_a_japanese_bracket_nested_and_across_lines(api, personas, draft):
    article = Article.objects.get(draft=draft, heading="Consultation")
    draft_services.article_edit(
        actor=personas.owner, article=article, text_ja="締約国は、𠮟責することなく\n協議する。"
    )
    article.refresh_from_db()
    text = article.text_ja
    at = utf16_len(text[: text.index("𠮟")])  # offsets are UTF-16 units: 𠮟 is two
    negotiation_services.bracket_create(
        actor=personas.jp_drafter,
        article=article,
        language="ja",
        start=at,
        end=at + utf16_len("𠮟責することなく\n協議"),
        options=[{"text": "直ちに協議", "delegations": ["JP"], "note": ""}],
    )
    negotiation_services.bracket_create(
        actor=personas.uk_drafter, article=article, language="ja", start=at, end=at + 3
    )
    root = akn_tree(export(api, personas.reviewer, draft, format="akn", language="ja"))
    orgs = {o.get("eId"): o.get("showAs") for o in root.findall(".//akn:TLCOrganization", AKN_NS)}
    assert orgs["jp"] == "日本国代表団"
    content = root.find(
        f".//akn:article[@eId='{eid_of(article.kind, article.number)}']/akn:content", AKN_NS
    )
    first, second = content.findall("akn:p", AKN_NS)
    (outer,) = first.findall("akn:inline[@name='bracket']", AKN_NS)
    assert outer.get("refersTo") == "#jp" and outer.get("eId")
    (inner,) = outer.findall("akn:inline[@name='bracket']", AKN_NS)
    assert inner.text == "𠮟責" and inner.get("refersTo") == "#uk"
    assert "".join(outer.itertext()) == "𠮟責することなく"
    # The JP bracket goes on over the line break, as the same bracket, without a second eId.
    (rest,) = second.findall("akn:inline[@name='bracket']", AKN_NS)
    assert rest.text == "協議" and rest.get("eId") is None
    assert rest.get(f"{{{akn.ENTENTE}}}bracket") == outer.get(f"{{{akn.ENTENTE}}}bracket")
    (option,) = second.findall("akn:inline[@name='option']", AKN_NS)
    assert option.text == "直ちに協議" and option.get("alternativeTo") == outer.get("eId")
    assert (
        "".join(first.itertext()) + "\n" + "".join(second.itertext()).replace("直ちに協議", "")
        == text
    )

"""The negotiation's pages: the article page's panel and its forms, the board, the draft's two
reading modes, the co-editor's page, and a consultation round's frozen brackets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from drafting import permissions
from drafting.core.revisions import revision_number_latest
from drafting.models import Article, AuditEvent, Bracket, DelegationLead, Draft, SignOff
from drafting.services import concordance as concordance_services
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation
from drafting.services import preferences as preference_services
from tests.i18n_check import english_left_over, names_from_database


@pytest.fixture
def article(draft) -> Article:
    return Article.objects.get(draft=draft, heading="Mutual assistance")


def post(client, article, action, data):
    return client.post(
        f"/drafts/{article.draft_id}/articles/{article.pk}/negotiation/{action}/", data
    )


def test_bracket_resolve_and_sign_off_through_the_pages(client, personas, article, draft):
    client.force_login(personas.uk_drafter)
    page = client.get(article.get_absolute_url())
    assert b'data-testid="negotiation-panel"' in page.content
    response = post(
        client,
        article,
        "bracket",
        {
            "language": "en",
            "quote": "shall be considered",
            "delegation": "UK",
            "option_text_1": "may be considered",
            "option_delegations_1": ["UK"],
            "option_text_2": "shall be deemed",
            "option_delegations_2": ["JP"],
        },
    )
    assert response.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert '[UK: </span><span class="bracket__words">shall be considered' in page
    assert "Option B (JP):" in page
    draft_page = client.get(f"/drafts/{draft.pk}/").content.decode()
    assert 'data-testid="bracket"' in draft_page and "Option A (UK):" in draft_page
    bracket = Bracket.objects.get()
    client.force_login(personas.jp_drafter)
    response = post(
        client, article, "resolve", {"bracket": bracket.pk, "resolution": "option", "option": "B"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "shall be deemed" in article.text_en
    pair = {
        "revision_en": revision_number_latest(article, "en"),
        "revision_ja": revision_number_latest(article, "ja"),
    }
    assert post(client, article, "signoff", pair).status_code == 302
    client.force_login(personas.uk_drafter)
    assert post(client, article, "signoff", pair).status_code == 302
    article.refresh_from_db()
    # Both signed, but the English text changed since the texts were last confirmed in step.
    assert article.negotiation_status == "open"
    # Confirming the texts in step completes the agreement both delegations signed.
    concordance_services.concordance_confirm(actor=personas.uk_drafter, article=article)
    article.refresh_from_db()
    assert article.negotiation_status == "agreed_ad_ref"
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'data-testid="agreed-note"' in page and 'data-testid="article-form"' not in page
    # The form of an old page is refused, with the agreement named.
    refused = client.post(
        article.get_absolute_url(), {"text_en": "x", "text_ja": "y", "heading": "h"}
    )
    assert refused.status_code == 409 and "agreed ad referendum" in refused.content.decode()
    board = client.get(f"/drafts/{draft.pk}/negotiation/").content.decode()
    assert "4 articles: 1 agreed ad ref, 3 open with 0 brackets (UK 0, JP 0), 0 reserved" in board
    clean = client.get(f"/drafts/{draft.pk}/?mode=clean").content.decode()
    assert "shall be deemed" in clean and clean.count('data-testid="not-agreed"') == 3
    assert "strengthen their alliance" not in clean
    coedit = client.get(f"/drafts/{draft.pk}/articles/{article.pk}/coedit/").content.decode()
    assert 'data-testid="coedit-agreed"' in coedit


def test_refusals_on_pages_say_why_and_write_nothing(client, personas, article):
    client.force_login(personas.reviewer)
    response = post(client, article, "bracket", {"language": "en", "quote": "armed"})
    assert response.status_code == 403
    client.force_login(personas.uk_drafter)
    response = post(client, article, "bracket", {"language": "en", "quote": "not in the text"})
    assert response.status_code == 400 and "is not in the English text" in response.content.decode()
    response = post(client, article, "signoff", {"revision_en": "x", "revision_ja": 1})
    assert response.status_code == 400
    response = post(client, article, "signoff", {"revision_en": 0, "revision_ja": 0})
    assert response.status_code == 409 and "changed since you read it" in response.content.decode()
    response = post(client, article, "reopen", {"reason": "x"})
    assert response.status_code == 409
    assert post(client, article, "nonsense", {}).status_code == 404
    client.force_login(personas.consultee)
    assert post(client, article, "bracket", {"quote": "armed"}).status_code == 404
    assert client.get(f"/drafts/{article.draft_id}/negotiation/").status_code == 404
    assert not Bracket.objects.exists() and not SignOff.objects.exists()


def test_board_filters(client, personas, article, draft):
    negotiation.bracket_create(
        actor=personas.jp_drafter, article=article, language="en", start=0, end=2
    )
    client.force_login(personas.reviewer)
    board = client.get(f"/drafts/{draft.pk}/negotiation/?bracketed_by=JP").content.decode()
    assert board.count('data-testid="board-row"') == 1
    assert client.get(f"/drafts/{draft.pk}/negotiation/?status=bogus").status_code == 400


def test_a_round_keeps_its_brackets_as_they_were(client, personas, article, draft):
    owner = personas.owner
    draft_services.article_set_releasability(actor=owner, article=article, releasability="REL USA")
    start = article.text_en.index("either Party")
    bracket = negotiation.bracket_create(
        actor=personas.jp_drafter, article=article, language="en", start=start, end=start + 12
    )
    office = consultation_services.office_create(
        actor=owner, draft=draft, name="State EAP", members=["us.state"]
    )
    round_ = consultation_services.round_open(
        actor=owner,
        draft=draft,
        article_ids=[article.pk],
        office_ids=[office.pk],
        deadline=timezone.now() + timedelta(days=3),
    )
    # Later, live: the bracket is resolved and a new one made; the US sees neither.
    negotiation.bracket_resolve(actor=personas.uk_drafter, bracket=bracket, resolution="keep")
    negotiation.bracket_create(
        actor=personas.uk_drafter, article=article, language="en", start=0, end=2
    )
    client.force_login(personas.consultee)
    page = client.get(f"/drafts/{draft.pk}/consultations/{round_.number}/").content.decode()
    assert '[JP: </span><span class="bracket__words">either Party' in page
    assert page.count('data-testid="bracket"') == 1
    assert client.get(f"/api/v1/articles/{article.pk}/brackets/").status_code == 404


# --- delegation leads on the settings page --------------------------------------------------


def leads_post(client, draft, delegation, usernames):
    return client.post(
        f"/drafts/{draft.pk}/settings/leads/",
        {"leads": delegation, f"leads-{delegation.lower()}-usernames": usernames},
    )


def test_the_owner_names_the_delegation_leads_on_the_settings_page(client, personas, draft):
    client.force_login(personas.owner)
    page = client.get(f"/drafts/{draft.pk}/settings/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="delegation-leads"' in html
    assert "OFFICIAL-SENSITIVE" in html
    # Each delegation offers its owner and drafters, and nobody else.
    uk_form = html[html.index('data-testid="leads-UK"') : html.index('data-testid="leads-JP"')]
    assert 'value="uk.lead"' in uk_form and 'value="uk.drafter"' in uk_form
    assert "jp.drafter" not in uk_form and "uk.reviewer" not in uk_form
    assert permissions.can_lead_delegation(personas.owner, draft, "UK")

    response = leads_post(client, draft, "UK", ["uk.drafter"])
    assert response.status_code == 302 and response["Location"].endswith("/settings/#leads")
    assert list(
        DelegationLead.objects.filter(draft=draft).values_list("delegation", "user__username")
    ) == [("UK", "uk.drafter")]
    event = AuditEvent.objects.filter(action="draft.leads").latest("pk")
    assert event.actor_username == "uk.lead" and event.data["leads"] == ["uk.drafter"]
    assert event.data["delegation"] == "UK"
    # Now only the named lead signs for the UK; the JP delegation is untouched.
    draft = Draft.objects.get(pk=draft.pk)
    assert permissions.can_lead_delegation(personas.uk_drafter, draft, "UK")
    assert not permissions.can_lead_delegation(personas.owner, draft, "UK")
    page = client.get(f"/drafts/{draft.pk}/settings/").content.decode()
    assert "Named now: uk.drafter." in page
    assert re.search(r'<input [^>]*value="uk.drafter"[^>]* checked', page)
    assert not re.search(r'<input [^>]*value="uk.lead"[^>]* checked', page)

    # Nobody ticked: all the UK's owner and drafters lead again.
    assert leads_post(client, draft, "UK", []).status_code == 302
    assert not DelegationLead.objects.filter(draft=draft).exists()


@pytest.mark.parametrize(
    "username, reason",
    [("jp.drafter", "member of the other delegation"), ("uk.reviewer", "not a drafter")],
)
def test_a_lead_who_may_not_lead_is_refused_with_400_and_a_clear_message(
    client, personas, draft, username, reason
):
    negotiation.delegation_leads_set(
        actor=personas.owner, draft=draft, delegation="UK", usernames=["uk.lead"]
    )
    audited = AuditEvent.objects.filter(action="draft.leads").count()
    client.force_login(personas.owner)
    response = leads_post(client, draft, "UK", ["uk.drafter", username])
    assert response.status_code == 400, reason
    html = response.content.decode()
    assert f"A lead must be the owner or a drafter of the UK delegation: {username} is not." in html
    assert 'data-testid="leads-error"' in html and "OFFICIAL-SENSITIVE" in html
    # Nothing changed, nothing audited.
    assert list(DelegationLead.objects.filter(draft=draft).values_list("user__username")) == [
        ("uk.lead",)
    ]
    assert AuditEvent.objects.filter(action="draft.leads").count() == audited


def test_an_unknown_delegation_is_a_400(client, personas, draft):
    client.force_login(personas.owner)
    response = leads_post(client, draft, "US", ["us.state"])
    assert response.status_code == 400
    assert "Unknown delegation" in response.content.decode()
    assert not DelegationLead.objects.filter(draft=draft).exists()


@pytest.mark.parametrize("persona", ["uk_drafter", "jp_drafter", "reviewer"])
def test_only_the_owner_names_leads(client, personas, draft, persona):
    client.force_login(getattr(personas, persona))
    response = leads_post(client, draft, "UK", [getattr(personas, persona).username])
    assert response.status_code == 403
    assert not DelegationLead.objects.filter(draft=draft).exists()
    assert client.get(f"/drafts/{draft.pk}/settings/").status_code == 403


def test_the_leads_forms_speak_japanese_to_a_japanese_owner(client, personas, draft):
    preference_services.preference_update(actor=personas.owner, language="ja")
    client.force_login(personas.owner)
    html = client.get(f"/drafts/{draft.pk}/settings/").content.decode()
    start = html.index('<section class="leads"')
    section = html[start : html.index("</section>", start) + len("</section>")]
    assert "代表団の責任者" in section and "UK代表団の責任者を保存" in section
    assert english_left_over(section, names_from_database()) == []
    response = leads_post(client, draft, "UK", ["jp.drafter"])
    assert response.status_code == 400
    assert "jp.drafter" in response.content.decode()

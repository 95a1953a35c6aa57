"""The negotiation's pages: the article page's panel and its forms, the board, the draft's two
reading modes, the co-editor's page, and a consultation round's frozen brackets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from drafting.core.revisions import revision_number_latest
from drafting.models import Article, Bracket, SignOff
from drafting.services import concordance as concordance_services
from drafting.services import consultation as consultation_services
from drafting.services import drafts as draft_services
from drafting.services import negotiation


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

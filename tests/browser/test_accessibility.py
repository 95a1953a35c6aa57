"""Every page, as the personas who use it: axe-core finds no WCAG 2.2 A/AA violation, and
nothing scrolls sideways at 320 CSS pixels (WCAG 1.4.10 reflow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from drafting.models import Article, Round, Version

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _pages(demo: Any) -> dict[str, list[str]]:
    article = Article.objects.filter(draft=demo, kind="article").order_by("position").first()
    assert article is not None
    version = Version.objects.filter(draft=demo).first()
    round_ = Round.objects.filter(draft=demo).first()
    assert version is not None and round_ is not None
    d, a = demo.pk, article.pk
    drafter = [
        "/",
        "/drafts/new/",
        f"/drafts/{d}/",
        f"/drafts/{d}/?lang=ja",
        f"/drafts/{d}/articles/new/",
        f"/drafts/{d}/articles/{a}/",
        f"/drafts/{d}/articles/{a}/coedit/",
        f"/drafts/{d}/articles/{a}/coedit/?language=ja",
        f"/drafts/{d}/articles/{a}/history/",
        f"/drafts/{d}/articles/{a}/compare/",
        f"/drafts/{d}/members/",
        f"/drafts/{d}/settings/",
        f"/drafts/{d}/history/",
        f"/drafts/{d}/versions/",
        f"/drafts/{d}/versions/{version.number}/",
        f"/drafts/{d}/compare/",
        f"/drafts/{d}/changes/",
        f"/drafts/{d}/consultations/",
        f"/drafts/{d}/consultations/{round_.number}/",
        f"/drafts/{d}/consultations/{round_.number}/report/",
        f"/drafts/{d}/consultations/{round_.number}/disclosures/",
        "/library/provisions/1/",
        "/notifications/",
        "/library/",
        "/library/clauses/mutual-defence-nato-art5/",
        "/library/treaties/",
        "/library/treaties/north_atlantic_treaty_1949/",
    ]
    consultee = ["/", f"/drafts/{d}/consultations/", f"/drafts/{d}/consultations/{round_.number}/"]
    return {"uk.lead": drafter, "us.state": consultee}


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
          return r.violations.map(v => `${v.id}: ${v.nodes.length} x ${v.help} (${v.nodes[0].target})`);
        }"""
    )
    return list(result)


def test_every_page_passes_axe_and_reflows_at_320_pixels(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    assert AXE.exists(), "npm ci installs axe-core (package.json)"
    problems: list[str] = []
    checked = 0
    for username, paths in _pages(demo).items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        login(page, username)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status < 400, (username, path)
            page.wait_for_load_state("networkidle")
            problems += [f"{username} {path}: {v}" for v in _axe(page)]
            # A label on an element without a role is ignored by screen readers.
            unnamed = page.evaluate(
                """() => [...document.querySelectorAll('div[aria-label]:not([role]), span[aria-label]:not([role])')]
                     .map(e => e.outerHTML.slice(0, 80))"""
            )
            problems += [f"{username} {path}: aria-label without a role: {e}" for e in unnamed]
            page.set_viewport_size({"width": 320, "height": 800})
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                                  && getComputedStyle(e).position !== 'fixed'
                                  && !e.closest('.report-scroll, .table-scroll, pre, .cm-scroller'))
                     .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))"""
            )
            if page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            ):
                problems.append(
                    f"{username} {path}: scrolls sideways at 320 px ({', '.join(wide)})"
                )
            page.set_viewport_size({"width": 1280, "height": 900})
            checked += 1
        context.close()
    assert checked >= 25
    assert problems == [], "\n".join(problems)


def test_markings_sit_in_landmarks_and_stay_on_screen(
    browser: Browser, live_server: Any, demo: Any, login: Any
) -> None:
    """The top marking is in the page's banner, the bottom one in its contentinfo, and both
    stay at the window's edges while a long page scrolls; the article page's text columns are
    a named region."""
    article = Article.objects.filter(draft=demo, kind="article").order_by("position").first()
    assert article is not None
    context = browser.new_context(viewport={"width": 1280, "height": 600}, locale="en-GB")
    page = context.new_page()
    login(page, "uk.lead")
    for path in (f"/drafts/{demo.pk}/", f"/drafts/{demo.pk}/articles/{article.pk}/"):
        page.goto(f"{live_server.url}{path}")
        top = page.get_by_role("banner").get_by_test_id("marking-top")
        bottom = page.get_by_role("contentinfo").get_by_test_id("marking-bottom")
        assert top.count() == 1 and bottom.count() == 1, path
        assert page.evaluate("document.documentElement.scrollHeight") > 1200, path
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        page.wait_for_timeout(100)
        top_box, bottom_box = top.bounding_box(), bottom.bounding_box()
        assert top_box is not None and bottom_box is not None
        assert abs(top_box["y"]) < 1, (path, top_box)
        assert abs(bottom_box["y"] + bottom_box["height"] - 600) < 1, (path, bottom_box)
    region = page.get_by_role("region", name="Current text")
    assert region.count() == 1
    assert region.get_by_test_id("review-panel-en").count() == 1
    # Chromium's own accessibility tree (what screen readers get) has both landmarks.
    cdp = context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = {n.get("role", {}).get("value") for n in nodes if not n.get("ignored")}
    assert {"banner", "contentinfo", "region"} <= roles, roles
    context.close()

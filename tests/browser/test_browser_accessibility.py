"""axe-core on the home page and a note, in light and dark mode: no serious or critical violation.

No rule is excluded: the violations found at first were fixed in the site (overrides/ and
docs/assets/stylesheets/extra.css), see the commit that added them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.browsing import ALL_PAGES, AXE_JS, open_page, switch_to_dark

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help}\\n` +
              v.nodes.map(n => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`).join("\\n"));
}"""


PAGES = [*ALL_PAGES, "roadmap/", "timeline/", "tags/", "references/", "writing/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", [*PAGES, "search:attention"])
def test_no_serious_accessibility_violation(page: Page, site_url: str, url: str, scheme: str) -> None:
    assert AXE_JS.is_file(), f"{AXE_JS} missing: run 'make setup-dev' (installs axe-core from package-lock.json)"
    query = url.removeprefix("search:") if url.startswith("search:") else None
    open_page(page, site_url + ("" if query else url))
    if scheme == "dark":
        switch_to_dark(page)
    if query:  # the search overlay open, with results, highlighted terms and tags
        page.locator("label.md-search__icon, input.md-search__input").first.click()
        page.locator("input.md-search__input").fill(query)
        page.keyboard.press("End")
        page.locator(".md-search-result__item").first.wait_for(state="visible")
        page.wait_for_timeout(500)
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(RUN_AXE)
    assert not violations, f"{url or 'home'} ({scheme}):\n" + "\n".join(violations)

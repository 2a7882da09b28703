"""axe-core in the browser tests: the npm package (package.json, installed into node_modules/ by
`make test`), added to a browser context as an init script (the pages' Content-Security-Policy
allows no inline script, and an init script is not subject to it)."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What must never be on a page: a violation axe rates critical or serious.
BLOCKING = ("critical", "serious")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def add_axe(context) -> None:
    if not AXE_JS.is_file():
        raise RuntimeError(f"{AXE_JS} is missing: `make test` installs it (npm ci, from package-lock.json)")
    context.add_init_script(path=str(AXE_JS))


def violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """The page's axe violations of the given impacts, one line per element: rule, impact, where."""
    # After a click that navigates, the new page's heading can be visible before its stylesheets
    # have loaded; axe would then judge the browser's default colours (a CI run once failed on
    # unstyled links, #0000ee on the navbar). The load event waits for every stylesheet.
    page.wait_for_load_state("load")
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""}))
        })))"""
    )
    found = []
    for violation in result:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            found.append(f"{violation['id']} ({violation['impact']}) at {node['target']}: {summary}")
    return found


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")

"""Checking the HTML edition in a real browser: Debian's ``chromium``, headless.

* :func:`screenshot`: a PNG of a page at a window size (``--screenshot``);
* :func:`evaluate`: a JavaScript expression's value in the loaded page, read back from the
  DOM Chromium dumps (``--dump-dom``): a copy of the page gets the scripts it needs and one
  that writes the value into a ``<script type="application/json">`` element;
* :func:`run_axe`: axe-core (npm, installed by ``npm ci`` in ``tests/browser``) run that way,
  its WCAG 2.2 A/AA results.

No DevTools protocol client, no browser download: the browser and Node are the machine's
(``.ci/run`` installs ``chromium``, ``nodejs`` and ``npm``).

Tests call :func:`chromium` and :func:`axe_script` first: each says why the machine cannot
run them (for a skip) or returns what is needed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent / "browser"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
"""The axe rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA."""

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
"""The edition's Content-Security-Policy (no scripts at all), dropped from the copy :func:`evaluate` runs."""
_RESULT = re.compile(r'<script type="application/json" id="briefgen-result">(.*?)</script>', re.S)


def chromium() -> tuple[str | None, str]:
    """(path of the headless browser, "") or (None, why not): ``$BRIEFGEN_CHROMIUM``, else
    ``chromium`` (Debian), ``chromium-browser`` or ``google-chrome`` on the PATH."""
    for name in (os.environ.get("BRIEFGEN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        path = name and shutil.which(name)
        if path:
            return path, ""
    return None, "no chromium on this machine (apt-get install chromium; .ci/run installs it)"


def axe_script() -> tuple[Path | None, str]:
    """(axe-core's script, "") or (None, why not)."""
    if AXE.is_file():
        return AXE, ""
    how = "run `npm ci` in tests/browser"
    if not shutil.which("npm"):
        how = "install nodejs and npm, then " + how
    return None, f"axe-core is not installed ({how}; .ci/run does)"


def _run(browser: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    # --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--mute-audio", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> Path:
    """A screenshot of ``page`` in a ``width`` x ``height`` CSS px window (PNG at ``png``)."""
    done = _run(browser, f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri())
    if not png.is_file():
        raise RuntimeError(f"chromium made no screenshot (exit {done.returncode}): {done.stderr[-2000:]}")
    return png


def evaluate(browser: str, page: Path, work: Path, expression: str, *, scripts: tuple[Path, ...] = (),
             window: tuple[int, int] = (1280, 900)):
    """The JSON value of the JavaScript ``expression`` (it may give a promise) evaluated in
    ``page`` once loaded, in a viewport of ``window`` CSS px.

    A copy of the page (in ``work``) gets ``scripts`` (``file:`` URLs) and a script that
    evaluates the expression and posts its value to its parent: a wrapper page that holds the
    copy in an ``<iframe>`` of exactly ``window`` (headless Chromium's own window is never
    narrower than 500 px, a phone is) and writes the value into a ``<script
    type="application/json">`` element, read back from the DOM Chromium dumps. Raises
    RuntimeError when there is no value (a script failed, or the page never loaded)."""
    tags = "".join(f'<script src="{script.resolve().as_uri()}"></script>' for script in scripts)
    runner = """
<script>
window.addEventListener("load", function () {
  Promise.resolve().then(function () { return (EXPRESSION); }).then(
    function (v) { parent.postMessage(JSON.stringify({value: v}), "*"); },
    function (e) { parent.postMessage(JSON.stringify({error: String(e && e.stack || e)}), "*"); });
});
</script>
""".replace("EXPRESSION", expression)
    # the edition's Content-Security-Policy forbids every script: the copy, which must run some, drops it
    html = CSP.sub("", page.read_text(encoding="utf-8"), count=1)
    at = html.rindex("</body>")
    copy = work / f"run-{page.name}"
    copy.write_text(html[:at] + tags + runner + html[at:], encoding="utf-8")
    width, height = window
    wrapper = work / f"frame-{page.name}"
    wrapper.write_text(f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>frame</title></head>
<body style="margin: 0"><iframe src="{copy.name}" width="{width}" height="{height}" style="border: 0"></iframe>
<script>
window.addEventListener("message", function (e) {{
  var el = document.createElement("script");
  el.type = "application/json"; el.id = "briefgen-result";
  el.textContent = String(e.data).replace(/</g, "\\u003c");
  document.body.appendChild(el);
}});
</script></body></html>
""", encoding="utf-8")
    done = _run(browser, "--dump-dom", "--virtual-time-budget=60000", "--allow-file-access-from-files",
                f"--window-size={max(width, 500) + 40},{height + 40}", wrapper.as_uri())
    found = _RESULT.search(done.stdout)
    if found is None:
        raise RuntimeError(f"the page gave no result (exit {done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(found.group(1))
    if "error" in result:
        raise RuntimeError(f"the script failed in the page: {result['error']}")
    return result["value"]


def run_axe(browser: str, page: Path, work: Path, axe: Path = AXE, tags: tuple[str, ...] = WCAG_TAGS) -> dict:
    """axe-core's results for ``page`` in Chromium (the rules of ``tags``):
    ``{"violations": [...], "incomplete": [...], "passes": [rule ids], "inapplicable": [rule
    ids], "version": ...}``."""
    expression = """axe.run(document, {runOnly: {type: "tag", values: TAGS}}).then(function (r) {
      return {violations: r.violations, incomplete: r.incomplete,
              passes: r.passes.map(function (x) { return x.id; }),
              inapplicable: r.inapplicable.map(function (x) { return x.id; }), version: r.testEngine.version};
    })""".replace("TAGS", json.dumps(list(tags)))
    return evaluate(browser, page, work, expression, scripts=(axe,))


def describe(violations: list[dict]) -> str:
    """axe's violations in words: rule, impact, help and the first offending elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        lines += [f"    {' '.join(n['target'])}: {n.get('failureSummary', '')[:300]}" for n in v["nodes"][:5]]
    return "\n".join(lines)

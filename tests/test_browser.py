"""The HTML page in a real browser: no console message, every paragraph visible, nothing wider than a phone.

Headless Chromium's window is at least 500 px wide, so the page is shown in
a frame of the width under test.

Opt-in (``python -m pytest -m slow tests/test_browser.py``) and skipped
where ``/usr/bin/chromium`` is absent (``apt-get install chromium``).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess

import pytest

import sectortag

from test_html import DOCUMENT, HOSTILE

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")]

#: A page that shows the report in a frame ``WIDTH`` px wide and records what the browser shows there.
_PROBE = """<!DOCTYPE html><html><body><iframe id="f" src="page.html" width="WIDTH" height="900"></iframe><script>
document.getElementById("f").addEventListener("load", () => {
  const doc = document.getElementById("f").contentDocument;
  const items = [...doc.querySelectorAll("li.p")];
  const shown = items.filter(li => {
    const box = li.querySelector("p").getBoundingClientRect();
    return li.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && box.width > 0 && box.height > 0
      && parseFloat(getComputedStyle(li).opacity) >= 0.5;
  });
  document.body.setAttribute("data-probe", JSON.stringify({
    items: items.length, shown: shown.length, width: doc.documentElement.scrollWidth,
    marks: doc.querySelectorAll("mark[tabindex]").length,
  }));
});
</script></body></html>"""


def _chromium(url: str, tmp_path, width: int, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{width}-{len(extra)}"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
               f"--window-size={width},900", "--enable-logging=stderr", "--v=0", *extra, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(toy_tagger) -> str:
    documents = {"statement.txt": DOCUMENT, "hostile <b>.txt": HOSTILE, "third.txt": DOCUMENT * 3}
    return sectortag.render_html(documents, toy_tagger, explain=True)


def test_page_opens_without_console_messages(page, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = _chromium(path.as_uri(), tmp_path, 1000, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<main>" in result.stdout
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console


@pytest.mark.parametrize("width", [375, 1000])
def test_every_paragraph_is_visible_and_fits(page, tmp_path, width):
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(_PROBE.replace("WIDTH", str(width)), encoding="utf-8")
    result = _chromium(probe.as_uri(), tmp_path, 1200, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                       "--dump-dom")
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found, result.stderr[-2000:]
    probe = json.loads(html.unescape(found.group(1)))
    expected = sum(len(sectortag.split_paragraphs(text)) for text in (DOCUMENT, HOSTILE, DOCUMENT * 3))
    assert probe["items"] == probe["shown"] == expected, probe
    assert probe["marks"] > 0
    assert probe["width"] <= width, f"the page is {probe['width']} px wide in a {width} px frame"

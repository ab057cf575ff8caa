"""The HTML report opened in a real headless chromium.

The browser is driven over the Chrome DevTools protocol through
``--remote-debugging-pipe`` (file descriptors 3 and 4), which needs nothing
beyond the standard library and works offline. CI installs Debian's chromium
with ``.ci/install-browser.sh``.
"""

from __future__ import annotations

import base64
import json
import math
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contradict import Report
from contradict.corpus import load_corpus
from contradict.results import Contradiction, Results, Stats

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "statements.jsonl"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH; install it with .ci/install-browser.sh"
)


class Browser:
    """Minimal CDP client: one headless chromium, one page session."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_fds() -> None:  # runs in the child: CDP reads fd 3, writes fd 4
            import fcntl

            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [
            str(CHROMIUM),
            "--headless",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=wire_fds,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.log: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session=True)

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.log.append(msg)
                    self.events.put(msg)

    def call(self, method: str, *, session: bool = False, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        msg: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while ident not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"chromium did not answer {method}")
                self._cond.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, session=True, **params)

    def open(self, url: str, *, scripts: bool = True, bypass_csp: bool = False, width: int = 1200) -> None:
        """Load ``url`` and wait for its load event."""
        self.page("Emulation.setScriptExecutionDisabled", value=not scripts)
        self.page("Page.setBypassCSP", enabled=bypass_csp)
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=False)
        while not self.events.empty():
            self.events.get_nowait()
        self.log.clear()
        self.page("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=1)
            except queue.Empty:
                continue
            if event.get("method") == "Page.loadEventFired":
                time.sleep(0.2)  # let any late script or request show up
                return
        raise TimeoutError(f"{url} did not finish loading")

    def js(self, expression: str) -> Any:
        """Value of a JavaScript expression in the page (JSON-serialisable)."""
        reply = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """Full-page PNG."""
        height = int(self.js("Math.ceil(document.documentElement.scrollHeight)"))
        self.page("Emulation.setDeviceMetricsOverride", width=1200, height=height, deviceScaleFactor=1, mobile=False)
        data = self.page("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.log if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


#: True for an element that takes room on the page and is not hidden by CSS.
VISIBLE_JS = """
function visible(el) {
  if (!el) return false;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
    && Number(s.opacity) > 0 && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
}
"""


@pytest.fixture(scope="module")
def example_results() -> Results:
    """The example corpus through the real pipeline (bundled model, FAISS, Rust scorer, judge)."""
    from contradict import find_contradictions

    results = find_contradictions(EXAMPLE, aliases=EXAMPLE.parent / "aliases.json")
    assert len(results) > 0, "the example corpus should produce findings"
    return results


@pytest.fixture(scope="module")
def example_page(example_results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Report(example_results, title="Example corpus").save(tmp_path_factory.mktemp("report") / "report.html")


def test_findings_highlights_and_timelines_are_visible(
    browser: Browser, example_page: Path, example_results: Results, tmp_path_factory: pytest.TempPathFactory
) -> None:
    browser.open(example_page.as_uri())
    page = browser.js(VISIBLE_JS + """
    (() => {
      const findings = [...document.querySelectorAll('article.finding')];
      return {
        notice: visible(document.querySelector('.notice')) && document.querySelector('.notice').textContent,
        summary: visible(document.getElementById('summary')),
        findings: findings.map(f => ({
          visible: visible(f),
          speaker: f.dataset.speaker,
          texts: [...f.querySelectorAll('blockquote')].map(q => q.textContent),
          marks: [...f.querySelectorAll('.stmt-box')].map(box =>
            [...box.querySelectorAll('mark')].filter(m => visible(m)
              && getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)').length),
          cues: [...f.querySelectorAll('.cues li')].map(li => li.textContent),
        })),
        timelines: [...document.querySelectorAll('figure.speaker-timeline')].map(t => ({
          speaker: t.dataset.speaker,
          visible: visible(t.querySelector('svg.timeline')),
          arcs: [...t.querySelectorAll('a.arc')].filter(a => visible(a.querySelector('path'))).length,
          dots: t.querySelectorAll('.stmt').length,
        })),
        count: document.getElementById('f-count').textContent,
      };
    })()
    """)
    assert "human review, not verdicts" in page["notice"]
    assert page["summary"]
    assert len(page["findings"]) == len(example_results)
    for shown, item in zip(page["findings"], example_results, strict=True):
        assert shown["visible"]
        assert shown["speaker"] == item.speaker
        assert shown["texts"] == [item.earlier.text, item.later.text]
        if item.earlier.text.casefold() != item.later.text.casefold():
            assert all(n > 0 for n in shown["marks"]), f"no visible highlight in {shown}"
        assert len(shown["cues"]) == len(item.cues)
    speakers = {c.speaker for c in example_results}
    assert {t["speaker"] for t in page["timelines"]} == speakers
    for t in page["timelines"]:
        assert t["visible"]
        assert t["arcs"] == sum(1 for c in example_results if c.speaker == t["speaker"])
        assert t["dots"] >= 2
    assert page["count"] == f"Showing {len(example_results)} of {len(example_results)} findings"
    shot = browser.screenshot(tmp_path_factory.mktemp("screenshots") / "report.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    print(f"\nscreenshot of the HTML report: {shot}")


def test_filter_and_sort_in_the_page(browser: Browser, example_page: Path, example_results: Results) -> None:
    browser.open(example_page.as_uri())
    speaker = example_results[-1].speaker
    expected = sum(1 for c in example_results if c.speaker == speaker)
    floor = math.floor(example_results[0].score * 20) / 20  # on the slider's 0.05 steps
    state = browser.js(VISIBLE_JS + f"""
    (() => {{
      const form = document.getElementById('controls');
      document.getElementById('f-speaker').value = {json.dumps(speaker)};
      form.dispatchEvent(new Event('input'));
      const shown = [...document.querySelectorAll('article.finding')].filter(visible);
      const lines = [...document.querySelectorAll('figure.speaker-timeline')].filter(visible);
      document.getElementById('f-speaker').value = '';
      document.getElementById('f-sort').value = 'recent';
      form.dispatchEvent(new Event('input'));
      const days = [...document.querySelectorAll('article.finding')].map(f => Number(f.dataset.day));
      document.getElementById('f-sort').value = 'score';
      document.getElementById('f-score').value = '{floor}';
      form.dispatchEvent(new Event('input'));
      const above = [...document.querySelectorAll('article.finding')].filter(visible).length;
      return {{
        controls: visible(form),
        speakers: shown.map(f => f.dataset.speaker),
        timelines: lines.map(f => f.dataset.speaker),
        days, above,
        count: document.getElementById('f-count').textContent,
      }};
    }})()
    """)
    assert state["controls"]
    assert state["speakers"] == [speaker] * expected
    assert state["timelines"] == [speaker]
    assert state["days"] == sorted(state["days"], reverse=True)
    assert state["above"] == sum(1 for c in example_results if round(c.score, 4) >= floor) >= 1
    assert state["count"] == f"Showing {state['above']} of {len(example_results)} findings"


def test_page_reads_correctly_with_scripts_off(browser: Browser, example_page: Path, example_results: Results) -> None:
    browser.open(example_page.as_uri(), scripts=False)
    state = browser.js(VISIBLE_JS + """
    (() => ({
      findings: [...document.querySelectorAll('article.finding')].filter(visible).length,
      controls: visible(document.getElementById('controls')),
      timelines: [...document.querySelectorAll('svg.timeline')].filter(visible).length,
      marks: [...document.querySelectorAll('mark')].filter(visible).length,
    }))()
    """)
    browser.open("about:blank")  # scripts back on for the next test
    assert state["findings"] == len(example_results)
    assert state["controls"] is False, "controls that need the script must stay hidden without it"
    assert state["timelines"] == len({c.speaker for c in example_results})
    assert state["marks"] > 0


def test_page_makes_no_network_request(browser: Browser, example_page: Path, tmp_path: Path) -> None:
    # The detector must see a request when a page does make one...
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png"><p>x</p>', encoding="utf-8")
    browser.open(leaky.as_uri())
    assert "http://127.0.0.1:9/pixel.png" in browser.requests()
    # ...and the report makes none, even with its Content-Security-Policy bypassed.
    for bypass in (True, False):
        browser.open(example_page.as_uri(), bypass_csp=bypass)
        assert browser.requests() == [example_page.as_uri()]
        assert browser.js("performance.getEntriesByType('resource').length") == 0


HOSTILE = [
    {"id": "x1", "speaker": "Eve \"><svg onload=window.__pwned=3>",
     "text": "<script>document.title='PWNED';window.__pwned=1</script> Taxes will go down.",
     "date": "2020-01-01", "source": "javascript:window.__pwned=4"},
    {"id": "</title><script>window.__pwned=6</script>", "speaker": "Eve \"><svg onload=window.__pwned=3>",
     "text": "<img src=x onerror=\"window.__pwned=2;document.title='PWNED'\"> Taxes will go <b>up</b> &amp; more.",
     "date": "2021-01-01", "source": "https://example.org/\"><script>window.__pwned=5</script>"},
]


def _hostile_results() -> Results:
    corpus = load_corpus(HOSTILE)
    a, b = corpus.statements
    item = Contradiction(a.speaker, a, b, 0.9, 0.7, 0.95, 0.8, ("antonym", "<i>cue</i>"),
                         {"antonym": [["<b>down</b>", "<i onmouseover=window.__pwned=9>up</i>"]]})
    stats = Stats(rows_read=3, rows_used=2, rows_skipped=1, speakers=1, candidate_pairs=1, judged_pairs=1, reported=1)
    from contradict.corpus import Skipped

    skipped = [Skipped("<iframe srcdoc='<script>parent.__pwned=8</script>'>", 3, "text", "<b>empty</b>")]
    settings = {"judge_model": "<script>window.__pwned=7</script>"}
    return Results([item], stats=stats, skipped=skipped, settings=settings, statements=corpus.statements)


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "with-csp"])
def test_untrusted_text_never_runs_and_shows_as_text(browser: Browser, tmp_path: Path, bypass_csp: bool) -> None:
    results = _hostile_results()
    title = "<script>window.__pwned=10</script> report"
    page = Report(results, title=title).save(tmp_path / "hostile.html")
    browser.open(page.as_uri(), bypass_csp=bypass_csp)
    state = browser.js("""
    (() => ({
      pwned: typeof window.__pwned === 'undefined' ? null : window.__pwned,
      title: document.title,
      scripts: document.scripts.length,
      injected: document.querySelectorAll('img, iframe, b, i, svg svg, [onload], [onerror], [onmouseover]').length,
      jsLinks: [...document.querySelectorAll('a')]
        .filter(a => (a.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript:')).length,
      texts: [...document.querySelectorAll('blockquote')].map(q => q.textContent),
      speaker: document.querySelector('article.finding h3').textContent,
      cues: [...document.querySelectorAll('.cues li')].map(li => li.textContent),
      body: document.body.innerText,
    }))()
    """)
    dialogs = [e for e in browser.log if e.get("method") == "Page.javascriptDialogOpening"]
    assert state["pwned"] is None and not dialogs
    assert state["title"] == title
    assert state["scripts"] == 1, "only the report's own script may be in the page"
    assert state["injected"] == 0
    assert state["jsLinks"] == 0
    assert state["texts"] == [s.text for s in results.statements]
    assert state["speaker"] == HOSTILE[0]["speaker"]
    assert "antonyms: <b>down</b> / <i onmouseover=window.__pwned=9>up</i>" in state["cues"]
    for visible_text in ("<script>window.__pwned=7</script>", "<b>empty</b>", "javascript:window.__pwned=4"):
        assert visible_text in state["body"]

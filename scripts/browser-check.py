#!/usr/bin/env python3
"""Renders the examples' reports in a real browser (headless Chromium) and
fails on anything a reader would see go wrong.

For each shipped example snapshot it runs the tool (`check --format html`,
`--format json` and `--format markdown`), then, in Chromium driven over the
DevTools protocol (on a pipe: no port is opened):

* the HTML report: no console error, no uncaught exception, no request
  other than the file itself (the page must be self-contained); the
  topology SVG is laid out with a non-zero size; it draws exactly one box per
  topology node and one arrow per edge of the JSON report; no two boxes
  overlap; every failing edge of the report is drawn red, and nothing else
  is;
* the Markdown report's Mermaid block: rendered by Mermaid itself (the
  library GitHub uses, from the npm registry, pinned by its integrity
  hash): it must parse, draw one node per topology node, and style exactly
  the failing links red.

`--screenshot FILE` writes a PNG of the broken example's report (the one
in the README). Usage:

    scripts/browser-check.py --tool target/debug/langsmith-preflight [--screenshot docs/report.png]

Needs `chromium` (Debian package) on PATH; downloads Mermaid once into
target/browser-check/. Exits non-zero, naming the failure, on any problem.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ["broken-deployment.json", "reference-deployment.json"]
MERMAID_VERSION = "12.3.0"
MERMAID_URL = f"https://registry.npmjs.org/mermaid/-/mermaid-{MERMAID_VERSION}.tgz"
MERMAID_INTEGRITY = "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw=="
FAIL_RGB = "rgb(207, 34, 46)"  # #cf222e


class Failure(Exception):
    pass


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise Failure("no chromium on PATH (Debian: apt-get install chromium)")


class Browser:
    """Chromium with the DevTools protocol on fds 3 (in) and 4 (out)."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # Through fresh descriptors: dup2 onto the same number would
            # keep the pipe's close-on-exec flag.
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                chromium_binary(),
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            preexec_fn=wire,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise Failure("Chromium did not answer in time")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise Failure("Chromium closed the DevTools pipe (did it start?)")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise Failure(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def page(self, url, width=1280, height=900):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session)
        return session

    def evaluate(self, session, expression, timeout=30):
        r = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=session,
            timeout=timeout,
        )
        if "exceptionDetails" in r:
            raise Failure(f"evaluating in the page: {r['exceptionDetails']}")
        return r["result"].get("value")

    def problems(self, session, allowed_prefixes):
        """Console errors, exceptions and foreign requests seen on a page."""
        out = []
        for e in self.events:
            if e.get("sessionId") != session:
                continue
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(f"uncaught exception: {p['exceptionDetails'].get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console error: " + " ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif m == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(tuple(allowed_prefixes)):
                    out.append(f"request to {url}")
            elif m == "Network.loadingFailed":
                out.append(f"failed to load: {p.get('errorText')}")
        return out


def run_tool(tool, *args):
    r = subprocess.run([tool, *args], capture_output=True, text=True)
    if r.returncode not in (0, 3, 4):
        raise Failure(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


def mermaid_js(cache):
    js = cache / f"mermaid-{MERMAID_VERSION}.min.js"
    if js.exists():
        return js
    cache.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(MERMAID_URL, timeout=120) as r:
        data = r.read()
    algo, want = MERMAID_INTEGRITY.split("-", 1)
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        raise Failure(f"mermaid {MERMAID_VERSION}: integrity mismatch (got {algo}-{got})")
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        member = t.extractfile("package/dist/mermaid.min.js")
        js.write_bytes(member.read())
    return js


HTML_PROBE = """
(() => {
  const svg = document.querySelector('svg.topology');
  if (!svg) return {svg: null};
  const r = svg.getBoundingClientRect();
  const nodes = [...svg.querySelectorAll('g.node')];
  const boxes = nodes.map(g => {
    const b = g.querySelector('rect').getBoundingClientRect();
    return {id: g.dataset.id, x: b.x, y: b.y, w: b.width, h: b.height,
            text: g.querySelector('text.label').textContent};
  });
  const edges = [...svg.querySelectorAll('g.edge')].map(g => {
    const p = g.querySelector('path');
    const b = p.getBoundingClientRect();
    return {from: g.dataset.from, to: g.dataset.to, stroke: getComputedStyle(p).stroke,
            w: b.width, h: b.height, len: p.getTotalLength()};
  });
  return {svg: {w: r.width, h: r.height}, boxes, edges,
          findings: document.querySelectorAll('details[id]').length,
          title: document.title};
})()
"""

MERMAID_PROBE = """
(async () => {
  try {
    mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
    const src = document.getElementById('src').textContent;
    const {svg} = await mermaid.render('topology', src);
    document.getElementById('out').innerHTML = svg;
    const root = document.querySelector('#out svg');
    const links = [...root.querySelectorAll('path.flowchart-link, .edgePaths path')];
    return {ok: true,
            nodes: root.querySelectorAll('g.node').length,
            links: links.length,
            red: links.filter(p => (p.getAttribute('style') || '').includes('#cf222e')).length,
            w: root.getBoundingClientRect().width};
  } catch (e) {
    return {ok: false, error: String(e && e.message || e)};
  }
})()
"""


def check_html(browser, html_path, report, shot=None):
    session = browser.page(html_path.as_uri())
    probe = browser.evaluate(session, HTML_PROBE)
    name = html_path.name
    problems = browser.problems(session, ["file://", "data:"])
    if problems:
        raise Failure(f"{name}: " + "; ".join(problems))
    if not probe or not probe.get("svg"):
        raise Failure(f"{name}: no topology SVG in the page")
    topo = report["topology"]
    if probe["svg"]["w"] < 300 or probe["svg"]["h"] < 200:
        raise Failure(f"{name}: the diagram is blank or collapsed ({probe['svg']})")
    if len(probe["boxes"]) != len(topo["nodes"]):
        raise Failure(f"{name}: {len(probe['boxes'])} boxes drawn for {len(topo['nodes'])} topology nodes")
    if len(probe["edges"]) != len(topo["edges"]):
        raise Failure(f"{name}: {len(probe['edges'])} arrows drawn for {len(topo['edges'])} topology edges")
    for b in probe["boxes"]:
        if b["w"] <= 0 or b["h"] <= 0 or not b["text"].strip():
            raise Failure(f"{name}: box {b['id']} is empty or has no size")
    for i, a in enumerate(probe["boxes"]):
        for b in probe["boxes"][i + 1:]:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                raise Failure(f"{name}: boxes {a['id']} and {b['id']} overlap")
    for e in probe["edges"]:
        if e["len"] <= 1:
            raise Failure(f"{name}: the arrow {e['from']} → {e['to']} has no length")
    want_red = sorted((e["from"], e["to"]) for e in topo["edges"] if e.get("status") == "fail")
    red = sorted((e["from"], e["to"]) for e in probe["edges"] if e["stroke"] == FAIL_RGB)
    if red != want_red:
        raise Failure(f"{name}: red arrows {red}, failing edges {want_red}")
    if probe["findings"] != len(report["results"]):
        raise Failure(f"{name}: {probe['findings']} findings shown for {len(report['results'])}")
    if shot:
        height = browser.evaluate(session, "document.documentElement.scrollHeight")
        top = browser.evaluate(session, "document.querySelector('figure').getBoundingClientRect().bottom + window.scrollY")
        clip = {"x": 0, "y": 0, "width": 1280, "height": min(height, int(top) + 24), "scale": 1}
        data = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            session=session,
            timeout=60,
        )["data"]
        pathlib.Path(shot).write_bytes(base64.b64decode(data))
    return f"{name}: {len(probe['boxes'])} boxes, {len(probe['edges'])} arrows, {len(red)} red, {probe['findings']} findings"


def check_mermaid(browser, md_text, report, js, work, name):
    block = md_text.split("```mermaid\n", 1)
    if len(block) != 2:
        raise Failure(f"{name}: no mermaid block in the Markdown report")
    src = block[1].split("```", 1)[0]
    page = work / f"{name}.mermaid.html"
    esc = src.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><script src='{js.as_uri()}'></script></head>"
        f"<body><pre id='src'>{esc}</pre><div id='out'></div></body></html>"
    )
    session = browser.page(page.as_uri())
    probe = browser.evaluate(session, MERMAID_PROBE, timeout=60)
    problems = browser.problems(session, ["file://", "data:"])
    if not probe.get("ok"):
        raise Failure(f"{name}: Mermaid rejects the diagram: {probe.get('error')}")
    if problems:
        raise Failure(f"{name} (Mermaid): " + "; ".join(problems))
    topo = report["topology"]
    if probe["nodes"] != len(topo["nodes"]):
        raise Failure(f"{name}: Mermaid drew {probe['nodes']} nodes for {len(topo['nodes'])}")
    if probe["links"] != len(topo["edges"]):
        raise Failure(f"{name}: Mermaid drew {probe['links']} links for {len(topo['edges'])}")
    want_red = sum(1 for e in topo["edges"] if e.get("status") == "fail")
    if probe["red"] != want_red:
        raise Failure(f"{name}: Mermaid styled {probe['red']} links red, {want_red} edges fail")
    if probe["w"] < 100:
        raise Failure(f"{name}: the Mermaid diagram is blank")
    return f"{name} (Mermaid {MERMAID_VERSION}): {probe['nodes']} nodes, {probe['links']} links, {probe['red']} red"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", required=True, help="the langsmith-preflight binary")
    ap.add_argument("--screenshot", help="write a PNG of the broken example's report here")
    ap.add_argument("--keep", help="keep the rendered reports in this directory")
    args = ap.parse_args()
    tool = str(pathlib.Path(args.tool).resolve())
    cache = ROOT / "target" / "browser-check"
    work = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="browser-check-"))
    work.mkdir(parents=True, exist_ok=True)
    browser = None
    try:
        js = mermaid_js(cache)
        browser = Browser(work / "profile")
        for ex in EXAMPLES:
            stem = ex.removesuffix(".json")
            snap = str(ROOT / "examples" / ex)
            html, rep = work / f"{stem}.html", work / f"{stem}.report.json"
            run_tool(tool, "check", "--snapshot", snap, "--format", "html", "--output", str(html),
                     "--report", f"json={rep}")
            report = json.loads(rep.read_text())
            md = run_tool(tool, "check", "--snapshot", snap, "--format", "markdown").stdout
            shot = args.screenshot if ex.startswith("broken") else None
            print("ok:", check_html(browser, html, report, shot))
            print("ok:", check_mermaid(browser, md, report, js, work, stem))
    except Failure as e:
        print(f"browser check FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if browser:
            browser.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

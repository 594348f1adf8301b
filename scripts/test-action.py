#!/usr/bin/env python3
"""Runs the GitHub Action's own steps (action.yml) the way a Linux x64 runner
would, against a release served on 127.0.0.1 that holds the debug build as
`langsmith-preflight-x86_64-unknown-linux-musl.tar.xz` with its `.sha256`:

* the install step downloads it, verifies the checksum and adds it to PATH;
* the check step evaluates the example snapshots: the broken one exits 3 with
  the report in the step summary and the outputs set, the reference one exits 0;
* a tampered checksum stops the install.

Usage: scripts/test-action.py BINARY (run by .ci/run after the test suite).
Needs python3 with PyYAML (the moto virtualenv has it), bash, curl, tar, xz.
"""
import functools
import hashlib
import http.server
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import threading

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = "x86_64-unknown-linux-musl"
REPO = "example/langsmith-preflight"
VERSION = "v9.9.9"


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def steps():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]


def publish(binary, root, tamper=False):
    """A release directory as GitHub serves it: archive and checksum."""
    rel = root / REPO / "releases" / "download" / VERSION
    rel.mkdir(parents=True, exist_ok=True)
    archive = rel / f"langsmith-preflight-{TARGET}.tar.xz"
    with tarfile.open(archive, "w:xz") as t:
        t.add(binary, arcname=f"langsmith-preflight-{TARGET}/langsmith-preflight")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if tamper:
        digest = "0" * 64
    (rel / f"{archive.name}.sha256").write_text(f"{digest} *{archive.name}\n")


def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run_step(step, env, cwd):
    assert step["shell"] == "bash", step
    full = dict(os.environ)
    # Only the step's own environment and the runner's variables, as on GitHub.
    for k in list(full):
        if k.startswith(("IN_", "GITHUB_", "RUNNER_")):
            del full[k]
    full.update(env)
    # As GitHub runs a `shell: bash` step: bash --noprofile --norc -eo pipefail.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          env=full, cwd=cwd,
                          capture_output=True, text=True)


def main():
    if len(sys.argv) != 2:
        fail("usage: scripts/test-action.py BINARY")
    binary = pathlib.Path(sys.argv[1]).resolve()
    install, check = steps()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        srv = serve(tmp / "www")
        publish(binary, tmp / "www")
        runner = {
            "GITHUB_SERVER_URL": f"http://127.0.0.1:{srv.server_address[1]}",
            "RUNNER_TEMP": str(tmp / "runner"),
            "GITHUB_PATH": str(tmp / "path"),
            "GITHUB_OUTPUT": str(tmp / "output"),
            "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        }
        (tmp / "runner").mkdir()
        install_env = dict(runner, VERSION=VERSION, ACTION_REPOSITORY=REPO, ACTION_REF="main",
                           RUNNER_OS_NAME="Linux", RUNNER_ARCH_NAME="X64", GH_TOKEN="")
        r = run_step(install, install_env, ROOT)
        if r.returncode != 0:
            fail(f"install step failed: {r.stdout}{r.stderr}")
        path = (tmp / "path").read_text().strip()
        if not (pathlib.Path(path) / "langsmith-preflight").is_file():
            fail(f"GITHUB_PATH names {path!r}, which holds no langsmith-preflight")

        def check_with(snapshot):
            for f in ("output", "summary.md"):
                (tmp / f).write_text("")
            inputs = {k: "" for k in ("IN_CLUSTER", "IN_DOMAIN", "IN_REGION", "IN_VPC", "IN_ALB",
                                      "IN_POSTGRES", "IN_REDIS", "IN_BUCKET", "IN_CONFIG",
                                      "IN_TERRAFORM_OUTPUTS", "IN_ARGS")}
            inputs.update(IN_STAGE="installed", IN_BASELINE="production", IN_FAIL_ON="fail",
                          IN_SNAPSHOT=str(ROOT / "examples" / snapshot),
                          PATH=f"{path}:{os.environ['PATH']}")
            r = run_step(check, dict(runner, **inputs), ROOT)
            outputs = dict(l.split("=", 1) for l in (tmp / "output").read_text().splitlines())
            return r, outputs, (tmp / "summary.md").read_text()

        r, outputs, summary = check_with("broken-deployment.json")
        if r.returncode != 3 or outputs.get("exit-code") != "3":
            fail(f"broken example: step exit {r.returncode}, outputs {outputs}: {r.stderr}")
        for key in ("json", "junit", "markdown", "html"):
            if not pathlib.Path(outputs.get(key, "")).is_file():
                fail(f"output {key} names no file: {outputs}")
        if "storage.bucket" not in summary or "FAIL" not in summary.upper() or "```mermaid" not in summary:
            fail(f"the step summary lacks the report: {summary[:300]!r}")
        r, outputs, summary = check_with("reference-deployment.json")
        if r.returncode != 0 or outputs.get("exit-code") != "0" or not summary:
            fail(f"reference example: step exit {r.returncode}, outputs {outputs}: {r.stderr}")

        # A checksum that does not match stops the install.
        publish(binary, tmp / "www", tamper=True)
        r = run_step(install, install_env, ROOT)
        if r.returncode == 0 or "checksum mismatch" not in r.stdout + r.stderr:
            fail(f"a tampered checksum was accepted: {r.stdout}{r.stderr}")
        srv.shutdown()
    print("action.yml: install (checksum verified), check (exit codes 3 and 0, outputs, step summary), tampered checksum refused")


if __name__ == "__main__":
    main()

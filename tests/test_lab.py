"""`make lab`: JupyterLab starts (as root too) and opens a chapter's .md as a notebook.

The server is started with the flags of the Makefile (`make lab-flags`), on a free port
with a throw-away token, and asked through the contents API for chapter 02's .md as a
notebook: jupytext's contents manager (its server extension, enabled in the environment's
jupyter_server_config.d) must read it, with the cells jupytext reads from the file and the
outputs of its paired .ipynb.
"""

import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jupytext
import pytest

from notebooks import ROOT

CHAPTER = "chapters/02-entropy.md"
START_TIMEOUT = 60  # seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, token: str, timeout: float = 10):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def lab(tmp_path):
    """The lab server of `make lab`; yields its base URL and token, then stops it."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    flags = subprocess.run(
        ["make", "--no-print-directory", "-s", "lab-flags"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flags = shlex.split(flags)
    assert "--no-browser" in flags
    if os.geteuid() == 0:
        assert "--allow-root" in flags, "as root, `jupyter lab` refuses to start without it"

    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),  # no personal config of the user
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        GANBOOK_PROGRESS="1",
    )
    log = (tmp_path / "lab.log").open("w")
    jupyter = Path(sys.executable).parent / "jupyter"
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            *flags,
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with {server.returncode}:\n"
                    + (tmp_path / "lab.log").read_text()[-3000:]
                )
            try:
                if get(f"{base}/api/status", token, timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab did not answer within {START_TIMEOUT} s:\n"
                    + (tmp_path / "lab.log").read_text()[-3000:]
                )
            time.sleep(0.25)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


def test_lab_opens_a_chapter_md_as_a_notebook(lab):
    base, token = lab
    status, model = get(f"{base}/api/contents/{CHAPTER}?type=notebook&content=1", token)
    assert status == 200
    assert model["type"] == "notebook" and model["format"] == "json", model["type"]
    notebook = model["content"]
    expected = jupytext.read(ROOT / CHAPTER)
    assert len(notebook["cells"]) == len(expected.cells)
    assert [c["cell_type"] for c in notebook["cells"]] == [c.cell_type for c in expected.cells]
    # Paired with the .ipynb: the stored outputs come along with the .md's inputs.
    assert any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


def test_lab_settings_open_markdown_with_jupytext():
    overrides = json.loads((ROOT / "tools" / "jupyterlab-overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == viewers["myst"] == "Jupytext Notebook"

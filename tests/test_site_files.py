"""The site's data files: the benchmark table, Binder's environment, the vendored MathJax."""

import json
import re

from notebooks import ROOT, notebook_sources

BOOK = ROOT / "book"


def test_bench_table_covers_every_notebook_within_budget():
    report = json.loads((BOOK / "bench.json").read_text())
    listed = [row["chapter"] for row in report["chapters"]]
    assert listed == [md.stem for md in notebook_sources()], (
        "book/bench.json is stale: run `make bench` and commit book/bench.json"
    )
    assert report["within_budget"], [c for c in report["checks"] if not c["passed"]]
    assert report["total_seconds"] <= report["budgets"]["book_seconds"]
    platform = report["platform"]  # the platform that produced the table
    assert platform["reference"] and platform["mkl_branch"] == "COMPATIBLE", platform
    assert platform["cpu_vendor"] and platform["cpu_model"] and platform["torch"]


def test_binder_installs_the_pins_with_cpu_torch_and_the_package():
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    assert "-r ../requirements.txt" in requirements.splitlines()
    pinned = re.search(r"^torch==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert f"torch=={pinned.group(1)}+cpu" in requirements.splitlines()
    assert "download.pytorch.org/whl/cpu" in requirements
    assert "pip install --no-deps --editable ." in (ROOT / "binder" / "postBuild").read_text()
    start = (ROOT / "binder" / "start").read_text()
    from ganbook.seed import PINNED_ENV

    for name, value in PINNED_ENV.items():
        assert f"export {name}={value}" in start.splitlines(), name


def test_mathjax_is_vendored_and_configured():
    config = (ROOT / "_config.yml").read_text()
    path = re.search(r"^\s+mathjax_path: (\S+)$", config, re.M).group(1)
    assert not path.startswith(("http:", "https:", "//")), "MathJax must not come from a CDN"
    mathjax = (BOOK / "_static" / path).parent
    assert (mathjax / "VERSION").read_text().startswith("MathJax 3.")
    loads = re.search(r"^\s+load: \[(.*)\]$", config, re.M).group(1).split(", ")
    for component in ["startup", "core", *loads]:  # every component the loader asks for
        assert (mathjax / f"{component}.js").stat().st_size > 1_000, component
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) >= 20, "CommonHTML's fonts are vendored beside it"

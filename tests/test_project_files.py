"""The project's own files: licence, citation, and the dependencies the package declares.

A reader who installs `ganbook` alone (on Colab, say) gets only what pyproject.toml's
[project].dependencies declare, so every module that the package or a chapter imports must be
the standard library, `ganbook` itself, or a declared dependency. `myst_nb` is never one: a
chapter glues with `ganbook.glue`, which works without it.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import jupytext
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

from notebooks import ROOT, notebook_sources, repository

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
AUTHORS = "The authors of From Entropy to Energy"
#: Modules that a chapter must not import, with the reason.
FORBIDDEN_IN_NOTEBOOKS = {"myst_nb": "use `from ganbook import glue` (works without MyST-NB)"}


# Licence and citation.


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_licence_names_both_licences_and_what_they_cover():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text
    assert "Permission is hereby granted, free of charge, to any person" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    assert "CC BY 4.0" in text
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    assert f"Copyright (c) 2026 {AUTHORS}" in text
    for part in ("code/", "tests/", "tools/", "book/", "code cells", "chapters/*.md"):
        assert part in text, f"LICENSE does not say which licence covers {part}"


def test_package_licence_is_mit():
    assert PROJECT["license"] == "MIT"
    assert "LICENSE" in PROJECT.get("license-files", ["LICENSE"])


def test_readme_has_a_licence_and_citation_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^## Licence and citation$", readme, re.MULTILINE)
    assert "CITATION.cff" in readme and "LICENSE" in readme


def test_citation_file_has_the_required_keys():
    cff = citation()
    for key in ("cff-version", "message", "title", "authors"):  # required by CFF 1.2.0
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software"
    assert cff["title"] == "From Entropy to Energy"
    assert cff["authors"] == [{"name": AUTHORS}]
    assert cff["version"] == PROJECT["version"] == "0.1.0"
    # CFF dates are strings (an unquoted YAML date would load as a datetime.date).
    assert cff["date-released"] == "2026-11-30"
    # CFF reads a list of licences as OR: the software carries the code's licence, the
    # book (the preferred citation) the licence of its text.
    assert cff["license"] == PROJECT["license"] == "MIT"
    book = cff["preferred-citation"]
    assert book["type"] == "book"
    assert book["title"] == cff["title"]
    assert book["authors"] == cff["authors"]
    assert book["license"] == "CC-BY-4.0"
    assert book["year"] == 2026


def test_citation_names_the_repository_of_config():
    url, _ = repository()
    cff = citation()
    assert cff["repository-code"].rstrip("/") == url
    assert cff["preferred-citation"]["repository-code"].rstrip("/") == url


# Dependencies: every import of the package and of the notebooks is declared.


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    name = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
    return {normalise(name.match(dep).group(1)) for dep in PROJECT["dependencies"]}


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    caught = ("ImportError", "ModuleNotFoundError")
    return any(isinstance(name, ast.Name) and name.id in caught for name in names)


def imports(source: str) -> list[tuple[str, bool]]:
    """(top-level module, optional) for every absolute import in ``source``.

    An import is optional when it sits in the body of a ``try`` that catches ImportError:
    the code runs without the module.
    """
    tree = ast.parse(source)
    optional_nodes = {
        id(node)
        for trying in ast.walk(tree)
        if isinstance(trying, ast.Try) and any(catches_import_error(h) for h in trying.handlers)
        for statement in trying.body
        for node in ast.walk(statement)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules = [node.module]
        else:
            continue
        found += [(module.split(".")[0], id(node) in optional_nodes) for module in modules]
    return found


def notebook_code(text: str) -> str:
    """The Python of a MyST notebook's code cells, IPython magics turned into calls."""
    notebook = jupytext.reads(text, fmt="md:myst")
    transform = TransformerManager().transform_cell
    return "\n".join(transform(cell.source) for cell in notebook.cells if cell.cell_type == "code")


def undeclared_imports(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """Problems with the imports of ``sources``: {name: (python source, is a notebook)}."""
    declared = declared_distributions()
    distributions = packages_distributions()
    problems = []
    for name, (source, is_notebook) in sources.items():
        for module, optional in sorted(set(imports(source))):
            if is_notebook and module in FORBIDDEN_IN_NOTEBOOKS:
                problems.append(f"{name} imports {module}: {FORBIDDEN_IN_NOTEBOOKS[module]}")
                continue
            if optional or module in sys.stdlib_module_names or module == "ganbook":
                continue
            provided_by = {normalise(d) for d in distributions.get(module, [])}
            if not provided_by & declared:
                source = ", ".join(sorted(provided_by)) or "no installed distribution"
                problems.append(
                    f"{name} imports {module} (from {source}), which pyproject.toml's "
                    "[project].dependencies do not declare"
                )
    return problems


def project_sources() -> dict[str, tuple[str, bool]]:
    sources = {
        str(md.relative_to(ROOT)): (notebook_code(md.read_text(encoding="utf-8")), True)
        for md in notebook_sources()
    }
    for path in sorted((ROOT / "code" / "ganbook").glob("*.py")):
        sources[str(path.relative_to(ROOT))] = (path.read_text(encoding="utf-8"), False)
    return sources


def test_every_import_of_the_package_and_the_notebooks_is_declared():
    sources = project_sources()
    assert sum(is_notebook for _, is_notebook in sources.values()) >= 12
    assert "code/ganbook/glue.py" in sources
    problems = undeclared_imports(sources)
    assert not problems, "\n".join(problems)


def test_the_notebook_imports_are_found():
    code = notebook_code((ROOT / "chapters" / "02-entropy.md").read_text(encoding="utf-8"))
    found = {module for module, _ in imports(code)}
    assert {"ganbook", "math", "scipy", "matplotlib", "torch", "sys"} <= found


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("from myst_nb import glue", "imports myst_nb"),
        ("import myst_nb", "imports myst_nb"),
        ("try:\n    from myst_nb import glue\nexcept ImportError:\n    pass", "imports myst_nb"),
        ("import requests", "imports requests"),
    ],
)
def test_the_check_fails_on_a_forbidden_or_undeclared_import(cell, expected):
    chapter = "---\njupytext:\n  formats: ipynb,md:myst\n---\n\n```{code-cell} ipython3\n"
    chapter += f"{cell}\n```\n"
    problems = undeclared_imports({"chapters/99-test.md": (notebook_code(chapter), True)})
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_check_accepts_optional_imports_in_the_package_and_magics_in_notebooks():
    package = "try:\n    import myst_nb\nexcept ImportError:\n    myst_nb = None\n"
    assert undeclared_imports({"code/ganbook/x.py": (package, False)}) == []
    chapter = (
        "---\njupytext:\n  formats: ipynb,md:myst\n---\n\n```{code-cell} ipython3\n"
        "import sys\n\nif 'google.colab' in sys.modules:\n    %pip install ganbook\n"
        "import torch\nfrom ganbook import glue\n```\n"
    )
    assert undeclared_imports({"chapters/99-test.md": (notebook_code(chapter), True)}) == []

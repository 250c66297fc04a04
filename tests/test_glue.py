"""`ganbook.glue`: MyST-NB's glue where MyST-NB is installed, a plain display elsewhere."""

import subprocess
import sys
import types

import pytest

import ganbook

glue_module = sys.modules["ganbook.glue"]  # `ganbook.glue` itself is the function


@pytest.fixture
def shown(monkeypatch):
    """What the fallback passes to IPython's display."""
    calls = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs: calls.append(objs))
    return calls


@pytest.fixture
def without_myst_nb(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # `from myst_nb import ...` fails
    with pytest.raises(ImportError):
        import myst_nb  # noqa: F401


def test_glue_is_exported_as_the_function():
    from ganbook import glue

    assert glue is ganbook.glue is glue_module.glue
    assert callable(glue) and glue.__module__ == "ganbook.glue"


def test_importing_ganbook_imports_neither_torch_nor_myst_nb():
    check = (
        "import sys, ganbook\n"
        "from ganbook import glue\n"
        "assert 'torch' not in sys.modules, 'torch'\n"
        "assert 'myst_nb' not in sys.modules, 'myst_nb'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_fallback_displays_the_value(without_myst_nb, shown, capsys):
    ganbook.glue("answer", 42)
    assert shown == [(42,)]
    assert capsys.readouterr().out == ""


def test_fallback_does_nothing_when_display_is_false(without_myst_nb, shown, capsys):
    ganbook.glue("answer", 42, display=False)
    assert shown == []
    assert capsys.readouterr().out == ""


def test_fallback_prints_without_ipython(without_myst_nb, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    ganbook.glue("h", 0.8018)
    ganbook.glue("hidden", 1.5, display=False)
    assert capsys.readouterr().out == "0.8018\n"


def test_delegates_to_myst_nb_when_it_is_importable(monkeypatch, shown):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    ganbook.glue("h", 0.8018, display=False)
    ganbook.glue("shown", [1, 2])
    assert calls == [("h", 0.8018, False), ("shown", [1, 2], True)]
    assert shown == []  # MyST-NB's glue does the displaying, not the fallback


def test_delegates_to_the_installed_myst_nb(monkeypatch):
    myst_nb = pytest.importorskip("myst_nb")
    calls = []
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display))
    )
    ganbook.glue("h", 0.8018, display=False)
    assert calls == [("h", 0.8018, False)]

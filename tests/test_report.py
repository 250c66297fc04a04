"""ganbook.report: a table renders as Markdown and as aligned plain text."""

import pytest

from ganbook.report import Table, mean_and_error


def test_a_table_renders_as_markdown_and_as_text():
    table = Table(["model", "modes", "high quality (%)"],
                  [["ring of 8"], ["GAN", "7.4 ± 0.4", "45.3"], ["true samples", 8, "98.9"]],
                  caption="Five seeds.")
    markdown = table._repr_markdown_()
    assert markdown.splitlines()[2:4] == ["| model | modes | high quality (%) |",
                                          "|:---|---:|---:|"]
    assert "| **ring of 8** |  |  |" in markdown
    text = repr(table).splitlines()
    assert text[0] == "Five seeds."
    assert text[1] == "model             modes  high quality (%)"
    assert text[2] == "ring of 8"
    assert text[3] == "GAN           7.4 ± 0.4              45.3"


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="rows\\[0\\] has 2 cells"):
        Table(["a", "b", "c"], [["x", "y"]])
    with pytest.raises(ValueError, match="numeric"):
        Table(["a", "b"], [], numeric=[True])
    with pytest.raises(ValueError, match="header"):
        Table([], [])


def test_mean_and_error():
    assert mean_and_error(7.44, 0.41) == "7.4\u00a0±\u00a00.4"
    assert mean_and_error(0.0123, 0.004, digits=3) == "0.012\u00a0±\u00a00.004"
    assert mean_and_error(3.0) == "3.0" and mean_and_error(3.0, float("nan")) == "3.0"


def test_say_wraps_to_the_output_width(capsys):
    from ganbook.report import OUTPUT_WIDTH, say

    say("a-long-name, seed 0: " + "word " * 40 + "end")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= OUTPUT_WIDTH for line in lines)
    assert lines[0].startswith("a-long-name, seed 0:")  # hyphens never split

"""Seeing a graph: DOT text, rendering, and the ``ember graph-show`` command."""
import textwrap

import numpy as np
import pytest

import ember.graph as tf
from ember.graph import dot


def _small_graph():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="x")
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")
    y = (x @ w) * 2.0
    return x, w, y


def test_to_dot_lists_ops_as_nodes_and_shapes_on_edges():
    x, w, y = _small_graph()
    text = tf.get_default_graph().to_dot()
    assert text.startswith("digraph G {") and text.rstrip().endswith("}")
    assert '"x" [label="x\\nPlaceholder", shape=ellipse' in text
    assert '"w" [label="w\\nVariableV2", shape=box, style="rounded,filled"' in text
    assert '"x" -> "MatMul" [label="(?, 3)"];' in text
    assert '"w" -> "MatMul" [label="(3, 2)"];' in text
    assert '"MatMul" -> "Mul" [label="(?, 2)"];' in text
    assert '"Mul" [label="Mul\\n2.0", shape=box];' in text  # literal operands are shown
    assert '"w/initial_value" -> "w/Assign" [label="(3, 2)"];' in text


def test_to_dot_of_fetches_shows_only_what_they_need_and_control_edges():
    x, w, y = _small_graph()
    init = tf.global_variables_initializer()
    only_y = tf.get_default_graph().to_dot(y)
    assert "Assign" not in only_y and '"Mul"' in only_y
    with_init = tf.get_default_graph().to_dot(init)
    assert '"w/Assign" -> "init" [style=dashed];' in with_init


def test_render_without_graphviz_says_how_to_install(monkeypatch, tmp_path):
    _small_graph()
    monkeypatch.setattr(dot.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError) as err:
        tf.get_default_graph().render(str(tmp_path / "g.svg"))
    assert "apt-get install graphviz" in str(err.value)
    assert "pip install graphviz` is not enough" in str(err.value)


def test_render_writes_dot_text_and_refuses_unknown_formats(tmp_path):
    _small_graph()
    graph = tf.get_default_graph()
    path = graph.render(str(tmp_path / "g.dot"))
    assert open(path).read() == graph.to_dot()
    with pytest.raises(ValueError, match="unsupported format"):
        graph.render(str(tmp_path / "g.bmp"))


def test_render_calls_dot_with_the_format_and_output(monkeypatch, tmp_path):
    _small_graph()
    fake = tmp_path / "dot"  # stands for Graphviz: records its arguments and its input
    fake.write_text('#!/bin/sh\necho "$@" > "$3.args"\ncat > "$3"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(dot.shutil, "which", lambda name: str(fake))
    out = tf.get_default_graph().render(str(tmp_path / "g.png"))
    assert open(out + ".args").read().split() == ["-Tpng", "-o", out]
    assert open(out).read() == tf.get_default_graph().to_dot()


def test_show_script_renders_the_graph_a_script_builds(tmp_path):
    script = tmp_path / "model.py"
    script.write_text(textwrap.dedent("""
        import ember.graph as tf
        a = tf.placeholder(tf.float32, name="a")
        b = a * 2
    """))
    out = dot.show_script(str(script), str(tmp_path / "model.dot"))
    text = open(out).read()
    assert '"a" -> "Mul" [label="<unknown>"];' in text


def test_graph_show_command(tmp_path, monkeypatch, capsys):
    from ember.cli import main

    script = tmp_path / "net.py"
    script.write_text("import ember.graph as tf\nx = tf.placeholder(tf.float32, (2,))\n"
                      "y = x + 1.0\n")
    assert main(["graph-show", str(script), "-o", str(tmp_path / "net.dot")]) == 0
    assert '"Placeholder" -> "Add" [label="(2,)"];' in open(tmp_path / "net.dot").read()
    monkeypatch.setattr(dot.shutil, "which", lambda name: None)
    assert main(["graph-show", str(script)]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err

"""Seeing a graph: Graphviz DOT text (``to_dot``) and images (``render``, ``show_script``).

Ops are nodes (placeholders, variables and constants drawn apart from computations);
edges are tensors, labelled with their static shapes (``?`` where known only at run
time); dashed edges are control dependencies (what ``group`` and the initializer run).
"""
from __future__ import annotations

import os
import runpy
import shutil
import subprocess

from ember.autograd import Symbolic
from ember.graph.graph import Graph, get_default_graph, reset_default_graph
from ember.graph.program import prune
from ember.graph.tensor import format_shape

_STYLE = {
    "Placeholder": 'shape=ellipse, style=filled, fillcolor="#cfe2f3"',
    "VariableV2": 'shape=box, style="rounded,filled", fillcolor="#fff2cc"',
    "Const": 'shape=box, style=filled, fillcolor="#eeeeee", fontsize=10',
    "Gradients": 'shape=box, style=filled, fillcolor="#f4cccc"',
    "Assign": 'shape=box, style=filled, fillcolor="#d9ead3"',
    "NoOp": 'shape=box, style=dashed',
}
_UPDATE = 'shape=box, style=filled, fillcolor="#fce5cd"'
INSTALL_HINT = (
    "the Graphviz program 'dot' is not installed. Install it with your system's package "
    "manager: `apt-get install graphviz` (Debian, Ubuntu), `dnf install graphviz` "
    "(Fedora), `brew install graphviz` (macOS) or `conda install graphviz`. "
    "`pip install graphviz` is not enough: it installs only Python bindings, not the "
    "program. Graph.to_dot() gives the DOT text without it.")


def _quote(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(op) -> str:
    kind = op.type
    if kind == "Const":
        v = op.attrs["value"]
        text = repr(v.item()) if v.size == 1 else f"{kind} {format_shape(v.shape)}"
        return f"{op.name}\n{text}" if op.name.split("/")[-1].split("_")[0] != "Const" else (
            text)
    literals = [repr(t) for t in op.inputs if not isinstance(t, Symbolic)
                and isinstance(t, (int, float, bool))]
    head = op.name if op.name == kind else f"{op.name}\n{kind}"
    return head + ("\n" + ", ".join(literals) if literals else "")


def to_dot(graph: Graph, fetches=None) -> str:
    """The graph (or only what ``fetches`` need) as Graphviz DOT text.

    Example: ``open("g.dot", "w").write(tf.get_default_graph().to_dot())``.
    """
    if fetches is None:
        ops = list(graph.operations)
    else:
        targets = fetches if isinstance(fetches, (list, tuple)) else [fetches]
        ops = prune(targets, set())
    lines = ["digraph G {", "  rankdir=TB;",
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for op in ops:
        style = _STYLE.get(op.type, _UPDATE if op.type == "ApplyGradients" else "shape=box")
        lines.append(f"  {_quote(op.name)} [label={_quote(_label(op))}, {style}];")
    shown = {id(op) for op in ops}
    for op in ops:
        for t in op.inputs:
            if isinstance(t, Symbolic) and id(t.op) in shown:
                label = format_shape(t._shape)
                lines.append(f"  {_quote(t.op.name)} -> {_quote(op.name)} "
                             f"[label={_quote(label)}];")
        for c in op.control_inputs:
            if id(c) in shown:
                lines.append(f"  {_quote(c.name)} -> {_quote(op.name)} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(graph: Graph, path: str, fetches=None) -> str:
    """Write the graph as an image at ``path`` (format from its suffix: svg, png, pdf).

    Needs the Graphviz ``dot`` program; raises ``RuntimeError`` saying how to install
    it when it is missing. Returns ``path``.
    """
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    if fmt not in ("svg", "png", "pdf", "dot"):
        raise ValueError(f"render: unsupported format {fmt!r}; use .svg, .png, .pdf or .dot")
    text = to_dot(graph, fetches)
    if fmt == "dot":
        with open(path, "w") as f:
            f.write(text)
        return path
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(f"render: {INSTALL_HINT}")
    subprocess.run([dot, f"-T{fmt}", "-o", path], input=text.encode(), check=True)
    return path


def show_script(script: str, output: str | None = None) -> str:
    """Run a TF1-style ``script`` and render the graph it built (``ember graph-show``).

    The image goes to ``output`` (default: the script's name with ``.svg``). The graph
    is the default graph after the script ran, or the largest ``Graph`` it left in its
    globals when the default one is empty.
    """
    reset_default_graph()
    namespace = runpy.run_path(script, run_name="__main__")
    graph = get_default_graph()
    if not graph.operations:
        graphs = [g for g in namespace.values() if isinstance(g, Graph)]
        if graphs:
            graph = max(graphs, key=lambda g: len(g.operations))
    if output is None:
        output = os.path.splitext(script)[0] + ".svg"
    return render(graph, output)

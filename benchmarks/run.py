"""Run the workloads of WORKLOADS.md for Ember and PyTorch side by side.

Usage: ``python -m benchmarks.run [workload ...]`` (all when none is named). ``make bench``
runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, for this process alone.
"""
from __future__ import annotations

import argparse
import importlib
import os

from benchmarks.common import blas_info, print_rows

WORKLOADS = ["overhead", "gemm", "mlp_mnist", "cnn_mnist", "graph_mlp_mnist", "cnn_mnist_step",
             "lstm", "layers", "conv_layers"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"workloads among {WORKLOADS}")
    args = parser.parse_args(argv)
    names = args.names or WORKLOADS
    print(f"BLAS: {blas_info()}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        print(f"{var}={os.environ.get(var, '(unset)')}")
    rows = []
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name!r}; choose among {WORKLOADS}")
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as err:
            print(f"{name}: not available yet ({err})")
            continue
        rows.extend(module.run())
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

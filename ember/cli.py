"""The ``ember`` command line."""
from __future__ import annotations

import argparse
import sys


def demo(args) -> int:
    """Fit XOR with a 2-8-1 network written in raw tensor ops and plain gradient descent."""
    import ember

    ember.manual_seed(args.seed)
    x = ember.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = ember.tensor([[0.0], [1.0], [1.0], [0.0]])
    w1 = (ember.randn(2, 8) * 1.0).requires_grad_()
    b1 = ember.zeros(8, requires_grad=True)
    w2 = (ember.randn(8, 1) * 0.5).requires_grad_()
    b2 = ember.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(args.steps + 1):
        hidden = ember.tanh(x @ w1 + b1)
        prob = ember.sigmoid(hidden @ w2 + b2)
        loss = -(y * ember.log(prob) + (1 - y) * ember.log(1 - prob)).mean()
        loss.backward()
        with ember.no_grad():
            for p in params:
                p.array -= args.lr * p.grad.array
                p.grad = None
        if step % (args.steps // 5) == 0:
            print(f"step {step:5d}  loss {loss.item():.4f}")
    print("XOR predictions:")
    for xi, pi in zip(x.tolist(), prob.detach().numpy().ravel()):
        print(f"  {xi} -> {pi:.3f}")
    correct = ((prob.detach() > 0.5).float() == y).float().mean().item()
    print(f"accuracy {correct:.2f}")
    return 0 if correct == 1.0 else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember", description="Ember: deep learning on NumPy")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="fit XOR with a 2-layer network built from raw tensor ops")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

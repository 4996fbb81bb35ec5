"""Tensor-manipulation drills from interview prep: shapes, indexing, reductions, dtypes."""
import numpy as np
import torch

a = torch.arange(12).reshape(3, 4)
b = torch.arange(12, 24).view(3, 4)
print("arange", a.tolist(), a.dtype == torch.int64, torch.arange(0, 1, 0.25).tolist())
print("linspace", torch.linspace(0, 1, steps=5).tolist(), torch.eye(3).sum().item())
print("cat", torch.cat([a, b], dim=0).shape, torch.cat((a, b), 1).shape)
print("stack", torch.stack([a, b]).shape, torch.stack([a, b], dim=2).shape)
print("split", [t.shape for t in torch.split(a, 2, dim=1)], [t.tolist() for t in a.split(2)])
print("chunk", [t.tolist() for t in torch.chunk(torch.arange(10), 3)])
c = torch.arange(24).reshape(2, 3, 4)
print("permute", c.permute(2, 0, 1).shape, c.transpose(0, 2).shape,
      c.permute(0, 2, 1).contiguous().view(2, -1).tolist()[0])
print("reshape", c.reshape(-1, 4).shape, c.flatten(1).shape, c.view(6, 4)[5].tolist())
print("unsqueeze", a.unsqueeze(0).shape, a.unsqueeze(-1).shape, a[None, :, None].shape)
print("squeeze", torch.zeros(1, 3, 1, 2).squeeze().shape, torch.zeros(1, 3, 1).squeeze(0).shape)
print("is_contiguous", c.is_contiguous(), c.transpose(0, 1).is_contiguous())

x = torch.tensor([[1.5, -2.0, 3.0], [0.0, 4.5, -1.0], [2.5, -0.5, 1.0]])
mask = x > 0
print("mask", x[mask].tolist(), mask.sum().item(), mask.dtype == torch.bool)
print("index list", x[[0, 2]].tolist(), x[:, [2, 0]].tolist(), x[[0, 1, 2], [2, 1, 0]].tolist())
print("slices", x[1:, ::2].tolist(), x[-1].tolist(), x[..., 1].tolist(), x[0, -1].item())
print("bool rows", x[torch.tensor([True, False, True])].tolist())
y = x.clone()
y[y < 0] = 0
y[:, 0] = torch.tensor([9.0, 8.0, 7.0])
y[1] += 1
print("setitem", y.tolist())
idx = torch.tensor([[2, 0], [1, 1], [0, 2]])
print("gather", torch.gather(x, 1, idx).tolist(), x.gather(0, idx[:2].t()).tolist())
print("where", torch.where(x > 1, x, torch.zeros_like(x)).tolist(),
      torch.where(x < 0, -1.0, x).tolist())
print("nonzero", torch.nonzero(x < 0).tolist(), torch.where(x < 0)[1].tolist())
vals, inds = torch.topk(x, 2, dim=1)
print("topk", vals.tolist(), inds.tolist(), x.topk(1, largest=False).values.tolist())
sv, si = torch.sort(x, dim=0, descending=True)
print("sort", sv.tolist(), si.tolist(), x.argsort(dim=1).tolist())
print("cumsum", torch.cumsum(x, dim=1).tolist(), x.cumsum(0)[-1].tolist())
print("reductions", x.sum().item(), x.mean(dim=0).tolist(), x.max().item(),
      x.max(dim=1)[0].tolist(), x.min(1).indices.tolist(), x.std().item(),
      x.var(dim=1, unbiased=False).tolist(), x.prod(1).tolist(), x.abs().argmax().item(),
      x.sum(dim=(0, 1)).item(), x.mean(1, keepdim=True).shape, x.norm(dim=1).tolist())

row = torch.tensor([1.0, 2.0, 3.0])
col = torch.tensor([[10.0], [20.0]])
print("broadcast", (row + col).tolist(), (row * col).shape, (col - row).sum().item(),
      (x / row).tolist()[0], (2 ** row).tolist(), (row ** 2).tolist(), (1 / row).tolist())
m1 = torch.arange(6, dtype=torch.float32).reshape(2, 3)
m2 = torch.arange(12, dtype=torch.float32).reshape(3, 4)
print("matmul", (m1 @ m2).tolist(), torch.matmul(m1, m2).shape, torch.mm(m1, m2).sum().item())
bat1 = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
bat2 = torch.ones(2, 4, 5)
print("bmm", torch.bmm(bat1, bat2).shape, torch.bmm(bat1, bat2)[1, 2].tolist())
print("einsum", torch.einsum("ij,jk->ik", m1, m2).tolist()[1],
      torch.einsum("bij->bji", bat1).shape, torch.einsum("i,i->", row, row).item(),
      torch.einsum("bij,bjk->bik", bat1, bat2).sum().item())
print("matvec", (m1 @ row).tolist(), torch.dot(row, row).item(), torch.outer(row, row).shape)

f = torch.tensor([1.7, -2.3, 0.5])
print("dtypes", f.int().tolist(), f.long().dtype == torch.int64, f.to(torch.float64).dtype,
      f.double().dtype == torch.float64, f.bool().tolist(), (f > 0).float().tolist(),
      f.type(torch.int32).tolist(), a.float().mean().item(), a.to(dtype=torch.float32).dtype,
      torch.tensor([1, 2]).dtype, torch.tensor([1.0, 2]).dtype, torch.tensor(True).dtype,
      (torch.tensor([1, 2]) / 2).tolist(), (torch.tensor([1, 2]) * 1.5).dtype,
      (torch.tensor([7, 8]) // 3).tolist(), (torch.tensor([7, -8]) % 3).tolist(),
      torch.tensor([3], dtype=torch.uint8).dtype)
print("creation", torch.zeros(2, 3).shape, torch.ones((2,)).tolist(),
      torch.full((2, 2), 7).tolist(),
      torch.zeros_like(x).sum().item(), torch.ones_like(a).dtype == torch.int64,
      x.new_zeros(2).tolist(), x.new_ones((1, 2)).tolist(), x.new_tensor([1, 2]).dtype,
      torch.empty(3, 2).shape, torch.full_like(x, 2.0)[0].tolist(), torch.eye(2, 3).tolist())
n = x.numpy()
print("numpy", type(n).__name__, n.dtype, torch.from_numpy(np.arange(3)).tolist(),
      torch.as_tensor([1.0, 2.0]).tolist(), x.tolist()[1], torch.tensor(np.float32(2.5)).item())
print("misc", x.shape[0], x.size(1), x.dim(), x.numel(), len(x), x.T.shape, x.t().tolist()[0],
      torch.flip(a, [1]).tolist()[0], a.repeat(2, 1).shape, row.expand(2, 3).tolist(),
      torch.tril(torch.ones(3, 3)).tolist(), a.masked_fill(a > 5, -1).tolist(),
      torch.clamp(x, min=0).tolist(), x.clamp(-1, 1).tolist(), torch.argmax(x, dim=1).tolist(),
      torch.unique(torch.tensor([3, 1, 3, 2])).tolist(), x.eq(x).all().item(),
      torch.allclose(x, x + 1e-9), torch.max(x, torch.zeros(3, 3)).tolist()[1])

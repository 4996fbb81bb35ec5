"""Interview classic: scaled dot-product self-attention with a causal mask, LayerNorm, GELU."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.n_heads, self.d_head).transpose(1, 2)
        k = k.view(B, T, self.n_heads, self.d_head).transpose(1, 2)
        v = v.view(B, T, self.n_heads, self.d_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.d_head)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), att


class Block(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = SelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model)
        )

    def forward(self, x):
        a, att = self.attn(self.ln1(x))
        x = x + a
        x = x + self.mlp(self.ln2(x))
        return x, att


rs = np.random.RandomState(5)
torch.manual_seed(0)
blocks = nn.ModuleList([Block(16, 4) for _ in range(2)])
with torch.no_grad():
    for p in blocks.parameters():
        p.copy_(torch.from_numpy(rs.normal(0.0, 0.2, size=p.shape).astype(np.float32)))

x = torch.from_numpy(rs.randn(2, 5, 16).astype(np.float32)).requires_grad_()
h = x
for block in blocks:
    h, att = block(h)
target = torch.from_numpy(rs.randn(2, 5, 16).astype(np.float32))
loss = F.mse_loss(h, target) + 0.1 * F.smooth_l1_loss(h, target)
loss.backward()
print("loss", round(loss.item(), 5))
print("attn rows sum to 1", torch.allclose(att.sum(-1), torch.ones(2, 4, 5)),
      "upper zero", att[0, 0, 0, 1:].abs().sum().item())
print("att", att[1, 2].detach().numpy().round(5).tolist())
print("x.grad", x.grad[0, :2, :4].numpy().round(5).tolist())
print("qkv grad", blocks[0].attn.qkv.weight.grad.norm().item())
print("ln grad", blocks[1].ln2.weight.grad[:4].numpy().round(5).tolist())
n_params = sum(p.numel() for p in blocks.parameters())
print("params", n_params, len(list(blocks.named_parameters())))

q = torch.from_numpy(rs.randn(1, 2, 3, 4).astype(np.float32))
mine = F.softmax(q @ q.transpose(-1, -2) / 2.0, dim=-1) @ q
print("sdpa", torch.allclose(F.scaled_dot_product_attention(q, q, q), mine, atol=1e-6))
causal = F.scaled_dot_product_attention(q, q, q, is_causal=True)
print("causal", causal[0, 0].numpy().round(5).tolist())
print("mine", mine[0, 1].numpy().round(5).tolist())

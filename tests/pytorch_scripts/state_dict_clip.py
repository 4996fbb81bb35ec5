"""state_dict save/load between two models, then gradient clipping with clip_grad_norm_."""

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU())
        self.head = nn.Linear(8, 2)
        self.register_buffer("scale", torch.ones(1))

    def forward(self, x):
        return self.head(self.features(x)) * self.scale


rs = np.random.RandomState(3)
m1 = Net()
m2 = Net()
with torch.no_grad():
    for p in m1.parameters():
        p.copy_(torch.tensor(rs.randn(*p.shape), dtype=p.dtype))
    m1.scale.fill_(2.0)
x = torch.tensor(rs.randn(6, 5), dtype=torch.float32)
m1.train()
m1(x)  # updates the BatchNorm running statistics

sd = m1.state_dict()
print("keys", list(sd.keys()))
print("shapes", [tuple(v.shape) for v in sd.values()])
result = m2.load_state_dict(sd)
print("load", list(result.missing_keys), list(result.unexpected_keys))
m1.eval()
m2.eval()
with torch.no_grad():
    print("same output", torch.allclose(m1(x), m2(x)), m2(x).numpy().round(5).tolist())
print("independent", m2.head.weight.data_ptr() != m1.head.weight.data_ptr())
with torch.no_grad():
    m2.head.weight.add_(1.0)
print("copy not alias", torch.equal(m1.head.weight, m2.head.weight))

# partial loading, strict=False
sd_head = {k: v for k, v in m1.state_dict().items() if k.startswith("head.")}
r = m2.load_state_dict(sd_head, strict=False)
missing = sorted(k for k in r.missing_keys if "num_batches" not in k)
print("partial", missing, torch.equal(m1.head.weight, m2.head.weight))
try:
    m2.load_state_dict(sd_head)
except RuntimeError as e:
    print("strict error", "Missing key" in str(e))

# optimizer state dict round trip
opt = torch.optim.Adam(m1.parameters(), lr=1e-3)
m1.train()
loss = m1(x).pow(2).mean()
loss.backward()
opt.step()
osd = opt.state_dict()
print("opt state", sorted(osd.keys()), len(osd["state"]), osd["param_groups"][0]["lr"])
opt2 = torch.optim.Adam(m2.parameters(), lr=0.5)
opt2.load_state_dict(osd)
print("opt2 lr", opt2.param_groups[0]["lr"], int(opt2.state_dict()["state"][0]["step"]))

# gradient clipping
m1.zero_grad()
loss = (m1(x) * 100).pow(2).mean()
loss.backward()
total = nn.utils.clip_grad_norm_(m1.parameters(), max_norm=1.0)
after = torch.norm(torch.stack([p.grad.norm(2) for p in m1.parameters()]), 2)
print("clip", round(total.item() / 1e4, 5), round(after.item(), 5))
torch.nn.utils.clip_grad_value_(m1.parameters(), clip_value=0.01)
print("clip value", max(p.grad.abs().max().item() for p in m1.parameters()) <= 0.01)
total_inf = nn.utils.clip_grad_norm_(m1.parameters(), 0.5, norm_type=float("inf"))
print("clip inf", round(total_inf.item(), 6))
print("num params", sum(p.numel() for p in m1.parameters() if p.requires_grad))
print("named buffers", [n for n, _ in m1.named_buffers()])

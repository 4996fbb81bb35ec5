"""torch.nn.init through model.apply(init_fn): compare shapes and statistics (RNGs differ)."""
import math

import torch
import torch.nn as nn


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.constant_(m.bias, 0.1)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(16, 64, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.Flatten(),
    nn.Linear(400, 300), nn.Tanh(), nn.Linear(300, 10),
)
returned = model.apply(init_weights)
print("apply returns self", returned is model)

conv, bn, fc1, fc2 = model[0], model[1], model[4], model[6]
bound = math.sqrt(6.0 / (400 + 300))
print("xavier bound", fc1.weight.abs().max().item() <= bound,
      abs(fc1.weight.std().item() / (bound / math.sqrt(3)) - 1) < 0.03,
      abs(fc1.weight.mean().item()) < 0.01)
std = math.sqrt(2.0 / (64 * 3 * 3))
print("kaiming std", abs(conv.weight.std().item() / std - 1) < 0.05,
      abs(conv.weight.mean().item()) < 0.01, conv.bias.eq(0.1).all().item())
print("bn", bn.weight.sum().item(), bn.bias.sum().item(), fc2.bias.abs().sum().item())
print("gain", round(nn.init.calculate_gain("relu"), 6), round(nn.init.calculate_gain("tanh"), 6),
      round(nn.init.calculate_gain("leaky_relu", 0.2), 6))

w = torch.empty(200, 300)
nn.init.kaiming_uniform_(w, a=math.sqrt(5))
limit = 1 / math.sqrt(300)
print("kaiming uniform", w.abs().max().item() <= limit + 1e-6, w.shape)
nn.init.normal_(w, mean=1.0, std=0.02)
print("normal", abs(w.mean().item() - 1) < 0.001, abs(w.std().item() - 0.02) < 0.001)
nn.init.uniform_(w, -0.5, 0.5)
print("uniform", w.min().item() >= -0.5, w.max().item() <= 0.5)
nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh"))
print("xavier normal", abs(w.std().item() / (5 / 3 * math.sqrt(2 / 500)) - 1) < 0.03)
nn.init.orthogonal_(w)
print("orthogonal", torch.allclose(w @ w.t(), torch.eye(200), atol=1e-4))
nn.init.trunc_normal_(w, std=0.5, a=-1.0, b=1.0)
print("trunc", w.abs().max().item() <= 1.0)
print("no grad recorded", w.grad_fn is None, fc1.weight.grad is None, fc1.weight.is_leaf)

torch.manual_seed(5)
first = torch.randn(4)
torch.manual_seed(5)
print("seeded twice", torch.equal(first, torch.randn(4)), torch.rand(3).max().item() < 1.0,
      torch.randint(0, 5, (10,)).max().item() < 5, torch.randperm(6).sort().values.tolist())

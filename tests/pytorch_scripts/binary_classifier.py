"""Logistic regression and a residual MLP: BCEWithLogitsLoss, dict samples, LR schedulers."""
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class PointsDataset(Dataset):
    def __init__(self, n, seed):
        rs = np.random.RandomState(seed)
        self.x = rs.randn(n, 2).astype(np.float32)
        self.y = ((self.x ** 2).sum(1) < 1.0).astype(np.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"features": torch.from_numpy(self.x[i]), "label": torch.tensor(self.y[i])}


class ResidualMLP(nn.Module):
    def __init__(self, hidden=16, depth=2):
        super().__init__()
        self.inp = nn.Linear(2, hidden)
        self.layers = nn.ModuleList(
            nn.Sequential(nn.Linear(hidden, hidden), nn.SiLU()) for _ in range(depth)
        )
        self.norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        for layer in self.layers:
            h = h + layer(h)
        return self.out(self.norm(h)).squeeze(-1)


rs = np.random.RandomState(9)
model = ResidualMLP()
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rs.normal(0, 0.4, size=tuple(p.shape)), dtype=torch.float32))

loader = DataLoader(PointsDataset(96, 0), batch_size=24)
batch = next(iter(loader))
print("batch", sorted(batch.keys()), list(batch["features"].shape), batch["label"].dtype)
criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.5]))
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5,
                                                     patience=0)
for epoch in range(6):
    epoch_loss = 0.0
    for batch in loader:
        x, y = batch["features"], batch["label"]
        optimizer.zero_grad()
        logits = model(x)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * x.shape[0]
    epoch_loss /= len(loader.dataset)
    plateau.step(epoch_loss if epoch != 3 else 10.0)
    print(f"epoch {epoch} loss {epoch_loss:.6f} lr {optimizer.param_groups[0]['lr']:.5f}")

model.eval()
with torch.no_grad():
    test = PointsDataset(50, 1)
    xt, yt = torch.from_numpy(test.x), torch.from_numpy(test.y)
    prob = torch.sigmoid(model(xt))
    pred = (prob > 0.5).float()
    acc = (pred == yt).float().mean()
    bce = nn.functional.binary_cross_entropy(prob, yt)
print("test", round(acc.item(), 4), round(bce.item(), 5), prob[:4].numpy().round(5).tolist())

# a logistic regression with ExponentialLR and a LambdaLR warm-up, both on SGD
lin = nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.1, -0.2]]))
    lin.bias.fill_(0.0)
opt = torch.optim.SGD(lin.parameters(), lr=0.5)
warmup = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda step: min(1.0, (step + 1) / 3))
lrs = []
for _ in range(5):
    opt.zero_grad()
    loss = nn.BCEWithLogitsLoss()(lin(xt).view(-1), yt)
    loss.backward()
    opt.step()
    warmup.step()
    lrs.append(round(opt.param_groups[0]["lr"], 6))
print("lambda lr", lrs, round(loss.item(), 6))
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
for _ in range(3):
    opt.step()
    sched.step()
print("exp lr", round(sched.get_last_lr()[0], 6), sched.last_epoch)

"""model.train()/model.eval(), manual_seed, random_split and nn.Sequential from an OrderedDict."""
from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset, random_split

torch.manual_seed(0)
rs = np.random.RandomState(7)
features = torch.tensor(rs.randn(100, 6), dtype=torch.float32)
targets = (features[:, :3].sum(dim=1) > 0).long()
dataset = TensorDataset(features, targets)

train_set, val_set = random_split(dataset, [80, 20])
print("split sizes", len(train_set), len(val_set))
all_idx = sorted(list(train_set.indices) + list(val_set.indices))
print("partition", all_idx == list(range(100)))
gen = torch.Generator().manual_seed(42)
a, b, c = random_split(dataset, [0.5, 0.3, 0.2], generator=gen)
print("fractions", len(a), len(b), len(c))

# a deterministic split so both frameworks train on the same rows
train_set, val_set = Subset(dataset, list(range(80))), Subset(dataset, list(range(80, 100)))
x0, y0 = train_set[0]
print("item", x0.shape, y0.item(), y0.dtype == torch.int64)

model = nn.Sequential(OrderedDict([
    ("fc1", nn.Linear(6, 12)),
    ("bn", nn.BatchNorm1d(12)),
    ("act", nn.LeakyReLU(0.1)),
    ("drop", nn.Dropout(p=0.0)),
    ("fc2", nn.Linear(12, 2)),
]))
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith("weight") and p.dim() > 1:
            p.copy_(torch.tensor(rs.randn(*p.shape) * 0.5, dtype=torch.float32))
        elif name.endswith("bias"):
            nn.init.zeros_(p)
print("names", [name for name, _ in model.named_children()], model.fc1.out_features)
print("state keys", list(model.state_dict().keys()))

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=4)
train_loader = DataLoader(train_set, batch_size=16)
val_loader = DataLoader(val_set, batch_size=8, shuffle=False)


def evaluate(model, loader):
    model.eval()
    total_loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            n += len(yb)
    return total_loss / n, correct / n


history = []
for epoch in range(4):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    val_loss, val_acc = evaluate(model, val_loader)
    history.append(val_loss)
    scheduler.step()
    print(f"epoch {epoch} train {loss.item():.5f} val {val_loss:.5f} acc {val_acc:.3f} "
          f"lr {scheduler.get_last_lr()[0]:.6f} training {model.training}")
print("bn stats", model.bn.running_mean[:4].numpy().round(5).tolist(),
      model.bn.num_batches_tracked.item())
print("best", min(range(len(history)), key=history.__getitem__))
print("modes", model.training, model.fc1.training, model.train().bn.training,
      model.eval().bn.training)
print("repr", str(model).splitlines()[1].strip())

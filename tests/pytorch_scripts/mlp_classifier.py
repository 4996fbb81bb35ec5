"""A custom nn.Module MLP trained on a synthetic 3-class problem with a DataLoader and Adam."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

rs = np.random.RandomState(0)
X = rs.randn(240, 4).astype(np.float32)
score = X[:, 0] + X[:, 1] * X[:, 2] - 0.5 * X[:, 3]
y = np.digitize(score, [-0.5, 0.5]).astype(np.int64)


class MLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.out(x)


model = MLP(4, 16, 3)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rs.randn(*p.shape).astype(np.float32) * 0.3))

dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
loader = DataLoader(dataset, batch_size=32, shuffle=False)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
print("batches", len(loader), "params", sum(p.numel() for p in model.parameters()))

for epoch in range(6):
    model.train()
    running_loss = 0.0
    correct = 0
    total = 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
        preds = outputs.argmax(dim=1)
        correct += preds.eq(targets).sum().item()
        total += targets.size(0)
    print(f"epoch {epoch} loss {running_loss / total:.6f} acc {correct / total:.4f}")

model.eval()
with torch.no_grad():
    logits = model(torch.from_numpy(X))
    probs = F.softmax(logits, dim=1)
    _, predicted = torch.max(logits, 1)
    acc = (predicted == torch.from_numpy(y)).float().mean().item()
    conf = torch.zeros(3, 3, dtype=torch.long)
    for t, p in zip(torch.from_numpy(y), predicted):
        conf[t.long(), p.long()] += 1
print("final acc", round(acc, 4))
print("probs", probs[:3].numpy().round(5).tolist())
print("confusion", conf.tolist())
print("first weight row", model.fc1.weight[0].detach().numpy().round(5).tolist())

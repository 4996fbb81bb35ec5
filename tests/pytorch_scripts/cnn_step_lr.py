"""A small CNN trained with SGD momentum and StepLR; Dropout is inactive in eval mode."""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR


class SmallCNN(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 8, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(8 * 2 * 2, num_classes)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.pool(self.relu(self.bn2(self.conv2(x))))
        x = x.view(x.size(0), -1)
        x = self.dropout(x)
        return self.fc(x)


rs = np.random.RandomState(1)
model = SmallCNN()
with torch.no_grad():
    for _, param in model.named_parameters():
        param.copy_(torch.tensor(rs.uniform(-0.4, 0.4, size=tuple(param.shape)),
                                 dtype=torch.float32))

images = torch.tensor(rs.randn(8, 1, 8, 8), dtype=torch.float32)
labels = torch.tensor(rs.randint(0, 4, size=8))
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
scheduler = StepLR(optimizer, step_size=2, gamma=0.5)

for epoch in range(5):
    model.train()
    model.dropout.eval()  # the two frameworks' dropout masks come from different RNGs
    optimizer.zero_grad()
    out = model(images)
    loss = criterion(out, labels)
    loss.backward()
    grad_norm = sum(p.grad.norm() ** 2 for p in model.parameters()) ** 0.5
    optimizer.step()
    scheduler.step()
    print("epoch", epoch, "loss", round(loss.item(), 5), "grad", round(grad_norm.item(), 5),
          "lr", optimizer.param_groups[0]["lr"], scheduler.get_last_lr())

model.eval()
with torch.no_grad():
    out = model(images)
    print("eval logits", out.numpy().round(4).tolist())
    print("running_mean", model.bn1.running_mean.numpy().round(5).tolist())
    print("running_var", model.bn2.running_var.numpy().round(5).tolist())
    print("batches tracked", model.bn1.num_batches_tracked.item())

seq = nn.Sequential(
    nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 3 * 3, 3)
)
with torch.no_grad():
    for p in seq.parameters():
        p.copy_(torch.tensor(rs.randn(*p.shape), dtype=torch.float32) * 0.2)
y = seq(images)
y.sum().backward()
print("seq", list(y.shape), y.detach().numpy().round(4).tolist())
print("seq grad", seq[0].weight.grad.numpy().round(4).tolist())
print("children", [type(m).__name__ for m in seq.children()], len(list(model.modules())))

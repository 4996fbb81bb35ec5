"""Linear regression with hand-written gradient descent: w -= lr * w.grad under no_grad."""
import numpy as np
import torch

rs = np.random.RandomState(42)
X_np = rs.rand(100, 3).astype(np.float32)
true_w = np.array([[2.0], [-3.4], [1.7]], dtype=np.float32)
y_np = X_np @ true_w + 4.2 + 0.01 * rs.randn(100, 1).astype(np.float32)

X = torch.from_numpy(X_np)
y = torch.from_numpy(y_np)
w = torch.zeros(3, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5

for epoch in range(60):
    y_pred = X.mm(w) + b
    loss = ((y_pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} loss {loss.item():.6f}")

print("w", w.detach().numpy().ravel().round(4).tolist(), "b", round(b.item(), 4))
print("grads zero", w.grad.abs().sum().item(), b.grad.item())

# the same with .data, another widespread (older) idiom
w2 = torch.randn(3, 1).mul(0).requires_grad_(True)
b2 = torch.zeros(1, requires_grad=True)
for _ in range(30):
    loss = torch.mean((X @ w2 + b2 - y) ** 2)
    loss.backward()
    w2.data = w2.data - lr * w2.grad.data
    b2.data.sub_(lr * b2.grad.data)
    w2.grad.data.zero_()
    b2.grad.data.zero_()
print("data idiom", round(loss.item(), 6), w2.detach().view(-1).tolist()[0] > 0)

# and with nn.Linear + torch.optim.SGD + nn.MSELoss
model = torch.nn.Linear(3, 1)
with torch.no_grad():
    model.weight.fill_(0.0)
    model.bias.zero_()
opt = torch.optim.SGD(model.parameters(), lr=lr)
loss_fn = torch.nn.MSELoss()
for _ in range(60):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
print("nn.Linear", round(loss.item(), 6), model.weight.data.numpy().round(4).tolist(),
      model.bias.data.numpy().round(4).tolist())

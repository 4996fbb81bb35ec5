"""The autograd tutorial: leaves, retain_grad, autograd.grad, hooks, no_grad, detach."""
import torch

x = torch.ones(2, 2, requires_grad=True)
print("x", x.requires_grad, x.is_leaf, x.grad_fn is None)
y = x + 2
print("y", y.requires_grad, y.is_leaf, y.grad_fn is not None)
z = y * y * 3
out = z.mean()
y.retain_grad()
out.backward()
print("x.grad", x.grad.tolist())
print("y.grad", y.grad.tolist())

# vector-Jacobian product
a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
b = a * 2
while b.data.norm() < 100:
    b = b * 2
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
b.backward(v)
print("vjp", a.grad.tolist())

# torch.autograd.grad, create no .grad on the inputs
w = torch.tensor([[0.5, -0.3], [0.2, 0.8]], requires_grad=True)
inp = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
loss = (inp @ w).pow(2).sum()
(gw,) = torch.autograd.grad(loss, w, retain_graph=True)
gw2 = torch.autograd.grad(outputs=[loss], inputs=[w])[0]
print("autograd.grad", gw.tolist(), torch.equal(gw, gw2), w.grad is None)

# hooks
seen = []
h = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
m = h * h
handle = m.register_hook(lambda g: seen.append(g.clone()))
h.register_hook(lambda g: g * 10)
m.sum().backward()
handle.remove()
print("hook", seen[0].tolist(), h.grad.tolist())

# no_grad, detach, requires_grad_
with torch.no_grad():
    q = h * 2
print("no_grad", q.requires_grad, (h * 2).requires_grad, h.detach().requires_grad)
print("grad enabled", torch.is_grad_enabled())


@torch.no_grad()
def evaluate(t):
    return t * 3


print("decorator", evaluate(h).requires_grad)
d = h.detach()
d.add_(1.0)  # shares storage with h
print("shared", h.tolist())
with torch.no_grad():
    h.add_(torch.ones(3))
    h.mul_(0.5)
print("in place under no_grad", h.tolist(), h.requires_grad, h.is_leaf)
h.grad.zero_()
print("zeroed", h.grad.tolist())
r = torch.randn(3).requires_grad_()
print("requires_grad_", r.requires_grad, r.dtype == torch.float32)

# accumulation across backward calls, then zero it
k = torch.tensor(2.0, requires_grad=True)
for _ in range(3):
    (k ** 3).backward()
print("accumulated", k.grad.item())
k.grad = None
(k * 4).backward()
print("reset", k.grad.item())

# a second-order-free Jacobian through a loop of scalar outputs
xs = torch.tensor([0.5, 1.5], requires_grad=True)
f = torch.stack([xs[0] * xs[1], torch.sin(xs[0]) + xs[1] ** 2])
rows = [torch.autograd.grad(f[i], xs, retain_graph=True)[0] for i in range(2)]
print("jacobian", torch.stack(rows).numpy().round(6).tolist())

# detach in the middle of a graph stops the gradient
p = torch.tensor([1.0, 2.0], requires_grad=True)
s = (p * 3).detach() * p
s.sum().backward()
print("detached path", p.grad.tolist())

with torch.set_grad_enabled(False):
    print("set_grad_enabled", (p * 2).requires_grad)
with torch.enable_grad():
    print("enable_grad", (p * 2).requires_grad)

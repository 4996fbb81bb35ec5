"""Module behaviour with real layers, compared with PyTorch on the same architectures."""
import numpy as np
import pytest
import torch

import ember


def model(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(10, 6, padding_idx=1)
            self.body = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(),
                                      nn.Dropout(0.1), nn.Linear(8, 8, bias=False))
            self.norm = nn.LayerNorm(8)
            self.blocks = nn.ModuleList([nn.GroupNorm(2, 8), nn.Identity()])
            self.out = nn.Bilinear(8, 8, 2)

        def forward(self, tokens):
            h = self.norm(self.body(self.embed(tokens).mean(1)))
            for m in self.blocks:
                h = m(h)
            return self.out(h, h)

    return Net()


def test_parameter_and_buffer_names_and_order_match_pytorch():
    em, tm = model(ember), model(torch)
    assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert list(em.state_dict()) == list(tm.state_dict())
    assert all(p.dtype == ember.float32 and p.requires_grad for p in em.parameters())


def test_repr_equals_pytorch():
    assert repr(model(ember)) == repr(model(torch))
    nn, tnn = ember.nn, torch.nn
    seq = nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 6)), nn.Flatten(0, 1),
                        nn.BatchNorm2d(3, momentum=None), nn.Dropout2d(0.25))
    tseq = tnn.Sequential(tnn.Flatten(), tnn.Unflatten(1, (2, 6)), tnn.Flatten(0, 1),
                          tnn.BatchNorm2d(3, momentum=None), tnn.Dropout2d(0.25))
    assert repr(seq) == repr(tseq)


def test_train_eval_switch_changes_dropout_and_batchnorm():
    em = model(ember)
    tokens = ember.tensor(np.random.default_rng(0).integers(0, 10, (4, 3)))
    em.eval()
    assert not any(m.training for m in em.modules())
    a, b = em(tokens), em(tokens)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert int(em.body[1].num_batches_tracked.item()) == 0
    em.train()
    assert all(m.training for m in em.modules())
    em(tokens)
    assert int(em.body[1].num_batches_tracked.item()) == 1


def test_zero_grad_and_requires_grad_():
    em = model(ember)
    tokens = ember.tensor([[2, 3], [4, 1]])
    em(tokens).sum().backward()
    assert all(p.grad is not None for p in em.parameters())
    em.zero_grad(set_to_none=False)
    assert all((p.grad.numpy() == 0).all() for p in em.parameters())
    em.zero_grad()
    assert all(p.grad is None for p in em.parameters())
    em.embed.requires_grad_(False)
    em(tokens).sum().backward()
    assert em.embed.weight.grad is None and em.out.weight.grad is not None


def test_apply_visits_children_first_like_pytorch():
    seen_e, seen_t = [], []
    model(ember).apply(lambda m: seen_e.append(type(m).__name__))
    model(torch).apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_e == seen_t


def test_apply_with_init_and_double():
    em = model(ember)

    def zero_linear(m):
        if isinstance(m, ember.nn.Linear):
            ember.nn.init.zeros_(m.weight)

    em.apply(zero_linear)
    assert (em.body[0].weight.array == 0).all() and (em.body[4].weight.array == 0).all()
    em.double()
    assert em.body[1].running_var.dtype == ember.float64
    out = em(ember.tensor([[2, 3], [4, 5]]))
    assert out.dtype == ember.float64


def test_flatten_and_unflatten_match_pytorch():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    for args in [(), (0, 1), (2, -1), (1, 2)]:
        ye = ember.nn.Flatten(*args)(ember.tensor(x))
        yt = torch.nn.Flatten(*args)(torch.tensor(x))
        np.testing.assert_array_equal(ye.numpy(), yt.numpy())
    flat = ember.tensor(x.reshape(2, 60))
    xe = flat.requires_grad_()
    y = ember.nn.Unflatten(1, (3, -1, 5))(xe)
    assert y.shape == (2, 3, 4, 5)
    np.testing.assert_array_equal(y.detach().numpy(), x)
    y.sum().backward()
    assert xe.grad.shape == (2, 60)
    with pytest.raises(ValueError, match=r"Unflatten: unflattened_size \(7, 8\) does not "
                       r"multiply to the size of dim 1 \(60\)"):
        ember.nn.Unflatten(1, (7, 8))(flat)

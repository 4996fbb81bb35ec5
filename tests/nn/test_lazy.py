"""Lazy modules: sizes read at the first call, parameters materialised in place, the
module becoming its ordinary class; reprs, state_dict keys and outputs as PyTorch's."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")

CASES = [
    ("LazyLinear", (3,), "Linear", (4, 5)),
    ("LazyLinear", (2, False), "Linear", (2, 3, 6)),
    ("LazyConv1d", (4, 3), "Conv1d", (2, 3, 8)),
    ("LazyConv2d", (4, 3, 2, 1), "Conv2d", (2, 2, 6, 6)),
    ("LazyConv2d", (2, (1, 3)), "Conv2d", (3, 5, 5)),  # unbatched
    ("LazyConv3d", (2, 2), "Conv3d", (1, 2, 4, 4, 4)),
    ("LazyBatchNorm1d", (), "BatchNorm1d", (6, 3)),
    ("LazyBatchNorm2d", (1e-3, 0.2), "BatchNorm2d", (4, 3, 2, 2)),
    ("LazyBatchNorm3d", (), "BatchNorm3d", (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,becomes,shape", CASES)
def test_lazy_modules_match_pytorch(name, args, becomes, shape):
    me, mt = getattr(nn, name)(*args).double(), getattr(torch.nn, name)(*args).double()
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    assert all(isinstance(p, nn.UninitializedParameter) for p in me.parameters())
    before = list(me.parameters())
    a = np.random.default_rng(0).standard_normal(shape)
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ye = me(xe)
    mt(torch.tensor(a))  # materialise, then copy Ember's initial weights over
    with torch.no_grad():
        for (ne, pe), (nt, pt) in zip(me.named_parameters(), mt.named_parameters()):
            assert ne == nt and tuple(pe.shape) == tuple(pt.shape)
            pt.copy_(torch.tensor(pe.detach().numpy()))
        for (_, be), (_, bt) in zip(me.named_buffers(), mt.named_buffers()):
            bt.copy_(torch.tensor(be.numpy()))
    mt.load_state_dict(mt.state_dict())
    me_eval = me.eval()(xe)
    mt_eval = mt.eval()(xt)
    np.testing.assert_allclose(me_eval.detach().numpy(), mt_eval.detach().numpy(), rtol=1e-6,
                               atol=1e-9)
    me_eval.sum().backward()
    mt_eval.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-9)
    assert type(me).__name__ == becomes == type(mt).__name__
    assert repr(me) == repr(mt)
    assert [p is q for p, q in zip(me.parameters(), before)] == [True] * len(before)
    assert ye.shape == tuple(mt(torch.tensor(a)).shape)


def test_optimizer_built_before_the_first_call_trains_the_materialised_weights():
    model = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1))
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x, y = ember.randn(8, 3), ember.randn(8, 1)
    loss = ((model(x) - y) ** 2).mean()
    w0 = model[0].weight.detach().numpy().copy()
    assert w0.shape == (4, 3) and type(model[2]).__name__ == "Linear"
    loss.backward()
    opt.step()
    assert not np.allclose(model[0].weight.detach().numpy(), w0)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_uninitialized_parameter_repr_and_materialize():
    p = nn.UninitializedParameter()
    assert repr(p) == repr(torch.nn.UninitializedParameter()) == "<UninitializedParameter>"
    p.materialize(np.ones((2, 2), np.float32))
    assert type(p) is nn.Parameter and p.shape == (2, 2) and p.requires_grad

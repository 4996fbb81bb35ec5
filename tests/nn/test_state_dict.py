"""state_dict round trips between PyTorch and Ember models of the same architecture."""
import numpy as np
import pytest
import torch

import ember


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(8, 4), nn.LayerNorm(4))


def text_model(lib):
    """The same source builds the model in both libraries (``import ember as torch``)."""
    nn = lib.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(20, 8, padding_idx=0)
            self.norm = nn.GroupNorm(2, 8)
            self.head = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3))

        def forward(self, tokens):
            h = self.embed(tokens).mean(1)
            return self.head(self.norm(h))

    return Classifier()


def export(tm):
    return {k: v.detach().numpy() for k, v in tm.state_dict().items()}


def train_torch(tm, make_input, steps=3):
    """A few SGD steps so that weights and running statistics are not their defaults."""
    opt = torch.optim.SGD(tm.parameters(), lr=0.1)
    tm.train()
    for _ in range(steps):
        opt.zero_grad()
        tm(make_input()).pow(2).mean().backward()
        opt.step()


@pytest.mark.parametrize("build, make", [
    (mlp, lambda rng: rng.standard_normal((5, 6)).astype(np.float32)),
    (text_model, lambda rng: rng.integers(0, 20, (4, 7))),
])
def test_pytorch_weights_load_by_name_and_give_the_same_output(build, make):
    rng = np.random.default_rng(0)
    tm, em = build(torch), build(ember)
    train_torch(tm, lambda: torch.tensor(make(rng)))
    assert list(em.state_dict()) == list(tm.state_dict())
    result = em.load_state_dict(export(tm))
    assert result.missing_keys == [] and result.unexpected_keys == []
    for k, v in em.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), tm.state_dict()[k].numpy(), err_msg=k)
        assert v.dtype == (ember.int64 if k.endswith("num_batches_tracked") else ember.float32)
    tm.eval()
    em.eval()
    x = make(rng)
    np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_ember_weights_load_into_pytorch():
    em, tm = mlp(ember), mlp(torch)
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in em.state_dict().items()})
    em.eval()
    tm.eval()
    x = np.random.default_rng(1).standard_normal((3, 6)).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_loading_copies_and_keeps_parameters_the_same_objects():
    src, dst = mlp(ember), mlp(ember)
    weight = dst[0].weight
    dst.load_state_dict(src.state_dict())
    assert dst[0].weight is weight and weight.requires_grad
    np.testing.assert_array_equal(weight.numpy(force=True), src[0].weight.numpy(force=True))
    src[0].weight.array[...] = 0  # a copy, not shared
    assert (weight.array != 0).any()


def test_strict_load_lists_missing_and_unexpected_keys():
    em = mlp(ember)
    state = export(mlp(torch))
    del state["1.running_mean"], state["4.bias"]
    state["5.gamma"] = np.ones(4, np.float32)
    with pytest.raises(RuntimeError) as err:
        em.load_state_dict(state)
    msg = str(err.value)
    assert msg.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "1.running_mean", "4.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "5.gamma"' in msg
    result = em.load_state_dict(state, strict=False)
    assert result.missing_keys == ["1.running_mean", "4.bias"]
    assert result.unexpected_keys == ["5.gamma"]
    np.testing.assert_array_equal(em[0].weight.numpy(force=True), state["0.weight"])


def test_shape_mismatch_names_the_key_and_both_shapes():
    em = mlp(ember)
    state = export(mlp(torch))
    state["4.weight"] = np.zeros((4, 9), np.float32)
    with pytest.raises(RuntimeError, match=r"size mismatch for 4\.weight: copying a param with "
                       r"shape \(4, 9\), the shape in current model is \(4, 8\)"):
        em.load_state_dict(state)

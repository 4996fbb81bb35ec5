"""ember.nn.utils.summary: layer table, output shapes, parameter totals (seed question 40)."""
import ember
from ember import nn
from ember.nn.utils import summary


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),    # 8 x 26 x 26 -> 8 x 13 x 13
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 11 x 11 -> 16 x 5 x 5
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10),
    )


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                         nn.ReLU(), nn.Linear(128, 10))


def test_cnn_has_far_fewer_parameters_than_mlp_on_28x28(capsys):
    # weights shared across positions: a 3x3 kernel has 9 weights wherever it looks
    cnn_expected = (8 * 1 * 9 + 8) + (16 * 8 * 9 + 16) + (400 * 10 + 10)
    mlp_expected = (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10)
    cnn = summary(small_cnn(), (1, 1, 28, 28))
    dense = summary(mlp(), (1, 1, 28, 28), verbose=False)
    assert cnn.total_params == cnn_expected == 5258
    assert dense.total_params == mlp_expected == 235146
    assert dense.total_params > 40 * cnn.total_params
    printed = capsys.readouterr().out
    assert "Total params: 5,258" in printed and "Trainable params: 5,258" in printed
    assert "235,146" in str(dense)


def test_rows_list_leaf_layers_with_real_output_shapes():
    s = summary(small_cnn(), (2, 1, 28, 28), verbose=False)
    assert [(r.name, r.type) for r in s.layers][:3] == [
        ("0", "Conv2d"), ("1", "ReLU"), ("2", "MaxPool2d")]
    assert [r.output_shape for r in s.layers] == [
        [2, 8, 26, 26], [2, 8, 26, 26], [2, 8, 13, 13], [2, 16, 11, 11], [2, 16, 11, 11],
        [2, 16, 5, 5], [2, 400], [2, 10]]
    assert [r.num_params for r in s.layers] == [80, 0, 0, 1168, 0, 0, 0, 4010]
    lines = str(s).splitlines()
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    assert "3 (Conv2d)" in lines[6] and "[2, 16, 11, 11]" in lines[6] and "1,168" in lines[6]


def test_nested_names_frozen_params_and_modes_restored():
    model = nn.Sequential(nn.BasicBlock(3, 4, stride=2), nn.Flatten(), nn.Linear(64, 2))
    model[2].weight.requires_grad_(False)
    model.train()
    s = summary(model, (1, 3, 8, 8), verbose=False)
    names = [r.name for r in s.layers]
    assert names[:2] == ["0.conv1", "0.bn1"] and "0.downsample.0" in names
    total = sum(p.numel() for p in model.parameters())
    assert s.total_params == total and s.non_trainable_params == 128
    assert model.training and model[0].bn1.training  # training mode is restored
    assert int(model[0].bn1.num_batches_tracked.item()) == 0  # ran in eval mode
    assert not model[0].conv1._forward_hooks  # hooks removed


def test_integer_inputs_for_embeddings():
    model = nn.Sequential(nn.Embedding(100, 16), nn.Flatten(), nn.Linear(5 * 16, 3))
    s = summary(model, (4, 5), dtype=ember.int64, verbose=False)
    assert s.layers[0].output_shape == [4, 5, 16]
    assert s.total_params == 1600 + 80 * 3 + 3

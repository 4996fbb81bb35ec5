"""plot_history writes a PNG; diagnose reads over- and underfitting from the curves."""
import numpy as np
import pytest

import ember
from ember import nn
from ember.train import fit, plot_history
from ember.train.history import History
from ember.train.plot import diagnose


def _history(loss, val_loss):
    h = History()
    for e, (a, b) in enumerate(zip(loss, val_loss)):
        h.add_batch(e + 1.0, {"loss": a})
        h.add_epoch(e, {"loss": a, "val_loss": b})
    return h


def test_plot_history_writes_a_png(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(3, 2))
    hist = fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1),
               (x, y), val_data=(x[:16], y[:16]), epochs=3, metrics=["accuracy"], verbose=0)
    path = tmp_path / "sub" / "history.png"
    assert plot_history(hist, path) == str(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    import matplotlib.image

    img = matplotlib.image.imread(str(path))
    assert img.shape[1] > 2 * img.shape[0] / 1.5  # two panels side by side (loss, accuracy)
    with pytest.raises(ValueError, match=r"\['f1'\] not in the history"):
        plot_history(hist, tmp_path / "x.png", metrics=["f1"])


def test_diagnose_over_and_underfitting():
    over = _history([1.0, 0.6, 0.4, 0.3, 0.2, 0.1], [1.0, 0.7, 0.6, 0.65, 0.75, 0.9])
    assert diagnose(over).startswith("overfitting: val_loss was lowest at epoch 3")
    good = _history([1.0, 0.6, 0.4], [1.1, 0.7, 0.5])
    assert "still at its best" in diagnose(good)
    assert "no validation data" in diagnose(_history([1.0, 0.9], [np.nan, np.nan]))

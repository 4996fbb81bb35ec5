"""KFold / StratifiedKFold parity with scikit-learn, cross_validate, Grid/RandomSearch."""
import numpy as np
import pytest
from sklearn import model_selection as skms

import ember
from ember import nn
from ember.train import (
    GridSearch,
    KFold,
    LogUniform,
    RandomSearch,
    StratifiedKFold,
    cross_validate,
)


@pytest.mark.parametrize("n,k", [(10, 3), (23, 5), (7, 7)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_kfold_matches_sklearn(n, k, shuffle):
    rs = 4 if shuffle else None
    ours = list(KFold(k, shuffle=shuffle, random_state=rs).split(np.zeros(n)))
    ref = list(skms.KFold(k, shuffle=shuffle, random_state=rs).split(np.zeros(n)))
    assert len(ours) == len(ref) == k
    for (tr, te), (rtr, rte) in zip(ours, ref):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_stratified_kfold_matches_sklearn(shuffle, k):
    rng = np.random.default_rng(k)
    y = rng.choice([7, 2, 5], size=41, p=[0.5, 0.3, 0.2])  # classes out of order
    rs = 11 if shuffle else None
    ours = list(StratifiedKFold(k, shuffle=shuffle, random_state=rs).split(len(y), y))
    ref = list(skms.StratifiedKFold(k, shuffle=shuffle, random_state=rs).split(
        np.zeros(len(y)), y))
    for (tr, te), (rtr, rte) in zip(ours, ref):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)


def test_kfold_errors():
    with pytest.raises(ValueError, match="n_splits must be an int >= 2"):
        KFold(1)
    with pytest.raises(ValueError, match="greater than the number of samples 3"):
        list(KFold(4).split(3))
    with pytest.raises(ValueError, match="needs the labels"):
        list(StratifiedKFold(2).split(10))
    with pytest.raises(ValueError, match="cannot be greater than the number of members"):
        list(StratifiedKFold(3).split(4, [0, 0, 1, 1]))


def _blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = np.array([[2, 0], [-2, 0], [0, 2.5]], np.float32)
    x = (centers[y] + rng.normal(scale=0.7, size=(n, 2))).astype(np.float32)
    return x, y.astype(np.int64)


def _build(params=None):
    p = {"hidden": 16, "lr": 0.05, "momentum": 0.9, **(params or {})}
    model = nn.Sequential(nn.Linear(2, p["hidden"]), nn.ReLU(), nn.Linear(p["hidden"], 3))
    opt = ember.optim.SGD(model.parameters(), lr=p["lr"], momentum=p["momentum"])
    return model, opt, nn.CrossEntropyLoss()


def test_cross_validate_scores_each_fold():
    x, y = _blobs()
    res = cross_validate(_build, (x, y), k=4, stratified=True, epochs=8, batch_size=16)
    assert len(res["folds"]) == 4
    assert all(f["accuracy"] > 0.8 for f in res["folds"])
    np.testing.assert_allclose(res["mean"]["accuracy"],
                               np.mean([f["accuracy"] for f in res["folds"]]))
    again = cross_validate(_build, (x, y), k=4, stratified=True, epochs=8, batch_size=16)
    assert again["folds"] == res["folds"]  # seeded: repeats exactly


def test_grid_search_finds_the_working_learning_rate():
    x, y = _blobs()
    search = GridSearch(_build, {"lr": [1e-5, 0.05], "hidden": [4, 16], "epochs": [3]},
                        monitor="val_accuracy", verbose=0, fit_kwargs={"batch_size": 16})
    result = search.run((x, y), validation_split=0.25)
    assert len(result.results) == 4
    assert [r["params"] for r in result.results][0] == {"lr": 1e-5, "hidden": 4, "epochs": 3}
    assert result.best_params["lr"] == 0.05
    assert result.best_score == max(r["score"] for r in result.results) > 0.8
    assert sorted(r["rank"] for r in result.results) == [1, 2, 3, 4]
    assert "1" in result.table().split()[0]


def test_random_search_is_seeded_and_samples_the_space():
    x, y = _blobs()
    space = {"lr": LogUniform(1e-3, 1e-1), "batch_size": [16, 32], "momentum": [0.0, 0.9],
             "hidden": [8, 16], "epochs": [2, 3]}
    a = RandomSearch(_build, space, n_trials=4, seed=1, verbose=0).run(
        (x, y), val_data=_blobs(60, seed=1))
    b = RandomSearch(_build, space, n_trials=4, seed=1, verbose=0).run(
        (x, y), val_data=_blobs(60, seed=1))
    assert [r["params"] for r in a.results] == [r["params"] for r in b.results]
    assert [r["score"] for r in a.results] == [r["score"] for r in b.results]
    assert all(1e-3 <= r["params"]["lr"] <= 1e-1 for r in a.results)
    assert a.best_score == min(r["score"] for r in a.results)  # val_loss: lower is better
    assert len(a.results[0]["history"]["loss"]) == a.results[0]["params"]["epochs"]
    with pytest.raises(ValueError, match="give val_data or validation_split"):
        RandomSearch(_build, space, n_trials=1).run((x, y))

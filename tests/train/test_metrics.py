"""Parity of ember.train.metrics with scikit-learn."""
import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

import ember
from ember.train import metrics as M


def _cases():
    rng = np.random.default_rng(3)
    yield rng.integers(0, 4, 60), rng.integers(0, 4, 60)
    # class 3 is never predicted, class 4 never true: absent classes
    yield rng.integers(0, 4, 40), rng.choice([0, 1, 2, 4], 40)
    yield rng.integers(0, 2, 30), rng.integers(0, 2, 30)
    yield np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0])  # nothing predicted positive


@pytest.mark.parametrize("case", list(range(4)))
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "binary"])
@pytest.mark.parametrize("zero_division", [0, 1])
def test_prfs_matches_sklearn(case, average, zero_division):
    t, p = list(_cases())[case]
    if average == "binary" and np.union1d(t, p).size > 2:
        with pytest.raises(ValueError, match="average='binary'"):
            M.precision_recall_fscore_support(t, p, average=average)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Ember's default zero_division=0 never warns
        ours = M.precision_recall_fscore_support(ember.tensor(t), p, average=average,
                                                 zero_division=zero_division)
    ref = skm.precision_recall_fscore_support(t, p, average=average,
                                              zero_division=zero_division)
    for a, b in zip(ours[:3], ref[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    if average is None:
        np.testing.assert_array_equal(ours[3], ref[3])
    else:
        assert ours[3] is None


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_labels_subset_and_absent_label(average):
    rng = np.random.default_rng(1)
    t, p = rng.integers(0, 5, 50), rng.integers(0, 4, 50)
    labels = [4, 1, 7]  # 4 never predicted, 7 never occurs
    for zd in (0, 1):
        ours = M.precision_recall_fscore_support(t, p, labels=labels, average=average,
                                                 zero_division=zd)
        ref = skm.precision_recall_fscore_support(t, p, labels=labels, average=average,
                                                  zero_division=zd)
        for a, b in zip(ours[:3], ref[:3]):
            np.testing.assert_allclose(a, b)


def test_f1_precision_recall_wrappers_and_pos_label():
    t = np.array([2, 5, 5, 2, 5, 2, 2])
    p = np.array([2, 5, 2, 2, 5, 5, 2])
    assert M.f1_score(t, p, pos_label=5) == pytest.approx(skm.f1_score(t, p, pos_label=5))
    assert M.precision(t, p, pos_label=2) == pytest.approx(
        skm.precision_score(t, p, pos_label=2))
    assert M.recall(t, p, pos_label=2) == pytest.approx(skm.recall_score(t, p, pos_label=2))
    assert M.fbeta_score(t, p, beta=2.0, average="macro") == pytest.approx(
        skm.fbeta_score(t, p, beta=2.0, average="macro"))
    with pytest.raises(ValueError, match="pos_label=1 is not a valid label"):
        M.f1_score(t, p)


def test_logits_are_argmaxed():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(20, 3)).astype(np.float32)
    t = rng.integers(0, 3, 20)
    assert M.accuracy(t, ember.tensor(logits)) == pytest.approx(
        skm.accuracy_score(t, logits.argmax(1)))
    assert M.f1_score(t, logits, average="macro") == pytest.approx(
        skm.f1_score(t, logits.argmax(1), average="macro"))
    probs = rng.random((20, 1))
    tb = rng.integers(0, 2, 20)
    assert M.accuracy(tb, probs) == pytest.approx(np.mean(tb == (probs[:, 0] > 0.5)))


def test_confusion_matrix_matches_sklearn():
    rng = np.random.default_rng(2)
    t, p = rng.integers(0, 5, 80), rng.choice([0, 1, 3, 6], 80)
    np.testing.assert_array_equal(M.confusion_matrix(t, p), skm.confusion_matrix(t, p))
    labels = [6, 0, 2, 9]
    np.testing.assert_array_equal(M.confusion_matrix(ember.tensor(t), p, labels=labels),
                                  skm.confusion_matrix(t, p, labels=labels))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_top_k_accuracy_matches_sklearn(k):
    rng = np.random.default_rng(k)
    scores = rng.normal(size=(50, 6))
    scores[:10, :] = np.round(scores[:10, :])  # ties, broken like scikit-learn
    t = np.concatenate([np.arange(6), rng.integers(0, 6, 44)])
    ref = skm.top_k_accuracy_score(t, scores, k=k, labels=np.arange(6))
    assert M.top_k_accuracy(t, ember.tensor(scores.astype(np.float32)), k=k) == \
        pytest.approx(ref)
    tb = rng.integers(0, 2, 30)
    sb = rng.random(30)
    assert M.top_k_accuracy(tb, sb, k=1) == pytest.approx(
        skm.top_k_accuracy_score(tb, sb, k=1))


def test_top_k_accuracy_custom_labels():
    rng = np.random.default_rng(9)
    labels = np.array([10, 20, 30, 40])
    scores = rng.normal(size=(12, 4))
    t = labels[np.r_[0, 1, 2, 3, rng.integers(0, 4, 8)]]
    assert M.top_k_accuracy(t, scores, k=2, labels=labels) == pytest.approx(
        skm.top_k_accuracy_score(t, scores, k=2, labels=labels))


def test_metric_errors():
    with pytest.raises(ValueError, match="different numbers of samples"):
        M.accuracy([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="empty"):
        M.accuracy([], [])
    with pytest.raises(ValueError, match="average must be one of"):
        M.precision_recall_fscore_support([0], [0], average="mean")
    with pytest.raises(ValueError, match="zero_division"):
        M.f1_score([0, 1], [0, 1], zero_division=2)
    with pytest.raises(ValueError, match="not among the classes"):
        M.top_k_accuracy([0, 7], np.zeros((2, 3)), k=1)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        M.top_k_accuracy([0, 1], np.zeros((2, 3)), k=0)

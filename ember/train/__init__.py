"""``ember.train``: a Keras-like fit loop, callbacks, metrics, model selection and search.

``fit(model, loss_fn, optimizer, train_data, val_data, epochs, callbacks, metrics)``
returns a ``History``; ``evaluate`` and ``predict`` run a model over data in eval mode.
"""
from ember.train import metrics
from ember.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    GradientClipping,
    LearningRateScheduler,
    ModelCheckpoint,
    TerminateOnNaN,
)
from ember.train.fit import Trainer, evaluate, fit, predict
from ember.train.history import History
from ember.train.model_selection import KFold, StratifiedKFold, cross_validate
from ember.train.plot import plot_history
from ember.train.running_metrics import Accuracy, Metric, TopKAccuracy
from ember.train.search import Choice, GridSearch, IntUniform, LogUniform, RandomSearch, Uniform

__all__ = [
    "Accuracy", "CSVLogger", "Callback", "Choice", "EarlyStopping", "GradientClipping",
    "GridSearch", "History", "IntUniform", "KFold", "LearningRateScheduler", "LogUniform",
    "Metric", "ModelCheckpoint", "RandomSearch", "StratifiedKFold", "TerminateOnNaN",
    "TopKAccuracy", "Trainer", "Uniform", "cross_validate", "evaluate", "fit", "metrics",
    "plot_history", "predict",
]

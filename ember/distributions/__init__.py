"""Probability distributions with PyTorch's API (``torch.distributions``).

Every distribution has ``batch_shape``/``event_shape``, ``sample``, ``log_prob``,
``entropy``, ``mean``, ``variance``, and, where PyTorch has them, ``rsample``
(reparameterised, differentiable w.r.t. the parameters), ``cdf``, ``icdf`` and ``mode``.
``kl_divergence(p, q)`` looks up a closed form registered with ``register_kl``.

Example::

    q = ember.distributions.Normal(mu, log_sigma.exp())
    z = q.rsample()                       # gradients reach mu and log_sigma
    kl = ember.distributions.kl_divergence(q, Normal(0.0, 1.0)).sum()
"""
from ember.distributions import (
    constraints,
    kl_table,  # noqa: E402,F401,I001  (registers the closed forms)
)
from ember.distributions.bernoulli import Bernoulli
from ember.distributions.categorical import Categorical, OneHotCategorical
from ember.distributions.counts import Binomial, Geometric, Poisson
from ember.distributions.distribution import Distribution, set_default_validate_args
from ember.distributions.exponential import Exponential
from ember.distributions.gamma import Beta, Dirichlet, Gamma
from ember.distributions.independent import Independent
from ember.distributions.kl import kl_divergence, register_kl
from ember.distributions.laplace import Laplace
from ember.distributions.multivariate_normal import MultivariateNormal
from ember.distributions.normal import Normal
from ember.distributions.relaxed import (
    ExpRelaxedCategorical,
    LogitRelaxedBernoulli,
    RelaxedBernoulli,
    RelaxedOneHotCategorical,
)
from ember.distributions.transformed_distribution import LogNormal, TransformedDistribution
from ember.distributions.transforms import (
    AffineTransform,
    ComposeTransform,
    ExpTransform,
    SigmoidTransform,
    TanhTransform,
    Transform,
)
from ember.distributions.uniform import Uniform

__all__ = [
    "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "ComposeTransform",
    "Dirichlet", "Distribution", "ExpRelaxedCategorical", "ExpTransform", "Exponential", "Gamma",
    "Geometric", "Independent", "Laplace", "LogNormal", "LogitRelaxedBernoulli",
    "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "RelaxedBernoulli",
    "RelaxedOneHotCategorical", "SigmoidTransform", "TanhTransform", "Transform",
    "TransformedDistribution", "Uniform", "constraints", "kl_divergence", "register_kl",
    "set_default_validate_args",
]

"""``ember.special``: PyTorch's ``torch.special`` names, each the one op that implements it
(``ember.ops.special_functions``, ``transcendental``, ``elementwise``, ...)."""
from ember.ops.activation import log_softmax, softmax
from ember.ops.elementwise import expm1, log1p, round  # noqa: A004
from ember.ops.numeric import logit
from ember.ops.reduce import logsumexp
from ember.ops.special_functions import (
    digamma,
    entr,
    erfinv,
    expit,
    gammainc,
    i0,
    i0e,
    i1,
    i1e,
    lgamma,
    log_ndtr,
    mvlgamma,
    ndtr,
    ndtri,
    polygamma,
    sinc,
    xlog1py,
)
from ember.ops.transcendental import erf, erfc, exp2, xlogy

gammaln = lgamma
psi = digamma
multigammaln = mvlgamma

__all__ = ["erf", "erfc", "erfinv", "expit", "logit", "xlogy", "xlog1py", "gammaln", "digamma",
           "psi", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri",
           "log_ndtr", "entr", "sinc", "round", "log1p", "expm1", "exp2", "logsumexp",
           "softmax", "log_softmax", "gammainc"]

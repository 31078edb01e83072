"""d2l-style from-scratch optimizers: ``trainer(params, states, hyperparams)``.

Names, state layouts and hyperparameter keys follow d2l's chapter on
optimization, so its code runs after ``import optbook as d2l``. Each function
calls the one update rule in :mod:`optbook.rules`, with d2l's constants:
epsilon inside the square root for Adagrad and RMSProp.
"""

import torch

from . import rules


def _apply(rule, params, states, **hyper):
    """Call ``rule(p, p.grad, *state, **hyper)`` for each parameter, then clear its gradient."""
    with torch.no_grad():
        for p, state in zip(params, states):
            state = (state,) if isinstance(state, torch.Tensor) else tuple(state)
            rule(p, p.grad, *state, **hyper)
    for p in params:
        p.grad.zero_()


def _zeros(feature_dim):
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


def _pairs(feature_dim):
    (w1, b1), (w2, b2) = _zeros(feature_dim), _zeros(feature_dim)
    return (w1, w2), (b1, b2)


def sgd(params, states, hyperparams):
    """Minibatch SGD; ``states`` is unused."""
    _apply(rules.sgd, params, [()] * len(params), lr=hyperparams["lr"])


def init_momentum_states(feature_dim):
    return _zeros(feature_dim)


def sgd_momentum(params, states, hyperparams):
    _apply(rules.momentum, params, states, lr=hyperparams["lr"],
           beta=hyperparams["momentum"])


def init_adagrad_states(feature_dim):
    return _zeros(feature_dim)


def adagrad(params, states, hyperparams):
    _apply(rules.adagrad, params, states, lr=hyperparams["lr"], eps=1e-6,
           eps_inside_sqrt=True)


def init_rmsprop_states(feature_dim):
    return _zeros(feature_dim)


def rmsprop(params, states, hyperparams):
    _apply(rules.rmsprop, params, states, lr=hyperparams["lr"],
           gamma=hyperparams["gamma"], eps=1e-6, eps_inside_sqrt=True)


def init_adadelta_states(feature_dim):
    return _pairs(feature_dim)


def adadelta(params, states, hyperparams):
    _apply(rules.adadelta, params, states, rho=hyperparams["rho"], eps=1e-5)


def init_adam_states(feature_dim):
    return _pairs(feature_dim)


def adam(params, states, hyperparams):
    """Adam; ``hyperparams['t']`` counts steps from 1 and is advanced here."""
    _apply(rules.adam, params, states, step=hyperparams["t"], lr=hyperparams["lr"],
           beta1=0.9, beta2=0.999, eps=1e-6)
    hyperparams["t"] += 1


def yogi(params, states, hyperparams):
    """Yogi; uses Adam's states and advances ``hyperparams['t']``."""
    _apply(rules.yogi, params, states, step=hyperparams["t"], lr=hyperparams["lr"],
           beta1=0.9, beta2=0.999, eps=1e-3)
    hyperparams["t"] += 1

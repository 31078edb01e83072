"""Momentum on a quadratic, in closed form: leaky-average weights and the iteration matrix.

On f(x) = curvature / 2 * x^2 the heavy-ball update of :func:`optbook.rules.momentum`
(v <- beta v + g, x <- x - lr v) is linear in the state (v, x):
(v_{t+1}, x_{t+1}) = M (v_t, x_t) with M from :func:`iteration_matrix`. The state
shrinks like rho(M)^t, rho being the spectral radius, so rho < 1 means convergence
and smaller rho means faster convergence. With beta = 0 this is gradient descent,
rho = |1 - lr * curvature|. ``nesterov=True`` gives the same for
Nesterov's update as ``torch.optim.SGD(nesterov=True)`` writes it.
"""

import numpy as np


def leaky_weights(beta, steps):
    """beta ** tau for tau = 0, ..., steps - 1: the weight of the gradient tau steps back in v."""
    return float(beta) ** np.arange(steps)


def iteration_matrix(lr, beta, curvature, nesterov=False):
    """M with (v_{t+1}, x_{t+1}) = M @ (v_t, x_t) on curvature/2 * x^2.

    Heavy ball steps along v; Nesterov (torch's form) along g + beta * v,
    which changes the second row.
    """
    if nesterov:
        return np.array([[beta, curvature],
                         [-lr * beta * beta, 1.0 - lr * curvature * (1.0 + beta)]], dtype=float)
    return np.array([[beta, curvature],
                     [-lr * beta, 1.0 - lr * curvature]], dtype=float)


def spectral_radius(lr, beta, curvature, nesterov=False):
    """rho(M), the largest |eigenvalue| of :func:`iteration_matrix`; broadcasts over arrays.

    The eigenvalues are the roots of z^2 - trace z + det = 0 with, for heavy
    ball, trace = 1 + beta - lr * curvature and det = beta, and for Nesterov
    trace = (1 + beta)(1 - lr * curvature) and det = beta (1 - lr * curvature).
    """
    beta = np.asarray(beta, dtype=float)
    step = np.asarray(lr, dtype=float) * curvature
    if nesterov:
        trace, det = (1.0 + beta) * (1.0 - step), beta * (1.0 - step)
    else:
        trace, det = 1.0 + beta - step, beta
    root = np.sqrt(np.asarray(trace * trace - 4.0 * det, dtype=complex))
    return np.maximum(np.abs((trace + root) / 2), np.abs((trace - root) / 2))


def rate_on_quadratic(lr, beta, curvatures, nesterov=False):
    """The slowest contraction over all curvatures (eigenvalues of the Hessian)."""
    return np.max([spectral_radius(lr, beta, c, nesterov) for c in curvatures], axis=0)


def optimal_parameters(smallest, largest):
    """The (lr, beta) that minimise the rate for curvatures in [smallest, largest].

    Polyak's tuning: sqrt(beta) = (sqrt(kappa) - 1) / (sqrt(kappa) + 1) with
    kappa = largest / smallest, and lr = (1 + sqrt(beta))^2 / largest.
    """
    kappa = largest / smallest
    root_beta = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    return (1 + root_beta) ** 2 / largest, root_beta ** 2

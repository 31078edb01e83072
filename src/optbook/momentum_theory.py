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


def critical_steps(beta):
    """The two values of lr * curvature at which heavy ball's roots turn from real to complex.

    The discriminant (1 + beta - s)^2 - 4 beta of the characteristic polynomial vanishes
    at s = (1 - sqrt(beta))^2 and s = (1 + sqrt(beta))^2; in between the roots are a
    complex pair of modulus sqrt(beta) (the path spirals), outside they are real.
    """
    root_beta = np.sqrt(np.asarray(beta, dtype=float))
    return (1 - root_beta) ** 2, (1 + root_beta) ** 2


def critical_beta(step):
    """The beta that makes lr * curvature = ``step`` critically damped: (1 - sqrt(step))^2.

    For a single curvature it is also the beta with the smallest rate, |1 - sqrt(step)|.
    """
    return (1 - np.sqrt(np.asarray(step, dtype=float))) ** 2


def eigencomponents(lr, beta, curvatures, start, steps, nesterov=False):
    """The error along each eigenvector of the Hessian, step by step, from rest.

    ``start`` holds the initial error's coordinates in the eigenbasis. Each coordinate
    evolves by its own 2 x 2 :func:`iteration_matrix`; returns an array of shape
    (steps + 1, len(curvatures)) whose row t is the error's coordinates after t steps.
    """
    matrices = np.stack([iteration_matrix(lr, beta, c, nesterov) for c in curvatures])
    state = np.stack([np.zeros(len(curvatures)), np.asarray(start, dtype=float)], axis=1)
    errors = [state[:, 1]]
    for _ in range(steps):
        state = np.einsum("kij,kj->ki", matrices, state)
        errors.append(state[:, 1])
    return np.array(errors)


def worst_quadratic(smallest, largest, dimension):
    """Nesterov's worst function for first-order methods, cut to ``dimension`` coordinates.

    f(x) = (L - mu)/8 (x_1^2 + sum_i (x_i - x_{i+1})^2 + x_n^2 - 2 x_1) + mu/2 |x|^2 with
    mu = smallest, L = largest. Returns (A, b) with f(x) = x A x / 2 - b x + const: A is
    tridiagonal, its eigenvalues lie strictly between mu and L, and b = (L - mu)/4 e_1.
    Started at 0, a method whose steps combine past gradients reaches coordinate
    t + 1 at step t at the earliest.
    """
    second = 2 * np.eye(dimension) - np.eye(dimension, k=1) - np.eye(dimension, k=-1)
    a = (largest - smallest) / 4 * second + smallest * np.eye(dimension)
    b = np.zeros(dimension)
    b[0] = (largest - smallest) / 4
    return a, b

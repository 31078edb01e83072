"""Small linear-algebra helpers for the preconditioning chapter.

A preconditioner is judged by what it does to the spectrum of the Hessian.
These functions compute the quantities the chapter draws: condition numbers,
the Hessian after diagonal (Jacobi) preconditioning, and Gershgorin's discs.
"""

import numpy as np


def condition_number(matrix):
    """The ratio of the largest to the smallest eigenvalue of a symmetric positive definite matrix."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(matrix, dtype=float))
    return float(eigenvalues[-1] / eigenvalues[0])


def diagonally_preconditioned(matrix):
    """D^(-1/2) A D^(-1/2) with D = diag(A): the Hessian that preconditioned GD sees.

    Preconditioned gradient descent x <- x - lr * D^(-1) grad f(x) is plain
    gradient descent in the variables y = D^(1/2) x, where the Hessian is
    this matrix. Its diagonal is all ones.
    """
    matrix = np.asarray(matrix, dtype=float)
    scale = 1 / np.sqrt(np.diag(matrix))
    return matrix * np.outer(scale, scale)


def gershgorin_discs(matrix):
    """Gershgorin's discs of a square matrix, as a list of (center, radius).

    Disc i is centred on the diagonal entry a_ii, and its radius is the sum
    of the absolute values of the other entries in row i. Every eigenvalue
    lies in at least one of the discs.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"Gershgorin's discs need a square matrix, not shape {matrix.shape}")
    centers = np.diag(matrix)
    radii = np.abs(matrix).sum(axis=1) - np.abs(centers)
    return [(complex(c) if np.iscomplexobj(matrix) else float(c), float(r))
            for c, r in zip(centers, radii)]

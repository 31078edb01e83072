import math

import numpy as np
import pytest

from optbook import linalg, objectives


def test_discs_of_a_small_matrix():
    matrix = [[4.0, 1.0, -0.5], [1.0, 3.0, 0.0], [-2.0, 0.5, 1.0]]
    assert linalg.gershgorin_discs(matrix) == [(4.0, 1.5), (3.0, 1.0), (1.0, 2.5)]


def test_every_eigenvalue_lies_in_a_disc():
    rng = np.random.default_rng(0)
    for _ in range(20):
        matrix = rng.normal(size=(6, 6)) + np.diag(rng.uniform(-5, 5, size=6))
        discs = linalg.gershgorin_discs(matrix)
        for eigenvalue in np.linalg.eigvals(matrix):
            assert any(abs(eigenvalue - c) <= r + 1e-9 for c, r in discs)


def test_discs_reject_a_non_square_matrix():
    with pytest.raises(ValueError, match="square"):
        linalg.gershgorin_discs(np.ones((2, 3)))


def test_diagonal_preconditioner_fixes_axis_aligned_but_not_rotated():
    aligned = objectives.quadratic_matrix((0.2, 4.0), 0.0)
    rotated = objectives.quadratic_matrix((0.2, 4.0), math.pi / 4)
    assert linalg.condition_number(aligned) == pytest.approx(20)
    assert linalg.condition_number(linalg.diagonally_preconditioned(aligned)) == pytest.approx(1)
    assert linalg.condition_number(linalg.diagonally_preconditioned(rotated)) == pytest.approx(20)
    assert np.diag(linalg.diagonally_preconditioned(rotated)) == pytest.approx([1, 1])

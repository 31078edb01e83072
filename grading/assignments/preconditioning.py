"""The preconditioning assignment: the orthogonal-invariance proof (checked step by step
with sympy), random orthogonal matrices and how they change lengths, perturbations and the
Hessian after a rotation, Gershgorin's circle theorem and the diagonally preconditioned
matrix.

Hidden reference values are computed here, offline, with NumPy (no optbook) and
written into the test cells as literals. Every graded cell checks one answer, so a
slip in one answer costs only its own cell.
"""

import math
import textwrap

import numpy as np

from grading.authoring import SETUP_IMPORTS, answer, intro, lit, markdown, setup, tests, write

NAME = "preconditioning"

A1 = [[4.0, 1.0, 0.5], [1.0, 50.0, 3.0], [0.5, 3.0, 200.0]]
A2 = [[10.0, -2.0, 1.0, 0.0], [-2.0, 8.0, 0.5, 1.0], [1.0, 0.5, 0.3, 0.1], [0.0, 1.0, 0.1, 5.0]]
A3 = [[3.0, -0.5, 0.2], [-0.5, 1.0, 0.1], [0.2, 0.1, 0.6]]
# Not symmetric, so the discs of the columns differ from those of the rows.
B1 = [[5.0, 1.0, -2.0], [0.5, -3.0, 1.0], [0.2, 0.4, 8.0]]
B2 = [[1.0, 0.1, 0.0, 0.7], [0.6, 4.0, -0.3, 0.0], [0.0, 2.0, 9.0, 0.1], [0.2, 0.0, 0.4, -2.0]]
# Isolated discs: none touch exactly (the smallest gap is 0.3), and in I2 disc 0 meets
# disc 3 (not its neighbour) and the large disc 4 reaches disc 1.
I1 = [[10.0, 1.0, 0.5, 0.0], [0.2, 1.0, 0.3, 0.1], [1.0, 0.5, -4.0, 0.2], [0.3, 0.1, 0.2, 1.5]]
I2 = [[2.0, 0.3, 0.2, 0.1, 0.1], [0.1, 9.0, 0.2, 0.1, 0.1], [0.4, 0.2, -3.0, 0.3, 0.1],
      [0.2, 0.1, 0.1, 2.6, 0.3], [1.5, 2.0, 1.0, 1.3, 15.0]]
I0 = [[1.0, 0.5, 0.0], [0.2, 4.0, 0.1], [0.0, 2.0, 5.0]]
I3 = [[1.0, 0.2, 0.1], [0.3, 6.0, 0.4], [0.1, 0.2, 1.2]]
# Part 2: a matrix that is not symmetric, and rows of vectors.
M2 = [[2.0, 1.0, 0.0], [0.0, 0.5, -1.0], [1.5, 0.0, 1.0]]
X2 = [[1.0, 0.0, 0.0], [0.0, 1.0, 2.0], [-1.0, 3.0, 0.5], [0.3, -0.2, 0.4]]
# Part 3: f(z) = 0.1 z1^2 + 0.3 z1 z2 + 2 z2^2 after the rotation by 30 degrees.
HESSIAN_F = np.array([[0.2, 0.3], [0.3, 4.0]])


def _rotation(angle):
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


ROT = _rotation(math.pi / 6)
HESSIAN_G = ROT.T @ HESSIAN_F @ ROT
HESSIAN_G_DEGREES = _rotation(30.0).T @ HESSIAN_F @ _rotation(30.0)  # np.cos(30): radians
HESSIAN_G_SWAPPED = ROT @ HESSIAN_F @ ROT.T  # O H O^T: the chain rule the wrong way round
COND_G = float(np.linalg.cond(HESSIAN_G))


def _discs(a):
    a = np.asarray(a)
    return [(float(a[i, i]), float(np.abs(a[i]).sum() - abs(a[i, i]))) for i in range(len(a))]


def _column_discs(a):
    return _discs(np.asarray(a).T)


def _isolated(a):
    d = _discs(a)
    out = []
    for i, (c, r) in enumerate(d):
        gaps = [abs(c - c2) - r - r2 for j, (c2, r2) in enumerate(d) if j != i]
        assert min(abs(g) for g in gaps) > 0.1, "no disc may (nearly) touch another"
        if all(g > 0 for g in gaps):
            out.append(i)
    return out


def _jacobi(a):
    a = np.asarray(a)
    return (a / np.diag(a)[:, None]).tolist()


def _bounds(a):
    rho = max(r / abs(c) for c, r in _discs(a))
    return [1 - rho, 1 + rho]


def _cond(a):
    lo, hi = _bounds(a)
    return hi / lo


def flat(pairs):
    return repr([round(v, 12) for pair in pairs for v in pair])


PRE_EIG_A1 = sorted(np.linalg.eigvals(np.asarray(_jacobi(A1))).real.tolist())
COND_A1 = float(np.linalg.cond(np.asarray(A1)))
RATIOS = [float(np.linalg.norm(np.asarray(M2) @ v) / np.linalg.norm(v)) for v in np.asarray(X2)]


def _abs_orthogonal(n, seed):
    """|Q| for the QR of an n x n standard normal draw: Q itself is unique up to the sign
    of each column, so the tests compare absolute values (and check orthogonality apart)."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return np.abs(q)


# The hidden cases of Part 2, with the vectors x the old test drew from default_rng(12345).
_X_RNG = np.random.default_rng(12345)
P2_CASES = [(n, seed, _X_RNG.standard_normal(n)) for n in (2, 4, 7) for seed in (1, 2)]


def _p2_case_lines(n, seed, x):
    q = f"_q{n}{seed}"
    return [
        f"{q} = random_orthogonal({n}, {seed})",
        f'check_type({q}, "ndarray", "random_orthogonal({n}, {seed}) (a NumPy array: convert a tensor '
        f'with .numpy())", shape=({n}, {n}))',
        f'check_orthogonal({q}, "random_orthogonal({n}, {seed})", atol=1e-10)',
        f'check_close(np.abs({q}), {lit(_abs_orthogonal(n, seed))}, '
        f'"|random_orthogonal({n}, {seed})| (QR of default_rng({seed}).standard_normal(({n}, {n})), '
        f'up to column signs)", rtol=1e-9, atol=1e-12)',
        f'check_close(np.linalg.norm({q} @ np.array({lit(x)})), {lit(np.linalg.norm(x))}, '
        f'"the length of Q x for random_orthogonal({n}, {seed})", rtol=1e-10)',
    ]


P2_HIDDEN = "\n".join(line for case in P2_CASES for line in _p2_case_lines(*case))

cells = [
    intro("Assignment: preconditioning and orthogonal changes of variables", "preconditioning", """
        Five parts: (1) a proof, checked step by step, that an orthogonal matrix keeps lengths,
        (2) the same fact checked numerically, and how much a matrix that is not orthogonal
        stretches vectors, (3) what it means for perturbations and for the Hessian after a
        rotation, (4) Gershgorin's circle theorem and (5) what the theorem says about a
        diagonally preconditioned matrix.
        """),
    setup(SETUP_IMPORTS + "import sympy as sp\n"),

    markdown("p1_text", """
        ## Part 1: an orthogonal matrix keeps lengths — the proof (6 points)

        Prove $\\|Ox\\|^2 = \\|x\\|^2$ for an orthogonal matrix $O$ ($O^\\top O = I$) as a chain of
        equalities. Write it as a Python list `proof` of sympy expressions built from
        `O`, `x`, `Id` (the identity), `T(a)` (the transpose $a^\\top$) and `sq_norm(v)`
        ($\\|v\\|^2$), imported below. Products are associative on their own:
        `O*(T(O)*x)` is the same expression as `O*T(O)*x`.

        The chain must start at `sq_norm(O*x)` and end at `sq_norm(x)`. Each step may apply
        exactly **one** of these rules, once, at one place:

        * definition: `sq_norm(v)` = `T(v)*v`;
        * transpose of a product: `T(a*b)` = `T(b)*T(a)` (for any number of factors);
        * double transpose: `T(T(a))` = `a`;
        * orthogonality: `T(O)*O` = `Id`;
        * identity: `Id*a` = `a` = `a*Id`.

        Every step that follows from the one before by one rule and brings the chain one rule
        closer to $\\|x\\|^2$ earns credit. A wrong step earns nothing, and neither does any
        step after it. A step that does several things at once, a repeated expression, a detour
        (such as inserting an `Id`), or a chain that only restates the goal earns nothing for
        that step. The points: 1 for a chain that starts and ends right and has a valid step,
        1 each for 1, 2, 3 and 4 valid steps, and 1 for a complete proof. You can check your
        chain with `check_chain(proof).summary()`.
        """),
    answer("p1_proof", """
        from optbook.proofs import O, x, Id, T, sq_norm, check_chain

        ### BEGIN SOLUTION
        proof = [
            sq_norm(O * x),
            T(O * x) * (O * x),
            T(x) * T(O) * O * x,
            T(x) * Id * x,
            T(x) * x,
            sq_norm(x),
        ]
        ### END SOLUTION
        """),
    tests("p1_tests_visible", 1, """
        check_proof(proof, "the proof", ends=True)
        ### BEGIN HIDDEN TESTS
        check_proof(proof, "the proof", steps=1)
        ### END HIDDEN TESTS
        """),
    *[tests(f"p1_tests_step{k}", 1, f"""
        ### BEGIN HIDDEN TESTS
        check_proof(proof, "the proof", steps={k})
        ### END HIDDEN TESTS
        """) for k in range(1, 5)],
    tests("p1_tests_complete", 1, """
        ### BEGIN HIDDEN TESTS
        check_proof(proof, "the proof", complete=True)
        ### END HIDDEN TESTS
        """),

    markdown("p2_text", """
        ## Part 2: the numbers agree (3 points)

        Write `random_orthogonal(n, seed)`: a random $n \\times n$ orthogonal matrix, a NumPy
        array of float64, built from the QR decomposition of a matrix of standard normal
        entries drawn with `np.random.default_rng(seed).standard_normal((n, n))` (its $Q$ is
        unique up to the sign of each column; any signs will do).

        Then write `length_ratios(M, X)`: for a square NumPy array `M` and an array `X` whose
        **rows** are vectors $x_1, \\dots, x_k$, return the $k$ ratios
        $\\|M x_i\\| / \\|x_i\\|$ (an array or a list). For an orthogonal `M` every ratio is 1;
        for any other matrix they lie between its smallest and largest singular value.
        """),
    answer("p2_random_orthogonal", """
        def random_orthogonal(n, seed):
            ### BEGIN SOLUTION
            rng = np.random.default_rng(seed)
            q, r = np.linalg.qr(rng.standard_normal((n, n)))
            return q * np.sign(np.diag(r))
            ### END SOLUTION


        def length_ratios(M, X):
            ### BEGIN SOLUTION
            M, X = np.asarray(M, dtype=float), np.asarray(X, dtype=float)
            return np.linalg.norm(X @ M.T, axis=1) / np.linalg.norm(X, axis=1)
            ### END SOLUTION
        """),
    tests("p2_tests_visible", 1, f"""
        q = random_orthogonal(3, 0)
        check_type(q, "ndarray", "random_orthogonal(3, 0) (a NumPy array: convert a tensor with .numpy())", shape=(3, 3))
        check_orthogonal(q, "random_orthogonal(3, 0)", atol=1e-10)
        check_close(np.abs(q), {lit(_abs_orthogonal(3, 0))},
                    "|random_orthogonal(3, 0)| (the QR of default_rng(0).standard_normal((3, 3)), up to column signs)",
                    rtol=1e-9, atol=1e-12)
        """),
    tests("p2_tests_hidden", 1, f"""
        ### BEGIN HIDDEN TESTS
        {textwrap.indent(P2_HIDDEN, " " * 8).lstrip()}
        check_differ(random_orthogonal(4, 1), random_orthogonal(4, 2),
                     "random_orthogonal(4, 1) and random_orthogonal(4, 2): different seeds should give different matrices")
        check_close(random_orthogonal(4, 3) - random_orthogonal(4, 3), {lit(np.zeros(16))},
                    "random_orthogonal(4, 3) minus itself: the same seed should give the same matrix", atol=1e-12)
        check_close(np.abs(random_orthogonal(4, 5)), {lit(_abs_orthogonal(4, 5))},
                    "|random_orthogonal(4, 5)| (up to column signs)", rtol=1e-9, atol=1e-12)
        ### END HIDDEN TESTS
        """),
    tests("p2_tests_ratios", 1, f"""
        _rotation = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])
        check_close(length_ratios(_rotation, np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]])), [1.0, 1.0],
                    "length_ratios for a rotation (an orthogonal matrix keeps every length)")
        check_close(length_ratios(np.diag([2.0, 3.0]), np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0]])),
                    {lit([2.0, 3.0, math.sqrt(180.0) / 5.0])},
                    "length_ratios(diag(2, 3), rows (1, 0), (0, 1), (3, 4)): ratios of lengths, not of squared lengths")
        check_close(length_ratios(np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
                    {lit([1.0, math.sqrt(5.0)])},
                    "length_ratios([[1, 2], [0, 1]], rows (1, 0), (0, 1)): M is not symmetric, and each row x of X is a vector: M @ x, that is X @ M.T")
        ### BEGIN HIDDEN TESTS
        check_close(length_ratios(np.array({M2!r}), np.array({X2!r})), {lit(RATIOS)},
                    "length_ratios(M, X) for a matrix M that is not symmetric (each row x of X is a vector: M @ x, that is X @ M.T)",
                    rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p3_text", """
        ## Part 3: perturbations and the Hessian after an orthogonal change of variables (4 points)

        Let $y = Ox$ with $O$ orthogonal, and perturb $x$ by $\\delta$.

        1. `perturbation_answer`: the perturbation of $y$, $O(x+\\delta) - Ox$, has length
           "a": up to $\\max_{ij}|O_{ij}|$ times $\\|\\delta\\|$; "b": exactly $\\|\\delta\\|$;
           "c": less than $\\|\\delta\\|$; "d": it depends on the direction of $\\delta$.
        2. `reason_answer`: the reason is "a": $O(x+\\delta) - Ox = O\\delta$ and Part 1 applied to
           $\\delta$; "b": $O$ is symmetric; "c": $\\det O = 1$.

        Now let $f(z) = 0.1 z_1^2 + 0.3 z_1 z_2 + 2 z_2^2$ and $g(x) = f(Ox)$, where $O$ is the
        rotation by $\\theta = 30°$,
        $O = \\begin{pmatrix} \\cos\\theta & -\\sin\\theta \\\\ \\sin\\theta & \\cos\\theta \\end{pmatrix}$.

        3. `rotated_hessian`: the Hessian of $g$, a $2 \\times 2$ array (NumPy or torch).
        4. `rotated_condition_number`: its condition number (compute it with NumPy or torch).
           Compare it with that of $f$.
        """),
    answer("p3_perturbation", """
        ### BEGIN SOLUTION
        perturbation_answer = "b"
        reason_answer = "a"
        _angle = math.pi / 6
        _rot = np.array([[math.cos(_angle), -math.sin(_angle)], [math.sin(_angle), math.cos(_angle)]])
        rotated_hessian = _rot.T @ np.array([[0.2, 0.3], [0.3, 4.0]]) @ _rot
        rotated_condition_number = float(np.linalg.cond(rotated_hessian))
        ### END SOLUTION
        """),
    tests("p3_tests_perturbation", 1, """
        check_one_of(perturbation_answer, ["a", "b", "c", "d"], "perturbation_answer (a letter)")
        ### BEGIN HIDDEN TESTS
        check_equal(perturbation_answer, "b", "perturbation_answer (an orthogonal change of variables keeps the length of every perturbation)")
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_reason", 1, """
        check_one_of(reason_answer, ["a", "b", "c"], "reason_answer (a letter)")
        ### BEGIN HIDDEN TESTS
        check_equal(reason_answer, "a", "reason_answer (why the length is kept: the difference is O delta)")
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_hessian", 1, f"""
        check_type(rotated_hessian, "sequence", "rotated_hessian (a 2 x 2 array)", shape=(2, 2))
        check_differ(rotated_hessian, {lit(HESSIAN_G_DEGREES)},
                     "rotated_hessian and the Hessian for a rotation by 30 radians: np.cos and np.sin take radians, so 30 degrees is math.pi / 6",
                     atol=1e-3)
        check_differ(rotated_hessian, {lit(HESSIAN_G_SWAPPED)},
                     "rotated_hessian and O H O^T: by the chain rule the Hessian of g(x) = f(Ox) is O^T H O, with H the Hessian of f",
                     atol=1e-3)
        ### BEGIN HIDDEN TESTS
        check_close(rotated_hessian, {lit(HESSIAN_G)},
                    "rotated_hessian (by the chain rule the Hessian of g(x) = f(Ox) is O^T H O, with H the Hessian of f)",
                    rtol=1e-9, atol=1e-12)
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_condition", 1, f"""
        check_number(rotated_condition_number, "rotated_condition_number")
        ### BEGIN HIDDEN TESTS
        check_close(rotated_condition_number, {COND_G!r},
                    "rotated_condition_number (a rotation keeps the eigenvalues of the Hessian, so the condition number is that of f)",
                    rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p4_text", """
        ## Part 4: Gershgorin's circle theorem (3 points)

        Every eigenvalue of a square matrix $A$ lies in at least one disc centered at a diagonal
        entry $a_{ii}$ with radius $r_i = \\sum_{j \\ne i} |a_{ij}|$ (a row disc). Write

        * `column_discs(A)`: the discs the theorem gives when applied to $A^\\top$, which has the
          same eigenvalues: the list of `(center, radius)` pairs, one per **column** $j$, with
          center $a_{jj}$ and radius $\\sum_{i \\ne j} |a_{ij}|$, for a NumPy array `A`;
        * `isolated_discs(A)`: the indices $i$ (from 0, in increasing order, as a list) of the
          **row** discs that meet no other row disc. (A disc that meets no other contains exactly
          one eigenvalue, a stronger form of the theorem.) Two discs meet when the distance of
          their centers is at most the sum of their radii; the tests have no discs that just
          touch.
        """),
    answer("p4_gershgorin", """
        def column_discs(A):
            ### BEGIN SOLUTION
            A = np.asarray(A, dtype=float)
            return [(float(A[j, j]), float(np.abs(A[:, j]).sum() - abs(A[j, j]))) for j in range(len(A))]
            ### END SOLUTION


        def isolated_discs(A):
            ### BEGIN SOLUTION
            A = np.asarray(A, dtype=float)
            centers = np.diag(A)
            radii = np.abs(A).sum(axis=1) - np.abs(centers)
            return [i for i in range(len(A))
                    if all(abs(centers[i] - centers[j]) > radii[i] + radii[j]
                           for j in range(len(A)) if j != i)]
            ### END SOLUTION
        """),
    tests("p4_tests_columns", 1, f"""
        check_close(column_discs(np.array([[2.0, -1.0], [0.5, 3.0]])), [(2.0, 0.5), (3.0, 1.0)],
                    "the column discs of [[2, -1], [0.5, 3]] (radius of column j: the other entries of column j)")
        ### BEGIN HIDDEN TESTS
        check_close(column_discs(np.array({B1!r})), {flat(_column_discs(B1))}, "the column discs of the 3 x 3 matrix")
        check_close(column_discs(np.array({B2!r})), {flat(_column_discs(B2))}, "the column discs of the 4 x 4 matrix")
        ### END HIDDEN TESTS
        """),
    tests("p4_tests_isolated", 2, f"""
        check_close(isolated_discs(np.array({I0!r})), {_isolated(I0)!r},
                    "isolated_discs({I0!r}) (two discs meet when the distance of their centers is at most the sum of both radii; indices from 0)")
        ### BEGIN HIDDEN TESTS
        check_close(isolated_discs(np.array({I1!r})), {_isolated(I1)!r}, "the isolated discs of the first 4 x 4 matrix")
        check_close(isolated_discs(np.array({I2!r})), {_isolated(I2)!r},
                    "the isolated discs of the 5 x 5 matrix (compare every pair of discs, with both radii)")
        check_close(isolated_discs(np.array({I3!r})), {_isolated(I3)!r}, "the isolated discs of the 3 x 3 matrix")
        ### END HIDDEN TESTS
        """),

    markdown("p5_text", f"""
        ## Part 5: what Gershgorin says about diagonal preconditioning (4 points)

        Diagonal (Jacobi) preconditioning replaces $A$ by $D^{{-1}}A$ with $D = \\operatorname{{diag}}(a_{{11}}, \\dots, a_{{nn}})$.
        Write

        * `jacobi_preconditioned(A)`: the matrix $D^{{-1}} A$;
        * `preconditioned_eigenvalue_bounds(A)`: the interval `(low, high)` (a pair) that
          Gershgorin's theorem, with the row discs, applied to $D^{{-1}}A$ gives for its (real)
          eigenvalues, for a symmetric `A` with a positive diagonal;
        * `condition_number_bound(A)`: the bound `high / low` on the condition number of the
          preconditioned matrix that follows (assume `low > 0`).

        Then answer `preconditioning_answer`: after diagonal preconditioning, the discs are
        "a": all centered at 1, with radii that do not depend on how the rows are scaled;
        "b": centered at the old eigenvalues; "c": all of radius 1.

        (For the 3 x 3 matrix of the tests, $\\kappa(A) \\approx$ {COND_A1:.1f}.)
        """),
    answer("p5_preconditioned", """
        def jacobi_preconditioned(A):
            ### BEGIN SOLUTION
            A = np.asarray(A, dtype=float)
            return A / np.diag(A)[:, None]
            ### END SOLUTION


        def preconditioned_eigenvalue_bounds(A):
            ### BEGIN SOLUTION
            A = np.asarray(A, dtype=float)
            rho = max((np.abs(A[i]).sum() - abs(A[i, i])) / abs(A[i, i]) for i in range(len(A)))
            return (1 - rho, 1 + rho)
            ### END SOLUTION


        def condition_number_bound(A):
            ### BEGIN SOLUTION
            low, high = preconditioned_eigenvalue_bounds(A)
            return high / low
            ### END SOLUTION


        ### BEGIN SOLUTION
        preconditioning_answer = "a"
        ### END SOLUTION
        """),
    tests("p5_tests_matrix", 1, f"""
        check_close(jacobi_preconditioned(np.array([[2.0, 1.0], [1.0, 4.0]])), [[1.0, 0.5], [0.25, 1.0]],
                    "D^-1 A for [[2, 1], [1, 4]] (row i divided by a_ii)")
        ### BEGIN HIDDEN TESTS
        check_close(jacobi_preconditioned(np.array({A1!r})), {repr([round(v, 15) for row in _jacobi(A1) for v in row])},
                    "D^-1 A for the 3 x 3 matrix")
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_bounds", 1, f"""
        check_type(preconditioned_eigenvalue_bounds(np.array([[2.0, 1.0], [1.0, 4.0]])), "sequence",
                   "preconditioned_eigenvalue_bounds (the pair (low, high))", length=2)
        check_close(preconditioned_eigenvalue_bounds(np.array([[2.0, 1.0], [1.0, 4.0]])), [0.5, 1.5],
                    "the Gershgorin interval of D^-1 A for [[2, 1], [1, 4]] (the discs of D^-1 A, not of A)")
        ### BEGIN HIDDEN TESTS
        check_close(preconditioned_eigenvalue_bounds(np.array({A1!r})), {repr(_bounds(A1))},
                    "the Gershgorin interval of D^-1 A (3 x 3)")
        check_close(preconditioned_eigenvalue_bounds(np.array({A2!r})), {repr(_bounds(A2))},
                    "the Gershgorin interval of D^-1 A (4 x 4): look at the row with the small diagonal")
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_condition", 1, f"""
        check_number(condition_number_bound(np.array([[2.0, 1.0], [1.0, 4.0]])), "condition_number_bound([[2, 1], [1, 4]])")
        ### BEGIN HIDDEN TESTS
        _bound = condition_number_bound(np.array({A1!r}))
        check_close(_bound, {_cond(A1)!r}, "the condition-number bound after preconditioning (3 x 3)")
        check_close(condition_number_bound(np.array({A3!r})), {_cond(A3)!r},
                    "the condition-number bound after preconditioning (the second 3 x 3 matrix)")
        check_less(_bound, {COND_A1 / 10!r}, "preconditioning should shrink the condition number bound far below kappa(A) = {COND_A1:.1f}")
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_answer", 1, """
        check_one_of(preconditioning_answer, ["a", "b", "c"], "preconditioning_answer (a letter)")
        ### BEGIN HIDDEN TESTS
        check_equal(preconditioning_answer, "a", "preconditioning_answer (the diagonal of D^-1 A is all ones, and row i's radius is r_i / |a_ii|)")
        ### END HIDDEN TESTS
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))

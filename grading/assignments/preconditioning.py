"""The preconditioning assignment: the orthogonal-invariance proof (checked step by step
with sympy), random orthogonal matrices, perturbations, Gershgorin's circle theorem
and the diagonally preconditioned matrix.

Hidden reference values are computed here, offline, with NumPy (no optbook) and
written into the test cells as literals.
"""

import textwrap

import numpy as np

from grading.authoring import SETUP_IMPORTS, answer, intro, lit, markdown, setup, tests, write

NAME = "preconditioning"

A1 = [[4.0, 1.0, 0.5], [1.0, 50.0, 3.0], [0.5, 3.0, 200.0]]
A2 = [[10.0, -2.0, 1.0, 0.0], [-2.0, 8.0, 0.5, 1.0], [1.0, 0.5, 0.3, 0.1], [0.0, 1.0, 0.1, 5.0]]


def _discs(a):
    a = np.asarray(a)
    return [(float(a[i, i]), float(np.abs(a[i]).sum() - abs(a[i, i]))) for i in range(len(a))]


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


EIG_A1 = sorted(np.linalg.eigvalsh(np.asarray(A1)).tolist())
PRE_EIG_A1 = sorted(np.linalg.eigvals(np.asarray(_jacobi(A1))).real.tolist())
COND_A1 = float(np.linalg.cond(np.asarray(A1)))


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
        f'check_type({q}, "ndarray", "random_orthogonal({n}, {seed})", shape=({n}, {n}))',
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
        (2) the same fact checked numerically on random orthogonal matrices, (3) what it means
        for perturbations, (4) Gershgorin's circle theorem and (5) what the theorem says about a
        diagonally preconditioned matrix.
        """),
    setup(SETUP_IMPORTS + "import sympy as sp\n"),

    markdown("p1_text", """
        ## Part 1: an orthogonal matrix keeps lengths — the proof

        Prove $\\|Ox\\|^2 = \\|x\\|^2$ for an orthogonal matrix $O$ ($O^\\top O = I$) as a chain of
        equalities. Write it as a Python list `proof` of sympy expressions built from
        `O`, `x`, `Id` (the identity), `T(a)` (the transpose $a^\\top$) and `sq_norm(v)`
        ($\\|v\\|^2$), imported below. Products are associative on their own:
        `T(x)*(T(O)*O)*x` is the same expression as `T(x)*T(O)*O*x`.

        The chain must start at `sq_norm(O*x)` and end at `sq_norm(x)`. Each step may apply
        exactly **one** of these rules, once, at one place:

        * definition: `sq_norm(v)` = `T(v)*v`;
        * transpose of a product: `T(a*b)` = `T(b)*T(a)` (for any number of factors);
        * double transpose: `T(T(a))` = `a`;
        * orthogonality: `T(O)*O` = `Id`;
        * identity: `Id*a` = `a` = `a*Id`.

        Every step that follows from the one before by one rule earns credit. A wrong step, a
        step that does several things at once, a repeated expression, or a chain that only
        restates the goal earns nothing for that step. You can check your chain with
        `check_chain(proof).summary()`.
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
        ## Part 2: the numbers agree

        Write `random_orthogonal(n, seed)`: a random $n \\times n$ orthogonal matrix (a NumPy
        array of floats) built from the QR decomposition of a matrix of standard normal entries
        drawn with `np.random.default_rng(seed)`. Then write `largest_length_change(n, trials, seed)`:
        draw `trials` pairs (a random orthogonal $O$, a random vector $x$) and return the largest
        $|\\,\\|Ox\\| - \\|x\\|\\,|$ you see (it should be at round-off level).
        """),
    answer("p2_random_orthogonal", """
        def random_orthogonal(n, seed):
            ### BEGIN SOLUTION
            rng = np.random.default_rng(seed)
            q, r = np.linalg.qr(rng.standard_normal((n, n)))
            return q * np.sign(np.diag(r))
            ### END SOLUTION


        def largest_length_change(n, trials, seed):
            ### BEGIN SOLUTION
            rng = np.random.default_rng(seed)
            worst = 0.0
            for _ in range(trials):
                q, r = np.linalg.qr(rng.standard_normal((n, n)))
                x = rng.standard_normal(n)
                worst = max(worst, abs(np.linalg.norm(q @ x) - np.linalg.norm(x)))
            return worst
            ### END SOLUTION
        """),
    tests("p2_tests_visible", 1, f"""
        q = random_orthogonal(3, 0)
        check_type(q, "ndarray", "random_orthogonal(3, 0)", shape=(3, 3))
        check_orthogonal(q, "random_orthogonal(3, 0)", atol=1e-10)
        check_close(np.abs(q), {lit(_abs_orthogonal(3, 0))},
                    "|random_orthogonal(3, 0)| (the QR of default_rng(0).standard_normal((3, 3)), up to column signs)",
                    rtol=1e-9, atol=1e-12)
        """),
    tests("p2_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        {textwrap.indent(P2_HIDDEN, " " * 8).lstrip()}
        check_differ(random_orthogonal(4, 1), random_orthogonal(4, 2),
                     "random_orthogonal(4, 1) and random_orthogonal(4, 2): different seeds should give different matrices")
        check_close(random_orthogonal(4, 3) - random_orthogonal(4, 3), {lit(np.zeros(16))},
                    "random_orthogonal(4, 3) minus itself: the same seed should give the same matrix", atol=1e-12)
        check_close(np.abs(random_orthogonal(4, 3)), {lit(_abs_orthogonal(4, 3))},
                    "|random_orthogonal(4, 3)| (up to column signs)", rtol=1e-9, atol=1e-12)
        check_differ(np.abs(random_orthogonal(4, 5)), {lit(np.eye(4))},
                     "|random_orthogonal(4, 5)| and the identity: the matrix should be random, not (a signed) identity")
        check_close(np.abs(random_orthogonal(4, 5)), {lit(_abs_orthogonal(4, 5))},
                    "|random_orthogonal(4, 5)| (up to column signs)", rtol=1e-9, atol=1e-12)
        _change = largest_length_change(5, 200, 0)
        check_number(_change, "largest_length_change(5, 200, 0)")
        check_less(-1e-300, _change, "largest_length_change(5, 200, 0) is a largest absolute value, so it cannot be negative")
        check_less(_change, 1e-12, "orthogonal matrices keep lengths up to round-off: largest_length_change(5, 200, 0) should be below 1e-12")
        ### END HIDDEN TESTS
        """),

    markdown("p3_text", """
        ## Part 3: perturbations after an orthogonal change of variables

        Let $y = Ox$ with $O$ orthogonal, and perturb $x$ by $\\delta$.

        1. `perturbation_answer`: the perturbation of $y$, $O(x+\\delta) - Ox$, has length
           "a": up to $\\max_{ij}|O_{ij}|$ times $\\|\\delta\\|$; "b": exactly $\\|\\delta\\|$;
           "c": less than $\\|\\delta\\|$; "d": it depends on the direction of $\\delta$.
        2. `reason_answer`: the reason is "a": $O(x+\\delta) - Ox = O\\delta$ and Part 1 applied to
           $\\delta$; "b": $O$ is symmetric; "c": $\\det O = 1$.
        3. `perturbation_size`: compute $\\|O(x+\\delta) - Ox\\|$ for $O$ the rotation by 30°,
           $x = (1, 2)$ and $\\delta = (0.3, -0.4)$.
        4. `rotated_condition_number`: the condition number of the Hessian of
           $g(x) = f(Ox)$ where $f(z) = 0.1 z_1^2 + 2 z_2^2$ and $O$ is the rotation by 45°
           (compute it with NumPy). Compare it with that of $f$.
        """),
    answer("p3_perturbation", """
        ### BEGIN SOLUTION
        perturbation_answer = "b"
        reason_answer = "a"
        _angle = math.pi / 6
        _rot = np.array([[math.cos(_angle), -math.sin(_angle)], [math.sin(_angle), math.cos(_angle)]])
        _x, _delta = np.array([1.0, 2.0]), np.array([0.3, -0.4])
        perturbation_size = float(np.linalg.norm(_rot @ (_x + _delta) - _rot @ _x))
        _angle = math.pi / 4
        _rot = np.array([[math.cos(_angle), -math.sin(_angle)], [math.sin(_angle), math.cos(_angle)]])
        _hessian = _rot.T @ np.diag([0.2, 4.0]) @ _rot
        rotated_condition_number = float(np.linalg.cond(_hessian))
        ### END SOLUTION
        """),
    tests("p3_tests_visible", 1, """
        check(perturbation_answer in ("a", "b", "c", "d"), "perturbation_answer should be 'a', 'b', 'c' or 'd'")
        check(reason_answer in ("a", "b", "c"), "reason_answer should be 'a', 'b' or 'c'")
        check_number(perturbation_size, "perturbation_size")
        check_number(rotated_condition_number, "rotated_condition_number")
        ### BEGIN HIDDEN TESTS
        check_close(perturbation_size, 0.5, "the length of the rotated perturbation", rtol=1e-9)
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_hidden_choices", 1, """
        ### BEGIN HIDDEN TESTS
        check(perturbation_answer == "b", "an orthogonal change of variables keeps the length of every perturbation")
        check(reason_answer == "a", "the difference is O delta, and ||O delta|| = ||delta|| by Part 1")
        ### END HIDDEN TESTS
        """),
    tests("p3_tests_hidden_numbers", 1, """
        ### BEGIN HIDDEN TESTS
        check_close(perturbation_size, 0.5, "the length of the rotated perturbation", rtol=1e-9)
        check_close(rotated_condition_number, 20.0, "the condition number after rotating by 45 degrees", rtol=1e-9)
        ### END HIDDEN TESTS
        """),

    markdown("p4_text", """
        ## Part 4: Gershgorin's circle theorem

        Every eigenvalue of a square matrix $A$ lies in at least one disc centered at a diagonal
        entry $a_{ii}$ with radius $r_i = \\sum_{j \\ne i} |a_{ij}|$. Write

        * `gershgorin_discs(A)`: the list of `(center, radius)` pairs, one per row, for a
          NumPy array `A`;
        * `eigenvalues_in_discs(A)`: `True` if every eigenvalue of `A`
          (`np.linalg.eigvals`) lies in the union of the discs (allow `1e-9` of round-off),
          else `False`.
        """),
    answer("p4_gershgorin", """
        def gershgorin_discs(A):
            ### BEGIN SOLUTION
            A = np.asarray(A, dtype=float)
            return [(float(A[i, i]), float(np.abs(A[i]).sum() - abs(A[i, i]))) for i in range(len(A))]
            ### END SOLUTION


        def eigenvalues_in_discs(A):
            ### BEGIN SOLUTION
            discs = gershgorin_discs(A)
            return all(any(abs(lam - c) <= r + 1e-9 for c, r in discs) for lam in np.linalg.eigvals(A))
            ### END SOLUTION
        """),
    tests("p4_tests_visible", 1, """
        discs = gershgorin_discs(np.array([[2.0, -1.0], [0.5, 3.0]]))
        check_close(discs, [(2.0, 1.0), (3.0, 0.5)], "the discs of [[2, -1], [0.5, 3]]")
        """),
    tests("p4_tests_hidden", 2, f"""
        ### BEGIN HIDDEN TESTS
        check_close(gershgorin_discs(np.array({A1!r})), {flat(_discs(A1))}, "the discs of the 3 x 3 matrix")
        check_close(gershgorin_discs(np.array({A2!r})), {flat(_discs(A2))}, "the discs of the 4 x 4 matrix")
        check(eigenvalues_in_discs(np.array({A1!r})) is True, "the eigenvalues of the 3 x 3 matrix lie in its discs")
        check(eigenvalues_in_discs(np.array({A2!r})) is True, "the eigenvalues of the 4 x 4 matrix lie in its discs")
        check(eigenvalues_in_discs(np.array([[0.0, 1.0], [-1.0, 0.0]])) is True,
              "complex eigenvalues (+-i) lie in the discs too: |i - 0| <= 1")
        ### END HIDDEN TESTS
        """),

    markdown("p5_text", f"""
        ## Part 5: what Gershgorin says about diagonal preconditioning

        Diagonal (Jacobi) preconditioning replaces $A$ by $D^{{-1}}A$ with $D = \\operatorname{{diag}}(a_{{11}}, \\dots, a_{{nn}})$.
        Write

        * `jacobi_preconditioned(A)`: the matrix $D^{{-1}} A$;
        * `preconditioned_eigenvalue_bounds(A)`: the interval `(low, high)` that Gershgorin's theorem
          applied to $D^{{-1}}A$ gives for its (real) eigenvalues, for a symmetric positive definite $A$;
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
    tests("p5_tests_visible", 1, """
        P = jacobi_preconditioned(np.array([[2.0, 1.0], [1.0, 4.0]]))
        check_close(P, [[1.0, 0.5], [0.25, 1.0]], "D^-1 A for [[2, 1], [1, 4]]")
        check(preconditioning_answer in ("a", "b", "c"), "preconditioning_answer should be 'a', 'b' or 'c'")
        """),
    tests("p5_tests_hidden_matrix", 1, f"""
        ### BEGIN HIDDEN TESTS
        check_close(jacobi_preconditioned(np.array({A1!r})), {repr([round(v, 15) for row in _jacobi(A1) for v in row])},
                    "D^-1 A for the 3 x 3 matrix")
        check_close(preconditioned_eigenvalue_bounds(np.array({A1!r})), {repr(_bounds(A1))},
                    "the Gershgorin interval of D^-1 A (3 x 3)")
        check_close(preconditioned_eigenvalue_bounds(np.array({A2!r})), {repr(_bounds(A2))},
                    "the Gershgorin interval of D^-1 A (4 x 4): look at the row with the small diagonal")
        ### END HIDDEN TESTS
        """),
    tests("p5_tests_hidden_condition", 1, f"""
        ### BEGIN HIDDEN TESTS
        _bound = condition_number_bound(np.array({A1!r}))
        check_close(_bound, {_cond(A1)!r}, "the condition-number bound after preconditioning (3 x 3)")
        check_less(_bound, {COND_A1 / 10!r}, "preconditioning should shrink the condition number bound far below kappa(A) = {COND_A1:.1f}")
        _interval = preconditioned_eigenvalue_bounds(np.array({A1!r}))
        check_type(_interval, "sequence", "the interval (low, high) of D^-1 A (3 x 3)", length=2)
        check_less(_interval[0], {min(PRE_EIG_A1) + 1e-9!r}, "the eigenvalues of D^-1 A should lie in your interval: its low end")
        check_less({max(PRE_EIG_A1) - 1e-9!r}, _interval[1], "the eigenvalues of D^-1 A should lie in your interval: its high end")
        check(preconditioning_answer == "a", "the diagonal of D^-1 A is all ones, and row i's radius is r_i / |a_ii|")
        ### END HIDDEN TESTS
        """),
]

if __name__ == "__main__":
    print(write(NAME, cells))

"""The preconditioning assignment, solved as students solve it."""

from fairness import correct, wrong

PROOF_GROUPED = """
from optbook.proofs import O, x, Id, T, sq_norm, check_chain

proof = [sq_norm(O*x), T(O*x)*O*x, T(x)*(T(O)*O)*x, T(x)*(Id*x), T(x)*x, sq_norm(x)]
print(check_chain(proof).summary())
"""

PROOF_BUILT = """
from optbook.proofs import O, x, Id, T, sq_norm, check_chain

v = O * x
proof = [sq_norm(v)]
proof.append(T(v) * v)
proof.append(T(x) * T(O) * O * x)
proof.append(T(x) * Id * x)
proof.append(T(x) * x)
proof.append(sq_norm(x))
proof = list(proof)
"""

TORCH_P2 = """
def random_orthogonal(n, seed):
    a = torch.from_numpy(np.random.default_rng(seed).standard_normal((n, n)))
    q, r = torch.linalg.qr(a)
    return q.numpy()


def length_ratios(M, X):
    M = torch.as_tensor(M, dtype=torch.float32)
    X = torch.as_tensor(X, dtype=torch.float32)
    return torch.linalg.norm(X @ M.T, dim=1) / torch.linalg.norm(X, dim=1)
"""

LOOPS_P2 = """
def random_orthogonal(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    q, _ = np.linalg.qr(a)
    return q


def length_ratios(M, X):
    ratios = []
    for row in X:
        ratios.append(math.sqrt(sum(v * v for v in M @ row)) / math.sqrt(sum(v * v for v in row)))
    return ratios
"""

NUMPY_P3 = """
perturbation_answer = "B"
reason_answer = "a "
theta = np.radians(30)
O = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
H = np.array([[0.2, 0.3], [0.3, 4.0]])
rotated_hessian = O.T @ H @ O
eigenvalues = np.linalg.eigvalsh(rotated_hessian)
rotated_condition_number = eigenvalues.max() / eigenvalues.min()
"""

SYMPY_P3 = """
perturbation_answer = 'b'
reason_answer = 'a'
x1, x2 = sp.symbols("x1 x2")
theta = sp.pi / 6
z1 = sp.cos(theta) * x1 - sp.sin(theta) * x2
z2 = sp.sin(theta) * x1 + sp.cos(theta) * x2
g = sp.Rational(1, 10) * z1**2 + sp.Rational(3, 10) * z1 * z2 + 2 * z2**2
rotated_hessian = np.array(sp.hessian(g, (x1, x2)).evalf(), dtype=float).tolist()
rotated_condition_number = np.linalg.cond(np.array(rotated_hessian))
"""

TORCH_P3 = """
perturbation_answer = "b"
reason_answer = "a"
theta = torch.tensor(math.pi / 6)
O = torch.stack([torch.stack([torch.cos(theta), -torch.sin(theta)]),
                 torch.stack([torch.sin(theta), torch.cos(theta)])])
H = torch.tensor([[0.2, 0.3], [0.3, 4.0]])
rotated_hessian = O.T @ H @ O
rotated_condition_number = torch.linalg.cond(rotated_hessian)
"""

VECTOR_P4 = """
def column_discs(A):
    A = np.asarray(A)
    centers = np.diag(A)
    radii = np.abs(A).sum(axis=0) - np.abs(centers)
    return list(zip(centers, radii))


def isolated_discs(A):
    A = np.asarray(A)
    c = np.diag(A)
    r = np.abs(A).sum(axis=1) - np.abs(c)
    meets = np.abs(c[:, None] - c[None, :]) <= r[:, None] + r[None, :]
    np.fill_diagonal(meets, False)
    return np.flatnonzero(~meets.any(axis=1))
"""

LOOPS_P4 = """
def column_discs(A):
    n = len(A)
    discs = []
    for j in range(n):
        radius = 0.0
        for i in range(n):
            if i != j:
                radius += abs(A[i][j])
        discs.append([A[j][j], radius])
    return discs


def isolated_discs(A):
    n = len(A)
    radius = [sum(abs(A[i][j]) for j in range(n) if j != i) for i in range(n)]
    out = []
    for i in range(n):
        alone = True
        for j in range(n):
            if j != i and abs(A[i][i] - A[j][j]) <= radius[i] + radius[j]:
                alone = False
        if alone:
            out.append(i)
    return tuple(out)
"""

TORCH_P4 = """
def column_discs(A):
    A = torch.as_tensor(A)
    return [(A[j, j].item(), (A[:, j].abs().sum() - A[j, j].abs()).item()) for j in range(A.shape[0])]


def isolated_discs(A):
    from optbook.linalg import gershgorin_discs

    discs = gershgorin_discs(A)
    return [i for i, (c, r) in enumerate(discs)
            if not any(abs(c - c2) <= r + r2 for j, (c2, r2) in enumerate(discs) if j != i)]
"""

VECTOR_P5 = """
def jacobi_preconditioned(A):
    return np.diag(1 / np.diag(A)) @ A


def preconditioned_eigenvalue_bounds(A):
    P = jacobi_preconditioned(A)
    radii = np.abs(P).sum(axis=1) - np.abs(np.diag(P))
    return np.array([np.min(np.diag(P) - radii), np.max(np.diag(P) + radii)])


def condition_number_bound(A):
    low, high = preconditioned_eigenvalue_bounds(A)
    return high / low


preconditioning_answer = "A"
"""

TORCH_P5 = """
def jacobi_preconditioned(A):
    A = torch.as_tensor(A, dtype=torch.float32)
    return A / torch.diagonal(A).unsqueeze(1)


def preconditioned_eigenvalue_bounds(A):
    P = jacobi_preconditioned(A)
    rho = (P.abs().sum(dim=1) - 1).max()
    return [1 - rho, 1 + rho]


def condition_number_bound(A):
    low, high = preconditioned_eigenvalue_bounds(A)
    return (high / low).item()


preconditioning_answer = "a"
"""


def _p3(hessian, condition="float(np.linalg.cond(rotated_hessian))"):
    return f"""
perturbation_answer = "b"
reason_answer = "a"
t = math.pi / 6
O = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
H = np.array([[0.2, 0.3], [0.3, 4.0]])
rotated_hessian = {hessian}
rotated_condition_number = {condition}
"""


VARIANTS = [
    correct("numpy-vectorised", "NumPy throughout: letters in other cases, eigvalsh for the "
            "condition number, np.flatnonzero for the indices, the interval as an array",
            p1_proof=PROOF_GROUPED, p2_random_orthogonal=LOOPS_P2, p3_perturbation=NUMPY_P3,
            p4_gershgorin=VECTOR_P4, p5_preconditioned=VECTOR_P5),
    correct("torch-float32", "torch where the text allows it (float32 ratios, Hessian and "
            "preconditioned matrix), torch's QR with other column signs",
            p1_proof=PROOF_BUILT, p2_random_orthogonal=TORCH_P2, p3_perturbation=TORCH_P3,
            p4_gershgorin=TORCH_P4, p5_preconditioned=TORCH_P5),
    correct("sympy-and-loops", "the Hessian with sympy, plain loops and lists of lists, "
            "a tuple of indices", p3_perturbation=SYMPY_P3, p4_gershgorin=LOOPS_P4),

    wrong("proof-false-step", "a wrong transpose (T(O x) = T(O) T(x)), then the right steps",
          ["p1_tests_step2", "p1_tests_step3", "p1_tests_step4", "p1_tests_complete"],
          says={"p1_tests_step2": "false step", "p1_tests_complete": "not true"},
          p1_proof="""
from optbook.proofs import O, x, Id, T, sq_norm, check_chain

proof = [sq_norm(O * x), T(O * x) * O * x, T(O) * T(x) * O * x, T(x) * T(O) * O * x,
         T(x) * Id * x, T(x) * x, sq_norm(x)]
"""),
    wrong("proof-restates-goal", "a chain that only restates what is to be proved", "p1",
          says={"p1_tests_visible": "skips steps", "p1_tests_step1": "0 valid step"},
          p1_proof="""
from optbook.proofs import O, x, Id, T, sq_norm, check_chain

proof = [sq_norm(O * x), sq_norm(x)]
"""),
    wrong("proof-padded-with-id", "one real step, then steps that only insert Id",
          ["p1_tests_step2", "p1_tests_step3", "p1_tests_step4", "p1_tests_complete"],
          says={"p1_tests_step2": "closer to ||x||^2"},
          p1_proof="""
from optbook.proofs import O, x, Id, T, sq_norm, check_chain

proof = [sq_norm(O * x), T(O * x) * O * x, T(O * x) * Id * O * x, T(O * x) * Id * Id * O * x,
         T(O * x) * Id * Id * Id * O * x, sq_norm(x)]
"""),
    wrong("legacy-seed", "np.random.seed and randn instead of default_rng(seed)",
          ["p2_tests_visible", "p2_tests_hidden"],
          says={"p2_tests_visible": "default_rng", "p2_tests_hidden": "not the expected value"},
          visible={"p2_tests_visible": "up to column signs"},
          p2_random_orthogonal="""
def random_orthogonal(n, seed):
    np.random.seed(seed)
    q, _ = np.linalg.qr(np.random.randn(n, n))
    return q


def length_ratios(M, X):
    return [np.linalg.norm(M @ x) / np.linalg.norm(x) for x in X]
"""),
    wrong("ratios-of-rows-times-m", "X @ M: multiplies each row by M from the right, which is "
          "M^T x", "p2_tests_ratios", says={"p2_tests_ratios": "not symmetric"},
          visible={"p2_tests_ratios": "X @ M.T"},
          p2_random_orthogonal="""
def random_orthogonal(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q


def length_ratios(M, X):
    return np.linalg.norm(X @ M, axis=1) / np.linalg.norm(X, axis=1)
"""),
    wrong("squared-ratios", "ratios of squared lengths", "p2_tests_ratios",
          says={"p2_tests_ratios": "length_ratios"},
          visible={"p2_tests_ratios": "not of squared lengths"},
          p2_random_orthogonal="""
def random_orthogonal(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q


def length_ratios(M, X):
    X = np.asarray(X)
    return np.sum((X @ M.T) ** 2, axis=1) / np.sum(X ** 2, axis=1)
"""),
    wrong("angle-in-degrees", "np.cos(30): the rotation by 30 radians (still orthogonal, so the "
          "condition number is right)", "p3_tests_hessian",
          says={"p3_tests_hessian": "radians"}, visible={"p3_tests_hessian": "radians"},
          p3_perturbation="""
perturbation_answer = "b"
reason_answer = "a"
O = np.array([[np.cos(30), -np.sin(30)], [np.sin(30), np.cos(30)]])
rotated_hessian = O.T @ np.array([[0.2, 0.3], [0.3, 4.0]]) @ O
rotated_condition_number = np.linalg.cond(rotated_hessian)
"""),
    wrong("hessian-o-h-ot", "O H O^T instead of O^T H O", "p3_tests_hessian",
          says={"p3_tests_hessian": "O^T H O"}, visible={"p3_tests_hessian": "O^T H O"},
          p3_perturbation=_p3("O @ H @ O.T")),
    wrong("hessian-without-factor-2", "the Hessian of 0.1 z1^2 taken as 0.1 (and of 2 z2^2 as 2)",
          ["p3_tests_hessian", "p3_tests_condition"],
          says={"p3_tests_hessian": "Hessian of f", "p3_tests_condition": "condition number"},
          p3_perturbation=_p3("O.T @ np.array([[0.1, 0.3], [0.3, 2.0]]) @ O")),
    wrong("letters-det", "the length is kept because det O = 1", "p3_tests_reason",
          says={"p3_tests_reason": "reason_answer"}, p3_perturbation=_p3(
              "O.T @ H @ O").replace('reason_answer = "a"', 'reason_answer = "c"')),
    wrong("row-discs-for-columns", "the row discs where the column discs are asked for",
          "p4_tests_columns", says={"p4_tests_columns": "column discs"},
          visible={"p4_tests_columns": "other entries of column j"},
          p4_gershgorin="""
def column_discs(A):
    return [(A[i, i], np.abs(A[i]).sum() - abs(A[i, i])) for i in range(len(A))]


def isolated_discs(A):
    d = [(A[i, i], np.abs(A[i]).sum() - abs(A[i, i])) for i in range(len(A))]
    return [i for i in range(len(d))
            if all(abs(d[i][0] - d[j][0]) > d[i][1] + d[j][1] for j in range(len(d)) if j != i)]
"""),
    wrong("isolated-neighbours-only", "compares each disc with the discs of the rows next to it",
          "p4_tests_isolated", says={"p4_tests_isolated": "compare every pair"},
          p4_gershgorin="""
def column_discs(A):
    return [(A[j, j], np.abs(A[:, j]).sum() - abs(A[j, j])) for j in range(len(A))]


def isolated_discs(A):
    c = np.diag(A)
    r = np.abs(A).sum(axis=1) - np.abs(c)
    out = []
    for i in range(len(A)):
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(A)]
        if all(abs(c[i] - c[j]) > r[i] + r[j] for j in near):
            out.append(i)
    return out
"""),
    wrong("isolated-own-radius", "a disc meets another only if the other center is inside it",
          "p4_tests_isolated", says={"p4_tests_isolated": "both radii"},
          visible={"p4_tests_isolated": "both radii"},
          p4_gershgorin="""
def column_discs(A):
    return [(A[j, j], np.abs(A[:, j]).sum() - abs(A[j, j])) for j in range(len(A))]


def isolated_discs(A):
    c = np.diag(A)
    r = np.abs(A).sum(axis=1) - np.abs(c)
    return [i for i in range(len(A)) if all(abs(c[i] - c[j]) > r[i] for j in range(len(A)) if j != i)]
"""),
    wrong("bounds-from-a", "the Gershgorin interval of A, not of D^-1 A",
          ["p5_tests_bounds", "p5_tests_condition"],
          says={"p5_tests_bounds": "Gershgorin interval of D^-1 A",
                "p5_tests_condition": "condition-number bound"},
          visible={"p5_tests_bounds": "not of A"},
          p5_preconditioned="""
def jacobi_preconditioned(A):
    return A / np.diag(A)[:, None]


def preconditioned_eigenvalue_bounds(A):
    r = np.abs(A).sum(axis=1) - np.abs(np.diag(A))
    return (min(np.diag(A) - r), max(np.diag(A) + r))


def condition_number_bound(A):
    low, high = preconditioned_eigenvalue_bounds(A)
    return high / low


preconditioning_answer = "a"
"""),
    wrong("scaled-columns", "divides column j by a_jj (A D^-1) instead of row i by a_ii",
          ["p5_tests_matrix", "p5_tests_bounds", "p5_tests_condition"],
          says={"p5_tests_matrix": "row i divided by a_ii"},
          visible={"p5_tests_matrix": "row i divided by a_ii"},
          p5_preconditioned="""
def jacobi_preconditioned(A):
    return A / np.diag(A)


def preconditioned_eigenvalue_bounds(A):
    P = jacobi_preconditioned(A)
    rho = max(np.abs(P[i]).sum() - 1 for i in range(len(P)))
    return 1 - rho, 1 + rho


def condition_number_bound(A):
    low, high = preconditioned_eigenvalue_bounds(A)
    return high / low


preconditioning_answer = "a"
"""),
]

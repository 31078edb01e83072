"""The convergence assignment, solved as students solve it."""

from fairness import correct, wrong

IMPORT = "from optbook.derivations import eta, lam, c, c0, t, mu, L, evaluate\n"


def _derivation(gradient="lam * c", update="c - eta * lam * c",
                after="(1 - eta * lam) ** t * c0",
                gap="lam / 2 * ((1 - eta * lam) ** t * c0) ** 2",
                worst="sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))"):
    return IMPORT + f"""
gradient_coordinate = {gradient}
next_coordinate = {update}
coordinate_after_t = {after}
gap_after_t = {gap}
worst_factor = {worst}
"""


DERIVATION_OWN_SYMBOLS = """
from optbook.derivations import evaluate
import sympy

eta, lam, c, c0, t, mu, L = sympy.symbols("eta lam c c0 t mu L", positive=True)
gradient_coordinate = c * lam
next_coordinate = (1 - eta * lam) * c
coordinate_after_t = c0 * (1 - eta * lam) ** t
gap_after_t = sympy.Rational(1, 2) * lam * c0 ** 2 * (1 - eta * lam) ** (2 * t)
worst_factor = sympy.Max(1 - eta * mu, eta * L - 1)
"""

DERIVATION_SUBS = IMPORT + """
gradient_coordinate = lam * c
next_coordinate = sp.expand(c - eta * gradient_coordinate)
coordinate_after_t = next_coordinate.subs(c, c0) / (1 - eta * lam) * (1 - eta * lam) ** t
gap_after_t = sp.Rational(1, 2) * lam * coordinate_after_t ** 2
worst_factor = sp.Piecewise((1 - eta * mu, eta * (mu + L) <= 2), (eta * L - 1, True))
"""

PROJECT_NUMPY_SIMPLEX = """
def project_halfspace(y, a, b):
    excess = np.dot(a, y) - b
    if excess <= 0:
        return y
    return y - excess * a / np.dot(a, a)


def project_l1_ball(y, radius):
    if np.sum(np.abs(y)) <= radius:
        return y
    from optbook.projections import project_simplex
    on_simplex = project_simplex(torch.tensor(np.abs(y) / radius)).numpy() * radius
    return np.sign(y) * on_simplex
"""

PROJECT_TORCH_FLOAT32 = """
def project_halfspace(y, a, b):
    y = torch.tensor(y, dtype=torch.float32)
    a = torch.tensor(a, dtype=torch.float32)
    step = torch.clamp((a @ y - b) / (a @ a), min=0.0)
    return y - step * a


def project_l1_ball(y, radius):
    y = torch.tensor(y, dtype=torch.float32)
    if y.abs().sum() <= radius:
        return y
    u = torch.sort(y.abs(), descending=True).values
    k = torch.arange(1, len(u) + 1, dtype=torch.float32)
    excess = torch.cumsum(u, 0) - radius
    rho = int((u - excess / k > 0).sum())
    tau = excess[rho - 1] / rho
    return torch.sign(y) * torch.clamp(y.abs() - tau, min=0.0)
"""

PROJECT_LOOPS_BISECTION = """
def project_halfspace(y, a, b):
    y, a = list(y), list(a)
    dot = sum(yi * ai for yi, ai in zip(y, a))
    norm2 = sum(ai * ai for ai in a)
    shift = max(dot - b, 0) / norm2
    return [yi - shift * ai for yi, ai in zip(y, a)]


def project_l1_ball(y, radius):
    if sum(abs(v) for v in y) <= radius:
        return list(y)
    low, high = 0.0, max(abs(v) for v in y)
    for _ in range(200):
        tau = (low + high) / 2
        if sum(max(abs(v) - tau, 0.0) for v in y) > radius:
            low = tau
        else:
            high = tau
    tau = (low + high) / 2
    return [math.copysign(max(abs(v) - tau, 0.0), v) for v in y]
"""

RUN_TORCH_FLOAT32 = """
lams = torch.tensor([0.2, 0.5, 1.0, 2.0])
from optbook.convergence import gradient_descent

path = gradient_descent(lambda x: lams * x, torch.ones(4), lr=0.96, steps=100)
distances = path.norm(dim=1)
measured_rate = (distances[20] / distances[10]) ** 0.1
bound_rate = max(abs(1 - 0.96 * 0.2), abs(1 - 0.96 * 2.0))
dominant_eigenvalue = lams[path[-1].abs().argmax()].item()
"""

RUN_SYMPY_BOUND = """
import numpy as np
h = np.diag([0.2, 0.5, 1.0, 2.0])
xs = [np.ones(4)]
for step in range(100):
    xs.append(xs[-1] - 0.96 * h @ xs[-1])
distances = np.array([np.sqrt(x @ x) for x in xs])
measured_rate = np.exp((np.log(distances[20]) - np.log(distances[10])) / 10)
bound_rate = evaluate(worst_factor, eta=0.96, mu=0.2, L=2.0)
dominant_eigenvalue = np.diag(h)[np.argmax(np.abs(xs[100]))]
"""


def _run(distances="[float(np.linalg.norm(x)) for x in _xs]",
         rate="(distances[20] / distances[10]) ** (1 / 10)",
         bound="max(abs(1 - 0.96 * 0.2), abs(1 - 0.96 * 2.0))",
         dominant="[0.2, 0.5, 1.0, 2.0][int(np.argmax(np.abs(_xs[-1])))]", steps=100):
    return f"""
_lams = np.array([0.2, 0.5, 1.0, 2.0])
_xs = [np.ones(4)]
for _ in range({steps}):
    _xs.append(_xs[-1] - 0.96 * _lams * _xs[-1])
distances = {distances}
measured_rate = {rate}
bound_rate = {bound}
dominant_eigenvalue = {dominant}
"""


STEPS = [f"p1_tests_step{k}" for k in range(1, 6)]

VARIANTS = [
    correct("numpy-simplex-own-symbols", "own positive symbols, sp.Rational, Max without Abs "
            "(max(1 - eta mu, eta L - 1), equal for mu <= L), an l1 projection through optbook's simplex, a NumPy loop",
            p1_derivation=DERIVATION_OWN_SYMBOLS, p2_projections=PROJECT_NUMPY_SIMPLEX,
            p3_run=_run()),
    correct("torch-float32", "float32 tensors for the projections and the run with "
            "optbook.convergence.gradient_descent; the derivation as printed in the text",
            p1_derivation=_derivation(), p2_projections=PROJECT_TORCH_FLOAT32,
            p3_run=RUN_TORCH_FLOAT32),
    correct("lists-bisection-piecewise", "plain lists and loops, tau found by bisection, the "
            "derivation built with subs and a Piecewise worst factor, the bound from Part 1",
            p1_derivation=DERIVATION_SUBS, p2_projections=PROJECT_LOOPS_BISECTION,
            p3_run=RUN_SYMPY_BOUND),

    wrong("after-t-off-by-one", "(1 - eta lam)^(t + 1) c0: one step too many", STEPS[2:],
          says={"p1_tests_step3": "coordinate_after_t", "p1_tests_step4": "coordinate_after_t",
                "p1_tests_step5": "coordinate_after_t"},
          visible={"p1_tests_step3": "count the steps from 0"},
          p1_derivation=_derivation(after="(1 - eta * lam) ** (t + 1) * c0")),
    wrong("gap-without-square", "lam / 2 times the coordinate's factor, not its square",
          STEPS[3:], says={"p1_tests_step4": "gap_after_t", "p1_tests_step5": "gap_after_t"},
          visible={"p1_tests_step4": "square the whole coordinate"},
          p1_derivation=_derivation(gap="lam / 2 * (1 - eta * lam) ** t * c0 ** 2")),
    wrong("worst-one-minus-mu-over-L", "1 - mu/L: the factor of eta = 1/L, for every eta",
          ["p1_tests_step5", "p3_tests_bound"],
          says={"p1_tests_step5": "worst_factor", "p3_tests_bound": "1 - mu/L"},
          visible={"p1_tests_step5": "1 - mu/L is the factor of eta = 1/L only"},
          p1_derivation=_derivation(worst="1 - mu / L"),
          p3_run=_run(bound="1 - 0.2 / 2.0")),
    wrong("goal-for-every-step", "the final rate written for every step", "p1",
          says={"p1_tests_step1": "gradient_coordinate"},
          visible={"p1_tests_step1": "gradient_coordinate"},
          p1_derivation=IMPORT + "\n".join(
              f"{name} = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))" for name in
              ("gradient_coordinate", "next_coordinate", "coordinate_after_t", "gap_after_t",
               "worst_factor"))),
    wrong("halfspace-moves-inside-points", "projects onto the hyperplane a^T x = b even from inside",
          ["p2_tests_halfspace_visible", "p2_tests_halfspace_hidden"],
          says={"p2_tests_halfspace_visible": "its own projection",
                "p2_tests_halfspace_hidden": "points inside and outside"},
          visible={"p2_tests_halfspace_visible": "its own projection"},
          p2_projections=PROJECT_NUMPY_SIMPLEX.replace("    if excess <= 0:\n        return y\n", "")),
    wrong("halfspace-divides-by-norm", "divides by ||a|| instead of ||a||^2",
          "p2_tests_halfspace_hidden", says={"p2_tests_halfspace_hidden": "||a||^2"},
          visible={"p2_tests_halfspace_hidden": "||a||^2"},
          p2_projections=PROJECT_NUMPY_SIMPLEX.replace("np.dot(a, a)", "np.sqrt(np.dot(a, a))")),
    wrong("l1-rescales", "scales y down onto the l1 sphere: in the set, but not the nearest point",
          ["p2_tests_l1_visible", "p2_tests_l1_hidden"],
          says={"p2_tests_l1_visible": "tau", "p2_tests_l1_hidden": "not y scaled down"},
          visible={"p2_tests_l1_visible": "tau"},
          p2_projections=PROJECT_NUMPY_SIMPLEX.split("def project_l1_ball")[0] + """
def project_l1_ball(y, radius):
    size = np.sum(np.abs(y))
    return y if size <= radius else y * radius / size
"""),
    wrong("l1-forgets-signs", "projects |y| and returns it without the signs",
          ["p2_tests_l1_visible", "p2_tests_l1_hidden"],
          says={"p2_tests_l1_visible": "keep the signs", "p2_tests_l1_hidden": "sign(y)"},
          visible={"p2_tests_l1_visible": "keep the signs"},
          p2_projections=PROJECT_NUMPY_SIMPLEX.replace("return np.sign(y) * on_simplex",
                                                       "return on_simplex")),
    wrong("distances-without-start", "the distances of x_1 .. x_100, x_0 left out",
          ["p3_tests_distances", "p3_tests_measured"],
          says={"p3_tests_distances": "the start included", "p3_tests_measured": "measured_rate"},
          visible={"p3_tests_distances": "the start included"},
          p3_run=_run(distances="[float(np.linalg.norm(x)) for x in _xs[1:]]")),
    wrong("measured-is-the-bound", "the bound's factor given as the measured rate",
          "p3_tests_measured", says={"p3_tests_measured": "not the bound's factor"},
          p3_run=_run(rate="0.92")),
    wrong("dominant-is-mu", "the smallest eigenvalue, as for eta = 1/L", "p3_tests_dominant",
          says={"p3_tests_dominant": "dominant_eigenvalue"},
          p3_run=_run(dominant="0.2")),
]

"""momentum, solved as students solve it: three correct ways and the typical mistakes."""

from fairness import correct, wrong

# ---------------------------------------------------------------- answer cells, correct
P1_TORCH = """
def heavy_ball(f_grad, x0, lr, beta, steps):
    x = torch.nn.Parameter(torch.tensor(x0))          # float32
    opt = torch.optim.SGD([x], lr=lr, momentum=beta)  # v = beta v + g, x = x - lr v
    path = [x.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        g1, g2 = f_grad(float(x[0]), float(x[1]))
        x.grad = torch.tensor([g1, g2], dtype=x.dtype)
        opt.step()
        path.append(x.detach().clone())
    return torch.stack(path)
"""

P1_SIGN = """
def heavy_ball(f_grad, x0, lr, beta, steps):
    # the other sign convention: v = beta v - lr g, x = x + v (v is -lr times the text's v)
    x1, x2 = x0
    v1 = v2 = 0.0
    path = [(x1, x2)]
    for _ in range(steps):
        g1, g2 = f_grad(x1, x2)
        v1, v2 = beta * v1 - lr * g1, beta * v2 - lr * g2
        x1, x2 = x1 + v1, x2 + v2
        path.append((x1, x2))
    return path
"""

P1_NUMPY = """
def heavy_ball(f_grad, x0, lr, beta, steps):
    out = np.empty((steps + 1, 2))
    out[0] = x0
    v = np.zeros(2)
    for k in range(steps):
        v *= beta
        v += f_grad(out[k, 0], out[k, 1])
        out[k + 1] = out[k] - lr * v
    return out
"""

P2_NUMPY = """
def gradient_weights(beta, t):
    return beta ** np.arange(t - 1, -1, -1)


def effective_lr(lr, beta, t):
    return np.float64(lr) * np.sum(beta ** np.arange(t))


def beta_for(lr, target):
    return (target - lr) / target
"""

P2_SERIES = """
def gradient_weights(beta, t):
    weights = []
    for s in range(1, t + 1):
        weights.append(beta ** (t - s))
    return weights


def effective_lr(lr, beta, t):
    # the velocity of a constant unit gradient, built up step by step
    v = 0.0
    for _ in range(t):
        v = beta * v + 1.0
    return lr * v


def beta_for(lr, target):
    return 1.0 - lr / target
"""

P2_LIBRARY = """
from optbook import momentum_theory


def gradient_weights(beta, t):
    return list(momentum_theory.leaky_weights(beta, t)[::-1])


def effective_lr(lr, beta, t):
    return lr * momentum_theory.leaky_weights(beta, t).sum()


def beta_for(lr, target):
    # target = lr / (1 - beta)
    return 1 - lr / target
"""

P3_LIBRARY = """
from optbook import momentum_theory


def momentum_matrix(lr, beta, lam):
    # the chapter's matrix is for (v, x); reversing both axes gives (x, v)
    return np.flip(momentum_theory.iteration_matrix(lr, beta, lam))


def spectral_radius(M):
    return np.abs(np.linalg.eigvals(M)).max()


def largest_stable_lr(beta, lam):
    return (2 + 2 * beta) / lam


betas = np.array([0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95])
stable_betas = betas[[spectral_radius(momentum_matrix(0.6, b, 4.0)) < 1 for b in betas]]
"""

P3_BISECTION = """
def momentum_matrix(lr, beta, lam):
    return np.array([[1.0 - lr * lam, -lr * beta],
                     [lam, beta]])


def spectral_radius(M):
    M = np.asarray(M, dtype=float)
    roots = np.roots([1.0, -np.trace(M), np.linalg.det(M)])
    return max(abs(z) for z in roots)


def largest_stable_lr(beta, lam):
    lo, hi = 1e-6 / lam, 100.0 / lam
    for _ in range(200):
        mid = (lo + hi) / 2
        if spectral_radius(momentum_matrix(mid, beta, lam)) < 1:
            lo = mid
        else:
            hi = mid
    return lo


stable_betas = tuple(b for b in (0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95)
                     if spectral_radius(momentum_matrix(0.6, b, 4.0)) < 1)
"""

P3_TORCH = """
def momentum_matrix(lr, beta, lam):
    # x' = x - lr (beta v + lam x) = (1 - lr lam) x - lr beta v;  v' = lam x + beta v
    return torch.tensor([[1 - lr * lam, -lr * beta], [lam, beta]], dtype=torch.float64).numpy()


def spectral_radius(M):
    return torch.linalg.eigvals(torch.as_tensor(M)).abs().max().item()


def largest_stable_lr(beta, lam):
    return 2 * (1 + beta) / lam


stable_betas = []
for b in [0.0, 0.1, 0.15, 0.3, 0.5, 0.9, 0.95]:
    if spectral_radius(momentum_matrix(0.6, b, 4.0)) < 1:
        stable_betas.append(b)
"""

P4_LIBRARY = """
from optbook import momentum_theory


def gd_rate(mu, L):
    return (L - mu) / (L + mu)


def heavy_ball_rate(mu, L):
    lr, beta = momentum_theory.optimal_parameters(mu, L)
    return math.sqrt(beta)


def steps_needed(rate, factor):
    k, power = 0, 1.0
    while power > factor:
        power *= rate
        k += 1
    return k


steps_gd = steps_needed(gd_rate(1, 100), 0.001)
steps_momentum = steps_needed(heavy_ball_rate(1, 100), 0.001)
"""

P4_SPECTRAL = """
def gd_rate(mu, L):
    kappa = L / mu
    return (kappa - 1) / (kappa + 1)


def heavy_ball_rate(mu, L):
    # the worst spectral radius over the curvatures at the best parameters (a double root)
    lr = 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    beta = ((math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu))) ** 2
    return max(spectral_radius(momentum_matrix(lr, beta, lam)) for lam in (mu, L))


def steps_needed(rate, factor):
    return math.ceil(math.log(factor, rate))


steps_gd = steps_needed(gd_rate(1.0, 100.0), 1e-3)
steps_momentum = steps_needed(heavy_ball_rate(1.0, 100.0), 1e-3)
"""

P4_NUMPY = """
def gd_rate(mu, L):
    return np.float64((L / mu - 1) / (L / mu + 1))


def heavy_ball_rate(mu, L):
    return (np.sqrt(L / mu) - 1) / (np.sqrt(L / mu) + 1)


def steps_needed(rate, factor):
    return np.ceil(np.log(factor) / np.log(rate))


steps_gd = steps_needed(gd_rate(1.0, 100.0), 1e-3)
steps_momentum = steps_needed(heavy_ball_rate(1.0, 100.0), 1e-3)
"""

VARIANTS = [
    correct("torch-sgd-float32", "torch.optim.SGD(momentum=beta) on a float32 tensor (returned as a tensor), NumPy "
            "weights, the chapter's matrix reordered with np.flip, a NumPy array of stable betas, "
            "optimal_parameters for the rate, steps by repeated multiplication",
            p1_heavy_ball=P1_TORCH, p2_effective=P2_NUMPY, p3_stability=P3_LIBRARY,
            p4_rates=P4_LIBRARY),
    correct("sign-convention-bisection", "v = beta v - lr g, x = x + v in plain floats (returned as a list of pairs), the "
            "effective rate built up step by step, the spectral radius from the characteristic "
            "polynomial, the stable rate by bisection, a tuple, the heavy-ball rate as the spectral "
            "radius at the best parameters (a double root)",
            p1_heavy_ball=P1_SIGN, p2_effective=P2_SERIES, p3_stability=P3_BISECTION,
            p4_rates=P4_SPECTRAL),
    correct("numpy-in-place-velocity", "a preallocated array with the velocity updated in place, "
            "leaky_weights reversed, the matrix through torch, NumPy scalars and a float step count",
            p1_heavy_ball=P1_NUMPY, p2_effective=P2_LIBRARY, p3_stability=P3_TORCH,
            p4_rates=P4_NUMPY),

    wrong("nesterov-look-ahead", "the gradient taken at the look-ahead point x - lr beta v", "p1",
          says={"p1_tests_visible": "look-ahead"}, visible={"p1_tests_visible": "look-ahead"},
          p1_heavy_ball="""
def heavy_ball(f_grad, x0, lr, beta, steps):
    x = np.asarray(x0, dtype=float)
    v = np.zeros(2)
    points = [x]
    for _ in range(steps):
        ahead = x - lr * beta * v
        v = beta * v + np.asarray(f_grad(*ahead))
        x = x - lr * v
        points.append(x)
    return np.array(points)
"""),
    wrong("dampened-velocity", "the averaging convention v = beta v + (1 - beta) g", "p1",
          says={"p1_tests_visible": "plain gradient step"},
          visible={"p1_tests_visible": "plain gradient step"},
          p1_heavy_ball=P1_NUMPY.replace("v += f_grad(out[k, 0], out[k, 1])",
                                         "v += (1 - beta) * np.asarray(f_grad(out[k, 0], out[k, 1]))")),
    wrong("in-place-point", "x -= lr * v changes the array already stored in the list", "p1",
          says={"p1_tests_visible": "in place", "p1_tests_hidden_other": "in place"},
          visible={"p1_tests_visible": "in place"},
          p1_heavy_ball="""
def heavy_ball(f_grad, x0, lr, beta, steps):
    x = np.array(x0, dtype=float)
    v = np.zeros(2)
    points = [x]
    for _ in range(steps):
        v = beta * v + np.array(f_grad(*x))
        x -= lr * v
        points.append(x)
    return np.array(points)
"""),
    wrong("weights-newest-first", "the weights of g_t, ..., g_1 (the chapter's order)",
          "p2_tests_weights", says={"p2_tests_weights": "oldest first"},
          visible={"p2_tests_weights": "oldest first"},
          p2_effective=P2_NUMPY.replace("np.arange(t - 1, -1, -1)", "np.arange(t)")),
    wrong("effective-long-run", "the long-run rate lr / (1 - beta) at every step t",
          "p2_tests_effective", says={"p2_tests_effective": "builds up"},
          visible={"p2_tests_effective": "builds up"},
          p2_effective=P2_NUMPY.replace("np.float64(lr) * np.sum(beta ** np.arange(t))",
                                        "np.float64(lr) / (1.0 - beta)")),
    wrong("effective-one-step-late", "the sum of weights up to beta^t, one too many",
          "p2_tests_effective", says={"p2_tests_effective": "builds up"},
          visible={"p2_tests_effective": "plain gradient step"},
          p2_effective=P2_NUMPY.replace("np.arange(t)", "np.arange(t + 1)")),
    wrong("beta-for-inverted", "solves target = lr / (1 - beta) as 1 - target / lr",
          "p2_tests_beta", says={"p2_tests_beta": "beta_for"}, visible={"p2_tests_beta": "doubles"},
          p2_effective=P2_NUMPY.replace("(target - lr) / target", "1 - target / lr")),
    wrong("matrix-v-first", "the chapter's matrix for the state (v, x), copied", "p3_tests_matrix",
          says={"p3_tests_matrix": "(x, v)"}, visible={"p3_tests_matrix": "(x, v)"},
          p3_stability=P3_TORCH.replace("[[1 - lr * lam, -lr * beta], [lam, beta]]",
                                        "[[beta, lam], [-lr * beta, 1 - lr * lam]]")),
    wrong("matrix-old-velocity", "x' = x - lr v with the old velocity, which also makes every "
          "beta look unstable", ("p3_tests_matrix", "p3_tests_stable"),
          says={"p3_tests_matrix": "new velocity"}, visible={"p3_tests_matrix": "new velocity"},
          p3_stability=P3_TORCH.replace("[[1 - lr * lam, -lr * beta], [lam, beta]]",
                                        "[[1.0, -lr], [lam, beta]]")),
    wrong("radius-real-part", "the largest eigenvalue, not the largest absolute value, which also "
          "makes every beta look stable", ("p3_tests_radius", "p3_tests_stable"),
          says={"p3_tests_radius": "absolute value"}, visible={"p3_tests_radius": "absolute value"},
          p3_stability=P3_LIBRARY.replace("np.abs(np.linalg.eigvals(M)).max()",
                                          "np.linalg.eigvals(M).real.max()")),
    wrong("stable-lr-of-gd", "gradient descent's bound 2 / lambda, ignoring the momentum",
          "p3_tests_largest", says={"p3_tests_largest": "with momentum"},
          p3_stability=P3_LIBRARY.replace("(2 + 2 * beta) / lam", "2 / lam")),
    wrong("rate-is-beta", "the heavy ball's rate taken as beta, not sqrt(beta), so "
          "steps_momentum is wrong too", ("p4_tests_hb", "p4_tests_steps_momentum"),
          says={"p4_tests_hb": "sqrt(beta)"}, visible={"p4_tests_hb": "sqrt(beta)"},
          p4_rates=P4_LIBRARY.replace("return math.sqrt(beta)", "return beta")),
    wrong("steps-truncated", "the step count rounded down by int(), so both step counts are wrong too",
          ("p4_tests_steps", "p4_tests_steps_gd", "p4_tests_steps_momentum"),
          says={"p4_tests_steps": "first power"}, visible={"p4_tests_steps": "round up"},
          p4_rates=P4_SPECTRAL.replace("math.ceil(math.log(factor, rate))",
                                       "int(math.log(factor) / math.log(rate))")),
]

"""The adadelta assignment, solved as students solve it (see tests/fairness/__init__.py)."""

from fairness import correct, wrong

# ----------------------------------------------------------------------------- Part 1
P1_METHODS = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    square_avg = square_avg * rho + grad.pow(2) * (1 - rho)
    update = (delta_avg + eps).sqrt() / (square_avg + eps).sqrt() * grad
    delta_avg = delta_avg * rho + update.pow(2) * (1 - rho)
    return x - update, square_avg, delta_avg
"""

P1_NUMPY = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    x, g, s, d = (t.numpy() for t in (x, grad, square_avg, delta_avg))
    s = rho * s + (1 - rho) * g ** 2
    g_prime = np.sqrt((d + eps) / (s + eps)) * g
    d = rho * d + (1 - rho) * g_prime ** 2
    return torch.from_numpy(x - g_prime), torch.from_numpy(s), torch.from_numpy(d)
"""

P1_CLONES = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    s, d, new_x = square_avg.clone(), delta_avg.clone(), x.clone()
    s.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    std = s.add(eps).sqrt_()
    delta = d.add(eps).sqrt_().div_(std).mul_(grad)
    d.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    new_x.sub_(delta)
    return new_x, s, d
"""

P1_EPS_OUTSIDE = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    new_square_avg = rho * square_avg + (1 - rho) * grad * grad
    rescaled = (torch.sqrt(delta_avg) + eps) / (torch.sqrt(new_square_avg) + eps) * grad
    new_delta_avg = rho * delta_avg + (1 - rho) * rescaled * rescaled
    return x - rescaled, new_square_avg, new_delta_avg
"""

P1_IN_PLACE = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    square_avg.mul_(rho).add_((1 - rho) * grad * grad)
    rescaled = torch.sqrt(delta_avg + eps) / torch.sqrt(square_avg + eps) * grad
    x -= rescaled
    delta_avg.mul_(rho).add_((1 - rho) * rescaled * rescaled)
    return x, square_avg, delta_avg
"""

P1_OLD_SQUARE_AVG = """
def adadelta_step(x, grad, square_avg, delta_avg, rho, eps=1e-6):
    rescaled = torch.sqrt(delta_avg + eps) / torch.sqrt(square_avg + eps) * grad
    new_square_avg = rho * square_avg + (1 - rho) * grad * grad
    new_delta_avg = rho * delta_avg + (1 - rho) * rescaled * rescaled
    return x - rescaled, new_square_avg, new_delta_avg
"""

# ----------------------------------------------------------------------------- Part 2
P2_REUSES_STEP = """
def early_steps(grads, rho, eps):
    x = torch.zeros(1, dtype=torch.float64)
    s, d = torch.zeros(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    lengths = []
    for g in grads:
        new_x, s, d = adadelta_step(x, torch.tensor([g], dtype=torch.float64), s, d, rho, eps)
        lengths.append(abs(new_x - x).item())
        x = new_x
    return np.array(lengths)


sizes = np.array([early_steps([10.0, 10.0, 10.0], 0.9, e)[2] for e in (1e-8, 1e-6, 1e-4, 1e-2)])
size_ratio = sizes[2] / sizes[1]
role_of_eps = "B"
"""

P2_NUMPY = """
def early_steps(grads, rho, eps):
    g = np.asarray(grads, dtype=np.float64)
    s = d = np.float64(0.0)
    out = np.zeros(len(g))
    for i in range(len(g)):
        s = rho * s + (1 - rho) * g[i] ** 2
        step = np.sqrt((d + eps) / (s + eps)) * g[i]
        d = rho * d + (1 - rho) * step ** 2
        out[i] = np.abs(step)
    return out


sizes = np.array([early_steps(np.full(3, 10.0), 0.9, eps)[-1] for eps in [1e-8, 1e-6, 1e-4, 1e-2]])
size_ratio = early_steps([10.0] * 3, 0.9, 1e-4)[-1] / early_steps([10.0] * 3, 0.9, 1e-6)[-1]
role_of_eps = " b"
"""

P2_POSITIONS = """
def early_steps(grads, rho, eps):
    positions = [0.0]
    s = d = 0.0
    for grad in grads:
        s = rho * s + (1 - rho) * grad * grad
        step = math.sqrt(d + eps) / math.sqrt(s + eps) * grad
        d = rho * d + (1 - rho) * step * step
        positions.append(positions[-1] - step)
    return np.abs(np.diff(positions))


sizes = [early_steps([10.0] * 3, 0.9, eps)[2] for eps in [1e-8, 1e-6, 1e-4, 1e-2]]
size_ratio = sizes[2] / sizes[1]
role_of_eps = "b"
"""

P2_SIGNED = P2_NUMPY.replace("out[i] = np.abs(step)", "out[i] = step")

P2_WRONG_LETTER = P2_POSITIONS.replace('role_of_eps = "b"', 'role_of_eps = "a"')

# ----------------------------------------------------------------------------- Part 3
P3_TORCH_FLOAT32 = """
def run_adadelta(target, steps, rho=0.9, eps=1e-6):
    x = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adadelta([x], lr=1.0, rho=rho, eps=eps)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = 0.5 * (x - target) ** 2
        loss.sum().backward()
        optimizer.step()
    return x.item()


fraction_near = run_adadelta(1.0, 200) / 1.0
fraction_far = run_adadelta(100.0, 200) / 100.0
eps_far = 1e-6 * 100 ** 2
"""

P3_REUSES_STEP = """
def run_adadelta(target, steps, rho=0.9, eps=1e-6):
    x = s = d = torch.zeros(1, dtype=torch.float64)
    for _ in range(steps):
        x, s, d = adadelta_step(x, x - target, s, d, rho, eps)
    return float(x)


fraction_near = run_adadelta(1.0, 200)
fraction_far = run_adadelta(100.0, 200) / 100
k = 100.0
eps_far = 1e-6 * k * k
"""

P3_OPTBOOK = """
def run_adadelta(target, steps, rho=0.9, eps=1e-6):
    x = torch.tensor([0.0], dtype=torch.float64)
    optimizer = optbook.optim.Adadelta([x], lr=1.0, rho=rho, eps=eps)
    for _ in range(steps):
        x.grad = x.detach() - target
        optimizer.step()
    return x.item()


fraction_near = run_adadelta(1.0, 200) / 1.0
fraction_far = run_adadelta(100.0, 200) / 100.0
eps_far = 1e-2
"""

P3_EPS_LINEAR = P3_REUSES_STEP.replace("eps_far = 1e-6 * k * k", "eps_far = 1e-6 * k")

P3_GRADIENT_SIGN = P3_OPTBOOK.replace("x.grad = x.detach() - target", "x.grad = target - x.detach()")

# ----------------------------------------------------------------------------- Part 4
P4_FOR_BREAK = """
def steps_to_reach(rho, tol=0.01, eps=1e-6):
    x, s, d = 0.0, 0.0, 0.0
    for t in itertools.count(1):
        g = x - 1
        s = rho * s + (1 - rho) * g ** 2
        step = ((d + eps) / (s + eps)) ** 0.5 * g
        x = x - step
        d = rho * d + (1 - rho) * step ** 2
        if abs(x - 1) < tol:
            return t


import itertools
rhos = [0.5, 0.9, 0.95, 0.99]
needed = [steps_to_reach(r) for r in rhos]
fastest_rho = rhos[int(np.argmin(needed))]
"""

P4_TORCH = """
def steps_to_reach(rho, tol=0.01, eps=1e-6):
    x = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adadelta([x], lr=1.0, rho=rho, eps=eps)
    count = 0
    while abs(x.item() - 1.0) >= tol:
        optimizer.zero_grad()
        (0.5 * (x - 1.0) ** 2).sum().backward()
        optimizer.step()
        count += 1
    return count


fastest_rho = min([0.5, 0.9, 0.95, 0.99], key=steps_to_reach)
"""

P4_REUSES_STEP = """
def steps_to_reach(rho, tol=0.01, eps=1e-6):
    x, s, d = (torch.zeros(1, dtype=torch.float64) for _ in range(3))
    n = 0
    while n == 0 or abs(x.item() - 1.0) >= tol:
        x, s, d = adadelta_step(x, x - 1.0, s, d, rho, eps)
        n += 1
    return n


counts = np.array([steps_to_reach(r) for r in (0.5, 0.9, 0.95, 0.99)])
fastest_rho = np.array([0.5, 0.9, 0.95, 0.99])[counts.argmin()]
"""

P4_FROM_ZERO = P4_TORCH.replace("    return count\n", "    return count - 1\n")

P4_SLOWEST = P4_TORCH.replace("fastest_rho = min(", "fastest_rho = max(")


VARIANTS = [
    correct("methods-reuse-float32-itertools",
            "tensor methods, early steps through adadelta_step, Part 3 with torch.optim.Adadelta "
            "in float32, the count with itertools.count",
            p1_update=P1_METHODS, p2_first_step=P2_REUSES_STEP, p3_far=P3_TORCH_FLOAT32,
            p4_rho=P4_FOR_BREAK),
    correct("numpy-floats-reuse-torch",
            "the update through NumPy, early steps with NumPy floats, run_adadelta from "
            "adadelta_step, the count with torch.optim in float32",
            p1_update=P1_NUMPY, p2_first_step=P2_NUMPY, p3_far=P3_REUSES_STEP, p4_rho=P4_TORCH),
    correct("clones-positions-optbook-step",
            "in-place updates on clones (as torch.optim does), lengths from differences of "
            "positions, optbook.optim.Adadelta, the count with adadelta_step",
            p1_update=P1_CLONES, p2_first_step=P2_POSITIONS, p3_far=P3_OPTBOOK,
            p4_rho=P4_REUSES_STEP),
    wrong("eps-outside-roots", "epsilon added outside the square roots",
          loses="p1",
          says={"p1_tests_one_step": "inside both square roots"},
          visible={"p1_tests_one_step": "inside both square roots"},
          p1_update=P1_EPS_OUTSIDE),
    wrong("state-in-place", "square_avg, delta_avg and x updated in place and returned",
          loses="p1_tests_new_tensors",
          says={"p1_tests_new_tensors": "in place"},
          visible={"p1_tests_new_tensors": "in place"},
          p1_update=P1_IN_PLACE),
    wrong("old-square-avg", "the step divides by the average of g^2 from before this step",
          loses="p1",
          says={"p1_tests_one_step": "sqrt(8 + 1)"},
          visible={"p1_tests_one_step": "sqrt(8 + 1)"},
          p1_update=P1_OLD_SQUARE_AVG),
    wrong("signed-steps", "early_steps returns the signed steps, not their lengths",
          loses="p2_tests_steps",
          says={"p2_tests_steps": "never negative"},
          visible={"p2_tests_steps": "never negative"},
          p2_first_step=P2_SIGNED),
    wrong("eps-letter", "role_of_eps answered a (eps barely matters)",
          loses="p2_tests_letter",
          says={"p2_tests_letter": "eps sets their scale"},
          p2_first_step=P2_WRONG_LETTER),
    wrong("eps-far-linear", "eps scaled by k instead of k^2",
          loses="p3_tests_scale",
          says={"p3_tests_scale": "which power of k"},
          p3_far=P3_EPS_LINEAR),
    wrong("gradient-sign", "the gradient taken as c - x",
          loses="p3_tests_run",
          says={"p3_tests_run": "the gradient is x - target"},
          visible={"p3_tests_run": "the gradient is x - target"},
          p3_far=P3_GRADIENT_SIGN),
    wrong("count-from-zero", "steps_to_reach one short (counting from 0)",
          loses="p4_tests_steps",
          says={"p4_tests_steps": "counting from t = 1"},
          p4_rho=P4_FROM_ZERO),
    wrong("slowest-rho", "fastest_rho taken as the rho with the most steps",
          loses="p4_tests_fastest",
          says={"p4_tests_fastest": "fewest steps"},
          p4_rho=P4_SLOWEST),
]

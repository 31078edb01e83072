"""The rmsprop assignment, solved as students solve it (see tests/fairness/__init__.py)."""

from fairness import correct, wrong

# ---------------------------------------------------------------- correct answers
TORCH_METHODS_STEP = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    s = square_avg.mul(gamma).addcmul(grad, grad, value=1 - gamma)
    return [x.addcdiv(grad, s.sqrt().add(eps), value=-lr), s]
"""

LOOP_STEP = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    new_x, new_s = torch.empty_like(x), torch.empty_like(square_avg)
    for i in range(x.numel()):
        new_s[i] = gamma * square_avg[i] + (1 - gamma) * grad[i] ** 2
        new_x[i] = x[i] - lr * grad[i] / (new_s[i] ** 0.5 + eps)
    return (new_x, new_s)
"""

LIST_WEIGHTS = """
def gradient_weights(gamma, n):
    return [(1 - gamma) * gamma ** k for k in range(n)]


def weight_of_last(gamma, k):
    return sum((1 - gamma) * gamma ** j for j in range(k))


def half_life(gamma):
    return -1 / math.log2(gamma)


def last_needed(gamma, share):
    k, total = 0, 0.0
    while total < share:
        total += (1 - gamma) * gamma ** k
        k += 1
    return k
"""

NUMPY_WEIGHTS = """
def gradient_weights(gamma, n):
    return np.power(gamma, np.arange(n, dtype=float)) * (1.0 - gamma)


def weight_of_last(gamma, k):
    return np.float64(1.0) - np.power(gamma, k)


def half_life(gamma):
    return np.log(2) / -np.log(gamma)


def last_needed(gamma, share):
    return np.ceil(np.log1p(-share) / np.log(gamma))
"""

# optbook.optim.RMSprop on float32 tensors (torch's default), step lengths as Python floats
FLOAT32_STEPS = """
def first_steps(gamma, steps):
    p = torch.tensor([-5.0, -2.0], requires_grad=True)
    opt = optbook.optim.RMSprop([p], lr=0.01, alpha=gamma, eps=1e-6)
    lengths = []
    for _ in range(steps):
        before = p.detach().clone()
        p.grad = torch.tensor([0.2, 4.0]) * p.detach()
        opt.step()
        lengths.append((p.detach() - before).norm().item())
    return lengths


gamma_one = "C"
gamma_zero = " b"
"""

# torch.optim.RMSprop in float64, the lengths as a float64 tensor
TORCH_STEPS = """
def first_steps(gamma, steps):
    p = torch.nn.Parameter(torch.tensor([-5.0, -2.0], dtype=torch.float64))
    opt = torch.optim.RMSprop([p], lr=0.01, alpha=gamma, eps=1e-6)
    points = [p.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        (0.1 * p[0] ** 2 + 2 * p[1] ** 2).backward()
        opt.step()
        points.append(p.detach().clone())
    return torch.stack([torch.linalg.norm(b - a) for a, b in zip(points, points[1:])])


gamma_one, gamma_zero = "c", "b"
"""

FLOAT32_ROTATED = """
def rotated_gradient(x1, x2):
    return np.array([4.2 * x1 - 3.8 * x2, -3.8 * x1 + 4.2 * x2])


def rmsprop_distance(gradient, steps, lr=0.4, gamma=0.9, eps=1e-6):
    p = torch.tensor([-5.0, -2.0], requires_grad=True)
    opt = optbook.optim.RMSprop([p], lr=lr, alpha=gamma, eps=eps)
    for _ in range(steps):
        a, b = p.detach().tolist()
        p.grad = torch.tensor([float(v) for v in gradient(a, b)])
        opt.step()
    return p.detach().norm().item()


dist_axis = rmsprop_distance(lambda a, b: (0.2 * a, 4 * b), 20)
dist_rotated = rmsprop_distance(rotated_gradient, 20)
distance_ratio = dist_rotated / dist_axis
rotation_hurts = bool(distance_ratio > 10)
reason = "B"
"""

NUMPY_BOOL_ROTATED = """
def rotated_gradient(x1, x2):
    return [0.2 * (x1 + x2) + 4 * (x1 - x2), 0.2 * (x1 + x2) - 4 * (x1 - x2)]


def rmsprop_distance(gradient, steps, lr=0.4, gamma=0.9, eps=1e-6):
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    for _ in range(steps):
        g1, g2 = gradient(x1, x2)
        s1 = gamma * s1 + (1 - gamma) * g1 ** 2
        s2 = gamma * s2 + (1 - gamma) * g2 ** 2
        x1, x2 = x1 - lr * g1 / (math.sqrt(s1) + eps), x2 - lr * g2 / (math.sqrt(s2) + eps)
    return np.hypot(x1, x2)


dist_axis = rmsprop_distance(lambda a, b: (0.2 * a, 4 * b), 20)
dist_rotated = rmsprop_distance(rotated_gradient, 20)
distance_ratio = np.divide(dist_rotated, dist_axis)
rotation_hurts = np.greater(dist_rotated, 10 * dist_axis)
reason = "b"
"""

# ---------------------------------------------------------------- typical mistakes
EPS_INSIDE = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    s = gamma * square_avg + (1 - gamma) * grad ** 2
    return x - lr * grad / torch.sqrt(s + eps), s
"""

FORGETS_THE_DECAY = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    s = square_avg + (1 - gamma) * grad ** 2
    return x - lr * grad / (torch.sqrt(s) + eps), s
"""

NO_ONE_MINUS_GAMMA = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    s = gamma * square_avg + grad ** 2
    return x - lr * grad / (torch.sqrt(s) + eps), s
"""

IN_PLACE = """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    square_avg.mul_(gamma).addcmul_(grad, grad, value=1 - gamma)
    return x - lr * grad / (square_avg.sqrt() + eps), square_avg
"""

HALF_LIFE_SIGN = """
def gradient_weights(gamma, n):
    return (1 - gamma) * gamma ** np.arange(n)


def weight_of_last(gamma, k):
    return 1 - gamma ** k


def half_life(gamma):
    return math.log(2) / math.log(gamma)


def last_needed(gamma, share):
    return math.ceil(math.log(1 - share) / math.log(gamma))
"""

WEIGHTS_WITHOUT_ONE_MINUS_GAMMA = """
def gradient_weights(gamma, n):
    return gamma ** np.arange(n)


def weight_of_last(gamma, k):
    return 1 - gamma ** k


def half_life(gamma):
    return math.log(0.5) / math.log(gamma)


def last_needed(gamma, share):
    return math.ceil(math.log(1 - share) / math.log(gamma))
"""

FLOOR_NOT_CEIL = """
def gradient_weights(gamma, n):
    return (1 - gamma) * gamma ** np.arange(n)


def weight_of_last(gamma, k):
    return 1 - gamma ** k


def half_life(gamma):
    return math.log(0.5) / math.log(gamma)


def last_needed(gamma, share):
    return int(math.log(1 - share) / math.log(gamma))
"""

ADAGRAD_LETTER = """
def first_steps(gamma, steps):
    x, s, lengths = np.array([-5.0, -2.0]), np.zeros(2), []
    for _ in range(steps):
        g = np.array([0.2, 4.0]) * x
        s = gamma * s + (1 - gamma) * g ** 2
        step = 0.01 * g / (np.sqrt(s) + 1e-6)
        lengths.append(np.linalg.norm(step))
        x = x - step
    return np.array(lengths)


gamma_one = "b"
gamma_zero = "b"
"""

HALVED_GRADIENT = """
def rotated_gradient(x1, x2):
    return 0.1 * (x1 + x2) + 2 * (x1 - x2), 0.1 * (x1 + x2) - 2 * (x1 - x2)


def rmsprop_distance(gradient, steps, lr=0.4, gamma=0.9, eps=1e-6):
    x, s = np.array([-5.0, -2.0]), np.zeros(2)
    for _ in range(steps):
        g = np.array(gradient(*x))
        s = gamma * s + (1 - gamma) * g * g
        x = x - lr * g / (np.sqrt(s) + eps)
    return np.linalg.norm(x)


dist_axis = rmsprop_distance(lambda a, b: (0.2 * a, 4 * b), 20)
dist_rotated = rmsprop_distance(rotated_gradient, 20)
distance_ratio = dist_rotated / dist_axis
rotation_hurts = distance_ratio > 10
reason = "b"
"""

RATIO_UPSIDE_DOWN = """
def rotated_gradient(x1, x2):
    return 0.2 * (x1 + x2) + 4 * (x1 - x2), 0.2 * (x1 + x2) - 4 * (x1 - x2)


def rmsprop_distance(gradient, steps, lr=0.4, gamma=0.9, eps=1e-6):
    x, s = np.array([-5.0, -2.0]), np.zeros(2)
    for _ in range(steps):
        g = np.array(gradient(*x))
        s = gamma * s + (1 - gamma) * g * g
        x = x - lr * g / (np.sqrt(s) + eps)
    return np.linalg.norm(x)


dist_axis = rmsprop_distance(lambda a, b: (0.2 * a, 4 * b), 20)
dist_rotated = rmsprop_distance(rotated_gradient, 20)
distance_ratio = dist_axis / dist_rotated
rotation_hurts = True
reason = "b"
"""

VARIANTS = [
    correct("torch-methods", "addcmul/addcdiv and a list for the pair; weights as Python lists "
            "and log2; optbook.optim.RMSprop on float32 tensors with Python-float lengths; "
            "upper-case and padded letters; a float32 run for the distances",
            p1_update=TORCH_METHODS_STEP, p2_weights=LIST_WEIGHTS, p3_extremes=FLOAT32_STEPS,
            p4_rotated=FLOAT32_ROTATED),
    correct("loops-and-numpy", "a coordinate loop for the step; NumPy scalars for the summaries; "
            "torch.optim.RMSprop in float64 on a loss with backward(); scalar loops and an np.bool_ "
            "from np.greater",
            p1_update=LOOP_STEP, p2_weights=NUMPY_WEIGHTS, p3_extremes=TORCH_STEPS,
            p4_rotated=NUMPY_BOOL_ROTATED),
    correct("numpy-weights-only", "NumPy summaries and the torch.optim steps, the rest as the "
            "instructor's", p2_weights=NUMPY_WEIGHTS, p3_extremes=TORCH_STEPS),
    wrong("eps-inside", "epsilon inside the square root, as d2l writes it", "p1_tests_epsilon",
          says={"p1_tests_epsilon": "outside the square root"},
          visible={"p1_tests_epsilon": "outside the square root"}, p1_update=EPS_INSIDE),
    wrong("forgets-the-decay", "s + (1 - gamma) g^2: the old average is never multiplied by gamma",
          "p1_tests_sequence", says={"p1_tests_sequence": "gamma * square_avg + (1 - gamma) * g^2"},
          visible={"p1_tests_sequence": "gamma * square_avg + (1 - gamma) * g^2"},
          p1_update=FORGETS_THE_DECAY),
    wrong("no-one-minus-gamma", "gamma s + g^2: the new squared gradient is not weighted by 1 - gamma",
          ["p1_tests_one_step", "p1_tests_sequence"],
          says={"p1_tests_sequence": "(1 - gamma)", "p1_tests_one_step": "(1 - gamma)"},
          visible={"p1_tests_one_step": "(1 - gamma) g^2",
                   "p1_tests_sequence": "gamma * square_avg + (1 - gamma) * g^2"},
          p1_update=NO_ONE_MINUS_GAMMA),
    wrong("accumulator-in-place", "square_avg.mul_(...).addcmul_(...) changes the caller's average",
          "p1_tests_one_step", says={"p1_tests_one_step": "in place"},
          visible={"p1_tests_one_step": "in place"}, p1_update=IN_PLACE),
    wrong("half-life-sign", "log(2) / log(gamma): a negative half-life", "p2_tests_half_life",
          says={"p2_tests_half_life": "half_life"}, visible={"p2_tests_half_life": "half_life(0.5)"},
          p2_weights=HALF_LIFE_SIGN),
    wrong("weights-without-one-minus-gamma", "gamma^k without the factor 1 - gamma",
          "p2_tests_weights", says={"p2_tests_weights": "gradient_weights"},
          visible={"p2_tests_weights": "gradient_weights(0.5, 3)"},
          p2_weights=WEIGHTS_WITHOUT_ONE_MINUS_GAMMA),
    wrong("last-needed-rounded-down", "int() rounds the number of gradients down",
          "p2_tests_last_needed", says={"p2_tests_last_needed": "last_needed"},
          visible={"p2_tests_last_needed": "last_needed(0.5, 0.9)"}, p2_weights=FLOOR_NOT_CEIL),
    wrong("gamma-one-is-adagrad", "gamma = 1 read as Adagrad", "p3_tests_gamma_one",
          says={"p3_tests_gamma_one": "denominator"}, p3_extremes=ADAGRAD_LETTER),
    wrong("halved-gradient", "the coefficients of f_R, not its derivatives (RMSProp does not "
          "notice the scale, so only the gradient cell is lost)", "p4_tests_gradient",
          says={"p4_tests_gradient": "the gradient of f_R"},
          visible={"p4_tests_gradient": "the gradient of f_R at (0, 1)"}, p4_rotated=HALVED_GRADIENT),
    wrong("ratio-upside-down", "dist_axis / dist_rotated", "p4_tests_ratio",
          says={"p4_tests_ratio": "distance_ratio"}, p4_rotated=RATIO_UPSIDE_DOWN),
]

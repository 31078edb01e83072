"""The adagrad assignment, solved as students solve it (see tests/fairness/__init__.py)."""

from fairness import correct, wrong

# ---------------------------------------------------------------- correct answers
TORCH_METHODS_STEP = """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    s = sum_sq.add(grad.pow(2))
    return [x.sub(lr * grad / s.sqrt().add(eps)), s]
"""

LOOP_STEP = """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    new_x, new_s = x.clone(), sum_sq.clone()
    for i in range(len(x)):
        new_s[i] = sum_sq[i] + grad[i] ** 2
        new_x[i] = x[i] - lr * grad[i] / (math.sqrt(new_s[i]) + eps)
    return (new_x, new_s)
"""

NUMPY_ROTATION = """
def rotation_matrix(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


H = np.array([[0.2, 0.0], [0.0, 4.0]])
R = rotation_matrix(np.deg2rad(45))
H_rot = R @ H @ np.transpose(R)
"""

# optbook.optim.Adagrad on float32 tensors (torch's default dtype), distances as Python floats
FLOAT32_RUN = """
def run_adagrad(hessian, x0, lr, steps=20, eps=1e-10):
    A = torch.tensor(hessian, dtype=torch.float32)
    p = torch.tensor(x0, dtype=torch.float32, requires_grad=True)
    opt = optbook.optim.Adagrad([p], lr=lr, eps=eps)
    for _ in range(steps):
        p.grad = A @ p.detach()
        opt.step()
    return p.detach().numpy(), opt.state[p]["sum"].numpy()


x_axis, s_axis = run_adagrad(H, [-5.0, -2.0], lr=2.0)
x_rot, s_rot = run_adagrad(H_rot, R @ np.array([-5.0, -2.0]), lr=2.0)
dist_axis = torch.linalg.norm(torch.tensor(x_axis)).item()
dist_rotated = torch.linalg.norm(torch.tensor(x_rot)).item()
eff_lr_axis = [2.0 / (math.sqrt(v) + 1e-10) for v in s_axis]
eff_lr_rotated = [2.0 / (math.sqrt(v) + 1e-10) for v in s_rot]
"""

# torch.optim.Adagrad in float64
TORCH_RUN = """
def run_adagrad(hessian, x0, lr, steps=20, eps=1e-10):
    A = torch.as_tensor(hessian, dtype=torch.float64)
    p = torch.nn.Parameter(torch.as_tensor(x0, dtype=torch.float64).clone())
    opt = torch.optim.Adagrad([p], lr=lr, eps=eps)
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * p @ A @ p).backward()
        opt.step()
    return p.detach().numpy().copy(), opt.state[p]["sum"].numpy().copy()


start = np.array([-5.0, -2.0])
x_axis, s_axis = run_adagrad(H, start, 2.0)
x_rot, s_rot = run_adagrad(H_rot, R @ start, 2.0)
dist_axis, dist_rotated = np.sqrt(x_axis @ x_axis), np.sqrt(x_rot @ x_rot)
eff_lr_axis, eff_lr_rotated = 2.0 / (s_axis ** 0.5 + 1e-10), 2.0 / (s_rot ** 0.5 + 1e-10)
"""

NUMPY_BOOL_ANSWER = """
distance_ratio = dist_rotated / dist_axis
adagrad_rotation_invariant = np.isclose(dist_rotated, dist_axis)
why = "B"
"""

PLAIN_ANSWER = """
why = 'b '
distance_ratio = float(dist_rotated) / float(dist_axis)
adagrad_rotation_invariant = bool(abs(distance_ratio - 1) < 1e-6)
"""

OPTBOOK_OPTIMIZER = """
def make_optimizer(params):
    return optbook.optim.Adagrad(params, lr=0.1)


model = optbook.train.mlp(64, 32, 10, seed=0)
history = optbook.train.fit_classifier(model, make_optimizer(model.parameters()), optbook.data.digits(),
                                       epochs=10, batch_size=32, seed=0)
digits_accuracy = float(history.test_accuracy[-1])
"""

IMPORTED_OPTIMIZER = """
from torch.optim import Adagrad

make_optimizer = lambda params: Adagrad(params, lr=0.08)

model = optbook.train.mlp(64, 32, 10, seed=0)
history = optbook.train.fit_classifier(model, make_optimizer(model.parameters()), optbook.data.digits(),
                                       epochs=10, batch_size=32, seed=0)
digits_accuracy = history.test_accuracy[-1]
"""

# the path in float32 torch tensors, stacked; a smaller power
FLOAT32_GENERALIZED = """
def generalized_adagrad(hessian, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10):
    A = torch.tensor(hessian, dtype=torch.float32)
    x = torch.tensor(x0, dtype=torch.float32)
    s = torch.zeros_like(x)
    path = [x]
    for _ in range(steps):
        g = A @ x
        s = leak * s + g ** 2
        x = x - lr * g / (s ** power + eps)
        path.append(x)
    return torch.stack(path).numpy()
"""

POWER_DEMO = """
my_power, my_leak = 0.25, 1
dist_adagrad = np.linalg.norm(generalized_adagrad(np.diag([0.2, 4.0]), np.array([-5.0, -2.0]), 0.4, 50)[-1])
dist_gentle = np.linalg.norm(generalized_adagrad(np.diag([0.2, 4.0]), np.array([-5.0, -2.0]), 0.4, 50,
                                                 power=my_power, leak=my_leak)[-1])


def decay_exponent(power):
    return 1.0 * power


def leaky_limit(lr, g, leak, power):
    s_limit = g ** 2 / (1 - leak)
    return lr * s_limit ** (-power)
"""

PREALLOCATED_GENERALIZED = """
def generalized_adagrad(hessian, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10):
    path = np.zeros((steps + 1, 2))
    path[0] = x0
    s = np.zeros(2)
    for t in range(steps):
        g = hessian @ path[t]
        s = leak * s + g ** 2
        path[t + 1] = path[t] - lr * g / (np.power(s, power) + eps)
    return path
"""

# ---------------------------------------------------------------- typical mistakes
EPS_INSIDE = """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    new_sum_sq = sum_sq + grad ** 2
    return x - lr * grad / torch.sqrt(new_sum_sq + eps), new_sum_sq
"""

IN_PLACE = """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    sum_sq += grad * grad
    return x - lr * grad / (torch.sqrt(sum_sq) + eps), sum_sq
"""

FORGETS_THE_SUM = """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    new_sum_sq = grad * grad
    return x - lr * grad / (torch.sqrt(new_sum_sq) + eps), new_sum_sq
"""

DEGREES_INSIDE = """
def rotation_matrix(angle):
    a = math.radians(angle)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


H = np.diag([0.2, 4.0])
R = rotation_matrix(45)
H_rot = R @ H @ R.T
"""

DEGREES_CALLED = """
def rotation_matrix(angle):
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


H = np.diag([0.2, 4.0])
R = rotation_matrix(45)
H_rot = R @ H @ R.T
"""

UNROTATED_START = """
def run_adagrad(hessian, x0, lr, steps=20, eps=1e-10):
    x, s = np.array(x0, dtype=float), np.zeros(len(x0))
    for _ in range(steps):
        g = hessian @ x
        s += g * g
        x = x - lr * g / (np.sqrt(s) + eps)
    return x, s


x_axis, s_axis = run_adagrad(H, [-5.0, -2.0], lr=2.0)
x_rot, s_rot = run_adagrad(H_rot, [-5.0, -2.0], lr=2.0)
dist_axis, dist_rotated = np.linalg.norm(x_axis), np.linalg.norm(x_rot)
eff_lr_axis = 2.0 / (np.sqrt(s_axis) + 1e-10)
eff_lr_rotated = 2.0 / (np.sqrt(s_rot) + 1e-10)
"""

RATIO_UPSIDE_DOWN = """
adagrad_rotation_invariant = False
why = "b"
distance_ratio = dist_axis / dist_rotated
"""

WRONG_LETTER = """
adagrad_rotation_invariant = False
why = "c"
distance_ratio = dist_rotated / dist_axis
"""

ALIASED_PATH = """
def generalized_adagrad(hessian, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10):
    x, s = np.array(x0, dtype=float), np.zeros(2)
    path = [x]
    for _ in range(steps):
        g = hessian @ x
        s = leak * s + g * g
        x -= lr * g / (s ** power + eps)
        path.append(x)
    return np.array(path)
"""

WRONG_EXPONENT = """
my_power, my_leak = 0.5, 0.9
dist_adagrad = np.linalg.norm(generalized_adagrad(H, [-5.0, -2.0], 0.4, 50)[-1])
dist_gentle = np.linalg.norm(generalized_adagrad(H, [-5.0, -2.0], 0.4, 50, my_power, my_leak)[-1])


def decay_exponent(power):
    return 2 * power


def leaky_limit(lr, g, leak, power):
    return lr / (g * g / (1 - leak)) ** power
"""

SGD_OPTIMIZER = """
def make_optimizer(params):
    return torch.optim.SGD(params, lr=0.5)


model = optbook.train.mlp(64, 32, 10, seed=0)
history = optbook.train.fit_classifier(model, make_optimizer(model.parameters()), optbook.data.digits(),
                                       epochs=10, batch_size=32, seed=0)
digits_accuracy = history.test_accuracy[-1]
"""

VARIANTS = [
    correct("torch-methods", "tensor methods, a list for the pair; NumPy angles with np.deg2rad; "
            "optbook.optim.Adagrad on float32 tensors with Python-float distances; np.isclose's "
            "np.bool_; optbook.optim.Adagrad for the digits",
            p1_update=TORCH_METHODS_STEP, p2_rotation=NUMPY_ROTATION, p2_run=FLOAT32_RUN,
            p2_answer=NUMPY_BOOL_ANSWER, p3_train=OPTBOOK_OPTIMIZER),
    correct("loops-and-torch-optim", "a coordinate loop for the step; torch.optim.Adagrad in "
            "float64 on a loss with backward(); a padded letter and a Python bool; a lambda "
            "returning torch.optim.Adagrad; a float32 path of torch tensors and a smaller power",
            p1_update=LOOP_STEP, p2_run=TORCH_RUN, p2_answer=PLAIN_ANSWER,
            p3_train=IMPORTED_OPTIMIZER, p4_generalized=FLOAT32_GENERALIZED, p4_demo=POWER_DEMO),
    correct("preallocated-path", "the path written into a preallocated array, and the rest as "
            "the instructor's; the smaller power",
            p4_generalized=PREALLOCATED_GENERALIZED, p4_demo=POWER_DEMO),
    wrong("eps-inside", "epsilon inside the square root, as d2l writes it",
          "p1_tests_epsilon", says={"p1_tests_epsilon": "outside the square root"},
          visible={"p1_tests_epsilon": "outside the square root"}, p1_update=EPS_INSIDE),
    wrong("accumulator-in-place", "sum_sq += grad * grad changes the caller's accumulator",
          "p1_tests_one_step", says={"p1_tests_one_step": "in place"},
          visible={"p1_tests_one_step": "in place"}, p1_update=IN_PLACE),
    wrong("forgets-the-sum", "the accumulator is only the last squared gradient",
          "p1_tests_sequence", says={"p1_tests_sequence": "add g^2 to the accumulator you are given"},
          visible={"p1_tests_sequence": "add g^2 to the accumulator you are given"},
          p1_update=FORGETS_THE_SUM),
    wrong("degrees-inside", "rotation_matrix takes degrees (converted inside) and is called with 45",
          "p2_tests_rotation", says={"p2_tests_rotation": "radians"},
          visible={"p2_tests_rotation": "radians"}, p2_rotation=DEGREES_INSIDE),
    wrong("degrees-called", "rotation_matrix(45): 45 radians instead of pi/4",
          ["p2_tests_rotation", "p2_tests_distances", "p2_tests_effective_lr", "p2_tests_ratio"],
          says={"p2_tests_rotation": "radians"}, visible={"p2_tests_rotation": "radians"},
          p2_rotation=DEGREES_CALLED),
    wrong("unrotated-start", "the rotated run starts at x0 instead of R x0",
          ["p2_tests_distances", "p2_tests_effective_lr", "p2_tests_ratio"],
          says={"p2_tests_distances": "from R (-5, -2)"}, p2_run=UNROTATED_START),
    wrong("ratio-upside-down", "dist_axis / dist_rotated", "p2_tests_ratio",
          says={"p2_tests_ratio": "distance_ratio"}, p2_answer=RATIO_UPSIDE_DOWN),
    wrong("wrong-letter", "the rotation changes the eigenvalues", "p2_tests_why",
          says={"p2_tests_why": "eigenvalues"}, p2_answer=WRONG_LETTER),
    wrong("aliased-path", "x -= ... on the array already in the path", "p4_tests_generalized",
          says={"p4_tests_generalized": "path"},
          visible={"p4_tests_generalized": "the first row of the path"}, p4_generalized=ALIASED_PATH),
    wrong("exponent-doubled", "decay_exponent returns 2 * power", "p4_tests_decay",
          says={"p4_tests_decay": "decay_exponent"}, p4_demo=WRONG_EXPONENT),
    wrong("sgd", "make_optimizer returns SGD", "p3",
          says={"p3_tests_retrain": "Adagrad"}, p3_train=SGD_OPTIMIZER),
]

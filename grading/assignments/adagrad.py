"""The adagrad assignment: the update, the rotated objective, Adagrad on 8x8 digits, a less aggressive decay.

Hidden reference values are computed here, offline (torch.optim cross-checked against
plain loops), and written into the test cells as literals.

    python -m grading.assignments.adagrad    # rewrite solutions/adagrad/adagrad.ipynb
"""

import math

import numpy as np
import torch

from grading.authoring import (SETUP_ONE_THREAD as SETUP, answer, checks, intro, lit, lits,
                               markdown, setup, test, write)

torch.set_default_dtype(torch.float64)  # the reference computations below run in float64

# ---------- reference values, computed offline with torch.optim ----------
def torch_adagrad(x0, grads, lr, eps, s0=0.0):
    p = torch.tensor(x0, requires_grad=True, dtype=torch.float64)
    opt = torch.optim.Adagrad([p], lr=lr, eps=eps, initial_accumulator_value=s0)
    out = []
    for g in grads:
        p.grad = torch.tensor(g); opt.step()
        out.append((p.detach().clone().numpy(), opt.state[p]["sum"].clone().numpy()))
    return out

seq_x0, seq_s0 = [1.0, -2.0, 0.5], [0.0, 1.0, 4.0]
seq_g = [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7]]
seq = torch_adagrad(seq_x0, seq_g, 0.1, 1e-10, 0.0)
# the accumulator may start away from zero: run it with a given start
def plain_adagrad(x0, grads, lr, eps, s0, inside=False):
    x, s = np.array(x0, float), np.array(s0, float)
    out = []
    for g in grads:
        g = np.array(g); s = s + g * g
        x = x - lr * g / (np.sqrt(s + eps) if inside else np.sqrt(s) + eps)
        out.append((x.copy(), s.copy()))
    return out
seq_s = plain_adagrad(seq_x0, seq_g, 0.1, 1e-10, seq_s0)
eps_x0, eps_g = [2.0, -1.0], [[1e-3, 1.0]]
eps_ref = torch_adagrad(eps_x0, eps_g, 0.5, 0.1)[0][0]
eps_inside = plain_adagrad(eps_x0, eps_g, 0.5, 0.1, [0, 0], inside=True)[0][0]
assert np.abs(eps_ref - eps_inside).max() > 1e-2

def run(H, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10):
    x = np.array(x0, float); s = np.zeros(2); path = [x.copy()]
    for _ in range(steps):
        g = H @ x; s = leak * s + g * g
        x = x - lr * g / (s ** power + eps); path.append(x.copy())
    return np.array(path), s
c = math.cos(math.pi / 4); R = np.array([[c, -c], [c, c]])
H = np.diag([0.2, 4.0]); Hr = R @ H @ R.T
x0 = np.array([-5.0, -2.0])
pa, sa = run(H, x0, 2.0, 20); pr, sr = run(Hr, R @ x0, 2.0, 20)
dist_axis, dist_rot = np.linalg.norm(pa[-1]), np.linalg.norm(pr[-1])
eff_axis, eff_rot = 2.0 / (np.sqrt(sa) + 1e-10), 2.0 / (np.sqrt(sr) + 1e-10)
# torch.optim agrees with the plain loop
p = torch.tensor(R @ x0, requires_grad=True); opt = torch.optim.Adagrad([p], lr=2.0, eps=1e-10)
for _ in range(20):
    p.grad = torch.tensor(Hr, dtype=torch.float64) @ p.detach(); opt.step()
assert np.allclose(p.detach().numpy(), pr[-1], rtol=1e-12, atol=1e-14)
Htest, xtest = np.array([[1.0, 0.5], [0.5, 2.0]]), np.array([1.0, -1.0])
ptest, stest = run(Htest, xtest, 0.3, 5)
Rtest = np.array([[math.cos(0.3), -math.sin(0.3)], [math.sin(0.3), math.cos(0.3)]])
gen_refs = {(pw, lk): run(H, x0, 0.4, 10, pw, lk)[0] for pw, lk in [(0.5, 1.0), (0.25, 1.0), (0.5, 0.9)]}
dist_adagrad50 = np.linalg.norm(run(H, x0, 0.4, 50)[0][-1])
# the accumulator of the student's optimizer after one step from zero, whatever its learning rate
probe_g = [0.3, -1.2, 2.0]
probe_sum = torch_adagrad([0.0, 0.0, 0.0], [probe_g], 0.05, 1e-10)[0][1]

cells = [
intro("Assignment: Adagrad", "adagrad", """
This assignment has four parts: (1) the Adagrad update, (2) Adagrad on an ill-conditioned
quadratic and on the same function rotated by 45 degrees, (3) Adagrad training a small network
on real data (8x8 handwritten digits), (4) a variant of Adagrad whose learning rate decays less
aggressively."""),
setup(SETUP),
markdown("p1_text", """
## Part 1: the Adagrad update (4 points)

Adagrad keeps, for every coordinate, the sum of all squared gradients seen so far and divides
the step by its square root:

$$s_t = s_{t-1} + g_t^2, \\qquad x_t = x_{t-1} - \\frac{\\eta}{\\sqrt{s_t} + \\epsilon}\\, g_t,$$

everything coordinate by coordinate. Here $\\epsilon$ is added **outside** the square root, as
`torch.optim.Adagrad` does (d2l adds it inside; the two agree once $s_t \\gg \\epsilon$).

Write `adagrad_step(x, grad, sum_sq, lr, eps=1e-10)`. The arguments are float64 tensors of the
same shape (and two numbers); return the pair `(new_x, new_sum_sq)` of new tensors. Do not call
an optimizer from a library: write the formula."""),
answer("p1_update", """
def adagrad_step(x, grad, sum_sq, lr, eps=1e-10):
    ### BEGIN SOLUTION
    new_sum_sq = sum_sq + grad * grad
    new_x = x - lr * grad / (torch.sqrt(new_sum_sq) + eps)
    return new_x, new_sum_sq
    ### END SOLUTION
"""),
test("p1_tests_one_step", 1, """
# One step from an empty accumulator: s = g^2, so each coordinate moves by lr in the direction of -g.
x, g = torch.tensor([1, 2], dtype=torch.float64), torch.tensor([3, -4], dtype=torch.float64)
s = torch.zeros(2, dtype=torch.float64)
result = adagrad_step(x, g, s, lr=0.5, eps=0.0)
check_type(result, "pair", "what adagrad_step returns (the pair (new_x, new_sum_sq))")
check_close(result[1], [9.0, 16.0], "new_sum_sq, the accumulated squared gradient after one step")
check_close(result[0], [0.5, 2.5], "new_x, x after one step (each coordinate should move by lr = 0.5)")
check_close(x, [1.0, 2.0], "the input x (adagrad_step should not change its arguments in place: write new_x = x - ..., not x -= ...)")
check_close(s, [0.0, 0.0], "the input sum_sq (adagrad_step should not change its arguments in place: write new_sum_sq = sum_sq + grad * grad, not sum_sq += ...)")
"""),
test("p1_tests_sequence", 2, """
# Three steps in a row, with the state passed from step to step.
x, s = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for g in [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7]]:
    x, s = adagrad_step(x, torch.tensor(g, dtype=torch.float64), s, lr=0.1)
check_type(x, "array", "new_x (a tensor of the shape of x)", shape=(3,))
# one step from an accumulator that already holds 16
new_x, new_s = adagrad_step(torch.tensor([0.0], dtype=torch.float64), torch.tensor([3.0], dtype=torch.float64), torch.tensor([16.0], dtype=torch.float64), lr=1.0, eps=0.0)
check_close(new_s, [25.0], "new_sum_sq after one step from sum_sq = 16 with g = 3 (add g^2 to the accumulator you are given)")
check_close(new_x, [-0.6], "new_x after one step from sum_sq = 16 with g = 3, lr = 1 (the step is lr * g / (sqrt(16 + 9) + eps))")
""", f"""
steps = {lits(seq_g)}
x, s = torch.tensor({lit(seq_x0)}, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
xs, ss = [], []
for g in steps:
    x, s = adagrad_step(torch.as_tensor(x).clone(), torch.tensor(g, dtype=torch.float64), torch.as_tensor(s).clone(), lr=0.1)
    xs.append(x)
    ss.append(s)
{checks([(f"ss[{t}]", o[1], f"the sum of squared gradients after step {t + 1}") for t, o in enumerate(seq)] + [(f"xs[{t}]", o[0], f"x after step {t + 1} (the step should be lr * g / (sqrt(s) + eps))") for t, o in enumerate(seq)])}
# the accumulator can start away from zero
x, s = torch.tensor({lit(seq_x0)}, dtype=torch.float64), torch.tensor({lit(seq_s0)}, dtype=torch.float64)
xs = []
for g in steps:
    x, s = adagrad_step(torch.as_tensor(x).clone(), torch.tensor(g, dtype=torch.float64), torch.as_tensor(s).clone(), lr=0.1)
    xs.append(x)
{checks([(f"xs[{t}]", o[0], f"x after step {t + 1} from a non-zero accumulator (add g^2 to the accumulator you are given)") for t, o in enumerate(seq_s)])}
"""),
test("p1_tests_epsilon", 1, """
# A large epsilon makes its placement visible.
new_x, _ = adagrad_step(torch.tensor([2.0, -1.0], dtype=torch.float64), torch.tensor([1e-3, 1.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64), lr=0.5, eps=0.1)
check_finite(new_x, "new_x")
# with eps = 1 its place shows: sqrt(s) + eps is (2, 4) here, sqrt(s + eps) is not
new_x, _ = adagrad_step(torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, -3.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64), lr=1.0, eps=1.0)
check_close(new_x, [-0.5, 0.75], "new_x after one step from 0 with g = (1, -3), lr = 1, eps = 1 (epsilon belongs outside the square root, sqrt(s) + eps, not sqrt(s + eps))")
""", f"""
new_x, _ = adagrad_step(torch.tensor({lit(eps_x0)}, dtype=torch.float64), torch.tensor({lit(eps_g[0])}, dtype=torch.float64), torch.zeros(2, dtype=torch.float64), lr=0.5, eps=0.1)
check_differ(new_x, {lit(eps_inside)}, "epsilon belongs outside the square root, sqrt(s) + eps, not sqrt(s + eps): new_x and the step with eps inside", atol=1e-9)
check_close(new_x, {lit(eps_ref)}, "x after one step with eps = 0.1", rtol=1e-9)
"""),
markdown("p2_text", """
## Part 2: the rotated objective (6 points)

The function $f(x) = 0.1 x_1^2 + 2 x_2^2 = \\tfrac12 x^\\top H x$ with $H = \\mathrm{diag}(0.2, 4)$
has its directions of low and high curvature along the coordinate axes. Rotate it by 45 degrees:
with the rotation matrix
$R(\\theta) = \\begin{pmatrix} \\cos\\theta & -\\sin\\theta \\\\ \\sin\\theta & \\cos\\theta \\end{pmatrix}$
and $\\theta = \\pi/4$, the rotated function is $f_R(x) = f(R^\\top x) = \\tfrac12 x^\\top H_R x$ with
$H_R = R H R^\\top$. Gradient descent would behave exactly the same on both functions (its path is
just rotated). Does Adagrad?

1. Write `rotation_matrix(angle)` (a 2x2 NumPy array; `angle` in radians, counterclockwise) and
   define `H` and `H_rot` (NumPy arrays)."""),
answer("p2_rotation", """
### BEGIN SOLUTION
def rotation_matrix(angle):
    return np.array([[math.cos(angle), -math.sin(angle)],
                     [math.sin(angle), math.cos(angle)]])


H = np.diag([0.2, 4.0])
R = rotation_matrix(math.pi / 4)
H_rot = R @ H @ R.T
### END SOLUTION
"""),
test("p2_tests_rotation", 1, """
quarter = rotation_matrix(math.pi / 4)
check_type(quarter, "array", "rotation_matrix(pi/4)", shape=(2, 2))
check_orthogonal(quarter, "rotation_matrix(pi/4) (a rotation matrix is orthogonal: R^T R = I)", atol=1e-12)
check_close(H_rot.trace(), 4.2, "the trace of H_rot (a rotation keeps the trace of H)")
check_close(rotation_matrix(math.pi / 2) @ np.array([1.0, 0.0]), [0.0, 1.0], "rotation_matrix(pi/2) applied to (1, 0) (the angle is in radians: pi/2 radians = 90 degrees, a quarter turn counterclockwise, takes (1, 0) to (0, 1))", atol=1e-12)
check_less(abs(float(H_rot[0][0] - H_rot[1][1])), 1e-9, "the gap between the two diagonal entries of H_rot (a rotation by 45 degrees, that is pi/4 radians, makes them equal: is the angle in radians?)")
""", f"""
check_close(rotation_matrix(0.3), {lit(Rtest)}, "rotation_matrix(0.3) (0.3 radians, counterclockwise)", rtol=1e-9)
check_close(H, [0.2, 0.0, 0.0, 4.0], "H, the Hessian of 0.1 x1^2 + 2 x2^2", rtol=1e-9)
check_close(H_rot, {lit(Hr)}, "H_rot = R H R^T for a rotation by +45 degrees (pi/4 radians)", rtol=1e-9, atol=1e-12)
"""),
markdown("p2_text_run", """
2. Write `run_adagrad(hessian, x0, lr, steps=20, eps=1e-10)`: Adagrad (the update of part 1,
   written again here, or `optbook.optim.Adagrad`) on $\\tfrac12 x^\\top A x$ with `A = hessian`
   (its gradient is $A x$), starting at `x0`. Return the pair `(x_final, sum_sq)` of NumPy arrays:
   the point after `steps` steps and the accumulated squared gradients. Float64 or float32 (the
   default dtype of torch tensors) are both accepted here.
3. Run it for 20 steps with learning rate 2: on $f$ from $x_0 = (-5, -2)$ and on $f_R$ from
   $R x_0$ (the same starting point, rotated, so that both runs start at the same height). Set
   - `dist_axis`, `dist_rotated`: the distance to the minimum (the origin) after 20 steps;
   - `eff_lr_axis`, `eff_lr_rotated`: the per-coordinate effective learning rates after 20 steps,
     $\\eta / (\\sqrt{s_{20}} + \\epsilon)$, as arrays of two numbers."""),
answer("p2_run", """
def run_adagrad(hessian, x0, lr, steps=20, eps=1e-10):
    ### BEGIN SOLUTION
    x, s = np.array(x0, dtype=float), np.zeros(len(x0))
    for _ in range(steps):
        g = hessian @ x
        s = s + g * g
        x = x - lr * g / (np.sqrt(s) + eps)
    return x, s
    ### END SOLUTION


### BEGIN SOLUTION
x0 = np.array([-5.0, -2.0])
x_axis, s_axis = run_adagrad(H, x0, lr=2.0)
x_rot, s_rot = run_adagrad(H_rot, R @ x0, lr=2.0)
dist_axis, dist_rotated = np.linalg.norm(x_axis), np.linalg.norm(x_rot)
eff_lr_axis = 2.0 / (np.sqrt(s_axis) + 1e-10)
eff_lr_rotated = 2.0 / (np.sqrt(s_rot) + 1e-10)
print(f"distance after 20 steps: {dist_axis:.4f} (axis-aligned), {dist_rotated:.4f} (rotated)")
print("effective learning rates:", eff_lr_axis, eff_lr_rotated)
### END SOLUTION
"""),
test("p2_tests_run_adagrad", 1, """
x_final, sum_sq = run_adagrad(np.eye(2), np.array([1, -1], dtype=float), lr=0.5, steps=1)
check_close(sum_sq, [1.0, 1.0], "sum_sq after one step on 1/2 |x|^2 from (1, -1)")
check_close(x_final, [0.5, -0.5], "x after one step on 1/2 |x|^2 from (1, -1) with lr = 0.5")
""", f"""
x_final, sum_sq = run_adagrad(np.array({lit(Htest)}).reshape(2, 2), np.array({lit(xtest)}), lr=0.3, steps=5)
check_close(sum_sq, {lit(stest)}, "sum_sq after 5 steps on a coupled quadratic (the gradient is A x)", rtol=1e-5)
check_close(x_final, {lit(ptest[-1])}, "x after 5 steps on a coupled quadratic", rtol=1e-5)
"""),
test("p2_tests_distances", 1, """
check_number(dist_axis, "dist_axis")
check_number(dist_rotated, "dist_rotated")
check_less(dist_axis, dist_rotated, "dist_axis < dist_rotated (Adagrad should end farther from the minimum on the rotated function than on the axis-aligned one)")
""", f"""
check_close(dist_axis, {lit(dist_axis)}, "dist_axis (20 steps, lr = 2, from (-5, -2))", rtol=1e-5)
check_close(dist_rotated, {lit(dist_rot)}, "dist_rotated (20 steps, lr = 2, from R (-5, -2))", rtol=1e-5)
"""),
test("p2_tests_effective_lr", 1, """
check_type(eff_lr_axis, "sequence", "eff_lr_axis (one learning rate per coordinate)", length=2)
check_type(eff_lr_rotated, "sequence", "eff_lr_rotated (one learning rate per coordinate)", length=2)
check_less(eff_lr_axis[1], eff_lr_axis[0], "eff_lr_axis[1] < eff_lr_axis[0] (on the axis-aligned function the flat first coordinate should keep the larger effective learning rate)")
""", f"""
check_close(eff_lr_axis, {lit(eff_axis)}, "eff_lr_axis (lr / (sqrt(s_20) + eps))", rtol=1e-5)
check_close(eff_lr_rotated, {lit(eff_rot)}, "eff_lr_rotated (lr / (sqrt(s_20) + eps))", rtol=1e-5)
check_less(eff_lr_rotated[0] / eff_lr_rotated[1], eff_lr_axis[0] / eff_lr_axis[1], "the ratio eff_lr[0] / eff_lr[1], rotated vs axis-aligned (after the rotation the two effective learning rates should be much closer to each other)")
"""),
markdown("p2_text_answer", """
4. Answer:
   - `distance_ratio`: `dist_rotated / dist_axis`, a number, and `adagrad_rotation_invariant`:
     `True` if Adagrad behaves the same on both functions (its path simply rotated, so the ratio
     is 1 up to rounding), `False` otherwise.
   - `why`: one of the letters
     - `"a"`: it behaves the same; the differences are rounding errors;
     - `"b"`: Adagrad scales each coordinate separately, so it can only adapt to curvature along
       the coordinate axes; after the rotation the directions of high and low curvature no longer
       lie along the axes;
     - `"c"`: the rotation changes the eigenvalues of the Hessian, so the rotated problem is worse
       conditioned;
     - `"d"`: the rotated function has a different minimum."""),
answer("p2_answer", """
### BEGIN SOLUTION
adagrad_rotation_invariant = False
why = "b"
distance_ratio = dist_rotated / dist_axis
### END SOLUTION
"""),
test("p2_tests_ratio", 1, """
check_number(distance_ratio, "distance_ratio")
check_type(adagrad_rotation_invariant, "bool", "adagrad_rotation_invariant")
""", f"""
check_close(distance_ratio, {lit(dist_rot / dist_axis)}, "distance_ratio = dist_rotated / dist_axis", rtol=1e-4)
check_equal(adagrad_rotation_invariant, False, "adagrad_rotation_invariant (compare the two distances after 20 steps)")
"""),
test("p2_tests_why", 1, """
check_type(why, "str", "why")
check_one_of(why, ["a", "b", "c", "d"], "why")
""", """
check_equal(why, "b", "why (a rotation keeps the eigenvalues and the minimum; think about what Adagrad does coordinate by coordinate)")
"""),
markdown("p3_text", """
## Part 3: Adagrad on a real network (3 points)

Train a small network on scikit-learn's 8x8 handwritten digits (1797 images, 10 classes; shipped
with scikit-learn, no download) with Adagrad, and reach a **test accuracy of at least 0.93**.

Fixed for everyone (the hidden test trains again with exactly this recipe):
- data: `optbook.data.digits()` (a seeded, stratified 75/25 split, pixels in [0, 1]);
- model: `optbook.train.mlp(64, 32, 10, seed=0)` (one hidden layer of 32 ReLU units);
- training: `optbook.train.fit_classifier(model, optimizer, data, epochs=10, batch_size=32, seed=0)`.

Your choice: the optimizer. Write `make_optimizer(params)`, which returns an Adagrad optimizer
(`torch.optim.Adagrad` or `optbook.optim.Adagrad`) with a learning rate you choose, then train and
set `digits_accuracy` to the final test accuracy (`history.test_accuracy[-1]`)."""),
answer("p3_train", """
def make_optimizer(params):
    ### BEGIN SOLUTION
    return torch.optim.Adagrad(params, lr=0.05)
    ### END SOLUTION


### BEGIN SOLUTION
data = optbook.data.digits()
model = optbook.train.mlp(64, 32, 10, seed=0)
history = optbook.train.fit_classifier(model, make_optimizer(model.parameters()), data,
                                       epochs=10, batch_size=32, seed=0)
digits_accuracy = history.test_accuracy[-1]
print(f"test accuracy after 10 epochs: {digits_accuracy:.3f}")
### END SOLUTION
"""),
test("p3_tests_accuracy", 1, """
check_number(digits_accuracy, "digits_accuracy")
check_less(digits_accuracy, 1.0 + 1e-9, "digits_accuracy (a fraction between 0 and 1, not a percentage)")
check_less(0.93, digits_accuracy, "digits_accuracy, the test accuracy, should reach 0.93 (try another learning rate: Adagrad's steps shrink over time, so it often needs a larger one than SGD)")
# the optimizer that reached it
optimizer_class = type(make_optimizer([torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))]))
check_equal(optimizer_class.__name__, "Adagrad", "the class of the optimizer make_optimizer returns")
"""),
test("p3_tests_retrain", 2, f"""
# make_optimizer returns Adagrad: one step on a fixed gradient accumulates its square
probe_weight = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
probe = make_optimizer([probe_weight])
check_equal(type(probe).__name__, "Adagrad", "the class of the optimizer make_optimizer returns (torch.optim.Adagrad or optbook.optim.Adagrad)")
check_one_of(type(probe).__module__, ["torch.optim.adagrad", "optbook.optim"], "the module of the optimizer make_optimizer returns (torch.optim.Adagrad or optbook.optim.Adagrad)")
probe_weight.grad = torch.tensor({lit(probe_g)}, dtype=torch.float64)
probe.step()
check_close(probe.state[probe_weight].get("sum"), {lit(probe_sum)}, "the optimizer's sum of squared gradients after one step with gradient (0.3, -1.2, 2.0)", rtol=1e-9)
""", """
# Train again with the fixed recipe, written out here, and the student's optimizer.
from torch import nn
X_train, y_train, X_test, y_test = optbook.data.digits()
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
optimizer = make_optimizer(net.parameters())
check_equal(type(optimizer).__name__, "Adagrad", "the class of the optimizer make_optimizer returns")
check_one_of(type(optimizer).__module__, ["torch.optim.adagrad", "optbook.optim"], "the module of the optimizer make_optimizer returns")
generator = torch.Generator().manual_seed(0)
for epoch in range(10):
    for batch in torch.randperm(len(X_train), generator=generator).split(32):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(X_train[batch]), y_train[batch]).backward()
        optimizer.step()
with torch.no_grad():
    retrained = float((net(X_test).argmax(dim=1) == y_test).double().mean())
check_less(0.93, retrained, "the test accuracy the network reaches when trained again with your optimizer (it should reach 0.93)")
check_less(abs(retrained - float(digits_accuracy)), 0.02, f"the gap between digits_accuracy ({float(digits_accuracy):.3f}) and what the fixed recipe gives with your optimizer ({retrained:.3f}): train exactly as described")
"""),
markdown("p4_text", """
## Part 4: a less aggressive decay (6 points)

Adagrad's effective learning rate $\\eta/\\sqrt{s_t}$ only ever shrinks, and with a steady gradient
it shrinks like $1/\\sqrt{t}$: on $f(x) = 0.1x_1^2 + 2x_2^2$ with $\\eta = 0.4$ the flat coordinate
$x_1$ almost stops moving. Two ways to decay less aggressively:
- a smaller **power**: divide by $s_t^{p}$ with $p < 1/2$ instead of $\\sqrt{s_t}$;
- a **leaky** accumulator: $s_t = \\lambda s_{t-1} + g_t^2$ with $\\lambda < 1$, which forgets old
  gradients (this is the idea behind RMSProp).

1. Write `generalized_adagrad(hessian, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10)` on
   $\\tfrac12 x^\\top A x$ (gradient $A x$) with
   $s_t = \\lambda s_{t-1} + g_t^2$ and $x_t = x_{t-1} - \\eta\\, g_t / (s_t^{p} + \\epsilon)$
   ($\\lambda$ = `leak`, $p$ = `power`). Return the path: a NumPy array of shape `(steps + 1, 2)`
   whose first row is `x0` (float64 or float32). With `power=0.5, leak=1.0` it is Adagrad."""),
answer("p4_generalized", """
def generalized_adagrad(hessian, x0, lr, steps, power=0.5, leak=1.0, eps=1e-10):
    ### BEGIN SOLUTION
    x, s = np.array(x0, dtype=float), np.zeros(len(x0))
    path = [x.copy()]
    for _ in range(steps):
        g = hessian @ x
        s = leak * s + g * g
        x = x - lr * g / (s ** power + eps)
        path.append(x.copy())
    return np.array(path)
    ### END SOLUTION
"""),
test("p4_tests_generalized", 2, """
path = generalized_adagrad(np.diag([0.2, 4.0]), np.array([-5, -2], dtype=float), lr=0.4, steps=3)
check_type(path, "sequence", "the path of 3 steps (the start and 3 points)", shape=(4, 2))
check_close(path[0], [-5.0, -2.0], "the first row of the path (it should be x0)")
check_close(path[1], [-4.6, -1.6], "the first point with power 1/2 and no leak (Adagrad: each coordinate moves by lr)")
""", "\n".join(f"""
path = generalized_adagrad(np.diag([0.2, 4.0]), np.array([-5, -2], dtype=float), lr=0.4, steps=10, power={pw}, leak={lk})
check_close(path[-1], {lit(ref[-1])}, "the point after 10 steps with power = {pw}, leak = {lk}", rtol=1e-8, atol=1e-12)
check_close(path, {lit(ref)}, "the path with power = {pw}, leak = {lk}", rtol=1e-8, atol=1e-12)""" for (pw, lk), ref in gen_refs.items())),
markdown("p4_text_demo", """
2. Show it: choose `my_power` ($\\le 1/2$) and `my_leak` ($\\le 1$), not both left at Adagrad's
   values, such that after 50 steps with $\\eta = 0.4$ from $(-5, -2)$ on $f$ (`H` of part 2, or
   `np.diag([0.2, 4.0])`) your variant ends **less than half as far** from the minimum as Adagrad.
   Set `dist_adagrad` and `dist_gentle` to the two distances.
3. Theory, for a steady gradient $g \\neq 0$ (the same at every step):
   - `decay_exponent(power)`: with `leak = 1`, the effective learning rate $\\eta/s_t^{p}$ decays
     like $t^{-q}$; return $q$;
   - `leaky_limit(lr, g, leak, power)`: with `leak < 1`, the limit of $\\eta/s_t^{p}$ as
     $t \\to \\infty$ (ignore $\\epsilon$)."""),
answer("p4_demo", """
### BEGIN SOLUTION
my_power, my_leak = 0.5, 0.9
hessian = np.diag([0.2, 4.0])
start = np.array([-5.0, -2.0])
dist_adagrad = np.linalg.norm(generalized_adagrad(hessian, start, 0.4, 50)[-1])
dist_gentle = np.linalg.norm(generalized_adagrad(hessian, start, 0.4, 50, my_power, my_leak)[-1])
print(f"after 50 steps: Adagrad {dist_adagrad:.3f}, leaky variant {dist_gentle:.3f}")


def decay_exponent(power):
    return power


def leaky_limit(lr, g, leak, power):
    return lr / (g * g / (1 - leak)) ** power
### END SOLUTION
"""),
test("p4_tests_demo", 2, """
check_number(my_power, "my_power")
check_number(my_leak, "my_leak")
check_less(0.0, my_power, "my_power should be in (0, 1/2]")
check_less(my_power, 0.5 + 1e-12, "my_power should be in (0, 1/2]")
check_less(0.0, my_leak, "my_leak should be in (0, 1]")
check_less(my_leak, 1.0 + 1e-12, "my_leak should be in (0, 1]")
check_differ([my_power, my_leak], [0.5, 1.0], "my_power = 1/2 with my_leak = 1 is Adagrad itself: change one of them; (my_power, my_leak) and (1/2, 1)", atol=0.0)
check_number(dist_gentle, "dist_gentle")
check_number(dist_adagrad, "dist_adagrad")
check_less(dist_gentle, dist_adagrad / 2, "dist_gentle < dist_adagrad / 2 (your variant should end less than half as far from the minimum as Adagrad)")
""", f"""
check_close(dist_adagrad, {lit(dist_adagrad50)}, "dist_adagrad (50 steps of Adagrad, lr = 0.4, from (-5, -2))", rtol=1e-6)
# the variant, run again here with the chosen power and leak
x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
for _ in range(50):
    g1, g2 = 0.2 * x1, 4.0 * x2
    s1, s2 = float(my_leak) * s1 + g1 * g1, float(my_leak) * s2 + g2 * g2
    x1 -= 0.4 * g1 / (s1 ** float(my_power) + 1e-10)
    x2 -= 0.4 * g2 / (s2 ** float(my_power) + 1e-10)
distance = math.hypot(x1, x2)
check_less(abs(float(dist_gentle) - distance), 1e-5 * distance + 1e-12, "the gap between dist_gentle and the distance after 50 steps of your variant (lr = 0.4, from (-5, -2)), run again here with my_power and my_leak")
check_less(distance, dist_adagrad / 2, "the distance after 50 steps of your variant, run again here, against dist_adagrad / 2 (it should end less than half as far from the minimum as Adagrad)")
"""),
test("p4_tests_decay", 1, """
check_number(decay_exponent(0.5), "decay_exponent(0.5)")
""", f"""
check_close(decay_exponent(0.5), 0.5, "decay_exponent(0.5): Adagrad's rate decays like 1/sqrt(t)")
check_close(decay_exponent(0.3), 0.3, "decay_exponent(0.3): s_t grows like t, so s_t^p grows like t^p")
"""),
test("p4_tests_limit", 1, """
check_number(leaky_limit(0.4, 2.0, 0.9, 0.5), "leaky_limit(0.4, 2.0, 0.9, 0.5)")
""", f"""
check_close(leaky_limit(0.4, 2.0, 0.9, 0.5), {lit(0.4 * math.sqrt(0.1 / 4))}, "leaky_limit(0.4, 2.0, 0.9, 0.5): s_t tends to g^2 / (1 - leak)", rtol=1e-9)
check_close(leaky_limit(1.0, 3.0, 0.99, 0.25), {lit((0.01 / 9) ** 0.25)}, "leaky_limit(1.0, 3.0, 0.99, 0.25)", rtol=1e-9)
"""),
]

NAME = "adagrad"

if __name__ == "__main__":
    print(write(NAME, cells))

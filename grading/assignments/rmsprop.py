"""The rmsprop assignment: the update, the weight of past gradients, gamma = 1 and 0, a rotated problem.

Hidden reference values are computed here, offline (torch.optim cross-checked against
plain loops), and written into the test cells as literals.

    python -m grading.assignments.rmsprop    # rewrite solutions/rmsprop/rmsprop.ipynb
"""

import math

import numpy as np
import torch

from grading.authoring import (SETUP_ONE_THREAD as SETUP, answer, checks, intro, lit, lits,
                               markdown, setup, test, write)

torch.set_default_dtype(torch.float64)  # the reference computations below run in float64


def torch_rmsprop(x0, grads, lr, gamma, eps):
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.RMSprop([p], lr=lr, alpha=gamma, eps=eps)
    out = []
    for g in grads:
        p.grad = torch.tensor(g); opt.step()
        out.append((p.detach().clone().numpy(), opt.state[p]["square_avg"].clone().numpy()))
    return out
def plain(x0, grads, lr, gamma, eps, inside=False, leak_only=False):
    x, s = np.array(x0, float), np.zeros(len(x0)); out = []
    for g in grads:
        g = np.array(g); s = gamma * s + (1.0 if leak_only else 1 - gamma) * g * g
        x = x - lr * g / (np.sqrt(s + eps) if inside else np.sqrt(s) + eps); out.append((x.copy(), s.copy()))
    return out
seq_x0, seq_g = [1.0, -2.0, 0.5], [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7]]
seq = torch_rmsprop(seq_x0, seq_g, 0.01, 0.9, 1e-8)
assert np.allclose(seq[-1][0], plain(seq_x0, seq_g, 0.01, 0.9, 1e-8)[-1][0], rtol=1e-13)
no_one_minus = plain(seq_x0, seq_g, 0.01, 0.9, 1e-8, leak_only=True)
def no_decay(x0, grads, lr, gamma, eps):
    x, s = np.array(x0, float), np.zeros(len(x0)); out = []
    for g in grads:
        g = np.array(g); s = s + (1 - gamma) * g * g
        x = x - lr * g / (np.sqrt(s) + eps); out.append((x.copy(), s.copy()))
    return out
forgets_decay = no_decay(seq_x0, seq_g, 0.01, 0.9, 1e-8)
assert np.abs(forgets_decay[1][1] - seq[1][1]).max() > 1e-3
eps_x0, eps_g = [2.0, -1.0], [[1e-3, 1.0]]
# gamma = 0 here, so that only the place of eps decides this cell
eps_ref = torch_rmsprop(eps_x0, eps_g, 0.5, 0.0, 0.1)[0][0]
eps_inside = plain(eps_x0, eps_g, 0.5, 0.0, 0.1, inside=True)[0][0]
assert np.abs(eps_ref - eps_inside).max() > 1e-2

fa = lambda a, b: (0.2 * a, 4 * b)
fr = lambda a, b: (0.2 * (a + b) + 4 * (a - b), 0.2 * (a + b) - 4 * (a - b))
def steps_of(gamma, steps, lr=0.01, eps=1e-6):
    x = np.array([-5.0, -2.0]); s = np.zeros(2); out = []
    for _ in range(steps):
        g = np.array(fa(*x)); s = gamma * s + (1 - gamma) * g * g
        new = x - lr * g / (np.sqrt(s) + eps); out.append(np.linalg.norm(new - x)); x = new
    return np.array(out)
def dist(grad, steps=20, lr=0.4, gamma=0.9, eps=1e-6):
    x = np.array([-5.0, -2.0]); s = np.zeros(2)
    for _ in range(steps):
        g = np.array(grad(*x)); s = gamma * s + (1 - gamma) * g * g; x = x - lr * g / (np.sqrt(s) + eps)
    return np.linalg.norm(x)
# torch agrees on the experiment
p = torch.tensor([-5.0, -2.0], requires_grad=True); opt = torch.optim.RMSprop([p], lr=0.4, alpha=0.9, eps=1e-6)
for _ in range(20):
    p.grad = torch.tensor(fr(*p.detach().tolist())); opt.step()
assert abs(p.detach().norm().item() - dist(fr)) < 1e-12

cells = [
intro("Assignment: RMSProp", "rmsprop", """
This assignment has four parts: (1) the RMSProp update, (2) how much weight the leaky average
gives to past gradients, (3) what the extreme choices gamma = 1 and gamma = 0 do, (4) RMSProp on
a rotated ill-conditioned quadratic."""),
setup(SETUP),
markdown("p1_text", """
## Part 1: the RMSProp update (4 points)

RMSProp replaces Adagrad's sum of squared gradients by a leaky average:

$$s_t = \\gamma s_{t-1} + (1 - \\gamma)\\, g_t^2, \\qquad x_t = x_{t-1} - \\frac{\\eta}{\\sqrt{s_t} + \\epsilon}\\, g_t,$$

coordinate by coordinate, with $\\epsilon$ added **outside** the square root as in
`torch.optim.RMSprop` (whose `alpha` is our $\\gamma$; d2l adds $\\epsilon$ inside).

Write `rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8)`: the arguments are float64 tensors
of the same shape and three numbers; return the pair `(new_x, new_square_avg)` of new tensors.
Write the formula; do not call a library optimizer."""),
answer("p1_update", """
def rmsprop_step(x, grad, square_avg, lr, gamma, eps=1e-8):
    ### BEGIN SOLUTION
    new_square_avg = gamma * square_avg + (1 - gamma) * grad * grad
    new_x = x - lr * grad / (torch.sqrt(new_square_avg) + eps)
    return new_x, new_square_avg
    ### END SOLUTION
"""),
test("p1_tests_one_step", 1, """
x, g = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([3.0, -4.0], dtype=torch.float64)
s = torch.zeros(2, dtype=torch.float64)
result = rmsprop_step(x, g, s, lr=0.3, gamma=0.75, eps=0.0)
check_type(result, "pair", "rmsprop_step(...) (the pair (new_x, new_square_avg))")
new_x, new_s = result
check_close(new_s, [2.25, 4.0], "the leaky average of g^2 after one step from zero ((1 - gamma) g^2)")
check_close(new_x, [0.4, 2.6], "x after one step (lr * g / sqrt(s) is (0.6, -0.6) here)")
check_close(x, [1, 2], "the input x (rmsprop_step should not change its arguments in place: write new_x = x - ..., not x -= ...)")
check_close(s, [0.0, 0.0], "the input square_avg (rmsprop_step should not change its arguments in place: write new_square_avg = gamma * square_avg + ..., not square_avg *= ... or square_avg.mul_(...))")
"""),
test("p1_tests_sequence", 2, """
x, s = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for g in [[0.5, -1.0, 2.0], [-0.3, 0.2, 1.5], [1.2, 0.0, -0.7]]:
    x, s = rmsprop_step(x, torch.tensor(g, dtype=torch.float64), s, lr=0.01, gamma=0.9)
check_type(x, "array", "new_x after three steps (it should have the shape of x)", shape=(3,))
# one step from an average that already holds 5
new_x, new_s = rmsprop_step(torch.tensor([0.0], dtype=torch.float64), torch.tensor([5.0], dtype=torch.float64), torch.tensor([5.0], dtype=torch.float64), lr=0.3, gamma=0.8, eps=0.0)
check_close(new_s, [9.0], "the leaky average after one step from square_avg = 5 with g = 5, gamma = 0.8 (it should be gamma * square_avg + (1 - gamma) * g^2)")
check_close(new_x, [-0.5], "x after that step (lr * g / sqrt(s) with lr = 0.3, g = 5)")
""", f"""
steps = {lits(seq_g)}
x, s = torch.tensor({lit(seq_x0)}, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
xs, ss = [], []
for g in steps:
    x, s = rmsprop_step(torch.as_tensor(x).clone(), torch.tensor(g, dtype=torch.float64), torch.as_tensor(s).clone(), lr=0.01, gamma=0.9)
    xs.append(x)
    ss.append(s)
check_differ(ss[0], {lit(no_one_minus[0][1])},
             "the leaky average after step 1 and gamma * s + g^2 (the new squared gradient should be weighted by (1 - gamma), not added with weight 1)",
             atol=1e-12)
check_differ(ss[1], {lit(forgets_decay[1][1])},
             "the leaky average after step 2 and s + (1 - gamma) g^2 (the old average should be multiplied by gamma: gamma * square_avg + (1 - gamma) * g^2)",
             atol=1e-12)
{checks([(f"ss[{t}]", o[1], f"the leaky average of g^2 after step {t + 1} (gamma = 0.9)") for t, o in enumerate(seq)] + [(f"xs[{t}]", o[0], f"x after step {t + 1} (the step should be lr * g / (sqrt(s) + eps))") for t, o in enumerate(seq)])}
"""),
test("p1_tests_epsilon", 1, """
new_x, _ = rmsprop_step(torch.tensor([2.0, -1.0], dtype=torch.float64), torch.tensor([1e-3, 1.0], dtype=torch.float64),
                        torch.zeros(2, dtype=torch.float64), lr=0.5, gamma=0.0, eps=0.1)
check_finite(new_x, "new_x after a step with gamma = 0, eps = 0.1 from s = 0")
# with gamma = 0 and eps = 1 its place shows: sqrt(s) + eps is (2, 4) here, sqrt(s + eps) is not
new_x, _ = rmsprop_step(torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, -3.0], dtype=torch.float64),
                        torch.zeros(2, dtype=torch.float64), lr=1.0, gamma=0.0, eps=1.0)
check_close(new_x, [-0.5, 0.75], "new_x after one step from 0 with g = (1, -3), lr = 1, gamma = 0, eps = 1 (epsilon should be added outside the square root, sqrt(s) + eps)")
""", f"""
new_x, _ = rmsprop_step(torch.tensor({lit(eps_x0)}, dtype=torch.float64), torch.tensor({lit(eps_g[0])}, dtype=torch.float64),
                        torch.zeros(2, dtype=torch.float64), lr=0.5, gamma=0.0, eps=0.1)
check_differ(new_x, {lit(eps_inside)},
             "new_x and the step with sqrt(s + eps) (epsilon should be added outside the square root, sqrt(s) + eps)",
             atol=1e-9)
check_close(new_x, {lit(eps_ref)}, "x after one step with gamma = 0, eps = 0.1", rtol=1e-9)
"""),
markdown("p2_text", """
## Part 2: the weight of past gradients (4 points)

Unrolling the recursion from $s_0 = 0$ gives
$s_t = (1-\\gamma)\\left(g_t^2 + \\gamma g_{t-1}^2 + \\gamma^2 g_{t-2}^2 + \\dots\\right)$.
Write
- `gradient_weights(gamma, n)`: a NumPy array of the weights of $g_t^2, g_{t-1}^2, \\dots, g_{t-n+1}^2$
  in $s_t$ (assume $t$ is much larger than $n$);
- `weight_of_last(gamma, k)`: the total weight of the last $k$ squared gradients, as $t \\to \\infty$;
- `half_life(gamma)`: the number of steps (a real number) after which the weight of a gradient has
  halved;
- `last_needed(gamma, share)`: the smallest whole number $k$ of most recent squared gradients that
  carry at least `share` of the total weight, as $t \\to \\infty$ (an integer)."""),
answer("p2_weights", """
### BEGIN SOLUTION
def gradient_weights(gamma, n):
    return (1 - gamma) * gamma ** np.arange(n)


def weight_of_last(gamma, k):
    return 1 - gamma ** k


def half_life(gamma):
    return math.log(0.5) / math.log(gamma)


def last_needed(gamma, share):
    return math.ceil(math.log(1 - share) / math.log(gamma))


for gamma in [0.5, 0.9, 0.99, 0.999]:
    print(f"gamma = {gamma}: the last 10 gradients carry {weight_of_last(gamma, 10):.3f} of the weight, "
          f"half-life {half_life(gamma):.1f} steps; the last {last_needed(gamma, 0.9)} carry 90%")
### END SOLUTION
"""),
test("p2_tests_weights", 1, """
check_close(gradient_weights(0.5, 3), [0.5, 0.25, 0.125], "gradient_weights(0.5, 3)")
check_close(np.sum(gradient_weights(0.9, 400)), 1.0, "the sum of all the weights (it should approach 1)", rtol=1e-6)
""", f"""
check_close(gradient_weights(0.9, 5), {lit(0.1 * 0.9 ** np.arange(5))}, "gradient_weights(0.9, 5)", rtol=1e-9)
check_close(gradient_weights(0.99, 3), {lit(0.01 * 0.99 ** np.arange(3))}, "gradient_weights(0.99, 3)", rtol=1e-9)
weights = gradient_weights(0.999, 10)
check_close(weights, {lit(0.001 * 0.999 ** np.arange(10))}, "gradient_weights(0.999, 10)", rtol=1e-9)
check_less(weights[1], weights[0], "the weights of g_(t-1)^2 and g_t^2 (older gradients should get smaller weights)")
check_less(weights[9], weights[8], "the weights of g_(t-9)^2 and g_(t-8)^2 (older gradients should get smaller weights)")
"""),
test("p2_tests_last", 1, """
check_close(weight_of_last(0.5, 2), 0.75, "weight_of_last(0.5, 2)")
""", f"""
{checks([(f"weight_of_last({g}, 10)", 1 - g ** 10, f"weight_of_last({g}, 10) (the total weight of the last 10 squared gradients)") for g in (0.9, 0.999)])}
check_close(weight_of_last(0.99, 10), {lit(1 - 0.99 ** 10)}, "weight_of_last(0.99, 10)", rtol=1e-9)
"""),
test("p2_tests_half_life", 1, """
check_close(half_life(0.5), 1.0, "half_life(0.5)")
""", f"""
check_close(half_life(0.9), {lit(math.log(0.5) / math.log(0.9))}, "half_life(0.9) (solve gamma^n = 1/2 for n)", rtol=1e-9)
check_close(half_life(0.999), {lit(math.log(0.5) / math.log(0.999))}, "half_life(0.999)", rtol=1e-9)
"""),
test("p2_tests_last_needed", 1, """
check_equal(last_needed(0.5, 0.9), 4, "last_needed(0.5, 0.9) (the last 3 gradients carry 0.875 of the weight, the last 4 carry 0.9375)")
""", """
check_equal(last_needed(0.9, 0.99), 44, "last_needed(0.9, 0.99) (the smallest k with 1 - gamma^k >= share)")
check_equal(last_needed(0.99, 0.5), 69, "last_needed(0.99, 0.5) (the smallest k with 1 - gamma^k >= share)")
check_equal(last_needed(0.999, 0.9), 2302, "last_needed(0.999, 0.9) (the smallest k with 1 - gamma^k >= share)")
"""),
markdown("p3_text", """
## Part 3: the extremes gamma = 1 and gamma = 0 (4 points)

Write `first_steps(gamma, steps)`: run RMSProp with $\\eta = 0.01$, $\\epsilon = 10^{-6}$ (outside the
root) and the given $\\gamma$ on $f(x) = 0.1x_1^2 + 2x_2^2$ (gradient $(0.2x_1, 4x_2)$) from
$(-5, -2)$ with $s_0 = 0$, and return a NumPy array of the lengths $\\|x_t - x_{t-1}\\|$ of the first
`steps` steps. (Write the loop, or use `optbook.optim.RMSprop(..., alpha=gamma, eps=1e-6)`; float64
or float32, the default dtype of torch tensors, are both accepted.)

Then answer:
- `gamma_one`: what happens with $\\gamma = 1$? `"a"`: $s_t$ grows without bound, so the steps
  vanish; `"b"`: RMSProp becomes Adagrad; `"c"`: $s_t$ stays at its initial value 0, so every step
  divides the gradient by $\\epsilon$ and is enormous; `"d"`: nothing changes.
- `gamma_zero`: what happens with $\\gamma = 0$? `"a"`: RMSProp becomes plain gradient descent with
  learning rate $\\eta$; `"b"`: every coordinate moves by (almost exactly) $\\eta$ in the direction of
  $-\\mathrm{sign}(g)$ (sign descent); `"c"`: the steps vanish; `"d"`: RMSProp becomes Adagrad."""),
answer("p3_extremes", """
def first_steps(gamma, steps):
    ### BEGIN SOLUTION
    x, s, lengths = np.array([-5.0, -2.0]), np.zeros(2), []
    for _ in range(steps):
        g = np.array([0.2 * x[0], 4.0 * x[1]])
        s = gamma * s + (1 - gamma) * g * g
        new_x = x - 0.01 * g / (np.sqrt(s) + 1e-6)
        lengths.append(np.linalg.norm(new_x - x))
        x = new_x
    return np.array(lengths)
    ### END SOLUTION


### BEGIN SOLUTION
print("gamma = 0.9:", first_steps(0.9, 3))
print("gamma = 1:  ", first_steps(1.0, 3))
print("gamma = 0:  ", first_steps(0.0, 3))
gamma_one = "c"
gamma_zero = "b"
### END SOLUTION
"""),
test("p3_tests_steps", 2, f"""
lengths = first_steps(0.9, 3)
first_with_one = first_steps(1.0, 1)
check_type(lengths, "sequence", "first_steps(0.9, 3) (3 step lengths)", length=3)
check_close(lengths[0], {lit(steps_of(0.9, 1)[0])}, "the first step length with gamma = 0.9", rtol=1e-4)
check_close(first_with_one[0], {lit(steps_of(1.0, 1)[0])}, "the first step length with gamma = 1", rtol=1e-4)
check_less(1000 * float(lengths[0]), float(first_with_one[0]),
           "1000 times the first step with gamma = 0.9 and the first step with gamma = 1 (with gamma = 1 it should be enormous)")
""", f"""
check_close(first_steps(0.9, 3), {lit(steps_of(0.9, 3))}, "first_steps(0.9, 3)", rtol=1e-4)
check_close(first_steps(1.0, 2), {lit(steps_of(1.0, 2))}, "first_steps(1.0, 2)", rtol=1e-4)
check_close(first_steps(0.0, 3), {lit(steps_of(0.0, 3))}, "first_steps(0.0, 3)", rtol=1e-4)
check_close(first_steps(0.5, 4), {lit(steps_of(0.5, 4))}, "first_steps(0.5, 4)", rtol=1e-4)
"""),
test("p3_tests_gamma_one", 1, """
check_one_of(gamma_one, ["a", "b", "c", "d"], "gamma_one (a letter)")
""", """
check_equal(gamma_one, "c",
            "gamma_one (look at s_t = 1 * s_(t-1) + 0 * g_t^2 with s_0 = 0: what is the denominator of every step?)")
"""),
test("p3_tests_gamma_zero", 1, """
check_one_of(gamma_zero, ["a", "b", "c", "d"], "gamma_zero (a letter)")
""", """
check_equal(gamma_zero, "b",
            "gamma_zero (with gamma = 0, what is s_t, and what is g_t / sqrt(s_t)?)")
"""),
markdown("p4_text", """
## Part 4: a rotated problem (5 points)

d2l asks what happens to RMSProp on $f_R(x) = 0.1(x_1 + x_2)^2 + 2(x_1 - x_2)^2$, the function
$0.1x_1^2 + 2x_2^2$ turned by 45 degrees (and scaled by 2).

1. Write `rotated_gradient(x1, x2)`, returning the pair of partial derivatives of $f_R$.
2. Write `rmsprop_distance(gradient, steps, lr=0.4, gamma=0.9, eps=1e-6)`: run RMSProp (eps outside
   the root, $s_0 = 0$) from $(-5, -2)$ with `gradient(x1, x2)` and return the distance to the
   origin (the minimum of both functions) after `steps` steps.
3. Set `dist_axis = rmsprop_distance(lambda a, b: (0.2 * a, 4 * b), 20)` and
   `dist_rotated = rmsprop_distance(rotated_gradient, 20)` (float64 or float32 are both accepted).
4. Set `distance_ratio = dist_rotated / dist_axis` and `rotation_hurts` (`True` if RMSProp ends
   more than 10 times farther from the minimum on the rotated function, `False` otherwise), and
   answer `reason`: `"a"`: the rotated function has a larger condition number; `"b"`:
   RMSProp rescales each coordinate separately, which helps only when the directions of different
   curvature lie along the axes; `"c"`: the learning rate is too small."""),
answer("p4_rotated", """
### BEGIN SOLUTION
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
print(f"after 20 steps: {dist_axis:.4f} (axis-aligned), {dist_rotated:.4f} (rotated)")
distance_ratio = dist_rotated / dist_axis
rotation_hurts = distance_ratio > 10
reason = "b"
### END SOLUTION
"""),
test("p4_tests_gradient", 1, """
check_close(rotated_gradient(0.0, 0.0), [0.0, 0.0], "the gradient at the minimum")
check_close(rotated_gradient(0.0, 1.0), [-3.8, 4.2], "the gradient of f_R at (0, 1) (differentiate: the derivative of 0.1 u^2 is 0.2 u u')")
""", """
check_close(rotated_gradient(1.0, 0.0), [4.2, -3.8], "the gradient of f_R at (1, 0)", rtol=1e-9)
check_close(rotated_gradient(-5.0, -2.0), [-13.4, 10.6], "the gradient of f_R at (-5, -2)", rtol=1e-9)
"""),
test("p4_tests_distances", 2, """
check_number(dist_axis, "dist_axis")
check_number(dist_rotated, "dist_rotated")
check_less(dist_axis, dist_rotated,
           "dist_axis and dist_rotated (RMSProp should end farther from the minimum on the rotated function)")
""", f"""
check_close(rmsprop_distance(lambda a, b: (1.0 * a, 3.0 * b), 5, lr=0.1, gamma=0.5), {lit(dist(lambda a, b: (1.0 * a, 3.0 * b), 5, lr=0.1, gamma=0.5))},
            "rmsprop_distance on 0.5 x1^2 + 1.5 x2^2 (5 steps, lr 0.1, gamma 0.5)", rtol=1e-5)
check_close(dist_axis, {lit(dist(fa))}, "dist_axis (20 steps on 0.1 x1^2 + 2 x2^2)", rtol=1e-5)
check_close(dist_rotated, {lit(dist(fr))}, "dist_rotated (20 steps on the rotated function)", rtol=1e-5)
"""),
test("p4_tests_ratio", 1, """
check_number(distance_ratio, "distance_ratio")
check_type(rotation_hurts, "bool", "rotation_hurts")
""", f"""
check_close(distance_ratio, {lit(dist(fr) / dist(fa))}, "distance_ratio = dist_rotated / dist_axis", rtol=1e-4)
check_equal(rotation_hurts, True, "rotation_hurts (compare dist_rotated with 10 * dist_axis)")
"""),
test("p4_tests_reason", 1, """
check_one_of(reason, ["a", "b", "c"], "reason (a letter)")
""", """
check_equal(reason, "b", "reason (think about what RMSProp does coordinate by coordinate)")
"""),
]

NAME = "rmsprop"

if __name__ == "__main__":
    print(write(NAME, cells))

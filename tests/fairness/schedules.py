"""The schedules assignment, solved as students solve it (see tests/fairness/__init__.py)."""

from fairness import correct, wrong

# ----------------------------------------------------------------------------- Part 1
P1_BRANCHES = """
def warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor):
    lo = start_factor * peak_lr
    floor = final_factor * peak_lr
    if t >= total_steps:
        return floor
    if t < warmup_steps:
        return lo + t * (peak_lr - lo) / warmup_steps
    angle = math.pi * (t - warmup_steps) / (total_steps - warmup_steps)
    return floor + 0.5 * (peak_lr - floor) * (1 + math.cos(angle))
"""

P1_NUMPY_CLIP = """
def warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor):
    warm = start_factor + (1 - start_factor) * np.clip(t / warmup_steps, 0.0, 1.0)
    progress = np.clip((t - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    decay = final_factor + (1 - final_factor) * 0.5 * (1 + np.cos(np.pi * progress))
    return peak_lr * np.where(t < warmup_steps, warm, decay)
"""

P1_OPTBOOK = """
from optbook import schedules


def warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor):
    rule = schedules.warmup_cosine(peak_lr, warmup_steps, total_steps,
                                   final_lr=final_factor * peak_lr,
                                   initial_lr=start_factor * peak_lr)
    return rule(t)
"""

P1_TORCH_FLOAT32 = """
def warmup_cosine(t, peak_lr, warmup_steps, total_steps, start_factor, final_factor):
    t = torch.tensor(float(t))
    start = start_factor * peak_lr
    end = final_factor * peak_lr
    ramp = start + (peak_lr - start) * t / warmup_steps
    phase = torch.clamp((t - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = end + (peak_lr - end) * (1 + torch.cos(torch.pi * phase)) / 2
    return ramp if t < warmup_steps else cosine
"""

P1_OFF_BY_ONE = P1_BRANCHES.replace("return lo + t * (peak_lr - lo) / warmup_steps",
                                    "return lo + (t + 1) * (peak_lr - lo) / warmup_steps")
P1_FROM_ZERO = P1_BRANCHES.replace("return lo + t * (peak_lr - lo) / warmup_steps",
                                   "return peak_lr * t / warmup_steps")
P1_WHOLE_RUN = P1_BRANCHES.replace(
    "angle = math.pi * (t - warmup_steps) / (total_steps - warmup_steps)",
    "angle = math.pi * t / total_steps")
P1_NO_FLOOR = P1_BRANCHES.replace("    if t >= total_steps:\n        return floor\n", "")

# ----------------------------------------------------------------------------- Part 2
P2_NUMPY = """
def clip_global_norm(grads, max_norm):
    arrays = [np.asarray(g, dtype=np.float64) for g in grads]
    norm = np.sqrt(sum(np.sum(a ** 2) for a in arrays))
    if norm > max_norm:
        arrays = [a * (max_norm / norm) for a in arrays]
    return arrays, norm
"""

P2_TORCH_UTILS = """
def clip_global_norm(grads, max_norm):
    params = []
    for g in grads:
        p = torch.zeros_like(g, requires_grad=True)
        p.grad = g.clone()
        params.append(p)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params], norm
"""

P2_FLATTEN = """
def clip_global_norm(grads, max_norm):
    flat = torch.cat([g.reshape(-1) for g in grads])
    norm = torch.linalg.norm(flat)
    factor = torch.clamp(max_norm / norm, max=1.0)
    return [g * factor for g in grads], norm
"""

P2_IN_PLACE_FLOAT32 = """
def clip_global_norm(grads, max_norm):
    grads = [g.float() for g in grads]
    total = torch.stack([torch.linalg.vector_norm(g) for g in grads]).norm()
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / total)
    return grads, total.item()
"""

P2_PER_TENSOR = """
def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    clipped = []
    for g in grads:
        own = float(g.norm())
        clipped.append(g * min(1.0, max_norm / own))
    return clipped, norm
"""

P2_BY_VALUE = """
def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    return [g.clamp(-max_norm, max_norm) for g in grads], norm
"""

P2_ALWAYS = """
def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    return [g * (max_norm / norm) for g in grads], norm
"""

P2_NORM_AFTER = """
def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    clipped = [g * min(1.0, max_norm / norm) for g in grads]
    return clipped, math.sqrt(sum(float((g ** 2).sum()) for g in clipped))
"""

# ----------------------------------------------------------------------------- Part 3
P3_PLAIN = """
def run(spike, clip):
    w1, w2 = 1.0, 2.0
    for t in range(100):
        g1, g2 = w1, 0.05 * w2
        if spike and t == 10:
            g1, g2 = g1 + 30.0, g2 - 40.0
        if clip:
            n = math.hypot(g1, g2)
            if n > 2.0:
                g1, g2 = g1 * 2.0 / n, g2 * 2.0 / n
        w1, w2 = w1 - 0.5 * g1, w2 - 0.5 * g2
    return 0.5 * (w1 ** 2 + 0.05 * w2 ** 2)


final_losses = (run(False, False), run(True, False), run(True, True))
verdict = "A"
"""

P3_TORCH_FLOAT32 = """
def run(spike, clip):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for t in range(100):
        loss = 0.5 * (w[0] ** 2 + 0.05 * w[1] ** 2)
        w.grad = None
        loss.backward()
        g = w.grad.clone()
        if spike and t == 10:
            g += torch.tensor([30.0, -40.0])
        if clip:
            g = clip_global_norm([g], 2.0)[0][0]
            g = torch.as_tensor(g, dtype=torch.float32)
        with torch.no_grad():
            w -= 0.5 * g
    return (0.5 * (w[0] ** 2 + 0.05 * w[1] ** 2)).item()


final_losses = torch.tensor([run(False, False), run(True, False), run(True, True)])
verdict = "a"
"""

P3_CLOSED_FORM = """
lambdas = np.array([1.0, 0.05])
factor = 1 - 0.5 * lambdas
def run(spike, clip):
    w = np.array([1.0, 2.0])
    if spike:
        w = w * factor ** 10
        g = lambdas * w + np.array([30.0, -40.0])
        if clip:
            g = g * min(1, 2.0 / np.linalg.norm(g))
        w = (w - 0.5 * g) * factor ** 89
    else:
        w = w * factor ** 100
    return 0.5 * lambdas @ (w * w)


final_losses = np.array([run(False, False), run(True, False), run(True, True)])
verdict = "a"
"""

P3_LATE_SPIKE = P3_PLAIN.replace("if spike and t == 10:", "if spike and t == 11:")
P3_WRONG_LETTER = P3_PLAIN.replace('verdict = "A"', 'verdict = "b"')

VARIANTS = [
    correct("branches-numpy-plain",
            "the schedule with if/else and math.cos, clipping in float64 NumPy arrays, "
            "the runs with plain Python floats and math.hypot",
            p1_schedule=P1_BRANCHES, p2_clipping=P2_NUMPY, p3_experiment=P3_PLAIN),
    correct("npclip-torchutils-float32",
            "the schedule in closed form with np.clip, np.cos and np.where (a NumPy scalar), "
            "clipping by torch.nn.utils.clip_grad_norm_ (norm as a 0-dim tensor), "
            "the runs in float32 torch with autograd and the student's own clipping",
            p1_schedule=P1_NUMPY_CLIP, p2_clipping=P2_TORCH_UTILS, p3_experiment=P3_TORCH_FLOAT32),
    correct("optbook-flatten-closedform",
            "the schedule from optbook.schedules.warmup_cosine with the factors turned into rates, "
            "clipping on one flattened vector with torch.clamp, the runs in closed form "
            "(the spike is the only step that is not a pure contraction)",
            p1_schedule=P1_OPTBOOK, p2_clipping=P2_FLATTEN, p3_experiment=P3_CLOSED_FORM),
    correct("torch32-inplace32-plain",
            "the schedule as float32 tensors, clipping in place on float32 copies",
            p1_schedule=P1_TORCH_FLOAT32, p2_clipping=P2_IN_PLACE_FLOAT32),
    wrong("warmup-off-by-one", "the warmup one step ahead: (t + 1) / warmup_steps",
          loses="p1_tests_warmup",
          says={"p1_tests_warmup": "not one step ahead"},
          visible={"p1_tests_warmup": "not one step ahead"},
          p1_schedule=P1_OFF_BY_ONE),
    wrong("warmup-from-zero", "the warmup from 0, ignoring start_factor",
          loses="p1_tests_warmup",
          says={"p1_tests_warmup": "starts from start_factor * peak_lr"},
          visible={"p1_tests_warmup": "starts from start_factor * peak_lr"},
          p1_schedule=P1_FROM_ZERO),
    wrong("cosine-whole-run", "the cosine's phase counted from step 0 over the whole run",
          loses="p1_tests_decay",
          says={"p1_tests_decay": "not over the whole run"},
          visible={"p1_tests_decay": "not over the whole run"},
          p1_schedule=P1_WHOLE_RUN),
    wrong("cosine-climbs-again", "no floor past total_steps: the cosine climbs again",
          loses="p1_tests_end",
          says={"p1_tests_end": "does not climb again"},
          visible={"p1_tests_end": "does not climb again"},
          p1_schedule=P1_NO_FLOOR),
    wrong("per-tensor-clipping", "each tensor clipped by its own norm",
          loses="p2_tests_spike",
          says={"p2_tests_spike": "same factor"},
          visible={"p2_tests_spike": "not each tensor by its own norm"},
          p2_clipping=P2_PER_TENSOR),
    wrong("clip-by-value", "each entry clipped to [-max_norm, max_norm]",
          loses="p2_tests_spike",
          says={"p2_tests_spike": "nor each entry clipped"},
          visible={"p2_tests_spike": "nor each entry clipped"},
          p2_clipping=P2_BY_VALUE),
    wrong("always-rescaled", "gradients rescaled to max_norm even when under it",
          loses="p2_tests_under",
          says={"p2_tests_under": "left as they are"},
          visible={"p2_tests_under": "left as they are"},
          p2_clipping=P2_ALWAYS),
    wrong("norm-after-clipping", "the norm returned after clipping",
          loses="p2_tests_norm",
          says={"p2_tests_norm": "before clipping"},
          visible={"p2_tests_norm": "before clipping"},
          p2_clipping=P2_NORM_AFTER),
    wrong("spike-a-step-late", "the spike at step 11 (steps counted from 1)",
          loses="p3_tests_runs",
          says={"p3_tests_runs": "counted from 0"},
          p3_experiment=P3_LATE_SPIKE),
    wrong("spike-forgotten", "verdict b: gradient descent forgets the spike",
          loses="p3_tests_verdict",
          says={"p3_tests_verdict": "compare the three numbers"},
          p3_experiment=P3_WRONG_LETTER),
]

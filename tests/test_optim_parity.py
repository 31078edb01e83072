"""optbook.optim against torch.optim: same parameters after 200 steps in float64."""

import copy
import io

import pytest
import torch
from torch import nn

from optbook import optim

STEPS = 200
TOLERANCE = 1e-10


def mlp():
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))


def least_squares():
    return nn.Linear(10, 1, bias=False)


PROBLEMS = {"mlp": (mlp, 6, 3), "least_squares": (least_squares, 10, 1)}

CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.01)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
                     initial_accumulator_value=0.1, eps=1e-6)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9, momentum=0.5)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.3, weight_decay=0.01)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.05)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


def batches(inputs, outputs, seed=0, count=STEPS):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(64, inputs, generator=generator, dtype=torch.float64)
    Y = torch.randn(64, outputs, generator=generator, dtype=torch.float64)
    picks = [torch.randint(0, 64, (16,), generator=generator) for _ in range(count)]
    return [(X[i], Y[i]) for i in picks]


def make_model(problem, seed=0):
    build, _, _ = PROBLEMS[problem]
    torch.manual_seed(seed)
    return build().double()


def param_groups(model, kwargs, two_groups):
    params = list(model.parameters())
    if not two_groups or len(params) < 2:
        return params
    lr = kwargs.get("lr", 0.01)
    return [{"params": params[:1]}, {"params": params[1:], "lr": lr / 3}]


def train(model, optimizer, data):
    for X, Y in data:
        def closure():
            optimizer.zero_grad()
            loss = ((model(X) - Y) ** 2).mean()
            loss.backward()
            return loss
        optimizer.step(closure)
    return [p.detach().clone() for p in model.parameters()]


def max_relative_difference(ours, theirs):
    return max(float(((a - b).abs() / b.abs().clamp_min(1e-12)).max())
               for a, b in zip(ours, theirs))


def run_both(name, kwargs, problem, two_groups=False):
    _, inputs, outputs = PROBLEMS[problem]
    data = batches(inputs, outputs)
    results = []
    for module in (optim, torch.optim):
        model = make_model(problem)
        optimizer = getattr(module, name)(param_groups(model, kwargs, two_groups), **kwargs)
        results.append(train(model, optimizer, data))
    return results


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name, kwargs", CONFIGS,
                         ids=[f"{n}-{'-'.join(map(str, k.items())) or 'defaults'}"
                              for n, k in CONFIGS])
def test_same_parameters_as_torch_optim(name, kwargs, problem):
    ours, theirs = run_both(name, kwargs, problem)
    assert max_relative_difference(ours, theirs) <= TOLERANCE


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW"])
def test_two_param_groups_with_different_learning_rates(name):
    kwargs = dict(lr=0.02, momentum=0.9) if name == "SGD" else dict(lr=0.02)
    ours, theirs = run_both(name, kwargs, "mlp", two_groups=True)
    assert max_relative_difference(ours, theirs) <= TOLERANCE


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW"])
def test_constructor_defaults_match_torch(name):
    model = make_model("least_squares")
    ours = getattr(optim, name)(model.parameters()).defaults
    theirs = getattr(torch.optim, name)(model.parameters()).defaults
    for key, value in ours.items():
        if key in theirs:
            assert theirs[key] == value, key


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("RMSprop", dict(centered=True, momentum=0.5)),
    ("Adadelta", dict()),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("Yogi", dict()),
])
def test_state_dict_mid_run_continues_bit_identically(name, kwargs):
    data = batches(6, 3)
    cls = getattr(optim, name)
    model = make_model("mlp")
    optimizer = cls(model.parameters(), **kwargs)
    train(model, optimizer, data[:100])
    buffer = io.BytesIO()
    torch.save(optimizer.state_dict(), buffer)
    resumed_model = copy.deepcopy(model)
    expected = train(model, optimizer, data[100:])

    buffer.seek(0)
    resumed = cls(resumed_model.parameters(), **kwargs)
    resumed.load_state_dict(torch.load(buffer))
    actual = train(resumed_model, resumed, data[100:])
    assert all(torch.equal(a, b) for a, b in zip(actual, expected))


def yogi_reference(param, grads, lr, beta1, beta2, eps):
    """Yogi in plain Python, written independently of optbook.rules."""
    x = list(param)
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    for t, g in enumerate(grads, start=1):
        for i, gi in enumerate(g):
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            sign = (gi * gi > v[i]) - (gi * gi < v[i])
            v[i] = v[i] + (1 - beta2) * sign * gi * gi
            m_hat, v_hat = m[i] / (1 - beta1 ** t), v[i] / (1 - beta2 ** t)
            x[i] -= lr * m_hat / (v_hat ** 0.5 + eps)
    return x


def test_yogi_matches_an_independent_reference():
    generator = torch.Generator().manual_seed(3)
    grads = torch.randn(200, 4, generator=generator, dtype=torch.float64)
    grads[50:60] *= 20  # a burst, where Yogi's additive update matters
    start = [0.5, -1.0, 2.0, 0.0]
    param = torch.tensor(start, dtype=torch.float64)
    optimizer = optim.Yogi([param], lr=0.05, betas=(0.9, 0.99), eps=1e-3)
    for g in grads:
        param.grad = g.clone()
        optimizer.step()
    expected = yogi_reference(start, grads.tolist(), 0.05, 0.9, 0.99, 1e-3)
    assert param.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-14)

"""`import optbook as d2l`: d2l's chapter-12 names, signatures and hyperparameter keys."""

import inspect

import pytest
import torch

import optbook as d2l
from optbook import optim

SIGNATURES = {
    "train_2d": "(trainer, steps=20, f_grad=None, *, x0=(-5.0, -2.0), verbose=True)",
    "get_data_ch11": "(batch_size=10, n=1500)",
    "train_ch11": "(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2, *, plot=True)",
    "train_concise_ch11": "(trainer_fn, hyperparams, data_iter, num_epochs=4, *, plot=True)",
    # The schedulers of d2l's "Learning Rate Scheduling" section (defined in the book's text).
    "SquareRootScheduler": "(lr=0.1)",
    "FactorScheduler": "(factor=1, stop_factor_lr=1e-07, base_lr=0.1)",
    "MultiFactorScheduler": "(step, factor, base_lr)",
    "CosineScheduler": "(max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0)",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_starts_like_d2l(name):
    assert str(inspect.signature(getattr(d2l, name))) == SIGNATURES[name]


def test_show_trace_2d_draws_path_and_contours():
    import matplotlib.pyplot as plt

    plt.close("all")
    results = d2l.train_2d(d2l.trainer_2d(lambda p: optim.SGD(p, lr=0.4)),
                           f_grad=d2l.objectives.ill_conditioned.grad, verbose=False)
    axes = d2l.show_trace_2d(d2l.objectives.ill_conditioned, results)
    assert axes.get_xlabel() == "x1" and axes.get_ylabel() == "x2"
    assert len(axes.lines[0].get_xdata()) == 21


# Each d2l-style function against the optbook.optim class that shares its rule.
FACES = [
    ("sgd", None, {"lr": 0.1}, lambda p: optim.SGD(p, lr=0.1)),
    ("sgd_momentum", "init_momentum_states", {"lr": 0.05, "momentum": 0.9},
     lambda p: optim.SGD(p, lr=0.05, momentum=0.9)),
    ("adagrad", "init_adagrad_states", {"lr": 0.1},
     lambda p: optim.Adagrad(p, lr=0.1, eps=1e-6, eps_inside_sqrt=True)),
    ("rmsprop", "init_rmsprop_states", {"lr": 0.01, "gamma": 0.9},
     lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, eps_inside_sqrt=True)),
    ("adadelta", "init_adadelta_states", {"rho": 0.9},
     lambda p: optim.Adadelta(p, rho=0.9, eps=1e-5)),
    ("adam", "init_adam_states", {"lr": 0.01, "t": 1},
     lambda p: optim.Adam(p, lr=0.01, eps=1e-6)),
    ("yogi", "init_adam_states", {"lr": 0.01, "t": 1},
     lambda p: optim.Yogi(p, lr=0.01, eps=1e-3)),
]


@pytest.mark.parametrize("name, init, hyperparams, make_optimizer", FACES,
                         ids=[f[0] for f in FACES])
def test_d2l_function_steps_like_the_optimizer_class(name, init, hyperparams, make_optimizer):
    feature_dim = 5
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(20, 30, feature_dim, generator=generator)
    y = torch.randn(20, 30, generator=generator)
    results = []
    for use_function in (True, False):
        w = torch.full((feature_dim, 1), 0.1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        states = getattr(d2l, init)(feature_dim) if init else None
        hyper = dict(hyperparams)
        optimizer = make_optimizer([w, b])
        for Xb, yb in zip(X, y):
            d2l.squared_loss(d2l.linreg(Xb, w, b), yb).mean().backward()
            if use_function:
                getattr(d2l, name)([w, b], states, hyper)
            else:
                optimizer.step()
                optimizer.zero_grad()
        results.append(torch.cat([w.detach().ravel(), b.detach()]))
        if "t" in hyperparams and use_function:
            assert hyper["t"] == 21
    torch.testing.assert_close(results[0], results[1], rtol=1e-5, atol=1e-7)


def test_plot_accepts_d2l_arguments():
    import matplotlib.pyplot as plt

    plt.close("all")
    x = torch.arange(0, 3, 0.1)
    axes = d2l.plot(x, [x ** 2, 2 * x], "x", "f(x)", legend=["f", "g"])
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["f", "g"]
    assert axes.get_xlabel() == "x"


def test_d2l_schedulers_are_called_with_the_update_number():
    """d2l's convention: ``scheduler(num_update)`` returns the rate, a float."""
    for scheduler in (d2l.SquareRootScheduler(lr=0.1), d2l.FactorScheduler(0.9, 1e-2, 2.0),
                      d2l.MultiFactorScheduler(step=[15, 30], factor=0.5, base_lr=0.5),
                      d2l.CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)):
        rates = [scheduler(t) for t in range(30)]
        assert all(isinstance(rate, float) for rate in rates)
        assert 0 < min(rates[1:]) <= max(rates) <= 2.0

"""The d2l outputs quoted by the course slides, reproduced through train_2d."""

import functools

import pytest

import optbook
from optbook import objectives, optim

SGD = optim.SGD
ADAGRAD_D2L = functools.partial(optim.Adagrad, eps=1e-6, eps_inside_sqrt=True)

PUBLISHED = [
    ("GD, eta=0.4", functools.partial(SGD, lr=0.4), "epoch 20, x1: -0.943467, x2: -0.000073"),
    ("GD, eta=0.6", functools.partial(SGD, lr=0.6), "epoch 20, x1: -0.387814, x2: -1673.365109"),
    ("momentum, beta=0.5", functools.partial(SGD, lr=0.6, momentum=0.5),
     "epoch 20, x1: 0.007188, x2: 0.002553"),
    ("momentum, beta=0.25", functools.partial(SGD, lr=0.6, momentum=0.25),
     "epoch 20, x1: -0.126340, x2: -0.186632"),
    ("Adagrad, eta=0.4", functools.partial(ADAGRAD_D2L, lr=0.4),
     "epoch 20, x1: -2.382563, x2: -0.158591"),
    ("Adagrad, eta=2", functools.partial(ADAGRAD_D2L, lr=2.0),
     "epoch 20, x1: -0.002295, x2: -0.000000"),
]


@pytest.mark.parametrize("label, make_optimizer, printed", PUBLISHED,
                         ids=[p[0] for p in PUBLISHED])
def test_train_2d_prints_the_published_point(label, make_optimizer, printed, capsys):
    trainer = optbook.trainer_2d(make_optimizer)
    results = optbook.train_2d(trainer, f_grad=objectives.ill_conditioned.grad)
    assert capsys.readouterr().out.strip() == printed
    assert len(results) == 21 and results[0] == (-5.0, -2.0)


def test_d2l_style_trainer_runs_unchanged():
    """A trainer written in d2l's own form (floats in, floats out) runs through train_2d."""
    eta, beta = 0.6, 0.5

    def heavy_ball(x1, x2, v1, v2):
        g1, g2 = objectives.ill_conditioned.grad(x1, x2)
        v1, v2 = beta * v1 + g1, beta * v2 + g2
        return x1 - eta * v1, x2 - eta * v2, v1, v2

    ours = optbook.trace_2d(functools.partial(SGD, lr=eta, momentum=beta),
                            objectives.ill_conditioned)
    theirs = optbook.train_2d(heavy_ball, verbose=False)
    assert ours.ravel().tolist() == pytest.approx([x for point in theirs for x in point],
                                                  rel=1e-12, abs=1e-15)


def test_trace_2d_starts_where_asked_and_records_every_step():
    path = optbook.trace_2d(functools.partial(SGD, lr=0.1), objectives.rosenbrock,
                            steps=5, x0=(0.0, 0.0))
    assert path.shape == (6, 2)
    assert path[0].tolist() == [0.0, 0.0]

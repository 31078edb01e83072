"""Invalid hyperparameters raise a ValueError that names the hyperparameter."""

import pytest
import torch

from optbook import optim

BAD = [
    ("SGD", dict(lr=-0.1), "lr"),
    ("SGD", dict(lr=0.1, momentum=-0.5), "momentum"),
    ("SGD", dict(lr=0.1, weight_decay=-1), "weight_decay"),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
    ("SGD", dict(lr=0.1, nesterov=True), "nesterov"),
    ("Adagrad", dict(lr=-1), "lr"),
    ("Adagrad", dict(eps=-1e-10), "eps"),
    ("Adagrad", dict(lr_decay=-0.1), "lr_decay"),
    ("Adagrad", dict(initial_accumulator_value=-1), "initial_accumulator_value"),
    ("RMSprop", dict(alpha=-0.5), "alpha"),
    ("RMSprop", dict(eps=-1), "eps"),
    ("RMSprop", dict(momentum=-1), "momentum"),
    ("Adadelta", dict(rho=1.5), "rho"),
    ("Adadelta", dict(lr=-1), "lr"),
    ("Adam", dict(betas=(1.0, 0.999)), "beta1"),
    ("Adam", dict(betas=(0.9, -0.1)), "beta2"),
    ("Adam", dict(eps=-1e-8), "eps"),
    ("Adam", dict(weight_decay=-0.1), "weight_decay"),
    ("AdamW", dict(lr=-0.001), "lr"),
    ("AdamW", dict(betas=(0.9, 1.0)), "beta2"),
    ("Yogi", dict(betas=(-0.1, 0.999)), "beta1"),
    ("Yogi", dict(eps=-1.0), "eps"),
]


@pytest.mark.parametrize("name, kwargs, named", BAD,
                         ids=[f"{n}-{k}" for n, k, _ in BAD])
def test_bad_hyperparameter_is_named(name, kwargs, named):
    param = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=named):
        getattr(optim, name)([param], **kwargs)


def test_bad_value_in_a_second_param_group_is_caught():
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="lr"):
        optim.Adam([{"params": [a]}, {"params": [b], "lr": -1.0}])


def test_unimplemented_fast_paths_say_so():
    with pytest.raises(NotImplementedError, match="fused"):
        optim.Adam([torch.zeros(2, requires_grad=True)], fused=True)

"""``torch.optim`` optimizers written from scratch on :mod:`optbook.rules`.

Each class takes the same constructor arguments, with the same defaults, as
its ``torch.optim`` namesake and leaves the same parameters (checked to a
relative 1e-10 in float64 by the tests). They inherit param groups,
``state_dict`` / ``load_state_dict`` and ``zero_grad`` from
``torch.optim.Optimizer``; ``step`` accepts a closure.

What is not reproduced: sparse gradients, complex parameters, and the
``foreach`` / ``fused`` / ``capturable`` / ``differentiable`` fast paths. The
first two raise; ``foreach`` is accepted and ignored (every update here runs
tensor by tensor); the others raise if switched on.
"""

import torch

from . import rules

__all__ = ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Yogi"]


def _check(name, value, ok, requirement):
    if not ok(value):
        raise ValueError(f"Invalid {name}: {value!r} (it must be {requirement})")


def _nonnegative(name, value):
    _check(name, value, lambda v: float(v) >= 0, ">= 0")


def _in_unit_interval(name, value):
    _check(name, value, lambda v: 0 <= float(v) < 1, "in [0, 1)")


def _validate_moments(group):
    """The checks shared by Adam and Yogi."""
    _nonnegative("epsilon (eps)", group["eps"])
    _in_unit_interval("beta1 (betas[0])", group["betas"][0])
    _in_unit_interval("beta2 (betas[1])", group["betas"][1])
    _nonnegative("weight_decay", group["weight_decay"])


class _RuleOptimizer(torch.optim.Optimizer):
    """Validates every param group, loops over parameters and calls ``_update``."""

    def __init__(self, params, defaults, *, fused=None, capturable=False,
                 differentiable=False):
        for flag, value in [("fused", fused), ("capturable", capturable),
                            ("differentiable", differentiable)]:
            if value:
                raise NotImplementedError(
                    f"{type(self).__name__}: {flag}=True is not implemented "
                    "in optbook; use torch.optim for it")
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        self._validate(self.param_groups[-1])

    def _validate(self, group):
        _nonnegative("learning rate (lr)", group["lr"])

    @torch.no_grad()
    def step(self, closure=None):
        """Perform one update; ``closure`` re-evaluates and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse or param.is_complex():
                    raise RuntimeError(f"{type(self).__name__} in optbook supports "
                                       "dense real parameters only")
                grad = -param.grad if group["maximize"] else param.grad
                self._update(param, grad, self.state[param], group)
        return loss

    def _update(self, param, grad, state, group):
        raise NotImplementedError

    @staticmethod
    def _count_step(state):
        state["step"] = state.get("step", 0) + 1
        return state["step"]

    @staticmethod
    def _zeros(state, key, param, fill=0.0):
        if key not in state:
            state[key] = torch.full_like(param, fill, memory_format=torch.preserve_format)
        return state[key]


class SGD(_RuleOptimizer):
    """Gradient descent with optional (Nesterov) momentum and weight decay."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None,
                 differentiable=False, fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults, fused=fused,
                         differentiable=differentiable)

    def _validate(self, group):
        super()._validate(group)
        _nonnegative("momentum", group["momentum"])
        _nonnegative("weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Invalid nesterov: it requires momentum > 0 and dampening = 0")

    def _update(self, param, grad, state, group):
        grad = rules.l2_penalty(grad, param, group["weight_decay"])
        if group["momentum"] == 0:
            rules.sgd(param, grad, lr=group["lr"])
            return
        first_step = "momentum_buffer" not in state
        velocity = self._zeros(state, "momentum_buffer", param)
        rules.momentum(param, grad, velocity, lr=group["lr"], beta=group["momentum"],
                       dampening=group["dampening"], nesterov=group["nesterov"],
                       first_step=first_step)


class Adagrad(_RuleOptimizer):
    """Adagrad. ``eps_inside_sqrt=True`` gives d2l's placement of epsilon."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *,
                 maximize=False, differentiable=False, fused=None,
                 eps_inside_sqrt=False):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        eps=eps, maximize=maximize, foreach=foreach,
                        eps_inside_sqrt=eps_inside_sqrt)
        super().__init__(params, defaults, fused=fused,
                         differentiable=differentiable)

    def _validate(self, group):
        super()._validate(group)
        _nonnegative("lr_decay", group["lr_decay"])
        _nonnegative("weight_decay", group["weight_decay"])
        _nonnegative("initial_accumulator_value", group["initial_accumulator_value"])
        _nonnegative("epsilon (eps)", group["eps"])

    def _update(self, param, grad, state, group):
        step = self._count_step(state)
        sum_sq = self._zeros(state, "sum", param, group["initial_accumulator_value"])
        grad = rules.l2_penalty(grad, param, group["weight_decay"])
        decayed_lr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        rules.adagrad(param, grad, sum_sq, lr=decayed_lr, eps=group["eps"],
                      eps_inside_sqrt=group["eps_inside_sqrt"])


class RMSprop(_RuleOptimizer):
    """RMSProp, optionally centered and with momentum. ``alpha`` is the course's gamma."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
                 momentum=0, centered=False, capturable=False, foreach=None,
                 maximize=False, differentiable=False, *, eps_inside_sqrt=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize,
                        foreach=foreach, eps_inside_sqrt=eps_inside_sqrt)
        super().__init__(params, defaults, capturable=capturable,
                         differentiable=differentiable)

    def _validate(self, group):
        super()._validate(group)
        _nonnegative("epsilon (eps)", group["eps"])
        _nonnegative("momentum", group["momentum"])
        _nonnegative("weight_decay", group["weight_decay"])
        _nonnegative("alpha", group["alpha"])

    def _update(self, param, grad, state, group):
        self._count_step(state)
        square_avg = self._zeros(state, "square_avg", param)
        grad_avg = self._zeros(state, "grad_avg", param) if group["centered"] else None
        velocity = (self._zeros(state, "momentum_buffer", param)
                    if group["momentum"] > 0 else None)
        grad = rules.l2_penalty(grad, param, group["weight_decay"])
        rules.rmsprop(param, grad, square_avg, lr=group["lr"], gamma=group["alpha"],
                      eps=group["eps"], eps_inside_sqrt=group["eps_inside_sqrt"],
                      grad_avg=grad_avg, velocity=velocity, momentum=group["momentum"])


class Adadelta(_RuleOptimizer):
    """Adadelta; ``lr`` only rescales the step and defaults to 1."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0,
                 foreach=None, *, capturable=False, maximize=False,
                 differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults, capturable=capturable,
                         differentiable=differentiable)

    def _validate(self, group):
        super()._validate(group)
        _check("rho", group["rho"], lambda v: 0 <= v <= 1, "in [0, 1]")
        _nonnegative("epsilon (eps)", group["eps"])
        _nonnegative("weight_decay", group["weight_decay"])

    def _update(self, param, grad, state, group):
        self._count_step(state)
        square_avg = self._zeros(state, "square_avg", param)
        delta_avg = self._zeros(state, "acc_delta", param)
        grad = rules.l2_penalty(grad, param, group["weight_decay"])
        rules.adadelta(param, grad, square_avg, delta_avg, rho=group["rho"],
                       eps=group["eps"], lr=group["lr"])


class Adam(_RuleOptimizer):
    """Adam with bias correction; AMSGrad, and L2 or decoupled weight decay."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, amsgrad=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults, fused=fused,
                         capturable=capturable, differentiable=differentiable)

    def _validate(self, group):
        super()._validate(group)
        _validate_moments(group)

    def _update(self, param, grad, state, group):
        step = self._count_step(state)
        m = self._zeros(state, "exp_avg", param)
        v = self._zeros(state, "exp_avg_sq", param)
        v_max = self._zeros(state, "max_exp_avg_sq", param) if group["amsgrad"] else None
        lr, (beta1, beta2) = group["lr"], group["betas"]
        if group["decoupled_weight_decay"]:
            rules.decoupled_decay(param, lr=lr, weight_decay=group["weight_decay"])
        else:
            grad = rules.l2_penalty(grad, param, group["weight_decay"])
        rules.adam(param, grad, m, v, step=step, lr=lr, beta1=beta1, beta2=beta2,
                   eps=group["eps"], v_max=v_max)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), default 1e-2."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=1e-2, amsgrad=False, *, maximize=False, foreach=None,
                 capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


class Yogi(_RuleOptimizer):
    """Yogi (Zaheer et al. 2018); no torch.optim namesake. Defaults follow the paper."""

    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-3,
                 weight_decay=0, *, maximize=False, foreach=None):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    def _validate(self, group):
        super()._validate(group)
        _validate_moments(group)

    def _update(self, param, grad, state, group):
        step = self._count_step(state)
        m = self._zeros(state, "exp_avg", param)
        v = self._zeros(state, "exp_avg_sq", param)
        grad = rules.l2_penalty(grad, param, group["weight_decay"])
        beta1, beta2 = group["betas"]
        rules.yogi(param, grad, m, v, step=step, lr=group["lr"], beta1=beta1,
                   beta2=beta2, eps=group["eps"])

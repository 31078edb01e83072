"""The update rules: each algorithm's math, written once.

Every rule changes a parameter tensor and its state tensors in place and
returns nothing. The 2D toy traces, the d2l-style functions and the
``torch.optim`` classes in :mod:`optbook.optim` all call these functions, so
a formula that appears here appears nowhere else.

Where epsilon sits
------------------
Adagrad and RMSProp divide by the root of an accumulated square. d2l and the
course slides add epsilon *inside* the square root, ``sqrt(s + eps)``;
``torch.optim`` adds it *outside*, ``sqrt(s) + eps``. The two agree once ``s``
is much larger than ``eps`` but differ in the first steps and wherever a
gradient stays near zero. Both rules take ``eps_inside_sqrt`` so that the
choice is explicit: ``False`` (torch's placement) is the default of the
optimizer classes, and the d2l-style functions pass ``True``.
Adadelta puts epsilon inside in every reference; Adam and Yogi outside.
"""

import math

import torch


def root(s, eps, eps_inside_sqrt=False):
    """The denominator of an adaptive step: sqrt(s + eps) or sqrt(s) + eps."""
    return s.add(eps).sqrt_() if eps_inside_sqrt else s.sqrt().add_(eps)


def l2_penalty(grad, param, weight_decay):
    """The gradient of loss + weight_decay/2 * ||param||^2 (coupled weight decay)."""
    return grad.add(param, alpha=weight_decay) if weight_decay != 0 else grad


def decoupled_decay(param, *, lr, weight_decay):
    """Shrink the parameter directly, outside the adaptive step (AdamW)."""
    if weight_decay != 0:
        param.mul_(1 - lr * weight_decay)


def sgd(param, grad, *, lr):
    """Gradient descent: x <- x - lr * g."""
    param.add_(grad, alpha=-lr)


def newton(param, grad, hessian, *, lr=1.0):
    """Newton's method: x <- x - lr * H^-1 g, with H the Hessian at x."""
    param.sub_(torch.linalg.solve(hessian, grad), alpha=lr)


def momentum(param, grad, velocity, *, lr, beta, dampening=0.0,
             nesterov=False, first_step=False):
    """Heavy ball: v <- beta * v + (1 - dampening) * g, then x <- x - lr * v.

    Nesterov steps along g + beta * v instead, the gradient "looked ahead".
    torch.optim starts the velocity at the undamped first gradient
    (``first_step=True``); with zero dampening that equals starting at zero.
    """
    if first_step:
        velocity.copy_(grad)
    else:
        velocity.mul_(beta).add_(grad, alpha=1 - dampening)
    direction = grad.add(velocity, alpha=beta) if nesterov else velocity
    param.add_(direction, alpha=-lr)


def adagrad(param, grad, sum_sq, *, lr, eps, eps_inside_sqrt=False):
    """Adagrad: s <- s + g^2, then x <- x - lr * g / root(s)."""
    sum_sq.addcmul_(grad, grad)
    param.addcdiv_(grad, root(sum_sq, eps, eps_inside_sqrt), value=-lr)


def rmsprop(param, grad, square_avg, *, lr, gamma, eps, eps_inside_sqrt=False,
            grad_avg=None, velocity=None, momentum=0.0):
    """RMSProp: s <- gamma * s + (1 - gamma) * g^2, then x <- x - lr * g / root(s).

    ``gamma`` is torch's ``alpha``. With ``grad_avg`` (centered RMSProp) the
    denominator uses the variance s - mean(g)^2 instead of s; with
    ``velocity`` the scaled gradient is fed through heavy-ball momentum.
    """
    square_avg.mul_(gamma).addcmul_(grad, grad, value=1 - gamma)
    second_moment = square_avg
    if grad_avg is not None:
        grad_avg.lerp_(grad, 1 - gamma)
        second_moment = square_avg.addcmul(grad_avg, grad_avg, value=-1)
    denom = root(second_moment, eps, eps_inside_sqrt)
    if velocity is None:
        param.addcdiv_(grad, denom, value=-lr)
    else:
        velocity.mul_(momentum).addcdiv_(grad, denom)
        param.add_(velocity, alpha=-lr)


def adadelta(param, grad, square_avg, delta_avg, *, rho, eps, lr=1.0):
    """Adadelta: the step is g * sqrt(avg dx^2 + eps) / sqrt(avg g^2 + eps).

    The ratio of two leaky averages sets the step size, so no learning rate
    is needed; ``lr`` only rescales the step (torch's default is 1).
    """
    square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    delta = root(delta_avg, eps, True).div_(root(square_avg, eps, True)).mul_(grad)
    delta_avg.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    param.add_(delta, alpha=-lr)


def bias_corrected_step(param, m, v, *, step, lr, beta1, beta2, eps):
    """x <- x - lr * m_hat / (sqrt(v_hat) + eps), with m_hat, v_hat bias-corrected.

    The leaky averages start at zero, so after ``step`` steps they carry
    only 1 - beta^step of the weight; dividing by it removes that bias.
    """
    correction1 = 1 - beta1 ** step
    correction2 = 1 - beta2 ** step
    denom = (v.sqrt() / math.sqrt(correction2)).add_(eps)
    param.addcdiv_(m, denom, value=-lr / correction1)


def adam(param, grad, m, v, *, step, lr, beta1, beta2, eps, v_max=None):
    """Adam: leaky averages of g and g^2, then a bias-corrected step.

    With ``v_max`` (AMSGrad) the denominator uses the running maximum of v, so the
    uncorrected denominator never shrinks (the bias correction still divides it by
    1 - beta2^t, so the effective learning rate can grow while that fades).
    """
    m.lerp_(grad, 1 - beta1)
    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    if v_max is not None:
        torch.maximum(v_max, v, out=v_max)
        v = v_max
    bias_corrected_step(param, m, v, step=step, lr=lr, beta1=beta1,
                        beta2=beta2, eps=eps)


def yogi(param, grad, m, v, *, step, lr, beta1, beta2, eps):
    """Yogi: Adam with an additive second moment, v <- v - (1 - beta2) sign(v - g^2) g^2.

    v moves towards g^2 by exactly (1 - beta2) g^2 per step, so a sudden
    burst of small gradients cannot shrink the denominator (and blow up the
    step) as fast as Adam's multiplicative average can.
    """
    m.lerp_(grad, 1 - beta1)
    grad_sq = grad * grad
    v.addcmul_(torch.sign(grad_sq - v), grad_sq, value=1 - beta2)
    bias_corrected_step(param, m, v, step=step, lr=lr, beta1=beta1,
                        beta2=beta2, eps=eps)

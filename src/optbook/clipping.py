"""Gradient clipping by global norm: one rule, and torch's interface to it.

All gradients are seen as one long vector g. If its norm is above
``max_norm``, every gradient is scaled by the same factor, so that the step
keeps its direction and its length is capped:

    g <- g * min(1, max_norm / (||g|| + 1e-6))

A spike (one batch whose gradient is a hundred times the usual) then moves
the parameters no further than ``max_norm`` allows, while ordinary steps are
left alone. :func:`clip_by_global_norm` is the rule;
:func:`clip_grad_norm_` takes parameters, as ``torch.nn.utils.clip_grad_norm_``
does, and gives the same total norm and the same clipped gradients.

Examples:
    >>> import torch
    >>> grads = [torch.tensor([3.0]), torch.tensor([4.0])]
    >>> float(clip_by_global_norm(grads, max_norm=1.0))
    5.0
    >>> [round(float(g), 6) for g in grads]
    [0.6, 0.8]
"""

import torch

# torch's guard against a zero norm; it leaves the clipped norm a hair below max_norm.
EPS = 1e-6


def global_norm(tensors, norm_type=2.0):
    """The p-norm of all the tensors together, as if flattened into one vector.

    It is the norm of the tensors' norms (true for every p, and for
    ``float("inf")``), computed in that order as torch does.

    Args:
        tensors: a list of tensors (empty gives 0).
        norm_type: p, or ``float("inf")`` for the largest absolute entry.

    Examples:
        >>> import torch
        >>> float(global_norm([torch.tensor([3.0]), torch.tensor([0.0, 4.0])]))
        5.0
        >>> float(global_norm([torch.tensor([3.0]), torch.tensor([-4.0])], float("inf")))
        4.0
    """
    tensors = list(tensors)
    if not tensors:
        return torch.tensor(0.0)
    norms = [torch.linalg.vector_norm(t, norm_type) for t in tensors]
    return torch.linalg.vector_norm(torch.stack(norms), norm_type)


@torch.no_grad()
def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    """Scale the gradients in place so that their global norm is at most max_norm.

    Args:
        grads: the gradient tensors, changed in place.
        max_norm: the largest norm the gradients keep.
        norm_type: the p of the norm (2 by default).

    Returns:
        The global norm before clipping, a 0-dim tensor.

    Examples:
        >>> import torch
        >>> grads = [torch.tensor([0.3, 0.4])]
        >>> float(clip_by_global_norm(grads, max_norm=1.0)), grads[0].tolist()
        (0.5, [0.30000001192092896, 0.4000000059604645])
    """
    grads = list(grads)
    total_norm = global_norm(grads, norm_type)
    # The factor is capped at 1, so gradients below max_norm are left as they are.
    scale = torch.clamp(max_norm / (total_norm + EPS), max=1.0)
    for grad in grads:
        grad.mul_(scale.to(grad.device))
    return total_norm


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """``torch.nn.utils.clip_grad_norm_`` by :func:`clip_by_global_norm`.

    Parameters without a gradient are skipped. ``foreach`` is accepted and
    ignored (the gradients are scaled one by one).

    Args:
        parameters: a tensor or an iterable of tensors whose ``.grad`` is clipped.
        max_norm: the largest norm the gradients keep.
        norm_type: the p of the norm, or ``float("inf")``.
        error_if_nonfinite: raise if the total norm is nan or infinite.
        foreach: ignored.

    Returns:
        The total norm of the gradients before clipping, a 0-dim tensor.

    Examples:
        >>> import torch
        >>> w = torch.ones(4, requires_grad=True)
        >>> (10 * w).sum().backward()
        >>> float(clip_grad_norm_([w], max_norm=2.0)), round(float(w.grad.norm()), 5)
        (20.0, 2.0)
    """
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if error_if_nonfinite:
        total_norm = global_norm(grads, norm_type)
        if not torch.isfinite(total_norm):
            raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients "
                               "from `parameters` is non-finite, so it cannot be clipped.")
    return clip_by_global_norm(grads, float(max_norm), norm_type)

"""Backtracking line search: pick the step size by trying it on the function."""


def backtracking(f, x, grad, direction=None, lr0=1.0, shrink=0.5, c=1e-4, max_tries=60):
    """The first lr = lr0 * shrink^k with f(x + lr d) <= f(x) + c * lr * <g, d> (Armijo).

    ``direction`` defaults to -grad. Returns the accepted step size; after
    ``max_tries`` shrinkings it returns the last (tiny) one tried.
    """
    direction = -grad if direction is None else direction
    value, slope = float(f(x)), float((grad * direction).sum())
    lr = lr0
    for _ in range(max_tries):
        if float(f(x + lr * direction)) <= value + c * lr * slope:
            return lr
        lr *= shrink
    return lr

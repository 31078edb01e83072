"""optbook: the shared package of the course *Optimization for Deep Learning*.

- :mod:`optbook.rules`: each algorithm's update, written once.
- :mod:`optbook.optim`: ``torch.optim``-compatible optimizers built on those rules.
- :mod:`optbook.toy`, :mod:`optbook.objectives`: 2D traces on toy functions.
- :mod:`optbook.schedules`, :mod:`optbook.data`, :mod:`optbook.train`: the rest of an experiment.
- :mod:`optbook.lr_scheduler`: ``torch.optim.lr_scheduler``-compatible schedulers built on
  those schedules; :mod:`optbook.clipping`: gradient clipping by global norm.
- ``optbook.validate()``: will this exercise notebook grade? (:mod:`optbook.validate`, loaded
  when first used).

The top level also offers d2l's names, so ``import optbook as d2l`` runs
d2l's optimization chapter unchanged. Importing optbook applies the course's
figure style.
"""

from . import (clipping, d2l_schedulers, data, lr_scheduler, objectives, optim, rules,
               schedules, toy, train)
from .d2l_schedulers import (CosineScheduler, FactorScheduler, MultiFactorScheduler,
                             SquareRootScheduler)
from .data import get_data_ch11, load_array
from .plotting import (Animator, Timer, annotate, plot, plt, set_axes, set_figsize,
                       use_style, use_svg_display)
from .scratch import (adadelta, adagrad, adam, init_adadelta_states, init_adagrad_states,
                      init_adam_states, init_momentum_states, init_rmsprop_states, rmsprop,
                      sgd, sgd_momentum, yogi)
from .toy import show_trace_2d, train_2d, trace_2d, trainer_2d
from .train import (LossCurve, evaluate_loss, linreg, squared_loss, train_ch11,
                    train_concise_ch11)

__version__ = "0.1.0"


def __getattr__(name):
    # optbook.validate, the check before submitting, is loaded (with nbclient) only when used
    if name == "validate":
        import importlib
        return importlib.import_module("optbook.validate")
    raise AttributeError(f"module 'optbook' has no attribute {name!r}")


use_style()

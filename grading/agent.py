"""The grader's agent inside each kernel: probes out, and a courtesy restore.

Installed in the kernel process by the zygote before the kernel handles any
message (so before any student code runs). It binds ``__optbook_probe__``,
which the grader's rewritten test cells call (grading/rewrite.py): it sends the
answers a check looks at out of the kernel as plain data
(:func:`optbook.plain.encode`) on a display message of its own type. The grader
judges them in its own process against references that never enter the kernel.

Nothing here decides a grade, and nothing here needs to survive the student's
code: a kernel that corrupts the agent can only send answers, and an answer
passes only if it is right. What the agent adds is fairness to honest work that
changed the environment by accident. It adds one message type,
``optbook_request``, to the kernel's shell channel, used outside ``run_cell``:

- ``snapshot``: after the locked setup cells ran, remember the namespaces of
  builtins, math, numpy, torch, optbook.checks and friends, the IPython shell's
  methods, sys.stdout/stderr/hooks, and the names the setup cells defined;
- ``restore``: before every graded test cell, put all of that back, and bind
  ``__optbook_probe__``.
"""

import builtins
import sys

RECORD_MIME = "application/vnd.optbook.record+json"
_SHELL_METHODS = ("showtraceback", "_showtraceback", "showsyntaxerror", "run_cell",
                  "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                  "should_run_async", "set_custom_exc", "CustomTB", "custom_exceptions",
                  "ex_run_cell", "system", "getoutput", "safe_execfile")
_MODULES = ("builtins", "math", "cmath", "operator", "functools", "numbers", "numpy",
            "numpy.testing", "numpy.linalg", "torch", "torch.testing", "torch.linalg",
            "optbook", "optbook.checks", "optbook.proofs", "sympy", "json", "random")
_CLASSES = (("torch", "Tensor"), ("sympy", "Basic"), ("sympy", "Expr"))


def _plain_values(values):
    """The probed answers as plain data (optbook.plain); malformed input sends an opaque value."""
    from optbook.plain import encode

    if type(values) is not list:
        return [{"t": "object", "type": "not a list of answers"}]
    out = []
    for value in values:
        try:
            out.append(encode(value))
        except Exception as error:  # a hostile object: the grader sees what it is, not a value
            out.append({"t": "object", "type": f"unreadable ({type(error).__name__})"})
    return out


class Agent:
    """Snapshot and restore of what graded tests rely on, inside one kernel."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.shell = kernel.shell
        self.publish = self.shell.display_pub.publish
        self.modules = {}
        self.classes = {}
        self.functions = []
        self.user_names = {}
        self.shell_class_dicts = {}
        self.sys_state = {}
        self.taken = False
        self.changed = []
        self.builtins_saved = dict(vars(builtins))
        self.builtins_changed = []
        kernel.shell_handlers["optbook_request"] = self.handle
        # After every cell, put builtins back at once: replacing len/isinstance/zip breaks
        # the kernel's own code, which would then hang instead of answering.
        self.shell.events.register("post_run_cell", self.restore_builtins)

    def restore_builtins(self, *args):
        current = vars(builtins)
        for key, value in self.builtins_saved.items():
            if key in ("input", "raw_input", "getpass"):
                continue  # the kernel itself swaps these while a cell runs
            if current.get(key, _MISSING) is not value:
                current[key] = value
                if not key.startswith("_"):
                    self.builtins_changed.append(f"builtins.{key}")

    # -- messages ---------------------------------------------------------------
    def handle(self, stream, idents, parent):
        action = parent["content"].get("action")
        try:
            if action == "snapshot":
                self.snapshot()
            elif action == "restore":
                self.restore()
            status = {"status": "ok", "restored": self.changed}
        except Exception as error:  # reported to the grader, never raised in the kernel
            status = {"status": "error", "error": f"{type(error).__name__}: {error}"}
        self.kernel.session.send(stream, "optbook_reply", status, parent, idents)

    # -- snapshot -------------------------------------------------------------
    def snapshot(self):
        for name in _MODULES:
            module = sys.modules.get(name)
            if module is not None:
                self.modules[name] = (module, dict(vars(module)))
        for module_name, class_name in _CLASSES:
            cls = getattr(sys.modules.get(module_name), class_name, None)
            if isinstance(cls, type):
                self.classes[cls] = dict(vars(cls))
        checks = sys.modules.get("optbook.checks")
        self.functions = [(f, f.__code__, f.__defaults__, f.__kwdefaults__)
                          for f in vars(checks).values()
                          if callable(f) and hasattr(f, "__code__")] if checks else []
        for cls in type(self.shell).__mro__ + type(self.kernel).__mro__:
            if cls is not object:
                self.shell_class_dicts[cls] = dict(vars(cls))
        self.shell_instance = {name: vars(self.shell)[name] for name in _SHELL_METHODS
                               if name in vars(self.shell)}
        self.callbacks = {event: list(handlers)
                          for event, handlers in self.shell.events.callbacks.items()}
        self.transformers = (list(self.shell.ast_transformers),
                             list(self.shell.input_transformers_post),
                             list(self.shell.input_transformer_manager.cleanup_transforms),
                             list(self.shell.input_transformer_manager.line_transforms))
        self.sys_state = {name: getattr(sys, name) for name in
                          ("stdout", "stderr", "excepthook", "displayhook", "breakpointhook")}
        self.display_pub = self.shell.display_pub
        namespace = self.shell.user_ns
        hidden = getattr(self.shell, "user_ns_hidden", {})
        self.user_names = {name: value for name, value in namespace.items()
                           if not name.startswith("_") and name not in hidden
                           and name not in ("In", "Out", "get_ipython", "exit", "quit")}
        self.taken = True

    # -- restore --------------------------------------------------------------
    def restore(self):
        if not self.taken:
            self.snapshot()
        changed = self.changed = self.builtins_changed
        self.builtins_changed = []
        for name, (module, saved) in self.modules.items():
            current = vars(module)
            for key, value in saved.items():
                now = current.get(key, _MISSING)
                if now is not value:
                    current[key] = value
                    if not key.startswith("_") and not _library_wrapper(now, value):
                        changed.append(f"{name}.{key}")
        for cls, saved in list(self.classes.items()) + list(self.shell_class_dicts.items()):
            current = vars(cls)
            for key in [k for k in current if k not in saved]:
                shadows = (key.startswith("__") and key.endswith("__")) or any(
                    key in vars(base) for base in cls.__mro__[1:])
                if shadows:  # a method put on the class to override an inherited one
                    try:
                        delattr(cls, key)
                        changed.append(f"{cls.__name__}.{key}")
                    except (AttributeError, TypeError):
                        pass
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value:
                    try:
                        setattr(cls, key, value)
                        changed.append(f"{cls.__name__}.{key}")
                    except (AttributeError, TypeError):
                        pass
        for function, code, defaults, kwdefaults in self.functions:
            if function.__code__ is not code:
                changed.append(f"the code of optbook.checks.{function.__name__}")
            function.__code__, function.__defaults__ = code, defaults
            function.__kwdefaults__ = kwdefaults
        shell = self.shell
        for name in _SHELL_METHODS:
            if name in self.shell_instance:
                if vars(shell).get(name) is not self.shell_instance[name]:
                    changed.append(f"the IPython shell's {name}")
                vars(shell)[name] = self.shell_instance[name]
            elif vars(shell).pop(name, _MISSING) is not _MISSING:
                changed.append(f"the IPython shell's {name}")
        shell.events.callbacks.clear()
        shell.events.callbacks.update({k: list(v) for k, v in self.callbacks.items()})
        shell.ast_transformers[:] = self.transformers[0]
        shell.input_transformers_post[:] = self.transformers[1]
        shell.input_transformer_manager.cleanup_transforms[:] = self.transformers[2]
        shell.input_transformer_manager.line_transforms[:] = self.transformers[3]
        shell.display_pub = self.display_pub
        for name, value in self.sys_state.items():
            if getattr(sys, name) is not value:
                changed.append(f"sys.{name}")
            setattr(sys, name, value)
        sys.settrace(None)
        sys.setprofile(None)
        import threading
        threading.settrace(None)
        threading.setprofile(None)
        namespace = shell.user_ns
        changed.extend(f"the name '{k}'" for k, v in self.user_names.items()
                       if namespace.get(k, _MISSING) is not v)
        namespace.update(self.user_names)
        namespace["__builtins__"] = builtins
        namespace["__optbook_probe__"] = self.probe

    # -- probes ---------------------------------------------------------------
    def probe(self, key, values):
        """Send the answers a check looks at, as plain data, to the grader, which judges them."""
        self.publish({RECORD_MIME: {"key": key, "values": _plain_values(values)}}, metadata={})


_MISSING = object()


def _library_wrapper(new, old):
    """True for torch's own wrapping (torch._dynamo wraps torch.manual_seed when it loads).

    Only used to keep such changes out of the report; they are restored all the same.
    """
    try:
        module = type(new).__module__ if not callable(new) else getattr(new, "__module__", "")
        return str(module).startswith("torch.") and getattr(new, "__wrapped__", None) is old
    except Exception:
        return False


def install(kernel):
    """Attach an agent to ``kernel`` (an ipykernel Kernel with its shell)."""
    return Agent(kernel)

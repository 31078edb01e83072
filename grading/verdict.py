"""The verdict on one executed notebook: outputs in words, and each graded cell's score.

Runs in the grader's process after the kernel is gone. A graded test cell earns
its points only from judgments made here (grading/rewrite.py): every check of
the cell reported an answer, every answer passed its judge, and the cell raised
nothing. A cell that failed also carries an error output saying why, in words,
and a test cell keeps no displayed value, so nbgrader's own ``determine_grade``
reads the same verdict from the notebook (the feedback pages show it).
"""

from nbformat.v4 import new_output
from nbgrader.utils import compute_checksum, determine_grade, is_grade, is_solution

from grading import rewrite


def error_output(ename, message):
    """An error output with a one-line traceback: the name and the message, no source."""
    return new_output("error", ename=ename, evalue=message,
                      traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])


def cell_name(cell, index):
    """How the report names a cell: its grade_id, or its position if the student added it."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"'{grade_id}'" if grade_id else f"number {index + 1} (added by the student)"


def test_passed(prepared, execution, name, outputs, settings, result):
    """True if a test cell earns its points; adds one error output per failed check."""
    if prepared.problems:
        outputs.append(error_output("GradingError", "this test cannot be judged outside "
                                    "the kernel: " + "; ".join(prepared.problems)))
        result.events.append(f"test cell {name} cannot be judged outside the kernel "
                             f"({prepared.problems[0]}); it scores 0: fix the assignment")
        return False
    if execution is None:
        return False
    if execution.records_dropped:
        result.events.append(f"test cell {name} sent {execution.records_dropped:,} answers "
                             f"more than the {len(execution.records):,} the grader reads")
    received = {}
    for record in execution.records:
        key = record.get("key") if type(record) is dict else None
        if type(key) is int and key in prepared.probes:
            received.setdefault(key, []).append(record.get("values"))
    failures = []
    for key, probe in sorted(prepared.probes.items()):
        for values in received.get(key, []):
            problem = rewrite.judge(probe, values, settings.show_expected)
            if problem is not None:
                failures.append(problem)
    missing = [key for key in prepared.probes if key not in received]
    for problem in dict.fromkeys(failures):
        outputs.append(error_output("AssertionError", problem))
    errored = execution.status == "error" or any(o.output_type == "error" for o in outputs)
    if missing and not errored:
        outputs.append(error_output(
            "AssertionError", "the test did not run to completion: "
            f"{len(missing)} of its checks never reported a result"))
        result.events.append(f"test cell {name}: {len(missing)} check(s) never "
                             f"reported (the test was skipped or interrupted); it scores 0")
    return not failures and not missing and not errored


def _outputs(execution, name, settings, result):
    """The outputs the graded notebook keeps for a cell, with what went wrong in words."""
    outputs = list(execution.outputs) if execution else []
    if execution is None:
        return outputs
    if execution.dropped:
        result.events.append(f"cell {name} printed too much; {execution.dropped:,} characters "
                             f"of output were dropped")
        outputs.append(new_output("stream", name="stdout", text=(
            f"[the grader dropped {execution.dropped:,} characters of output]\n")))
    errors = [o for o in outputs if o.output_type == "error"]
    if execution.status == "error" and not errors:
        error = execution.error or {}
        outputs.append(error_output(
            error.get("ename") or "Error",
            f"{error.get('evalue') or ''} (the error display had been switched off)"))
        result.events.append(f"cell {name} raised {error.get('ename')} but its traceback "
                             f"display had been silenced; it counted as an error")
    for error in errors:
        ename = error.get("ename")
        if ename == "MemoryError" or "DefaultCPUAllocator" in str(error.get("evalue")):
            result.events.append(f"cell {name} ran out of memory (each submission may use "
                                 f"{settings.memory_bytes / 2**30:g} GB more than the kernel "
                                 f"at start)")
        elif ename in ("SystemExit", "KeyboardInterrupt"):
            result.events.append(f"cell {name} raised {ename}; it counted as an error in that "
                                 f"cell only")
    return outputs


def judge_notebook(run, spec, settings, result):
    """Write outputs into ``run.notebook`` and the scores and comments into ``result``.

    ``run`` is an :class:`grading.engine.NotebookRun` (cells, roles, prepared test cells,
    executions and notes).
    """
    notebook, passed = run.notebook, {}
    for i in run.code:
        cell = notebook.cells[i]
        execution = run.executions.get(i)
        name = cell_name(cell, i)
        outputs = _outputs(execution, name, settings, result)
        if i in run.notes:
            outputs.append(error_output(run.notes[i].ename, run.notes[i].message))
        if run.roles[i] == "test":
            # a test cell shows no value: nbgrader would read a number as partial credit
            outputs = [o for o in outputs if o.output_type != "execute_result"]
            passed[i] = test_passed(run.prepared[i], execution, name, outputs, settings,
                                    result) and i not in run.notes
            if not passed[i] and not any(o.output_type == "error" for o in outputs):
                outputs.append(error_output("NotRun", "the test did not run"))
        cell.outputs = outputs
        cell.execution_count = None
    scores, comments = {}, {}
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if is_grade(cell) and grade_id in spec.points:
            cell.metadata.nbgrader["points"] = spec.points[grade_id]
            if index in passed:  # a test cell: only the grader's own judgments count
                scores[grade_id] = spec.points[grade_id] if passed[index] else 0.0
            else:
                scores[grade_id], _ = determine_grade(cell)
        if is_solution(cell) and grade_id:
            unchanged = cell.metadata.nbgrader.get("checksum") == compute_checksum(cell)
            comments[grade_id] = "No response." if unchanged else None
    result.scores[spec.name] = {g: scores.get(g, 0.0) for g in spec.points}
    result.comments[spec.name] = comments

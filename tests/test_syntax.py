"""The grader's threads can parse at the same time (grading/syntax.py).

The race it guards against (python/cpython#106905) is rare and cannot be
triggered on demand; these tests check that the serialized parse gives every
thread its full tree.
"""

from concurrent.futures import ThreadPoolExecutor

from grading import syntax

NESTED = "x = " + "[" * 30 + "1" + "]" * 30 + "\n" + "def f(a):\n    return (a + 1) * 2\n" * 200


def test_parsing_in_many_threads_at_once_never_fails():
    with ThreadPoolExecutor(max_workers=8) as pool:
        trees = list(pool.map(lambda _: syntax.parse(NESTED), range(400)))
    assert all(len(tree.body) == 201 for tree in trees)


def test_literal_eval_reads_numbers_as_python_does():
    assert syntax.literal_eval("1.5e3") == 1500.0
    assert syntax.literal_eval(" -2") == -2

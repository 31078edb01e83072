#!/bin/sh
# Entrypoint of the grading image: grade one shard of the class.
#
# A Kubernetes Indexed Job gives each pod JOB_COMPLETION_INDEX = 0, 1, ..., N-1; the grader's
# shards are numbered i/N with i = 1..N, so pod k grades shard k+1 of $SHARDS into
# gradebook-shard-<k+1>-of-<N>.db in the course directory (COURSE_DIR, default /course).
# Outside Kubernetes set SHARD=i/N instead. Extra arguments go to `python -m grading.grade`.
set -eu

course="${COURSE_DIR:-/course}"
if [ -z "${SHARD:-}" ]; then
    : "${SHARDS:?set SHARDS (the number of shards, the Job's completions) or SHARD=i/N}"
    : "${JOB_COMPLETION_INDEX:?set JOB_COMPLETION_INDEX (0-based) or SHARD=i/N}"
    SHARD="$((JOB_COMPLETION_INDEX + 1))/${SHARDS}"
fi

# The course directory is the shared volume. Its nbgrader_config.py is the instructor's if they
# copied one in; otherwise the image's (written under a temporary name and renamed, so pods
# starting together never read half a file).
if [ ! -e "$course/nbgrader_config.py" ]; then
    tmp="$course/.nbgrader_config.py.$(hostname).$$"
    cp "${OPTBOOK_HOME:-/opt/optbook}/nbgrader_config.py" "$tmp"
    mv -f "$tmp" "$course/nbgrader_config.py"
fi

echo "grading shard $SHARD of the course in $course"
exec python -m grading.grade --root "$course" --shard "$SHARD" "$@"

"""deploy/ passes its validators offline: the Kubernetes manifests and the Containerfile.

- every manifest is valid for Kubernetes 1.30 in strict mode (``kubernetes-validate``, which
  carries the schemas: no cluster, no network), and a manifest with an unknown field is refused,
  so the validator really checks;
- the Containerfile has no hadolint finding at any level (error, warning, info or style), and a
  Containerfile with unpinned installs is refused;
- what the validators cannot see: the grading Job is an Indexed Job whose N agrees in its three
  places, its pods have no network (a deny-all NetworkPolicy selects them, no service-account
  token), requests and limits, run as non-root, and mount the solutions read-only; the
  entrypoint maps the 0-based JOB_COMPLETION_INDEX to the grader's shard i/N, i = 1..N.

What cannot run here: building the image (no base image can be pulled) and applying the
manifests (no cluster). The validators come from requirements-dev.txt (``make setup``).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.30.0"
MANIFESTS = sorted(DEPLOY.glob("*.yaml"))
NETWORK_POLICY_LABEL = "app.kubernetes.io/name"


def tool(name):
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is not installed beside {sys.executable}: run `make setup` "
                    "(it installs requirements-dev.txt)")
    return str(path)


def kubernetes_validate(*paths):
    return subprocess.run([tool("kubernetes-validate"), "--kubernetes-version", KUBERNETES_VERSION,
                           "--strict", *map(str, paths)], capture_output=True, text=True,
                          timeout=300)


def hadolint(path):
    # --failure-threshold style: any finding fails, not only errors and warnings
    return subprocess.run([tool("hadolint"), "--no-color", "--failure-threshold", "style",
                           str(path)], capture_output=True, text=True, timeout=120)


def documents():
    found = {}
    for path in MANIFESTS:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def test_the_manifests_pass_strict_validation():
    assert {p.name for p in MANIFESTS} >= {"grading-job.yaml", "merge-job.yaml", "volumes.yaml"}
    result = kubernetes_validate(*MANIFESTS)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = [line for line in output.splitlines() if " passed for resource " in line]
    assert len(passed) == len(documents()), output
    assert "warn" not in output.lower(), output


def test_strict_validation_refuses_an_unknown_field(tmp_path):
    job = documents()[("Job", "optbook-grade")]
    job["spec"]["template"]["spec"]["containers"][0]["resource"] = {"limits": {"cpu": "1"}}
    broken = tmp_path / "typo.yaml"
    broken.write_text(yaml.safe_dump(job))
    result = kubernetes_validate(broken)
    assert result.returncode != 0, result.stdout + result.stderr


def test_the_containerfile_has_no_hadolint_finding():
    containerfile = DEPLOY / "Containerfile"
    result = hadolint(containerfile)
    assert result.returncode == 0, result.stdout + result.stderr
    # a rule may be switched off only with its reason on the line above
    lines = containerfile.read_text().splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore" in line:
            assert number > 0 and lines[number - 1].startswith("#") and \
                "hadolint" not in lines[number - 1], f"say why above: {line}"


def test_hadolint_refuses_unpinned_installs(tmp_path):
    bad = tmp_path / "Containerfile"
    bad.write_text("FROM python:latest\nRUN pip install torch\n")
    result = hadolint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout, result.stdout


def test_the_image_installs_the_pinned_requirements_and_runs_as_non_root():
    text = (DEPLOY / "Containerfile").read_text()
    assert "FROM python:3.11-slim" in text
    assert "-c constraints.txt -r requirements.txt" in text
    assert "download.pytorch.org/whl/cpu" in text  # torch's CPU build, not CUDA's
    assert "ipykernel install" in text
    user = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert user and not user[-1].startswith(("0", "root"))
    assert 'ENTRYPOINT ["grade-shard"]' in text
    # every file the image copies is in the repository
    for line in text.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source


def pod_specs(docs):
    return {name: doc["spec"]["template"]["spec"] for (kind, name), doc in docs.items()
            if kind == "Job"}


def test_the_grading_job_grades_n_shards_without_network():
    docs = documents()
    job = docs[("Job", "optbook-grade")]["spec"]
    assert job["completionMode"] == "Indexed"
    container = job["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert job["completions"] == job["parallelism"] == int(env["SHARDS"])

    policy = docs[("NetworkPolicy", "optbook-grading-no-network")]["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert policy["ingress"] == [] and policy["egress"] == []
    for name, spec in pod_specs(docs).items():
        labels = docs[("Job", name)]["spec"]["template"]["metadata"]["labels"]
        assert labels[NETWORK_POLICY_LABEL] == \
            policy["podSelector"]["matchLabels"][NETWORK_POLICY_LABEL], name
        assert spec["automountServiceAccountToken"] is False, name
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for c in spec["containers"]:
            assert c["resources"]["requests"] and c["resources"]["limits"], name
            assert c["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert c["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
            assert mounts["/course/solutions"].get("readOnly") is True, name
        claims = {v["name"]: v["persistentVolumeClaim"] for v in spec["volumes"]
                  if "persistentVolumeClaim" in v}
        assert claims["solutions"]["readOnly"] is True, name
        assert {c["claimName"] for c in claims.values()} <= \
            {n for kind, n in docs if kind == "PersistentVolumeClaim"}, name
    merge = docs[("Job", "optbook-merge")]["spec"]["template"]["spec"]["containers"][0]
    assert merge["command"][:3] == ["python", "-m", "grading.merge"]


@pytest.mark.parametrize("index, shards, expected", [(0, 4, "1/4"), (3, 4, "4/4"), (0, 1, "1/1")])
def test_the_entrypoint_maps_the_completion_index_to_a_shard(tmp_path, index, shards, expected):
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "python").write_text('#!/bin/sh\necho "$@"\n')
    (stub / "python").chmod(0o755)
    course = tmp_path / "course"
    course.mkdir()
    env = {"PATH": f"{stub}:/usr/bin:/bin", "JOB_COMPLETION_INDEX": str(index),
           "SHARDS": str(shards), "COURSE_DIR": str(course), "OPTBOOK_HOME": str(ROOT)}
    result = subprocess.run(["sh", str(DEPLOY / "grade-shard.sh")], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == \
        f"-m grading.grade --root {course} --shard {expected}"
    assert (course / "nbgrader_config.py").read_text() == \
        (ROOT / "nbgrader_config.py").read_text()
    assert not list(course.glob(".nbgrader_config*"))
    assert os.access(DEPLOY / "grade-shard.sh", os.X_OK)


def test_the_entrypoint_says_what_is_missing(tmp_path):
    result = subprocess.run(["sh", str(DEPLOY / "grade-shard.sh")],
                            env={"PATH": "/usr/bin:/bin", "COURSE_DIR": str(tmp_path)},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "SHARDS" in result.stderr

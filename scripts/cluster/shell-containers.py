#!/usr/bin/env python3
"""Why: a completion hook for the stand-in kubelet (SHIPSHAPE_STANDIN_ON_SUCCESS) that
plays the part of containers that are shell scripts calling the API with kubectl, as
shipshape's secret generator Job is: it runs each such container's script on this
machine, with Debian's kubectl 1.20 first on PATH and the harness's administrator
kubeconfig, so the Secret is made by the generator's own script against the real API
server. Differences from a real pod, which a test relying on this must accept: the
script acts as the cluster administrator, not as the pod's ServiceAccount (RBAC is not
exercised), and runs with this machine's shell and tools.

A container is run when its command is `/bin/sh -c SCRIPT` (or `sh -c SCRIPT`) with no
args; its literal env values are passed (HOME and PATH excepted); others are skipped.
The pod arrives as JSON on standard input. Exit status: the first failing script's, or 0.
"""

import json
import os
import subprocess
import sys
import tempfile

SCRIPT_SECONDS = 50  # within the stand-in's 60 s hook deadline


def script_of(container):
    command = container.get("command") or []
    if len(command) == 3 and command[0] in ("/bin/sh", "sh") and command[1] == "-c":
        if not container.get("args"):
            return command[2]
    return None


def main():
    pod = json.load(sys.stdin)
    kubectl = os.environ.get("SHIPSHAPE_KUBECTL")
    if not kubectl or "KUBECONFIG" not in os.environ:
        print("shell-containers.py: run me as the stand-in's hook under scripts/cluster/up.sh "
              "(SHIPSHAPE_KUBECTL and KUBECONFIG unset)", file=sys.stderr)
        return 2
    for container in pod.get("spec", {}).get("containers", []):
        script = script_of(container)
        if script is None:
            continue
        with tempfile.TemporaryDirectory() as home:
            bindir = os.path.join(home, "bin")
            os.mkdir(bindir)
            os.symlink(kubectl, os.path.join(bindir, "kubectl"))
            env = dict(os.environ)
            for var in container.get("env") or []:
                if "value" in var and var["name"] not in ("HOME", "PATH"):
                    env[var["name"]] = var["value"]
            env.update(HOME=home, TMPDIR=home, PATH=bindir + os.pathsep + os.environ["PATH"])
            try:
                done = subprocess.run(["/bin/sh", "-c", script], env=env, cwd=home,
                                      timeout=SCRIPT_SECONDS, check=False)
            except subprocess.TimeoutExpired:
                print(f"container {container['name']}: still running after {SCRIPT_SECONDS} s",
                      file=sys.stderr)
                return 1
            if done.returncode != 0:
                print(f"container {container['name']}: exit code {done.returncode}",
                      file=sys.stderr)
                return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The GitHub Action (action.yml) run the way GitHub runs a composite action, as far as this
machine allows: each `run` step in bash with its `env` expressions evaluated from the inputs and
the earlier steps' outputs, $GITHUB_OUTPUT and $RUNNER_TEMP; a `uses` step (the SARIF upload) is
not run but its `if` and `with` are evaluated and checked. The checked project is a copy of the
repository's examples/.

    python test_action.py REPO_ROOT BINARY LAUNCHER.tgz PLATFORM.tgz
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from harness import OFFLINE_NPM, check, finish, run

root, binary, launcher_tgz, platform_tgz = (os.path.abspath(a) for a in sys.argv[1:5])
action = yaml.safe_load(open(os.path.join(root, "action.yml")))
work = tempfile.mkdtemp(prefix="cio-lsp-action-")


def evaluate(expr, ctx):
    """The subset of GitHub's expression language that action.yml uses: `inputs.x`,
    `steps.s.outputs.x`, string literals, ==, !=, &&, ||, !, startsWith and cancelled()."""
    tokens = re.findall(r"'[^']*'|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|==|!=|&&|\|\||!|\(|\)", expr)
    py = []
    for t in tokens:
        if t.startswith("'"):
            py.append(repr(t[1:-1]))
        elif t == "cancelled()":
            py.append("False")
        elif t in ("==", "!=", "(", ")"):
            py.append(t)
        elif t in ("&&", "||", "!"):
            py.append({"&&": " and ", "||": " or ", "!": " not "}[t])
        else:
            parts = t.split(".")
            if parts[0] == "inputs":
                py.append(repr(ctx["inputs"][parts[1]]))
            elif parts[0] == "steps":
                py.append(repr(ctx["steps"].get(parts[1], {}).get(parts[3], "")))
            else:
                raise ValueError(f"unsupported expression token {t} in {expr}")
    return eval("".join(py), {"__builtins__": {}})


def substitute(value, ctx):
    value = str(value)
    if value.strip().startswith("${{") and value.strip().endswith("}}") and value.count("${{") == 1:
        result = evaluate(value.strip()[3:-2], ctx)
        return result if isinstance(result, str) else str(result).lower()
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1), ctx)), value)


def run_action(inputs, workspace):
    """Runs action.yml's steps; returns (outcome per step, outputs, upload `with` or None, log)."""
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    ctx = {"inputs": {k: inputs.get(k, v.get("default", "")) for k, v in declared.items()}, "steps": {}}
    runner_temp = tempfile.mkdtemp(dir=work)
    log, upload, failed = [], None, False
    for step in action["runs"]["steps"]:
        condition = step.get("if", "success()")
        condition = condition.strip()
        if condition.startswith("${{"):
            condition = condition[3:-2]
        if "success()" in condition:
            if failed:
                continue
        elif not evaluate(condition, ctx):
            continue
        if "uses" in step:
            upload = {k: substitute(v, ctx) for k, v in step.get("with", {}).items()}
            continue
        output_file = os.path.join(runner_temp, f"output-{step.get('id', 'x')}")
        open(output_file, "w").close()
        env = {**OFFLINE_NPM, "GITHUB_ACTION_PATH": root, "GITHUB_OUTPUT": output_file,
               "RUNNER_TEMP": runner_temp, "GITHUB_WORKSPACE": workspace}
        env.update({k: substitute(v, ctx) for k, v in step.get("env", {}).items()})
        code, out = run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, timeout=120)
        log.append(f"--- {step['name']} (exit {code})\n{out}")
        outputs = dict(line.split("=", 1) for line in open(output_file).read().splitlines() if "=" in line)
        if "id" in step:
            ctx["steps"][step["id"]] = outputs
        if code != 0:
            failed = True
            break
    outputs = {k: substitute(v["value"], ctx) for k, v in action["outputs"].items()}
    return failed, outputs, upload, "\n".join(log)


def fresh_examples(files=None):
    dest = tempfile.mkdtemp(dir=work)
    if files is None:
        shutil.copytree(os.path.join(root, "examples"), os.path.join(dest, "examples"))
    else:
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
            open(os.path.join(dest, name), "w").write(text)
    return dest


# Installed from npm (here: the packed tarballs), annotations, failing on the errors.
ws = fresh_examples()
failed, outputs, upload, log = run_action(
    {"paths": "examples/", "version": f"{launcher_tgz} {platform_tgz}"}, ws)
check(failed, "format github: the step fails on the example project's error findings", log)
check(outputs["exit-code"] == "1", "exit-code output is 1", outputs)
check(re.search(r"^::error file=examples/express-app/src/server\.ts,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=CIO002", log, re.M),
      "annotations are GitHub workflow commands on the example files", log[-3000:])
check("Installing" in log and "cio-lsp 0." in log, "the install step installed cio-lsp from npm and ran it", log[:2000])
check(upload is None, "no SARIF upload for format github")

# SARIF, with a given binary: the upload step gets the report, the verdict comes after it.
ws = fresh_examples()
failed, outputs, upload, log = run_action(
    {"paths": "examples/express-app\nexamples/next-app", "format": "sarif", "cio-lsp": binary}, ws)
sarif_path = os.path.join(ws, outputs["sarif-file"]) if outputs["sarif-file"] else ""
check(failed and outputs["exit-code"] == "1", "format sarif: the step fails on error findings, after the upload", log)
check(upload is not None and upload["sarif_file"] == "cio-lsp.sarif" and upload["category"] == "cio-lsp",
      "the upload-sarif step runs with the report", upload)
if check(os.path.isfile(sarif_path), "the SARIF report is written", log):
    report = json.load(open(sarif_path))
    direct = subprocess.run([binary, "check", "examples/express-app", "examples/next-app", "--format", "json"],
                            cwd=ws, capture_output=True, text=True)
    expected = len(json.loads(direct.stdout)["findings"])
    check(report["version"] == "2.1.0" and len(report["runs"][0]["results"]) == expected,
          f"the report is SARIF 2.1.0 with the {expected} findings of `check` on both paths",
          len(report["runs"][0]["results"]))

# fail-level none reports without failing; upload off skips the upload.
ws = fresh_examples()
failed, outputs, upload, log = run_action(
    {"paths": "examples", "format": "sarif", "cio-lsp": binary, "fail-level": "none", "upload": "false"}, ws)
check(not failed and outputs["exit-code"] == "1", "fail-level none: findings reported, step passes", log)
check(upload is None, "upload: false skips the upload")

# fail-level warning fails on warnings alone; error does not.
only_warning = {"src/track.ts": 'import { TrackClient } from "customerio-node";\n'
                "const cio = new TrackClient(process.env.SITE_ID!, process.env.API_KEY!);\n"
                "export function viewed(id: string, sku: string) {\n"
                "  return cio.track(id, { name: `viewed_${sku}` }).catch(() => {});\n}\n"}
ws = fresh_examples(only_warning)
failed, outputs, _, log = run_action({"cio-lsp": binary}, ws)
check(not failed and outputs["exit-code"] == "0" and "::warning file=src/track.ts" in log,
      "fail-level error: a warning is annotated, the step passes", log)
failed, outputs, _, log = run_action({"cio-lsp": binary, "fail-level": "warning"}, ws)
check(failed and outputs["exit-code"] == "1", "fail-level warning: the step fails on the warning", log)

# Trouble is never a pass: a path that does not exist, a bad input.
failed, outputs, _, log = run_action({"cio-lsp": binary, "paths": "no-such-dir", "fail-level": "none"}, ws)
check(failed and outputs["exit-code"] == "2" and "could not run" in log, "a missing path fails the step (exit 2), whatever the fail level", log)
failed, _, _, log = run_action({"cio-lsp": binary, "format": "junit"}, ws)
check(failed and "format must be github or sarif" in log, "an unknown format fails the step", log)
failed, _, _, log = run_action({"cio-lsp": os.path.join(ws, "nothing")}, ws)
check(failed and "not an executable" in log, "a cio-lsp input that is not a binary fails the install step", log)

shutil.rmtree(work, ignore_errors=True)
finish("action")

"""Lints what GitHub and pre-commit will read but this machine cannot run: the release workflow
and the README's example workflow (actionlint, with shellcheck for their `run` scripts), the
Action's metadata (action-validator, against the action.yml schema), the hook manifest and the
README's example pre-commit config (pre-commit's own validators), and the shell scripts behind
them (shellcheck).

    python test_lint.py REPO_ROOT ACTION_VALIDATOR
"""
import os
import re
import shutil
import sys
import tempfile

from harness import check, finish, run

root, action_validator = (os.path.abspath(a) for a in sys.argv[1:3])
bindir = os.path.dirname(sys.executable)
work = tempfile.mkdtemp(prefix="cio-lsp-lint-")
readme = open(os.path.join(root, "README.md")).read()


def readme_blocks(language, must_contain):
    return [m.group(1) for m in re.finditer(rf"```{language}\n(.*?)```", readme, re.S) if must_contain in m.group(1)]


check(shutil.which("shellcheck") is not None, "shellcheck is installed (actionlint checks run scripts with it)")
code, out = run([os.path.join(bindir, "actionlint"), "-version"])
print("# " + out.splitlines()[0] if out else "# actionlint missing")

code, out = run([os.path.join(bindir, "actionlint"), ".github/workflows/release.yml"], cwd=root)
check(code == 0, "actionlint: .github/workflows/release.yml", out)

examples = readme_blocks("yaml", "uses: cio-lsp/cio-lsp@")
if check(examples, "the README has an example workflow using the Action"):
    os.makedirs(os.path.join(work, ".github", "workflows"))
    for i, example in enumerate(examples):
        path = os.path.join(work, ".github", "workflows", f"example-{i}.yml")
        open(path, "w").write(example)
        code, out = run([os.path.join(bindir, "actionlint"), path], cwd=work)
        check(code == 0, f"actionlint: the README's example workflow {i + 1}", out)

code, out = run([action_validator, "action.yml"], cwd=root)
check(code == 0, "action-validator: action.yml", out)

code, out = run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"], cwd=root)
check(code == 0, "pre-commit validate-manifest: .pre-commit-hooks.yaml", out)
configs = readme_blocks("yaml", "id: cio-lsp")
if check(configs, "the README has an example .pre-commit-config.yaml"):
    for i, config in enumerate(configs):
        path = os.path.join(work, f"pre-commit-config-{i}.yaml")
        open(path, "w").write(config)
        code, out = run([sys.executable, "-m", "pre_commit", "validate-config", path], cwd=work)
        check(code == 0, f"pre-commit validate-config: the README's example {i + 1}", out)

scripts = ["action/run.sh", "release/package.sh", "release/checksums.sh", "tests/shipping/run.sh",
           "editors/test/run-all.sh", ".ci/run"]
code, out = run(["shellcheck", "--severity=warning", *scripts], cwd=root)
check(code == 0, "shellcheck: " + ", ".join(scripts), out)

shutil.rmtree(work, ignore_errors=True)
finish("lint")

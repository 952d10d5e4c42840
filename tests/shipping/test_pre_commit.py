"""The pre-commit hook (.pre-commit-hooks.yaml) in a real pre-commit, on a temporary git
repository: a staged file with an error-severity finding blocks the commit, the fixed file
passes, a commit without JavaScript or TypeScript skips the hook.

    python test_pre_commit.py REPO_ROOT LAUNCHER.tgz PLATFORM.tgz

pre-commit installs the hook's npm package into its own environment; here its
additional_dependencies are the packed tarballs (overridden in the project's config, as
pre-commit allows), since the version the hook names may not be published yet.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

from harness import OFFLINE_NPM, check, finish, run

root, launcher_tgz, platform_tgz = (os.path.abspath(a) for a in sys.argv[1:4])
work = tempfile.mkdtemp(prefix="cio-lsp-pre-commit-")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "PRE_COMMIT_HOME": os.path.join(work, "pre-commit-home"), **OFFLINE_NPM}
SIGNUP = """import { TrackClient, RegionUS } from "customerio-node";

const cio = new TrackClient(process.env.CIO_SITE_ID!, process.env.CIO_API_KEY!, { region: RegionUS });

export async function signup(user: { id: string; email: string }) {
  await cio.identify(user.id, { email: user.email, created_at: %s });
}
"""


def git(*args, cwd):
    return run(["git", *args], cwd=cwd, env=GIT_ENV)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# The hook's own definition, pinned to the crate's version.
hooks = yaml.safe_load(open(os.path.join(root, ".pre-commit-hooks.yaml")))
hook = next((h for h in hooks if h["id"] == "cio-lsp"), None)
crate = json.loads(subprocess.run(["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"],
                                  cwd=root, capture_output=True, text=True, check=True).stdout)
version = next(p for p in crate["packages"] if p["name"] == "cio-lsp")["version"]
check(hook is not None, ".pre-commit-hooks.yaml defines the cio-lsp hook")
check(hook["additional_dependencies"] == [f"cio-lsp@{version}"],
      f"the hook installs cio-lsp@{version}, the crate's version", hook["additional_dependencies"])
check(set(hook["types_or"]) == {"javascript", "jsx", "ts", "tsx"}, "the hook runs on JS/TS files", hook["types_or"])

# The hook repository as pre-commit clones it: this repository's hook definition, committed.
hook_repo = os.path.join(work, "hook-repo")
os.makedirs(hook_repo)
shutil.copy(os.path.join(root, ".pre-commit-hooks.yaml"), hook_repo)
git("init", "-q", cwd=hook_repo)
git("add", ".", cwd=hook_repo)
git("commit", "-q", "-m", "hooks", cwd=hook_repo)
rev = git("rev-parse", "HEAD", cwd=hook_repo)[1].strip()

project = os.path.join(work, "project")
os.makedirs(project)
git("init", "-q", cwd=project)
write(os.path.join(project, ".pre-commit-config.yaml"), yaml.safe_dump({"repos": [{
    "repo": hook_repo, "rev": rev,
    "hooks": [{"id": "cio-lsp", "additional_dependencies": [launcher_tgz, platform_tgz]}]}]}))
pc = [sys.executable, "-m", "pre_commit"]
code, out = run([*pc, "install"], cwd=project, env=GIT_ENV)
check(code == 0, "pre-commit install", out)
t0 = time.monotonic()
code, out = run([*pc, "install-hooks"], cwd=project, env=GIT_ENV)
check(code == 0, f"pre-commit installs the hook's environment ({time.monotonic() - t0:.1f} s)", out)

# A staged file with a millisecond timestamp (CIO002, error) blocks the commit.
write(os.path.join(project, "src", "signup.ts"), SIGNUP % "Date.now()")
git("add", ".", cwd=project)
t0 = time.monotonic()
code, out = git("commit", "-m", "signup", cwd=project)
elapsed = time.monotonic() - t0
check(code != 0, "the commit of a file with an error finding is blocked", out)
check("error[CIO002]" in out and "src/signup.ts:6:64" in out, "the hook's output names the finding", out)
check(git("rev-parse", "-q", "--verify", "HEAD", cwd=project)[0] != 0, "nothing was committed")
print(f"# blocked commit took {elapsed:.2f} s")

# The fixed file passes.
write(os.path.join(project, "src", "signup.ts"), SIGNUP % "Math.floor(Date.now() / 1000)")
git("add", ".", cwd=project)
t0 = time.monotonic()
code, out = git("commit", "-m", "signup", cwd=project)
elapsed = time.monotonic() - t0
check(code == 0 and "cio-lsp" in out and "Passed" in out, "the commit of the fixed file passes the hook", out)
print(f"# passing commit took {elapsed:.2f} s")

# A commit without JavaScript or TypeScript does not run it.
write(os.path.join(project, "README.md"), "Date.now() in prose\n")
git("add", "README.md", cwd=project)
code, out = git("commit", "-m", "docs", cwd=project)
check(code == 0 and "(no files to check)Skipped" in out.replace(".", ""), "a commit of README.md skips the hook", out)

shutil.rmtree(work, ignore_errors=True)
finish("pre-commit")

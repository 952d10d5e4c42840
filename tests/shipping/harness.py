"""What the shipping tests share: ok / not ok lines, a closing count, commands with their output."""
import os
import signal
import subprocess
import sys

checks = 0
failures = 0


def check(ok, what, detail=None):
    """Prints `ok - what` or `not ok - what: detail`; returns ok."""
    global checks, failures
    checks += 1
    if ok:
        print(f"ok - {what}", flush=True)
    else:
        failures += 1
        print(f"not ok - {what}" + (f": {str(detail)[:3000]}" if detail is not None else ""), flush=True)
    return ok


def finish(name):
    """The closing line that .ci/run's reader counts; exits non-zero on a failure."""
    print(f"{name}: {checks - failures} passed, {failures} failed", flush=True)
    sys.exit(1 if failures or not checks else 0)


def run(args, cwd=None, env=None, timeout=300):
    """Runs a command in its own process group; returns (exit code, stdout + stderr). Past the
    timeout the whole group is killed and the code is 124, as with timeout(1)."""
    merged = {**os.environ, **(env or {})}
    p = subprocess.Popen(args, cwd=cwd, env=merged, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return 124, f"{out}\n(timed out after {timeout} s)"


# npm talks to a closed loopback port, not a registry: the tests install packed tarballs only, and
# the optional platform packages of other platforms fail fast instead of being looked up.
OFFLINE_NPM = {"npm_config_registry": "http://127.0.0.1:9/", "npm_config_fetch_retries": "0",
               "npm_config_audit": "false", "npm_config_fund": "false",
               "npm_config_update_notifier": "false"}

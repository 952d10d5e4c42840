"""cio-lsp's SARIF checked by Microsoft's SARIF Multitool (`validate`: the 2.1.0 schema and the
SARIF rules GitHub code scanning and other viewers rely on): no error, no warning. The report
covers every rule's descriptor, the example project's 40 results (related locations, fixes) and
a skipped file.

    python test_sarif.py REPO_ROOT BINARY MULTITOOL
"""
import json
import os
import shutil
import sys
import tempfile

from harness import check, finish, run

root, binary, multitool = (os.path.abspath(a) for a in sys.argv[1:4])
work = tempfile.mkdtemp(prefix="cio-lsp-sarif-")
shutil.copytree(os.path.join(root, "examples"), os.path.join(work, "examples"))
with open(os.path.join(work, "examples", "express-app", "src", "binary.ts"), "wb") as f:
    f.write(b"\0\1\2")

code, out = run([binary, "check", "examples", "--format", "sarif", "-o", "cio-lsp.sarif"], cwd=work)
check(code == 1, "cio-lsp check --format sarif writes the report (exit 1: error findings)", out)
report = json.load(open(os.path.join(work, "cio-lsp.sarif")))
run0 = report["runs"][0]
check(len(run0["results"]) == 40, "the report holds the example project's 40 results", len(run0["results"]))
driver = run0["tool"]["driver"]
check(driver.get("informationUri", "").startswith("https://"), "tool.driver.informationUri is set", driver.get("informationUri"))
check(all(r.get("helpUri", "").startswith("https://") and r["fullDescription"]["text"] for r in driver["rules"]),
      "every rule has a helpUri and a fullDescription")

code, out = run([multitool, "validate", "cio-lsp.sarif", "--output", "validation.sarif"], cwd=work)
validation_path = os.path.join(work, "validation.sarif")
if check(code == 0 and os.path.isfile(validation_path), "sarif-multitool validate runs", out):
    validation = json.load(open(validation_path))
    problems = [f"{r.get('level', 'warning')} {r['ruleId']}: {r['message'].get('text', r['message'])}"
                for r in validation["runs"][0].get("results", [])]
    check(not problems, "the SARIF Multitool reports no error and no warning", "\n".join(problems))

shutil.rmtree(work, ignore_errors=True)
finish("sarif")

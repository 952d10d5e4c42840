"""Checks the contents of the packaged cio-lsp.vsix (a zip file): prints ok / not ok per check."""
import sys
import zipfile

checks = failed = 0


def check(ok, what):
    global checks, failed
    checks += 1
    failed += 0 if ok else 1
    print(("ok - " if ok else "not ok - ") + what)


vsix = zipfile.ZipFile(sys.argv[1])
names = {n.lower(): n for n in vsix.namelist()}
for want in ("extension/package.json", "extension/dist/extension.js", "extension/server/cio-lsp",
             "extension/readme.md", "extension/license.txt"):
    check(want in names, ".vsix contains " + want)
stray = sorted(n for n in names if "node_modules/" in n or n.endswith((".ts", ".map", ".mjs")))
check(not stray, ".vsix holds no sources, source maps or node_modules" + (": " + ", ".join(stray[:5]) if stray else ""))
server = names.get("extension/server/cio-lsp")
if server:
    info = vsix.getinfo(server)
    check((info.external_attr >> 16) & 0o111 != 0, "bundled server/cio-lsp is executable (mode %o)" % (info.external_attr >> 16))
    check(info.file_size > 100_000, "bundled server is a real build (%d bytes)" % info.file_size)
print("vsix: %d checks, %d failed" % (checks, failed))
sys.exit(1 if failed else 0)

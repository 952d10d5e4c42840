"""Checks a packaged platform-specific cio-lsp .vsix (a zip file): prints ok / not ok per check.

    python3 check_vsix.py FILE.vsix TARGET      (TARGET: linux-x64, darwin-arm64, ...)
"""
import json
import os
import struct
import sys
import tomllib
import zipfile

MAX_VSIX_BYTES = 8 * 1024 * 1024
checks = failed = 0


def check(ok, what):
    global checks, failed
    checks += 1
    failed += 0 if ok else 1
    print(("ok - " if ok else "not ok - ") + what)


def elf_section_names(data):
    """Section names of a 64-bit little-endian ELF image, or None when it is not one."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def section(i):
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    strtab_offset = section(shstrndx)[4]
    names = []
    for i in range(shnum):
        name_offset = section(i)[0]
        end = data.index(b"\0", strtab_offset + name_offset)
        names.append(data[strtab_offset + name_offset:end].decode())
    return names


path, target = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
check(size <= MAX_VSIX_BYTES, "the .vsix is at most 8 MB (%.1f MB)" % (size / 1024 / 1024))
vsix = zipfile.ZipFile(path)
names = {n.lower(): n for n in vsix.namelist()}
exe = "extension/server/cio-lsp.exe" if target.startswith("win32") else "extension/server/cio-lsp"
for want in ("extension/package.json", "extension/dist/extension.js", exe,
             "extension/readme.md", "extension/license.txt"):
    check(want in names, ".vsix contains " + want)
# The project's address comes from one place, Cargo.toml's `repository`/`homepage` (as the
# server's documentation links and SARIF's helpUri do).
cargo_toml = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Cargo.toml")
with open(cargo_toml, "rb") as f:
    crate = tomllib.load(f)["workspace"]["package"]
package = json.loads(vsix.read(names["extension/package.json"]))
check(package.get("homepage") == crate["homepage"], "package.json's homepage is Cargo.toml's (%s)" % package.get("homepage"))
check((package.get("repository") or {}).get("url", "").startswith(crate["repository"]),
      "package.json's repository is Cargo.toml's (%s)" % package.get("repository"))
manifest = vsix.read(names["extension.vsixmanifest"]).decode()
check('TargetPlatform="%s"' % target in manifest, "the .vsix is for the platform %s" % target)
stray = sorted(n for n in names if "node_modules/" in n or n.endswith((".ts", ".map", ".mjs")))
check(not stray, ".vsix holds no sources, source maps or node_modules" + (": " + ", ".join(stray[:5]) if stray else ""))
server = names.get(exe)
if server:
    info = vsix.getinfo(server)
    check(target.startswith("win32") or (info.external_attr >> 16) & 0o111 != 0,
          "bundled server is executable (mode %o)" % (info.external_attr >> 16))
    check(info.file_size > 100_000, "bundled server is a real build (%d bytes)" % info.file_size)
    sections = elf_section_names(vsix.read(server)) if target.startswith("linux") else []
    debug = [s for s in sections or [] if s.startswith(".debug")]
    check(sections is not None and not debug,
          "bundled server is stripped (no debug sections)" + (": " + ", ".join(debug) if debug else ""))
print("vsix: %d checks, %d failed" % (checks, failed))
sys.exit(1 if failed else 0)

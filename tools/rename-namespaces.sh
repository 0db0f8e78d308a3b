#!/usr/bin/env bash
# Gives the code split out of src/EdgeGate.Gateway the namespaces of the projects it now lives in.
# The split moved files without touching their namespaces (so that branches editing those files
# merge through the renames); run this once after merging them, build, and commit the result.
# Idempotent: a second run changes nothing.
#
# What it does, over every .cs file in src/ and tests/:
#  1. A file in one of the stage projects gets that project's namespace (first match wins):
#       src/EdgeGate.Configuration/**        EdgeGate.Configuration
#       src/EdgeGate.Recognition/Enrolment/** EdgeGate.Recognition.Enrolment
#       src/EdgeGate.Recognition/**          EdgeGate.Recognition
#       src/EdgeGate.Access/**               EdgeGate.Access
#       src/EdgeGate.Uplink/Commands/**      EdgeGate.Uplink.Commands
#       src/EdgeGate.Uplink/**               EdgeGate.Uplink
#       src/EdgeGate.Api/**                  EdgeGate.Api
#       src/EdgeGate.Tools/Bench|Eval|Demo|Simulator/**  EdgeGate.Tools.Bench|Eval|Demo|Simulator
#     (only `namespace EdgeGate.Gateway...;` lines are rewritten; a file already renamed is left alone).
#  2. Every `using EdgeGate.Gateway.<old>;` of a namespace that no longer holds anything (Configuration,
#     Live, Services, Enrolment, Access, Uplink, Uplink.Commands, Uplink.Simulator, Api, Demo) is
#     removed (in the split-out projects every `using EdgeGate.Gateway...;`: they cannot see the
#     program's namespaces), and each file gets `using <new>;` for every new namespace whose types it names (by
#     simple name) when it could see them before: it had the old using, or sat in the old namespace
#     (or one inside it). Cli and Hosting keep their
#     namespace; their users get the new namespaces of the bench/eval commands and LoopHeartbeats the
#     same way. New usings go where the first removed (or last existing) using was; no duplicates.
#  3. Fully qualified names in code, crefs and strings (EdgeGate.Gateway.Live.X, …) are rewritten to
#     the type's new namespace; names qualified relative to an enclosing namespace
#     (`Enrolment.PhotoEnrolment`, `Gateway.Uplink.UplinkMessages`, `Demo.DemoCommand`) become simple
#     names with a using.
#  4. The recognition stage's registration method AddLiveGate is renamed AddRecognition everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, sys

PROJECTS = [  # (folder prefix, new namespace)
    ("src/EdgeGate.Configuration/", "EdgeGate.Configuration"),
    ("src/EdgeGate.Recognition/Enrolment/", "EdgeGate.Recognition.Enrolment"),
    ("src/EdgeGate.Recognition/", "EdgeGate.Recognition"),
    ("src/EdgeGate.Access/", "EdgeGate.Access"),
    ("src/EdgeGate.Uplink/Commands/", "EdgeGate.Uplink.Commands"),
    ("src/EdgeGate.Uplink/", "EdgeGate.Uplink"),
    ("src/EdgeGate.Api/", "EdgeGate.Api"),
    ("src/EdgeGate.Tools/Bench/", "EdgeGate.Tools.Bench"),
    ("src/EdgeGate.Tools/Eval/", "EdgeGate.Tools.Eval"),
    ("src/EdgeGate.Tools/Demo/", "EdgeGate.Tools.Demo"),
    ("src/EdgeGate.Tools/Simulator/", "EdgeGate.Tools.Simulator"),
]
# Old namespaces that are emptied by the split (their usings are dropped).
EMPTIED = {"EdgeGate.Gateway.Configuration", "EdgeGate.Gateway.Live", "EdgeGate.Gateway.Services",
           "EdgeGate.Gateway.Enrolment", "EdgeGate.Gateway.Access", "EdgeGate.Gateway.Uplink",
           "EdgeGate.Gateway.Uplink.Commands", "EdgeGate.Gateway.Uplink.Simulator",
           "EdgeGate.Gateway.Api", "EdgeGate.Gateway.Demo"}

def files():
    for top in ("src", "tests"):
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d not in ("bin", "obj")]
            for name in filenames:
                if name.endswith(".cs"):
                    yield os.path.join(dirpath, name)

NS = re.compile(r"^namespace ([\w.]+);", re.M)
TYPE = re.compile(r"^(?:\s*(?:public|internal|static|sealed|abstract|partial|readonly|file|ref|record)\s+)*(?:class|record|struct|interface|enum)\s+([A-Z]\w*)", re.M)
EXTENSION = re.compile(r"static\s+[\w<>\[\]?,. ]+?\s+(\w+)\s*(?:<[^>]*>)?\(\s*this\b")
USING = re.compile(r"^using ([\w.]+);\n", re.M)

def target(path):
    for prefix, namespace in PROJECTS:
        if path.startswith(prefix):
            return namespace
    return None

texts = {path: open(path, encoding="utf-8").read() for path in files()}

# Which old namespace each moved type came from, and where it goes.
moved = {}          # type name -> (old namespace, new namespace)
for path, text in texts.items():
    new = target(path)
    m = NS.search(text)
    if not m:
        continue
    old = m.group(1)
    if new is None:
        # Not moved, except the types that left a namespace that stays (Cli, Hosting) for a project.
        continue
    if not old.startswith("EdgeGate.Gateway"):
        old = None  # already renamed: recover the old namespace from the folder below
    for name in TYPE.findall(text) + EXTENSION.findall(text):
        moved[name] = (old, new)

# Recover old namespaces of already-renamed files (idempotence): nothing left to rewrite for them.
moved = {name: (old, new) for name, (old, new) in moved.items() if old is not None}

changed = 0
for path, text in texts.items():
    original = text
    new_ns = target(path)
    m = NS.search(text)
    own_old = m.group(1) if m else ""
    if new_ns and own_old.startswith("EdgeGate.Gateway"):
        text = NS.sub(f"namespace {new_ns};", text, count=1)
    own = new_ns if new_ns else own_old
    usings = USING.findall(text)
    body = USING.sub("", text)
    words = set(re.findall(r"\b[A-Z]\w*\b", re.sub(r"//[^\n]*", "", body)))
    # 3. fully qualified names
    for name, (old, new) in moved.items():
        text = re.sub(rf"\b{re.escape(old)}\.{name}\b", f"{new}.{name}", text)
    # 3b. names qualified relative to an enclosing namespace (`Enrolment.PhotoEnrolment`,
    #     `Gateway.Uplink.UplinkMessages`, `Demo.DemoCommand`)
    needed = []
    if own_old.startswith("EdgeGate.Gateway"):
        for name, (old, new) in moved.items():
            parts = old.split(".")[1:]
            prefixes = "|".join(re.escape(".".join(parts[i:])) for i in range(len(parts)))
            qualified = re.compile(rf"(?<![\w.])(?:{prefixes})\.{name}\b")
            if qualified.search(text):
                text = qualified.sub(name, text)
                if new != own and new not in needed and new not in usings:
                    needed.append(new)
    # 2. usings
    for name, (old, new) in moved.items():
        if name not in words or new == own:
            continue
        visible = old in usings or own_old == old or own_old.startswith(old + ".")
        if visible and new not in needed and new not in usings:
            needed.append(new)
    lines = text.split("\n")
    out, inserted = [], False
    for line in lines:
        um = re.fullmatch(r"using ([\w.]+);", line)
        if um and (um.group(1) in EMPTIED or (new_ns and um.group(1).startswith("EdgeGate.Gateway"))):
            if not inserted:
                out.extend(f"using {n};" for n in needed)
                inserted = True
            continue
        out.append(line)
    if not inserted and needed:
        last = max((i for i, l in enumerate(out) if re.fullmatch(r"using [\w.]+;", l)), default=-1)
        out[last + 1:last + 1] = [f"using {n};" for n in needed]
    text = "\n".join(out)
    # 4.
    text = re.sub(r"\bAddLiveGate\b", "AddRecognition", text)
    # no duplicate usings
    seen, deduped = set(), []
    for line in text.split("\n"):
        if re.fullmatch(r"using [\w.]+;", line):
            if line in seen:
                continue
            seen.add(line)
        deduped.append(line)
    text = "\n".join(deduped)
    if text != original:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        changed += 1
print(f"rename-namespaces: {changed} files changed")
PY

"""A hostile tenant, for the sandbox tests: each path tries one attack on the platform or another function
and reports, in its own words, what happened. Every attempt is expected to fail."""

import glob
import os
import socket
import subprocess


def _attempt(action):
    try:
        return {"ok": True, "result": action()}
    except OSError as e:
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def _read(path):
    if os.path.isdir(path):
        return sorted(os.listdir(path))
    with open(path, "rb") as f:
        return f.read(200).decode("utf-8", "replace")


def _append(path):
    with open(path, "a", encoding="utf-8") as f:
        f.write("\nprint('injected')\n")
    return "appended"


def _environ_leaks(needles):
    """Every process whose environment this function can read and that holds one of the needles."""
    leaks, unreadable = [], 0
    for path in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            unreadable += 1
            continue
        leaks += [f"{path}: {needle}" for needle in needles if needle in text]
    return {"leaks": leaks, "unreadable": unreadable, "processes": len(glob.glob("/proc/[0-9]*"))}


def _close_listener():
    """Shuts down this instance's listening socket (the runtime's port) while the process lives on: a dead listener."""
    port = int(os.environ["PORT"])
    closed = []
    for name in os.listdir("/proc/self/fd"):
        try:
            sock = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue
        try:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and sock.getsockname()[1] == port:
                sock.shutdown(socket.SHUT_RDWR)
                closed.append(int(name))
        except OSError:
            pass
        finally:
            sock.close()
    return closed


def handle(request):
    path = request.path
    target = request.query.get("path", [""])[0]
    if path == "/read":
        return _attempt(lambda: _read(target))
    if path == "/write":
        return _attempt(lambda: _append(target))
    if path == "/parent-environ":
        return {"ppid": os.getppid(), **_attempt(lambda: _read(f"/proc/{os.getppid()}/environ"))}
    if path == "/environ-scan":
        return _environ_leaks(request.query.get("needle", []))
    if path == "/env":
        return sorted(os.environ)
    if path == "/escape":
        # A child in a session of its own, as a daemonizing tool would start it: it must still end with the instance.
        child = subprocess.Popen(["sleep", target], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {"pid": child.pid}
    if path == "/close-listener":
        return {"closed": _close_listener(), "instance": os.environ.get("INSTANCE_ID")}
    if path == "/instance":
        return {"instance": os.environ.get("INSTANCE_ID")}
    if path == "/whoami":
        return {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "home": os.environ.get("HOME"), "cwd": os.getcwd()}
    return {"paths": ["/read?path=", "/write?path=", "/parent-environ", "/environ-scan?needle=", "/env", "/escape?path=", "/whoami", "/close-listener", "/instance"]}

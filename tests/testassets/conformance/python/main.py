"""The conformance test function (see ../README.md); its C# and node twins behave identically."""

import hashlib
import os
import time

MAX_ECHOED_BODY = 4096


def handle(request):
    event = request.event
    if event is not None:
        return {
            "specversion": "1.0",
            "id": f"reply-{event['id']}",
            "source": "/conformance",
            "type": "conformance.reply",
            "datacontenttype": "application/json",
            "data": {"id": event["id"], "type": event["type"], "source": event["source"], "data": event["data"]},
        }
    path = request.path
    if path.startswith("/status/"):
        code = int(path[len("/status/"):])
        return code, {"Content-Type": "text/plain; charset=utf-8"}, f"status {code}"
    if path == "/throw":
        raise RuntimeError("boom")
    if path == "/identity":
        return {name: os.environ.get(name) for name in ("K_SERVICE", "K_CONFIGURATION", "K_REVISION", "FUNCTION_NAMESPACE")}
    if path == "/slow":
        time.sleep(int(request.query.get("ms", ["1000"])[0]) / 1000)
        return "slept"
    body = request.body
    return {
        "method": request.method,
        "path": path,
        "query": {name: values[0] for name, values in request.query.items()},
        "headers": dict(request.headers),
        "bodyLength": len(body),
        "bodySha256": hashlib.sha256(body).hexdigest(),
        "body": body.decode("utf-8") if len(body) <= MAX_ECHOED_BODY else None,
    }

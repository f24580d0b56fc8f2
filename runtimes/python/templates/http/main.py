"""An HTTP function.

request: method, path, query (dict of lists), headers (case-insensitive), body (bytes), text(), json(), event.
Return str (text/plain), bytes, dict or list (JSON), None (204) or a (status, headers, body) tuple.
Raising answers 500; taking longer than timeoutSeconds answers 504. ``async def handle`` works too.
"""


def handle(request):
    if request.method == "POST":
        return {"received": request.json()}
    name = request.query.get("name", ["world"])[0]
    return f"Hello, {name}!"

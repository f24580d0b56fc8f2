"""An async def handler: runs on the runtime's event loop and is cancelled at the timeout."""

import asyncio


async def handle(request):
    if request.path == "/hang":
        await asyncio.sleep(60)
    if request.path == "/throw":
        raise KeyError("missing")
    return f"async {request.method} {request.query.get('name', ['world'])[0]}"

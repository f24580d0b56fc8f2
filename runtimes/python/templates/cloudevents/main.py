"""A CloudEvents function.

An incoming event (binary or structured mode) arrives as ``request.event``, a dict:
specversion, id, source, type, datacontenttype?, subject?, time?, data, and any extensions.
Returning a dict with a "specversion" key sends that event back in binary mode (the platform's broker
re-ingests it); returning None answers 204 (event consumed, no reply).
"""


# Identifies this function as the source of the events it sends: make it yours.
SOURCE = "urn:serverless:function:example"


def handle(request):
    event = request.event
    if event is None:
        return 400, {}, "expected a CloudEvent"
    return {
        "specversion": "1.0",
        "type": f"{event['type']}.processed",
        "source": SOURCE,
        # id is generated when left out
        "datacontenttype": "application/json",
        "data": {"original": event["id"], "data": event["data"]},
    }

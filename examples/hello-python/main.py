"""The smallest Python function: answers "Hello, <name>!" as text, name from the query string."""


def handle(request):
    # request.query maps each name to the list of its values, as urllib.parse.parse_qs does.
    name = request.query.get("name", ["world"])[0]
    return f"Hello, {name}!"

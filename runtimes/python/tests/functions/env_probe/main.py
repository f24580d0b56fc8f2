"""Answers which of the variables named in the query its process environment has: the generic-mode tests' probe."""

import os


def handle(request):
    return {name: os.environ.get(name) for name in request.query.get("name", [])}

import a_dependency_that_is_not_installed  # noqa: F401


def handle(request):
    return "unreachable"

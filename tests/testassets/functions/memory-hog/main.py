"""Takes 256 MiB as it loads: under a smaller memory limit the kernel kills it, and the platform says so
(tests/Serverless.Platform.Tests/Limits set spec.resources.limits.memory through the admin API)."""

HOG = b"x" * (256 * 1024 * 1024)


def handle(request):
    return f"{len(HOG)} bytes held"

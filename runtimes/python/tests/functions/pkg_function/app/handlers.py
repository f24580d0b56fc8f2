def handle(request):
    return "from a package"

def handle(request)
    return "missing colon"

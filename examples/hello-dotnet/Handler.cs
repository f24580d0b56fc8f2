namespace HelloDotnet;

public static class Handler
{
    /// <summary>
    /// Bound with minimal-API rules: <paramref name="name"/> comes from the query string
    /// (<c>?name=Ada</c>); a returned string is sent as <c>text/plain</c>.
    /// </summary>
    public static string Handle(string? name) => $"Hello, {name ?? "world"}!";
}

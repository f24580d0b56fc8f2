namespace Serverless.Activator.Functions;

/// <summary>Why a traffic tag's URL is not forwarded: the status code and the problem details' title and detail.</summary>
internal sealed record TagProblem(int Status, string Title, string Detail);

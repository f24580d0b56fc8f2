namespace Serverless.Cli.Output;

/// <summary>How read commands print their result: a table or fields for people, JSON or YAML for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Yaml,
}

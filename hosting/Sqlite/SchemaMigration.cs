namespace Serverless.Hosting.Sqlite;

/// <summary>The schema version a file had when opened and the version it has now; equal when nothing was applied.</summary>
public readonly record struct SchemaMigration(int From, int To)
{
    public bool Applied => From != To;
}

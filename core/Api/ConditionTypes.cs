namespace Serverless.Core.Api;

public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string WorkloadReady = "WorkloadReady";
    public const string RouteReady = "RouteReady";
    public const string SubscriberResolved = "SubscriberResolved";
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
